"""Captains' sign-up, by a mailed link. Functions flush, never commit.

The sign-up form answers the same whether or not its email has an account, so that it tells no one who
has one: the owner of the email is mailed either a link to finish signing up or, when the email has an
account already, a note saying so and where to sign in. The link is signed (itsdangerous, with the
secret key) and carries the email, the name and when it was made; it keeps nothing in the database.
Following it, the owner chooses a password, and only then is the account created.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from app.auth import services as accounts
from app.errors import ContestError, InvalidDataError, StateConflictError
from app.mail import queue_mail
from app.models import CAPTAIN, User
from app.models.people import normalize_email

#: How long a sign-up link works.
LINK_LIFETIME = timedelta(hours=48)
_SALT = "laurel-signup"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def request_signup(email: str, name: str, *, now: datetime, confirm_url: Callable[[str], str], sign_in_url: str) -> None:
    """Mail the owner of `email`: a link to finish signing up (`confirm_url(token)`), or, when the email
    has an account, a note saying so, with `sign_in_url`. The caller answers the same either way."""
    email, name = normalize_email(email or ""), (name or "").strip()
    fields: dict[str, list[str]] = {}
    if not name or len(name) > accounts.MAX_NAME_LENGTH:
        fields["name"] = [_("Enter a name of at most 100 characters.")]
    if "@" not in email or "." not in email.rpartition("@")[2] or len(email) > 254:
        fields["email"] = [_("Enter an email address such as name@example.edu.cn.")]
    if fields:
        raise InvalidDataError(_("The account cannot be created."), fields=fields)
    if accounts.find_user_by_email(email) is not None:
        queue_mail(
            [email],
            "【Laurel】您已有账号 You already have an account",
            "有人（也许是您）用这个邮箱在 Laurel 注册。这个邮箱已有账号，因此没有新建账号。请在此登录：\n"
            f"{sign_in_url}\n忘记密码请联系比赛组委会。如果不是您本人操作，请忽略本邮件，您的账号没有任何变化。\n\n"
            "Someone, perhaps you, tried to sign up to Laurel with this email. It has an account already, so "
            f"nothing was created. Sign in at\n{sign_in_url}\nIf you forgot your password, ask the contest's "
            "organizers. If it was not you, ignore this message: your account is unchanged.\n",
        )
        return
    token = _serializer().dumps({"email": email, "name": name, "at": int(now.timestamp())})
    link = confirm_url(token)
    hours = int(LINK_LIFETIME.total_seconds() // 3600)
    queue_mail(
        [email],
        "【Laurel】完成注册 Finish signing up",
        f"{name}，您好：\n请在 {hours} 小时内打开以下链接，设置密码，完成 Laurel 队长账号的注册：\n{link}\n"
        "如果不是您本人操作，请忽略本邮件。\n\n"
        f"Hello {name},\nOpen this link within {hours} hours to choose a password and finish creating your "
        f"Laurel captain account:\n{link}\nIf you did not sign up, ignore this message.\n",
    )


def read_signup_link(token: str, *, now: datetime) -> dict[str, Any]:
    """The email and name a sign-up link carries. A link that is not Laurel's, or older than
    LINK_LIFETIME, is refused (400 `invalid_link`); one whose email has an account by now (the link was
    followed already) is 409 `email_taken`."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        data = None
    if not isinstance(data, dict) or not {"email", "name", "at"} <= set(data):
        raise ContestError(_("This link is not valid. Sign up again to get a new one."), code="invalid_link")
    if now.timestamp() - data["at"] > LINK_LIFETIME.total_seconds():
        raise ContestError(_("This link has expired. Sign up again to get a new one."), code="invalid_link")
    if accounts.find_user_by_email(data["email"]) is not None:
        raise StateConflictError(
            _("The account for this email is created already: sign in."),
            code="email_taken",
        )
    return data


def complete_signup(token: str, password: str, *, now: datetime) -> User:
    """Create the captain account a sign-up link asks for, with the password its owner chose (the
    password rule applies)."""
    data = read_signup_link(token, now=now)
    return accounts.create_user(email=data["email"], name=data["name"], password=password, role=CAPTAIN, now=now)
