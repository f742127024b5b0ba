"""Teams through Excel at national size: one 10,000-team template imported as a single file, and
the registrations workbook of 10,000 teams exported.

    python -m bench transfer [--teams 10000] [--database-url URL]

The template is written as a real .xlsx (bilingual headers, one row per person), read back with
`read_table` and imported in one transaction by `import_teams`, exactly as an upload is; then
the export is written to a file as the download is. Targets: import < 30 s, export < 10 s.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Contest, Team, User, utcnow
from app.registration.exports import registrations_workbook
from app.registration.imports import TEMPLATE_COLUMNS, import_teams
from app.registration.queries import TeamFilters
from app.spreadsheets import Column, Sheet, read_table, write_workbook
from bench.common import fresh_app, peak_memory_mb, report
from bench.populate import ORGANIZER_EMAIL, TeamFactory, build_team_rows, load_colleges, setup_contest

TARGET_IMPORT_S = 30.0
TARGET_EXPORT_S = 10.0


def raw_write(path: Path, sheets: list[list[list]]) -> None:
    """openpyxl's write-only mode with nothing of Laurel's: the floor an export is compared with."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for rows in sheets:
        worksheet = workbook.create_sheet()
        for row in rows:
            worksheet.append(row)
    workbook.save(path)


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 20".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench transfer")
    parser.add_argument("--teams", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args(argv)
    app = fresh_app(args.database_url)
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-transfer-"))
    figures: dict = {"teams": args.teams, "database": (args.database_url or "sqlite").split(":")[0]}
    try:
        with app.app_context():
            contest_id, _organizer = setup_contest()
            factory = TeamFactory(load_colleges(), seed=args.seed, expected_teams=args.teams)
            table = build_team_rows(factory.teams(args.teams))
            template = folder / "teams.xlsx"
            headers = dict(TEMPLATE_COLUMNS)
            started = time.perf_counter()
            write_workbook(
                template,
                [
                    Sheet(
                        "报名团队 Teams",
                        [Column(headers[key], 12) for key in table.columns],
                        ([row[key] or None for key in table.columns] for _number, row in table.rows),
                    )
                ],
            )
            figures.update(
                template_rows=len(table.rows),
                template_mb=round(template.stat().st_size / 1e6, 2),
                template_write_s=round(time.perf_counter() - started, 2),
            )

            started = time.perf_counter()
            with template.open("rb") as handle:
                uploaded = read_table(handle, template.name)
            read_s = time.perf_counter() - started
            contest = db.session.get(Contest, contest_id)
            organizer = db.session.scalar(select(User).where(User.email == ORGANIZER_EMAIL))
            started = time.perf_counter()
            created = import_teams(contest, uploaded, actor=organizer, now=utcnow())
            checked_and_saved_s = time.perf_counter() - started
            started = time.perf_counter()
            db.session.commit()  # and the captains' mail, one .eml each
            commit_s = time.perf_counter() - started
            import_s = read_s + checked_and_saved_s + commit_s
            figures["import"] = {
                "teams": created,
                "read_s": round(read_s, 2),
                "check_and_save_s": round(checked_and_saved_s, 2),
                "commit_and_mail_s": round(commit_s, 2),
                "total_s": round(import_s, 2),
                "target_s": TARGET_IMPORT_S,
                "met": import_s < TARGET_IMPORT_S and created == args.teams,
            }

            db.session.expire_all()
            started = time.perf_counter()
            out = folder / "registrations.xlsx"
            write_workbook(out, registrations_workbook(contest, TeamFilters(), viewer=organizer))
            export_s = time.perf_counter() - started
            # The floor: openpyxl's write-only mode writing the same cells, already in memory, raw.
            cells = [
                [list(row) for row in sheet.rows] for sheet in registrations_workbook(contest, TeamFilters(), viewer=organizer)
            ]
            started = time.perf_counter()
            raw_write(folder / "raw.xlsx", cells)
            raw_s = time.perf_counter() - started
            figures["export"] = {
                "teams": db.session.scalar(select(func.count(Team.id))),
                "rows": sum(len(rows) for rows in cells),
                "cells": sum(len(row) for rows in cells for row in rows),
                "seconds": round(export_s, 2),
                "raw_openpyxl_s": round(raw_s, 2),
                "ratio_to_raw": round(export_s / raw_s, 2),
                "mb": round(out.stat().st_size / 1e6, 2),
                "target_s": TARGET_EXPORT_S,
                "met": export_s < TARGET_EXPORT_S,
            }
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(app.instance_path, ignore_errors=True)  # with the captains' mail, and the SQLite file by default
    figures["peak_memory_mb"] = peak_memory_mb()
    report("transfer", figures)
    return 0
