"""Laurel: national contests for college students, from registration to the official results."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as laurel_config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, commands, error handlers."""
    from app.transactions import LaurelFlask

    app = LaurelFlask(__name__, instance_path=os.environ.get("LAUREL_INSTANCE_PATH") or None, instance_relative_config=True)
    _configure(app, test_config)
    _init_extensions(app)
    _register_blueprints(app)
    _register_templates_helpers(app)

    from app.cli import register_commands
    from app.errors import register_error_handlers
    from app.security import register_security_headers
    from app.text import register_text_check

    register_error_handlers(app)
    register_commands(app)
    register_security_headers(app)
    register_text_check(app)
    from app.demo import demo_logins

    app.jinja_env.globals["demo_accounts"] = demo_logins  # the sign-in page lists them in demo mode
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    return app


def _configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Defaults, then instance/config.py (created with a random key on first run), then LAUREL_*, then tests."""
    app.config.from_mapping(laurel_config.DEFAULTS)
    if test_config is None:
        laurel_config.ensure_instance_config(app.instance_path)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(laurel_config.environment_overrides())
    if test_config is not None:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = laurel_config.database_uri(app.config, app.instance_path)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["API_SPEC_OPTIONS"] = {
        "security": [{"bearerAuth": []}],
        "info": {"description": "Laurel's JSON API. Every operation calls the same services as the browser."},
    }
    laurel_config.check_secret_key(app.config)
    os.makedirs(app.instance_path, exist_ok=True)


def _init_extensions(app: Flask) -> None:
    from app import database, mail  # noqa: F401  (SQLite pragmas; mail sent after commit)
    from app.auth import loaders  # noqa: F401  (how Flask-Login finds a request's user)
    from app.auth.sessions import BrowserOnlySessionInterface
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from app.locale import select_locale

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    app.session_interface = BrowserOnlySessionInterface()


def _register_blueprints(app: Flask) -> None:
    from app.announcements.routes import bp as announcements
    from app.api import register_api
    from app.api.ids import IdConverter
    from app.audit_log.routes import bp as audit_log
    from app.auth.routes import bp as auth
    from app.certificates.routes import bp as certificates
    from app.colleges.routes import bp as colleges
    from app.contests.routes import bp as contests
    from app.jobs.routes import bp as jobs
    from app.judging import metrics_routes  # noqa: F401  (its pages join the judging blueprint)
    from app.judging.routes import bp as judging
    from app.notices.routes import bp as notices
    from app.public.routes import bp as public
    from app.registration import signup_routes  # noqa: F401  (its pages join the registration blueprint)
    from app.registration.routes import bp as registration
    from app.results.routes import bp as results
    from app.works.pages import bp as work_pages
    from app.works.routes import bp as works

    app.url_map.converters["id"] = IdConverter  # before any rule uses it: pages and API alike
    for blueprint in (
        public,
        auth,
        colleges,
        contests,
        registration,
        judging,
        results,
        notices,
        announcements,
        certificates,
        audit_log,
        jobs,
        work_pages,
        works,
    ):
        app.register_blueprint(blueprint)
    register_api(app)

    @app.route("/favicon.ico")
    def favicon():
        """Browsers and crawlers ask for /favicon.ico whatever a page links: the site's icon, an SVG."""
        return app.send_static_file("favicon.svg")


def _register_templates_helpers(app: Flask) -> None:
    from app.templating import register_template_helpers

    register_template_helpers(app)
