"""Reading a round's stored results and awards for pages, the API and exports (no rule is decided here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import String, func, or_, select

from app import countries
from app.extensions import db
from app.judging.metrics import current_values
from app.models import TIER_KEYS, TIER_NAMES, Award, College, Organization, Province, Result, ResultSnapshot, Round, Team
from app.regions import region_name
from app.registration.queries import member_colleges
from app.results.gather import data_points
from app.results.services import flags_of, tied_at_cut
from app.results.store import snapshot_of
from scoring.stats import to_decimal

SORTS = {
    "rank": (Result.rank, Team.number),
    "score": (Result.score.desc().nulls_last(), Team.number),
    "spread": (Result.spread.desc(), Result.rank),
    "number": (Team.number,),
    "college": (College.name, Result.rank),
}
FLAG_FILTERS = ("disagreement", "few_judges", "missing_data", "missing_sheets", "tie_at_cut", "tied")


def judge_code(judge_id: int) -> str:
    """How results show a judge: a code, never a name (J0042)."""
    return f"J{judge_id:04d}"


def rounded(value: Decimal | None, decimals: int) -> Decimal | None:
    """A score as shown and exported: the round's decimals, halves rounded up (`scoring.stats.to_decimal`)."""
    return None if value is None else to_decimal(value, decimals)


@dataclass(frozen=True)
class DataCell:
    """A team's imported value of one data item (None without one) and the points it earned, at the round's
    decimals."""

    key: str
    value: Decimal | None
    points: Decimal


def data_cells(round_: Round) -> dict[int, list[DataCell]]:
    """Each team's value and points for every data item of the round, in the items' order; empty for a round
    without data items. The points are worked out again from the values by the rule (`scoring.data`), as the
    computation did: publishing is refused while values changed since (`app.judging.metrics.imported_since`)."""
    criteria = round_.data_criteria
    if not criteria:
        return {}
    values = current_values(round_)
    return {
        team_id: [
            DataCell(criterion.key, values.get((team_id, criterion.id)), to_decimal(score.points[criterion.key], round_.decimals))
            for criterion in criteria
        ]
        for team_id, score in data_points(round_).items()
    }


@dataclass
class ResultRow:
    result: Result
    number: str
    name: str
    title: str
    college: str
    province: str
    tier: str | None
    flags: list[str]
    #: Every member's college (`member_colleges`); `college` stays the team's own.
    member_colleges: list[str] = field(default_factory=list)
    #: The team's college's country (ISO 3166-1 alpha-2), shown by name where the province is.
    country: str = ""
    #: The team's value and points of each data item of the round (`data_cells`).
    data: list[DataCell] = field(default_factory=list)


def group_names(grouping: str, keys: Iterable[str]) -> dict[str, str]:
    """Ranking groups (`app.groups.group_key`) as people read them: a college's name for its id, a country's
    or a region's name in the reader's language for its code; a province's name, and the one group of a round ranked whole
    (""), as they are."""
    keys = set(keys)
    if grouping == "country":
        return {key: countries.country_name(key) for key in keys}
    if grouping == "region":
        return {key: region_name(key) for key in keys}
    ids = {int(key) for key in keys if key.isdigit()} if grouping == "college" else set()
    names = dict(db.session.execute(select(College.id, College.name).where(College.id.in_(ids))).all()) if ids else {}
    return {key: names.get(int(key), key) if key.isdigit() and ids else key for key in keys}


def tier_names(snapshot: ResultSnapshot | None) -> dict[str, str]:
    """Tier key → printed name, from the round's award rule, then the default names."""
    names = dict(TIER_NAMES)
    for tier in (snapshot.award_rule or {}).get("tiers", []) if snapshot else []:
        names[tier["key"]] = tier.get("name") or names.get(tier["key"], tier["key"])
    return names


def tier_order(award_rule: Mapping[str, Any] | None) -> list[str]:
    """Prize tiers, best first: the order the organizer gave them in the award rule (the order in which they
    were filled from the best rank), then the built-in tiers the rule does not name. Every list of prizes
    (the API, the pages, the workbook) is in this order."""
    given = [tier["key"] for tier in (award_rule or {}).get("tiers", [])]
    return [*given, *(key for key in TIER_KEYS if key not in given)]


def by_tier(award_rule: Mapping[str, Any] | None) -> dict[str, int]:
    """Each tier's place in `tier_order`, to sort prizes by; an unknown tier after every known one."""
    return {key: index for index, key in enumerate(tier_order(award_rule))}


#: Where an entrant comes from, as the results name it: its college, else its organization (an organization
#: entrant not on the list), else nothing (a person entering on their own).
INSTITUTION = func.coalesce(College.name, Organization.name, "")


def _base(round_: Round):
    return (
        select(Result, Team.number, Team.name, Team.project_title, INSTITUTION, Province.name, Award.tier, Team.country)
        .join(Team, Team.id == Result.team_id)
        .outerjoin(College, College.id == Team.college_id)
        .outerjoin(Organization, Organization.team_id == Team.id)
        .outerjoin(Province, Province.id == College.province_id)
        .outerjoin(Award, (Award.round_id == Result.round_id) & (Award.team_id == Result.team_id))
        .where(Result.round_id == round_.id)
    )


def result_rows(
    round_: Round,
    *,
    q: str = "",
    flag: str = "",
    province: str = "",
    sort: str = "rank",
    page: int | None = None,
    per_page: int = 50,
    awarded: bool = False,
) -> tuple[list[ResultRow], int]:
    """The round's results with team, college, province, members' colleges and tier: filtered by a search
    (number, name, college), a flag, a province, the teams with a prize (`awarded`); sorted; one page of
    them (all when `page` is None) and the count."""
    snapshot = snapshot_of(round_)
    tied = tied_at_cut(snapshot)
    statement = _base(round_)
    if awarded:
        statement = statement.where(Award.id.is_not(None))
    if q:
        pattern = f"%{q.strip()}%"
        statement = statement.where(or_(Team.number.ilike(pattern), Team.name.ilike(pattern), College.name.ilike(pattern)))
    if province:
        statement = statement.where(Province.name == province)
    # Conditions on the results alone: without a search or a province, the count reads only the results.
    own: list = []
    if flag == "tied":
        own.append(Result.tied.is_(True))
    elif flag == "tie_at_cut":
        own.append(Result.team_id.in_(tied or {-1}))
    elif flag in FLAG_FILTERS:
        own.append(Result.flags.cast(String).like(f'%"{flag}"%'))
    statement = statement.where(*own).order_by(*SORTS.get(sort, SORTS["rank"]))
    if page is None:
        found = db.session.execute(statement).all()
        total = len(found)
    else:
        if q or province or awarded:
            total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
        else:
            total = db.session.scalar(select(func.count(Result.id)).where(Result.round_id == round_.id, *own))
        found = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).all()
    colleges = member_colleges([row[0].team_id for row in found]) if found else {}
    cells = data_cells(round_) if found else {}
    rows = [
        ResultRow(
            result=row[0],
            number=row[1],
            name=row[2],
            title=row[3],
            college=row[4],
            province=row[5] or "",
            tier=row[6],
            flags=flags_of(row[0], tied),
            member_colleges=colleges.get(row[0].team_id, []),
            country=row[7] or "",
            data=cells.get(row[0].team_id, []),
        )
        for row in found
    ]
    return rows, total or 0


def award_rows(round_: Round) -> list[ResultRow]:
    """The teams with a prize, best tier first (`tier_order`), then by rank."""
    snapshot = snapshot_of(round_)
    order = by_tier(snapshot.award_rule if snapshot else None)
    rows, _total = result_rows(round_, awarded=True)
    return sorted(rows, key=lambda row: (order.get(row.tier or "", len(order)), row.result.rank, row.number))


def result_item(row: ResultRow, round_: Round, *, full: bool, show_scores: bool = True) -> dict[str, Any]:
    """One result as the API gives it. `full` (organizers) adds each judge's total and the spread;
    the public sees the score only when the organizer chose to show it."""
    result = row.result
    return {
        "team_id": result.team_id,
        "team_number": row.number,
        "team_name": row.name,
        "project_title": row.title,
        "college": row.college,
        "member_colleges": row.member_colleges,
        "province": row.province,
        "country": row.country,
        "score": rounded(result.score, round_.decimals) if (full or show_scores) else None,
        "rank": result.rank,
        "tied": result.tied,
        "judges": [
            {"judge": judge_code(judge_id), "judge_id": judge_id, "total": Decimal(total)}
            for judge_id, total in result.judge_totals
        ]
        if full
        else [],
        "data": [{"key": cell.key, "value": cell.value, "points": cell.points} for cell in row.data]
        if (full or show_scores)
        else [],
        "spread": result.spread if full else None,
        "flags": row.flags if full else [],
        "advanced": result.advanced,
        "tier": row.tier,
    }


def judge_names(judge_ids: list[int]) -> dict[int, str]:
    from app.models import User

    if not judge_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(judge_ids))).all())


@dataclass
class TeamLabel:
    number: str
    name: str
    college: str
    rank: int | None
    score: Decimal | None
    member_colleges: list[str] = field(default_factory=list)


def team_labels(round_: Round, team_ids: list[int]) -> dict[int, TeamLabel]:
    """Number, name, college, members' colleges, rank and score of the teams a preview names."""
    if not team_ids:
        return {}
    rows = db.session.execute(
        select(Team.id, Team.number, Team.name, College.name, Result.rank, Result.score)
        .outerjoin(College, College.id == Team.college_id)
        .outerjoin(Result, (Result.team_id == Team.id) & (Result.round_id == round_.id))
        .where(Team.id.in_(set(team_ids)))
    ).all()
    colleges = member_colleges({row[0] for row in rows})
    return {
        row[0]: TeamLabel(
            number=row[1], name=row[2], college=row[3], rank=row[4], score=row[5], member_colleges=colleges.get(row[0], [])
        )
        for row in rows
    }


@dataclass
class PublishedResult:
    round: Round
    score: Decimal | None
    rank: int
    tied: bool
    tier: str | None
    tier_name: str | None


def published_results_of(team: Team) -> list[PublishedResult]:
    """What a team's captain sees after publication: each published round's score (if shown), rank and tier."""
    rows = db.session.execute(
        select(Round, Result.score, Result.rank, Result.tied, Award.tier, ResultSnapshot)
        .join(Result, Result.round_id == Round.id)
        .join(ResultSnapshot, ResultSnapshot.round_id == Round.id)
        .outerjoin(Award, (Award.round_id == Round.id) & (Award.team_id == team.id))
        .where(Result.team_id == team.id, Round.status == "published")
        .order_by(Round.created_at)
    ).all()
    return [
        PublishedResult(
            round=round_,
            score=rounded(score, round_.decimals) if snapshot.show_scores else None,
            rank=rank,
            tied=tied,
            tier=tier,
            tier_name=tier_names(snapshot).get(tier) if tier else None,
        )
        for round_, score, rank, tied, tier, snapshot in rows
    ]
