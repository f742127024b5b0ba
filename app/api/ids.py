"""Row ids in the API: in URLs (`<id:team_id>`) and in bodies and queries (`Id()`).

An id is 1 to 2**31 - 1, the range of the integer primary keys on PostgreSQL. A number outside it
names no row: in a URL it matches no route (404), in a body or a query it is refused (422), instead
of reaching the database driver, which cannot bind it (a 500).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from app.api.numbers import Integer
from scoring.numbers import integer_from_text

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<id:name>`: an integer from 1 to MAX_ID; the spec documents the bounds.

    Another number is a 404 at once. Had the rule only not matched, a rule of the same path for
    another method would make it a misleading 405 (PATCH /rounds/0: "only GET is allowed"). Only the
    digits 0-9 match (werkzeug's `\\d` takes any script's: /teams/٣ would be team 3).
    """

    regex = r"[0-9]+"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise NotFound()
        return number


class Id(Integer):
    """An id field, from 1 to MAX_ID, written as a whole number (`app.api.numbers.Integer`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", ma.validate.Range(min=1, max=MAX_ID))
        super().__init__(**kwargs)


def id_from_text(text: str | None) -> int | None:
    """The id a page's query or form names (`?college_id=`, a ticked team), or None when the text names no
    row: not a whole number in digits, or outside 1 to MAX_ID.

    >>> id_from_text("42"), id_from_text("0"), id_from_text("99999999999999999999"), id_from_text("²")
    (42, None, None, None)
    """
    number = integer_from_text(text or "")
    return number if number is not None and 1 <= number <= MAX_ID else None
