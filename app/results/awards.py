"""Awards: the round's prize tiers, previewed with the ties at each boundary, settled by the organizer, given.

The rule of who gets which tier is `scoring.awards`; this module checks the organizer's input, decides when
awards may change, and stores them with the snapshot's award rule, which a new computation applies again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.models import PUBLISHED, TIER_NAMES, Contest, Result, ResultSnapshot, Round, User
from app.results import prizes
from app.results.gather import stored_results
from app.results.store import require_snapshot, snapshot_of, write_awards
from scoring.awards import (
    COUNT_AND_SHARE,
    DUPLICATE_KEY,
    EMPTY_KEY,
    NEGATIVE,
    NO_COUNT_OR_SHARE,
    SHARES_OVER_100,
    AwardOutcome,
    Money,
    Tier,
    TierTie,
    assign_tiers,
    check_tiers,
    totals_by_currency,
)
from scoring.model import TIE_POLICIES, TeamResult


def _tier(data: Mapping[str, Any]) -> Tier:
    share = data.get("share")
    return Tier(
        key=(data.get("key") or "").strip(), count=data.get("count"), share=None if share is None else Decimal(str(share))
    )


def _tier_problems(tiers: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """What `scoring.awards.check_tiers` finds wrong with the tiers, at the field of each tier it concerns."""
    fields: dict[str, list[str]] = {}
    keys = Counter(_tier(data).key for data in tiers)
    for index, data in enumerate(tiers):
        tier = _tier(data)
        problems = set(check_tiers([tier]))
        if EMPTY_KEY in problems or keys[tier.key] > 1:
            fields[f"tiers.{index}.key"] = [_("Give each tier its own key.")]
        if problems & {COUNT_AND_SHARE, NO_COUNT_OR_SHARE}:
            fields[f"tiers.{index}.count"] = [_("Give a number of teams or a share, not both.")]
        elif NEGATIVE in problems and tier.count is not None:
            fields[f"tiers.{index}.count"] = [_("Give a number of teams of 0 or more.")]
        elif problems & {NEGATIVE, SHARES_OVER_100}:
            fields[f"tiers.{index}.share"] = [_("Give a share from 0 to 1 (0.05 means 5 percent).")]
    if not tiers:
        fields["tiers"] = [_("Give at least one tier.")]
    elif not fields and set(check_tiers([_tier(data) for data in tiers])) - {DUPLICATE_KEY} == {SHARES_OVER_100}:
        fields["tiers"] = [_("The tiers' shares add up to more than 100%.")]
    return fields


def _overrides_input(round_: Round, overrides: Sequence[Mapping[str, Any]], tier_keys: set[str]) -> list[dict[str, Any]]:
    """The organizer's decisions, checked: each for a team with a result, to one of the tiers or none, with
    a reason."""
    fields: dict[str, list[str]] = {}
    ranked = set(db.session.scalars(select(Result.team_id).where(Result.round_id == round_.id)))
    clean = []
    for index, override in enumerate(overrides):
        team_id, tier = override.get("team_id"), override.get("tier") or None
        reason = audit.reason_text(override.get("reason"), field=f"overrides.{index}.reason") or ""
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


def award_rule_input(
    round_: Round, tiers: Sequence[Mapping[str, Any]], ties: str = "flag", overrides: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """Check a prize rule and return it as stored: tiers with their printed names, the tie policy, and
    the manual decisions with their reasons.

    Refused (422): a tier without a key, a count and a share together or neither, shares that add up to
    more than 100%, an unknown tie policy, and manual decisions without a reason or for a team without
    a result; an amount below 0 or with more than 2 decimals, without its currency (ISO 4217), or in
    another currency than the contest's budget. Each recipient's own amount (`prizes.update_award`) is kept.
    """
    snapshot = require_snapshot(round_)
    fields = _tier_problems(tiers)
    budget_currency = db.session.scalar(select(Contest.budget_currency).where(Contest.id == round_.contest_id))
    for index, tier in enumerate(tiers):
        prizes.money_problems(tier, f"tiers.{index}.", budget_currency=budget_currency, fields=fields)
    if ties not in TIE_POLICIES:
        fields["ties"] = [_("Choose one of: %(choices)s.", choices=", ".join(TIE_POLICIES))]
    if fields:
        raise InvalidDataError(_("The prize tiers are incomplete; check the marked fields."), fields=fields)
    clean = _overrides_input(round_, overrides, {_tier(tier).key for tier in tiers})
    stored_tiers = [
        {
            "key": _tier(tier).key,
            "name": tier.get("name") or TIER_NAMES.get(tier["key"], tier["key"]),
            "count": tier.get("count"),
            "share": None if tier.get("share") is None else str(tier["share"]),
            **prizes.stored_prize(tier),
        }
        for tier in tiers
    ]
    amounts = (snapshot.award_rule or {}).get("amounts", {})
    return {"tiers": stored_tiers, "ties": ties, "overrides": clean, **({"amounts": amounts} if amounts else {})}


def plan_awards(round_: Round, award_rule: Mapping[str, Any], results: Sequence[TeamResult] | None = None) -> AwardOutcome:
    """The prize tiers a checked rule (`award_rule_input`) gives on the stored ranking (or on `results`, the
    ranking just computed, in rank order), with the tied groups at each boundary the organizer has still to
    settle (`is_settled`), without saving anything."""
    overrides = {override["team_id"]: override["tier"] for override in award_rule.get("overrides", [])}
    outcome = assign_tiers(
        stored_results(round_) if results is None else results,
        [_tier(tier) for tier in award_rule["tiers"]],
        ties=award_rule["ties"],
        overrides=overrides,
    )
    return AwardOutcome(outcome.awards, tuple(tie for tie in outcome.ties if not is_settled(tie, overrides)))


def is_settled(tie: TierTie, overrides: Mapping[int, str | None]) -> bool:
    """A tied group is settled once the organizer has filled the places it left open in its tier with
    chosen teams, or has decided for every team of the group."""
    decided = {team_id: overrides[team_id] for team_id in tie.team_ids if team_id in overrides}
    chosen_for_tier = sum(1 for tier in decided.values() if tier == tie.tier)
    return len(decided) == len(tie.team_ids) or chosen_for_tier >= tie.places_left


def assign_awards(round_: Round, award_rule: Mapping[str, Any], *, actor: User | None, now: datetime) -> AwardOutcome:
    """Give the round's prize tiers by a checked rule and store them, replacing earlier awards.

    Only before publication (409 after: reopen first). Manual decisions are kept with their reasons,
    and each one is in the audit trail. Awards whose amounts, with the other rounds', would pass the
    contest's budget are refused (409 `over_budget`).
    """
    if round_.status == PUBLISHED:
        raise StateConflictError(
            _("The round is published; reopen it, with a reason, before changing awards."), code="round_published"
        )
    snapshot = require_snapshot(round_)
    outcome = plan_awards(round_, award_rule)
    prizes.check_budget(round_, prizes.prizes_for(award_rule, outcome.awards))
    store_awards(round_, snapshot, award_rule, outcome, actor=actor, now=now)
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


def store_awards(
    round_: Round,
    snapshot: ResultSnapshot,
    award_rule: Mapping[str, Any],
    plan: AwardOutcome,
    *,
    actor: User | None,
    now: datetime,
) -> None:
    """Store the awards `plan` gives by `award_rule`, which the snapshot keeps (with the tied groups the
    organizer has still to settle) for the next computation to apply again."""
    snapshot.award_rule = {**award_rule, "tied": [list(tie.team_ids) for tie in plan.ties]}
    reasons = {override["team_id"]: override["reason"] for override in award_rule.get("overrides", [])}
    given = prizes.prizes_for(award_rule, plan.awards)
    write_awards(round_, plan, reasons, given, now=now)
    given_money = [Money(prize["amount"], prize["currency"]) for prize in given.values() if prize["amount"] is not None]
    audit.record(
        actor=actor,
        action="awards.assign",
        object_type="round",
        object_id=round_.id,
        now=now,
        after={
            "tiers": [tier["key"] for tier in award_rule["tiers"]],
            "ties": award_rule["ties"],
            "given": dict(Counter(plan.awards.values())),
            "tied_groups": len(plan.ties),
            "amounts": {currency: str(total) for currency, total in totals_by_currency(given_money).items()},
        },
    )


def award_ties(round_: Round) -> tuple[TierTie, ...]:
    """The tied groups the stored award rule left for the organizer to settle."""
    snapshot = snapshot_of(round_)
    if snapshot is None or not snapshot.award_rule:
        return ()
    return plan_awards(round_, snapshot.award_rule).ties
