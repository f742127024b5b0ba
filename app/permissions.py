"""Who may do what: role checks and per-object predicates, used by HTML routes and the API alike.

A request handler loads its objects (404), asks a predicate here (403), then calls a service.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g
from flask_login import current_user
from sqlalchemy import ColumnElement, bindparam, inspect, select, true

from app.errors import is_api_request
from app.extensions import db, login_manager
from app.models import (
    CAPTAIN,
    COORDINATOR,
    JUDGE,
    ORGANIZER,
    PUBLISHED,
    Assignment,
    Award,
    College,
    Contest,
    Job,
    Objection,
    Round,
    Team,
    User,
)

View = TypeVar("View", bound=Callable[..., Any])


def holds_any_role(user: User, roles: tuple[str, ...]) -> bool:
    """True when the user holds one of `roles`, for any contest or college."""
    return any(assignment.role in roles for assignment in user.roles)


def _sign_in_first() -> Any:
    """Anonymous visitors: 401 under /api, the login page (coming back here) elsewhere."""
    if is_api_request():
        abort(401)
    return login_manager.unauthorized()


def role_required(*roles: str) -> Callable[[View], View]:
    """Let in users who hold one of `roles`.

    Anonymous visitors are sent to the login page (HTML) or get 401 (API); signed-in users
    without the role get 403.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _sign_in_first()
            if not holds_any_role(current_user, roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def permitted(predicate: Callable[[User], bool]) -> Callable[[View], View]:
    """Let in signed-in users for whom `predicate(user)` holds, before the view parses any input:
    anonymous visitors sign in first (HTML) or get 401 (API); others get 403, whatever they sent."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _sign_in_first()
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def login_required(view: View) -> View:
    """Any signed-in user; 401 under /api, a redirect to the login page elsewhere."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _sign_in_first()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def allowed_on(
    model: type, key: str, predicate: Callable[[User, Any], bool], *, anonymous: bool = False
) -> Callable[[View], View]:
    """Load the object named by the URL (404), then ask `predicate(user, object)` (403), before the
    view parses any input; anonymous visitors are sent to sign in (HTML) or get 401 (API), unless
    `anonymous` lets the predicate decide for them too (published results)."""
    # Built once per view, not on every request.
    (primary_key,) = inspect(model).primary_key
    statement = select(model).where(primary_key == bindparam("ident"))

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not anonymous and not current_user.is_authenticated:
                return _sign_in_first()
            loaded = db.session.execute(statement, {"ident": kwargs[key]}).scalar_one_or_none()
            if loaded is None:
                abort(404)
            if not predicate(current_user, loaded):
                if not current_user.is_authenticated:
                    return _sign_in_first()
                abort(403)
            # The session's identity map holds objects weakly: keeping this one for the request
            # lets the view's own get() find it instead of querying again.
            g.setdefault("checked_objects", []).append(loaded)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def is_organizer(user: User | None, contest: Contest | None = None) -> bool:
    """An organizer for every contest, or for this contest (no one for the system, `None`). An organizer's
    role that names a college or a province (none can be given any more) organizes nothing."""
    if user is None or not user.is_authenticated:
        return False
    return user.has_role(ORGANIZER, contest.id if contest is not None else None)


def can_manage_colleges(user: User) -> bool:
    """The colleges list is national: only organizers of every contest change it."""
    return is_organizer(user)


def can_check_college(user: User, college: College) -> bool:
    """Verifying or merging a proposed institution changes the national list: organizers of every contest."""
    return can_manage_colleges(user)


def can_use_college(user: User | None, college: College, contest: Contest | None = None) -> bool:
    """Whether `user` may name `college` (a team's institution): a college on the list (verified) anyone may;
    a proposed one only the person who proposed it, organizers (of every contest, or of `contest`) and the
    system (`None`). `usable_colleges` is the same rule in SQL, for the lists."""
    if college.verified or user is None:
        return True
    if not user.is_authenticated:
        return False
    return college.proposed_by_id == user.id or is_organizer(user, contest)


def usable_colleges(user: User | None) -> ColumnElement[bool]:
    """`can_use_college` as a filter on colleges: organizers of every contest see every proposal, a signed-in
    person the list and their own proposals, an anonymous visitor the list only."""
    if user is not None and is_organizer(user):
        return true()
    if user is not None and user.is_authenticated:
        return College.verified | (College.proposed_by_id == user.id)
    return College.verified.is_(True)


def can_create_contest(user: User) -> bool:
    return is_organizer(user)


def can_edit_contest(user: User, contest: Contest) -> bool:
    return is_organizer(user, contest)


def can_create_users(user: User) -> bool:
    return is_organizer(user)


def can_read_audit_log(user: User) -> bool:
    """The audit log spans every contest: only organizers of every contest read it."""
    return is_organizer(user)


def coordinated_college_ids(user: User | None, contest: Contest) -> set[int]:
    """The colleges `user` coordinates in this contest."""
    if user is None or not user.is_authenticated:
        return set()
    return {a.college_id for a in user.roles if a.role == COORDINATOR and a.contest_id == contest.id and a.college_id}


def _coordinates(user: User, contest_id: int, college_id: int | None = None) -> bool:
    return any(
        a.role == COORDINATOR and a.contest_id == contest_id and (college_id is None or a.college_id == college_id)
        for a in user.roles
    )


def can_register_for_college(user: User | None, contest: Contest, college_id: int | None) -> bool:
    """Organizers (and the system) register teams of any college, coordinators of their own colleges only;
    a captain registers their own team, of the college they name: any college, unless their captain's
    role for the contest names a college (that one) or a province (its colleges). An entrant without a
    college (a person or an organization entering on their own) is registered by organizers and by captains
    whose role is not tied to a college."""
    if user is None or is_organizer(user, contest):
        return True
    colleges = coordinated_college_ids(user, contest)
    if colleges:
        return college_id in colleges
    roles = user.roles_in(CAPTAIN, contest.id)
    if any(role.covers(None) for role in roles):  # a captain of every college: no college to read
        return True
    if college_id is None:
        return False
    college = db.session.get(College, college_id)
    return any(role.covers(college) for role in roles)


def can_register_team(user: User, contest: Contest) -> bool:
    """Captains of the contest (or of every contest) register their own team; coordinators their college's;
    organizers any. Which college a team may be of is `can_register_for_college`."""
    if not user.is_authenticated:
        return False
    return is_organizer(user, contest) or _coordinates(user, contest.id) or bool(user.roles_in(CAPTAIN, contest.id))


def can_list_teams(user: User, contest: Contest) -> bool:
    """Organizers see every team; coordinators see their college's (the list is filtered)."""
    return user.is_authenticated and (is_organizer(user, contest) or _coordinates(user, contest.id))


def can_view_team(user: User, team: Team) -> bool:
    """Its captain (the account that registered it), its college's coordinator, organizers, and the
    coordinator of each of its members' colleges (who must see, and may dispute, a team holding their
    students)."""
    if not user.is_authenticated:
        return False
    if team.owner_id == user.id or can_review_team(user, team):
        return True
    colleges = coordinated_college_ids(user, team.contest)
    return bool(colleges and colleges & team.student_college_ids)


def can_object_to_data(user: User, team: Team) -> bool:
    """Only the team's captain (the account that registered it) reports one of its data values as wrong."""
    return user.is_authenticated and team.owner_id == user.id


def can_dispute_members(user: User, team: Team) -> bool:
    """Organizers, and the coordinator of a college one of the team's members (or a disputed student) is of;
    which member is `can_dispute_member`."""
    if not user.is_authenticated:
        return False
    return is_organizer(user, team.contest) or bool(coordinated_college_ids(user, team.contest) & team.student_college_ids)


def can_dispute_member(user: User | None, team: Team, college_id: int) -> bool:
    """A member is disputed (or the dispute lifted) by the coordinator of the member's college in the team's
    contest, or by an organizer (or the system)."""
    return user is None or is_organizer(user, team.contest) or _coordinates(user, team.contest_id, college_id)


def can_reopen_review(user: User, team: Team) -> bool:
    """Only organizers reopen the review of a team whose judging has started."""
    return is_organizer(user, team.contest)


def can_edit_team(user: User, team: Team) -> bool:
    """Its captain (the window is the service's rule) and organizers."""
    return user.is_authenticated and (team.owner_id == user.id or is_organizer(user, team.contest))


def can_review_team(user: User, team: Team) -> bool:
    """The coordinator of the team's college in this contest, and organizers."""
    if not user.is_authenticated:
        return False
    return is_organizer(user, team.contest) or _coordinates(user, team.contest_id, team.college_id)


def can_manage_round(user: User, round_: Round) -> bool:
    """Organizers of the round's contest run it."""
    return is_organizer(user, round_.contest)


def can_manage_award(user: User, award: Award) -> bool:
    """Who runs the award's round changes its prize."""
    return can_manage_round(user, db.session.get(Round, award.round_id))


def can_download_certificate(user: User, award: Award) -> bool:
    """The award's team (`can_download_team_certificates`)."""
    return can_download_team_certificates(user, award.team)


def can_download_team_certificates(user: User, team: Team) -> bool:
    """A team's certificates: its captain (the account that registered it), its members who have an account
    (by their e-mail), and the organizers of its contest."""
    if not user.is_authenticated:
        return False
    if team.owner_id == user.id or is_organizer(user, team.contest):
        return True
    return any(not member.released and member.email.strip().lower() == user.email for member in team.members)


def can_view_round(user: User, round_: Round) -> bool:
    """Organizers, and the judges of the round."""
    if not user.is_authenticated:
        return False
    if is_organizer(user, round_.contest):
        return True
    from app.models import RoundJudge

    return (
        db.session.scalar(select(RoundJudge.id).where(RoundJudge.round_id == round_.id, RoundJudge.user_id == user.id))
        is not None
    )


def can_view_results(user: User, round_: Round) -> bool:
    """Organizers see results as soon as they are computed; everyone sees a published round's."""
    return round_.status == PUBLISHED or is_organizer(user, round_.contest)


def can_score(user: User, assignment: Assignment) -> bool:
    """Only the assigned judge enters scores on a sheet."""
    return user.is_authenticated and assignment.judge_id == user.id


def can_view_sheet(user: User, assignment: Assignment) -> bool:
    """The assigned judge and organizers; judges never see each other's sheets."""
    return can_score(user, assignment) or is_organizer(user, assignment.round.contest)


def can_manage_sheet(user: User, assignment: Assignment) -> bool:
    return is_organizer(user, assignment.round.contest)


def can_declare_conflict(user: User, judge: User) -> bool:
    """A judge declares their own conflicts; organizers of every contest declare anyone's, an organizer of a
    contest those of the contest's judges (a conflict only ever keeps a judge away from a team)."""
    if not user.is_authenticated:
        return False
    if (user.id == judge.id and holds_any_role(user, (JUDGE,))) or is_organizer(user):
        return True
    return any(
        role.role == JUDGE and role.contest_id is not None and user.has_role(ORGANIZER, role.contest_id) for role in judge.roles
    )


def can_see_job(user: User, job: Job) -> bool:
    """A job is its owner's; the organizers of its contest (of every contest, for one of no contest) may
    follow it too, as they may do what it does."""
    if not user.is_authenticated:
        return False
    return job.owner_id == user.id or is_organizer(user, job.contest)


def can_object(user: User, round_: Round) -> bool:
    """Anyone signed in who can see the round's results may object to them (the notice's dates are the
    service's rule) and list their own objections; organizers list them all."""
    return user.is_authenticated and can_view_results(user, round_)


def can_view_objection(user: User, objection: Objection) -> bool:
    """An objection is confidential: its author and the contest's organizers only."""
    return user.is_authenticated and (objection.author_id == user.id or is_organizer(user, objection.round.contest))


def can_add_evidence(user: User, objection: Objection) -> bool:
    """Only the objector adds evidence to their objection."""
    return user.is_authenticated and objection.author_id == user.id


def can_answer_objection(user: User, objection: Objection) -> bool:
    """The contest's organizers assign and answer objections."""
    return is_organizer(user, objection.round.contest)


def can_hand_in(user: User, team: Team) -> bool:
    """Only the account that registered the team (its captain, or the applicant of an individual's or an
    organization's entry) hands in its works; the window is the service's rule."""
    return user.is_authenticated and team.owner_id == user.id


def can_list_works(user: User, round_: Round) -> bool:
    """Organizers and the round's judges (who see their assigned teams' works), and the owner of a team in the
    round (who sees their own team's); the list is filtered by who asks."""
    if can_view_round(user, round_):
        return True
    from app.models import Entry

    return (
        db.session.scalar(
            select(Entry.id)
            .join(Team, Team.id == Entry.team_id)
            .where(Entry.round_id == round_.id, Team.owner_id == user.id)
            .limit(1)
        )
        is not None
    )
