"""Pages of lists, for the API (`?page=&per_page=`) and for HTML tables alike."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_sqlalchemy.pagination import Pagination

from app.api.numbers import Integer

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
#: Far past any list's end, and small enough that the page's offset fits the database's integers.
MAX_PAGE = 1_000_000


class PageArgsSchema(ma.Schema):
    page = Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_PAGE))
    per_page = Integer(load_default=DEFAULT_PER_PAGE, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE))


_page_schemas: dict[type, type[ma.Schema]] = {}


def page_schema(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The schema of a page of `item_schema`: {items, total, page, per_page}."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(
            name,
            (ma.Schema,),
            {
                "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
                "total": Integer(required=True),
                "page": Integer(required=True),
                "per_page": Integer(required=True),
            },
        )
    return _page_schemas[item_schema]


def page_payload(pagination: Pagination) -> dict[str, Any]:
    return {
        "items": pagination.items,
        "total": pagination.total,
        "page": pagination.page,
        "per_page": pagination.per_page,
    }


def page_from_request(statement, default_per_page: int = DEFAULT_PER_PAGE) -> Pagination:
    """One page of `statement` for an HTML list (`page_numbers`); a page past the end is empty, never a 404."""
    from app.extensions import db

    page, per_page = page_numbers(default_per_page)
    return db.paginate(statement, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False)


class PageOf:
    """One page of rows a query already cut (`limit`/`offset`), shaped like `Pagination` for the pager macro."""

    def __init__(self, items: list[Any], total: int, page: int, per_page: int):
        self.items, self.total, self.page, self.per_page = items, total, page, per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_numbers(default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """?page= and ?per_page= of an HTML list, by the API's rule (`PageArgsSchema`): page 1 to MAX_PAGE,
    per_page 1 to MAX_PER_PAGE, in digits. Another value is refused (422, the error page), never passed on
    to the database, whose offset it would overflow."""
    from flask import request
    from flask_babel import format_number
    from flask_babel import gettext as _

    from app.errors import InvalidDataError, flatten_field_errors

    given = {name: request.args[name] for name in ("page", "per_page") if name in request.args}
    try:
        args = PageArgsSchema().load({"per_page": default_per_page, **given})
    except ma.ValidationError as error:
        raise InvalidDataError(
            _(
                "There is no such page: pages go from 1 to %(pages)s, with 1 to %(rows)s rows each.",
                pages=format_number(MAX_PAGE),
                rows=MAX_PER_PAGE,
            ),
            fields=flatten_field_errors(error.messages),
        ) from None
    return args["page"], args["per_page"]
