"""The demo contest that `flask demo` loads (and `make run` on an empty database)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.auth import services as accounts
from app.auth.hashing import hash_password
from app.colleges import services as colleges
from app.contests import services as contests
from app.extensions import db
from app.models import CAPTAIN, COORDINATOR, JUDGE, ORGANIZER, College, Contest, User
from app.spreadsheets import read_table

DEMO_PASSWORD = "laurel-demo"
DEMO_CONTEST_NAME = "全国大学生电子商务“创新、创意及创业”挑战赛（演示）"
#: (role, email, name) of the demo accounts; their password is DEMO_PASSWORD.
DEMO_ACCOUNTS = (
    (ORGANIZER, "organizer@demo.laurel", "组委会 Organizer"),
    (COORDINATOR, "coordinator@demo.laurel", "浙江大学 Coordinator"),
    (JUDGE, "judge@demo.laurel", "评委 Judge"),
    (CAPTAIN, "captain@demo.laurel", "队长 Captain"),
)
DEMO_COORDINATOR_COLLEGE = "4133010335"  # 浙江大学


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, email, password) of the demo accounts, in demo mode (LAUREL_DEMO_MODE) when the demo is loaded;
    else none."""
    if not current_app.config["DEMO_MODE"] or accounts.find_user_by_email(DEMO_ACCOUNTS[0][1]) is None:
        return []
    return [(role, email, DEMO_PASSWORD) for role, email, _name in DEMO_ACCOUNTS]


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(Contest.id)))


def load_national_colleges(now: datetime) -> None:
    """The national colleges list, unless colleges are already loaded."""
    if not db.session.scalar(select(func.count(College.id))):
        with colleges.NATIONAL_LIST.open("rb") as handle:
            colleges.import_colleges(read_table(handle, colleges.NATIONAL_LIST.name), now=now)


def existing_demo_contest() -> Contest | None:
    return db.session.scalar(select(Contest).where(Contest.name == DEMO_CONTEST_NAME))


def create_demo_contest(*, registration_opens_at: datetime, registration_closes_at: datetime, now: datetime) -> Contest:
    """The demo contest (DEMO_CONTEST_NAME) with its two tracks and the given registration window."""
    return contests.create_contest(
        contests.with_defaults(
            {
                "name": DEMO_CONTEST_NAME,
                "year": now.year,
                "registration_opens_at": registration_opens_at,
                "registration_closes_at": registration_closes_at,
                "tracks": [
                    {"code": "CG", "name": "常规赛 Regular track", "kind": "regular"},
                    {"code": "CB", "name": "跨境电商实战赛 Cross-border practical track", "kind": "practical"},
                ],
            },
            "Asia/Shanghai",
        ),
        now=now,
        actor=None,
    )


def create_demo_accounts(contest: Contest, *, now: datetime) -> dict[str, User]:
    """The demo accounts (DEMO_ACCOUNTS) with the demo's password, by role: the coordinator of
    DEMO_COORDINATOR_COLLEGE and the judge in `contest`. Accounts that already exist are kept as they are."""
    college = db.session.scalar(select(College).where(College.code == DEMO_COORDINATOR_COLLEGE))
    by_role: dict[str, User] = {}
    created = []
    for role, email, name in DEMO_ACCOUNTS:
        user = accounts.find_user_by_email(email)
        if user is None:
            scope = {"contest_id": contest.id, "college_id": college.id} if role == COORDINATOR else {}
            if role == JUDGE:
                scope = {"contest_id": contest.id}
            user = accounts.create_user(email=email, name=name, password=secrets.token_urlsafe(16), role=role, now=now, **scope)
            created.append(user)
        by_role[role] = user
    give_demo_password(created)
    return by_role


def load_demo(*, now: datetime) -> Contest:
    """Load the national colleges list, an empty demo contest open for registration, and one account per
    role (what the tests build on; `flask demo` loads `app.demo.season`, a contest in mid-season).

    Loading twice adds nothing: the existing demo contest is returned.
    """
    load_national_colleges(now)
    existing = existing_demo_contest()
    if existing is not None:
        return existing
    contest = create_demo_contest(
        registration_opens_at=now - timedelta(days=7), registration_closes_at=now + timedelta(days=60), now=now
    )
    create_demo_accounts(contest, now=now)
    return contest


def give_demo_password(users: Iterable[User]) -> None:
    """Give `users` the demo's password, DEMO_PASSWORD.

    It is weak by design, and public (the login page shows it in demo mode), so no rule could make it
    safer: it is set here, past the password rule that every other way of setting a password obeys
    (`app.auth.passwords`). Accounts are created with a random password first, through the same service.
    """
    password_hash = hash_password(DEMO_PASSWORD, accounts.password_hash_method())
    for user in users:
        user.password_hash = password_hash
    db.session.flush()
