"""JSON bodies, bounded before they are parsed: every API operation reads its body here (`ApiParser`).

Anyone may send a body, token or not, so what a body may cost is bounded before the schema sees it:

- its size: at most MAX_JSON_BYTES, checked on Content-Length before a byte is read, and while reading a
  body sent without one (413 `body_too_large`);
- its numbers: an integer of more than MAX_JSON_DIGITS digits is refused while parsing (Python's `int()`
  would stop at 4,300 digits with an error of its own);
- its nesting: at most MAX_JSON_DEPTH levels (Python's parser itself gives up near 1,000, with a
  RecursionError);
- its keys: at most MAX_JSON_KEYS in all, counted while parsing, so that a body of 100,000 unknown keys
  stops there instead of costing a schema error per key.

Each refusal is a 400 `bad_request` (413 for the size) in the API's error envelope. No real body comes
near these bounds: a national round's 10,000 team ids are 70 KB, a team is 3 levels deep with about
150 keys. What no column can hold (a NUL, a lone surrogate) is then refused at its field by the parser
(`app.text`).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Request
from flask_babel import gettext as _
from webargs import core
from werkzeug.exceptions import RequestEntityTooLarge

from app.errors import ContestError

MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 20
MAX_JSON_KEYS = 10_000
MAX_JSON_DIGITS = 100


class BodyTooLargeError(ContestError):
    status = 413
    code = "body_too_large"


class _Refused(Exception):
    """Raised inside the parser's hooks to stop it: the body is refused with this message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_json_body(request: Request) -> Any:
    """The request's JSON body within the bounds above, or webargs' `missing` when there is none."""
    if not core.is_json(request.mimetype):
        return core.missing
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise _too_large()
    request.max_content_length = MAX_JSON_BYTES  # bounds a body sent without a length (chunked) as it is read
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise _too_large() from None
    if not data.strip():
        return core.missing
    try:
        body = json.loads(data, parse_int=_integer, object_pairs_hook=_KeyCounter())
    except _Refused as refused:
        raise ContestError(refused.message) from None
    except RecursionError:
        raise ContestError(_nested_too_deeply()) from None
    except ValueError as error:  # not JSON (json.JSONDecodeError), or not UTF-8 text (UnicodeDecodeError)
        raise ContestError(_("The request body is not valid JSON: %(reason)s.", reason=_reason(error))) from None
    if _depth(body) > MAX_JSON_DEPTH:
        raise ContestError(_nested_too_deeply())
    return body


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_DIGITS:
        raise _Refused(_("A number in the request body has more than %(n)s digits; no field takes it.", n=MAX_JSON_DIGITS))
    return int(text)


class _KeyCounter:
    """The parser's `object_pairs_hook`: builds each object, counting the keys of all of them."""

    def __init__(self) -> None:
        self.keys = 0

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        self.keys += len(pairs)
        if self.keys > MAX_JSON_KEYS:
            raise _Refused(_("The request body has more than %(n)s keys; no operation takes such a body.", n=MAX_JSON_KEYS))
        return dict(pairs)


def _depth(body: Any) -> int:
    """How deeply `body` nests (a scalar is 0, [] and {} are 1), walked without recursion."""
    deepest, stack = 0, [(body, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:  # deeper is refused anyway; no need to walk it all
                stack.extend((item, level + 1) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


def _too_large() -> BodyTooLargeError:
    return BodyTooLargeError(
        _("The request body is over %(kb)s KB; no operation takes a JSON body this large.", kb=MAX_JSON_BYTES // 1024)
    )


def _nested_too_deeply() -> str:
    return _("The request body nests deeper than %(n)s levels; no operation takes such a body.", n=MAX_JSON_DEPTH)


def _reason(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} (line {error.lineno}, column {error.colno})"
    return str(error)
