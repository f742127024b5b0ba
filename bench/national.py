"""The national season end to end, each step against a floor measured in the same run.

    python -m bench national [--teams 9872] [--colleges 689] [--judges 300] [--clients 16] [--http-seconds 5] [--http-windows 3]
                             [--database-url URL]

By default on a fresh SQLite file; `--database-url postgresql+psycopg://...` runs the same season on PostgreSQL
(the database is emptied first). The floors stay what they are: the HTTP floor inserts into SQLite either way.

1. The season, through the services (`app.demo.national.build_national_season`, what `flask demo --scale
   national` runs): register and approve every team, import the judges, and for each of the three rounds
   assign, score every sheet with `save_sheet`, close, compute, advance (or give the 8/12/20 prizes) and
   publish; then the school round's results workbook. Timed step by step, with the process's peak memory.
   Judges' passwords use a fast hash here (`FAST_HASH`), as in every bench: scrypt would add ~20 s of hashing.
2. Floors, in the same run:
   - compute: one SQL aggregate over each round's scores (the sum of each team's item values), alternating
     with five more computations of the round through the service (`compute_against_floor`); best of each;
   - export: openpyxl's write-only mode writing the same cells raw (`bench.export`), best of three, alternating;
   - HTTP: a bare Flask endpoint that inserts one row into SQLite (`bench/floor_app.py`), under gunicorn
     with 2 workers, driven by the same `--clients` back-to-back clients as the sample below.
3. The HTTP sample: `--clients` judges saving sheets over HTTP against gunicorn (2 workers) on the season's
   database, back to back (draft, draft, submit, as in `bench judging`), on a fresh sample round whose panel
   is those judges. Both servers run at once (the idle one waits) and the saves and the floor take turns,
   `--http-windows` windows of `--http-seconds` each (`http_against_floor`); best window against best window.
   Each window also gives the CPU its server spent per request (`bench.common.server_cpu_seconds`, from /proc):
   what separates the two rates, whatever else the machine was doing.
Prints a table (each step, its floor and the ratio) and writes the JSON to `--json`.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from app.demo.national import build_national_season
from app.extensions import db
from app.judging import assignments
from app.judging.services import add_entries, add_judges, create_round, transition_round
from app.models import Assignment, Contest, Round, Score, ScoreSheet, User, utcnow
from app.results.exports import round_workbook
from app.results.services import compute_round_results
from bench.common import ROOT, HttpClient, fresh_app, gunicorn, load_average, report, run_clients, server_cpu_seconds
from bench.export import TARGET_RATIO as TARGET_EXPORT_RATIO
from bench.export import _against_floor
from bench.floor_app import create_table
from bench.judging import FAST_HASH, round_data, save_phase, token_for

TARGET_SEASON_S = 90.0
TARGET_MEMORY_MB = 300.0
TARGET_HTTP_SHARE = 0.25
TARGET_HTTP_P95_MS = 50.0
TARGET_COMPUTE_RATIO = 8.0
#: Computations of each round after the season, alternating with its floor: the machine's noise swings single runs by a third.
COMPUTE_REPEAT = 5


def compute_floor(round_id: int) -> float:
    """One SQL aggregate over the round's scores: each team's sum of item values."""
    started = time.perf_counter()
    db.session.execute(
        select(Assignment.team_id, func.sum(Score.value))
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .where(Assignment.round_id == round_id)
        .group_by(Assignment.team_id)
    ).all()
    return time.perf_counter() - started


def compute_against_floor(round_id: int, repeat: int) -> dict:
    """Compute the (published) round again `repeat` times, through the service as the organizer does (reopen
    with a reason, close, compute; each computation replaces the round's results and commits), alternating
    with the floor, so that both see the same machine; the ratio compares the best of each, as the export's.
    The season's own computation is one run, at whatever the machine was doing then: it is reported beside.
    Each starts from a fresh session, as a request does, not from the season's."""
    db.session.remove()
    organizer = db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0][1]))
    round_ = db.session.get(Round, round_id)
    transition_round(round_, "closed", actor=organizer, now=utcnow(), reason="bench: compute again")
    db.session.commit()
    ours, floor = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        compute_round_results(round_, confirm=False, actor=organizer, now=utcnow())
        db.session.commit()
        ours.append(time.perf_counter() - started)
        floor.append(compute_floor(round_id))
    return {
        "seconds": [round(value, 3) for value in ours],
        "floor_s": [round(value, 3) for value in floor],
        "best_s": min(ours),
        "floor_best_s": min(floor),
    }


def sample_round(contest_id: int, clients: int) -> tuple[int, dict[int, list[tuple[int, int, int]]], dict[int, str]]:
    """A fresh round for the HTTP sample, open: every approved team, two judges each, from a panel of the
    `clients` judges who save (so that each has sheets enough for every window: some 1,200 each)."""
    organizer = db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0][1]))
    contest = db.session.get(Contest, contest_id)
    round_ = create_round(contest, {**round_data(2), "name": "HTTP 抽样 sample"}, actor=organizer, now=utcnow())
    add_entries(round_, all_approved=True, actor=organizer, now=utcnow())
    chosen = sorted(db.session.scalars(select(User.id).where(User.email.like("judge%@national.demo.laurel"))))[:clients]
    add_judges(round_, chosen, actor=organizer, now=utcnow())
    assignments.auto_assign(round_, seed=7, avoid_same_province=False, actor=organizer, now=utcnow())
    transition_round(round_, "open", actor=organizer, now=utcnow())
    db.session.commit()
    work = {
        judge_id: [
            tuple(row)
            for row in db.session.execute(
                select(Assignment.id, Assignment.team_id, Assignment.judge_id)
                .where(Assignment.round_id == round_.id, Assignment.judge_id == judge_id)
                .order_by(Assignment.id)
            )
        ]
        for judge_id in chosen
    }
    emails = dict(db.session.execute(select(User.id, User.email).where(User.id.in_(chosen))).all())
    return round_.id, work, emails


def _floor_loop(base: str, index: int, start: threading.Barrier, deadline: list[float], out: dict) -> None:
    client = HttpClient(base)
    statuses: Counter[int] = Counter()
    body = {"scores": {f"item{n}": 12.5 for n in range(6)}, "comment": "材料完整，路演清晰。", "submit": False}
    try:
        start.wait(timeout=60)
        key = index * 1_000_000
        for _ in range(10_000_000):  # bounded; the deadline ends it
            if time.perf_counter() >= deadline[0]:
                break
            key += 1
            status, _headers, _data, _seconds = client.request("PUT", f"/rows/{key}", json_body=body)
            statuses[status] += 1
    finally:
        client.close()
        out.update(statuses=statuses)


def floor_window(base: str, clients: int, seconds: float, window: int) -> dict:
    """`clients` clients putting rows into the floor for `seconds`, back to back."""
    outputs, wall = run_clients(_floor_loop, [(base, window * 100 + index) for index in range(clients)], seconds)
    statuses: Counter[int] = sum((out.get("statuses", Counter()) for out in outputs), Counter())
    ok = statuses.get(200, 0)
    return {
        "clients": clients,
        "requests": sum(statuses.values()),
        "ok": ok,
        "per_s": round(ok / wall, 1),
        "errors": sum(statuses.values()) - ok,
    }


def _with_server_cpu(base: str, window, *args) -> dict:
    """`window(*args)`'s figures, with `server_cpu_ms`: the CPU that the server at `base` spent per request
    answered (the figures' `ok`), or None where it cannot be read."""
    before = server_cpu_seconds(base)
    figures = window(*args)
    after = server_cpu_seconds(base)
    count = figures.get("ok") or 0
    cost = None if before is None or after is None or not count else round((after - before) * 1000 / count, 2)
    return {**figures, "server_cpu_ms": cost}


def http_against_floor(
    url: str,
    folder: Path,
    work: dict[int, list[tuple[int, int, int]]],
    emails: dict[int, str],
    seconds: float,
    windows: int,
    seed: int,
) -> dict:
    """The judges' saves and the floor, each served by its own gunicorn (2 workers, both started first, the
    idle one waiting), in alternating windows of `seconds`: both see the same machine, as the compute's and
    the export's floors do. Each judge works through their own share of sheets in each window, never
    running out before its end. The share compares the best window of each; every window is kept."""
    path = folder / "floor.db"
    create_table(str(path))
    clients = len(work)
    shares = {judge_id: [mine[window::windows] for window in range(windows)] for judge_id, mine in work.items()}
    ours, floor = [], []
    with (
        gunicorn(url) as (base, _log),
        gunicorn(
            f"sqlite:///{path}", extra_env={"FLOOR_DATABASE": str(path)}, app_spec="floor_app:app", chdir=ROOT / "bench"
        ) as (floor_base, _floor_log),
    ):
        tokens = [token_for(base, emails[judge_id], DEMO_PASSWORD) for judge_id in work]
        for window in range(windows):
            ours.append(
                _with_server_cpu(
                    base, save_phase, base, tokens, [shares[judge_id][window] for judge_id in work], seconds, seed + window
                )
            )
            floor.append(_with_server_cpu(floor_base, floor_window, floor_base, clients, seconds, window))
    best, best_floor = max(ours, key=lambda sample: sample["puts_per_s"] or 0), max(floor, key=lambda sample: sample["per_s"])
    return {
        "windows": windows,
        "window_s": seconds,
        "clients": clients,
        "per_s": [sample["puts_per_s"] for sample in ours],
        "floor_per_s": [sample["per_s"] for sample in floor],
        "server_cpu_ms": [sample["server_cpu_ms"] for sample in ours],
        "floor_server_cpu_ms": [sample["server_cpu_ms"] for sample in floor],
        "best": best,
        "floor_best": best_floor,
        "errors": sum(sample["errors"] for sample in ours + floor),
        "wrong_answers": sum(sample["wrong_answers"] for sample in ours),
        "share_of_floor": round(best["puts_per_s"] / best_floor["per_s"], 2) if best_floor["per_s"] else None,
    }


def _http_row(name: str, http: dict, note: str) -> dict:
    """A table row of saves over HTTP against the floor (`http_against_floor`'s summary)."""
    return {
        "step": name,
        "per_s": http["best"]["puts_per_s"],
        "floor_per_s": http["floor_best"]["per_s"],
        "share_of_floor": http["share_of_floor"],
        "p95_ms": (http["best"]["latency"] or {}).get("p95_ms"),
        "errors": http["errors"],
        "server_cpu_ms": http["best"]["server_cpu_ms"],
        "floor_server_cpu_ms": http["floor_best"]["server_cpu_ms"],
        "note": note,
    }


def _row(name: str, seconds: float | None, floor: float | None = None, note: str = "", ratio: float | None = None) -> dict:
    """A table row; its ratio is `ratio` when the step measured its own (from times not yet rounded)."""
    if ratio is None and seconds and floor:
        ratio = seconds / floor
    return {
        "step": name,
        "seconds": None if seconds is None else round(seconds, 2),
        "floor": None if floor is None else round(floor, 3),
        "ratio": None if ratio is None else round(ratio, 3),
        "note": note,
    }


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 60 --colleges 8 --judges 20 --clients 2 --http-seconds 1 --http-windows 1".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench national")
    parser.add_argument("--teams", type=int, default=9872)
    parser.add_argument("--colleges", type=int, default=689)
    parser.add_argument("--judges", type=int, default=300)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--http-seconds", type=float, default=5.0, help="each window's length")
    parser.add_argument("--http-windows", type=int, default=3, help="windows of saves, each followed by one of the floor")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "national.json")
    parser.add_argument("--database-url", help="default: a fresh SQLite file; a PostgreSQL database is emptied first")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-national-"))
    url = args.database_url or f"sqlite:///{folder / 'national.db'}"
    figures: dict = {"database": url.split(":")[0].split("+")[0], "load_average_at_start": load_average()}
    app = fresh_app(url, PASSWORD_HASH_METHOD=FAST_HASH)
    try:
        with app.app_context():
            started = time.perf_counter()
            season = build_national_season(seed=args.seed, teams=args.teams, colleges=args.colleges, judge_count=args.judges)
            season_s = time.perf_counter() - started
            steps = season.steps
            export_round = db.session.get(Round, season.round_ids[0])
            export = _against_floor(
                folder, "results", lambda: round_workbook(export_round, generated_by="bench", now=utcnow()), 3
            )
            export_s = export["seconds"][0]  # the first, as the organizer meets it: it also computes the judges' statistics
            memory_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            computes = {
                f"compute_{index}": compute_against_floor(round_id, COMPUTE_REPEAT)
                for index, round_id in enumerate(season.round_ids, start=1)
            }
            sample_id, work, emails = sample_round(season.contest_id, args.clients)
            db.session.remove()
            if db.engine.dialect.name == "sqlite":
                with db.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            db.engine.dispose()
        http = http_against_floor(url, folder, work, emails, args.http_seconds, args.http_windows, args.seed + 1000)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(app.instance_path, ignore_errors=True)

    def total(prefix: str) -> float:
        return sum(value for key, value in steps.items() if key.startswith(prefix))

    season_with_export = season_s + export_s
    rows = [
        _row(
            f"register and approve {season.counts['teams']:,} teams, import {season.counts['judges']:,} judges",
            total("register") + total("approve") + total("import_judges"),
        ),
        _row("assign judges, three rounds", total("assign_")),
        _row(
            f"score entry through save_sheet, {sum(v for k, v in season.counts.items() if k.startswith('sheets_')):,} sheets",
            total("score_"),
        ),
        *[
            _row(
                f"compute round {index} ({season.counts.get(f'sheets_{index}', 0):,} sheets), best of {COMPUTE_REPEAT}",
                computes[f"compute_{index}"]["best_s"],
                computes[f"compute_{index}"]["floor_best_s"],
                f"floor: one SQL aggregate over the round's scores, alternating; the season's own run: {steps[f'compute_{index}']:.3f} s",
            )
            for index in (1, 2, 3)
        ],
        _row("advance, twice", total("advance_")),
        _row("awards 8/12/20", steps.get("awards")),
        _row(
            "export the school round's results workbook (best of three)",
            min(export["seconds"]),
            min(export["raw_openpyxl_s"]),
            "floor: openpyxl writing the same cells raw, best of three, alternating",
            ratio=export["ratio_to_raw_best"],
        ),
        _row("the whole season, export included", season_with_export, note=f"target < {TARGET_SEASON_S:.0f} s"),
        _http_row(
            f"sheet saves over HTTP, {args.clients} judges back to back",
            http,
            f"floor: a bare Flask endpoint inserting one row, same clients, same gunicorn; best of {args.http_windows} "
            f"alternating windows of {args.http_seconds:g} s each",
        ),
    ]
    figures.update(
        {
            "teams": season.counts["teams"],
            "colleges": season.counts["colleges"],
            "provinces": season.counts["provinces"],
            "judges": season.counts["judges"],
            "counts": season.counts,
            "steps_s": steps,
            "season_s": round(season_s, 2),
            "export": export,
            "season_with_export_s": round(season_with_export, 2),
            "peak_memory_mb": round(memory_mb, 1),
            "computes": computes,
            "http": http,
            "table": rows,
        }
    )
    figures["targets"] = {
        "season_s_under": TARGET_SEASON_S,
        "season_met": season_with_export < TARGET_SEASON_S,
        "memory_mb_under": TARGET_MEMORY_MB,
        "memory_met": memory_mb < TARGET_MEMORY_MB,
        "http_share_at_least": TARGET_HTTP_SHARE,
        "http_met": http["share_of_floor"] is not None and http["share_of_floor"] >= TARGET_HTTP_SHARE,
        "http_p95_ms_under": TARGET_HTTP_P95_MS,
        "http_p95_met": bool(http["best"]["latency"]) and http["best"]["latency"]["p95_ms"] < TARGET_HTTP_P95_MS,
        "export_ratio_at_most": TARGET_EXPORT_RATIO,
        "export_met": export["met"],
        "compute_ratio_at_most": TARGET_COMPUTE_RATIO,
        "compute_met": all(compute["best_s"] / compute["floor_best_s"] <= TARGET_COMPUTE_RATIO for compute in computes.values()),
    }
    print(f"{'step':<58} {'seconds':>8} {'floor':>8} {'ratio':>6}")
    for row in rows:
        if "per_s" in row:
            print(
                f"{row['step']:<58} {row['per_s']:>7}/s {row['floor_per_s']:>7}/s {row['share_of_floor']:>6}  (share of the floor's rate; p95 {row['p95_ms']} ms)"
            )
            print(
                f"{'  server CPU per request (ms), best windows':<58} {row['server_cpu_ms']!s:>8} {row['floor_server_cpu_ms']!s:>8}"
            )
        else:
            print(
                f"{row['step']:<58} {row['seconds'] if row['seconds'] is not None else '':>8} "
                f"{row['floor'] if row['floor'] is not None else '':>8} {row['ratio'] if row['ratio'] is not None else '':>6}"
            )
    print(f"peak memory {memory_mb:.0f} MB; targets {json.dumps(figures['targets'])}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
    report(
        "national",
        {key: figures[key] for key in ("season_s", "season_with_export_s", "peak_memory_mb", "targets")}
        | {"json": str(args.json)},
    )
    return 0
