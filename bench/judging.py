"""Judging at national scale: 50,000 score sheets, judges saving under load, and a judge's dashboard.

    python -m bench judging [--teams 10000] [--judges 300] [--k 5] [--seconds 10] [--clients 16] [--think 1.0]

1. Setup, through the services, one commit per step, each step timed: `bench.populate` (N imported
   teams), every team approved (`review_team`, a commit per 1,000), the judges (`create_user` with a
   fast password hash, and a JudgeProfile each: a random college and its province), a national round
   with a six-item sheet (max 20, step 0.5), its entries (all approved teams) and judges, one judge
   (the dashboard judge) given `--dashboard-load` teams by hand (`assign_judge`), then `auto_assign`
   (seed 1, same province allowed) for the rest, and the round opened.
2. Fill: every sheet saved and submitted through `save_sheet` (a commit per 1,000), except those of the
   judges used over HTTP (`--clients` of them, and one more that saves alone), whose sheets stay
   untouched (no sheet row). Scores are a team's true quality, plus the judge's severity, plus noise,
   rounded to 0.5 within 0..20. Stops early, and says so, past `--fill-budget` seconds.
3. gunicorn (2 workers) on that database; first one judge alone for `--baseline-seconds` (the latency
   without queueing), then `--clients` judges at once, each with its own bearer token and connection,
   going through their own assignments: draft with two items, draft with all six, submit (so every
   third PUT submits), each PUT carrying the version the previous answer gave. Every answer must be 200.
   Twice: back to back (`--seconds`; each judge sends the next PUT the moment the last answers, which
   saturates the machine and measures its throughput), then paced (`--paced-seconds`; each judge pauses
   `--think` seconds on average between saves, as people do). The p95 target is judged on the paced run.
4. A judge's dashboard: listAssignments (per_page=200) by the token of the dashboard judge, and the
   HTML page /judge after signing in through the login form, each 50 times in a row.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth.services import create_user
from app.demo.people import Scorer
from app.extensions import db
from app.judging.assignments import assign_judge, auto_assign
from app.judging.services import add_entries, add_judges, create_round, transition_round
from app.judging.sheets import save_sheet
from app.models import (
    APPROVED,
    JUDGE,
    Assignment,
    College,
    Contest,
    Entry,
    JudgeProfile,
    Province,
    Round,
    ScoreSheet,
    Team,
    User,
    utcnow,
)
from app.registration.review import review_team
from bench.common import HttpClient, fresh_app, gunicorn, load_average, peak_memory_mb, report, run_clients, summary_ms
from bench.populate import ORGANIZER_EMAIL, populate
from bench.registration import CSRF_FIELD, _server_problems

TARGET_SAVE_P95_MS = 100.0
TARGET_DASHBOARD_P95_MS = 150.0
FAST_HASH = "pbkdf2:sha256:1000"
JUDGE_PASSWORD = "judge-password-1"
BATCH = 1000
CRITERIA = [
    {"key": "innovation", "name": "创新性", "name_en": "Innovation"},
    {"key": "idea", "name": "创意", "name_en": "Idea"},
    {"key": "venture", "name": "创业可行性", "name_en": "Venture"},
    {"key": "pitch", "name": "路演答辩", "name_en": "Pitch"},
    {"key": "writing", "name": "计划书撰写", "name_en": "Writing"},
    {"key": "overall", "name": "总体评价", "name_en": "Overall"},
]
KEYS = [criterion["key"] for criterion in CRITERIA]
ASSIGNMENT_MARKER = b"data-assignment"


# Scores ------------------------------------------------------------------------------------------

# 1. Setup ----------------------------------------------------------------------------------------


def _organizer() -> User:
    return db.session.scalar(select(User).where(User.email == ORGANIZER_EMAIL))


def approve_all(contest_id: int, teams: int) -> int:
    """Approve every submitted team, as the bulk approval does: review_team one by one, a commit per batch."""
    organizer = _organizer()
    approved, last = 0, 0
    for _ in range(teams // BATCH + 2):  # bounded: one batch more than the teams need
        batch = db.session.scalars(
            select(Team)
            .options(selectinload(Team.members), selectinload(Team.disputes))
            .where(Team.contest_id == contest_id, Team.id > last)
            .order_by(Team.id)
            .limit(BATCH)
        ).all()
        if not batch:
            break
        now = utcnow()
        for team in batch:
            if team.status != APPROVED:
                review_team(team, "approve", None, actor=organizer, now=now)
                approved += 1
        last = batch[-1].id
        db.session.flush()
        db.session.commit()
    return approved


def create_judges(contest_id: int, count: int, seed: int) -> list[int]:
    """`count` judges (create_user, role judge of the contest) with a profile each: a random college
    of the national list and its province. The profile row is inserted directly (no service yet)."""
    pick = random.Random(seed)
    colleges = db.session.execute(select(College.id, College.name, Province.name).join(College.province)).all()
    organizer = _organizer()
    now = utcnow()
    ids = []
    for index in range(count):
        college_id, college_name, province = pick.choice(colleges)
        user = create_user(
            email=f"judge{index:04d}@bench.laurel",
            name=f"评委{index:04d} Judge",
            password=JUDGE_PASSWORD,
            role=JUDGE,
            contest_id=contest_id,
            now=now,
            actor=organizer,
        )
        db.session.add(JudgeProfile(user_id=user.id, college_id=college_id, organization=college_name[:80], province=province))
        ids.append(user.id)
    db.session.commit()
    return ids


def round_data(k: int) -> dict:
    return {
        "name": "全国总决赛（基准）",
        "level": "national",
        "grouping": "none",
        "judges_per_team": k,
        "aggregation": {"method": "trimmed_mean", "trim": 1, "decimals": 2},
        "criteria": [{**criterion, "max": 20, "weight": 1, "step": "0.5"} for criterion in CRITERIA],
    }


def give_by_hand(round_: Round, judge_id: int, count: int, seed: int) -> dict:
    """Give one judge `count` teams by hand (assign_judge), none of the judge's college or province."""
    profile = db.session.scalar(select(JudgeProfile).where(JudgeProfile.user_id == judge_id))
    rows = (
        db.session.execute(
            select(Entry.team_id)
            .join(Team, Team.id == Entry.team_id)
            .join(College, College.id == Team.college_id)
            .join(Province, Province.id == College.province_id)
            .where(Entry.round_id == round_.id, Team.college_id != profile.college_id, Province.name != profile.province)
        )
        .scalars()
        .all()
    )
    chosen = random.Random(seed).sample(list(rows), min(count, len(rows)))
    organizer = _organizer()
    latencies = []
    for team_id in chosen:
        started = time.perf_counter()
        assign_judge(round_, team_id, judge_id, reason=None, actor=organizer, now=utcnow())
        latencies.append(time.perf_counter() - started)
    db.session.commit()
    return {"assigned": len(chosen), "assign_judge_call": summary_ms(latencies) if latencies else None}


def setup(app, args) -> tuple[dict, dict]:
    """Steps 1: the figures, and what the later steps need (ids)."""
    steps: dict[str, float] = {}
    figures: dict = {}
    started = time.perf_counter()
    population = populate(app, args.teams, args.seed)
    steps["populate"] = round(time.perf_counter() - started, 3)
    figures["populate"] = {key: value for key, value in population.figures.items() if key not in ("chunks",)}
    contest_id = population.contest_id
    with app.app_context():

        def step(name: str, work):
            begun = time.perf_counter()
            result = work()
            db.session.commit()
            steps[name] = round(time.perf_counter() - begun, 3)
            return result

        figures["approved"] = step("approve", lambda: approve_all(contest_id, args.teams))
        judge_ids = step("judges", lambda: create_judges(contest_id, args.judges, args.seed))
        organizer = _organizer()
        contest = db.session.get(Contest, contest_id)
        round_id = step("create_round", lambda: create_round(contest, round_data(args.k), actor=organizer, now=utcnow()).id)
        figures["entries"] = step(
            "add_entries",
            lambda: add_entries(db.session.get(Round, round_id), all_approved=True, actor=_organizer(), now=utcnow()),
        )
        figures["judges_added"] = step(
            "add_judges", lambda: add_judges(db.session.get(Round, round_id), judge_ids, actor=_organizer(), now=utcnow())
        )
        dashboard_judge = judge_ids[0]
        http_judges = judge_ids[1 : 1 + args.clients]
        baseline_judge = judge_ids[1 + args.clients]
        if args.dashboard_load:
            figures["dashboard_judge_by_hand"] = step(
                "assign_dashboard_judge_by_hand",
                lambda: give_by_hand(db.session.get(Round, round_id), dashboard_judge, args.dashboard_load, args.seed),
            )
        result = step(
            "auto_assign",
            lambda: auto_assign(
                db.session.get(Round, round_id), seed=1, avoid_same_province=False, actor=_organizer(), now=utcnow()
            ),
        )
        figures["auto_assign"] = {
            "assigned": result["assigned"],
            "unassigned": len(result["unassigned"]),
            "unassigned_reasons": dict(Counter(item["reason"] for item in result["unassigned"])),
            "stats": result["stats"],
        }
        step("open_round", lambda: transition_round(db.session.get(Round, round_id), "open", actor=_organizer(), now=utcnow()))
        round_ = db.session.get(Round, round_id)
        loads = dict(
            db.session.execute(
                select(Assignment.judge_id, func.count(Assignment.id))
                .where(Assignment.round_id == round_id)
                .group_by(Assignment.judge_id)
            ).all()
        )
        total = sum(loads.values())
        if not args.dashboard_load:  # the busiest judge, as auto_assign left them
            busy = [judge for judge in judge_ids if judge not in http_judges and judge != baseline_judge]
            dashboard_judge = max(busy, key=lambda judge: loads.get(judge, 0))
        figures["assignments"] = total
        figures["assignments_expected"] = figures["entries"] * args.k
        figures["judge_load"] = {
            "min": min(loads.values()),
            "max": max(loads.values()),
            "mean": round(statistics.fmean(loads.values()), 1),
            "judges_with_none": args.judges - len(loads),
        }
        figures["round_status"] = round_.status
    figures["steps_s"] = steps
    figures["total_s"] = round(sum(steps.values()), 3)
    plan = {
        "contest_id": contest_id,
        "round_id": round_id,
        "judge_ids": judge_ids,
        "http_judges": http_judges,
        "baseline_judge": baseline_judge,
        "dashboard_judge": dashboard_judge,
        "dashboard_load": loads.get(dashboard_judge, 0),
        "factory": population.factory,
    }  # more teams of the same contest, students never repeated
    return figures, plan


# 2. Fill -----------------------------------------------------------------------------------------


def closed_scored_round(app, *, teams: int, judges: int, k: int, seed: int) -> tuple[dict, dict, dict]:
    """A national round as the results benches need it: setup (no HTTP judges, no judge given teams by
    hand), every sheet saved and submitted, and the round closed. Returns (setup figures, fill figures, plan)."""
    setup_figures, plan = setup(app, argparse.Namespace(teams=teams, judges=judges, k=k, clients=0, dashboard_load=0, seed=seed))
    fill_figures = fill(app, plan, Scorer(seed, KEYS), 900.0, skip_http_judges=False)
    with app.app_context():
        transition_round(db.session.get(Round, plan["round_id"]), "closed", actor=None, now=utcnow())
        db.session.commit()
        db.session.remove()
    return setup_figures, fill_figures, plan


def fill(app, plan: dict, scorer: Scorer, budget: float, *, skip_http_judges: bool = True) -> dict:
    """Save and submit every sheet but the HTTP judges' (left untouched), a commit per 1,000."""
    round_id = plan["round_id"]
    skipped = [*plan["http_judges"], plan["baseline_judge"]] if skip_http_judges else []
    with app.app_context():
        judges = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(plan["judge_ids"])))}
        wanted = db.session.scalar(
            select(func.count(Assignment.id)).where(Assignment.round_id == round_id, Assignment.judge_id.not_in(skipped))
        )
        saved, last, save_s, commit_s, partial = 0, 0, 0.0, 0.0, False
        rates: list[float] = []
        started = time.perf_counter()
        for _ in range(wanted // BATCH + 2):  # bounded: one batch more than the sheets need
            if time.perf_counter() - started > budget:
                partial = True
                break
            batch = db.session.scalars(
                select(Assignment)
                .where(Assignment.round_id == round_id, Assignment.id > last, Assignment.judge_id.not_in(skipped))
                .order_by(Assignment.id)
                .limit(BATCH)
            ).all()
            if not batch:
                break
            begun = time.perf_counter()
            now = utcnow()
            for assignment in batch:
                save_sheet(
                    assignment,
                    scorer.scores(assignment.team_id, assignment.judge_id),
                    comment=None,
                    submit=True,
                    version=0,
                    actor=judges[assignment.judge_id],
                    now=now,
                )
            middle = time.perf_counter()
            db.session.commit()
            done = time.perf_counter()
            save_s += middle - begun
            commit_s += done - middle
            rates.append(len(batch) / (done - begun))
            saved += len(batch)
            last = batch[-1].id
        seconds = time.perf_counter() - started
        by_status = dict(
            db.session.execute(
                select(ScoreSheet.status, func.count(ScoreSheet.id))
                .join(Assignment)
                .where(Assignment.round_id == round_id)
                .group_by(ScoreSheet.status)
            ).all()
        )
        db.session.remove()
        if db.engine.dialect.name == "sqlite":  # fold the write-ahead log in before gunicorn opens the file
            with db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()
    return {
        "sheets_saved": saved,
        "sheets_wanted": wanted,
        "partial": partial,
        "budget_s": budget,
        "seconds": round(seconds, 3),
        "sheets_per_s": round(saved / seconds, 1) if seconds else None,
        "save_s": round(save_s, 3),
        "commit_s": round(commit_s, 3),
        "commit_every": BATCH,
        "batch_rate_first_last": [round(rates[0], 1), round(rates[-1], 1)] if rates else None,
        "sheets_by_status": by_status,
        "skipped_judges": len(skipped),
        "http_judges_sheets": "untouched (no sheet row) until the HTTP phases" if skipped else None,
    }


# 3. Saving sheets over HTTP ----------------------------------------------------------------------


def token_for(base: str, email: str, password: str) -> str:
    client = HttpClient(base)
    try:
        status, body, _seconds = client.json("POST", "/api/v1/tokens", json_body={"email": email, "password": password})
    finally:
        client.close()
    if status != 201:
        raise RuntimeError(f"createToken for {email} answered {status}: {body}")
    return body["token"]


def _judge_loop(
    base: str,
    token: str,
    mine: list[tuple[int, int, int]],
    scorer_seed: int,
    think: float,
    start: threading.Barrier,
    deadline: list[float],
    out: dict,
) -> None:
    """One judge: for each assignment, draft (two items), draft (all six), submit; versions chained.
    With `think` > 0 the judge pauses between saves, uniformly 0.5–1.5 × `think` seconds, as a person reading and typing."""
    client = HttpClient(base, headers={"Authorization": f"Bearer {token}"})
    scorer = Scorer(scorer_seed, KEYS)
    pause = random.Random(scorer_seed)
    draft: list[float] = []
    submit: list[float] = []
    statuses: Counter[int] = Counter()
    errors: list[dict] = []
    wrong = 0
    submitted = 0
    stopped_by = "count"
    try:
        # Warm: the judge opens the first sheet (not measured), as a browser would before saving.
        if mine:
            client.request("GET", f"/api/v1/assignments/{mine[0][0]}/sheet")
        start.wait(timeout=60)
        for assignment_id, team_id, judge_id in mine:  # bounded by the judge's assignments, and by the deadline
            values = scorer.scores(team_id, judge_id)
            bodies = [
                {"scores": {key: values[key] for key in KEYS[:2]}, "submit": False},
                {"scores": values, "submit": False},
                {"scores": values, "comment": "材料完整，路演清晰。", "submit": True},
            ]
            version = 0  # untouched sheets: getScoreSheet answers version 0
            for body in bodies:
                if think > 0:
                    time.sleep(pause.uniform(0.5, 1.5) * think)
                if time.perf_counter() >= deadline[0]:
                    stopped_by = "time"
                    return
                try:
                    status, _headers, data, seconds = client.request(
                        "PUT", f"/api/v1/assignments/{assignment_id}/sheet", json_body={**body, "version": version}
                    )
                except OSError as error:
                    statuses[-1] += 1
                    if len(errors) < 5:
                        errors.append({"error": repr(error)})
                    client.close()
                    break
                statuses[status] += 1
                if status != 200:
                    if len(errors) < 5:
                        errors.append(
                            {
                                "status": status,
                                "assignment_id": assignment_id,
                                "ms": round(seconds * 1000, 1),
                                "body": data[:300].decode("utf-8", "replace"),
                            }
                        )
                    break  # the next step of this sheet would only fail too
                answer = json.loads(data)
                expected_status = "submitted" if body["submit"] else "draft"
                if answer.get("version") != version + 1 or answer.get("status") != expected_status:
                    wrong += 1
                version = answer.get("version", version + 1)
                (submit if body["submit"] else draft).append(seconds)
                submitted += body["submit"]
    finally:
        client.close()
        out.update(
            draft=draft, submit=submit, statuses=statuses, errors=errors, wrong=wrong, submitted=submitted, stopped_by=stopped_by
        )


def save_phase(
    base: str,
    tokens: list[str],
    work: list[list[tuple[int, int, int]]],
    seconds: float,
    seed: int,
    think: float = 0.0,
) -> dict:
    """`tokens`' judges saving their `work` for `seconds`, with `think` seconds between saves."""
    outputs, wall = run_clients(
        _judge_loop,
        [(base, token, mine, seed + index, think) for index, (token, mine) in enumerate(zip(tokens, work, strict=True))],
        seconds,
        start_timeout=120,
    )
    draft = [value for out in outputs for value in out.get("draft", [])]
    submit = [value for out in outputs for value in out.get("submit", [])]
    both = draft + submit
    statuses: Counter[int] = sum((out.get("statuses", Counter()) for out in outputs), Counter())
    sent = sum(statuses.values())
    ok = statuses.get(200, 0)
    return {
        "clients": len(work),
        "think_s": think,
        "requests": sent,
        "ok": ok,
        "errors": sent - ok,
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "error_samples": [error for out in outputs for error in out.get("errors", [])][:5],
        "wrong_answers": sum(out.get("wrong", 0) for out in outputs),
        "sheets_submitted": sum(out.get("submitted", 0) for out in outputs),
        "wall_s": round(wall, 3),
        "puts_per_s": round(ok / wall, 1) if wall else None,
        # Little's law: with every client always waiting on a PUT, the mean latency is clients / throughput.
        "queueing_estimate_ms": round(len(work) / (ok / wall) * 1000, 1) if ok and wall else None,
        "submits_per_s": round(len(submit) / wall, 1) if wall else None,
        "latency": summary_ms(both) if both else None,
        "mean_ms": round(statistics.fmean(both) * 1000, 1) if both else None,
        "latency_draft": summary_ms(draft) if draft else None,
        "latency_submit": summary_ms(submit) if submit else None,
        "stopped_by": dict(Counter(out.get("stopped_by", "?") for out in outputs)),
        "assignments_per_client": {"min": min(map(len, work)), "max": max(map(len, work))},
    }


# 4. The judge's dashboard ------------------------------------------------------------------------


def repeat_get(client: HttpClient, path: str, repeat: int) -> tuple[dict, bytes, int]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    body, status = b"", 0
    for _ in range(repeat):
        status, _headers, body, seconds = client.request("GET", path)
        statuses[status] += 1
        if status == 200:
            latencies.append(seconds)
    figures = {
        **(summary_ms(latencies) if latencies else {"count": 0}),
        "errors": sum(statuses.values()) - statuses.get(200, 0),
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
    }
    figures["meets_target"] = bool(latencies) and figures["p95_ms"] < TARGET_DASHBOARD_P95_MS and not figures["errors"]
    return figures, body, status


def form_login(base: str, email: str, password: str) -> HttpClient:
    client = HttpClient(base)
    status, _headers, body, _seconds = client.request("GET", "/login")
    match = CSRF_FIELD.search(body)
    if status != 200 or not match:
        raise RuntimeError(f"GET /login answered {status} without a csrf_token field")
    csrf = (match.group(1) or match.group(2)).decode()
    status, headers, body, _seconds = client.request(
        "POST", "/login", form={"email": email, "password": password, "csrf_token": csrf}
    )
    if status != 302:
        raise RuntimeError(f"POST /login answered {status}: {body[:300]!r}")
    return client


def dashboard(base: str, plan: dict, email: str, repeat: int) -> dict:
    figures: dict = {"judge_id": plan["dashboard_judge"], "assignments": plan["dashboard_load"]}
    token = token_for(base, email, JUDGE_PASSWORD)
    client = HttpClient(base, headers={"Authorization": f"Bearer {token}"})
    try:
        path = f"/api/v1/rounds/{plan['round_id']}/assignments?per_page=200"
        client.request("GET", path)  # warm
        api, body, status = repeat_get(client, path, repeat)
        if status == 200:
            payload = json.loads(body)
            api.update(
                total=payload.get("total"),
                items=len(payload.get("items", [])),
                sheet_status=dict(Counter(item.get("sheet_status") for item in payload.get("items", []))),
            )
        else:
            api["body"] = body[:300].decode("utf-8", "replace")
        figures["api"] = {"path": path, **api}
    finally:
        client.close()
    client = form_login(base, email, JUDGE_PASSWORD)
    try:
        status, _headers, body, seconds = client.request("GET", "/judge")
        if status == 404:
            figures["html"] = {
                "path": "/judge",
                "status": 404,
                "exists": False,
                "note": "GET /judge answers 404: the judge's dashboard page does not exist; only the API is measured",
            }
        else:
            html, body, status = repeat_get(client, "/judge", repeat)
            html.update(
                first_status=status, rows=body.count(ASSIGNMENT_MARKER), marker=ASSIGNMENT_MARKER.decode(), bytes=len(body)
            )
            figures["html"] = {"path": "/judge", "exists": True, **html}
        status, _headers, body, _seconds = client.request("GET", "/dashboard")
        figures["dashboard_page_status"] = status  # where the login form sends a judge
    finally:
        client.close()
    return figures


# The run -----------------------------------------------------------------------------------------


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
#: Four judges: the dashboard's, two saving at once and one saving alone.
SMALLEST = (
    "--teams 30 --judges 4 --k 2 --clients 2 --seconds 1 --paced-seconds 1 --think 0.1 --dashboard-load 5 "
    "--baseline-seconds 0.5 --repeat 3"
).split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench judging")
    parser.add_argument("--teams", type=int, default=10_000)
    parser.add_argument("--judges", type=int, default=300)
    parser.add_argument("--k", type=int, default=5, help="judges per team")
    parser.add_argument("--seconds", type=float, default=10.0, help="longest time of the HTTP saving phase")
    parser.add_argument("--clients", type=int, default=16, help="judges saving at once over HTTP")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds a judge pauses between saves in the paced phase (uniform 0.5–1.5×)"
    )
    parser.add_argument("--paced-seconds", type=float, default=20.0, help="length of the paced saving phase")
    parser.add_argument(
        "--dashboard-load",
        type=int,
        default=200,
        help="teams given by hand to the dashboard judge before auto_assign (0: take the busiest judge)",
    )
    parser.add_argument(
        "--baseline-seconds",
        type=float,
        default=3.0,
        help="a single judge saving alone first, for the latency without queueing (0: skip)",
    )
    parser.add_argument("--repeat", type=int, default=50, help="requests per dashboard measurement")
    parser.add_argument("--fill-budget", type=float, default=300.0, help="seconds the fill may take before it stops early")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database file and print where it is")
    args = parser.parse_args(argv)
    if args.judges < args.clients + 2:
        parser.error("--judges must be at least --clients + 2 (one judge for the dashboard, one saving alone)")

    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-judging-"))
    url = f"sqlite:///{folder / 'judging.db'}"
    figures: dict = {
        "database": "sqlite",
        "teams": args.teams,
        "judges": args.judges,
        "k": args.k,
        "clients": args.clients,
        "workers": args.workers,
        "seed": args.seed,
        "password_hash_for_judges": FAST_HASH,
        "load_average_at_start": load_average(),
    }
    app = fresh_app(url, PASSWORD_HASH_METHOD=FAST_HASH)
    try:
        try:
            figures["setup"], plan = setup(app, args)
            scorer = Scorer(args.seed, KEYS)
            figures["fill"] = fill(app, plan, scorer, args.fill_budget)
            with app.app_context():
                emails = dict(db.session.execute(select(User.id, User.email).where(User.id.in_(plan["judge_ids"]))).all())
                work = {
                    judge_id: [
                        (row.id, row.team_id, row.judge_id)
                        for row in db.session.execute(
                            select(Assignment.id, Assignment.team_id, Assignment.judge_id)
                            .where(Assignment.round_id == plan["round_id"], Assignment.judge_id == judge_id)
                            .order_by(Assignment.id)
                        )
                    ]
                    for judge_id in [*plan["http_judges"], plan["baseline_judge"]]
                }
                db.session.remove()
                db.engine.dispose()
        finally:
            shutil.rmtree(app.instance_path, ignore_errors=True)  # the setup app's instance: one mail per team
        with gunicorn(url, workers=args.workers) as (base, log_path):
            # Not asked for: one judge alone first (no queueing), the floor the 16 judges' latency sits on.
            if args.baseline_seconds > 0:
                token = token_for(base, emails[plan["baseline_judge"]], JUDGE_PASSWORD)
                figures["save_sheet_http_1_client"] = save_phase(
                    base, [token], [work[plan["baseline_judge"]]], args.baseline_seconds, args.seed + 999
                )
            tokens = [token_for(base, emails[judge_id], JUDGE_PASSWORD) for judge_id in plan["http_judges"]]
            # Each judge's first half of assignments for the back-to-back phase, the second half for the paced one:
            # both start on untouched sheets.
            halves = [
                (work[judge_id][: len(work[judge_id]) // 2], work[judge_id][len(work[judge_id]) // 2 :])
                for judge_id in plan["http_judges"]
            ]
            # Saturation: every judge sends the next PUT the moment the last one answers (no person works so).
            figures["save_sheet_http_back_to_back"] = save_phase(
                base, tokens, [first for first, _second in halves], args.seconds, args.seed + 1000
            )
            # The target's case: the same judges at once, each pausing as a person does between saves.
            figures["save_sheet_http"] = save_phase(
                base, tokens, [second for _first, second in halves], args.paced_seconds, args.seed + 2000, think=args.think
            )
            figures["dashboard"] = dashboard(base, plan, emails[plan["dashboard_judge"]], args.repeat)
            figures["server"] = _server_problems(log_path)
        with app.app_context():
            figures["sheets_at_end"] = dict(
                db.session.execute(
                    select(ScoreSheet.status, func.count(ScoreSheet.id))
                    .join(Assignment)
                    .where(Assignment.round_id == plan["round_id"])
                    .group_by(ScoreSheet.status)
                ).all()
            )
            db.session.remove()
            db.engine.dispose()
    finally:
        if args.keep:
            figures["kept_database"] = str(folder / "judging.db")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    save = figures["save_sheet_http"]
    saturated = figures["save_sheet_http_back_to_back"]
    board = figures["dashboard"]
    measured = [board["api"]] + ([board["html"]] if board["html"].get("exists") else [])
    figures["targets"] = {
        "save_p95_ms_under": TARGET_SAVE_P95_MS,
        "dashboard_p95_ms_under": TARGET_DASHBOARD_P95_MS,
        "assignments_met": figures["setup"]["assignments"] == figures["setup"]["assignments_expected"],
        "fill_complete": not figures["fill"]["partial"],
        "save_p95_met": bool(save["latency"]) and save["latency"]["p95_ms"] < TARGET_SAVE_P95_MS,
        "save_no_errors": save["errors"] == 0
        and save["wrong_answers"] == 0
        and saturated["errors"] == 0
        and saturated["wrong_answers"] == 0,
        "save_p95_back_to_back_ms": saturated["latency"]["p95_ms"] if saturated["latency"] else None,
        "dashboard_api_met": board["api"]["meets_target"],
        "dashboard_html_met": board["html"].get("meets_target") if board["html"].get("exists") else None,
        "dashboard_html_exists": bool(board["html"].get("exists")),
        "dashboard_p95_met": all(item["meets_target"] for item in measured),
    }
    figures["total_s"] = round(time.perf_counter() - started, 1)
    figures["load_average_at_end"] = load_average()
    figures["peak_memory_mb"] = peak_memory_mb()
    report("judging", figures)
    return 0


def judges_work(plan: dict) -> tuple[dict[int, str], list[list[tuple]]]:
    """The HTTP judges of `setup`'s plan: their emails by id, and each one's assignments (id, team, judge) in order."""
    from app.models import Assignment, User

    emails = dict(db.session.execute(select(User.id, User.email).where(User.id.in_(plan["http_judges"]))).all())
    work = [
        [
            tuple(row)
            for row in db.session.execute(
                select(Assignment.id, Assignment.team_id, Assignment.judge_id)
                .where(Assignment.round_id == plan["round_id"], Assignment.judge_id == judge_id)
                .order_by(Assignment.id)
            )
        ]
        for judge_id in plan["http_judges"]
    ]
    return emails, work
