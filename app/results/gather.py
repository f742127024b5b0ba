"""Gather: a round's sheets and stored results as the plain inputs of `scoring/` (no rule is decided here).

Reads go through the session's Core statements, not ORM objects: a national round brings 50,000 sheets at
once, and the computation needs only their numbers.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, and_, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.types import NullType

from app.extensions import db
from app.groups import group_key
from app.judging.criteria import data_item
from app.judging.metrics import current_values
from app.models import (
    SHEET_SUBMITTED,
    WITHDRAWN,
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
)
from scoring.data import data_scores
from scoring.model import CRITERION_PREFIX, DataScore, Rule, Sheet, TeamResult, TeamSheets

#: A team is flagged `disagreement` when the spread of its judges' totals passes this share of the sheet's scale.
DISAGREEMENT_SHARE = Decimal("0.15")


def scale_max(round_: Round) -> Decimal:
    """The highest score a team can reach: the sum of max × weight over the items, the data items' included."""
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
        judged=bool(round_.sheet_criteria),
        decimals=round_.decimals,
    )


def missing_sheets(round_: Round) -> list[dict[str, Any]]:
    """Assignments in force whose sheet is not submitted: untouched or still a draft, with team number and judge
    (one set aside for a conflict of interest is not awaited)."""
    rows = db.session.execute(
        select(Assignment.id, Assignment.team_id, Team.number, Assignment.judge_id, User.name, ScoreSheet.status)
        .join(Team, Team.id == Assignment.team_id)
        .join(User, User.id == Assignment.judge_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Assignment.round_id == round_.id,
            Assignment.active,
            (ScoreSheet.id.is_(None)) | (ScoreSheet.status != SHEET_SUBMITTED),
        )
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
    """Every entry of the round (but a team withdrawn since) with its assigned count and its submitted sheets
    (drafts do not count, nor do assignments set aside for a conflict of interest, submitted or not).

    A sheet carries the values of only the items that a `criterion:<key>` tie-break of the round names (None
    for an item the judge left out). Each team carries its points from the round's data items (`data_points`).
    """
    tie_break_items = [
        criterion for criterion in round_.sheet_criteria if CRITERION_PREFIX + criterion.key in (round_.tie_breaks or ())
    ]
    statement = (
        select(Assignment.team_id, Assignment.judge_id, as_stored(ScoreSheet.total))
        .outerjoin(ScoreSheet, and_(ScoreSheet.assignment_id == Assignment.id, ScoreSheet.status == SHEET_SUBMITTED))
        .where(Assignment.round_id == round_.id, Assignment.active)
    )
    for criterion in tie_break_items:  # one row per assignment still: a sheet has one score per item
        score = aliased(Score)
        statement = statement.add_columns(as_stored(score.value)).outerjoin(
            score, and_(score.sheet_id == ScoreSheet.id, score.criterion_id == criterion.id)
        )
    keys = [criterion.key for criterion in tie_break_items]
    total_of, value_of = _decimals(ScoreSheet.total), _decimals(Score.value)
    assigned: dict[int, int] = defaultdict(int)
    sheets: dict[int, list[Sheet]] = defaultdict(list)
    for team_id, judge_id, total, *values in db.session.execute(statement):
        assigned[team_id] += 1
        if total is not None:  # a submitted sheet always has its total
            sheets[team_id].append(Sheet(judge_id, total_of(total), dict(zip(keys, map(value_of, values), strict=True))))
    # A team withdrawn after judging (an upheld objection, misconduct) is no longer ranked.
    entries = db.session.execute(
        select(Entry.team_id, Entry.group_key)
        .join(Team, Team.id == Entry.team_id)
        .where(Entry.round_id == round_.id, Team.status != WITHDRAWN)
    ).all()
    data = data_points(round_, [team_id for team_id, _group in entries])
    return [
        TeamSheets(
            team_id=team_id, assigned=assigned[team_id], sheets=tuple(sheets[team_id]), group=group, data=data.get(team_id)
        )
        for team_id, group in entries
    ]


def data_points(round_: Round, team_ids: list[int] | None = None) -> dict[int, DataScore]:
    """Each team's points from the round's data items (`scoring.data`), for the round's entries (or
    `team_ids`); empty for a round without data items."""
    criteria = round_.data_criteria
    if not criteria:
        return {}
    if team_ids is None:
        team_ids = list(db.session.scalars(select(Entry.team_id).where(Entry.round_id == round_.id)))
    values: dict[str, dict[int, Decimal]] = defaultdict(dict)
    keys = {criterion.id: criterion.key for criterion in criteria}
    for (team_id, criterion_id), value in current_values(round_).items():
        if criterion_id in keys:
            values[keys[criterion_id]][team_id] = value
    return data_scores([data_item(criterion) for criterion in criteria], values, team_ids)


def as_stored(column: ColumnElement) -> ColumnElement:
    """The column's values as the database's driver gives them, for `_decimals` to convert."""
    return type_coerce(column, NullType())


def _decimals(column: InstrumentedAttribute) -> Callable[[Any], Decimal | None]:
    """A numeric column's values as the driver gives them (`as_stored`) → their Decimals, by the column type's
    own conversion, each distinct value converted once: a round's 50,000 totals take a few hundred values."""
    convert = column.type.result_processor(db.session.get_bind().dialect, None) or Decimal

    @functools.cache
    def decimal(stored: Any) -> Decimal | None:
        return None if stored is None else convert(stored)

    return decimal


def stored_results(round_: Round, *, per: str | None = None) -> list[TeamResult]:
    """The round's stored results as `scoring` results, in rank order; `per` (one of GROUPINGS)
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
            Team.country,
        )
        .join(Team, Team.id == Result.team_id)
        .outerjoin(College, College.id == Team.college_id)
        .outerjoin(Province, Province.id == College.province_id)
        .where(Result.round_id == round_.id)
        .order_by(Result.rank, Result.team_id)
    ).all()
    return [
        TeamResult(
            team_id=row.team_id,
            group=row.group_key
            if per is None
            else group_key(per, college_id=row.college_id, province=row.name, country=row.country),
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
