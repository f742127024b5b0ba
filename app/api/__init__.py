"""The JSON API under /api/v1: the domain blueprints, the generated spec, and its docs page."""

import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import marshmallow as ma
import swagger_ui_bundle
from flask import Blueprint, Flask, render_template, send_from_directory
from flask_smorest import Api

from app.errors import ErrorEnvelopeSchema
from app.extensions import csrf

SWAGGER_UI_DIR = Path(swagger_ui_bundle.swagger_ui_path)


class LaurelApi(Api):
    """flask-smorest's Api, with Laurel's error envelope, documenting its views when the spec is first read.

    Error handlers are registered by `app.errors` for the whole application (HTML pages and the
    API alike), so this class registers none of its own; `ERROR_SCHEMA` documents the envelope.

    flask-smorest documents a blueprint's views as it registers them, which is most of the cost of making
    the app; most processes never serve the spec (every test makes an app, every instance starts one per
    worker). Here the routes are registered at once and the views documented on the spec's first read
    (`spec`), under a lock: the same document, written once, when it is asked for.
    """

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def __init__(self, *args: Any, **kwargs: Any):
        self._undocumented: list[tuple[Any, str, Any]] = []
        self._documenting = threading.Lock()
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        spec = self.__dict__.get("_spec")
        if self._undocumented and spec is not None:
            with self._documenting:
                while self._undocumented:
                    blueprint, name, parameters = self._undocumented.pop(0)
                    blueprint.register_views_in_doc(self, self._app, spec, name=name, parameters=parameters)
                    spec.tag({"name": name, "description": blueprint.description})
        return spec

    @spec.setter
    def spec(self, spec) -> None:
        self.__dict__["_spec"] = spec  # a new app's spec: what was waiting belonged to the last one
        self._undocumented = []

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def _register_error_handlers(self):
        pass


api = LaurelApi()

docs = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@docs.route("/docs")
def page():
    """Swagger UI, served from the pinned swagger-ui-bundle package, nothing from the internet."""
    return render_template("api/docs.html")


@docs.route("/docs/assets/<path:filename>")
def asset(filename: str):
    return send_from_directory(SWAGGER_UI_DIR, filename, max_age=86400)


def decimal_bounds_as_numbers(self: Any, field: ma.fields.Field, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A Decimal field's bounds and default are JSON numbers in the spec ("maximum": 1), not the
    strings that Decimal values would be serialized to ("maximum": "1"), which break the spec."""
    if not isinstance(field, ma.fields.Decimal):
        return {}
    return {
        key: int(value) if value == value.to_integral_value() else float(value)
        for key, value in ret.items()
        if isinstance(value, Decimal)
    }


def register_api(app: Flask) -> None:
    from app.announcements.api import blp as announcements_api
    from app.auth.api import blp as auth_api
    from app.certificates.api import blp as certificates_api
    from app.colleges.api import blp as colleges_api
    from app.contests.api import blp as contests_api
    from app.jobs.api import blp as jobs_api
    from app.judging.api import blp as judging_api
    from app.notices.api import blp as notices_api
    from app.registration.api import blp as registration_api
    from app.results.api import blp as results_api
    from app.works.api import blp as works_api
    from app.works.file_api import blp as work_files_api

    api.init_app(app)
    api.ma_plugin.converter.add_attribute_function(decimal_bounds_as_numbers)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in (
        auth_api,
        colleges_api,
        contests_api,
        registration_api,
        judging_api,
        results_api,
        notices_api,
        announcements_api,
        certificates_api,
        jobs_api,
        work_files_api,
        works_api,
    ):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # bearer tokens only; browsers' cookies never reach /api
    csrf.exempt(docs)
    app.register_blueprint(docs)
