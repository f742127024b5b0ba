"""The sign-in rate limit, shared by the login form and createToken."""

from flask import current_app, g
from flask.wrappers import Response

from app.extensions import LIMITED_METHODS, limiter


def note_failed_login() -> None:
    """Mark this request as a failed sign-in, so that it counts against the limit."""
    g.login_failed = True


def _failed(response: Response) -> bool:
    return bool(g.get("login_failed"))


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


#: Failed sign-ins per client address, counted together for the form and the API.
#: Successful sign-ins do not count, so a busy computer lab is not locked out by its own users.
login_rate_limit = limiter.shared_limit(_limit, scope="login", methods=LIMITED_METHODS, deduct_when=_failed)
