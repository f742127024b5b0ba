"""The registration rules, written once: the form, the API and the Excel import all call `check_team`.

Input is the API's shape (plain values); output is a `TeamData` with every value normalized, or an
`InvalidDataError` whose `fields` name each problem at its field (`members.2.student_id`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import false, select

from app.errors import InvalidDataError
from app.extensions import db
from app.models import ADVISOR_KINDS, ENTERPRISE, UNIVERSITY, College, Contest, Team, TeamMember, Track
from app.registration.answers import check_answers
from app.text import text_problem

PERSON_NAME_MAX = 50
STUDENT_ID_MAX = 30
MAJOR_MAX = 60
GRADE_MAX = 20
ORGANIZATION_MAX = 80
TITLE_MAX = 40
STUDENT_ID = re.compile(r"^[A-Z0-9_-]+$")
PHONE = re.compile(r"^\+?\d{6,20}$")
MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class MemberData:
    name: str
    student_id: str
    college_id: int
    email: str
    phone: str = ""
    major: str = ""
    grade: str = ""
    is_captain: bool = False

    @property
    def student_key(self) -> tuple[int, str]:
        """A student is a college plus a student ID."""
        return (self.college_id, self.student_id)


@dataclass(frozen=True)
class AdvisorData:
    kind: str
    name: str
    organization: str
    title: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class TeamData:
    name: str
    project_title: str
    track: Track
    college_id: int
    members: list[MemberData] = field(default_factory=list)
    advisors: list[AdvisorData] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)


def clean_text(value: Any) -> str:
    """Trimmed text, in Unicode NFC, with runs of white space made one space. Whether it may be stored
    (no bidi control, not only invisible characters) is `app.text.text_problem`'s, checked by `_Problems.text`."""
    return " ".join(unicodedata.normalize("NFC", str(value or "")).split())


def clean_identifier(value: Any) -> str:
    """IDs as people mean them: full-width digits and letters made half-width, spaces removed,
    letters upper-cased. ２０２６０１ and ' 202601 ' are the same student ID 202601."""
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split()).upper()


def clean_phone(value: Any) -> str:
    return re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", str(value or "")))


class _Problems:
    """Collects field errors, so that one submission reports every problem at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def text(self, name: str, value: str, maximum: int, *, required: bool = True) -> str:
        problem = text_problem(value)
        if problem:
            self.add(name, problem)
        elif required and not value:
            self.add(name, _("This is required."))
        elif len(value) > maximum:
            self.add(name, _("At most %(n)s characters; this has %(len)s.", n=maximum, len=len(value)))
        return value

    def email(self, name: str, value: Any, *, required: bool) -> str:
        text = clean_identifier(value).lower()
        if not text:
            if required:
                self.add(name, _("This is required."))
            return ""
        try:
            return validate_email(text, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            self.add(name, _("Enter an email address such as name@example.edu.cn."))
            return text

    def phone(self, name: str, value: Any) -> str:
        text = clean_phone(value)
        if text and (not PHONE.match(text) or (len(text) == 11 and text.startswith("1") and not MAINLAND_MOBILE.match(text))):
            self.add(name, _("Enter a phone number such as 13800138000 or +85291234567."))
        return text


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def check_team(contest: Contest, raw: Mapping[str, Any], *, known_college_ids: Collection[int] | None = None) -> TeamData:
    """Check a team against the contest's rules and return it normalized, or raise InvalidDataError.

    The rules: team name and project title required, at most the contest's lengths in characters
    (16 Chinese characters fit a 16-character name); a track of this contest; a known college;
    between min_members and max_members students, exactly one captain, no student twice (a student
    is a college plus a student ID, IDs compared after normalizing full-width characters); valid
    emails and phones; at most the contest's number of university and of enterprise advisors.
    A member's college defaults to the team's.
    """
    problems = _Problems()
    name = problems.text("name", clean_text(raw.get("name")), contest.team_name_max)
    project_title = problems.text("project_title", clean_text(raw.get("project_title")), contest.project_title_max)

    track_code = clean_identifier(raw.get("track"))
    track = next((t for t in contest.tracks if t.code == track_code), None)
    if track is None:
        choices = ", ".join(t.code for t in contest.tracks)
        problems.add("track", _("Choose one of the contest's tracks: %(choices)s.", choices=choices))

    college_id = _as_int(raw.get("college_id"))
    member_rows = list(raw.get("members") or [])
    wanted_colleges = {college_id} | {_as_int(m.get("college_id")) for m in member_rows if m.get("college_id") not in (None, "")}
    wanted_colleges.discard(None)
    if known_college_ids is None:
        known_college_ids = (
            set(db.session.scalars(select(College.id).where(College.id.in_(wanted_colleges)))) if wanted_colleges else set()
        )
    if college_id is None or college_id not in known_college_ids:
        problems.add("college_id", _("Choose the team's college from the list."))

    members: list[MemberData] = []
    seen: dict[tuple[int, str], int] = {}
    if not contest.min_members <= len(member_rows) <= contest.max_members:
        problems.add(
            "members",
            _(
                "A team has %(low)s to %(high)s students; this one has %(n)s.",
                low=contest.min_members,
                high=contest.max_members,
                n=len(member_rows),
            ),
        )
    for index, row in enumerate(member_rows):
        prefix = f"members.{index}"
        member_college = _as_int(row.get("college_id")) if row.get("college_id") not in (None, "") else college_id
        if row.get("college_id") not in (None, "") and member_college not in known_college_ids:
            problems.add(f"{prefix}.college_id", _("Choose the student's college from the list."))
        student_id = clean_identifier(row.get("student_id"))
        if not student_id:
            problems.add(f"{prefix}.student_id", _("This is required."))
        elif len(student_id) > STUDENT_ID_MAX or not STUDENT_ID.match(student_id):
            problems.add(f"{prefix}.student_id", _("A student ID has up to %(n)s letters and digits.", n=STUDENT_ID_MAX))
        member = MemberData(
            name=problems.text(f"{prefix}.name", clean_text(row.get("name")), PERSON_NAME_MAX),
            student_id=student_id,
            college_id=member_college or 0,
            email=problems.email(f"{prefix}.email", row.get("email"), required=True),
            phone=problems.phone(f"{prefix}.phone", row.get("phone")),
            major=problems.text(f"{prefix}.major", clean_text(row.get("major")), MAJOR_MAX, required=False),
            grade=problems.text(f"{prefix}.grade", clean_text(row.get("grade")), GRADE_MAX, required=False),
            is_captain=bool(row.get("captain")),
        )
        if student_id and member.student_key in seen:
            problems.add(
                f"{prefix}.student_id", _("This student is already member %(n)s of this team.", n=seen[member.student_key] + 1)
            )
        seen.setdefault(member.student_key, index)
        members.append(member)
    captains = sum(member.is_captain for member in members)
    if member_rows and captains != 1:
        problems.add("members", _("Mark exactly one student as the captain; %(n)s are marked.", n=captains))

    advisors: list[AdvisorData] = []
    limits = {UNIVERSITY: contest.max_university_advisors, ENTERPRISE: contest.max_enterprise_advisors}
    for index, row in enumerate(raw.get("advisors") or []):
        prefix = f"advisors.{index}"
        kind = str(row.get("kind") or "")
        if kind not in ADVISOR_KINDS:
            problems.add(f"{prefix}.kind", _("Choose university or enterprise."))
        advisors.append(
            AdvisorData(
                kind=kind,
                name=problems.text(f"{prefix}.name", clean_text(row.get("name")), PERSON_NAME_MAX),
                organization=problems.text(f"{prefix}.organization", clean_text(row.get("organization")), ORGANIZATION_MAX),
                title=problems.text(f"{prefix}.title", clean_text(row.get("title")), TITLE_MAX, required=False),
                email=problems.email(f"{prefix}.email", row.get("email"), required=False),
                phone=problems.phone(f"{prefix}.phone", row.get("phone")),
            )
        )
    for kind, limit in limits.items():
        count = sum(advisor.kind == kind for advisor in advisors)
        if count > limit:
            if kind == UNIVERSITY:
                message = ngettext(
                    "At most %(num)d university advisor; this team has %(count)s.",
                    "At most %(num)d university advisors; this team has %(count)s.",
                    limit,
                    count=count,
                )
            else:
                message = ngettext(
                    "At most %(num)d enterprise advisor; this team has %(count)s.",
                    "At most %(num)d enterprise advisors; this team has %(count)s.",
                    limit,
                    count=count,
                )
            problems.add("advisors", message)

    answers = check_answers(contest, track, raw.get("answers"), problems)
    if problems.fields:
        raise InvalidDataError(_("The team cannot be registered as it is; check the marked fields."), fields=problems.fields)
    return TeamData(
        name=name,
        project_title=project_title,
        track=track,
        college_id=college_id,  # type: ignore[arg-type]
        members=members,
        advisors=advisors,
        answers=answers,
    )


@dataclass(frozen=True)
class Place:
    """The team that holds a student's place: whoever may not view it learns neither its number nor its name."""

    team_id: int
    number: str


def taken_students(
    contest_id: int,
    category: str,
    keys: Collection[tuple[int, str]],
    *,
    exclude_team_id: int | None = None,
) -> dict[tuple[int, str], Place]:
    """Students (college, student ID) already in another active team of this category: key -> the team.

    Written so that SQLite and PostgreSQL answer from the partial unique index (`released = false`
    matches its condition; plain IN lists on both key columns search it), then the exact pairs
    are picked in Python.
    """
    wanted = set(keys)
    taken: dict[tuple[int, str], Place] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 400):
        chunk = ordered[start : start + 400]
        statement = (
            select(TeamMember.college_id, TeamMember.student_id, Team.id, Team.number)
            .join(Team, Team.id == TeamMember.team_id)
            .where(
                TeamMember.contest_id == contest_id,
                TeamMember.category == category,
                TeamMember.released == false(),
                TeamMember.college_id.in_({college for college, _ in chunk}),
                TeamMember.student_id.in_({student for _, student in chunk}),
            )
        )
        if exclude_team_id is not None:
            statement = statement.where(TeamMember.team_id != exclude_team_id)
        for college_id, student_id, team_id, number in db.session.execute(statement):
            if (college_id, student_id) in wanted:
                taken[(college_id, student_id)] = Place(team_id, number)
    return taken
