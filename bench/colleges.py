"""Importing the national colleges list (2,919 colleges, 31 provinces): first import and re-import.

python -m bench colleges [--database-url URL] [--repeat 3]
"""

import argparse
import shutil

from app.colleges.services import NATIONAL_LIST, import_colleges
from app.extensions import db
from app.models import utcnow
from app.spreadsheets import read_table
from bench.common import fresh_app, peak_memory_mb, report, timer

#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
#: One run: the bench's input is the national list itself, which has no smaller size.
SMALLEST = "--repeat 1".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench colleges")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    runs = []
    for _run in range(args.repeat):
        app = fresh_app(args.database_url)
        figures: dict = {}
        with app.app_context():
            with timer(figures, "first_import_s"):
                with NATIONAL_LIST.open("rb") as handle:
                    created = import_colleges(read_table(handle, NATIONAL_LIST.name), now=utcnow()).created
                db.session.commit()
            with timer(figures, "reimport_s"):
                with NATIONAL_LIST.open("rb") as handle:
                    changed = import_colleges(read_table(handle, NATIONAL_LIST.name), now=utcnow())
                db.session.commit()
            figures.update(created=created, reimport_changes=changed.created + changed.updated)
            db.engine.dispose()
        shutil.rmtree(app.instance_path, ignore_errors=True)  # the run's instance, with its SQLite file
        runs.append(figures)
    report(
        "colleges",
        {
            "database": (args.database_url or "sqlite").split(":")[0],
            "best_first_import_s": min(run["first_import_s"] for run in runs),
            "best_reimport_s": min(run["reimport_s"] for run in runs),
            "colleges": runs[0]["created"],
            "reimport_changes": runs[0]["reimport_changes"],
            "target_s": 5.0,
            "peak_memory_mb": peak_memory_mb(),
            "runs": runs,
        },
    )
    return 0
