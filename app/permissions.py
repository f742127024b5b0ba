"""Who may do what: role checks and per-object predicates, used by HTML routes and the API alike.

A request handler loads its objects (404), asks a predicate here (403), then calls a service.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from app.errors import is_api_request
from app.extensions import login_manager
from app.models import ORGANIZER, Contest, User

View = TypeVar("View", bound=Callable[..., Any])


def holds_any_role(user: User, roles: tuple[str, ...]) -> bool:
    """True when the user holds one of `roles`, for any contest or college."""
    return any(assignment.role in roles for assignment in user.roles)


def role_required(*roles: str) -> Callable[[View], View]:
    """Let in users who hold one of `roles`.

    Anonymous visitors are sent to the login page (HTML) or get 401 (API); signed-in users
    without the role get 403.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if is_api_request():
                    abort(401)
                return login_manager.unauthorized()
            if not holds_any_role(current_user, roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def login_required(view: View) -> View:
    """Any signed-in user; 401 under /api, a redirect to the login page elsewhere."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            if is_api_request():
                abort(401)
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def is_organizer(user: User, contest: Contest | None = None) -> bool:
    """An organizer for every contest, or for this contest."""
    if not user.is_authenticated:
        return False
    return user.has_role(ORGANIZER, contest.id if contest is not None else None)


def can_manage_colleges(user: User) -> bool:
    """The colleges list is national: only organizers of every contest change it."""
    return is_organizer(user)


def can_create_contest(user: User) -> bool:
    return is_organizer(user)


def can_edit_contest(user: User, contest: Contest) -> bool:
    return is_organizer(user, contest)


def can_create_users(user: User) -> bool:
    return is_organizer(user)
