"""Assigning judges: gather the round into plain slots, let `scoring.assign` decide, save the pairs.

Hard conflicts (own college, advised team, declared college or team, and the same province when
the round avoids it) are never assigned, automatically or by hand. A judge whose name and email
match a team's advisor is in conflict with that team without having to declare it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from app import audit
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.judging.labels import status_label
from app.models import (
    CLOSED,
    JUDGE,
    PUBLISHED,
    Advisor,
    Assignment,
    College,
    Conflict,
    Entry,
    JudgeProfile,
    Round,
    RoundJudge,
    Score,
    ScoreSheet,
    Team,
    User,
)
from scoring.assign import AssignmentRequest, JudgeSlot, TeamSlot, assign, conflict_reason, same_college
from scoring.panels import PanelPart, parts_of_panels

#: Conflicts that no reason can override.
HARD_CONFLICTS = ("own_college", "advisor", "declared_college", "declared_team")
SOFT_CONFLICTS = ("same_province",)
#: A judge of the team's own college, in a school round that lets them sit: by hand, with a reason.
OWN_COLLEGE_ALLOWED = "own_college_allowed"


def panel_parts(round_: Round) -> list[PanelPart]:
    """The connected parts of the round's judges and teams as assigned now (judges linked by the teams they
    share), largest first: the ``adjusted`` method compares judges' severities only within a part, so the
    organizer sees them before choosing it."""
    panels: dict[int, list[int]] = defaultdict(list)
    for team_id, judge_id in db.session.execute(
        select(Assignment.team_id, Assignment.judge_id).where(Assignment.round_id == round_.id, Assignment.active)
    ):
        panels[team_id].append(judge_id)
    return parts_of_panels(panels.values())


def _check_open_for_assignment(round_: Round) -> None:
    if round_.status in (CLOSED, PUBLISHED):
        raise StateConflictError(
            _("A %(status)s round takes no new assignments.", status=status_label(round_.status)), code="round_closed"
        )


def team_slots(round_: Round, team_ids: Collection[int] | None = None) -> dict[int, TeamSlot]:
    """The round's teams (or those of `team_ids` among them) with what makes a conflict: college, province."""
    statement = (
        select(Entry.team_id, Team.college_id, College.province_id, Entry.group_key)
        .join(Team, Team.id == Entry.team_id)
        .outerjoin(College, College.id == Team.college_id)
        .where(Entry.round_id == round_.id)
    )
    if team_ids is not None:
        statement = statement.where(Entry.team_id.in_(team_ids))
    rows = db.session.execute(statement).all()
    province_names = _province_names()
    return {
        team_id: TeamSlot(team_id, college_id, province_names.get(province_id, ""), group)
        for team_id, college_id, province_id, group in rows
    }


def _province_names() -> dict[int, str]:
    from app.models import Province

    return dict(db.session.execute(select(Province.id, Province.name)).all())


def judge_slots(round_: Round, judge_ids: list[int] | None = None) -> dict[int, JudgeSlot]:
    """Each judge of the round with what makes a conflict: colleges, province, advised and declared."""
    if judge_ids is None:
        judge_ids = list(db.session.scalars(select(RoundJudge.user_id).where(RoundJudge.round_id == round_.id)))
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(judge_ids)))}
    profiles = {p.user_id: p for p in db.session.scalars(select(JudgeProfile).where(JudgeProfile.user_id.in_(judge_ids)))}
    declared_colleges: dict[int, set[int]] = defaultdict(set)
    declared_teams: dict[int, set[int]] = defaultdict(set)
    for conflict in db.session.scalars(select(Conflict).where(Conflict.judge_id.in_(judge_ids))):
        if conflict.college_id:
            declared_colleges[conflict.judge_id].add(conflict.college_id)
        if conflict.team_id:
            declared_teams[conflict.judge_id].add(conflict.team_id)
    advised: dict[int, set[int]] = defaultdict(set)
    by_identity = {(user.name.strip(), user.email): user_id for user_id, user in users.items()}
    emails = [email for _name, email in by_identity]
    for team_id, name, email in db.session.execute(
        select(Advisor.team_id, Advisor.name, Advisor.email)
        .join(Team, Team.id == Advisor.team_id)
        .where(Team.contest_id == round_.contest_id, func.lower(Advisor.email).in_(emails))
    ):
        judge_id = by_identity.get((name.strip(), email.lower()))
        if judge_id is not None:
            advised[judge_id].add(team_id)
    slots = {}
    for judge_id in judge_ids:
        profile, roles = profiles.get(judge_id), [a for a in users[judge_id].roles if a.role == JUDGE]
        # A judge's colleges: the profile's and any given with the judge role; the province likewise.
        colleges = {a.college_id for a in roles if a.college_id} | (
            {profile.college_id} if profile and profile.college_id else set()
        )
        province = (profile.province if profile and profile.province else "") or next(
            (a.province for a in roles if a.province), ""
        )
        slots[judge_id] = JudgeSlot(
            judge_id=judge_id,
            college_ids=frozenset(colleges),
            province=province or "",
            advised_team_ids=frozenset(advised[judge_id]),
            declared_college_ids=frozenset(declared_colleges[judge_id]),
            declared_team_ids=frozenset(declared_teams[judge_id]),
        )
    return slots


def auto_assign(
    round_: Round,
    *,
    judges_per_team: int | None = None,
    max_per_judge: int | None = None,
    avoid_same_province: bool = False,
    seed: int = 0,
    bridging: bool = False,
    actor: User | None,
    now: datetime,
) -> dict[str, Any]:
    """Give every team of the round k judges, keeping the assignments it already has.

    Teams that cannot be covered are listed with the reason and get no new judge at all. With `bridging`,
    each team whose judges all score its group alone then gets one judge more, from another group's panel
    (`scoring.bridging`), so that panels assigned group by group link up for the ``adjusted`` method; the
    teams that needed one and got none are listed in ``unbridged``, with the reason.
    """
    _check_open_for_assignment(round_)
    k = judges_per_team or round_.judges_per_team
    if not 1 <= k <= 20:
        raise InvalidDataError(
            _("Enter a number of judges per team from 1 to 20."), fields={"judges_per_team": [_("From 1 to 20.")]}
        )
    if max_per_judge is not None and max_per_judge < 1:
        raise InvalidDataError(_("A judge takes at least one team."), fields={"max_per_judge": [_("At least 1.")]})
    teams = team_slots(round_)
    judges = judge_slots(round_)
    # Assignments already made count toward a team's k and a judge's load; those whose team or judge
    # has since left the round are kept as they are but play no part here. One set aside for a conflict
    # counts for nothing, and its judge never comes back on that team (the pair exists already).
    existing: set[tuple[int, int]] = set()
    set_aside: dict[int, set[int]] = defaultdict(set)
    for team_id, judge_id, active in db.session.execute(
        select(Assignment.team_id, Assignment.judge_id, Assignment.active).where(Assignment.round_id == round_.id)
    ):
        if team_id in teams and judge_id in judges:
            if active:
                existing.add((team_id, judge_id))
            else:
                set_aside[judge_id].add(team_id)
    for judge_id, team_ids in set_aside.items():
        judges[judge_id] = replace(judges[judge_id], declared_team_ids=judges[judge_id].declared_team_ids | team_ids)
    result = assign(
        AssignmentRequest(
            teams=tuple(teams.values()),
            judges=tuple(judges.values()),
            judges_per_team=k,
            max_per_judge=max_per_judge,
            avoid_same_province=avoid_same_province,
            seed=seed,
            existing=frozenset(existing),
            own_college_conflict=round_.own_college_conflict,
            bridging=bridging,
        )
    )
    if result.pairs:
        db.session.execute(
            insert(Assignment.__table__),
            [
                {
                    "round_id": round_.id,
                    "team_id": team_id,
                    "judge_id": judge_id,
                    "manual": False,
                    "reason": None,
                    "created_at": now,
                }
                for team_id, judge_id in result.pairs
            ],
        )
    audit.record(
        actor=actor,
        action="round.auto_assign",
        object_type="round",
        object_id=round_.id,
        now=now,
        after={
            "assigned": len(result.pairs),
            "uncovered": len(result.uncovered),
            "judges_per_team": k,
            "max_per_judge": max_per_judge,
            "avoid_same_province": avoid_same_province,
            "seed": seed,
            "bridging": bridging,
            "unbridged": len(result.unbridged),
        },
    )
    return {
        "assigned": len(result.pairs),
        "unassigned": [{"team_id": u.team_id, "reason": u.reason, "message": u.detail} for u in result.uncovered],
        "unbridged": [{"team_id": u.team_id, "reason": u.reason, "message": u.detail} for u in result.unbridged],
        "stats": result.stats,
    }


def auto_assign_message(result: dict[str, Any]) -> tuple[str, str]:
    """What the round's page flashes after `auto_assign`: the message and its category."""
    message = _("%(n)s assignments made; %(m)s teams could not be covered.", n=result["assigned"], m=len(result["unassigned"]))
    if result["unbridged"]:
        message += " " + _("%(n)s teams got no judge from another group's panel.", n=len(result["unbridged"]))
    return message, "error" if result["unassigned"] or result["unbridged"] else "success"


def assign_judge(
    round_: Round, team_id: int, judge_id: int, *, reason: str | None, actor: User | None, now: datetime
) -> Assignment:
    """Assign one judge to one team by hand. A hard conflict is refused; a soft one (the same
    province, or the team's own college in a school round that lets its college's judges sit) needs a
    reason, which is kept."""
    _check_open_for_assignment(round_)
    teams = team_slots(round_)
    if team_id not in teams:
        raise InvalidDataError(_("Team %(id)s is not in this round.", id=team_id), fields={"team_id": [_("Not in this round.")]})
    if db.session.scalar(select(RoundJudge.id).where(RoundJudge.round_id == round_.id, RoundJudge.user_id == judge_id)) is None:
        raise InvalidDataError(
            _("User %(id)s is not a judge of this round.", id=judge_id), fields={"judge_id": [_("Not a judge of this round.")]}
        )
    judge = judge_slots(round_, [judge_id])[judge_id]
    problem = conflict_reason(teams[team_id], judge, avoid_same_province=True, own_college_conflict=round_.own_college_conflict)
    if problem is None and same_college(teams[team_id], judge):  # the round lets its college's own judges sit
        problem = OWN_COLLEGE_ALLOWED
    reason = audit.reason_text(reason)
    if problem in HARD_CONFLICTS:
        raise StateConflictError(
            _("This judge may not score this team: %(why)s.", why=problem),
            code="conflict_of_interest",
            details={"conflict": problem},
        )
    if problem == OWN_COLLEGE_ALLOWED and not reason:
        raise InvalidDataError(
            _("The judge is from the team's own college; give a reason to assign them anyway."),
            fields={"reason": [_("A reason is required for a judge of the team's college.")]},
        )
    if problem in SOFT_CONFLICTS and not reason:
        raise InvalidDataError(
            _("The judge is from the team's province; give a reason to assign them anyway."),
            fields={"reason": [_("A reason is required for a judge of the same province.")]},
        )
    if (
        db.session.scalar(
            select(Assignment.id).where(
                Assignment.round_id == round_.id, Assignment.team_id == team_id, Assignment.judge_id == judge_id
            )
        )
        is not None
    ):
        raise StateConflictError(_("This judge is already assigned to this team."), code="already_assigned")
    assignment = Assignment(round_id=round_.id, team_id=team_id, judge_id=judge_id, manual=True, reason=reason, created_at=now)
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        actor=actor,
        action="assignment.create",
        object_type="assignment",
        object_id=assignment.id,
        now=now,
        after={"team_id": team_id, "judge_id": judge_id, "conflict": problem},
        reason=reason,
    )
    return assignment


def remove_assignment(assignment: Assignment, *, actor: User | None, now: datetime) -> None:
    """Take a judge off a team; refused once the judge has entered any score (unlock and clear first)."""
    scored = db.session.scalar(select(func.count(Score.id)).join(ScoreSheet).where(ScoreSheet.assignment_id == assignment.id))
    if scored:
        raise StateConflictError(_("This judge has already entered scores for this team."), code="assignment_scored")
    audit.record(
        actor=actor,
        action="assignment.delete",
        object_type="assignment",
        object_id=assignment.id,
        now=now,
        before={"team_id": assignment.team_id, "judge_id": assignment.judge_id},
    )
    if assignment.sheet is not None:  # a sheet without scores (opened, or cleared) goes with its assignment
        db.session.delete(assignment.sheet)
    db.session.delete(assignment)
    db.session.flush()
