"""Accounts: sign-in, users and roles, passwords, API tokens. Functions flush, never commit."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import lazyload

from app import audit
from app.auth import sessions
from app.auth.hashing import hash_password, needs_rehash, verify_password
from app.auth.passwords import context_words, password_problem
from app.colleges.services import province_exists
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.models import COORDINATOR, ORGANIZER, ROLES, ApiToken, College, Contest, RoleAssignment, User
from app.models.people import normalize_email, secret_hash

#: A user's name, as the column keeps it.
MAX_NAME_LENGTH = 100
# Checked when the email is unknown, so that a wrong email costs as long as a wrong password.
_TIMING_DUMMY_HASH: dict[str, str] = {}


def password_hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


def _dummy_hash() -> str:
    method = password_hash_method()
    if method not in _TIMING_DUMMY_HASH:
        _TIMING_DUMMY_HASH[method] = hash_password(secrets.token_hex(8), method)
    return _TIMING_DUMMY_HASH[method]


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    A wrong password and an unknown email look the same to the caller, and take as long. A hash made by
    an older method (or weaker parameters) is replaced by one of today's now that the password is known.
    """
    user = find_user_by_email(email or "")
    if user is None:
        verify_password(_dummy_hash(), password or "")
        return None
    if not user.check_password(password or "") or not user.is_active:
        return None
    if needs_rehash(user.password_hash, password_hash_method()):
        user.set_password(password, password_hash_method())
    return user


def check_password_rule(password: str, *, email: str, name: str, field: str = "password") -> None:
    """The password rule (`app.auth.passwords`), with the user's email and name as words an attacker knows;
    422 at `field`, saying why."""
    problem = password_problem(password, context_words(email, name))
    if problem:
        raise InvalidDataError(_("Choose another password. %(why)s", why=problem), fields={field: [problem]})


def _validate_role_scope(role: str, contest_id: int | None, college_id: int | None, province: str | None) -> None:
    """A coordinator belongs to one college in one contest; an organizer runs one contest or every contest,
    never one college or province; ids and provinces must exist."""
    fields: dict[str, list[str]] = {}
    if role not in ROLES:
        fields["role"] = [_("Choose one of: %(roles)s.", roles=", ".join(ROLES))]
    if role == ORGANIZER:
        for name, value in (("college_id", college_id), ("province", province)):
            if value:
                fields[name] = [_("An organizer runs a contest, or every contest: not one college or province.")]
    if role == COORDINATOR:
        if college_id is None:
            fields["college_id"] = [_("A coordinator needs a college.")]
        if contest_id is None:
            fields["contest_id"] = [_("A coordinator needs a contest.")]
    if contest_id is not None and db.session.get(Contest, contest_id) is None:
        fields["contest_id"] = [_("No contest has id %(id)s.", id=contest_id)]
    if college_id is not None and db.session.get(College, college_id) is None:
        fields["college_id"] = [_("No college has id %(id)s.", id=college_id)]
    if province and not province_exists(province):
        fields["province"] = [_("Unknown province %(name)s; write it in full, as 浙江省.", name=province)]
    if fields:
        raise InvalidDataError(_("The role cannot be given as asked."), fields=fields)


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    now: datetime,
    actor: User | None = None,
    contest_id: int | None = None,
    college_id: int | None = None,
    province: str | None = None,
) -> User:
    """Create a user holding one role. Emails are unique regardless of case (409 when taken)."""
    email = normalize_email(email)
    name = (name or "").strip()
    fields: dict[str, list[str]] = {}
    if not name:
        fields["name"] = [_("Enter a name.")]
    elif len(name) > MAX_NAME_LENGTH:
        fields["name"] = [_("Enter a name of at most 100 characters.")]
    if fields:
        raise InvalidDataError(_("The user cannot be created."), fields=fields)
    check_password_rule(password, email=email, name=name)
    _validate_role_scope(role, contest_id, college_id, province)
    if find_user_by_email(email) is not None:
        raise StateConflictError(
            _("A user with the email %(email)s already exists.", email=email),
            code="email_taken",
            fields={"email": [_("This email is taken.")]},
        )
    user = User(email=email, name=name)
    user.set_password(password, password_hash_method())
    user.roles.append(RoleAssignment(role=role, contest_id=contest_id, college_id=college_id, province=province))
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.id,
        now=now,
        after={"email": email, "name": name, "role": role, "contest_id": contest_id, "college_id": college_id},
    )
    return user


def grant_role(
    user: User,
    role: str,
    *,
    now: datetime,
    actor: User | None = None,
    contest_id: int | None = None,
    college_id: int | None = None,
    province: str | None = None,
) -> RoleAssignment:
    """Give a user one more role; giving a role they already hold changes nothing."""
    _validate_role_scope(role, contest_id, college_id, province)
    for assignment in user.roles:
        if (assignment.role, assignment.contest_id, assignment.college_id) == (role, contest_id, college_id):
            return assignment
    assignment = RoleAssignment(role=role, contest_id=contest_id, college_id=college_id, province=province)
    user.roles.append(assignment)
    db.session.flush()
    audit.record(
        actor=actor,
        action="user.grant_role",
        object_type="user",
        object_id=user.id,
        now=now,
        after={"role": role, "contest_id": contest_id, "college_id": college_id, "province": province},
    )
    return assignment


def _end_access(user: User, *, now: datetime, keep_session: str | None = None) -> None:
    """End every browser session of `user` but `keep_session`, and revoke every API token of theirs."""
    sessions.end_sessions(user, keep=keep_session)
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now))
    db.session.flush()


def change_password(
    user: User, *, current_password: str, new_password: str, now: datetime, keep_session: str | None = None
) -> None:
    """Change the password; this ends the user's other browser sessions (all but `keep_session`, the one
    that changed it) and revokes their API tokens."""
    wrong_current = not user.check_password(current_password or "")
    try:
        check_password_rule(new_password, email=user.email, name=user.name, field="new_password")
    except InvalidDataError as error:
        if wrong_current:  # both problems at once, not one per submission
            error.fields["current_password"] = [_("This is not your current password.")]
        raise
    if wrong_current:
        raise InvalidDataError(
            _("The current password is wrong."), fields={"current_password": [_("This is not your current password.")]}
        )
    user.set_password(new_password, password_hash_method())
    _end_access(user, now=now, keep_session=keep_session)
    audit.record(actor=user, action="user.change_password", object_type="user", object_id=user.id, now=now)


def sign_out_elsewhere(user: User, *, keep_session: str | None, now: datetime) -> None:
    """ "Sign out everywhere else": end every browser session of the user but `keep_session`, and revoke
    their API tokens (a lost laptop, a shared computer left signed in)."""
    _end_access(user, now=now, keep_session=keep_session)
    audit.record(actor=user, action="user.sign_out_elsewhere", object_type="user", object_id=user.id, now=now)


def set_user_active(user: User, active: bool, *, actor: User | None, now: datetime) -> None:
    """Deactivate a user, or let them back in. Deactivating ends every session of theirs and revokes every
    API token at once (their sign-ins are refused from then on); coming back, they sign in again."""
    if user.active == active:
        return
    user.active = active
    if not active:
        _end_access(user, now=now)
    db.session.flush()
    audit.record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        object_type="user",
        object_id=user.id,
        now=now,
        before={"active": not active},
        after={"active": active},
    )


def issue_token(user: User, *, now: datetime) -> str:
    """A new bearer token for `user`, valid for TOKEN_DAYS days. Only its hash is kept."""
    token = "lrl_" + secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=secret_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=current_app.config["TOKEN_DAYS"]),
        )
    )
    db.session.flush()
    return token


#: The user of a usable token, in one query built once; only the user is loaded, the token is checked in
#: SQL. The user's roles are read when first asked for: most calls of a judge never ask.
USER_FOR_TOKEN = (
    select(User)
    .join(ApiToken, ApiToken.user_id == User.id)
    .options(lazyload(User.roles))
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.valid_at(bindparam("now", type_=ApiToken.expires_at.type)))
)


def user_for_token(token: str, *, now: datetime) -> User | None:
    """The user a bearer token belongs to, when it is neither revoked nor expired (and the user active).

    Read from the database on every request, so that a revocation holds from the next one.
    """
    return db.session.execute(USER_FOR_TOKEN, {"token_hash": secret_hash(token), "now": now}).scalar_one_or_none()


def revoke_token(token: str, *, now: datetime) -> bool:
    """Revoke one token; True when it was valid until now."""
    api_token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == secret_hash(token)))
    if api_token is None or api_token.revoked_at is not None:
        return False
    api_token.revoked_at = now
    db.session.flush()
    return True
