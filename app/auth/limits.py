"""The sign-in limits, shared by the login form and createToken.

Failed sign-ins are counted twice: per account (the email a sign-in names), so that no one can try many
passwords on one account, and per client address, far higher, so that one address cannot try a few
passwords on many accounts, while a college behind one NAT, where hundreds of students share an
address, is not locked out by a few of them mistyping. Every sign-in that does not sign in counts: a
wrong password, an unknown email, and a malformed body (not JSON, a missing field, a wrong type, a
refused CSRF token) alike. A sign-in refused by a limit (429) was never tried, and does not count again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, g, request
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from app.api.bodies import read_json_body
from app.errors import ContestError, retry_after_text
from app.extensions import LIMITED_METHODS, limiter
from app.models.people import normalize_email


def note_signed_in() -> None:
    """Mark this request as a successful sign-in: the one kind that no limit counts."""
    g.signed_in = True


def _failed(response: Response) -> bool:
    return response.status_code != 429 and not g.get("signed_in")


def _named_email() -> Any:
    if request.is_json:
        try:
            body = read_json_body(request)  # within the bounds every API body is read in
        except ContestError:
            return None
        return body.get("email") if isinstance(body, dict) else None
    return request.form.get("email")


def account_key() -> str:
    """The account a sign-in names: the email of the form or of the JSON body, as stored. A sign-in that
    names none is counted against its address instead, so that it neither escapes the account limit nor
    spends the counter of anyone else's."""
    email = _named_email()
    if not isinstance(email, str) or not email.strip():
        return "no-account:" + get_remote_address()
    return "account:" + normalize_email(email)[:254]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _account_message() -> str:
    return _("Too many failed sign-ins to this account. Try again in %(wait)s.", wait=retry_after_text())


def _address_message() -> str:
    return _("Too many failed sign-ins from your network. Try again in %(wait)s.", wait=retry_after_text())


_per_account = limiter.shared_limit(
    _account_limit,
    scope="login-account",
    key_func=account_key,
    methods=LIMITED_METHODS,
    deduct_when=_failed,
    error_message=_account_message,
)
_per_address = limiter.shared_limit(
    _address_limit, scope="login-address", methods=LIMITED_METHODS, deduct_when=_failed, error_message=_address_message
)


def login_rate_limit(view: Callable[..., Any]) -> Callable[..., Any]:
    """Both sign-in limits, per account and per client address, on a view that signs in."""
    return _per_account(_per_address(view))
