"""Gather: a round's sheets and stored results as the plain inputs of `scoring/` (no rule is decided here).

Reads go through the session's Core statements, not ORM objects: a national round brings 50,000 sheets at
once, and the computation needs only their numbers.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, select

from app.extensions import db
from app.models import (
    SHEET_SUBMITTED,
    Assignment,
    College,
    Entry,
    Province,
    Result,
    Round,
    Score,
    ScoreSheet,
    Team,
    User,
    group_key,
)
from scoring.model import RAW_SUM, Rule, Sheet, TeamResult, TeamSheets

#: A team is flagged `disagreement` when the spread of its judges' totals passes this share of the sheet's scale.
DISAGREEMENT_SHARE = Decimal("0.15")


def scale_max(round_: Round) -> Decimal:
    """The highest total a sheet can reach: the sum of max × weight over the items."""
    return sum((criterion.max * criterion.weight for criterion in round_.criteria), Decimal(0))


def rule_of(round_: Round) -> Rule:
    """The round's aggregation rule, as `scoring.results` applies it."""
    return Rule(
        method=round_.aggregation,
        trim=round_.trim,
        min_judges=round_.min_judges_for_trim,
        judges_per_team=round_.judges_per_team,
        scale_max=scale_max(round_) or Decimal(100),
        disagreement=DISAGREEMENT_SHARE,
        tie_breaks=tuple(round_.tie_breaks or ()),
    )


def missing_sheets(round_: Round) -> list[dict[str, Any]]:
    """Assignments whose sheet is not submitted: untouched or still a draft, with team number and judge."""
    rows = db.session.execute(
        select(Assignment.id, Assignment.team_id, Team.number, Assignment.judge_id, User.name, ScoreSheet.status)
        .join(Team, Team.id == Assignment.team_id)
        .join(User, User.id == Assignment.judge_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.round_id == round_.id, (ScoreSheet.id.is_(None)) | (ScoreSheet.status != SHEET_SUBMITTED))
        .order_by(Team.number, User.name)
    ).all()
    return [
        {
            "assignment_id": assignment_id,
            "team_id": team_id,
            "team_number": number,
            "judge_id": judge_id,
            "judge_name": judge_name,
            "status": status or "untouched",
        }
        for assignment_id, team_id, number, judge_id, judge_name, status in rows
    ]


def gather(round_: Round) -> list[TeamSheets]:
    """Every entry of the round with its assigned count and its submitted sheets (drafts do not count).

    A sheet carries the values of only the items that a `criterion:<key>` tie-break of the round names.
    """
    entries = db.session.execute(select(Entry.team_id, Entry.group_key).where(Entry.round_id == round_.id)).all()
    assigned: dict[int, int] = defaultdict(int)
    submitted: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)
    for team_id, judge_id, sheet_id, total in db.session.execute(
        select(Assignment.team_id, Assignment.judge_id, ScoreSheet.id, ScoreSheet.total)
        .outerjoin(ScoreSheet, and_(ScoreSheet.assignment_id == Assignment.id, ScoreSheet.status == SHEET_SUBMITTED))
        .where(Assignment.round_id == round_.id)
    ):
        assigned[team_id] += 1
        if sheet_id is not None:
            submitted[team_id].append((judge_id, sheet_id, total))
    items = _tie_break_items(round_)
    return [
        TeamSheets(
            team_id=team_id,
            assigned=assigned[team_id],
            sheets=tuple(Sheet(judge_id, total, items.get(sheet_id, {})) for judge_id, sheet_id, total in submitted[team_id]),
            group=group,
        )
        for team_id, group in entries
    ]


def _tie_break_items(round_: Round) -> dict[int, dict[str, Decimal]]:
    """{sheet id: {item key: value}} of the round's submitted sheets, for the items its tie-breaks name."""
    keys = [tie_break.removeprefix("criterion:") for tie_break in round_.tie_breaks or () if tie_break != RAW_SUM]
    if not keys:
        return {}
    items: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for sheet_id, key, value in db.session.execute(
        select(Score.sheet_id, Score.criterion_key, Score.value)
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .where(Assignment.round_id == round_.id, ScoreSheet.status == SHEET_SUBMITTED, Score.criterion_key.in_(keys))
    ):
        items[sheet_id][key] = value
    return items


def stored_results(round_: Round, *, per: str | None = None) -> list[TeamResult]:
    """The round's stored results as `scoring` results, in rank order; `per` ("none", "college" or "province")
    regroups them for advancement, else each keeps the group it was ranked in."""
    rows = db.session.execute(
        select(
            Result.team_id,
            Result.group_key,
            Result.score,
            Result.rank,
            Result.tied,
            Result.spread,
            Result.raw_sum,
            Result.flags,
            Team.college_id,
            Province.name,
        )
        .join(Team, Team.id == Result.team_id)
        .join(College, College.id == Team.college_id)
        .outerjoin(Province, Province.id == College.province_id)
        .where(Result.round_id == round_.id)
        .order_by(Result.rank, Result.team_id)
    ).all()
    return [
        TeamResult(
            team_id=row.team_id,
            group=row.group_key if per is None else group_key(per, college_id=row.college_id, province=row.name),
            score=None if row.score is None else Fraction(row.score),
            rank=row.rank,
            tied=row.tied,
            judges={},
            spread=row.spread,
            raw_sum=row.raw_sum,
            flags=tuple(row.flags or ()),
        )
        for row in rows
    ]
