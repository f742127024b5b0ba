"""The official results workbook of a round, and of a whole contest: one function each, shared by the
browser, the API and the command line.

Every sheet is streamed (openpyxl write-only mode) from plain rows of a few queries, never ORM objects.
The data hash in 说明 About is a SHA-256 over every data row of the round's sheets (not the time nor
the person who generated it), so that the same results give the same hash after a backup and restore.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Float, String, select, type_coerce

from app import countries
from app.errors import StateConflictError
from app.extensions import db
from app.models import (
    SHEET_SUBMITTED,
    UNIVERSITY,
    Advisor,
    Assignment,
    Award,
    College,
    Contest,
    Province,
    Result,
    Round,
    Score,
    ScoreSheet,
    Team,
    TeamMember,
    Track,
    User,
)
from app.registration.queries import member_colleges
from app.results import services, store
from app.results.queries import by_tier, judge_code, rounded, tier_names
from app.spreadsheets import Column, DataHash, LocalTimes, Sheet

SEPARATOR = "、"
AWARDS_TITLE, RANKING_TITLE, SCORES_TITLE, JUDGES_TITLE, ABOUT_TITLE = (
    "获奖名单 Awards",
    "总排名 Ranking",
    "评分明细 Scores",
    "评委统计 Judges",
    "说明 About",
)
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


def _require_results(round_: Round) -> None:
    if store.snapshot_of(round_) is None:
        raise StateConflictError(
            _("This round has no results yet: close it and compute its results, then export."), code="no_results"
        )


def awards_sheet(round_: Round, data_hash: DataHash, *, title: str = AWARDS_TITLE) -> Sheet:
    """The official prize list: every awarded team, best tier first, then by rank."""
    snapshot = store.snapshot_of(round_)
    names = tier_names(snapshot)
    order = by_tier(snapshot.award_rule if snapshot else None)
    rows = db.session.execute(
        select(
            Team.id,
            Track.name,
            Province.name,
            College.name,
            Team.number,
            Team.name,
            Team.project_title,
            Result.score,
            Result.rank,
            Award.tier,
            Award.amount,
            Award.currency,
            Award.description,
            College.country,
        )
        .join(Award, (Award.team_id == Team.id) & (Award.round_id == round_.id))
        .join(Result, (Result.team_id == Team.id) & (Result.round_id == round_.id))
        .join(Track, Track.id == Team.track_id)
        .join(College, College.id == Team.college_id)
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
                SEPARATOR.join(person for person, _c in people),
                SEPARATOR.join(colleges.get(team_id, [])),
                SEPARATOR.join(person for kind, person in advisors[team_id] if kind == UNIVERSITY),
                SEPARATOR.join(person for kind, person in advisors[team_id] if kind != UNIVERSITY),
                rounded(score, round_.decimals),
                rank,
                names.get(tier, tier),
                *([amount, currency or "", description or ""] if carries else []),
                countries.country_name(country),
            ]

    columns = [
        column if column.header != "最终得分 Score" else Column(column.header, 12, number_format(round_.decimals))
        for column in AWARD_COLUMNS
    ] + (PRIZE_COLUMNS if carries else [])
    columns.append(COUNTRY_COLUMN)
    return Sheet(title, columns, data_hash.through(lines()))


def _judge_ids(round_: Round) -> list[int]:
    return list(
        db.session.scalars(
            select(Assignment.judge_id).where(Assignment.round_id == round_.id).distinct().order_by(Assignment.judge_id)
        )
    )


def ranking_sheet(round_: Round, data_hash: DataHash, *, title: str = RANKING_TITLE) -> Sheet:
    """Every team: rank, tied, score at the round's decimals, each judge's total in the judge's column, spread, flags."""
    snapshot = store.snapshot_of(round_)
    tied_at_cut = services.tied_at_cut(snapshot)
    names = tier_names(snapshot)
    judge_ids = _judge_ids(round_)
    position = {judge_id: index for index, judge_id in enumerate(judge_ids)}
    colleges = member_colleges(select(Result.team_id).where(Result.round_id == round_.id))
    rows = db.session.connection().execute(  # plain rows through the Core connection: no ORM layer per row
        select(
            Result.team_id,
            Result.rank,
            Result.tied,
            Team.number,
            Team.name,
            College.name,
            Province.name,
            Result.score,
            Result.spread,
            Result.flags,
            Result.judge_totals,
            Result.advanced,
            Award.tier,
            College.country,
        )
        .join(Team, Team.id == Result.team_id)
        .join(College, College.id == Team.college_id)
        .outerjoin(Province, Province.id == College.province_id)
        .outerjoin(Award, (Award.round_id == Result.round_id) & (Award.team_id == Result.team_id))
        .where(Result.round_id == round_.id)
        .order_by(Result.rank, Team.number)
        .execution_options(yield_per=2000)
    )
    decimals = round_.decimals

    empty = [None] * len(judge_ids)
    first_judge = 8  # the column of the first judge's total

    def lines() -> Iterator[list]:
        for team_id, rank, tied, number, name, college, province, score, spread, flags, totals, advanced, tier, country in rows:
            all_flags = sorted({*flags, *(["tie_at_cut"] if team_id in tied_at_cut else [])})
            head = [
                rank,
                "是 yes" if tied else "",
                number,
                name,
                college,
                SEPARATOR.join(colleges.get(team_id, [])),
                province or "",
                rounded(score, decimals),
            ]
            tail = [
                spread,
                " ".join(all_flags),
                "是 yes" if advanced else "",
                names.get(tier, tier) if tier else "",
                countries.country_name(country),
            ]
            data_hash.add((head, totals, tail))  # the judges' totals once, not a column per judge of the round
            row = head + empty + tail
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
        Column("离散度 Spread", 10, "0.00"),
        Column("标记 Flags"),
        Column("晋级 Advanced", 10),
        Column("奖项 Prize", 10),
        COUNTRY_COLUMN,
    ]
    return Sheet(title, columns, lines())


def scores_sheet(round_: Round, data_hash: DataHash, *, title: str = SCORES_TITLE) -> Sheet:
    """Every submitted sheet that counts (none set aside for a conflict): team, judge code, a column per item,
    the total and when it was submitted.

    The database puts each sheet's items in columns (a lookup per item by the scores' unique index, one
    row per sheet, streamed), so that memory stays flat and Python handles 50,000 rows, not 300,000."""
    # Values and totals as floats: they have at most 4 decimals, and a float shows them exactly (85.5); a
    # worksheet cell holds a float anyway.
    item_columns = [
        type_coerce(
            select(Score.value)
            .where(Score.sheet_id == ScoreSheet.id, Score.criterion_id == criterion.id)
            .correlate(ScoreSheet)
            .scalar_subquery(),
            Float(),
        )
        for criterion in round_.criteria
    ]
    rows = db.session.connection().execute(  # plain rows through the Core connection: no ORM layer per row
        # submitted_at as stored (naive UTC; text on SQLite), converted below by LocalTimes.
        select(
            Team.number,
            Team.name,
            Assignment.judge_id,
            type_coerce(ScoreSheet.total, Float()),
            type_coerce(ScoreSheet.submitted_at, String()),
            *item_columns,
        )
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Team, Team.id == Assignment.team_id)
        .where(Assignment.round_id == round_.id, Assignment.active, ScoreSheet.status == SHEET_SUBMITTED)
        .order_by(Team.number, Assignment.judge_id)
        .execution_options(yield_per=5000)
    )
    local = LocalTimes(round_.contest.timezone)
    codes = {judge_id: judge_code(judge_id) for judge_id in _judge_ids(round_)}

    def lines() -> Iterator[list]:
        for number, name, judge_id, total, submitted_at, *items in rows:
            yield [number, name, codes[judge_id], *items, total, local.text(submitted_at)]

    columns = [
        Column("团队编号 Number", 16),
        Column("团队名称 Team"),
        Column("评委 Judge", 8),
        *(Column(f"{criterion.name} {criterion.key}", numeric=True) for criterion in round_.criteria),
        Column("总分 Total", 10, numeric=True),
        Column("提交时间 Submitted", 20),
    ]
    return Sheet(title, columns, data_hash.through(lines()))


def judges_sheet(round_: Round, data_hash: DataHash, *, with_names: bool = False, title: str = JUDGES_TITLE) -> Sheet:
    """Each judge's statistics, by code (names only when the organizer asks for them). Computed when the
    sheet is written, after the larger sheets have let go of their rows."""

    def lines() -> Iterator[list]:
        stats = store.judge_stats(round_)
        names = (
            dict(db.session.execute(select(User.id, User.name).where(User.id.in_([s.judge_id for s in stats]))).all())
            if with_names
            else {}
        )
        for stat in stats:
            yield [
                judge_code(stat.judge_id),
                *([names.get(stat.judge_id, "")] if with_names else []),
                stat.count,
                stat.mean,
                stat.spread,
                stat.severity,
                stat.correlation,
            ]

    columns = [
        Column("评委 Judge", 8),
        *([Column("姓名 Name")] if with_names else []),
        Column("评分数 Sheets", 10),
        Column("平均分 Mean", 10, "0.00"),
        Column("离散度 Spread", 10, "0.00"),
        Column("宽严度 Severity", 12, "0.00"),
        Column("与共识相关 Correlation", 14, "0.000"),
    ]
    return Sheet(title, columns, data_hash.through(lines()))


def about_sheet(
    contest: Contest,
    rounds: Sequence[Round],
    hashes: Sequence[DataHash],
    *,
    generated_by: str,
    now: datetime,
    title: str = ABOUT_TITLE,
) -> Sheet:
    """What the workbook is: contest, rounds and their rules, when and by whom, counts, and the data hash.
    Its rows are produced after the other sheets are written, so that the hash covers them."""

    def lines() -> Iterator[list]:
        yield ["赛事 Contest", contest.name]
        for round_ in rounds:
            snapshot = store.snapshot_of(round_)
            rule = snapshot.rule if snapshot else {}
            yield ["轮次 Round", round_.name]
            yield ["计分规则 Aggregation", f"{_aggregation_text(rule)}; decimals: {round_.decimals}"]
            yield [
                "同分规则 Tie-breaks",
                "score, "
                + ", ".join(rule.get("tie_breaks", []))
                + (", " if rule.get("tie_breaks") else "")
                + "then the panel decides",
            ]
            yield ["计算时间 Computed", contest.local(snapshot.computed_at).strftime("%Y-%m-%d %H:%M:%S") if snapshot else ""]
            yield ["团队数 Teams", snapshot.teams if snapshot else 0]
            yield ["评分表数 Sheets", snapshot.sheets if snapshot else 0]
            yield ["缺评分表 Missing sheets", snapshot.missing if snapshot else 0]
            yield [
                "公示 Published",
                contest.local(snapshot.published_at).strftime("%Y-%m-%d %H:%M:%S")
                if snapshot and snapshot.published_at
                else "否 no",
            ]
        yield ["生成时间 Generated", contest.local(now).strftime("%Y-%m-%d %H:%M:%S %Z")]
        yield ["生成人 Generated by", generated_by]
        combined = (
            hashlib.sha256("".join(data_hash.hexdigest() for data_hash in hashes).encode()).hexdigest()
            if len(hashes) > 1
            else hashes[0].hexdigest()
        )
        yield ["数据行数 Data rows", sum(data_hash.rows for data_hash in hashes)]
        yield ["数据校验 SHA-256 of the data", combined]

    return Sheet(title, [Column("项目 Item", 24), Column("内容 Value", 70)], lines())


def _aggregation_text(rule: dict) -> str:
    """The method as stored (`trimmed_mean (trim 1)`); only a trimmed mean has a trim to state."""
    method = rule.get("method", "")
    return f"{method} (trim {rule.get('trim', '')})" if method == "trimmed_mean" else method


def round_workbook(round_: Round, *, generated_by: str, now: datetime, judge_names: bool = False) -> list[Sheet]:
    """The results workbook of a round: Awards, Ranking, Scores, Judges and About (409 before results exist)."""
    _require_results(round_)
    data_hash = DataHash()
    return [
        awards_sheet(round_, data_hash),
        ranking_sheet(round_, data_hash),
        scores_sheet(round_, data_hash),
        judges_sheet(round_, data_hash, with_names=judge_names),
        about_sheet(round_.contest, [round_], [data_hash], generated_by=generated_by, now=now),
    ]


def contest_workbook(contest: Contest, *, generated_by: str, now: datetime) -> list[Sheet]:
    """Every round with results (its ranking, and its prize list when it gave prizes), and About."""
    rounds = [
        round_
        for round_ in db.session.scalars(select(Round).where(Round.contest_id == contest.id).order_by(Round.created_at))
        if store.snapshot_of(round_) is not None
    ]
    if not rounds:
        raise StateConflictError(_("No round of this contest has results yet."), code="no_results")
    sheets: list[Sheet] = []
    hashes = []
    for index, round_ in enumerate(rounds, start=1):
        data_hash = DataHash()
        hashes.append(data_hash)
        if db.session.scalar(select(Award.id).where(Award.round_id == round_.id).limit(1)) is not None:
            sheets.append(awards_sheet(round_, data_hash, title=f"{index} 获奖 Awards"))
        sheets.append(ranking_sheet(round_, data_hash, title=f"{index} 排名 Ranking"))
    sheets.append(about_sheet(contest, rounds, hashes, generated_by=generated_by, now=now))
    return sheets
