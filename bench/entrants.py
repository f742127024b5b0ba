"""Registration over HTTP for each kind of entrant, side by side on one national-size database.

    python -m bench entrants [--teams 10000] [--clients 8] [--seconds 8] [--cycles 2]

A fresh SQLite file is filled by `bench.populate` (10,000 imported student teams); the contest then gets an
individual track and an organization track. Against one gunicorn (2 workers, as `bench registration`),
each cycle runs one phase per kind, `--clients` clients at once: student teams (the national form),
individuals (half of them students of a college, half not, from many countries) and organizations
(Chinese companies with a valid unified social credit code, a contact and one or two people). The figure
is each kind's rate against the student teams' rate of the same cycle (target at least 0.9).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from app.contests.services import update_contest
from app.demo.entrants import credit_code
from app.extensions import db
from app.models import Contest, utcnow
from bench.common import fresh_app, gunicorn, load_average, report
from bench.populate import api_payload, populate
from bench.registration import _token, register_phase

TARGET_RATIO = 0.9
SMALLEST = "--teams 30 --clients 2 --seconds 1 --per-client 3 --cycles 1".split()
KINDS = ("team", "individual", "organization")
EXTRA_TRACKS = [
    {"code": "IN", "name": "个人赛 Individuals", "kind": "regular", "entrant": "individual"},
    {"code": "OR", "name": "企业赛 Companies", "kind": "practical", "entrant": "organization", "max_members": 2},
]
NATIONALITIES = ("CN", "GB", "US", "NG", "KE", "BR", "IN", "ID", "FR", "DE", "JP", "KR", "TH", "VN", "EG", "MX")
CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the credit code's alphabet (no I, O, S, V, Z)


class EntrantPayloads:
    """registerTeam bodies for each kind, from the population's TeamFactory (whose student IDs never repeat)."""

    def __init__(self, factory, seed: int):
        self.factory, self.pick, self.made = factory, random.Random(seed), 0

    def team(self) -> dict:
        return api_payload(self.factory.team())

    def individual(self) -> dict:
        student = api_payload(self.factory.team())
        person = dict(student["members"][0], captain=True, nationality=self.pick.choice(NATIONALITIES))
        body = {"track": "IN", "project_title": student["project_title"], "members": [person]}
        if self.pick.random() < 0.5:  # not a student: no college, no student ID
            person.pop("student_id"), person.pop("college_id", None)
        else:
            body["college_id"] = student["college_id"]
        return body

    def organization(self) -> dict:
        self.made += 1
        factory = self.factory
        people = [
            {
                "name": factory.person_name(),
                "email": f"p{self.made}-{i}@company{self.made}.example.com",
                "phone": factory.mobile(),
            }
            for i in range(self.pick.randint(1, 2))
        ]
        people[0]["captain"] = True
        return {
            "track": "OR",
            "project_title": factory.project_title(),
            "organization": {
                "name": f"杭州{factory.person_name()}科技有限公司{self.made}",
                "country": "CN",
                "credit_code": credit_code("91", "330106", "".join(self.pick.choice(CODE_CHARACTERS) for _ in range(9))),
                "address": "浙江省杭州市余杭区文一西路 998 号",
                "contact": {"name": factory.person_name(), "email": f"contact{self.made}@example.com", "phone": factory.mobile()},
            },
            "members": people,
        }


def _add_tracks(app, contest_id: int) -> None:
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        data = {
            "name": contest.name,
            "year": contest.year,
            "timezone": contest.timezone,
            "registration_opens_at": contest.registration_opens_at,
            "registration_closes_at": contest.registration_closes_at,
            **{key: getattr(contest, key) for key in ("min_members", "max_members", "max_university_advisors")},
            **{key: getattr(contest, key) for key in ("max_enterprise_advisors", "team_name_max", "project_title_max")},
            "tracks": [{"code": t.code, "name": t.name, "kind": t.kind} for t in contest.tracks] + EXTRA_TRACKS,
        }
        update_contest(contest, data, now=utcnow(), actor=None)
        db.session.commit()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench entrants")
    parser.add_argument("--teams", type=int, default=10_000, help="student teams imported before the measurements")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0, help="longest time of each phase")
    parser.add_argument("--per-client", type=int, default=120, help="most registrations of one client in a phase")
    parser.add_argument("--cycles", type=int, default=2, help="rounds of one phase per kind, in turn")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-entrants-"))
    url = f"sqlite:///{folder / 'entrants.db'}"
    figures: dict = {
        "database": "sqlite",
        "workers": args.workers,
        "clients": args.clients,
        "load_average_at_start": load_average(),
    }
    app = fresh_app(url)
    try:
        population = populate(app, args.teams, args.seed)
        shutil.rmtree(app.instance_path, ignore_errors=True)
        _add_tracks(app, population.contest_id)
        payloads = EntrantPayloads(population.factory, args.seed)
        make = {kind: getattr(payloads, kind) for kind in KINDS}
        plans = [
            {kind: [[make[kind]() for _ in range(args.per_client)] for _ in range(args.clients)] for kind in KINDS}
            for _ in range(args.cycles)
        ]
        warmup = [[make[kind]() for kind in KINDS for _ in range(3)]]
        cycles = []
        with gunicorn(url, workers=args.workers) as (base, _log):
            token = _token(base, population)
            register_phase(base, token, population.contest_id, warmup, seconds=30)
            for plan in plans:
                cycle = {kind: register_phase(base, token, population.contest_id, plan[kind], args.seconds) for kind in KINDS}
                cycles.append(cycle)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures["cycles"] = {
        str(number): {
            kind: {
                "registrations_per_s": phase["registrations_per_s"],
                "created": phase["created"],
                "errors": phase["errors"],
                "statuses": phase["statuses"],
                "error_samples": phase["error_samples"][:2],
                "p95_ms": phase["latency"]["p95_ms"] if phase["latency"] else None,
            }
            for kind, phase in cycle.items()
        }
        for number, cycle in enumerate(cycles, start=1)
    }
    ratios = {
        kind: [round(cycle[kind]["registrations_per_s"] / cycle["team"]["registrations_per_s"], 2) for cycle in cycles]
        for kind in KINDS[1:]
    }
    figures["ratio_to_student_teams"] = {
        kind: {"each_cycle": values, "median": statistics.median(values)} for kind, values in ratios.items()
    }
    figures["targets"] = {
        "ratio_at_least": TARGET_RATIO,
        "met": all(value["median"] >= TARGET_RATIO for value in figures["ratio_to_student_teams"].values()),
        "no_errors": all(phase["errors"] == 0 for cycle in cycles for phase in cycle.values()),
    }
    figures["total_s"] = round(time.perf_counter() - started, 1)
    figures["load_average_at_end"] = load_average()
    report("entrants", figures)
    return 0
