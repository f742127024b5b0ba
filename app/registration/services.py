"""Registering and editing teams. Functions flush, never commit.

Every rule lives in `rules.check_team` (the team's shape) or here (the window, one team per student and
category); the pages, the API and the import all come through here. Withdrawal and the college's review are
in `app.registration.review`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from app import audit
from app.errors import ForbiddenError, InvalidDataError, StateConflictError
from app.extensions import db
from app.judging.conflicts import set_aside_conflicts
from app.mail import bilingual, queue_mail
from app.models import (
    APPROVED,
    REJECTED,
    SUBMITTED,
    WITHDRAWN,
    Advisor,
    College,
    Contest,
    Team,
    TeamMember,
    Track,
    User,
)
from app.permissions import (
    can_register_for_college,
    can_register_team,
    can_use_college,
    can_view_team,
    coordinated_college_ids,
    is_organizer,
)
from app.registration.answers import kept_answers
from app.registration.places import Place, taken_students
from app.registration.rules import TeamData, check_team
from app.registration.snapshots import team_as_input, team_snapshot, write_organization


def _local(contest: Contest, moment: datetime) -> str:
    return contest.local(moment).strftime("%Y-%m-%d %H:%M")


def registration_closed_error(
    contest: Contest, now: datetime, actor: User | None, *, editing: bool = False
) -> StateConflictError | None:
    """Why `actor` may not register (or, with `editing`, change or withdraw) a team of `contest` now, or None
    when they may: captains and coordinators act inside the registration window, until the first round opens
    (judging has started); organizers at any time. The error names the one reason that holds (409
    registration_closed), so that a page never says the window is open and closed at once."""
    if is_organizer(actor, contest) or contest.registration_is_open(now):
        return None
    opens, closes = _local(contest, contest.registration_opens_at), _local(contest, contest.registration_closes_at)
    details = {"opens_at": opens, "closes_at": _local(contest, contest.editing_closes_at())}
    if now < contest.registration_opens_at:
        message = _("Registration opens on %(opens)s (%(zone)s).", opens=opens, zone=contest.timezone)
    elif contest.teams_frozen_at is not None and now >= contest.teams_frozen_at:
        message = _("Editing closed: judging has started.") if editing else _("Registration closed: judging has started.")
    elif editing:
        message = _("Editing closed: registration closed on %(closes)s (%(zone)s).", closes=closes, zone=contest.timezone)
    else:
        message = _("Registration closed on %(closes)s (%(zone)s).", closes=closes, zone=contest.timezone)
    return StateConflictError(message, code="registration_closed", details=details)


def check_registration_open(contest: Contest, now: datetime, actor: User | None, *, editing: bool = False) -> None:
    """Refuse (409 registration_closed) what `registration_closed_error` refuses."""
    error = registration_closed_error(contest, now, actor, editing=editing)
    if error is not None:
        raise error


def editing_closed_reason(team: Team, actor: User | None, now: datetime) -> str | None:
    """Why `actor` (already allowed to edit the team) may not change it now, as the team's pages show it;
    None while they may (`still_editable`)."""
    if team.status == WITHDRAWN:
        return _("Team %(number)s is withdrawn and can no longer change.", number=team.number)
    error = registration_closed_error(team.contest, now, actor, editing=True)
    return error.message if error is not None else None


def still_editable(team: Team, actor: User | None, now: datetime) -> bool:
    """Whether `actor` (already allowed to edit the team) may change it now: never once withdrawn;
    organizers at any time; captains while registration is open and the teams are not frozen."""
    return editing_closed_reason(team, actor, now) is None


def contests_to_register_in(user: User, contests: Iterable[Contest], now: datetime) -> list[Contest]:
    """The contests among `contests` where `user` may register a team now and owns no active team yet: where
    a captain's dashboard offers to register. (A captain who has a team may still register another, for
    another category, from the contest's page: no rule limits a captain's teams.)"""
    contests = [c for c in contests if c.registration_is_open(now) and can_register_team(user, c)]
    if not contests:
        return []
    owned = set(
        db.session.scalars(
            select(Team.contest_id).where(
                Team.owner_id == user.id, Team.status != WITHDRAWN, Team.contest_id.in_([c.id for c in contests])
            )
        )
    )
    return [c for c in contests if c.id not in owned]


def _check_college_scope(contest: Contest, college_id: int | None, actor: User | None) -> None:
    """A team names a college its registrant may use (someone else's proposal is not: 422 at college_id) and,
    for a coordinator, their own (403). No college (an individual, an organization) is no proposal."""
    college = db.session.get(College, college_id) if college_id is not None else None
    if college is not None and not can_use_college(actor, college, contest):
        raise InvalidDataError(
            _(
                "%(name)s was proposed by someone else and is not on the list yet; choose a college on the list.",
                name=college.name,
            ),
            fields={"college_id": [_("Proposed by someone else, not yet verified.")]},
        )
    if not can_register_for_college(actor, contest, college_id):
        raise ForbiddenError(
            _("Coordinators register teams of their own college only."), fields={"college_id": [_("Not your college.")]}
        )


def visible_numbers(places: Collection[Place], actor: User | None) -> dict[int, str]:
    """The numbers of the teams among `places` that `actor` may view (`can_view_team`; the system sees
    all): a refusal names another team only to someone who may see it."""
    ids = {place.team_id for place in places}
    if not ids:
        return {}
    if actor is None:
        return {place.team_id: place.number for place in places}
    teams = db.session.scalars(select(Team).where(Team.id.in_(ids))).all()
    return {team.id: team.number for team in teams if can_view_team(actor, team)}


def taken_message(name: str, student_id: str, number: str | None) -> str:
    """Why one student cannot join: the team that holds them, when the reader may see it."""
    if number is None:
        return _("%(name)s (%(id)s) is already in a team of this category.", name=name, id=student_id)
    return _("%(name)s (%(id)s) is already in team %(number)s.", name=name, id=student_id, number=number)


def _refuse_taken_students(
    contest: Contest, data: TeamData, exclude_team_id: int | None, actor: User | None, free: Collection[tuple[int, str]] = ()
) -> None:
    """409 duplicate_student when a member is already in another active team of the category; members in
    `free` (disputed by their college in this team) take no place and are not checked."""
    keys = [key for key in data.student_keys if key not in free]
    taken = taken_students(contest.id, data.track.kind, keys, exclude_team_id=exclude_team_id)
    if not taken:
        return
    numbers = visible_numbers(taken.values(), actor)
    fields: dict[str, list[str]] = {}
    shown: set[str] = set()
    for index, member in enumerate(data.members):
        if member.student_id and member.student_key in taken:
            number = numbers.get(taken[member.student_key].team_id)
            if number is not None:
                shown.add(number)
            fields[f"members.{index}.student_id"] = [taken_message(member.name, member.student_id, number)]
    if shown and len(shown) == len({place.team_id for place in taken.values()}):
        message = _(
            "A student may join one team per category; already registered in team %(numbers)s.",
            numbers=", ".join(sorted(shown)),
        )
    else:
        message = _("A student may join one team per category; a student here is already in a team of this category.")
    raise StateConflictError(message, code="duplicate_student", fields=fields)


def take_team_numbers(track: Track, year: int, count: int = 1) -> list[str]:
    """Take the track's next `count` team numbers in one atomic step: 2026-CB-00123 (year, track code,
    sequence). The track's row stays locked until the transaction ends, so numbers are never given twice;
    callers taking several tracks' numbers take them in the order of the tracks' ids, so that two never
    wait for each other."""
    last = db.session.execute(
        update(Track)
        .where(Track.id == track.id)
        .values(last_team_number=Track.last_team_number + count)
        .returning(Track.last_team_number)
    ).scalar_one()
    return [f"{year}-{track.code}-{sequence:05d}" for sequence in range(last - count + 1, last + 1)]


def people_rows(
    team_id: int, contest_id: int, data: TeamData, disputed: Collection[tuple[int, str]] = ()
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of a checked team's members and advisors, as the registration and the import write them.
    A member their college disputed in this team (`disputed`) is written released: they hold no place."""
    members = [
        {
            "team_id": team_id,
            "contest_id": contest_id,
            "category": data.track.kind,
            "college_id": member.college_id,
            "student_id": member.student_id,
            "name": member.name,
            "major": member.major,
            "grade": member.grade,
            "email": member.email,
            "phone": member.phone,
            "nationality": member.nationality,
            "is_captain": member.is_captain,
            "position": position,
            "released": bool(member.student_id) and member.student_key in disputed,
        }
        for position, member in enumerate(data.members)
    ]
    advisors = [
        {
            "team_id": team_id,
            "kind": advisor.kind,
            "name": advisor.name,
            "organization": advisor.organization,
            "title": advisor.title,
            "email": advisor.email,
            "phone": advisor.phone,
            "nationality": advisor.nationality,
            "position": position,
        }
        for position, advisor in enumerate(data.advisors)
    ]
    return members, advisors


def disputed_students(team: Team) -> set[tuple[int, str]]:
    """The students (college, student ID) their colleges dispute in this team."""
    return {(dispute.college_id, dispute.student_id) for dispute in team.disputes}


def _write_people(team: Team, data: TeamData, *, replace: bool) -> None:
    """Write the team's members and advisors in one statement each (the ORM would issue one INSERT
    per row to learn ids nothing needs), replacing the old ones when `replace`."""
    if replace:
        db.session.execute(delete(TeamMember).where(TeamMember.team_id == team.id))
        db.session.execute(delete(Advisor).where(Advisor.team_id == team.id))
    members, advisors = people_rows(team.id, team.contest_id, data, disputed_students(team) if replace else ())
    if members:
        db.session.execute(insert(TeamMember), members)
    if advisors:
        db.session.execute(insert(Advisor), advisors)
    db.session.expire(team, ["members", "advisors"])  # read back from the rows just written


def _save_members(
    contest: Contest,
    data: TeamData,
    exclude_team_id: int | None,
    attach: Callable[[], None],
    actor: User | None,
    free: Collection[tuple[int, str]] = (),
) -> None:
    """Attach the new rows and flush them inside a savepoint.

    On PostgreSQL a registration in another track of the same category can still take a student
    first; the unique index then refuses, and it becomes the usual 409. The rows are attached
    inside the savepoint because opening one flushes whatever is already pending.
    """
    try:
        with db.session.begin_nested():
            attach()
            db.session.flush()
    except IntegrityError:
        _refuse_taken_students(contest, data, exclude_team_id, actor, free)
        raise


def notify_team(team: Team, subject: tuple[str, str], body: tuple[str, str], *, owner: User | None = None) -> None:
    """Mail the team's captain and the account that registered it: subject and body as (Chinese, English),
    written in the contest's language first."""
    owner = owner if owner is not None and owner.id == team.owner_id else team.owner
    recipients = [team.captain.email if team.captain else "", owner.email if owner else ""]
    language = team.contest.language
    queue_mail(
        recipients, f"【Laurel】{team.number} {bilingual(language, *subject, between=' ')}", bilingual(language, *body) + "\n"
    )


def register_team(contest: Contest, raw: Mapping[str, Any], *, actor: User | None, now: datetime) -> Team:
    """Register a team; it starts `submitted`, waiting for its college's review.

    Captains and coordinators register inside the window, organizers at any time; a coordinator
    registers for their own college only. The team's number is taken atomically per track.
    """
    check_registration_open(contest, now, actor)
    data = check_team(contest, raw)
    _check_college_scope(contest, data.college_id, actor)
    # Taking the number first is the write lock (SQLite) or the track's row lock (PostgreSQL),
    # so that no registration of this track can take a student between the check and the insert.
    (number,) = take_team_numbers(data.track, contest.year)
    _refuse_taken_students(contest, data, None, actor)
    registering_for_others = is_organizer(actor, contest) or bool(coordinated_college_ids(actor, contest))
    team = Team(
        contest_id=contest.id,
        track_id=data.track.id,
        college_id=data.college_id,
        country=data.country,
        number=number,
        name=data.name,
        project_title=data.project_title,
        answers=data.answers,
        status=SUBMITTED,
        created_at=now,
        updated_at=now,
        owner_id=None if registering_for_others or actor is None else actor.id,
    )
    team.track = data.track
    write_organization(team, data)

    def attach() -> None:
        db.session.add(team)
        db.session.flush()
        _write_people(team, data, replace=False)

    _save_members(contest, data, None, attach, actor)
    audit.record(actor=actor, action="team.register", object_type="team", object_id=team.id, now=now, after=team_snapshot(team))
    notify_team(
        team,
        ("报名已提交", "Registration submitted"),
        (
            f"团队「{team.name}」（{team.number}）的报名已提交，等待学校审核。",
            f"Team {team.name} ({team.number}) is registered and waits for its college's review.",
        ),
        owner=actor,
    )
    return team


def update_team(team: Team, changes: Mapping[str, Any], *, actor: User | None, now: datetime) -> Team:
    """Change a team: the given fields replace the old ones (members and advisors as whole lists),
    and the result is checked as a whole by the same rules as a registration.

    Captains edit until registration closes or round 1 opens; a captain's change to a reviewed
    team sends it back for review. Organizers edit at any time without changing the status.
    """
    contest = team.contest
    if team.status == WITHDRAWN:
        raise StateConflictError(
            _("Team %(number)s is withdrawn and can no longer change.", number=team.number), code="team_withdrawn"
        )
    check_registration_open(contest, now, actor, editing=True)
    merged = team_as_input(team)
    merged.update({key: value for key, value in changes.items() if key in merged})
    data = check_team(contest, merged)
    if data.track.kind != team.track.kind and team.status != SUBMITTED and not is_organizer(actor, contest):
        raise InvalidDataError(
            _("Only organizers move a reviewed team to another category."), fields={"track": [_("Keep the track.")]}
        )
    _check_college_scope(contest, data.college_id, actor)
    before = team_snapshot(team)
    team.name, team.project_title, team.college_id = data.name, data.project_title, data.college_id
    team.country = data.country
    write_organization(team, data)
    team.track_id, team.track = data.track.id, data.track
    team.answers = kept_answers(team, data.answers)
    team.updated_at = now
    # This first write (there is always one: updated_at) takes the lock under which the check
    # below is authoritative.
    db.session.flush()
    disputed = disputed_students(team)
    _refuse_taken_students(contest, data, team.id, actor, disputed)
    _save_members(contest, data, team.id, lambda: _write_people(team, data, replace=True), actor, disputed)
    if not is_organizer(actor, contest) and team.status in (APPROVED, REJECTED):
        team.status, team.review_reason = SUBMITTED, None
    db.session.flush()
    after = team_snapshot(team)
    if after != before:
        audit.record(
            actor=actor, action="team.update", object_type="team", object_id=team.id, now=now, before=before, after=after
        )
        # A new college or advisor may put a judge already assigned to the team in conflict with it.
        set_aside_conflicts(team_ids=[team.id], actor=actor, now=now)
    return team
