"""The API's Blueprint: flask-smorest's, with a parser that refuses text no database column can hold.

PostgreSQL text cannot contain the NUL character (\\x00): a value with one, in a query or a body,
would fail in the database driver (a 500). It is refused before the schema loads it instead, with
a 422 that names the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import flask_smorest
import marshmallow as ma
from flask_babel import gettext as _
from webargs.flaskparser import FlaskParser


def fields_with_nul(data: Any, prefix: str = "") -> list[str]:
    """The dotted names of the values (and keys) in `data` that contain a NUL character.

    >>> fields_with_nul({"name": "a\\x00b", "members": [{"email": "ok"}, {"major": "\\x00"}]})
    ['name', 'members.1.major']
    """
    if isinstance(data, str):
        return [prefix or "_schema"] if "\x00" in data else []
    found: list[str] = []
    if isinstance(data, Mapping):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(key, str) and "\x00" in key:
                found.append(name)
            found.extend(fields_with_nul(value, name))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            found.extend(fields_with_nul(value, f"{prefix}.{index}" if prefix else str(index)))
    return found


class ApiParser(FlaskParser):
    def pre_load(self, location_data: Any, *, schema: ma.Schema, req: Any, location: str) -> Any:
        names = fields_with_nul(location_data)
        if names:
            message = _("Remove the NUL character (\\0): text cannot contain it.")
            raise ma.ValidationError({name: [message] for name in names})
        return location_data


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ApiParser()

    def arguments(self, schema: type[ma.Schema] | ma.Schema, **kwargs: Any) -> Any:
        """flask-smorest's, with a schema class made into its instance once, when the view is declared:
        given a class, webargs would build a new instance (copying every field) on every request."""
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)
