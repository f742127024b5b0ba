"""A national-scale database: the real colleges list, one contest with two tracks, an organizer,
and N realistic teams imported through the real import code (`import_teams`), in chunks.

    python -m bench populate --teams 10000 [--out bench/out/national.db | --database-url URL] [--seed 1]

Reusable: `populate(app, teams=..., seed=...)` fills a fresh app's database and returns a
`Population` (the contest, the organizer's login, sample names, and the `TeamFactory`, which
keeps generating new, valid teams whose students collide with none already made).
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from app.auth.services import create_user
from app.colleges.services import NATIONAL_LIST, import_colleges
from app.contests.services import create_contest, with_defaults
from app.demo.people import PROVINCE_WEIGHTS, TeamFactory, api_payload, build_team_rows, load_colleges  # noqa: F401 (re-exported)
from app.extensions import db
from app.models import ORGANIZER, Advisor, College, Contest, Team, TeamMember, utcnow
from app.registration.imports import import_teams
from app.spreadsheets import read_table
from bench.common import analyze_without_autovacuum, fresh_app, load_average, peak_memory_mb, report

ORGANIZER_EMAIL = "organizer@bench.laurel"
ORGANIZER_PASSWORD = "bench-password-1"
CONTEST_NAME = "全国大学生电子商务“创新、创意及创业”挑战赛（基准）"
TRACKS = [{"code": "CG", "name": "常规赛", "kind": "regular"}, {"code": "CB", "name": "跨境电商实战赛", "kind": "practical"}]


@dataclass
class Population:
    contest_id: int
    organizer_email: str
    organizer_password: str
    factory: TeamFactory
    figures: dict[str, Any]
    sample_student_names: list[str] = field(default_factory=list)


def open_contest(name: str, now, tracks: list[dict] = TRACKS):
    """A contest named `name` with `tracks` (the national two by default), open for registration from a week
    ago for two months."""
    return create_contest(
        with_defaults(
            {
                "name": name,
                "year": now.year,
                "registration_opens_at": now - timedelta(days=7),
                "registration_closes_at": now + timedelta(days=60),
                "tracks": tracks,
            },
            "Asia/Shanghai",
        ),
        now=now,
        actor=None,
    )


def setup_contest(now=None, tracks: list[dict] = TRACKS) -> tuple[int, Any]:
    """The colleges list, the contest (registration open now) and the organizer; committed."""
    now = now or utcnow()
    with NATIONAL_LIST.open("rb") as handle:
        import_colleges(read_table(handle, NATIONAL_LIST.name), now=now)
    contest = open_contest(CONTEST_NAME, now, tracks)
    organizer = create_user(email=ORGANIZER_EMAIL, name="组委会 Bench", password=ORGANIZER_PASSWORD, role=ORGANIZER, now=now)
    db.session.commit()
    return contest.id, organizer


def populate(
    app,
    teams: int = 10_000,
    seed: int = 1,
    *,
    chunk: int = 2000,
    tracks: list[dict] = TRACKS,
    track_weights: list[float] | None = None,
) -> Population:
    """Fill the (fresh, empty) database of `app` with a national contest and `teams` imported teams.

    With `track_weights` (one per track), each team's track is drawn by them instead of the factory's two.
    The teams are generated chunk by chunk, so that a season of them is never held in memory at once."""
    figures: dict[str, Any] = {}
    with app.app_context():
        started = time.perf_counter()
        contest_id, organizer = setup_contest(tracks=tracks)
        figures["setup_s"] = round(time.perf_counter() - started, 3)
        factory = TeamFactory(load_colleges(), seed=seed, expected_teams=teams)
        pick_track = random.Random(seed)
        codes = [track["code"] for track in tracks]
        generate_s = import_s = commit_s = analyze_s = 0.0
        chunks = []
        sample: list[str] = []  # names that exist, for searches: captains of teams spread over the list
        every = max(1, teams // 20)
        started = time.perf_counter()
        for start in range(0, teams, chunk):
            begun = time.perf_counter()
            part = factory.teams(min(chunk, teams - start))
            if track_weights:
                for team in part:
                    team["track"] = pick_track.choices(codes, track_weights)[0]
            generate_s += time.perf_counter() - begun
            sample += [team["members"][0]["name"] for index, team in enumerate(part, start) if index % every == 0]
            contest = db.session.get(Contest, contest_id)
            table = build_team_rows(part, first_key=start + 1)
            begun = time.perf_counter()
            created = import_teams(contest, table, actor=organizer, now=utcnow())
            middle = time.perf_counter()
            db.session.commit()  # also writes the queued mail (one message per team) to the outbox
            done = time.perf_counter()
            analyze_s += analyze_without_autovacuum("teams", "team_members", "advisors")
            if created != len(part):
                raise RuntimeError(f"imported {created} teams of {len(part)}")
            import_s += middle - begun
            commit_s += done - middle
            chunks.append(
                {
                    "teams": created,
                    "rows": len(table.rows),
                    "import_s": round(middle - begun, 3),
                    "commit_s": round(done - middle, 3),
                }
            )
        seconds = time.perf_counter() - started - generate_s - analyze_s
        members = db.session.scalar(select(func.count(TeamMember.id)))
        advisors = db.session.scalar(select(func.count(Advisor.id)))
        colleges_used = db.session.scalar(select(func.count(func.distinct(Team.college_id))).where(Team.contest_id == contest_id))
        provinces_used = db.session.scalar(
            select(func.count(func.distinct(College.province_id)))
            .join(Team, Team.college_id == College.id)
            .where(Team.contest_id == contest_id)
        )
        team_count = db.session.scalar(select(func.count(Team.id)).where(Team.contest_id == contest_id))
        by_track = dict(
            db.session.execute(
                text("SELECT tracks.code, count(*) FROM teams JOIN tracks ON tracks.id = teams.track_id GROUP BY tracks.code")
            ).all()
        )
        figures.update(
            {
                "generate_s": round(generate_s, 3),
                # PostgreSQL without autovacuum: the statistics refreshed after each chunk, not counted in `seconds`.
                "analyze_s": round(analyze_s, 3),
                "teams": team_count,
                "members": members,
                "advisors": advisors,
                "colleges_used": colleges_used,
                "provinces_used": provinces_used,
                "teams_by_track": by_track,
                "seconds": round(seconds, 3),
                "teams_per_second": round(team_count / seconds, 1) if seconds else None,
                "import_s": round(import_s, 3),
                "commit_s": round(commit_s, 3),
                "chunk": chunk,
                "chunks": chunks,
            }
        )
        db.session.commit()
        db.session.remove()
        if db.engine.dialect.name == "sqlite":  # fold the write-ahead log into the file, for whoever opens it next
            with db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()
    return Population(
        contest_id=contest_id,
        organizer_email=ORGANIZER_EMAIL,
        organizer_password=ORGANIZER_PASSWORD,
        factory=factory,
        figures=figures,
        sample_student_names=sample,
    )


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 20".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench populate")
    parser.add_argument("--teams", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=2000, help="teams per import_teams call (one commit each)")
    parser.add_argument("--out", default="bench/out/national.db", help="SQLite file, created fresh (default %(default)s)")
    parser.add_argument("--database-url", help="use this database instead (emptied first)")
    args = parser.parse_args(argv)
    if args.database_url:
        url = args.database_url
    else:
        out = Path(args.out).resolve()
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_sqlite(out)
        url = f"sqlite:///{out}"
    started = time.perf_counter()
    load_at_start = load_average()
    app = fresh_app(url)
    try:
        population = populate(app, args.teams, args.seed, chunk=args.chunk)
    finally:
        if Path(app.instance_path).is_relative_to(tempfile.gettempdir()):
            shutil.rmtree(app.instance_path, ignore_errors=True)  # the throwaway instance, with one mail per team
    report(
        "populate",
        {
            "database": url if not args.database_url else url.split(":")[0],
            "seed": args.seed,
            "load_average_at_start": load_at_start,
            **population.figures,
            "total_s": round(time.perf_counter() - started, 3),
            "contest_id": population.contest_id,
            "organizer": {"email": population.organizer_email, "password": population.organizer_password},
            "load_average_at_end": load_average(),
            "peak_memory_mb": peak_memory_mb(),
        },
    )
    return 0


def open_next_season(now):
    """A contest whose registration is open, for captains to register in while a judged one is closed (its
    round opened); added to the session, not committed."""
    from datetime import timedelta

    from app.contests.services import create_contest, with_defaults

    return create_contest(
        with_defaults(
            {
                "name": "全国大学生电子商务挑战赛 下一届 Next season",
                "year": now.year + 1,
                "registration_opens_at": now - timedelta(days=1),
                "registration_closes_at": now + timedelta(days=60),
                "tracks": TRACKS,
            },
            "Asia/Shanghai",
        ),
        now=now,
        actor=None,
    )
