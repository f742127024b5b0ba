"""How Flask-Login finds the user of a request: by the browser session the cookie names (pages), or by the
bearer token (the API)."""

from __future__ import annotations

from app.auth.services import user_for_token
from app.auth.sessions import USER_FOR_SESSION
from app.extensions import db, login_manager
from app.models import User, utcnow
from app.models.people import secret_hash


@login_manager.user_loader
def load_user_from_session(key: str) -> User | None:
    """The user of the session whose key the cookie carries, while its row lives, unexpired, and the user
    is active."""
    user = db.session.execute(USER_FOR_SESSION, {"key_hash": secret_hash(key), "now": utcnow()}).scalar_one_or_none()
    if user is not None:
        user.session_key = key
    return user


@login_manager.request_loader
def load_user_from_bearer_token(request_) -> User | None:
    if not request_.path.startswith("/api/"):
        return None
    scheme, _, token = request_.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_token(token.strip(), now=utcnow())
