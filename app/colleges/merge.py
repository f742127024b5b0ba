"""Merging a proposed institution into one on the list: everything that names it moves, then it goes.
Functions flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.orm import aliased

from app import audit
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.models import (
    College,
    Conflict,
    Entry,
    JudgeProfile,
    MemberDispute,
    Result,
    RoleAssignment,
    Round,
    Team,
    TeamMember,
    User,
)


@dataclass(frozen=True)
class MergeSummary:
    college: College
    teams: int
    members: int


def _twice_in_a_category(source_id: int, target_id: int) -> list[tuple[str, str]]:
    """The students (name, student ID) of the proposal who would, once moved, be a second place of a student
    of the target in the same category of a contest: what the partial unique index of team_members forbids."""
    mine, theirs = aliased(TeamMember), aliased(TeamMember)
    statement = (
        select(mine.name, mine.student_id)
        .join(
            theirs,
            and_(
                theirs.contest_id == mine.contest_id,
                theirs.category == mine.category,
                theirs.student_id == mine.student_id,
                theirs.college_id == target_id,
                theirs.released.is_(False),
            ),
        )
        .where(mine.college_id == source_id, mine.released.is_(False))
        .order_by(mine.student_id)
    )
    return [(name, student_id) for name, student_id in db.session.execute(statement)]


def _check_merge(source: College, target: College | None) -> College:
    if target is None:
        raise InvalidDataError(
            _("There is no such college to merge into."), fields={"into_college_id": [_("Choose a college on the list.")]}
        )
    if target.id == source.id:
        raise InvalidDataError(
            _("A college cannot be merged into itself."), fields={"into_college_id": [_("Choose another college.")]}
        )
    if source.verified:
        raise StateConflictError(
            _("%(name)s is on the list: only proposed institutions are merged away.", name=source.name),
            code="college_verified",
        )
    if not target.verified:
        raise InvalidDataError(
            _("%(name)s is itself only proposed: merge into a college on the list.", name=target.name),
            fields={"into_college_id": [_("Choose a college on the list.")]},
        )
    students = _twice_in_a_category(source.id, target.id)
    if students:
        named = ", ".join(f"{name} ({student_id})" for name, student_id in students[:10])
        raise StateConflictError(
            _(
                "Merging would put a student twice in one category: %(students)s. Withdraw or change one of their teams first.",
                students=named,
            ),
            code="duplicate_student",
            details={"students": [{"name": name, "student_id": student_id} for name, student_id in students]},
        )
    return target


def _move_scoped_rows(source_id: int, target_id: int) -> None:
    """Roles, conflicts and disputes that name the proposal name the target; where the target already has
    the same row, the proposal's is only a copy and goes."""
    other = aliased(RoleAssignment)
    db.session.execute(
        delete(RoleAssignment).where(
            RoleAssignment.college_id == source_id,
            exists().where(
                other.college_id == target_id,
                other.user_id == RoleAssignment.user_id,
                other.role == RoleAssignment.role,
                other.contest_id.is_not_distinct_from(RoleAssignment.contest_id),
            ),
        )
    )
    db.session.execute(update(RoleAssignment).where(RoleAssignment.college_id == source_id).values(college_id=target_id))
    other_conflict = aliased(Conflict)
    db.session.execute(
        delete(Conflict).where(
            Conflict.college_id == source_id,
            exists().where(other_conflict.college_id == target_id, other_conflict.judge_id == Conflict.judge_id),
        )
    )
    db.session.execute(update(Conflict).where(Conflict.college_id == source_id).values(college_id=target_id))
    other_dispute = aliased(MemberDispute)
    db.session.execute(
        delete(MemberDispute).where(
            MemberDispute.college_id == source_id,
            exists().where(
                other_dispute.college_id == target_id,
                other_dispute.team_id == MemberDispute.team_id,
                other_dispute.student_id == MemberDispute.student_id,
            ),
        )
    )
    db.session.execute(update(MemberDispute).where(MemberDispute.college_id == source_id).values(college_id=target_id))
    db.session.execute(update(JudgeProfile).where(JudgeProfile.college_id == source_id).values(college_id=target_id))


def _move_group_keys(source_id: int, target_id: int) -> None:
    """Rounds ranked per college keep the college's id as the group of each entry and result: the moved
    teams are ranked with the target's from now on."""
    by_college = select(Round.id).where(Round.grouping == "college")
    for model in (Entry, Result):
        db.session.execute(
            update(model)
            .where(model.round_id.in_(by_college), model.group_key == str(source_id))
            .values(group_key=str(target_id))
        )


def merge_colleges(source: College, target: College | None, *, actor: User, now: datetime) -> MergeSummary:
    """Merge a proposed institution into a college on the list: every team, member, member dispute,
    college-scoped role, judge profile and declared conflict naming it names the target instead (a team takes
    the target's country), rounds ranked per college group its teams with the target's, and the proposal is
    deleted. One audit event, with how many teams and members moved.

    Refused, changing nothing: a target that does not exist, is the proposal itself or is not on the list
    (422 at into_college_id); a proposal already on the list (409 college_verified); a student who would be
    twice in a category (409 duplicate_student, naming them).
    """
    target = _check_merge(source, target)
    before = {"id": source.id, "code": source.code, "name": source.name, "country": source.country, "website": source.website}
    teams = db.session.execute(
        update(Team).where(Team.college_id == source.id).values(college_id=target.id, country=target.country)
    ).rowcount
    members = db.session.execute(
        update(TeamMember).where(TeamMember.college_id == source.id).values(college_id=target.id)
    ).rowcount
    _move_scoped_rows(source.id, target.id)
    _move_group_keys(source.id, target.id)
    db.session.execute(delete(College).where(College.id == source.id))
    db.session.expire_all()  # objects loaded before hold the proposal; read them again
    audit.record(
        actor=actor,
        action="college.merge",
        object_type="college",
        object_id=target.id,
        now=now,
        before=before,
        after={"into": {"id": target.id, "code": target.code, "name": target.name}, "teams": teams, "members": members},
    )
    return MergeSummary(college=target, teams=teams, members=members)
