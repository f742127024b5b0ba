"""The two sheets of a round that both results workbooks have: the prize list (获奖名单 Awards) and the
ranking (总排名 Ranking), with their columns. Each streams plain rows of one query through the round's
`DataHash`, so that 说明 About can state what was written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import select

from app.extensions import db
from app.models import (
    UNIVERSITY,
    Advisor,
    Assignment,
    Award,
    College,
    Organization,
    Province,
    Result,
    Round,
    Team,
    TeamMember,
    Track,
)
from app.registration.queries import member_colleges
from app.results import services, store
from app.results.queries import INSTITUTION, by_tier, data_cells, judge_code, rounded, tier_names
from app.spreadsheets import Column, DataHash, Sheet
from app.workbook_language import WorkbookLanguage

AWARDS_TITLE, RANKING_TITLE = "获奖名单 Awards", "总排名 Ranking"
#: The official prize-list columns (domain.md), bilingual.
AWARD_COLUMNS = [
    Column("序号 No.", 8),
    Column("赛道 Track"),
    Column("省份 Province"),
    Column("学校 College"),
    Column("团队编号 Number", 16),
    Column("团队名称 Team"),
    Column("作品名称 Project"),
    Column("队长 Captain"),
    Column("团队成员 Members"),
    Column("成员学校 Member colleges"),
    Column("高校指导老师 University advisors"),
    Column("企业指导老师 Enterprise advisors"),
    Column("最终得分 Score", 12),
    Column("排名 Rank", 8),
    Column("奖项 Prize", 12),
]
#: Last in the prize list and the ranking, so that the columns before it stay where readers know them.
COUNTRY_COLUMN = Column("国家/地区 Country")
#: Added to the prize list when an award of the round carries an amount or a description.
PRIZE_COLUMNS = [Column("奖金 Amount", 16, "#,##0.00", numeric=True), Column("币种 Currency", 10), Column("奖励内容 Reward")]


def number_format(decimals: int) -> str:
    return "0." + "0" * decimals if decimals > 0 else "0"


def _people(team_ids_statement) -> tuple[dict[int, list], dict[int, list]]:
    members: dict[int, list] = defaultdict(list)
    for team_id, name, is_captain in db.session.execute(
        select(TeamMember.team_id, TeamMember.name, TeamMember.is_captain)
        .where(TeamMember.team_id.in_(team_ids_statement))
        .order_by(TeamMember.team_id, TeamMember.position)
    ):
        members[team_id].append((name, is_captain))
    advisors: dict[int, list] = defaultdict(list)
    for team_id, kind, name in db.session.execute(
        select(Advisor.team_id, Advisor.kind, Advisor.name)
        .where(Advisor.team_id.in_(team_ids_statement))
        .order_by(Advisor.team_id, Advisor.position)
    ):
        advisors[team_id].append((kind, name))
    return members, advisors


def awards_sheet(round_: Round, data_hash: DataHash, *, language: WorkbookLanguage, title: str = AWARDS_TITLE) -> Sheet:
    """The official prize list: every awarded team, best tier first, then by rank."""
    snapshot = store.snapshot_of(round_)
    names = tier_names(snapshot)
    order = by_tier(snapshot.award_rule if snapshot else None)
    rows = db.session.execute(
        select(
            Team.id,
            Track.name,
            Province.name,
            INSTITUTION,
            Team.number,
            Team.name,
            Team.project_title,
            Result.score,
            Result.rank,
            Award.tier,
            Award.amount,
            Award.currency,
            Award.description,
            Team.country,
        )
        .join(Award, (Award.team_id == Team.id) & (Award.round_id == round_.id))
        .join(Result, (Result.team_id == Team.id) & (Result.round_id == round_.id))
        .join(Track, Track.id == Team.track_id)
        .outerjoin(College, College.id == Team.college_id)
        .outerjoin(Organization, Organization.team_id == Team.id)
        .outerjoin(Province, Province.id == College.province_id)
    ).all()
    rows.sort(key=lambda row: (order.get(row[9], len(order)), row[8], row[4]))
    awarded = select(Award.team_id).where(Award.round_id == round_.id)
    members, advisors = _people(awarded)
    colleges = member_colleges(awarded)
    carries = any(row[10] is not None or row[12] for row in rows)

    def lines() -> Iterator[list]:
        for index, (team_id, track, province, college, number, name, title_, score, rank, tier, *prize) in enumerate(
            rows, start=1
        ):
            people = members[team_id]
            amount, currency, description, country = prize
            yield [
                index,
                track,
                province or "",
                college,
                number,
                name,
                title_,
                next((person for person, is_captain in people if is_captain), ""),
                language.join(person for person, _c in people),
                language.join(colleges.get(team_id, [])),
                language.join(person for kind, person in advisors[team_id] if kind == UNIVERSITY),
                language.join(person for kind, person in advisors[team_id] if kind != UNIVERSITY),
                rounded(score, round_.decimals),
                rank,
                names.get(tier, tier),
                *([amount, currency or "", description or ""] if carries else []),
                language.country(country),
            ]

    columns = [
        column if column.header != "最终得分 Score" else Column(column.header, 12, number_format(round_.decimals))
        for column in AWARD_COLUMNS
    ] + (PRIZE_COLUMNS if carries else [])
    columns.append(COUNTRY_COLUMN)
    return language.sheet(title, columns, data_hash.through(lines()))


def round_judge_ids(round_: Round) -> list[int]:
    """The judges assigned in the round, by id: the order of the ranking's judge columns."""
    return list(
        db.session.scalars(
            select(Assignment.judge_id).where(Assignment.round_id == round_.id).distinct().order_by(Assignment.judge_id)
        )
    )


def _float(value) -> float | None:
    """An imported value as a cell holds it (at most 4 decimals, which a float shows exactly)."""
    return None if value is None else float(value)


def ranking_sheet(round_: Round, data_hash: DataHash, *, language: WorkbookLanguage, title: str = RANKING_TITLE) -> Sheet:
    """Every team: rank, tied, score at the round's decimals, each judge's total in the judge's column, each data
    item's value and points, spread, flags."""
    snapshot = store.snapshot_of(round_)
    tied_at_cut = services.tied_at_cut(snapshot)
    names = tier_names(snapshot)
    judge_ids = round_judge_ids(round_)
    position = {judge_id: index for index, judge_id in enumerate(judge_ids)}
    colleges = member_colleges(select(Result.team_id).where(Result.round_id == round_.id))
    rows = db.session.connection().execute(  # plain rows through the Core connection: no ORM layer per row
        select(
            Result.team_id,
            Result.rank,
            Result.tied,
            Team.number,
            Team.name,
            INSTITUTION,
            Province.name,
            Result.score,
            Result.spread,
            Result.flags,
            Result.judge_totals,
            Result.advanced,
            Award.tier,
            Team.country,
        )
        .join(Team, Team.id == Result.team_id)
        .outerjoin(College, College.id == Team.college_id)
        .outerjoin(Organization, Organization.team_id == Team.id)
        .outerjoin(Province, Province.id == College.province_id)
        .outerjoin(Award, (Award.round_id == Result.round_id) & (Award.team_id == Result.team_id))
        .where(Result.round_id == round_.id)
        .order_by(Result.rank, Team.number)
        .execution_options(yield_per=2000)
    )
    decimals = round_.decimals
    cells = data_cells(round_)
    criteria = round_.data_criteria
    no_data = [None] * (2 * len(criteria))

    yes = language.text("是 yes")
    empty = [None] * len(judge_ids)
    first_judge = 8  # the column of the first judge's total

    def lines() -> Iterator[list]:
        for team_id, rank, tied, number, name, college, province, score, spread, flags, totals, advanced, tier, country in rows:
            all_flags = sorted({*flags, *(["tie_at_cut"] if team_id in tied_at_cut else [])})
            head = [
                rank,
                yes if tied else "",
                number,
                name,
                college,
                language.join(colleges.get(team_id, [])),
                province or "",
                rounded(score, decimals),
            ]
            tail = [
                spread,
                " ".join(all_flags),
                yes if advanced else "",
                names.get(tier, tier) if tier else "",
                language.country(country),
            ]
            data = [number for cell in cells.get(team_id, []) for number in (_float(cell.value), float(cell.points))] or no_data
            # the judges' totals once, not a column per judge of the round; a round without data items as before
            data_hash.add((head, totals, data, tail) if criteria else (head, totals, tail))
            row = head + empty + data + tail
            for judge_id, total in totals:
                row[first_judge + position[judge_id]] = float(total)  # at most 4 decimals: a float shows it exactly
            yield row

    score_format = number_format(decimals)
    columns = [
        Column("排名 Rank", 8, numeric=True),
        Column("并列 Tied", 8),
        Column("团队编号 Number", 16),
        Column("团队名称 Team"),
        Column("学校 College"),
        Column("成员学校 Member colleges"),
        Column("省份 Province"),
        Column("得分 Score", 10, score_format),
        *(Column(judge_code(judge_id), 8, numeric=True) for judge_id in judge_ids),
        *(
            column
            for criterion in criteria
            for column in (
                Column(f"{criterion.name} {criterion.key} 数值 value", 14, numeric=True),
                Column(f"{criterion.name} {criterion.key} 得分 points", 14, score_format),
            )
        ),
        Column("离散度 Spread", 10, "0.00"),
        Column("标记 Flags"),
        Column("晋级 Advanced", 10),
        Column("奖项 Prize", 10),
        COUNTRY_COLUMN,
    ]
    return language.sheet(title, columns, lines())
