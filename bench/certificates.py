"""Certificates: a national final's winners issued and rendered, a provincial round's as one zip made by a job,
and the public verification page.

    python -m bench certificates [--winners 40] [--zip 2000] [--verify 300]

1. `--winners` awards of a published round get their certificates (`issue_certificates`) and each is rendered
   as a PDF, one after another, as the captains' downloads would (target: 40 in under 10 s).
2. `--zip` awards of another round: the `certificates_zip` job runs in a fresh process that does nothing else,
   as an RQ worker's child does; the figures are its time and its peak resident memory (target: 2,000 under
   300 MB, which holds only if the zip is streamed).
3. The verification page `/verify/<code>` is asked `--verify` times for the round's codes, through the app's
   test client (target: p95 under 50 ms).

The teams and awards are written straight into a fresh SQLite database: the bench measures the certificates,
not the registration or the results that come before them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import timedelta

from sqlalchemy import insert, select

from app.auth.services import create_user
from app.certificates.render import render_pdf
from app.certificates.services import issue_certificates
from app.extensions import db
from app.jobs.tasks import jobs_folder
from app.models import ORGANIZER, Award, Certificate, College, Contest, Job, Round, Track, utcnow
from bench.common import ROOT, fresh_app, load_average, percentile, report, summary_ms
from bench.teams import insert_approved_teams

TARGET_WINNERS_S = 10.0
TARGET_ZIP_MB = 300.0
TARGET_VERIFY_P95_MS = 50.0
TIERS = ("special", "first", "second", "third")

#: Runs the zip job in a fresh process (an RQ worker's child does the same): prints its time and peak memory.
MEASURED = r"""
import json, resource, sys, time
from app import create_app
from app.jobs.runner import run_job
from app.extensions import db
from app.models import Job

app = create_app({"TESTING": True, "SECRET_KEY": "bench-" + "x" * 32, "DATABASE_URL": sys.argv[1]})
with app.app_context():
    started = time.perf_counter()
    run_job(sys.argv[2])
    seconds = time.perf_counter() - started
    job = db.session.get(Job, sys.argv[2])
    print(json.dumps({"state": job.state, "error": job.error, "details": job.details, "result_path": job.result_path,
                      "seconds": round(seconds, 2), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def published_round(contest: Contest, track: Track, college: College, name: str, teams: int, first_number: int) -> Round:
    """A published round whose every team has an award, its teams each with three members and an advisor."""
    round_ = Round(contest_id=contest.id, name=name, level="national", status="published")
    db.session.add(round_)
    db.session.flush()
    team_ids = insert_approved_teams(contest, track, college, list(range(first_number, first_number + teams)), "2026-CG")
    db.session.execute(
        insert(Award),
        [{"round_id": round_.id, "team_id": team_id, "tier": TIERS[i % len(TIERS)]} for i, team_id in enumerate(team_ids)],
    )
    return round_


def build(app, winners: int, zipped: int) -> tuple[int, int, int]:
    """The contest, its two published rounds, and the organizer; their ids."""
    with app.app_context():
        now = utcnow()
        organizer = create_user(
            email="organizer@certificates.bench", name="组委会", password="bench-password-1", role=ORGANIZER, now=now
        )
        contest = Contest(
            name="全国大学生电子商务挑战赛",
            year=now.year,
            language="zh",
            registration_opens_at=now - timedelta(days=60),
            registration_closes_at=now - timedelta(days=30),
            certificate_issuer="全国大学生电子商务挑战赛组委会",
        )
        college = College(code="BENCH", name="浙江大学", country="CN")
        db.session.add_all([contest, college])
        db.session.flush()
        track = Track(contest_id=contest.id, code="CG", name="常规赛")
        db.session.add(track)
        db.session.flush()
        final = published_round(contest, track, college, "全国总决赛", winners, 1)
        provincial = published_round(contest, track, college, "省赛", zipped, winners + 1)
        db.session.commit()
        return final.id, provincial.id, organizer.id


def winners_phase(app, round_id: int) -> dict:
    with app.test_request_context("/"):
        round_ = db.session.get(Round, round_id)
        started = time.perf_counter()
        issued = issue_certificates(round_, actor=None, now=utcnow())
        db.session.commit()
        issued_s = time.perf_counter() - started
        sizes = [len(render_pdf(certificate)) for certificate in issued]
        seconds = time.perf_counter() - started
    return {
        "certificates": len(issued),
        "issue_s": round(issued_s, 3),
        "seconds": round(seconds, 2),
        "per_certificate_ms": round(1000 * (seconds - issued_s) / max(len(issued), 1), 1),
        "mean_pdf_kb": round(sum(sizes) / max(len(sizes), 1) / 1024, 1),
        "target_met": seconds < TARGET_WINNERS_S,
    }


def zip_phase(app, database_url: str, round_id: int, organizer_id: int) -> dict:
    with app.test_request_context("/"):
        issued = issue_certificates(db.session.get(Round, round_id), actor=None, now=utcnow())
        job = Job(kind="certificates_zip", owner_id=organizer_id, params={"round_id": round_id, "locale": "zh"})
        db.session.add(job)
        db.session.commit()
        job_id, folder = job.id, jobs_folder()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, database_url, job_id], cwd=ROOT, capture_output=True, text=True, timeout=3600
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    if measured["state"] != "done":
        raise SystemExit(f"the zip job failed: {measured['error']}\n{done.stderr[-3000:]}")
    archive = folder / measured["result_path"]
    with zipfile.ZipFile(archive) as opened:
        files = len(opened.namelist())
    return {
        "certificates": len(issued),
        "files_in_zip": files,
        "zip_mb": round(archive.stat().st_size / 1e6, 1),
        **measured,
        "target_met": measured["peak_rss_mb"] < TARGET_ZIP_MB,
    }


def verify_phase(app, round_id: int, repeat: int) -> dict:
    app.config["VERIFY_RATE_LIMIT"] = "1000000 per minute"  # the bench is one address asking many times
    with app.app_context():
        codes = list(db.session.scalars(select(Certificate.code).where(Certificate.round_id == round_id)))
    client = app.test_client()
    client.get(f"/verify/{codes[0]}")  # templates compiled once, as a running server has them
    durations, statuses = [], set()
    for index in range(repeat):
        started = time.perf_counter()
        response = client.get(f"/verify/{codes[index % len(codes)]}")
        durations.append(time.perf_counter() - started)
        statuses.add(response.status_code)
    return {
        **summary_ms(durations),
        "statuses": sorted(statuses),
        "target_met": percentile(durations, 0.95) * 1000 < TARGET_VERIFY_P95_MS,
    }


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--winners 3 --zip 4 --verify 10".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench certificates")
    parser.add_argument("--winners", type=int, default=40)
    parser.add_argument("--zip", type=int, default=2000)
    parser.add_argument("--verify", type=int, default=300)
    args = parser.parse_args(argv)
    app = fresh_app(PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        final_id, provincial_id, organizer_id = build(app, args.winners, args.zip)
        figures = {
            "load_before": load_average(),
            "winners": winners_phase(app, final_id),
            "zip": zip_phase(app, database_url, provincial_id, organizer_id),
            "verify_page": verify_phase(app, final_id, args.verify),
            "load_after": load_average(),
            "targets": {
                "winners_s_under": TARGET_WINNERS_S,
                "zip_peak_mb_under": TARGET_ZIP_MB,
                "verify_p95_ms_under": TARGET_VERIFY_P95_MS,
            },
        }
    finally:
        shutil.rmtree(app.instance_path, ignore_errors=True)  # the run's instance: its SQLite file, PDFs and zip
    report("certificates", figures)
    return 0
