"""Telling every team its result: the request that publishes a 10,000-team round, and the job that queues and
sends the 10,000 mails.

    python -m bench mails [--teams 10000] [--database-url URL]

1. A closed round of `--teams` teams with computed results (written straight into a fresh database: the bench
   measures the publication, not what comes before it), each team with a captain and two members.
2. The organizer publishes it through the API with a notice and `tell_teams` (target: the request returns in
   under 1 s). The job it starts is held, not run, so that the request is timed alone.
3. The job's first step writes one queued row per team (target: 10,000 in under 5 s); its second sends them
   into the outbox folder (no SMTP server, so no pace: the job's own cost per mail).
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from app.announcements.sending import queue_rows, send_queued
from app.auth.services import create_user
from app.extensions import db
from app.models import (
    CLOSED,
    ORGANIZER,
    College,
    Contest,
    Entry,
    Job,
    Result,
    ResultMail,
    ResultSnapshot,
    Round,
    Track,
    utcnow,
)
from bench.common import fresh_app, load_average, report
from bench.teams import insert_approved_teams

TARGET_PUBLISH_S = 1.0
TARGET_QUEUED_S = 5.0
PASSWORD = "bench-password-1"


class HeldQueue:
    """Keeps the jobs handed over, for the bench to run them itself, timed apart from the request."""

    def __init__(self):
        self.job_ids: list[str] = []

    def submit(self, job_id: str) -> None:
        self.job_ids.append(job_id)

    def drain(self, timeout: float = 0) -> None:
        """Nothing runs here."""


def build(app, teams: int) -> int:
    """The contest, its organizer, and a closed round whose results are computed; the round's id."""
    with app.app_context():
        now = utcnow()
        create_user(email="organizer@mails.bench", name="组委会", password=PASSWORD, role=ORGANIZER, now=now)
        contest = Contest(
            name="全国大学生电子商务挑战赛",
            year=now.year,
            language="zh",
            registration_opens_at=now - timedelta(days=60),
            registration_closes_at=now - timedelta(days=30),
        )
        college = College(code="BENCH", name="浙江大学", country="CN")
        db.session.add_all([contest, college])
        db.session.flush()
        track = Track(contest_id=contest.id, code="CB", name="跨境电商")
        round_ = Round(contest_id=contest.id, name="省赛", level="provincial", status=CLOSED, closed_at=now - timedelta(hours=2))
        db.session.add_all([track, round_])
        db.session.flush()
        team_ids = insert_approved_teams(contest, track, college, list(range(1, teams + 1)), "2026-CB")
        db.session.execute(
            insert(Entry), [{"round_id": round_.id, "team_id": team_id, "code": f"E{team_id:06d}"} for team_id in team_ids]
        )
        db.session.add(
            ResultSnapshot(round_id=round_.id, computed_at=now - timedelta(hours=1), rule={"method": "mean"}, teams=teams)
        )
        db.session.execute(
            insert(Result),
            [
                {"round_id": round_.id, "team_id": team_id, "score": Decimal(90) - Decimal(rank) / 1000, "rank": rank}
                for rank, team_id in enumerate(team_ids, start=1)
            ],
        )
        db.session.commit()
        return round_.id


def publish_phase(app, round_id: int) -> tuple[dict, str]:
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"email": "organizer@mails.bench", "password": PASSWORD}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    response = client.post(
        f"/api/v1/rounds/{round_id}/publish",
        json={"notice": {"days": 5, "calendar": "calendar"}, "tell_teams": True},
        headers=headers,
    )
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"publishing failed: {response.status_code} {response.get_data(as_text=True)[:500]}")
    held = app.extensions["laurel_job_queue"]
    return {"status": response.status_code, "seconds": round(seconds, 3), "target_met": seconds < TARGET_PUBLISH_S}, held.job_ids[
        -1
    ]


def job_phase(app, round_id: int, job_id: str) -> dict:
    with app.test_request_context("/"):
        job = db.session.get(Job, job_id)
        round_ = db.session.get(Round, round_id)
        started = time.perf_counter()
        queued = queue_rows(round_, job.params["occasion"], now=utcnow())
        queued_s = time.perf_counter() - started
        started = time.perf_counter()
        tally = send_queued(round_, job.params["occasion"])
        sent_s = time.perf_counter() - started
        states = dict(db.session.execute(select(ResultMail.state, func.count()).group_by(ResultMail.state)).all())
    return {
        "queued": queued,
        "queued_s": round(queued_s, 3),
        "queued_target_met": queued_s < TARGET_QUEUED_S,
        "sent": tally.sent,
        "send_s": round(sent_s, 2),
        "mails_per_s": round(tally.sent / sent_s, 1) if sent_s else None,
        "states": states,
    }


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = ["--teams", "5"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench mails")
    parser.add_argument("--teams", type=int, default=10_000)
    parser.add_argument("--database-url", help="a PostgreSQL database to empty and use (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    app = fresh_app(args.database_url, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000", RATELIMIT_ENABLED=False)
    app.extensions["laurel_job_queue"] = HeldQueue()
    try:
        round_id = build(app, args.teams)
        load_before = load_average()
        published, job_id = publish_phase(app, round_id)
        figures = {
            "teams": args.teams,
            "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0],
            "load_before": load_before,
            "publish_request": published,
            "job": job_phase(app, round_id, job_id),
            "load_after": load_average(),
            "targets": {"publish_s_under": TARGET_PUBLISH_S, "queued_s_under": TARGET_QUEUED_S},
        }
    finally:
        shutil.rmtree(app.instance_path, ignore_errors=True)  # the run's instance: its SQLite file and outbox
    report("mails", figures)
    return 0
