"""What awards carry: an amount with its currency, and a description of what the winner receives; a
recipient's own amount; the contest's budget that the awards of all its rounds may not pass.

A tier's amount, currency and description are kept in the snapshot's award rule with the tier; a recipient's
own amount (`update_award`) in the rule's `amounts`, so that computing the results again gives every
recipient the same. Adding amounts up is `scoring.awards` (`totals_by_currency`, `budget_overrun`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.models import PUBLISHED, Award, Contest, ResultSnapshot, Round, User
from app.money import amount_problem, amount_text, currency_problem, known_currency, to_cents
from app.results.store import require_snapshot
from scoring.awards import Money, budget_overrun, totals_by_currency

DESCRIPTION_MAX = 500


def money_problems(data: Mapping[str, Any], prefix: str, *, budget_currency: str | None, fields: dict[str, list[str]]) -> None:
    """Add to `fields` what is wrong with the amount, currency and description of `data` (a tier, or one
    award's change), at `prefix` + the field's name: an amount needs its currency and the reverse, the
    currency is an ISO 4217 code, and the budget's currency when the contest has a budget."""
    amount, currency = data.get("amount"), data.get("currency")
    problem = amount_problem(amount)
    if problem:
        fields[f"{prefix}amount"] = [problem]
    if currency is not None and not known_currency(currency):
        fields[f"{prefix}currency"] = [currency_problem(currency)]
    elif amount is not None and currency is None:
        fields[f"{prefix}currency"] = [_("Give the amount's currency, an ISO 4217 code such as CNY.")]
    elif currency is not None and amount is None:
        fields[f"{prefix}amount"] = [_("Give the amount in %(code)s, or no currency.", code=currency)]
    elif currency is not None and budget_currency is not None and currency != budget_currency:
        fields[f"{prefix}currency"] = [
            _(
                "The contest's budget is in %(budget)s; give the amount in %(budget)s, not %(code)s.",
                budget=budget_currency,
                code=currency,
            )
        ]
    if len(data.get("description") or "") > DESCRIPTION_MAX:
        fields[f"{prefix}description"] = [_("At most %(n)s characters.", n=DESCRIPTION_MAX)]


def stored_prize(data: Mapping[str, Any]) -> dict[str, Any]:
    """A checked tier's prize as the award rule keeps it (JSON: the amount as exact text)."""
    amount = data.get("amount")
    return {
        "amount": None if amount is None else str(to_cents(amount)),
        "currency": data.get("currency"),
        "description": (data.get("description") or "").strip(),
    }


def with_stored_prizes(round_: Round, tiers: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The tiers the awards page sends (counts and shares only), each with the amount, currency and
    description the stored rule gave the tier of the same key, so that giving the awards again from the
    page keeps what they carry."""
    snapshot = db.session.scalar(select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id))
    stored = {tier["key"]: tier for tier in ((snapshot.award_rule or {}).get("tiers", []) if snapshot else [])}
    kept = []
    for tier in tiers:
        prize = stored.get(tier["key"], {})
        amount = prize.get("amount")
        kept.append(
            {
                **tier,
                "amount": None if amount is None else Decimal(amount),
                "currency": prize.get("currency"),
                "description": prize.get("description") or "",
            }
        )
    return kept


def prizes_for(award_rule: Mapping[str, Any], awards: Mapping[int, str]) -> dict[int, dict[str, Any]]:
    """team_id → the amount, currency and description it receives: its tier's, with its own amount where the
    organizer set one."""
    by_tier = {tier["key"]: tier for tier in award_rule.get("tiers", [])}
    own = award_rule.get("amounts", {})
    prizes = {}
    for team_id, tier_key in awards.items():
        tier = by_tier.get(tier_key, {})
        prize = {"amount": tier.get("amount"), "currency": tier.get("currency"), "description": tier.get("description") or ""}
        if str(team_id) in own:
            prize.update(own[str(team_id)])
        prizes[team_id] = {**prize, "amount": None if prize["amount"] is None else Decimal(prize["amount"])}
    return prizes


def contest_budget(contest: Contest) -> Money | None:
    if contest.budget_amount is None or contest.budget_currency is None:
        return None
    return Money(contest.budget_amount, contest.budget_currency)


def given_amounts(contest_id: int, *, except_round_id: int | None = None) -> list[Money]:
    """The amounts the contest's stored awards carry (leaving out one round's, about to be replaced)."""
    statement = (
        select(Award.amount, Award.currency)
        .join(Round, Round.id == Award.round_id)
        .where(Round.contest_id == contest_id, Award.amount.is_not(None))
    )
    if except_round_id is not None:
        statement = statement.where(Round.id != except_round_id)
    return [Money(amount, currency) for amount, currency in db.session.execute(statement)]


def refuse_over_budget(amounts: Sequence[Money], budget: Money, *, field: str | None = None) -> None:
    """Refuse `amounts` that pass `budget` (409 `over_budget`, naming the total and the overrun) or are in
    another currency (422, at `field` when given)."""
    try:
        overrun = budget_overrun(amounts, budget)
    except ValueError:
        others = ", ".join(sorted({money.currency for money in amounts} - {budget.currency}))
        message = _(
            "The budget is in %(budget)s; awards in %(others)s cannot count against it.", budget=budget.currency, others=others
        )
        raise InvalidDataError(message, fields={field: [message]} if field else None) from None
    if overrun:
        total = totals_by_currency(amounts)[budget.currency]
        raise StateConflictError(
            _(
                "The awards would total %(total)s %(currency)s, %(overrun)s over the budget of %(budget)s %(currency)s.",
                total=amount_text(total),
                overrun=amount_text(overrun),
                budget=amount_text(budget.amount),
                currency=budget.currency,
            ),
            code="over_budget",
            details={"total": str(total), "overrun": str(overrun), "budget": str(budget.amount), "currency": budget.currency},
        )


def check_budget(round_: Round, prizes: Mapping[int, Mapping[str, Any]]) -> None:
    """Refuse the round's awards `prizes` when, with the awards the contest's other rounds keep, they would
    pass the contest's budget (`refuse_over_budget`)."""
    contest = db.session.get(Contest, round_.contest_id)
    budget = contest_budget(contest) if contest else None
    if budget is None:
        return
    amounts = given_amounts(contest.id, except_round_id=round_.id)
    amounts += [Money(prize["amount"], prize["currency"]) for prize in prizes.values() if prize["amount"] is not None]
    refuse_over_budget(amounts, budget)


def update_award(award: Award, data: Mapping[str, Any], *, actor: User | None, now: datetime) -> Award:
    """Set one recipient's own amount (and its currency and description, the tier's when left out), kept
    when the results are computed again; amount null goes back to the tier's. Audited with the before, the
    after and the organizer's reason. 409 once the round is published, or past the contest's budget."""
    round_ = db.session.get(Round, award.round_id)
    if round_.status == PUBLISHED:
        raise StateConflictError(
            _("The round is published; reopen it, with a reason, before changing awards."), code="round_published"
        )
    snapshot = require_snapshot(round_)
    rule = dict(snapshot.award_rule or {"tiers": [], "ties": "flag", "overrides": []})
    tier = next((tier for tier in rule.get("tiers", []) if tier["key"] == award.tier), {})
    change = {
        "amount": data.get("amount"),
        "currency": data.get("currency") or (tier.get("currency") if data.get("amount") is not None else None),
        "description": data.get("description"),
    }
    fields: dict[str, list[str]] = {}
    contest = db.session.get(Contest, round_.contest_id)
    money_problems(change, "", budget_currency=contest.budget_currency if contest else None, fields=fields)
    if fields:
        raise InvalidDataError(_("The award cannot be changed; check the marked fields."), fields=fields)
    # Only what was given is the recipient's own; the rest stays the tier's.
    stored = stored_prize(change)
    own_prize = {key: stored[key] for key in ("amount", "currency")} if change["amount"] is not None else {}
    if change["description"] is not None:
        own_prize["description"] = stored["description"]
    own = dict(rule.get("amounts", {}))
    if own_prize:
        own[str(award.team_id)] = own_prize
    else:
        own.pop(str(award.team_id), None)
    rule["amounts"] = own
    prize = prizes_for(rule, {award.team_id: award.tier})[award.team_id]
    others = {
        team_id: {"amount": amount, "currency": currency}
        for team_id, amount, currency in db.session.execute(
            select(Award.team_id, Award.amount, Award.currency).where(Award.round_id == round_.id, Award.id != award.id)
        )
    }
    check_budget(round_, {**others, award.team_id: prize})
    before = award_prize(award)
    award.amount, award.currency, award.description = prize["amount"], prize["currency"], prize["description"]
    snapshot.award_rule = rule
    audit.record(
        actor=actor,
        action="award.update",
        object_type="award",
        object_id=award.id,
        now=now,
        before=before,
        after=award_prize(award),
        reason=audit.reason_text(data.get("reason"), field="reason"),
    )
    return award


def award_prize(award: Award) -> dict[str, Any]:
    """An award's prize as plain values, for the audit trail."""
    return {
        "team_id": award.team_id,
        "amount": None if award.amount is None else str(award.amount),
        "currency": award.currency,
        "description": award.description,
    }


def round_prizes(round_: Round) -> dict[int, Award]:
    """team_id → the round's award, with what it carries."""
    return {award.team_id: award for award in db.session.scalars(select(Award).where(Award.round_id == round_.id))}


def round_totals(awards: Sequence[Award]) -> dict[str, Decimal]:
    """What the awards total, per currency."""
    return totals_by_currency(Money(award.amount, award.currency) for award in awards if award.amount is not None)
