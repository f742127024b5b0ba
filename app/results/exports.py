"""The official results workbook of a round, and of a whole contest: one function each, shared by the
browser, the API and the command line.

Every sheet is streamed (openpyxl write-only mode) from plain rows of a few queries, never ORM objects. The
prize list and the ranking, which both workbooks have, are in `ranking_sheets`; the About sheet and its data
hash in `about_sheet`; the round's own Scores and Judges sheets here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Float, String, select, type_coerce

from app.errors import StateConflictError
from app.extensions import db
from app.models import SHEET_SUBMITTED, Assignment, Award, Contest, Round, Score, ScoreSheet, Team, User
from app.results import store
from app.results.about_sheet import about_sheet
from app.results.queries import judge_code
from app.results.ranking_sheets import awards_sheet, ranking_sheet, round_judge_ids
from app.spreadsheets import Column, DataHash, LocalTimes, Sheet
from app.workbook_language import WorkbookLanguage, workbook_language

SCORES_TITLE, JUDGES_TITLE = "评分明细 Scores", "评委统计 Judges"


def _require_results(round_: Round) -> None:
    if store.snapshot_of(round_) is None:
        raise StateConflictError(
            _("This round has no results yet: close it and compute its results, then export."), code="no_results"
        )


def scores_sheet(round_: Round, data_hash: DataHash, *, language: WorkbookLanguage, title: str = SCORES_TITLE) -> Sheet:
    """Every submitted sheet that counts (none set aside for a conflict): team, judge code, a column per item
    the judges score (data items are in the Ranking sheet), the total and when it was submitted.

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
        for criterion in round_.sheet_criteria
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
    codes = {judge_id: judge_code(judge_id) for judge_id in round_judge_ids(round_)}

    def lines() -> Iterator[list]:
        for number, name, judge_id, total, submitted_at, *items in rows:
            yield [number, name, codes[judge_id], *items, total, local.text(submitted_at)]

    columns = [
        Column("团队编号 Number", 16),
        Column("团队名称 Team"),
        Column("评委 Judge", 8),
        *(Column(f"{criterion.name} {criterion.key}", numeric=True) for criterion in round_.sheet_criteria),
        Column("总分 Total", 10, numeric=True),
        Column("提交时间 Submitted", 20),
    ]
    return language.sheet(title, columns, data_hash.through(lines()))


def judges_sheet(
    round_: Round, data_hash: DataHash, *, language: WorkbookLanguage, with_names: bool = False, title: str = JUDGES_TITLE
) -> Sheet:
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
                stat.model_severity,
                stat.model_error,
            ]

    columns = [
        Column("评委 Judge", 8),
        *([Column("姓名 Name")] if with_names else []),
        Column("评分数 Sheets", 10),
        Column("平均分 Mean", 10, "0.00"),
        Column("离散度 Spread", 10, "0.00"),
        Column("宽严度 Severity", 12, "0.00"),
        Column("与共识相关 Correlation", 14, "0.000"),
        Column("模型宽严度 Model severity", 14, "0.00"),
        Column("标准误 Standard error", 12, "0.00"),
    ]
    return language.sheet(title, columns, data_hash.through(lines()))


def round_workbook(round_: Round, *, generated_by: str, now: datetime, judge_names: bool = False) -> list[Sheet]:
    """The results workbook of a round: Awards, Ranking, Scores, Judges and About (409 before results exist),
    in the contest's language."""
    _require_results(round_)
    data_hash = DataHash()
    language = workbook_language(round_.contest.language)
    return [
        awards_sheet(round_, data_hash, language=language),
        ranking_sheet(round_, data_hash, language=language),
        scores_sheet(round_, data_hash, language=language),
        judges_sheet(round_, data_hash, language=language, with_names=judge_names),
        about_sheet(round_.contest, [round_], [data_hash], language=language, generated_by=generated_by, now=now),
    ]


def contest_workbook(contest: Contest, *, generated_by: str, now: datetime) -> list[Sheet]:
    """Every round with results (its ranking, and its prize list when it gave prizes), and About, in the
    contest's language."""
    rounds = [
        round_
        for round_ in db.session.scalars(select(Round).where(Round.contest_id == contest.id).order_by(Round.created_at))
        if store.snapshot_of(round_) is not None
    ]
    if not rounds:
        raise StateConflictError(_("No round of this contest has results yet."), code="no_results")
    language = workbook_language(contest.language)
    sheets: list[Sheet] = []
    hashes = []
    for index, round_ in enumerate(rounds, start=1):
        data_hash = DataHash()
        hashes.append(data_hash)
        if db.session.scalar(select(Award.id).where(Award.round_id == round_.id).limit(1)) is not None:
            sheets.append(awards_sheet(round_, data_hash, language=language, title=f"{index} {language.text('获奖 Awards')}"))
        sheets.append(ranking_sheet(round_, data_hash, language=language, title=f"{index} {language.text('排名 Ranking')}"))
    sheets.append(about_sheet(contest, rounds, hashes, language=language, generated_by=generated_by, now=now))
    return sheets
