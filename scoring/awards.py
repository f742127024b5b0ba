"""Prize tiers (special, first, second, ...) from a round's ranks, never splitting a tie at random.

The rules, applied to a round's results (`scoring.results.rank_teams`):

- Only teams with a score are ranked and awarded. Tiers are filled in order from the best rank.
- A tier's places: its ``count``, or floor(``share`` × the ranked teams) (shares round down). A tier may
  have no places (an empty special tier).
- A tied group (equal rank) that does not fit the places left in a tier: with ``ties="flag"`` the whole group
  stays out of that tier, whose places stay open, and the tie is reported (`TierTie`); the group then
  competes for the next tier as usual (and may fit there, or be flagged again). With ``ties="include"`` the
  whole group gets the tier and the next tier shrinks by the overflow (never below 0; the tiers after it
  keep shrinking while overflow is left).
- Overrides come last: team_id → tier key sets the team's award, team_id → None removes it (the organizer's
  decision, with a reason, audited by the caller). `ties` still lists the ties the fill met.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import groupby

from scoring.model import TeamResult, check_tie_policy

#: Problems `check_tiers` reports, as message keys.
COUNT_AND_SHARE, NO_COUNT_OR_SHARE, NEGATIVE, SHARES_OVER_100, DUPLICATE_KEY, EMPTY_KEY = (
    "count_and_share",
    "no_count_or_share",
    "negative",
    "shares_over_100",
    "duplicate_key",
    "empty_key",
)


@dataclass(frozen=True)
class Tier:
    """A prize tier: `count` places, or `share` (between 0 and 1) of the ranked teams, rounded down."""

    key: str
    count: int | None = None
    share: Fraction | Decimal | None = None


@dataclass(frozen=True)
class TierTie:
    """Teams of equal rank that did not fit the `places_left` of `tier` (and were kept out of it)."""

    tier: str
    places_left: int
    team_ids: tuple[int, ...]


@dataclass(frozen=True)
class AwardOutcome:
    """team_id → tier key (in rank order, then team id; teams awarded only by override last), and the ties."""

    awards: dict[int, str]
    ties: tuple[TierTie, ...]


def check_tiers(tiers: Sequence[Tier]) -> list[str]:
    """What is wrong with `tiers`, as message keys in the order found (each once); empty when they are fine:
    a tier with both a count and a share, or neither; a negative count or share; shares adding up to more
    than 1 (100%); a key used twice or empty.

    >>> check_tiers([Tier("special", count=8), Tier("first", share=Decimal("0.6")), Tier("second", share=Decimal("0.5"))])
    ['shares_over_100']
    >>> check_tiers([Tier("special", count=0), Tier("first", count=12)])
    []
    """
    problems: list[str] = []

    def found(problem: str) -> None:
        if problem not in problems:
            problems.append(problem)

    keys: set[str] = set()
    shares = Fraction(0)
    for tier in tiers:
        if not tier.key:
            found(EMPTY_KEY)
        elif tier.key in keys:
            found(DUPLICATE_KEY)
        keys.add(tier.key)
        if tier.count is not None and tier.share is not None:
            found(COUNT_AND_SHARE)
        elif tier.count is None and tier.share is None:
            found(NO_COUNT_OR_SHARE)
        if (tier.count is not None and tier.count < 0) or (tier.share is not None and tier.share < 0):
            found(NEGATIVE)
        if tier.share is not None:
            shares += Fraction(tier.share)
    if shares > 1:
        found(SHARES_OVER_100)
    return problems


def tier_places(tier: Tier, ranked: int) -> int:
    """A tier's places among `ranked` teams: its count, or floor(share × ranked).

    >>> tier_places(Tier("special", share=Decimal("0.05")), 39), tier_places(Tier("first", count=12), 39)
    (1, 12)
    """
    if tier.count is not None:
        return tier.count
    return math.floor(Fraction(tier.share) * ranked)


def assign_tiers(
    results: Sequence[TeamResult],
    tiers: Sequence[Tier],
    *,
    ties: str = "flag",
    overrides: Mapping[int, str | None] | None = None,
) -> AwardOutcome:
    """Award the tiers from the best rank down (see the module's docstring).

    Raises ValueError when `check_tiers` finds a problem, for an unknown ties policy, or for an override
    naming a tier that is not in `tiers`.

    >>> from scoring.model import TeamResult
    >>> def result(team_id, rank):
    ...     return TeamResult(team_id=team_id, group="", score=Fraction(100 - rank), rank=rank, tied=False, judges={},
    ...                       spread=Decimal(0), raw_sum=Decimal(0), flags=())
    >>> results = [result(1, 1), result(2, 2), result(3, 2), result(4, 4), result(5, 5)]
    >>> outcome = assign_tiers(results, [Tier("special", count=2), Tier("first", count=2)])
    >>> outcome.awards, outcome.ties
    ({1: 'special', 2: 'first', 3: 'first'}, (TierTie(tier='special', places_left=1, team_ids=(2, 3)),))
    >>> assign_tiers(results, [Tier("special", count=2), Tier("first", count=2)], ties="include").awards
    {1: 'special', 2: 'special', 3: 'special', 4: 'first'}
    """
    check_tie_policy(ties)
    problems = check_tiers(tiers)
    if problems:
        raise ValueError(f"the tiers cannot be applied: {', '.join(problems)}")
    known = {tier.key for tier in tiers}
    for team_id, key in (overrides or {}).items():
        if key is not None and key not in known:
            raise ValueError(f"override for team {team_id} names an unknown tier {key!r}")

    ranked = sorted((result for result in results if result.score is not None), key=lambda result: (result.rank, result.team_id))
    places = [tier_places(tier, len(ranked)) for tier in tiers]
    awards: dict[int, str] = {}
    tier_ties: list[TierTie] = []
    index, left, overflow = 0, (places[0] if places else 0), 0

    def next_tier() -> None:
        nonlocal index, left, overflow
        index += 1
        if index < len(tiers):
            left = max(0, places[index] - overflow)
            overflow = max(0, overflow - places[index])

    for _rank, equal in groupby(ranked, key=lambda result: result.rank):
        group = [result.team_id for result in equal]
        while index < len(tiers):
            if not left:
                next_tier()
            elif len(group) <= left or ties == "include":
                for team_id in group:
                    awards[team_id] = tiers[index].key
                overflow = max(0, len(group) - left)
                left = max(0, left - len(group))
                break
            else:
                tier_ties.append(TierTie(tiers[index].key, left, tuple(sorted(group))))
                next_tier()  # the group competes for the next tier; this one keeps its places open

    for team_id, key in (overrides or {}).items():
        if key is None:
            awards.pop(team_id, None)
        else:
            awards[team_id] = key
    order = {result.team_id: position for position, result in enumerate(ranked)}
    ordered = sorted(awards, key=lambda team_id: (order.get(team_id, len(order)), team_id))
    return AwardOutcome({team_id: awards[team_id] for team_id in ordered}, tuple(tier_ties))


@dataclass(frozen=True)
class Money:
    """An exact amount in a currency (ISO 4217 code)."""

    amount: Decimal
    currency: str


def totals_by_currency(amounts: Iterable[Money]) -> dict[str, Decimal]:
    """What the awards total in each currency, currencies in alphabetical order.

    >>> totals_by_currency([Money(Decimal("100.50"), "CNY"), Money(Decimal(20), "USD"), Money(Decimal("0.50"), "CNY")])
    {'CNY': Decimal('101.00'), 'USD': Decimal('20')}
    """
    totals: dict[str, Decimal] = {}
    for money in amounts:
        totals[money.currency] = totals.get(money.currency, Decimal(0)) + money.amount
    return dict(sorted(totals.items()))


def budget_overrun(amounts: Iterable[Money], budget: Money) -> Decimal:
    """By how much `amounts` pass `budget` (0 when they fit). Every amount must be in the budget's currency
    (ValueError otherwise: amounts in two currencies cannot be added up against one budget).

    >>> budget_overrun([Money(Decimal(6_000_000), "CNY"), Money(Decimal(200_000), "CNY")], Money(Decimal(6_100_000), "CNY"))
    Decimal('100000')
    >>> budget_overrun([Money(Decimal(5), "CNY")], Money(Decimal(6), "CNY"))
    Decimal('0')
    """
    totals = totals_by_currency(amounts)
    others = set(totals) - {budget.currency}
    if others:
        raise ValueError(f"amounts in {', '.join(sorted(others))} against a budget in {budget.currency}")
    return max(Decimal(0), totals.get(budget.currency, Decimal(0)) - budget.amount)
