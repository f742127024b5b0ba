"""What every HTML form shares: showing a service's refusal at its fields, and the status to answer with;
and the number fields, which read numbers as people write them.

Showing a refusal rolls back what the service had begun before it refused, so that the page shows what is
saved; the page then answers with the error's status (422, 409...), and the request's unit of work
(`app.transactions`) saves nothing of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import wtforms
from flask import current_app, flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from app.errors import ContestError, InvalidRowsError
from app.extensions import db
from app.spreadsheets import Table, read_table
from scoring.numbers import decimal_from_text, integer_from_text


class IntegerField(wtforms.IntegerField):
    """wtforms', reading a whole number only from the digits 0-9 (`scoring.numbers`): `int()` would read
    "٣" as 3 and "1_0" as 10. Forms use this one, never wtforms' own."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = integer_from_text(str(valuelist[0]))
        if self.data is None:
            raise ValueError(_l("Enter a whole number with the digits 0-9, such as 12."))


class DecimalField(wtforms.DecimalField):
    """wtforms', reading a number only from the digits 0-9 and one point; "-0" is 0."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = decimal_from_text(str(valuelist[0]))
        if self.data is None:
            raise ValueError(_l("Enter a number with the digits 0-9 and a point, such as 0.3."))


class Required:
    """Marks a field required, for the forms macro's * and the input's `required` attribute, where a service
    holds the rule: `check_team` reports every problem of a team in one pass, and a student row's email is
    required only in a row that is used. It checks nothing itself; forms that use it say `novalidate`."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


def show_error_on_form(
    form: FlaskForm,
    error: ContestError,
    *,
    rows: Mapping[str, Sequence[int]] | None = None,
    renames: Mapping[str, str] | None = None,
) -> int:
    """Attach a service error's messages to the form's fields; the rest becomes a flash message. Returns the
    error's status, for the page to answer with.

    Dotted names (tracks.1.code) reach into FieldLists and FormFields. Forms that leave their empty
    rows out give `rows`: for each list, the form row of each item the service saw, so that item 1
    of the service is put on the row the person filled. `renames` maps a service's field name to
    the form's (college_id -> college).
    """
    db.session.rollback()
    unplaced: list[str] = []
    for name, messages in error.fields.items():
        parts = name.split(".")
        kept = (rows or {}).get(parts[0])
        if kept is not None and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(kept):
            parts[1] = str(kept[int(parts[1])])
        parts[-1] = (renames or {}).get(parts[-1], parts[-1])
        field = _find_field(form, ".".join(parts))
        if field is None:
            unplaced.extend(messages)
        else:
            field.errors = list(field.errors) + list(messages)
    if unplaced or not error.fields:
        flash(" ".join([error.message, *unplaced]) if unplaced else error.message, "error")
    return error.status


def flash_error(error: ContestError) -> int:
    """Show a service's refusal as a message at the top of the page; returns its status to answer with."""
    db.session.rollback()
    flash(error.message, "error")
    return error.status


def _find_field(form, dotted_name: str):
    node = form
    for part in dotted_name.split("."):
        if hasattr(node, "entries"):  # a FieldList: the part is an index
            if not part.isdigit() or int(part) >= len(node.entries):
                return None
            node = node.entries[int(part)]
            continue
        fields = getattr(getattr(node, "form", node), "_fields", None)  # a form, or a FormField's form
        if fields is None or part not in fields:
            return None
        node = fields[part]
    return node


@dataclass
class UploadOutcome:
    """What an import page shows: the importer's result, or the rows to fix and the status, or the job
    that imports a file too large for the request."""

    result: Any = None
    bad_rows: list[dict[str, Any]] | None = field(default=None)
    status: int = 200
    job: Any = None


def run_upload(
    form: FlaskForm,
    importer: Callable[[Table], Any],
    *,
    headers: Mapping[str, str] | None = None,
    background: Callable[[Any, int], Any] | None = None,
) -> UploadOutcome:
    """Read the form's uploaded file and import it; when it is refused, say why and keep every bad row to
    show, with the status the page answers with (so that nothing of it is saved). A file of more rows than
    LAUREL_JOB_THRESHOLD_ROWS is handed to `background(upload, rows)`, which starts a job. The one way
    every import page handles its upload."""
    upload = form.file.data
    try:
        table = read_table(upload.stream, upload.filename, headers=headers)
        if background is not None and len(table.rows) > current_app.config["JOB_THRESHOLD_ROWS"]:
            return UploadOutcome(job=background(upload, len(table.rows)))
        result = importer(table)
    except InvalidRowsError as error:
        return UploadOutcome(bad_rows=error.rows, status=flash_error(error))
    except ContestError as error:
        return UploadOutcome(status=flash_error(error))
    return UploadOutcome(result=result)
