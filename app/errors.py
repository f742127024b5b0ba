"""Errors meant for people, and the handlers that show every error as a page or as JSON.

Two kinds of errors, as in Tabbycat: a `ContestError` is meant for the user (a rule said no, and
its message says what to do); anything else is a bug, logged and answered with a bare 500.
Under /api every error is the JSON envelope of api.md, never an HTML page and never a 500 for bad
input:

    {"error": {"code": "snake_case", "message": "...", "fields": {"name": ["..."]}, "rows": [...]}}
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError


class ContestError(Exception):
    """A rule said no. The message is a sentence a person can act on."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: Mapping[str, list[str]] | None = None,
        details: Mapping[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = dict(fields or {})
        self.details = dict(details or {})

    def payload(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        error.update(_fields_entry(self.fields))
        error.update(self.details)
        return {"error": error}


#: An error answer lists at most this many fields, and says how many more there are (`more_fields`): a body
#: of 10,000 unknown keys is not echoed back whole.
MAX_REPORTED_FIELDS = 100
#: Its message names at most this many.
MAX_NAMED_FIELDS = 10


def _fields_entry(fields: Mapping[str, list[str]] | None) -> dict[str, Any]:
    """The `fields` of an error answer, at most MAX_REPORTED_FIELDS of them, and `more_fields` when cut.

    >>> _fields_entry({f"k{i}": ["Unknown field."] for i in range(102)})["more_fields"]
    2
    """
    if not fields:
        return {}
    names = list(fields)
    entry: dict[str, Any] = {"fields": {name: list(fields[name]) for name in names[:MAX_REPORTED_FIELDS]}}
    if len(names) > MAX_REPORTED_FIELDS:
        entry["more_fields"] = len(names) - MAX_REPORTED_FIELDS
    return entry


class InvalidDataError(ContestError):
    """The input breaks a rule (422); `fields` names each field and what is wrong with it."""

    status = 422
    code = "invalid"


class InvalidRowsError(InvalidDataError):
    """An imported file has bad rows (422); every bad row is listed and nothing is saved."""

    code = "invalid_rows"

    def __init__(self, message: str, rows: list[dict[str, Any]]):
        super().__init__(message, details={"rows": rows})
        self.rows = rows


def problems_message(count: int) -> str:
    """The summary of a refused import."""
    from flask_babel import ngettext

    return ngettext(
        "%(num)d problem in the file; nothing was imported. Fix it and upload the file again.",
        "%(num)d problems in the file; nothing was imported. Fix them and upload the file again.",
        count,
    )


class StateConflictError(ContestError):
    """The request is valid but the state forbids it now (409): closed window, duplicate, taken."""

    status = 409
    code = "conflict"


class AuthenticationError(ContestError):
    """Wrong credentials (401)."""

    status = 401
    code = "invalid_credentials"


class ForbiddenError(ContestError):
    status = 403
    code = "forbidden"


class NotFoundError(ContestError):
    status = 404
    code = "not_found"


class TooLargeError(ContestError):
    """An upload past its limit (413); nothing of it is kept."""

    status = 413
    code = "upload_too_large"


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "snake_case error code"})
    message = ma.fields.String(required=True, metadata={"description": "a sentence a person can act on"})
    fields = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "bare field name (members.2.student_id) -> messages"},
    )
    rows = ma.fields.List(ma.fields.Dict(), metadata={"description": "bad rows of an import: row, column, message"})
    # The details some 409s carry, by code:
    missing = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "unsubmitted_sheets: the sheets left out (assignment_id, team_id, team_number, judge_id, judge_name, status)"
        },
    )
    conflict = ma.fields.String(metadata={"description": "conflict_of_interest: why the judge may not score the team"})
    version = ma.fields.Integer(metadata={"description": "stale_sheet: the sheet's saved version"})
    opens_at = ma.fields.String(
        metadata={"description": "registration_closed: when registration opens, in the contest's time zone"}
    )
    closes_at = ma.fields.String(metadata={"description": "registration_closed: when it closes"})
    deadline = ma.fields.String(metadata={"description": "deadline_passed: the team's deadline (ISO 8601)"})
    problem = ma.fields.String(
        metadata={"description": "a refused work (422): type, pages, size or content, what is wrong with the file"}
    )
    track = ma.fields.String(metadata={"description": "track_has_teams: the code of the track that has teams"})
    teams = ma.fields.Integer(metadata={"description": "track_has_teams: how many teams the track has"})
    college = ma.fields.Dict(
        metadata={"description": "college_exists: the college on the list to choose instead (id, code, name)"}
    )
    students = ma.fields.List(
        ma.fields.Dict(),
        metadata={"description": "duplicate_student (mergeColleges): the students twice in a category (name, student_id)"},
    )
    more_fields = ma.fields.Integer(
        metadata={"description": f"how many fields at fault `fields` leaves out (it lists at most {MAX_REPORTED_FIELDS})"}
    )


class ErrorEnvelopeSchema(ma.Schema):
    """Every API error has this shape."""

    error = ma.fields.Nested(ErrorDetailSchema, required=True)


HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "upload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def flatten_field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into bare dotted names: members.2.student_id.

    >>> flatten_field_errors({"members": {2: {"student_id": ["Missing."]}}, "name": ["Too long."]})
    {'members.2.student_id': ['Missing.'], 'name': ['Too long.']}
    """
    if isinstance(messages, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = str(key) if not prefix else f"{prefix}.{key}"
            flat.update(flatten_field_errors(value, name))
        return flat
    if isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        return {prefix or "_schema": list(messages)}
    return {prefix or "_schema": [str(messages)]}


def _retry_after_seconds() -> int:
    from app.extensions import limiter

    limit = limiter.current_limit
    if limit is None:
        return 60
    return max(1, math.ceil(limit.reset_at - time.time()))


def retry_after_text() -> str:
    """How long until the limit this request broke lets it in again, for a person: seconds under two
    minutes, else minutes (rounded up)."""
    from flask_babel import ngettext

    seconds = _retry_after_seconds()
    if seconds < 120:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    return ngettext("%(num)d minute", "%(num)d minutes", math.ceil(seconds / 60))


def _describe_http_error(error: HTTPException) -> tuple[str, dict[str, list[str]]]:
    """The message and field errors for an HTTP error, with webargs' parse errors unpacked (a body that is
    not JSON never gets here: `app.api.bodies` refuses it with its reason)."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if error.code == 422 and messages:
        fields: dict[str, list[str]] = {}
        for location_messages in messages.values():
            fields.update(flatten_field_errors(location_messages))
        names = sorted(fields)
        if len(names) > MAX_NAMED_FIELDS:
            return _(
                "Some fields are missing or invalid: %(names)s and %(more)s more.",
                names=", ".join(names[:MAX_NAMED_FIELDS]),
                more=len(names) - MAX_NAMED_FIELDS,
            ), fields
        return _("Some fields are missing or invalid: %(names)s.", names=", ".join(names)), fields
    if error.code == 401:
        return _("Sign in first: send 'Authorization: Bearer <token>' (POST /api/v1/tokens gives one)."), {}
    if error.code == 403:
        return _("You are not allowed to do this."), {}
    if error.code == 404:
        return _("Nothing exists at this address."), {}
    if error.code == 413:
        limit = current_app.config["MAX_UPLOAD_MB"]
        return _("The upload is too large; the limit is %(limit)s MB.", limit=limit), {}
    if error.code == 429:
        limit = getattr(error, "limit", None)  # Flask-Limiter's: each of Laurel's limits says what it limits
        if limit is not None and limit.error_message:
            return str(error.description), {}
        return _("Too many attempts. Try again in %(wait)s.", wait=retry_after_text()), {}
    return error.description or error.name, {}


def _json_error(status: int, code: str, message: str, fields: Mapping[str, list[str]] | None = None):
    error: dict[str, Any] = {"code": code, "message": message}
    error.update(_fields_entry(fields))
    response = jsonify({"error": error})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="laurel"'
    return response


def _html_error(status: int, message: str):
    return render_template("errors/error.html", status=status, message=message), status


def handle_contest_error(error: ContestError):
    if is_api_request():
        response = jsonify(error.payload())
        response.status_code = error.status
        if error.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="laurel"'
        return response
    return _html_error(error.status, error.message)


def handle_http_error(error: HTTPException):
    message, fields = _describe_http_error(error)
    status = error.code or 500
    if is_api_request():
        return _json_error(status, HTTP_ERROR_CODES.get(status, "error"), message, fields)
    return _html_error(status, message)


def handle_unexpected_error(error: Exception):
    """A bug: log it with its traceback, and answer a plain 500 (the request's changes are rolled back,
    `app.transactions`)."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    if current_app.config.get("PROPAGATE_EXCEPTIONS"):
        raise error
    message = _("Something went wrong on our side. It has been logged; please try again.")
    if is_api_request():
        return _json_error(500, "internal_error", message)
    return _html_error(InternalServerError.code, message)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ContestError, handle_contest_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
