"""Throughput against 1, 2 and 4 instances on one database: registrations and sheet saves over HTTP, each
against a bare Flask insert on the same database, and the database's CPU per request.

    python -m bench instances --database-url postgresql+psycopg://.../scratch [--instances 1,2,4] [--clients 8]
                              [--seconds 8] [--teams 3000] [--workers 2]

1. A contest of `--teams` imported teams, approved, and an open round of `--k` judges per team
   (`bench.judging.setup`, `--clients` judges saving over HTTP), and a second contest open for
   registration (the organizer registers teams into it, as `bench registration` does). The database is
   emptied first: give it a scratch database. Without `--database-url`, a fresh SQLite file.
2. For each count N of `--instances`: N gunicorn instances of Laurel (gunicorn.conf.py: threaded workers,
   `--workers` each) and N of the floor (`bench/floor_app.py`, the same settings), all on loopback. The
   `--clients` clients go straight to the instances, client i to instance i mod N (round-robin, no proxy:
   the proxy's own cost is left out, and it would share the same 2 cores), back to back, for `--seconds`
   each phase, in turn: registerTeam, saveScoreSheet (draft, draft, submit; versions chained; each phase on
   sheets no phase touched), the floor's insert.
3. The database's CPU per request: utime + stime, from /proc, of the PostgreSQL backends serving this
   database (its pids in pg_stat_activity), before and after each phase, over the requests answered; also
   every `postgres` process of the machine (other databases' work included). And what that implies, as
   arithmetic: the requests a second that a database host of `--db-cores` cores at 70% would serve, if the
   database were all that limited them.
Prints a table, then the JSON.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from argparse import Namespace
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import create_engine, text

from app.demo.people import api_payload
from app.extensions import db
from app.models import utcnow
from bench.common import ROOT, fresh_app, gunicorn, load_average, report, run_clients, server_cpu_seconds, summary_ms
from bench.floor_app import create_postgres_table, create_table
from bench.judging import FAST_HASH, JUDGE_PASSWORD, _judge_loop, judges_work, setup, token_for
from bench.national import _floor_loop
from bench.populate import ORGANIZER_EMAIL, ORGANIZER_PASSWORD, open_next_season
from bench.registration import _register_loop, _server_problems

#: The share of a database host's cores the capacity arithmetic assumes it may use.
DB_HOST_LOAD = 0.7


def _proc_cpu(pid: int) -> float | None:
    """utime + stime of process `pid`, in seconds; None when it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_pids() -> list[int]:
    """Every process of the machine named `postgres` (the server and all its backends)."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return pids


class DatabaseCpu:
    """The CPU PostgreSQL spends, read from /proc: the backends of one database, and every postgres process."""

    def __init__(self, url: str):
        self.engine = create_engine(url) if url.startswith("postgresql") else None

    def backends(self) -> list[int]:
        with self.engine.connect() as connection:
            return list(connection.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")))

    def snapshot(self) -> dict[int, float] | None:
        if self.engine is None or not Path("/proc/self/stat").exists():
            return None
        return {pid: cpu for pid in _postgres_pids() if (cpu := _proc_cpu(pid)) is not None}

    def spent(self, before: dict[int, float] | None, requests: int) -> dict:
        """ms of CPU per request since `before`: this database's backends, and every postgres process.
        A process started since counts from 0; one that ended since is lost (pooled connections stay)."""
        if before is None or not requests:
            return {"db_cpu_ms_per_request": None, "all_postgres_cpu_ms_per_request": None}
        after = self.snapshot() or {}
        ours = self.backends()
        database = sum(after.get(pid, 0.0) - before.get(pid, 0.0) for pid in ours)
        everything = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
        return {
            "db_cpu_ms_per_request": round(database * 1000 / requests, 3),
            "all_postgres_cpu_ms_per_request": round(everything * 1000 / requests, 3),
            "db_backends": len(ours),
        }

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def _phase(kind: str, clients: list[tuple], seconds: float, servers: list[str], database: DatabaseCpu) -> dict:
    """One phase of `clients` at once for `seconds`; throughput, latency, and the CPU it cost the database
    and the servers (ms per request answered)."""
    loop = {"registration": _register_loop, "saves": _judge_loop, "floor": _floor_loop}[kind]
    ok_status = 201 if kind == "registration" else 200
    db_before = database.snapshot()
    servers_before = [server_cpu_seconds(base) for base in servers]
    outputs, wall = run_clients(loop, clients, seconds, start_timeout=120)
    statuses: Counter[int] = sum((out.get("statuses", Counter()) for out in outputs), Counter())
    ok = statuses.get(ok_status, 0)
    latencies = [value for out in outputs for value in out.get("latencies", []) + out.get("draft", []) + out.get("submit", [])]
    servers_after = [server_cpu_seconds(base) for base in servers]
    server_cpu = (
        None
        if None in servers_before + servers_after or not ok
        else round((sum(servers_after) - sum(servers_before)) * 1000 / ok, 3)  # type: ignore[arg-type]
    )
    return {
        "clients": len(clients),
        "requests": sum(statuses.values()),
        "ok": ok,
        "errors": sum(statuses.values()) - ok,
        "wrong_answers": sum(out.get("wrong", 0) for out in outputs),
        "per_s": round(ok / wall, 1) if wall else None,
        "latency": summary_ms(latencies) if latencies else None,
        "servers_cpu_ms_per_request": server_cpu,
        **database.spent(db_before, ok),
        "error_samples": [error for out in outputs for error in out.get("errors", [])][:3],
    }


def _prepare(app, args) -> dict:
    """The judged round, the judges' work, and an open contest for registrations."""
    _setup_figures, plan = setup(
        app,
        Namespace(teams=args.teams, judges=args.clients + 2, k=args.k, clients=args.clients, dashboard_load=0, seed=args.seed),
    )
    with app.app_context():
        emails, work = judges_work(plan)
        contest = open_next_season(utcnow())
        db.session.commit()
        open_contest_id = contest.id
        db.session.remove()
        db.engine.dispose()
    return {
        "plan": plan,
        "emails": [emails[judge_id] for judge_id in plan["http_judges"]],
        "work": work,
        "contest": open_contest_id,
    }


def _table(phases: dict) -> str:
    lines = [
        "instances | registrations/s (p95 ms) | saves/s (p95 ms) | floor inserts/s | registration/floor | save/floor "
        "| DB CPU ms: registration, save, floor insert",
        "---|---|---|---|---|---|---",
    ]
    for count, phase in phases.items():
        registration, saves, floor = phase["registration"], phase["saves"], phase["floor"]
        lines.append(
            f"{count} | {registration['per_s']} ({(registration['latency'] or {}).get('p95_ms')}) | "
            f"{saves['per_s']} ({(saves['latency'] or {}).get('p95_ms')}) | {floor['per_s']} | "
            f"{phase['registration_share_of_floor']} | {phase['save_share_of_floor']} | "
            f"{registration['db_cpu_ms_per_request']}, {saves['db_cpu_ms_per_request']}, {floor['db_cpu_ms_per_request']}"
        )
    return "\n".join(lines)


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 30 --k 2 --instances 1,2 --clients 2 --seconds 1 --workers 1".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench instances")
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (emptied first); default a fresh SQLite file")
    parser.add_argument("--instances", default="1,2,4", help="instance counts, one phase set each")
    parser.add_argument("--clients", type=int, default=8, help="clients at once in every phase, round-robin over the instances")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each phase")
    parser.add_argument("--teams", type=int, default=3000)
    parser.add_argument("--k", type=int, default=5, help="judges per team")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance (threads: gunicorn.conf.py)")
    parser.add_argument("--db-cores", type=int, default=16, help="the database host of the capacity arithmetic")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    counts = [int(value) for value in args.instances.split(",") if value.strip()]
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-instances-"))
    url = args.database_url or f"sqlite:///{folder / 'instances.db'}"
    figures: dict = {
        "database": url.split(":")[0].split("+")[0],
        "clients": args.clients,
        "routing": "client i to instance i mod N, direct (no proxy)",
        "workers_per_instance": args.workers,
        "threads_per_worker": "gunicorn.conf.py (8)",
        "seconds_per_phase": args.seconds,
        "teams": args.teams,
        "load_average_at_start": load_average(),
    }
    app = fresh_app(url, PASSWORD_HASH_METHOD=FAST_HASH)
    database = DatabaseCpu(url)
    try:
        prepared = _prepare(app, args)
        floor_env = {"GUNICORN_CMD_ARGS": f"--config {ROOT / 'gunicorn.conf.py'}"}
        if url.startswith("postgresql"):
            create_postgres_table(url)
            floor_env["FLOOR_DATABASE_URL"] = url
        else:
            create_table(str(folder / "floor.db"))
            floor_env["FLOOR_DATABASE"] = str(folder / "floor.db")
        factory = prepared["plan"]["factory"]
        register_path = f"/api/v1/contests/{prepared['contest']}/teams"
        slices = [[mine[index :: len(counts)] for mine in prepared["work"]] for index in range(len(counts))]
        phases: dict = {}
        problems: Counter[str] = Counter()
        tokens: list[str] = []
        for index, count in enumerate(counts):
            with ExitStack() as stack:
                laurel = [stack.enter_context(gunicorn(url, workers=args.workers)) for _ in range(count)]
                floors = [
                    stack.enter_context(
                        gunicorn(url, workers=args.workers, extra_env=floor_env, app_spec="floor_app:app", chdir=ROOT / "bench")
                    )
                    for _ in range(count)
                ]
                bases, floor_bases = [base for base, _log in laurel], [base for base, _log in floors]
                if not tokens:
                    organizer = token_for(bases[0], ORGANIZER_EMAIL, ORGANIZER_PASSWORD)
                    tokens = [token_for(bases[0], email, JUDGE_PASSWORD) for email in prepared["emails"]]
                per_client = int(args.seconds * 400 / args.clients) + 1  # more than one client can register in the time
                registering = [
                    (
                        bases[client % count],
                        organizer,
                        register_path,
                        [api_payload(factory.team()) for _ in range(per_client)],
                        0.0,
                        0,
                    )
                    for client in range(args.clients)
                ]
                saving = [
                    (bases[client % count], tokens[client], slices[index][client], args.seed + 100 * index + client, 0.0)
                    for client in range(args.clients)
                ]
                inserting = [(floor_bases[client % count], index * 100 + client) for client in range(args.clients)]
                phase = {
                    "registration": _phase("registration", registering, args.seconds, bases, database),
                    "saves": _phase("saves", saving, args.seconds, bases, database),
                    "floor": _phase("floor", inserting, args.seconds, floor_bases, database),
                }
                for kind in ("registration", "saves"):
                    floor_rate = phase["floor"]["per_s"]
                    phase[f"{'save' if kind == 'saves' else kind}_share_of_floor"] = (
                        round(phase[kind]["per_s"] / floor_rate, 2) if floor_rate else None
                    )
                phases[count] = phase
                for _base, log in laurel:
                    problems.update({key: value for key, value in _server_problems(log).items() if isinstance(value, int)})
        figures["phases"] = phases
        figures["server"] = dict(problems)
    finally:
        database.close()
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(app.instance_path, ignore_errors=True)
    figures["capacity"] = _capacity(phases, args.db_cores)
    figures["total_s"] = round(time.perf_counter() - started, 1)
    figures["load_average_at_end"] = load_average()
    print(_table(phases))
    report("instances", figures)
    return 0


def _capacity(phases: dict, cores: int) -> dict:
    """Arithmetic, not a measurement: the requests a second that `cores` database cores at 70% would serve if
    the database's CPU per request stayed as measured here (the highest of the phases) and nothing else limited."""
    capacity: dict = {"db_cores": cores, "db_host_load": DB_HOST_LOAD}
    for kind, name in (("registration", "registration"), ("saves", "save")):
        costs = [phase[kind]["db_cpu_ms_per_request"] for phase in phases.values() if phase[kind]["db_cpu_ms_per_request"]]
        capacity[f"db_cpu_ms_per_{name}"] = max(costs) if costs else None
        capacity[f"{name}s_per_s"] = round(cores * DB_HOST_LOAD * 1000 / max(costs)) if costs else None
    return capacity
