"""Sixty seconds of a contest's busiest hour against gunicorn: judges saving sheets, captains
registering teams and an organizer reading pages, all at once.

    python -m bench load [--seconds 60] [--database-url URL] [--judges 50] [--captains 20] [--think 1] [--captain-think 3]
                         [--instances N --redis-url redis://...]

1. A contest of `--teams` imported teams (`bench.populate`), approved, and an open round of five
   judges per team (`bench.judging.setup`); `--captains` captain accounts. On a fresh SQLite file by
   default; `--database-url postgresql+psycopg://...` runs it on PostgreSQL (the database is emptied first:
   give it a scratch database).
2. gunicorn (`--workers`, threaded) serves the app; with `--instances N` (PostgreSQL and `--redis-url` needed),
   N instances behind nginx instead, started by deploy/serve-instances as production starts them, every
   client going through nginx. Then, for `--seconds`, at once:
   - `--judges` judges, each through their own assignments: draft, draft, submit (versions chained, every
     answer checked), pausing 0.5–1.5 × `--think` seconds between saves. 50 judges saving about once a
     second is five times a national final's peak (300 judges, each saving a sheet every 30 s or so);
   - `--captains` captains, each registering new teams (registerTeam, every answer must be 201) for the
     next season's contest (the judged one closed its registration when its round opened), pausing
     0.5–1.5 × `--captain-think` seconds between them;
   - one organizer, signed in through the login form, reading the round's progress, the team list and
     the registration dashboard in turn, with the same pauses.
3. Prints throughput, latency (p50/p95/max) and errors per kind of client, and what gunicorn's log says
   went wrong; on PostgreSQL, the CPU its backends of this database spent (from /proc), over the saves.
   Targets: no error at all, and sheet saves at p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import threading
import time
from argparse import Namespace
from collections import Counter
from pathlib import Path

from app.auth.services import create_user
from app.demo.people import api_payload
from app.extensions import db
from app.models import CAPTAIN, utcnow
from bench.common import fresh_app, gunicorn, load_average, report, run_clients, served_instances, summary_ms
from bench.instances import DatabaseCpu
from bench.judging import FAST_HASH, JUDGE_PASSWORD, _judge_loop, form_login, judges_work, setup, token_for
from bench.populate import ORGANIZER_EMAIL, ORGANIZER_PASSWORD, open_next_season
from bench.registration import _register_loop, _server_problems

TARGET_SAVE_P95_MS = 200.0
JUDGES_PER_TEAM = 5
CAPTAIN_PASSWORD = "captain-password-1"


def _organizer_loop(
    base: str, paths: list[str], seed: int, think: float, start: threading.Barrier, deadline: list[float], out: dict
) -> None:
    """The organizer, signed in through the form, reading `paths` in turn."""
    client = form_login(base, ORGANIZER_EMAIL, ORGANIZER_PASSWORD)
    pause = random.Random(seed)
    latencies: dict[str, list[float]] = {path: [] for path in paths}
    statuses: Counter[int] = Counter()
    errors: list[dict] = []
    try:
        start.wait(timeout=120)
        for index in range(1_000_000):  # bounded; the deadline ends it
            time.sleep(pause.uniform(0.5, 1.5) * think)
            if time.perf_counter() >= deadline[0]:
                break
            path = paths[index % len(paths)]
            status, _headers, data, seconds = client.request("GET", path)
            statuses[status] += 1
            if status == 200:
                latencies[path].append(seconds)
            elif len(errors) < 5:
                errors.append({"status": status, "path": path, "body": data[:300].decode("utf-8", "replace")})
    finally:
        client.close()
        out.update(
            latencies=[value for values in latencies.values() for value in values],
            per_page={path: summary_ms(values) for path, values in latencies.items() if values},
            statuses=statuses,
            errors=errors,
        )


def _client(kind: str, *args) -> None:
    {"judge": _judge_loop, "captain": _register_loop, "organizer": _organizer_loop}[kind](*args)


def _summary(outputs: list[dict], wall: float, *, latencies_of, ok_status: int = 200) -> dict:
    statuses: Counter[int] = sum((out.get("statuses", Counter()) for out in outputs), Counter())
    latencies = [value for out in outputs for value in latencies_of(out)]
    sent = sum(statuses.values())
    ok = statuses.get(ok_status, 0)
    return {
        "clients": len(outputs),
        "requests": sent,
        "ok": ok,
        "errors": sent - ok,
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "per_s": round(ok / wall, 1) if wall else None,
        "latency": summary_ms(latencies) if latencies else None,
        "error_samples": [error for out in outputs for error in out.get("errors", [])][:5],
    }


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
#: Three judges are the fewest a round of five judges a team allows (with the setup's two).
SMALLEST = "--teams 30 --judges 3 --captains 1 --seconds 2 --think 0.2 --captain-think 0.5".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench load")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--database-url", help="default: a fresh SQLite file; a PostgreSQL database is emptied first")
    parser.add_argument("--teams", type=int, default=2000)
    parser.add_argument("--judges", type=int, default=50)
    parser.add_argument("--captains", type=int, default=20)
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a judge's saves (and the organizer's pages), s"
    )
    parser.add_argument("--captain-think", type=float, default=3.0, help="mean pause between a captain's registrations, s")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (per instance with --instances)")
    parser.add_argument(
        "--instances", type=int, default=0, help="N instances behind nginx (deploy/serve-instances); 0: one gunicorn"
    )
    parser.add_argument(
        "--redis-url", help="with --instances: the Redis they share (rate limits, jobs), e.g. redis://127.0.0.1:6379/13"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.instances and not (args.redis_url and (args.database_url or "").startswith("postgresql")):
        parser.error("--instances needs --database-url on PostgreSQL and --redis-url: the instances share both")
    if args.judges + 2 < JUDGES_PER_TEAM:
        parser.error(
            f"--judges must be at least {JUDGES_PER_TEAM - 2}: with the two judges the setup adds, "
            f"the round needs {JUDGES_PER_TEAM} for each team"
        )
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-load-"))
    url = args.database_url or f"sqlite:///{folder / 'load.db'}"
    figures: dict = {
        "database": url.split(":")[0].split("+")[0],
        "seconds": args.seconds,
        "teams": args.teams,
        "judges": args.judges,
        "captains": args.captains,
        "think_s": args.think,
        "captain_think_s": args.captain_think,
        "workers": args.workers,
        "instances_behind_nginx": args.instances or None,
        "load_average_at_start": load_average(),
    }
    app = fresh_app(url, PASSWORD_HASH_METHOD=FAST_HASH)
    database = DatabaseCpu(url)
    try:
        setup_figures, plan = setup(
            app,
            Namespace(
                teams=args.teams, judges=args.judges + 2, k=JUDGES_PER_TEAM, clients=args.judges, dashboard_load=0, seed=args.seed
            ),
        )
        figures["setup_s"] = setup_figures["total_s"]
        with app.app_context():
            emails, work = judges_work(plan)
            # The judged contest's registration closed when its round opened: captains register for the next one.
            open_contest = open_next_season(utcnow())
            captains = [
                create_user(
                    email=f"captain{index:03d}@load.bench.laurel",
                    name=f"队长{index:03d}",
                    password=CAPTAIN_PASSWORD,
                    role=CAPTAIN,
                    now=utcnow(),
                ).email
                for index in range(args.captains)
            ]
            db.session.commit()
            open_contest_id = open_contest.id
            db.session.remove()
            db.engine.dispose()
        per_captain = int(args.seconds / (args.captain_think * 0.5)) + 1  # more than a captain can send in the time
        payloads = [[api_payload(plan["factory"].team()) for _ in range(per_captain)] for _ in captains]
        register_path = f"/api/v1/contests/{open_contest_id}/teams"
        pages = [
            f"/rounds/{plan['round_id']}/progress",
            f"/contests/{plan['contest_id']}/teams",
            f"/contests/{plan['contest_id']}/registrations",
        ]
        serving = (
            served_instances(url, args.redis_url, instances=args.instances, workers=args.workers)
            if args.instances
            else gunicorn(url, workers=args.workers)
        )
        with serving as (base, log_path):
            judge_tokens = [token_for(base, emails[judge_id], JUDGE_PASSWORD) for judge_id in plan["http_judges"]]
            captain_tokens = [token_for(base, email, CAPTAIN_PASSWORD) for email in captains]
            clients = (
                [
                    ("judge", base, token, mine, args.seed + index, args.think)
                    for index, (token, mine) in enumerate(zip(judge_tokens, work, strict=True))
                ]
                + [
                    ("captain", base, token, register_path, mine, args.captain_think, args.seed + 500 + index)
                    for index, (token, mine) in enumerate(zip(captain_tokens, payloads, strict=True))
                ]
                + [("organizer", base, pages, args.seed + 900, args.think)]
            )
            cpu_before = database.snapshot()
            outputs, wall = run_clients(_client, clients, args.seconds, start_timeout=180)
            saves = sum(out.get("statuses", Counter()).get(200, 0) for out in outputs[: args.judges])
            spent = database.spent(cpu_before, saves)
            figures["database_cpu"] = {
                "db_cpu_ms_per_save": spent["db_cpu_ms_per_request"],
                "all_postgres_cpu_ms_per_save": spent["all_postgres_cpu_ms_per_request"],
                "note": "the database's CPU for every request of the run (saves, registrations, pages) over the saves: "
                "an upper bound of a save's",
            }
            figures["server"] = _server_problems(log_path)
    finally:
        database.close()
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(app.instance_path, ignore_errors=True)
    judges, captains_out, organizer = outputs[: args.judges], outputs[args.judges : args.judges + args.captains], outputs[-1:]
    figures["wall_s"] = round(wall, 1)
    figures["sheet_saves"] = _summary(judges, wall, latencies_of=lambda out: out.get("draft", []) + out.get("submit", []))
    figures["sheet_saves"]["wrong_answers"] = sum(out.get("wrong", 0) for out in judges)
    figures["sheet_saves"]["sheets_submitted"] = sum(out.get("submitted", 0) for out in judges)
    figures["registrations"] = _summary(captains_out, wall, latencies_of=lambda out: out.get("latencies", []), ok_status=201)
    figures["organizer_pages"] = _summary(organizer, wall, latencies_of=lambda out: out.get("latencies", []))
    figures["organizer_pages"]["per_page"] = organizer[0].get("per_page", {}) if organizer else {}
    errors = sum(figures[kind]["errors"] for kind in ("sheet_saves", "registrations", "organizer_pages"))
    save_p95 = (figures["sheet_saves"]["latency"] or {}).get("p95_ms")
    figures["targets"] = {
        "errors": errors,
        "no_errors_met": errors == 0 and not figures["server"]["tracebacks"],
        "save_p95_ms_under": TARGET_SAVE_P95_MS,
        "save_p95_met": save_p95 is not None and save_p95 < TARGET_SAVE_P95_MS,
    }
    figures["total_s"] = round(time.perf_counter() - started, 1)
    report("load", figures)
    return 0
