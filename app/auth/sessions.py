"""Browser sessions, and how users are loaded for the browser and for the API.

A signed-in browser's session is a row of `browser_sessions`; the signed session cookie carries only its
random key. Every request looks the row up, so ending a session (deleting its row) holds from the next
request on every instance, with nothing kept in a worker. Functions flush, never commit.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_user
from sqlalchemy import bindparam, delete, select

from app.extensions import db
from app.models import BrowserSession, User, utcnow
from app.models.people import secret_hash


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


def _shown(text: str | None, length: int) -> str | None:
    """A header's text as the sessions list shows it: no NUL (PostgreSQL refuses it), at most `length`."""
    return (text or "").replace("\x00", "")[:length] or None


def start_session(user: User, *, now: datetime, address: str | None, user_agent: str | None) -> str:
    """A new browser session for `user`, living PERMANENT_SESSION_LIFETIME (Flask's, 31 days by default)
    unless it is ended first. Returns its key, for the cookie (set on `user.session_key` too); only its
    hash is kept. The user's expired sessions are cleared on the way."""
    db.session.execute(delete(BrowserSession).where(BrowserSession.user_id == user.id, BrowserSession.expires_at <= now))
    key = secrets.token_urlsafe(32)
    db.session.add(
        BrowserSession(
            user_id=user.id,
            key_hash=secret_hash(key),
            created_at=now,
            expires_at=now + current_app.config["PERMANENT_SESSION_LIFETIME"],
            address=_shown(address, 45),
            user_agent=_shown(user_agent, 200),
        )
    )
    db.session.flush()
    user.session_key = key
    return key


def sign_in(user: User) -> None:
    """Sign this browser in as `user`: a fresh session cookie (nothing planted in it before survives) for a
    new session row; a session the browser had before ends. For views; the request commits the row."""
    if current_user.is_authenticated:
        end_session(current_user.session_key)
    session.clear()
    start_session(user, now=utcnow(), address=request.remote_addr, user_agent=request.user_agent.string)
    login_user(user)


def end_session(key: str | None) -> None:
    """End the session with this key (sign-out); an unknown key changes nothing."""
    if key:
        db.session.execute(delete(BrowserSession).where(BrowserSession.key_hash == secret_hash(key)))


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End every session of `user` but the one with the key `keep`; returns how many ended."""
    statement = delete(BrowserSession).where(BrowserSession.user_id == user.id)
    if keep:
        statement = statement.where(BrowserSession.key_hash != secret_hash(keep))
    return db.session.execute(statement).rowcount


def live_sessions(user: User, *, now: datetime) -> list[BrowserSession]:
    """The user's sessions that have not ended, newest first."""
    return list(
        db.session.scalars(
            select(BrowserSession)
            .where(BrowserSession.user_id == user.id, BrowserSession.expires_at > now)
            .order_by(BrowserSession.created_at.desc(), BrowserSession.id.desc())
        )
    )


def is_current(browser_session: BrowserSession, key: str | None) -> bool:
    """True for the session whose key this request carries."""
    return bool(key) and browser_session.key_hash == secret_hash(key)


#: The user of a live session, in one query built once.
USER_FOR_SESSION = (
    select(User)
    .join(BrowserSession, BrowserSession.user_id == User.id)
    .where(
        BrowserSession.key_hash == bindparam("key_hash"),
        BrowserSession.valid_at(bindparam("now", type_=BrowserSession.expires_at.type)),
    )
)
