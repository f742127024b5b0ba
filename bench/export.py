"""Exports at national scale: the results workbook of a round of 10,000 teams, 50,000 sheets and six
items, and the registrations workbook of 10,000 teams, each against openpyxl writing the same cells raw.

    python -m bench export [--teams 10000] [--judges 300] [--k 5]

1. The judging bench's setup and fill (every sheet submitted through `save_sheet`), the round closed,
   its results computed and 8/12/20 prizes given, through the results services.
2. The results workbook written in this process (`round_workbook` then `write_workbook`, queries
   included), then the floor: the same cells, already in memory as plain lists, written by openpyxl's
   write-only mode with nothing of Laurel's (`bench.transfer.raw_write`); `--repeat` times, alternating,
   and the best of each compared. Target: at most 1.3 × the floor. The first export after the
   computation also computes the judges' statistics (then kept with the snapshot): its time is the
   first of `seconds`.
3. The same workbook from the command line (`flask results export`) in a child process started by a small
   launcher (so that this large process's pages are not counted), whose peak memory is the figure for the
   250 MB target.
4. The registrations workbook of the same 10,000 teams against its own floor (the same 1.3 ×).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import Contest, Round, User, utcnow
from app.registration.exports import registrations_workbook
from app.registration.queries import TeamFilters
from app.results import awards, services
from app.results.exports import round_workbook
from app.spreadsheets import write_workbook
from bench.common import ROOT, fresh_app, load_average, peak_memory_mb, report
from bench.judging import FAST_HASH, closed_scored_round
from bench.populate import ORGANIZER_EMAIL
from bench.transfer import raw_write

TARGET_RATIO = 1.3
TARGET_MEMORY_MB = 250.0
#: Runs the command given in its arguments and prints the command's peak memory (MB) as its last line.
MEASURED_CHILD = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    "sys.exit(done.returncode)\n"
)
TIERS = [{"key": "special", "count": 8}, {"key": "first", "count": 12}, {"key": "second", "count": 20}]


def _against_floor(folder: Path, name: str, make_sheets, repeat: int) -> dict:
    """Write the workbook from `make_sheets()` and time it, then the floor on the same cells; `repeat`
    times, alternating, so that both see the same machine. The ratio compares the best of each."""
    out = folder / f"{name}.xlsx"
    ours, floor = [], []
    rows = cells = 0
    for _ in range(repeat):
        gc.collect()  # each side starts with the same heap: nothing of the other's kept alive
        started = time.perf_counter()
        write_workbook(out, make_sheets())
        ours.append(time.perf_counter() - started)
        data = [[list(row) for row in sheet.rows] for sheet in make_sheets()]
        rows, cells = sum(len(sheet) for sheet in data), sum(len(row) for sheet in data for row in sheet)
        non_empty = sum(1 for sheet in data for row in sheet for value in row if value not in (None, ""))
        gc.collect()
        started = time.perf_counter()
        raw_write(folder / f"{name}-raw.xlsx", data)
        floor.append(time.perf_counter() - started)
        data = None  # the floor's cells are not kept alive while the next export runs
    ratio = min(ours) / min(floor)
    return {
        "seconds": [round(value, 2) for value in ours],
        "raw_openpyxl_s": [round(value, 2) for value in floor],
        "ratio_to_raw_best": round(ratio, 3),
        "ratio_to_raw_median": round(statistics.median(ours) / statistics.median(floor), 2),
        "rows": rows,
        "cells": cells,
        "non_empty_cells": non_empty,
        "mb": round(out.stat().st_size / 1e6, 2),
        "met": ratio <= TARGET_RATIO,
    }


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 30 --judges 6 --k 3 --repeat 1".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench export")
    parser.add_argument("--teams", type=int, default=10_000)
    parser.add_argument("--judges", type=int, default=300)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="export and floor runs, alternating")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-export-"))
    url = f"sqlite:///{folder / 'export.db'}"
    figures: dict = {
        "database": "sqlite",
        "teams": args.teams,
        "judges": args.judges,
        "k": args.k,
        "criteria": 6,
        "load_average_at_start": load_average(),
    }
    app = fresh_app(url, PASSWORD_HASH_METHOD=FAST_HASH)
    try:
        setup_figures, fill_figures, plan = closed_scored_round(
            app, teams=args.teams, judges=args.judges, k=args.k, seed=args.seed
        )
        figures["setup_s"], figures["fill_sheets"] = setup_figures["total_s"], fill_figures["sheets_saved"]
        with app.app_context():
            round_ = db.session.get(Round, plan["round_id"])
            services.compute_round_results(round_, confirm=True, actor=None, now=utcnow())
            awards.assign_awards(round_, awards.award_rule_input(round_, TIERS), actor=None, now=utcnow())
            db.session.commit()
            if db.engine.dialect.name == "sqlite":  # fold the write-ahead log in before the child process opens the file
                with db.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            round_ = db.session.get(Round, plan["round_id"])
            figures["results_workbook"] = _against_floor(
                folder, "results", lambda: round_workbook(round_, generated_by="bench", now=utcnow()), args.repeat
            )
            contest = db.session.get(Contest, plan["contest_id"])
            organizer = db.session.scalar(select(User).where(User.email == ORGANIZER_EMAIL))
            figures["registrations_workbook"] = _against_floor(
                folder, "registrations", lambda: registrations_workbook(contest, TeamFilters(), viewer=organizer), args.repeat
            )
            db.session.remove()
            db.engine.dispose()
        instance = folder / "cli-instance"
        environment = dict(os.environ, LAUREL_DATABASE_URL=url, LAUREL_INSTANCE_PATH=str(instance))
        begun = time.perf_counter()
        # Through a small launcher: a child forked from this large process would count this process's pages
        # in its peak; the launcher's own child starts small, so its peak is the export's.
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                MEASURED_CHILD,
                sys.executable,
                "-m",
                "flask",
                "--app",
                "wsgi",
                "results",
                "export",
                str(plan["round_id"]),
                str(folder / "cli.xlsx"),
            ],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )
        child_peak = float(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else float("nan")
        figures["cli_export"] = {
            "exit": done.returncode,
            "wall_s": round(time.perf_counter() - begun, 2),
            "said": done.stdout.strip()[-200:] or done.stderr.strip()[-300:],
            "peak_memory_mb": round(child_peak, 1),
            "target_mb": TARGET_MEMORY_MB,
            "met": done.returncode == 0 and child_peak < TARGET_MEMORY_MB,
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(app.instance_path, ignore_errors=True)
    figures["targets"] = {
        "ratio_at_most": TARGET_RATIO,
        "results_met": figures["results_workbook"]["met"],
        "registrations_met": figures["registrations_workbook"]["met"],
        "memory_met": figures["cli_export"]["met"],
    }
    figures["total_s"] = round(time.perf_counter() - started, 1)
    figures["peak_memory_mb_this_process"] = peak_memory_mb()
    report("export", figures)
    return 0
