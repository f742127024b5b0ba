"""A contest's judges: importing them from a spreadsheet, with the profile conflicts are judged by."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.auth import services as accounts
from app.auth.passwords import context_words, password_problem
from app.colleges.services import province_exists
from app.errors import InvalidRowsError, problems_message
from app.extensions import db
from app.judging.conflicts import set_aside_conflicts
from app.models import JUDGE, College, Contest, JudgeProfile, RoleAssignment, User
from app.models.people import normalize_email
from app.registration.rules import clean_text
from app.spreadsheets import Table

REQUIRED_COLUMNS = ("name", "email")


@dataclass
class JudgeImport:
    created: int = 0
    updated: int = 0
    #: Passwords Laurel made up for new accounts: shown once to the organizer, never stored in clear.
    passwords: list[dict[str, str]] = field(default_factory=list)


def _row_problems(row: dict[str, str], colleges: dict[str, int]) -> list[tuple[str, str]]:
    problems = []
    if not clean_text(row.get("name")) or len(clean_text(row.get("name"))) > 100:
        problems.append(("name", _("Enter a name of at most 100 characters.")))
    email = normalize_email(row.get("email") or "")
    if "@" not in email or "." not in email.split("@")[-1]:
        problems.append(("email", _("Enter an email address such as name@example.edu.cn.")))
    code = (row.get("college_code") or "").strip()
    if code and code not in colleges:
        problems.append(("college_code", _("No college has the code %(code)s.", code=code)))
    province = clean_text(row.get("province"))
    if province and not province_exists(province):
        problems.append(("province", _("Unknown province %(name)s; write it in full, as 浙江省.", name=province)))
    password = row.get("password") or ""
    problem = password and password_problem(password, context_words(email, row.get("name")))
    if problem:
        problems.append(("password", problem))
    return problems


def import_judges(contest: Contest, table: Table, *, actor: User | None, now: datetime) -> JudgeImport:
    """Create or update the contest's judges from a sheet, all rows or none.

    Columns: name, email (required); college_code, organization, province, expertise, password.
    A known email gets the judge role for this contest and its profile updated; a new one gets an
    account, with the given password or a generated one that is returned once. A known judge whose new
    college forbids a team they are assigned to is set aside there (`set_aside_conflicts`).
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        raise InvalidRowsError(
            _("The file lacks the columns %(columns)s.", columns=", ".join(missing)),
            rows=[{"row": 1, "column": c, "message": _("This column is missing.")} for c in missing],
        )
    colleges = dict(db.session.execute(select(College.code, College.id)).all())
    bad: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for number, row in table.rows:
        for column, message in _row_problems(row, colleges):
            bad.append({"row": number, "column": column, "message": message})
        email = normalize_email(row.get("email") or "")
        if email in seen:
            bad.append({"row": number, "column": "email", "message": _("Also in row %(row)s.", row=seen[email])})
        seen.setdefault(email, number)
    if bad:
        raise InvalidRowsError(problems_message(len(bad)), rows=bad)
    result = JudgeImport()
    updated: list[int] = []
    for _number, row in table.rows:
        email = normalize_email(row["email"])
        user = accounts.find_user_by_email(email)
        college_id = colleges.get((row.get("college_code") or "").strip())
        province = clean_text(row.get("province"))
        if user is None:
            password = row.get("password") or secrets.token_urlsafe(9)
            user = accounts.create_user(
                email=email,
                name=clean_text(row["name"]),
                password=password,
                role=JUDGE,
                contest_id=contest.id,
                now=now,
                actor=actor,
            )
            if not row.get("password"):
                result.passwords.append({"email": email, "password": password})
            result.created += 1
        else:
            accounts.grant_role(user, JUDGE, contest_id=contest.id, now=now, actor=actor)
            result.updated += 1
            updated.append(user.id)
        profile = db.session.scalar(select(JudgeProfile).where(JudgeProfile.user_id == user.id)) or JudgeProfile(user_id=user.id)
        profile.college_id = college_id or profile.college_id
        profile.organization = clean_text(row.get("organization"))[:80] or profile.organization
        profile.province = province or profile.province
        profile.expertise = clean_text(row.get("expertise"))[:200] or profile.expertise
        db.session.add(profile)
    db.session.flush()
    # A judge's new college may put them in conflict with teams they are already assigned to.
    set_aside_conflicts(judge_ids=updated, actor=actor, now=now)
    return result


def contest_judges(contest: Contest) -> list[tuple[User, JudgeProfile | None]]:
    """The contest's judges with their profiles, by name."""
    users = db.session.scalars(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == JUDGE, or_(RoleAssignment.contest_id == contest.id, RoleAssignment.contest_id.is_(None)))
        .distinct()
        .order_by(User.name)
    ).all()
    profiles = {
        p.user_id: p for p in db.session.scalars(select(JudgeProfile).where(JudgeProfile.user_id.in_([u.id for u in users])))
    }
    return [(user, profiles.get(user.id)) for user in users]
