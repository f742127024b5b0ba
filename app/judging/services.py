"""Rounds, their score sheets, entries and judges. Functions flush, never commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, insert, select

from app import audit
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.judging.conflicts import set_aside_conflicts
from app.judging.criteria import check_criteria, criterion_snapshot, keep_metric_values, restore_metric_values
from app.judging.entries import entry_rows
from app.judging.labels import status_label
from app.models import (
    APPROVED,
    CLOSED,
    DRAFT,
    GROUPINGS,
    JUDGE,
    OPEN,
    PUBLISHED,
    ROUND_LEVELS,
    Assignment,
    College,
    Contest,
    Criterion,
    Entry,
    Round,
    RoundJudge,
    Score,
    ScoreSheet,
    Team,
    User,
)
from app.works.requirements import check_requirements, check_requirements_change
from scoring.aggregate import METHODS

#: Aggregation methods a round may name: those `scoring.aggregate` implements.
AGGREGATION_METHODS = tuple(METHODS)


#: How a round's status may move. Publishing (closed → published) is the results service's step;
#: reopening a published round goes back to closed, with a reason.
TRANSITIONS = {DRAFT: {OPEN}, OPEN: {CLOSED}, CLOSED: {OPEN}, PUBLISHED: {CLOSED}}


def _check_round(contest: Contest, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    fields: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        fields.setdefault(name, []).append(message)

    name = " ".join(str(data.get("name") or "").split())
    if not name or len(name) > 80:
        fail("name", _("Enter a name of at most 80 characters."))
    if data.get("level", "custom") not in ROUND_LEVELS:
        fail("level", _("Choose one of: %(choices)s.", choices=", ".join(ROUND_LEVELS)))
    if data.get("grouping", "none") not in GROUPINGS:
        fail("grouping", _("Choose one of: %(choices)s.", choices=", ".join(GROUPINGS)))
    judges_per_team = data.get("judges_per_team", 5)
    if not isinstance(judges_per_team, int) or not 1 <= judges_per_team <= 20:
        fail("judges_per_team", _("Enter a whole number from 1 to 20."))
    aggregation = dict(data.get("aggregation") or {})
    method = aggregation.get("method", "mean")
    if method not in AGGREGATION_METHODS:
        fail("aggregation.method", _("Choose one of: %(choices)s.", choices=", ".join(AGGREGATION_METHODS)))
    trim, decimals = aggregation.get("trim", 1), aggregation.get("decimals", 2)
    if not isinstance(trim, int) or not 0 <= trim <= 5:
        fail("aggregation.trim", _("Enter a whole number from 0 to 5."))
    if not isinstance(decimals, int) or not 0 <= decimals <= 4:
        fail("aggregation.decimals", _("Enter a whole number from 0 to 4."))
    criteria = check_criteria(list(data.get("criteria") or []), fields)
    requirements = check_requirements(list(data.get("requirements") or []), fields)
    works_due_at = data.get("works_due_at")
    if works_due_at is not None and (not isinstance(works_due_at, datetime) or works_due_at.tzinfo is None):
        fail("works_due_at", _("Give the deadline with its time zone's offset, such as 2026-05-01T17:00:00+08:00."))
    keys = {criterion["key"] for criterion in criteria}
    tie_breaks = list(data.get("tie_breaks") or [])
    for index, tie_break in enumerate(tie_breaks):
        if tie_break != "raw_sum" and not (
            isinstance(tie_break, str) and tie_break.startswith("criterion:") and tie_break.removeprefix("criterion:") in keys
        ):
            fail(f"tie_breaks.{index}", _("Use raw_sum or criterion:<key> with a key of this sheet."))
    own_college_conflict = bool(data.get("own_college_conflict", True))
    if not own_college_conflict and data.get("level", "custom") != "school":
        fail(
            "own_college_conflict",
            _("Only a school round may let a college's own judges score its teams."),
        )
    previous = data.get("previous_round_id")
    if (
        previous is not None
        and db.session.scalar(select(Round.id).where(Round.id == previous, Round.contest_id == contest.id)) is None
    ):
        fail("previous_round_id", _("No round of this contest has id %(id)s.", id=previous))
    if fields:
        raise InvalidDataError(_("The round cannot be saved; check the marked fields."), fields=fields)
    values = {
        "name": name,
        "level": data.get("level", "custom"),
        "grouping": data.get("grouping", "none"),
        "judges_per_team": judges_per_team,
        "aggregation": method,
        "trim": trim,
        "decimals": decimals,
        "min_judges_for_trim": aggregation.get("min_judges", 5),
        "tie_breaks": tie_breaks,
        "blind": bool(data.get("blind", False)),
        "own_college_conflict": own_college_conflict,
        "previous_round_id": previous,
        "requirements": requirements,
        "works_due_at": works_due_at,
    }
    return values, criteria


def round_snapshot(round_: Round) -> dict[str, Any]:
    return {
        "name": round_.name,
        "level": round_.level,
        "grouping": round_.grouping,
        "judges_per_team": round_.judges_per_team,
        "aggregation": round_.aggregation,
        "trim": round_.trim,
        "decimals": round_.decimals,
        "tie_breaks": round_.tie_breaks,
        "blind": round_.blind,
        "own_college_conflict": round_.own_college_conflict,
        "status": round_.status,
        "requirements": round_.requirements or [],
        "works_due_at": round_.works_due_at.isoformat() if round_.works_due_at else None,
        "criteria": [criterion_snapshot(c) for c in round_.criteria],
    }


def create_round(contest: Contest, data: Mapping[str, Any], *, actor: User | None, now: datetime) -> Round:
    """Create a round in draft, with its score sheet. Nothing is open to judges until it opens."""
    values, criteria = _check_round(contest, data)
    round_ = Round(contest_id=contest.id, status=DRAFT, created_at=now, **values)
    round_.criteria = [Criterion(**criterion) for criterion in criteria]
    db.session.add(round_)
    db.session.flush()
    audit.record(
        actor=actor, action="round.create", object_type="round", object_id=round_.id, now=now, after=round_snapshot(round_)
    )
    return round_


def has_scores(round_: Round) -> bool:
    return (
        db.session.scalar(select(func.count(Score.id)).join(ScoreSheet).join(Assignment).where(Assignment.round_id == round_.id))
        > 0
    )


def update_round(round_: Round, data: Mapping[str, Any], *, actor: User | None, now: datetime) -> Round:
    """Change a round's settings. The score sheet (its criteria) locks once the first score exists.

    Turning `own_college_conflict` back on sets aside the round's assignments of judges to their own
    college's teams (`set_aside_conflicts`)."""
    if round_.status == PUBLISHED:
        raise StateConflictError(_("A published round cannot change."), code="round_published")
    merged = {
        **round_snapshot(round_),
        "aggregation": {
            "method": round_.aggregation,
            "trim": round_.trim,
            "decimals": round_.decimals,
            "min_judges": round_.min_judges_for_trim,
        },
        "previous_round_id": round_.previous_round_id,
        "works_due_at": round_.works_due_at,
    }
    merged.update(data)
    values, criteria = _check_round(round_.contest, merged)
    before = round_snapshot(round_)
    check_requirements_change(round_, values["requirements"], values["works_due_at"])
    if "criteria" in data and has_scores(round_):
        if before["criteria"] != [criterion_snapshot(c) for c in criteria]:
            raise StateConflictError(_("Scores exist, so the score sheet is locked."), code="criteria_locked")
    for key, value in values.items():
        setattr(round_, key, value)
    if "criteria" in data and not has_scores(round_):
        kept = keep_metric_values(round_)  # replacing the items deletes their imported values: keep them by key
        round_.criteria = []
        db.session.flush()
        round_.criteria = [Criterion(**criterion) for criterion in criteria]
        db.session.flush()
        restore_metric_values(round_, kept)
    db.session.flush()
    after = round_snapshot(round_)
    if after != before:
        audit.record(
            actor=actor, action="round.update", object_type="round", object_id=round_.id, now=now, before=before, after=after
        )
    if round_.own_college_conflict and not before["own_college_conflict"]:
        _set_aside_conflicts(round_, actor=actor, now=now)
    return round_


def _set_aside_conflicts(round_: Round, *, actor: User | None, now: datetime) -> None:
    set_aside_conflicts(round_=round_, actor=actor, now=now)


def transition_round(round_: Round, status: str, *, actor: User | None, now: datetime, reason: str | None = None) -> Round:
    """Move a round draft → open → closed (and closed → open again, to reopen before publishing).

    A round opens only with a score sheet and entries. When a contest's first round opens, its
    teams freeze: captains can no longer edit them. A published round goes back to closed only with
    a reason, which is kept in the audit trail; its results stay until they are computed again, and its
    assignments that a conflict arisen meanwhile forbids are set aside then.
    """
    if status not in TRANSITIONS.get(round_.status, set()):
        raise StateConflictError(
            _(
                "A round that is %(current)s cannot become %(wanted)s.",
                current=status_label(round_.status),
                wanted=status_label(status),
            ),
            code="invalid_transition",
        )
    reason = audit.reason_text(
        reason, required=_("Give the reason for reopening a published round.") if round_.status == PUBLISHED else None
    )
    if status == OPEN:
        entries = db.session.scalar(select(func.count(Entry.id)).where(Entry.round_id == round_.id))
        if not entries:
            raise StateConflictError(_("Add the teams of the round before opening it."), code="no_entries")
        round_.opened_at = now
        contest = round_.contest
        if contest.teams_frozen_at is None:
            contest.teams_frozen_at = now
    if status == CLOSED:
        round_.closed_at = now
    before = round_.status
    round_.status = status
    db.session.flush()
    audit.record(
        actor=actor,
        action=f"round.{status}",
        object_type="round",
        object_id=round_.id,
        now=now,
        before={"status": before},
        after={"status": status},
        reason=reason,
    )
    if before == PUBLISHED:  # frozen while published: the conflicts that arose meanwhile apply now
        _set_aside_conflicts(round_, actor=actor, now=now)
    return round_


def add_entries(
    round_: Round, *, team_ids: Sequence[int] | None = None, all_approved: bool = False, actor: User | None, now: datetime
) -> int:
    """Add teams to a round: the contest's approved teams, or a given list of them.

    Teams already in the round are skipped; withdrawn, unapproved or other contests' teams are
    refused with their ids. A closed or published round takes no more teams (409).
    """
    if round_.status in (CLOSED, PUBLISHED):
        raise StateConflictError(
            _("A %(status)s round takes no more teams.", status=status_label(round_.status)), code="round_closed"
        )
    statement = select(Team).where(Team.contest_id == round_.contest_id)
    if all_approved:
        statement = statement.where(Team.status == APPROVED)
    else:
        wanted = set(team_ids or [])
        teams = db.session.scalars(statement.where(Team.id.in_(wanted))).all()
        refused = sorted(wanted - {team.id for team in teams if team.status == APPROVED})
        if refused:
            raise InvalidDataError(
                _("Only approved teams of this contest can enter a round; refused: %(ids)s.", ids=", ".join(map(str, refused))),
                fields={"team_ids": [_("Not approved teams of this contest: %(ids)s.", ids=", ".join(map(str, refused)))]},
            )
        statement = statement.where(Team.id.in_(wanted))
    present = set(db.session.scalars(select(Entry.team_id).where(Entry.round_id == round_.id)))
    rows = entry_rows(
        round_,
        [
            team
            for team in db.session.scalars(statement.outerjoin(Team.college).outerjoin(College.province))
            if team.id not in present
        ],
        now,
    )
    if rows:
        db.session.execute(insert(Entry), rows)
        audit.record(
            actor=actor, action="round.add_entries", object_type="round", object_id=round_.id, now=now, after={"added": len(rows)}
        )
    return len(rows)


def add_judges(round_: Round, user_ids: Sequence[int], *, actor: User | None, now: datetime) -> int:
    """Add judges to a round's pool; every one must hold the judge role. Returns how many were new."""
    wanted = set(user_ids)
    users = db.session.scalars(select(User).where(User.id.in_(wanted))).all()
    judges = {user.id for user in users if user.has_role(JUDGE, round_.contest_id)}
    refused = sorted(wanted - judges)
    if refused:
        raise InvalidDataError(
            _("These users are not judges of this contest: %(ids)s.", ids=", ".join(map(str, refused))),
            fields={"user_ids": [_("Not judges: %(ids)s.", ids=", ".join(map(str, refused)))]},
        )
    present = set(db.session.scalars(select(RoundJudge.user_id).where(RoundJudge.round_id == round_.id)))
    new = sorted(judges - present)
    if new:
        db.session.execute(insert(RoundJudge), [{"round_id": round_.id, "user_id": user_id} for user_id in new])
        audit.record(
            actor=actor, action="round.add_judges", object_type="round", object_id=round_.id, now=now, after={"added": new}
        )
    return len(new)
