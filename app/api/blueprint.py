"""The API's Blueprint: flask-smorest's, with a parser that reads a JSON body within bounds
(`app.api.bodies`) and refuses text Laurel does not take.

Text `app.text.text_problem` refuses (the NUL character, which PostgreSQL text cannot hold; a bidi
control; text made only of invisible characters), in a query or a body, is refused before the schema
loads it, with a 422 that names the field.
"""

from __future__ import annotations

from typing import Any

import flask_smorest
import marshmallow as ma
from webargs.flaskparser import FlaskParser

from app.api.bodies import read_json_body
from app.text import fields_with_text_problems


class ApiParser(FlaskParser):
    def _raw_load_json(self, req: Any) -> Any:
        """The body, bounded before it is parsed (`app.api.bodies`)."""
        return read_json_body(req)

    def pre_load(self, location_data: Any, *, schema: ma.Schema, req: Any, location: str) -> Any:
        found = fields_with_text_problems(location_data)
        if found:
            raise ma.ValidationError({name: [problem] for name, problem in found.items()})
        return location_data


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ApiParser()

    def arguments(self, schema: type[ma.Schema] | ma.Schema, **kwargs: Any) -> Any:
        """flask-smorest's, with a schema class made into its instance once, when the view is declared:
        given a class, webargs would build a new instance (copying every field) on every request."""
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)
