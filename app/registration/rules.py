"""The registration rules, written once: the form, the API and the Excel import all call `check_team`.

Input is the API's shape (plain values); output is a `TeamData` with every value normalized, or an
`InvalidDataError` whose `fields` name each problem at its field (`members.2.student_id`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app import countries
from app.errors import InvalidDataError
from app.extensions import db
from app.models import (
    ADVISOR_KINDS,
    ENTERPRISE,
    INDIVIDUAL,
    ORGANIZATION,
    TEAM,
    UNIVERSITY,
    College,
    Contest,
    Track,
)
from app.registration.answers import check_answers
from app.registration.organizations import OrganizationData, check_organization
from app.text import text_problem

PERSON_NAME_MAX = 50
STUDENT_ID_MAX = 30
MAJOR_MAX = 60
GRADE_MAX = 20
ORGANIZATION_MAX = 80
TITLE_MAX = 40
#: An individual's or an organization's entry is named after them, so it may be longer than a team's name.
ENTRANT_NAME_MAX = 64
STUDENT_ID = re.compile(r"^[A-Z0-9_-]+$")
PHONE = re.compile(r"^\+?\d{6,20}$")
MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class MemberData:
    name: str
    #: None for a person who is not a student (an individual or an organization's person).
    student_id: str | None
    college_id: int | None
    email: str
    phone: str = ""
    major: str = ""
    grade: str = ""
    is_captain: bool = False
    nationality: str = ""

    @property
    def student_key(self) -> tuple[int | None, str | None]:
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
    nationality: str = ""


@dataclass(frozen=True)
class TeamData:
    name: str
    project_title: str
    track: Track
    college_id: int | None
    country: str
    members: list[MemberData] = field(default_factory=list)
    advisors: list[AdvisorData] = field(default_factory=list)
    organization: OrganizationData | None = None
    answers: dict[str, Any] = field(default_factory=dict)

    @property
    def student_keys(self) -> list[tuple[int, str]]:
        """The students among its people (college, student ID): each holds a place in the category."""
        return [member.student_key for member in self.members if member.student_id]  # type: ignore[misc]


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

    def country(self, name: str, value: Any) -> str:
        """An ISO 3166-1 alpha-2 code, normalized; "" when none was given."""
        code = countries.normalized(str(value or ""))
        if code and not countries.is_country(code):
            self.add(name, _("Choose a country by its ISO 3166 code, such as CN or GB."))
        return code

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
    """Check an entrant against the contest's and its track's rules and return it normalized, or raise
    InvalidDataError.

    The rules: a track of this contest, whose entrant kind decides the rest (`Track.member_range`); the
    entrant's name (a team's own, at most the contest's length; an individual's or an organization's
    defaults to the person's or the organization's) and project title; a known college where the kind
    needs one (a student team; an individual or an organization may name one); between the track's fewest
    and most people, no student twice (a student is a college plus a student ID, IDs compared after
    normalizing full-width characters), exactly one captain in a team (an individual is their own); valid
    emails, phones and countries; an organization's own fields (`organizations.check_organization`); at
    most the contest's number of university and of enterprise advisors. A member's college defaults to the
    team's or the individual's (not to the institution an organization entrant names: its people are its
    staff, not its students), a person's nationality to their college's country, the entrant's country to its institution's,
    its organization's or its person's.
    """
    problems = _Problems()
    track_code = clean_identifier(raw.get("track"))
    track = next((t for t in contest.tracks if t.code == track_code), None)
    if track is None:
        choices = ", ".join(t.code for t in contest.tracks)
        problems.add("track", _("Choose one of the contest's tracks: %(choices)s.", choices=choices))
    entrant = track.entrant if track is not None else TEAM

    college_id = _as_int(raw.get("college_id")) if raw.get("college_id") not in (None, "") else None
    member_rows = list(raw.get("members") or [])
    wanted_colleges = {college_id} | {_as_int(m.get("college_id")) for m in member_rows if m.get("college_id") not in (None, "")}
    wanted_colleges.discard(None)
    college_countries = _college_countries(wanted_colleges, known_college_ids)
    if (college_id is None and entrant == TEAM) or (college_id is not None and college_id not in college_countries):
        problems.add("college_id", _("Choose the team's college from the list."))

    organization = None
    if entrant == ORGANIZATION:
        organization = check_organization(raw.get("organization"), problems, clean_text, clean_identifier)
    elif raw.get("organization"):
        problems.add("organization", _("Only an organization track's entrants give an organization."))

    members = _check_members(contest, track, entrant, member_rows, college_id, college_countries, problems)
    country = _entrant_country(raw.get("country"), entrant, college_countries.get(college_id), organization, members, problems)
    members = [member if member.nationality else replace(member, nationality=country) for member in members]

    default_name = {INDIVIDUAL: members[0].name if members else "", ORGANIZATION: organization.name if organization else ""}
    name_max = contest.team_name_max if entrant == TEAM else max(contest.team_name_max, ENTRANT_NAME_MAX)
    name = problems.text("name", clean_text(raw.get("name")) or default_name.get(entrant, ""), name_max)
    project_title = problems.text("project_title", clean_text(raw.get("project_title")), contest.project_title_max)
    advisors = _check_advisors(contest, raw.get("advisors") or [], country, problems)
    answers = check_answers(contest, track, raw.get("answers"), problems)

    if problems.fields:
        messages = {
            TEAM: _("The team cannot be registered as it is; check the marked fields."),
            INDIVIDUAL: _("The participant cannot be registered as it is; check the marked fields."),
            ORGANIZATION: _("The application cannot be registered as it is; check the marked fields."),
        }
        raise InvalidDataError(messages[entrant], fields=problems.fields)
    return TeamData(
        name=name,
        project_title=project_title,
        track=track,
        college_id=college_id,
        country=country,
        members=members,
        advisors=advisors,
        organization=organization,
        answers=answers,
    )


def _college_countries(wanted: set[int], known_college_ids: Collection[int] | None) -> dict[int, str]:
    """The wanted colleges that exist, with their countries (an import passes the ids it already knows)."""
    if not wanted:
        return {}
    statement = select(College.id, College.country).where(College.id.in_(wanted))
    rows: dict[int, str] = {college: country for college, country in db.session.execute(statement)}
    if known_college_ids is not None:
        rows = {key: value for key, value in rows.items() if key in known_college_ids}
    return rows


def _check_members(
    contest: Contest,
    track: Track | None,
    entrant: str,
    rows: list[Mapping[str, Any]],
    college_id: int | None,
    college_countries,
    problems,
) -> list[MemberData]:
    """The entrant's people: students of a college with their student IDs in a team; in an individual's or an
    organization's entry, a person who names a college is a student of it, one who does not is not."""
    low, high = track.member_range() if track is not None else (contest.min_members, contest.max_members)
    if not low <= len(rows) <= high:
        if entrant == INDIVIDUAL:
            message = _("An individual entry lists exactly one person; this one has %(n)s.", n=len(rows))
        elif entrant == ORGANIZATION:
            message = _("An organization lists %(low)s to %(high)s people; this one has %(n)s.", low=low, high=high, n=len(rows))
        else:
            message = _("A team has %(low)s to %(high)s students; this one has %(n)s.", low=low, high=high, n=len(rows))
        problems.add("members", message)
    members: list[MemberData] = []
    seen: dict[tuple[int | None, str | None], int] = {}
    for index, row in enumerate(rows):
        prefix = f"members.{index}"
        given_college = row.get("college_id") not in (None, "")
        # A team's or an individual's college is its students'; an institution applying is not its people's.
        default_college = college_id if entrant != ORGANIZATION else None
        member_college = _as_int(row.get("college_id")) if given_college else default_college
        if given_college and member_college not in college_countries:
            problems.add(f"{prefix}.college_id", _("Choose the student's college from the list."))
        student_id = clean_identifier(row.get("student_id"))
        is_student = entrant == TEAM or member_college is not None or bool(student_id)
        if not is_student:
            student_id = ""
        elif not student_id:
            problems.add(f"{prefix}.student_id", _("This is required."))
        elif len(student_id) > STUDENT_ID_MAX or not STUDENT_ID.match(student_id):
            problems.add(f"{prefix}.student_id", _("A student ID has up to %(n)s letters and digits.", n=STUDENT_ID_MAX))
        if is_student and member_college is None and entrant != TEAM:
            problems.add(f"{prefix}.college_id", _("A student names their college; leave the student ID empty otherwise."))
        nationality = problems.country(f"{prefix}.nationality", row.get("nationality"))
        member = MemberData(
            name=problems.text(f"{prefix}.name", clean_text(row.get("name")), PERSON_NAME_MAX),
            student_id=student_id or None,
            college_id=member_college if is_student else None,
            email=problems.email(f"{prefix}.email", row.get("email"), required=True),
            phone=problems.phone(f"{prefix}.phone", row.get("phone")),
            major=problems.text(f"{prefix}.major", clean_text(row.get("major")), MAJOR_MAX, required=False),
            grade=problems.text(f"{prefix}.grade", clean_text(row.get("grade")), GRADE_MAX, required=False),
            is_captain=bool(row.get("captain")) or entrant == INDIVIDUAL,
            nationality=nationality or college_countries.get(member_college, ""),
        )
        key = member.student_key if member.student_id else (None, member.email)
        if member.student_id and key in seen:
            problems.add(f"{prefix}.student_id", _("This student is already member %(n)s of this team.", n=seen[key] + 1))
        elif member.email and key in seen:
            problems.add(f"{prefix}.email", _("This person is already number %(n)s of this entry.", n=seen[key] + 1))
        seen.setdefault(key, index)
        members.append(member)
    captains = sum(member.is_captain for member in members)
    if entrant == TEAM and rows and captains != 1:
        problems.add("members", _("Mark exactly one student as the captain; %(n)s are marked.", n=captains))
    elif entrant == ORGANIZATION and captains > 1:
        problems.add("members", _("Mark at most one person as the project lead; %(n)s are marked.", n=captains))
    return members


def _entrant_country(given: Any, entrant: str, college_country: str | None, organization, members, problems) -> str:
    """The entrant's country: the one given, else its institution's, its organization's, or (one person
    entering on their own) the person's nationality."""
    country = problems.country("country", given)
    if country:
        return country
    if entrant == ORGANIZATION and organization is not None:
        return organization.country
    if college_country:
        return college_country
    if entrant == INDIVIDUAL and members and members[0].nationality:
        return members[0].nationality
    if entrant == INDIVIDUAL:  # a team without its college, or an organization without its country, is told so already
        problems.add("country", _("Give the country you enter from, or your college."))
    return ""


def _check_advisors(contest: Contest, rows: list[Mapping[str, Any]], country: str, problems) -> list[AdvisorData]:
    advisors: list[AdvisorData] = []
    for index, row in enumerate(rows):
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
                nationality=problems.country(f"{prefix}.nationality", row.get("nationality")) or country,
            )
        )
    limits = {UNIVERSITY: contest.max_university_advisors, ENTERPRISE: contest.max_enterprise_advisors}
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
    return advisors
