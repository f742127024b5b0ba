"""The data the scoring rules share: a round's sheets and rule going in, each team's score and result coming
out, and the names of the flags, the tie-breaks and the tie policies.

Every other module of `scoring` imports these from here and from nowhere else; this module imports none of
them, so no two scoring modules depend on each other in a circle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import NamedTuple

#: A result's flags. `scoring.results` sets the first five; the caller sets ``tie_at_cut`` (`mark_flag`).
DISAGREEMENT = "disagreement"
#: Set on every result of an ``adjusted`` round whose judges and teams form several connected parts.
DISCONNECTED_PANELS = "disconnected_panels"
FEW_JUDGES = "few_judges"
MISSING_SHEETS = "missing_sheets"
MISSING_DATA = "missing_data"
TIE_AT_CUT = "tie_at_cut"

#: The tie-breaks a `Rule` may list after the exact score: the sum of a team's totals, or a named item's mean.
RAW_SUM = "raw_sum"
CRITERION_PREFIX = "criterion:"

#: What `scoring.advance` and `scoring.awards` do with a tied group that does not fit the places left: keep
#: it out and report the tie for the organizer ("flag"), or let the whole group in ("include").
TIE_POLICIES = ("flag", "include")


def check_tie_policy(ties: str) -> None:
    """Raise ValueError unless `ties` is one of `TIE_POLICIES`.

    >>> check_tie_policy("flag")
    >>> check_tie_policy("coin_toss")
    Traceback (most recent call last):
    ...
    ValueError: unknown ties policy 'coin_toss'; known: flag, include
    """
    if ties not in TIE_POLICIES:
        raise ValueError(f"unknown ties policy {ties!r}; known: {', '.join(TIE_POLICIES)}")


class Sheet(NamedTuple):
    """One submitted sheet: the judge, their weighted total (`scoring.sheets.sheet_total`) and the values
    by criterion key (for ``criterion:<key>`` tie-breaks). A named tuple, as the round holds one for every
    sheet its judges submitted."""

    judge_id: int
    total: Decimal
    items: Mapping[str, Decimal] = MappingProxyType({})


class DataScore(NamedTuple):
    """A team's points for each of the round's data items (`scoring.data`): by key, unweighted, 0 without a
    value; the keys of the items it has no value for; and `total`, Σ weight × points."""

    points: Mapping[str, Fraction]
    missing: tuple[str, ...]
    total: Fraction


class TeamSheets(NamedTuple):
    """A team's submitted sheets in a round, how many judges were assigned to it, and its group (college id
    or province; "" for none), which `scoring.advance` uses and the results carry through; `data` its points
    from the round's data items (None when the round has none), added to its judges' score."""

    team_id: int
    assigned: int
    sheets: tuple[Sheet, ...]
    group: str = ""
    data: DataScore | None = None


@dataclass(frozen=True)
class Rule:
    """How a round turns sheets into results (the rules are `scoring.results`'s; `scoring.results.check_rule`
    says what is refused).

    `method` is a key of `scoring.aggregate.METHODS`; `trim` and `min_judges` apply to ``trimmed_mean``
    (drop `trim` highest and lowest, only with at least `min_judges` sheets); `judges_per_team` is the number
    of sheets below which a team is flagged ``few_judges`` (0: none); ``disagreement`` is flagged when the
    spread of a team's totals exceeds `disagreement` × `scale_max`; `tie_breaks` are applied in order after
    the exact score, each `RAW_SUM` or `CRITERION_PREFIX` followed by an item's key; `decimals` are the
    places the ``adjusted`` method rounds its estimates to (the round's shown decimals; the other methods are
    exact and leave rounding to display). `judged` says whether
    the round has items the judges score: a round of data items only scores every team on its data alone,
    sheets or not."""

    method: str = "mean"
    trim: int = 1
    min_judges: int = 5
    judges_per_team: int = 0
    scale_max: Decimal = Decimal(100)
    disagreement: Decimal = Decimal("0.15")
    tie_breaks: tuple[str, ...] = ()
    judged: bool = True
    decimals: int = 2


class TeamScore(NamedTuple):
    """A team's exact score, whether the method fell back to the plain mean (too few sheets to trim), and
    the flags the method found for the whole round (`DISCONNECTED_PANELS`), which every result then carries."""

    score: Fraction
    fell_back: bool = False
    round_flags: tuple[str, ...] = ()


class TeamResult(NamedTuple):
    """A team's result. `score` is exact (None without a sheet); `judges` maps judge_id to that judge's
    total, in judge_id order; `spread` is the population standard deviation of the totals (to
    `scoring.stats.SQRT_DIGITS` significant digits, 0 with fewer than two sheets); `raw_sum` their sum;
    `flags` a sorted tuple of flag names; `data` the team's points from the round's data items (None when it
    has none), already counted in `score`. A named tuple, as `Sheet`: a round holds one for every team."""

    team_id: int
    group: str
    score: Fraction | None
    rank: int
    tied: bool
    judges: dict[int, Decimal]
    spread: Decimal
    raw_sum: Decimal
    flags: tuple[str, ...]
    data: DataScore | None = None
