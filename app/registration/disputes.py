"""A college disputes one of its students in a team, or lifts the dispute. Functions flush, never commit.

Any captain or coordinator may name another college's students in a team (members from other colleges
are allowed), so a student's place could be taken by a team they never joined. The coordinator of the
student's college sees every team holding its students (`can_view_team`, `teams_query`) and may dispute
the membership, with a reason: the student then holds no place in that team (their row is released, so
their real team can register them), the team goes back to review and is not approved with the student
in it, and its captain is told why. Lifting the dispute gives the student their place back.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import audit
from app.errors import ForbiddenError, InvalidDataError, StateConflictError
from app.extensions import db
from app.models import APPROVED, REJECTED, SUBMITTED, WITHDRAWN, MemberDispute, Team, TeamMember, User
from app.permissions import can_dispute_member
from app.registration.places import taken_students
from app.registration.review import check_review_open
from app.registration.rules import clean_identifier
from app.registration.services import notify_team, taken_message, visible_numbers


def _member(team: Team, college_id: int, student_id: str) -> TeamMember | None:
    return next((m for m in team.members if (m.college_id, m.student_id) == (college_id, student_id)), None)


def _check(team: Team, college_id: int, actor: User | None) -> None:
    if team.status == WITHDRAWN:
        raise StateConflictError(
            _("Team %(number)s is withdrawn: its students already hold no place in it.", number=team.number),
            code="team_withdrawn",
        )
    if not can_dispute_member(actor, team, college_id):
        raise ForbiddenError(
            _("Only the coordinator of a student's college, or an organizer, disputes that student's membership."),
            fields={"college_id": [_("Not your college.")]},
        )
    check_review_open(team)


def dispute_member(
    team: Team, college_id: int, student_id: str, reason: str | None, *, actor: User | None, now: datetime
) -> Team:
    """The coordinator of a member's college (or an organizer) disputes that the student is in the team,
    with a reason (audited): the student no longer holds a place in the team, the team goes back to review
    (`submitted`), and its captain is mailed why. Disputing a disputed student changes nothing.

    403 for another college's student; 422 when the team has no such member; 409 team_withdrawn, and 409
    judging_started once the team's review stands (`check_review_open`).
    """
    reason = audit.reason_text(reason, required=_("Give a reason."))
    student_id = clean_identifier(student_id)
    _check(team, college_id, actor)
    member = _member(team, college_id, student_id)
    if member is None:
        raise InvalidDataError(
            _("Team %(number)s has no member with this student ID of this college.", number=team.number),
            fields={"student_id": [_("Not a member of this team.")]},
        )
    if team.dispute_of(member) is not None:
        return team
    before = {"status": team.status}
    team.disputes.append(
        MemberDispute(
            college_id=college_id,
            student_id=student_id,
            reason=reason,
            disputed_by_id=actor.id if actor else None,
            disputed_at=now,
        )
    )
    member.released = True
    if team.status in (APPROVED, REJECTED):
        team.status, team.review_reason = SUBMITTED, None
    team.updated_at = now
    db.session.flush()
    audit.record(
        actor=actor,
        action="team.dispute_member",
        object_type="team",
        object_id=team.id,
        now=now,
        before=before,
        after={"status": team.status, "college_id": college_id, "student_id": student_id},
        reason=reason,
    )
    notify_team(
        team,
        ("成员有异议", "A member is disputed"),
        (
            f"{member.college.name}对{member.name}（学号 {student_id}）加入团队「{team.name}」（{team.number}）提出异议。"
            f"原因：{reason}\n该学生不再占用本团队名额，团队需重新审核：请将该学生移出团队，或请其学校撤销异议。",
            f"{member.college.name} disputes that {member.name} (student ID {student_id}) is in team {team.name} "
            f"({team.number}). Reason: {reason}\nThe student no longer holds a place in the team, and the team goes back "
            "to review: take the student out of the team, or ask their college to lift the dispute.",
        ),
    )
    return team


def lift_dispute(team: Team, college_id: int, student_id: str, reason: str | None, *, actor: User | None, now: datetime) -> Team:
    """The student's college (or an organizer) lifts its dispute (audited, with the reason if given): a
    student still in the team holds their place again, unless another team of the category has taken it
    meanwhile (409 duplicate_student, naming that team only to someone who may see it)."""
    reason = audit.reason_text(reason)
    student_id = clean_identifier(student_id)
    _check(team, college_id, actor)
    dispute = next((d for d in team.disputes if (d.college_id, d.student_id) == (college_id, student_id)), None)
    if dispute is None:
        raise InvalidDataError(
            _("No student with this ID of this college is disputed in team %(number)s.", number=team.number),
            fields={"student_id": [_("Not disputed in this team.")]},
        )
    member = _member(team, college_id, student_id)
    if member is not None:
        _take_place_back(team, member, actor)
    team.disputes.remove(dispute)
    team.updated_at = now
    db.session.flush()
    audit.record(
        actor=actor,
        action="team.lift_dispute",
        object_type="team",
        object_id=team.id,
        now=now,
        after={"college_id": college_id, "student_id": student_id},
        reason=reason,
    )
    return team


def _take_place_back(team: Team, member: TeamMember, actor: User | None) -> None:
    """The member holds their place again; a team that took it meanwhile keeps it (409). The partial unique
    index settles a registration racing this one."""
    key = (member.college_id, member.student_id)
    taken = taken_students(team.contest_id, member.category, [key], exclude_team_id=team.id)

    def refuse() -> None:
        place = taken_students(team.contest_id, member.category, [key], exclude_team_id=team.id).get(key)
        number = visible_numbers([place], actor).get(place.team_id) if place else None
        message = taken_message(member.name, member.student_id, number)
        raise StateConflictError(message, code="duplicate_student", fields={"student_id": [message]})

    if taken:
        refuse()
    try:
        with db.session.begin_nested():
            member.released = False
            db.session.flush()
    except IntegrityError:
        member.released = True
        refuse()
