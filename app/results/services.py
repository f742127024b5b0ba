"""Results: gather a round's sheets, compute with `scoring/`, and persist the snapshot, the advancement
and the awards; publish and reopen.

Gather → pure compute → persist. Every rule of the ranking itself (aggregation, tie-breaks, cuts, tiers)
is in `scoring/`; this module decides only when each step is allowed and what is stored.
"""

from __future__ import annotations

import functools
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, Table, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from app import audit
from app.bulk import collector_paused, driver_rows, upsert_columns
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.judging.services import group_key
from app.models import (
    CLOSED,
    DRAFT,
    OPEN,
    PUBLISHED,
    SHEET_SUBMITTED,
    TIER_NAMES,
    Assignment,
    Award,
    College,
    Entry,
    Province,
    Result,
    ResultSnapshot,
    Round,
    Score,
    ScoreSheet,
    Team,
    User,
)
from scoring.advance import Advancement, select_advancing
from scoring.awards import AwardOutcome, Tier, assign_tiers, check_tiers
from scoring.judges import JudgeStats, judge_statistics
from scoring.results import TIE_AT_CUT, Rule, Sheet, TeamResult, TeamSheets, compute_results

#: A team is flagged `disagreement` when the spread of its judges' totals passes this share of the sheet's scale.
DISAGREEMENT_SHARE = Decimal("0.15")
#: Stored scores keep this many decimals; ranks are decided on the exact value before storing.
STORED_PLACES = 10
STORED_SCALE = 10**STORED_PLACES
SPREAD_PLACES = Decimal("0.0001")
RESULTS = Result.__table__
AWARDS = Award.__table__
ADVANCE_GROUPS = ("none", "college", "province")
TIE_POLICIES = ("flag", "include")


# Gather ------------------------------------------------------------------------------------------


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
            "assignment_id": row[0],
            "team_id": row[1],
            "team_number": row[2],
            "judge_id": row[3],
            "judge_name": row[4],
            "status": row[5] or "untouched",
        }
        for row in rows
    ]


def _plain_rows(statement):
    """Rows of a column query through the session's Core connection, in its transaction: at 50,000 rows the
    ORM layer would cost more than the query. Pending ORM changes are flushed first, so they are seen."""
    db.session.flush()
    return db.session.connection().execute(statement)


class _Once(dict):
    """`convert` of each distinct value, made once and then shared: a round's 50,000 totals take a few
    hundred distinct values, and converting each row's value costs more than reading it."""

    def __init__(self, convert) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value):
        converted = self[value] = self.convert(value)
        return converted


def _decimals(column) -> _Once:
    """A numeric column's values as the database driver gives them, each converted to its `Decimal` (by the
    column type's own conversion; None stays None) once."""
    convert = column.type.result_processor(db.session.get_bind().dialect, None) or Decimal
    return _Once(lambda raw: None if raw is None else convert(raw))


#: The round's entries (`gather`): built once, compiled once per database by `driver_rows`.
_ENTRIES = select(Entry.team_id, Entry.group_key).where(Entry.round_id == bindparam("round_id"))

#: The round's status, its row locked until the transaction ends (PostgreSQL; SQLite has one writer anyway).
_STATUS_FOR_UPDATE = select(Round.status).where(Round.id == bindparam("round_id")).with_for_update()

#: The tables `_write_round_rows` writes, with their mapped classes.
_MODELS = {RESULTS: Result, AWARDS: Award}

#: The teams with a row in the round, in each of those tables.
_TEAMS_IN = {table: select(table.c.team_id).where(table.c.round_id == bindparam("round_id")) for table in _MODELS}


@functools.cache
def _assigned_sheets(items: int) -> Select:
    """Each assignment of the round: team, judge, and its submitted sheet's total and values of `items`
    criteria (bound as ``criterion_0``, ...), all None when the sheet is not submitted. Sheets and items are
    joined by their unique indexes: one row per assignment, and so the team's assigned count with its sheets."""
    statement = (
        select(Assignment.team_id, Assignment.judge_id, ScoreSheet.total)
        .outerjoin(ScoreSheet, and_(ScoreSheet.assignment_id == Assignment.id, ScoreSheet.status == SHEET_SUBMITTED))
        .where(Assignment.round_id == bindparam("round_id"))
    )
    for index in range(items):
        item = aliased(Score)
        statement = statement.add_columns(item.value).outerjoin(
            item, and_(item.sheet_id == ScoreSheet.id, item.criterion_id == bindparam(f"criterion_{index}"))
        )
    return statement


def gather(round_: Round) -> list[TeamSheets]:
    """Every entry of the round with its assigned count and its submitted sheets (drafts do not count).

    Item values are loaded only for the items a `criterion:<key>` tie-break names. Read as the driver gives
    them (`driver_rows`): every column is an integer or text, except the numerics, which `_decimals` converts.
    """
    entries = driver_rows(_ENTRIES, round_id=round_.id)
    wanted = [criterion for criterion in round_.criteria if f"criterion:{criterion.key}" in (round_.tie_breaks or ())]
    rows = driver_rows(
        _assigned_sheets(len(wanted)),
        round_id=round_.id,
        **{f"criterion_{index}": criterion.id for index, criterion in enumerate(wanted)},
    )
    totals, values = _decimals(ScoreSheet.total), _decimals(Score.value)
    keys, value = [criterion.key for criterion in wanted], values.__getitem__
    by_team: dict[int, list[Sheet]] = defaultdict(list)
    unsubmitted: dict[int, int] = defaultdict(int)
    # A submitted sheet always has its total: None is an assignment without one.
    if len(keys) == 1:  # the usual rule, one criterion tie-break: its own loop, for half the cost of the general one
        (key,) = keys
        for team_id, judge_id, total, item in rows:
            if total is None:
                unsubmitted[team_id] += 1
            else:
                by_team[team_id].append(Sheet(judge_id, totals[total], {key: value(item)}))
    else:
        for team_id, judge_id, total, *items in rows:
            if total is None:
                unsubmitted[team_id] += 1
            else:  # an item left out reads None: no value
                by_team[team_id].append(
                    Sheet(judge_id, totals[total], dict(zip(keys, map(value, items), strict=True)) if keys else {})
                )
    return [
        TeamSheets(team_id, len(sheets := by_team.get(team_id, ())) + unsubmitted.get(team_id, 0), tuple(sheets), group)
        for team_id, group in entries
    ]


# Compute -----------------------------------------------------------------------------------------


def _stored(score: Fraction | None) -> Decimal | None:
    """The exact score at the stored 10 decimals, halves rounded up, in integer arithmetic.

    >>> _stored(Fraction(263, 3)), _stored(Fraction(1, 2)), _stored(None)
    (Decimal('87.6666666667'), Decimal('0.5000000000'), None)
    """
    if score is None:
        return None
    numerator, denominator = score.numerator * STORED_SCALE, score.denominator
    return Decimal((2 * numerator + denominator) // (2 * denominator)).scaleb(-STORED_PLACES)


def snapshot_of(round_: Round) -> ResultSnapshot | None:
    return db.session.scalar(select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id))


def compute_round_results(round_: Round, *, confirm: bool, actor: User | None, now: datetime) -> ResultSnapshot:
    """Compute every team's score, rank and flags from the submitted sheets, and store them as the
    round's snapshot (replacing the last one).

    Allowed only while the round is closed: not while judges can still save, and not once published
    (reopen it first). Unsubmitted sheets are listed and the computation needs `confirm` to go on
    without them (409 `unsubmitted_sheets` otherwise). Awards given before are given again by the same
    rule on the new ranking, manual decisions included; teams already advanced stay marked so.
    """
    # Computations of one round queue here, on the round's row (PostgreSQL; on SQLite the first write
    # below takes the writer lock): two at once would otherwise both insert the round's results.
    ((status,),) = driver_rows(_STATUS_FOR_UPDATE, round_id=round_.id)
    set_committed_value(round_, "status", status)  # as stored now, as a refresh would leave it
    if round_.status == PUBLISHED:
        raise StateConflictError(
            _("The round is published; reopen it, with a reason, before computing again."), code="round_published"
        )
    if round_.status != CLOSED:
        raise StateConflictError(
            _("Close the round before computing its results: judges can still save."), code="round_not_closed"
        )
    with collector_paused():
        return _compute_and_store(round_, confirm=confirm, actor=actor, now=now)


def _compute_and_store(round_: Round, *, confirm: bool, actor: User | None, now: datetime) -> ResultSnapshot:
    teams = gather(round_)
    # Every assignment is of an entry (they leave the round together): the sheets are all in when each
    # entry has as many as it has judges, and only then can the list of missing ones be skipped.
    missing = missing_sheets(round_) if any(len(team.sheets) < team.assigned for team in teams) else []
    if missing and not confirm:
        raise StateConflictError(
            _("%(n)s assigned sheets are not submitted. Wait for them, or confirm to compute without them.", n=len(missing)),
            code="unsubmitted_sheets",
            details={"missing": missing},
        )
    rule = rule_of(round_)
    results = compute_results(teams, rule)
    shown, listed = _Once(str), _Once(list)  # a few hundred totals' texts, a few flag lists: each made once
    # Teams already sent to the next round stay marked (`advanced` is kept): they are its entries until the
    # organizer advances again.
    _write_round_rows(
        RESULTS,
        round_,
        {  # 10,000 plain rows, no ORM bookkeeping
            "team_id": [result.team_id for result in results],
            "group_key": [result.group for result in results],
            "score": [_stored(result.score) for result in results],
            "rank": [result.rank for result in results],
            "tied": [result.tied for result in results],
            "spread": [result.spread.quantize(SPREAD_PLACES) for result in results],
            "raw_sum": [result.raw_sum for result in results],
            "judge_totals": [
                [[judge_id, shown[total]] for judge_id, total in result.judges.items()] for result in results
            ],  # judge order
            "flags": [listed[result.flags] for result in results],
            "advanced": [False] * len(results),  # for a team new to the results
        },
        keep=("advanced",),
    )
    snapshot = snapshot_of(round_) or ResultSnapshot(round_id=round_.id)
    snapshot.computed_at, snapshot.computed_by_id = now, actor.id if actor else None
    snapshot.rule = {
        "method": rule.method,
        "trim": rule.trim,
        "min_judges": rule.min_judges,
        "judges_per_team": rule.judges_per_team,
        "tie_breaks": list(rule.tie_breaks),
        "decimals": round_.decimals,
        "scale_max": str(rule.scale_max),
        "disagreement": str(rule.disagreement),
    }
    snapshot.teams, snapshot.sheets, snapshot.missing = len(results), sum(len(team.sheets) for team in teams), len(missing)
    snapshot.judge_stats = None  # the judges' statistics of the last computation no longer hold: see `judge_stats`
    if snapshot.advance_rule:
        snapshot.advance_rule = {**snapshot.advance_rule, "tied": []}  # ties of the old ranking no longer hold
    db.session.add(snapshot)  # written at the next flush, with the awards' tied groups if any: one UPDATE
    audit.record_immediately(
        actor=actor,
        action="results.compute",
        object_type="round",
        object_id=round_.id,
        now=now,
        after={"teams": snapshot.teams, "sheets": snapshot.sheets, "missing": snapshot.missing, "rule": snapshot.rule},
    )
    if snapshot.award_rule:
        award_rule = snapshot.award_rule
        _store_awards(
            round_,
            snapshot,
            [_tier_from(tier) for tier in award_rule["tiers"]],
            award_rule["ties"],
            award_rule.get("overrides", []),
            plan=plan_awards(round_, award_rule, results),
            actor=actor,
            now=now,
        )
    return snapshot


def _write_round_rows(table: Table, round_: Round, columns: Mapping[str, Sequence[Any]], *, keep: Sequence[str] = ()) -> None:
    """Make the round's rows of `table` (results or awards, one per team) those of `columns` (by column, with
    `team_id`): the rows of teams no longer among them are deleted, and the others written over the stored
    ones, their `keep` columns kept (`upsert_columns`: half the cost of deleting every row and inserting it
    again, as plain rows, no ORM bookkeeping)."""
    gone = {team_id for (team_id,) in driver_rows(_TEAMS_IN[table], round_id=round_.id)}.difference(columns["team_id"])
    if gone:
        db.session.execute(delete(table).where(table.c.round_id == round_.id, table.c.team_id.in_(gone)))
    upsert_columns(table, {"round_id": [round_.id] * len(columns["team_id"]), **columns}, key=("round_id", "team_id"), keep=keep)
    # Written around the ORM, and a row written over keeps its identity: the session's objects of the table
    # (a page's rows loaded before the computation) are read again when next used, not shown as they were.
    model = _MODELS[table]
    for (mapped, _identity, _token), held in list(db.session.identity_map.items()):
        if mapped is model:
            db.session.expire(held)


def _require_snapshot(round_: Round) -> ResultSnapshot:
    snapshot = snapshot_of(round_)
    if snapshot is None:
        raise StateConflictError(_("Compute the round's results first."), code="no_results")
    return snapshot


def team_results(round_: Round, *, per: str | None = None) -> list[TeamResult]:
    """The stored snapshot as `scoring` results, in rank order; `per` regroups them by college or province."""
    rows = _plain_rows(
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
    regroup = {"college": lambda row: str(row.college_id), "province": lambda row: row.name or "", "none": lambda row: ""}
    return [
        TeamResult(
            team_id=row.team_id,
            group=regroup[per](row) if per else row.group_key,
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


# Advance -----------------------------------------------------------------------------------------


def _advancement_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check an advancement rule's shape: exactly one of top and share, a known grouping and tie policy."""
    fields: dict[str, list[str]] = {}
    top, share = data.get("top"), data.get("share")
    if (top is None) == (share is None):
        fields["top"] = [_("Give either a number of teams or a share, not both.")]
    elif top is not None and top < 0:
        fields["top"] = [_("Give a number of teams of 0 or more.")]
    elif share is not None and not 0 < Decimal(str(share)) <= 1:
        fields["share"] = [_("Give a share above 0 and at most 1 (0.3 means 30 percent).")]
    per = data.get("per") or "none"
    if per not in ADVANCE_GROUPS:
        fields["per"] = [_("Choose none, college or province.")]
    ties = data.get("ties") or "flag"
    if ties not in TIE_POLICIES:
        fields["ties"] = [_("Choose flag or include.")]
    if fields:
        raise InvalidDataError(_("The advancement rule is incomplete; check the marked fields."), fields=fields)
    min_score = data.get("min_score")
    return {
        "top": top,
        "share": None if share is None else Decimal(str(share)),
        "per": per,
        "min_score": None if min_score is None else Decimal(str(min_score)),
        "ties": ties,
    }


def plan_advancement(round_: Round, data: Mapping[str, Any]) -> Advancement:
    """Who would advance by this rule, and the tied groups at the cut, without saving anything."""
    _require_snapshot(round_)
    rule = _advancement_input(data)
    return select_advancing(
        team_results(round_, per=rule["per"]),
        top=rule["top"],
        share=rule["share"],
        per_group=rule["per"] != "none",
        min_score=rule["min_score"],
        ties=rule["ties"],
    )


def advance_teams(round_: Round, to_round: Round, data: Mapping[str, Any], *, actor: User | None, now: datetime) -> Advancement:
    """Send the teams that advance by the rule into `to_round`, which then holds exactly those teams.

    The target must be another round of the same contest that has no score yet (409), still in draft
    or open. Teams that were in it and no longer advance leave it with their (empty) assignments.
    """
    if to_round.id == round_.id or to_round.contest_id != round_.contest_id:
        raise InvalidDataError(
            _("Choose another round of the same contest."), fields={"to_round_id": [_("Not a later round of this contest.")]}
        )
    if round_.status not in (CLOSED, PUBLISHED):
        raise StateConflictError(_("Close the round and compute its results before advancing teams."), code="round_not_closed")
    if to_round.status not in (DRAFT, OPEN):
        raise StateConflictError(
            _("The round %(name)s is closed; it takes no more teams.", name=to_round.name), code="round_closed"
        )
    scored = db.session.scalar(
        select(func.count(ScoreSheet.id))
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .where(Assignment.round_id == to_round.id)
    )
    if scored:
        raise StateConflictError(
            _("The round %(name)s already has scores; its teams can no longer change.", name=to_round.name),
            code="round_has_scores",
        )
    outcome = plan_advancement(round_, data)
    rule = _advancement_input(data)
    advancing = set(outcome.advanced)
    db.session.execute(update(Result).where(Result.round_id == round_.id).values(advanced=False))
    if advancing:
        db.session.execute(
            update(Result).where(Result.round_id == round_.id, Result.team_id.in_(advancing)).values(advanced=True)
        )
    present = set(db.session.scalars(select(Entry.team_id).where(Entry.round_id == to_round.id)))
    leaving = present - advancing
    if leaving:
        db.session.execute(delete(Assignment).where(Assignment.round_id == to_round.id, Assignment.team_id.in_(leaving)))
        db.session.execute(delete(Entry).where(Entry.round_id == to_round.id, Entry.team_id.in_(leaving)))
    arriving = advancing - present
    if arriving:
        teams = db.session.scalars(select(Team).where(Team.id.in_(arriving))).all()
        db.session.execute(
            insert(Entry),
            [
                {"round_id": to_round.id, "team_id": team.id, "group_key": group_key(to_round, team), "created_at": now}
                for team in teams
            ],
        )
    to_round.previous_round_id = round_.id
    snapshot = _require_snapshot(round_)
    snapshot.advance_rule = {
        **{key: (str(value) if isinstance(value, Decimal) else value) for key, value in rule.items()},
        "to_round_id": to_round.id,
        "tied": [list(tie.team_ids) for tie in outcome.ties],
    }
    db.session.flush()
    audit.record(
        actor=actor,
        action="results.advance",
        object_type="round",
        object_id=round_.id,
        now=now,
        after={"to_round_id": to_round.id, "advanced": len(advancing), "rule": snapshot.advance_rule},
    )
    return outcome


# Awards ------------------------------------------------------------------------------------------


def _tier_from(data: Mapping[str, Any]) -> Tier:
    share = data.get("share")
    return Tier(key=data["key"], count=data.get("count"), share=None if share is None else Decimal(str(share)))


def _tier_problems(tiers: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, tier in enumerate(tiers):
        key = (tier.get("key") or "").strip()
        if not key or key in seen:
            fields[f"tiers.{index}.key"] = [_("Give each tier its own key.")]
        seen.add(key)
        count, share = tier.get("count"), tier.get("share")
        if (count is None) == (share is None):
            fields[f"tiers.{index}.count"] = [_("Give a number of teams or a share, not both.")]
        elif count is not None and count < 0:
            fields[f"tiers.{index}.count"] = [_("Give a number of teams of 0 or more.")]
        elif share is not None and not 0 <= Decimal(str(share)) <= 1:
            fields[f"tiers.{index}.share"] = [_("Give a share from 0 to 1 (0.05 means 5 percent).")]
    if not tiers:
        fields["tiers"] = [_("Give at least one tier.")]
    if not fields and "shares_over_100" in check_tiers([_tier_from(tier) for tier in tiers]):
        fields["tiers"] = [_("The tiers' shares add up to more than 100%.")]
    return fields


def _overrides_input(round_: Round, overrides: Sequence[Mapping[str, Any]], tier_keys: set[str]) -> list[dict[str, Any]]:
    fields: dict[str, list[str]] = {}
    ranked = set(db.session.scalars(select(Result.team_id).where(Result.round_id == round_.id)))
    clean = []
    for index, override in enumerate(overrides):
        team_id, tier = override.get("team_id"), override.get("tier") or None
        reason = " ".join((override.get("reason") or "").split())
        if team_id not in ranked:
            fields[f"overrides.{index}.team_id"] = [_("This team has no result in the round.")]
        if tier is not None and tier not in tier_keys:
            fields[f"overrides.{index}.tier"] = [_("Choose one of the round's tiers, or none.")]
        if not reason:
            fields[f"overrides.{index}.reason"] = [_("Give the reason for this decision.")]
        clean.append({"team_id": team_id, "tier": tier, "reason": reason})
    if fields:
        raise InvalidDataError(_("Some decisions are incomplete; check the marked fields."), fields=fields)
    return clean


def plan_awards(round_: Round, award_rule: Mapping[str, Any], results: Sequence[TeamResult] | None = None) -> AwardOutcome:
    """The prize tiers a checked rule (`award_rule_input`) gives on the stored ranking (or on `results`, the
    ranking just computed and stored, in rank order), with the tied groups at each boundary, without saving
    anything."""
    overrides = {override["team_id"]: override["tier"] for override in award_rule.get("overrides", [])}
    return assign_tiers(
        team_results(round_) if results is None else results,
        [_tier_from(tier) for tier in award_rule["tiers"]],
        ties=award_rule["ties"],
        overrides=overrides,
    )


def award_rule_input(
    round_: Round, tiers: Sequence[Mapping[str, Any]], ties: str = "flag", overrides: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """Check a prize rule and return it as stored: tiers with their printed names, the tie policy, and
    the manual decisions with their reasons.

    Refused (422): a tier without a key, a count and a share together or neither, shares that add up to
    more than 100%, an unknown tie policy, and manual decisions without a reason or for a team without
    a result.
    """
    _require_snapshot(round_)
    fields = _tier_problems(tiers)
    if ties not in TIE_POLICIES:
        fields["ties"] = [_("Choose flag or include.")]
    if fields:
        raise InvalidDataError(_("The prize tiers are incomplete; check the marked fields."), fields=fields)
    clean = _overrides_input(round_, overrides, {tier["key"] for tier in tiers})
    stored_tiers = [
        {
            "key": tier["key"].strip(),
            "name": tier.get("name") or TIER_NAMES.get(tier["key"], tier["key"]),
            "count": tier.get("count"),
            "share": None if tier.get("share") is None else str(tier["share"]),
        }
        for tier in tiers
    ]
    return {"tiers": stored_tiers, "ties": ties, "overrides": clean}


def assign_awards(round_: Round, award_rule: Mapping[str, Any], *, actor: User | None, now: datetime) -> AwardOutcome:
    """Give the round's prize tiers by a checked rule and store them, replacing earlier awards.

    Only before publication (409 after: reopen first). Manual decisions are kept with their reasons,
    and each one is in the audit trail.
    """
    if round_.status == PUBLISHED:
        raise StateConflictError(
            _("The round is published; reopen it, with a reason, before changing awards."), code="round_published"
        )
    snapshot = _require_snapshot(round_)
    outcome = plan_awards(round_, award_rule)
    snapshot.award_rule = {**award_rule, "tied": []}
    _store_awards(
        round_,
        snapshot,
        [_tier_from(tier) for tier in award_rule["tiers"]],
        award_rule["ties"],
        award_rule["overrides"],
        plan=outcome,
        actor=actor,
        now=now,
    )
    for override in award_rule["overrides"]:
        audit.record(
            actor=actor,
            action="award.manual",
            object_type="round",
            object_id=round_.id,
            now=now,
            after={"team_id": override["team_id"], "tier": override["tier"]},
            reason=override["reason"],
        )
    return outcome


def _store_awards(
    round_: Round,
    snapshot: ResultSnapshot,
    tiers: Sequence[Tier],
    ties: str,
    overrides: Sequence[Mapping[str, Any]],
    *,
    plan: AwardOutcome,
    actor: User | None,
    now: datetime,
) -> None:
    reasons = {override["team_id"]: override["reason"] for override in overrides}
    if snapshot.award_rule is not None:
        snapshot.award_rule = {**snapshot.award_rule, "tied": [list(tie.team_ids) for tie in plan.ties]}
    _write_round_rows(
        AWARDS,
        round_,
        {
            "team_id": list(plan.awards),
            "tier": list(plan.awards.values()),
            "manual": [team_id in reasons for team_id in plan.awards],
            "reason": [reasons.get(team_id, "") for team_id in plan.awards],
            "created_at": [now] * len(plan.awards),
        },
    )
    counts: dict[str, int] = defaultdict(int)
    for tier in plan.awards.values():
        counts[tier] += 1
    audit.record_immediately(
        actor=actor,
        action="awards.assign",
        object_type="round",
        object_id=round_.id,
        now=now,
        after={"tiers": [tier.key for tier in tiers], "ties": ties, "given": dict(counts), "tied_groups": len(plan.ties)},
    )


def tied_at_cut(snapshot: ResultSnapshot | None) -> set[int]:
    """Teams in a tied group at the advancement cut or at a tier boundary (flag `tie_at_cut`)."""
    if snapshot is None:
        return set()
    groups = [*((snapshot.advance_rule or {}).get("tied", [])), *((snapshot.award_rule or {}).get("tied", []))]
    return {team_id for group in groups for team_id in group}


def flags_of(result: Result, tied: set[int]) -> list[str]:
    return sorted({*result.flags, *([TIE_AT_CUT] if result.team_id in tied else [])})


# Publish -----------------------------------------------------------------------------------------


def publish_round(round_: Round, *, show_scores: bool, actor: User | None, now: datetime) -> Round:
    """Publish the closed round's results (公示): they become public, and the sheets freeze.

    Refused (409) before the results are computed, and when the sheets changed since they were
    (the round was reopened and closed again): compute again first.
    """
    if round_.status != CLOSED:
        raise StateConflictError(_("Only a closed round with computed results can be published."), code="round_not_closed")
    snapshot = _require_snapshot(round_)
    if round_.closed_at and snapshot.computed_at < round_.closed_at:
        raise StateConflictError(
            _("The round was reopened since its results were computed; compute them again first."), code="results_stale"
        )
    round_.status = PUBLISHED
    snapshot.published_at, snapshot.show_scores = now, show_scores
    db.session.flush()
    audit.record(
        actor=actor,
        action="round.published",
        object_type="round",
        object_id=round_.id,
        now=now,
        before={"status": CLOSED},
        after={"status": PUBLISHED, "show_scores": show_scores},
    )
    return round_


@dataclass(frozen=True)
class StoredJudgeStats:
    """A judge's statistics as the snapshot keeps them: `box` is the five-number summary of their totals."""

    judge_id: int
    count: int
    mean: Decimal
    spread: Decimal
    severity: Decimal
    correlation: Decimal | None
    box: tuple[float, float, float, float, float]


def _stored_stats(stats: Sequence[JudgeStats]) -> list[dict[str, Any]]:
    def box(totals: Sequence[Decimal]) -> list[str]:
        values = sorted(float(total) for total in totals)
        middle = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
        return [str(values[0]), *map(str, middle), str(values[-1])]

    return [
        {
            "judge_id": stat.judge_id,
            "count": stat.count,
            "mean": str(stat.mean),
            "spread": str(stat.spread),
            "severity": str(stat.severity),
            "correlation": None if stat.correlation is None else str(stat.correlation),
            "box": box(stat.totals),
        }
        for stat in stats
        if stat.totals
    ]


def judge_stats(round_: Round) -> list[StoredJudgeStats]:
    """Each judge's count, mean, spread, severity and correlation against the snapshot's consensus scores.

    Computed the first time they are asked for after a computation (from the snapshot's judges' totals,
    so that they match the results shown) and kept with the snapshot; the caller commits. Judges with no
    sheet are left out.
    """
    snapshot = _require_snapshot(round_)
    if snapshot.judge_stats is None:
        with collector_paused():
            snapshot.judge_stats = _computed_judge_stats(round_)
        db.session.flush()
    return [
        StoredJudgeStats(
            judge_id=item["judge_id"],
            count=item["count"],
            mean=Decimal(item["mean"]),
            spread=Decimal(item["spread"]),
            severity=Decimal(item["severity"]),
            correlation=None if item["correlation"] is None else Decimal(item["correlation"]),
            box=tuple(float(value) for value in item["box"]),
        )  # type: ignore[arg-type]
        for item in snapshot.judge_stats
    ]


def _computed_judge_stats(round_: Round) -> list[dict[str, Any]]:
    """The judges' statistics from the snapshot's judges' totals and consensus scores, as stored."""
    teams, consensus = [], {}
    for team_id, score, judge_totals in _plain_rows(
        select(Result.team_id, Result.score, Result.judge_totals).where(Result.round_id == round_.id)
    ).all():
        consensus[team_id] = None if score is None else Fraction(score)
        teams.append(
            TeamSheets(
                team_id=team_id,
                assigned=len(judge_totals),
                sheets=tuple(Sheet(judge_id=judge_id, total=Decimal(total)) for judge_id, total in judge_totals),
            )
        )
    return _stored_stats(judge_statistics(teams, consensus))


def award_ties(round_: Round) -> tuple:
    """The tied groups the stored award rule left for the organizer to settle."""
    snapshot = snapshot_of(round_)
    if snapshot is None or not snapshot.award_rule:
        return ()
    return plan_awards(round_, snapshot.award_rule).ties
