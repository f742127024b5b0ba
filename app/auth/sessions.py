"""Browser sessions, and how users are loaded for the browser and for the API."""

from __future__ import annotations

from flask import request
from flask.sessions import SecureCookieSessionInterface

from app.extensions import db, login_manager
from app.models import User, utcnow


class BrowserOnlySessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions for pages; none at all under /api.

    The API authenticates by bearer token only, so a browser's cookie can never carry a
    cross-site request into the API (which is exempt from CSRF tokens for that reason).
    """

    def open_session(self, app, request_):
        if request_.path.startswith("/api/"):
            return self.session_class()
        return super().open_session(app, request_)

    def save_session(self, app, session, response):
        if request.path.startswith("/api/"):
            return None
        return super().save_session(app, session, response)


@login_manager.user_loader
def load_user_from_session(session_id: str) -> User | None:
    """Sessions store "<user id>.<session version>"; a changed password invalidates old ones."""
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


@login_manager.request_loader
def load_user_from_bearer_token(request_) -> User | None:
    from app.auth.services import user_for_token

    if not request_.path.startswith("/api/"):
        return None
    scheme, _, token = request_.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_token(token.strip(), now=utcnow())
