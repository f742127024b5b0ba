"""A whole season of every track on PostgreSQL: 130,000 teams over the national challenge's tracks and the
2,919 colleges of the national list, and the pages that must stay fast at that size.

    python -m bench season --database-url postgresql+psycopg://USER@HOST/DB [--teams 130000] [--judges 1000]

A season is one contest with ten tracks (a `Track` each: its own team numbers, and the lists filter by it),
as the national challenge runs them; the colleges list is the national one.

1. Registration through the services: the colleges list imported, the contest created, and every team
   imported with `import_teams`, 2,000 per call and commit (`bench.populate`); teams per second.
2. The national round (`bench.season_round`): 1 in 20 teams rejected and 2 waiting, the rest approved and
   entered; judges through `create_user`, 5 per team; entries, assignments and submitted sheets written in bulk
   (setup). Then `compute_round_results`, the service a job runs, timed.
3. Pages against gunicorn (2 workers), each `--repeat` times in a row after one warm-up request: p50/p95,
   and per request the CPU of gunicorn and of the database's server processes (from /proc, so PostgreSQL
   needs no extension): the organizer's team list (first page, a track, a status, a province, a college,
   a student's name, a team's name), listTeams, a coordinator's list of their (big) college, the results
   page (first page, a filtered and sorted page) and getResults (a page of 200).
4. The registrations export of every track, as a job (`bench.season_export`).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, select

from app.auth.services import create_user
from app.extensions import db
from app.models import COORDINATOR, College, Contest, Round, Team, TeamMember, User, utcnow
from app.results import services as results_services
from bench.common import (
    HttpClient,
    analyze_without_autovacuum,
    database_cpu_seconds,
    fresh_app,
    gunicorn,
    load_average,
    peak_memory_mb,
    print_table,
    report,
    server_cpu_seconds,
)
from bench.judging import FAST_HASH, form_login, token_for
from bench.populate import CONTEST_NAME, ORGANIZER_EMAIL, ORGANIZER_PASSWORD, open_contest, populate
from bench.registration import repeat_get
from bench.season_export import TARGET_DONE_S, TARGET_MEMORY_MB, TARGET_START_MS, registrations_export
from bench.season_round import scored_round

TARGET_PAGE_P95_MS = 200.0
COORDINATOR_EMAIL = "coordinator@bench.laurel"
COORDINATOR_PASSWORD = "bench-password-2"
#: The national challenge's tracks in one season, and the share of the teams each draws.
SEASON_TRACKS = [
    ({"code": "CG", "name": "常规赛", "kind": "regular"}, 40),
    ({"code": "CB", "name": "跨境电商实战赛", "kind": "practical"}, 12),
    ({"code": "XC", "name": "乡村振兴实战赛", "kind": "practical"}, 10),
    ({"code": "AI", "name": "人工智能实战赛", "kind": "practical"}, 9),
    ({"code": "CJ", "name": "产教融合实战赛", "kind": "practical"}, 8),
    ({"code": "WL", "name": "文旅实战赛", "kind": "practical"}, 6),
    ({"code": "GM", "name": "国际贸易实战赛", "kind": "practical"}, 5),
    ({"code": "SJ", "name": "数字经济实战赛", "kind": "practical"}, 4),
    ({"code": "BL", "name": "品牌营销实战赛", "kind": "practical"}, 3),
    ({"code": "LY", "name": "绿色低碳实战赛", "kind": "practical"}, 3),
]


def coordinator_of_biggest_college(contest_id: int) -> dict:
    """A coordinator (create_user) of the college with the most teams; committed."""
    college_id, teams = db.session.execute(
        select(Team.college_id, func.count(Team.id))
        .where(Team.contest_id == contest_id, Team.college_id.is_not(None))
        .group_by(Team.college_id)
        .order_by(func.count(Team.id).desc())
        .limit(1)
    ).one()
    create_user(
        email=COORDINATOR_EMAIL,
        name="协调员 Bench",
        password=COORDINATOR_PASSWORD,
        role=COORDINATOR,
        contest_id=contest_id,
        college_id=college_id,
        now=utcnow(),
    )
    db.session.commit()
    return {"college_id": college_id, "college": db.session.get(College, college_id).name, "teams": teams}


EMPTY_CONTEST_NAME = "预热 Warm-up (bench)"


def empty_contest() -> int:
    """A contest with no team, whose exports warm the servers up before the one measured; committed."""
    contest_id = db.session.scalar(select(Contest.id).where(Contest.name == EMPTY_CONTEST_NAME))
    if contest_id is None:
        contest_id = open_contest(EMPTY_CONTEST_NAME, utcnow()).id
        db.session.commit()
    return contest_id


def compute_results(round_id: int) -> dict:
    """`compute_round_results` of the whole round, as the job runs it, and its commit."""
    round_ = db.session.get(Round, round_id)
    started = time.perf_counter()
    snapshot = results_services.compute_round_results(round_, confirm=True, actor=None, now=utcnow())
    db.session.commit()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "teams": snapshot.teams,
        "sheets": snapshot.sheets,
        "analyze_without_autovacuum_s": round(analyze_without_autovacuum(), 2),  # before the pages read the results
    }


def season_samples(contest_id: int) -> dict:
    """A team's name that exists, to search for."""
    return {"team_name": db.session.scalar(select(Team.name).where(Team.contest_id == contest_id).order_by(Team.id).limit(1))}


def measured(base: str, database_url: str, client: HttpClient, path: str, repeat: int) -> dict:
    """`path` `repeat` times in a row after one warm-up: latency, and the CPU per request of the app server
    and of the database (None on SQLite, where the database's work is the app server's)."""
    client.request("GET", path)
    database_before, server_before = database_cpu_seconds(database_url), server_cpu_seconds(base)
    figures, body = repeat_get(client, path, repeat)
    database_after, server_after = database_cpu_seconds(database_url), server_cpu_seconds(base)

    def per_request(before, after):
        return None if before is None or after is None else round((after - before) * 1000 / repeat, 1)

    figures.update(
        path=path,
        bytes=len(body),
        db_cpu_ms=per_request(database_before, database_after),
        server_cpu_ms=per_request(server_before, server_after),
        meets_target=figures.get("p95_ms") is not None and figures["p95_ms"] < TARGET_PAGE_P95_MS and not figures["errors"],
    )
    return figures


def page_paths(contest_id: int, round_id: int, samples: dict, coordinator: dict) -> dict[str, tuple[str, str]]:
    """Each measured page: (who asks, path)."""
    teams = f"/contests/{contest_id}/teams"
    return {
        "teams_first_page": ("organizer", teams),
        "teams_track": ("organizer", f"{teams}?track=AI"),
        "teams_status": ("organizer", f"{teams}?status=submitted"),
        "teams_province": ("organizer", f"{teams}?" + urlencode({"province": "浙江省"})),
        "teams_college": ("organizer", f"{teams}?college_id={coordinator['college_id']}"),
        "teams_search_student": ("organizer", f"{teams}?" + urlencode({"q": samples["student"]})),
        "teams_search_team_name": ("organizer", f"{teams}?" + urlencode({"q": samples["team_name"]})),
        "list_teams_api": ("api", f"/api/v1{teams}"),
        "list_teams_api_search": ("api", f"/api/v1{teams}?" + urlencode({"q": samples["student"]})),
        "coordinator_college": ("coordinator", teams),
        "coordinator_search": ("coordinator", f"{teams}?" + urlencode({"q": samples["student"]})),
        "results_first_page": ("organizer", f"/rounds/{round_id}/results"),
        "results_filtered_sorted": (
            "organizer",
            f"/rounds/{round_id}/results?" + urlencode({"province": "广东省", "sort": "spread"}),
        ),
        "get_results_api_200": ("api", f"/api/v1/rounds/{round_id}/results?per_page=200"),
    }


def pages(database_url: str, paths: dict[str, tuple[str, str]], repeat: int) -> dict:
    figures: dict = {}
    with gunicorn(database_url, workers=2) as (base, _log):
        clients = {
            "organizer": form_login(base, ORGANIZER_EMAIL, ORGANIZER_PASSWORD),
            "coordinator": form_login(base, COORDINATOR_EMAIL, COORDINATOR_PASSWORD),
            "api": HttpClient(base, headers={"Authorization": f"Bearer {token_for(base, ORGANIZER_EMAIL, ORGANIZER_PASSWORD)}"}),
        }
        try:
            for name, (who, path) in paths.items():
                figures[name] = {"as": who, **measured(base, database_url, clients[who], path, repeat)}
                print(f"  {name}: p95 {figures[name].get('p95_ms')} ms", file=sys.stderr)
        finally:
            for client in clients.values():
                client.close()
    return figures


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 60 --judges 10 --repeat 3".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench season")
    parser.add_argument("--database-url", help="PostgreSQL (emptied first); a throwaway SQLite file when not given")
    parser.add_argument("--teams", type=int, default=130_000)
    parser.add_argument("--judges", type=int, default=1000)
    parser.add_argument("--k", type=int, default=5, help="judges per team")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--chunk", type=int, default=2000, help="teams per import_teams call (one commit each)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--redis-url", help="the jobs' Redis (the export runs in a worker); none: no job queue")
    parser.add_argument(
        "--reuse", action="store_true", help="measure again the season a previous run left at --database-url (not emptied)"
    )
    args = parser.parse_args(argv)
    if args.reuse and not args.database_url:
        parser.error("--reuse needs --database-url")
    if not args.database_url:
        print("bench season: no --database-url, so SQLite: the figures that matter are PostgreSQL's", file=sys.stderr)
    started = time.perf_counter()
    figures: dict = {"teams_asked": args.teams, "tracks": len(SEASON_TRACKS), "load_average_at_start": load_average()}
    app = fresh_app(args.database_url, empty=not args.reuse, PASSWORD_HASH_METHOD=FAST_HASH)
    try:
        return _run(app, args, figures, started)
    finally:
        shutil.rmtree(app.instance_path, ignore_errors=True)  # the throwaway instance: one mail per team, the SQLite file


def build(app, args, figures: dict) -> tuple[int, int, dict]:
    """Register the season's teams and set up and compute its round; returns (contest id, round id, samples)."""
    population = populate(
        app,
        args.teams,
        args.seed,
        chunk=args.chunk,
        tracks=[track for track, _share in SEASON_TRACKS],
        track_weights=[share for _track, share in SEASON_TRACKS],
    )
    registration = {key: value for key, value in population.figures.items() if key != "chunks"}
    figures["registration"] = registration
    print(f"registered {registration['teams']} teams at {registration['teams_per_second']}/s", file=sys.stderr)
    with app.app_context():
        round_id, figures["round_setup"] = scored_round(population.contest_id, judges=args.judges, k=args.k, seed=args.seed)
        figures["coordinator"] = coordinator_of_biggest_college(population.contest_id)
        figures["compute_results"] = compute_results(round_id)
        student = next((name for name in population.sample_student_names if len(name) >= 3), population.sample_student_names[0])
        samples = {"student": student, **season_samples(population.contest_id)}
        db.session.remove()
        db.engine.dispose()
    return population.contest_id, round_id, samples


def reuse(app, figures: dict) -> tuple[int, int, dict]:
    """The season a previous run left in the database: its round's results computed again, nothing else written."""
    with app.app_context():
        contest_id = db.session.scalar(select(Contest.id).where(Contest.name == CONTEST_NAME))
        round_id = db.session.scalar(select(Round.id).where(Round.contest_id == contest_id))
        coordinator = db.session.scalar(select(User).where(User.email == COORDINATOR_EMAIL))
        college_id = coordinator.roles[0].college_id
        teams = db.session.scalar(select(func.count(Team.id)).where(Team.college_id == college_id))
        figures["coordinator"] = {"college_id": college_id, "college": db.session.get(College, college_id).name, "teams": teams}
        figures["registration"] = {"teams": db.session.scalar(select(func.count(Team.id))), "reused": True}
        figures["compute_results"] = compute_results(round_id)
        student = db.session.scalar(
            select(TeamMember.name).where(func.length(TeamMember.name) >= 3).order_by(TeamMember.id).limit(1)
        )
        samples = {"student": student, **season_samples(contest_id)}
        db.session.remove()
        db.engine.dispose()
    return contest_id, round_id, samples


def _run(app, args, figures: dict, started: float) -> int:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    figures["database"] = url.split(":")[0]
    contest_id, round_id, samples = reuse(app, figures) if args.reuse else build(app, args, figures)
    figures["samples"] = samples
    print(f"results computed in {figures['compute_results']['seconds']} s; pages…", file=sys.stderr)
    figures["pages"] = pages(url, page_paths(contest_id, round_id, samples, figures["coordinator"]), args.repeat)
    print("pages done; the registrations export…", file=sys.stderr)
    with app.app_context():
        empty_contest_id = empty_contest()
        db.session.remove()
        db.engine.dispose()
    figures["export"] = registrations_export(url, args.redis_url, contest_id, empty_contest_id, Path(app.instance_path))
    figures["targets"] = {
        "page_p95_ms_under": TARGET_PAGE_P95_MS,
        "pages_met": all(page["meets_target"] for page in figures["pages"].values()),
        "missed": [name for name, page in figures["pages"].items() if not page["meets_target"]],
        "export_done_s_under": TARGET_DONE_S,
        "export_memory_mb_under": TARGET_MEMORY_MB,
        "export_start_ms_under": TARGET_START_MS,
        "export_met": figures["export"]["met"],
    }
    figures["total_s"] = round(time.perf_counter() - started, 1)
    figures["load_average_at_end"] = load_average()
    figures["peak_memory_mb"] = peak_memory_mb()
    rows = [
        {
            "step": "register teams (import_teams, 2,000 per call)",
            "teams_per_s": figures["registration"].get("teams_per_second"),
            "seconds": figures["registration"].get("seconds"),
        },
        {"step": "compute the round's results (service)", "seconds": figures["compute_results"]["seconds"]},
        *({"step": f"{name} ({page['as']})", **page} for name, page in figures["pages"].items()),
        {
            "step": f"registrations export, all tracks ({figures['export']['how'].split(':')[0]})",
            "seconds": figures["export"].get("done_s"),
            "start_ms": figures["export"].get("start_request_ms"),
            "peak_mb": figures["export"].get("worker_peak_mb"),
        },
    ]
    print_table(
        rows,
        [
            ("step", f"{figures['registration']['teams']} teams, {figures['database']}"),
            ("seconds", "s"),
            ("teams_per_s", "teams/s"),
            ("p50_ms", "p50 ms"),
            ("p95_ms", "p95 ms"),
            ("db_cpu_ms", "DB CPU ms/req"),
            ("server_cpu_ms", "app CPU ms/req"),
            ("start_ms", "start ms"),
            ("peak_mb", "peak MB"),
        ],
    )
    report("season", figures)
    return 0
