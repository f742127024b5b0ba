"""Advancing per country: a global round of 3,600 teams from universities in 100 countries, the best 3 of each
country sent into the final (`advanceTeams` with `per: "country"`).

    python -m bench countries [--teams 3600] [--countries 100] [--top 3] [--repeat 3] [--database-url URL]

1. Setup (not timed): one university in each of the first `--countries` ISO 3166-1 countries but China, imported
   through `import_colleges`; a contest; `--teams` approved teams spread evenly over the universities,
   inserted in bulk; a closed round grouped per country whose results are stored with distinct scores
   (so that no tie blurs the count), and an empty final round.
2. `advance_teams` (the stored results regrouped by country, the pure selection, the final's entries
   written, the audit record) and its commit, `--repeat` times; before each run the final is emptied, so
   that every run writes its entries anew.
3. Checked: each country sends exactly its `--top` best teams (`wrong_answers` counts the countries that
   do not), and each entry of the final is grouped under its country.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import time
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import delete, insert, select

from app.colleges.services import import_colleges
from app.countries import CODES
from app.extensions import db
from app.judging.services import create_round
from app.models import CLOSED, College, Entry, Result, ResultSnapshot, Round, Team, Track, utcnow
from app.results.advancement import advance_teams, advancement_input
from app.spreadsheets import read_table
from bench.common import fresh_app, peak_memory_mb, report
from bench.populate import open_contest

#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 60 --countries 5 --top 2 --repeat 1".split()
TARGET_S = 1.0
SHEET = [{"key": "overall", "name": "Overall", "max": 100}]


def _setup(teams: int, country_count: int, seed: int) -> tuple[int, int, dict[int, str]]:
    """The contest, its two rounds and the teams' countries; returns (round id, final id, team id → country)."""
    now = utcnow()
    codes = sorted(CODES - {"CN"})[:country_count]  # abroad: a Chinese university comes from the national list
    lines = ["code,name,province,city,level,country"]
    lines += [f"U-{code},University of {code},Region {code},City {code},,{code}" for code in codes]
    import_colleges(read_table(io.BytesIO("\n".join(lines).encode()), "universities.csv"), now=now)
    contest = open_contest("Global business challenge (bench)", now)
    db.session.flush()
    track_id = db.session.scalar(select(Track.id).where(Track.contest_id == contest.id).order_by(Track.id))
    colleges = db.session.execute(select(College.id, College.country).order_by(College.id)).all()
    db.session.execute(
        insert(Team),
        [
            {
                "contest_id": contest.id,
                "track_id": track_id,
                "college_id": colleges[index % len(colleges)].id,
                "country": colleges[index % len(colleges)].country,
                "number": f"G{index + 1:05d}",
                "name": f"Team {index + 1}",
                "project_title": f"Project {index + 1}",
                "status": "approved",
                "created_at": now,
                "updated_at": now,
            }
            for index in range(teams)
        ],
    )
    country_of_college = dict(colleges)
    country_of = {
        team_id: country_of_college[college_id]
        for team_id, college_id in db.session.execute(select(Team.id, Team.college_id).where(Team.contest_id == contest.id))
    }
    common = {"level": "custom", "grouping": "country", "judges_per_team": 1, "criteria": SHEET}
    round_ = create_round(contest, {"name": "Global round", **common}, actor=None, now=now)
    final = create_round(contest, {"name": "Global final", **common}, actor=None, now=now)
    db.session.flush()
    scores = random.Random(seed).sample(range(1, 10 * teams + 1), teams)  # distinct: no tie at any cut
    ranked = sorted(zip(country_of, scores, strict=True), key=lambda pair: -pair[1])
    db.session.execute(
        insert(Entry),
        [
            {"round_id": round_.id, "team_id": team_id, "group_key": country_of[team_id], "code": f"R{round_.id}-{team_id}"}
            for team_id in country_of
        ],
    )
    db.session.execute(
        insert(Result),
        [
            {
                "round_id": round_.id,
                "team_id": team_id,
                "group_key": country_of[team_id],
                "score": Decimal(score) / 100,
                "rank": rank,
                "judge_totals": [],
                "flags": [],
            }
            for rank, (team_id, score) in enumerate(ranked, start=1)
        ],
    )
    db.session.add(ResultSnapshot(round_id=round_.id, rule={}, teams=teams, computed_at=now))
    round_.status = CLOSED
    db.session.commit()
    return round_.id, final.id, country_of


def _wrong_answers(round_id: int, final_id: int, country_of: dict[int, str], top: int) -> int:
    """Countries whose entries in the final are not their `top` best teams, or are grouped under another key."""
    best: dict[str, list[int]] = defaultdict(list)
    for team_id in db.session.scalars(select(Result.team_id).where(Result.round_id == round_id).order_by(Result.rank)):
        if len(best[country_of[team_id]]) < top:
            best[country_of[team_id]].append(team_id)
    entered: dict[str, set[int]] = defaultdict(set)
    misgrouped = set()
    for team_id, group in db.session.execute(select(Entry.team_id, Entry.group_key).where(Entry.round_id == final_id)):
        entered[country_of[team_id]].add(team_id)
        if group != country_of[team_id]:
            misgrouped.add(country_of[team_id])
    return sum(1 for country in best if set(best[country]) != entered[country] or country in misgrouped)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench countries")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--teams", type=int, default=3600)
    parser.add_argument("--countries", type=int, default=100)
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    app = fresh_app(args.database_url)
    runs: list[float] = []
    with app.app_context():
        started = time.perf_counter()
        round_id, final_id, country_of = _setup(args.teams, args.countries, args.seed)
        setup_s = time.perf_counter() - started
        rule = advancement_input({"top": args.top, "per": "country"})
        for _run in range(args.repeat):
            db.session.execute(delete(Entry).where(Entry.round_id == final_id))
            db.session.commit()
            round_, final = db.session.get(Round, round_id), db.session.get(Round, final_id)
            started = time.perf_counter()
            outcome = advance_teams(round_, final, rule, actor=None, now=utcnow())
            db.session.commit()
            runs.append(time.perf_counter() - started)
        figures = {
            "advanced": len(outcome.advanced),
            "ties": len(outcome.ties),
            "wrong_answers": _wrong_answers(round_id, final_id, country_of, args.top),
            "countries_with_teams": len(set(country_of.values())),
        }
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(app.instance_path, ignore_errors=True)  # the run's instance, with its SQLite file
    report(
        "countries",
        {
            "database": (args.database_url or "sqlite").split(":")[0],
            "teams": args.teams,
            "countries": args.countries,
            "top": args.top,
            "best_advance_s": round(min(runs), 3),
            "runs_s": [round(run, 3) for run in runs],
            "target_s": TARGET_S,
            "setup_s": round(setup_s, 3),
            **figures,
            "peak_memory_mb": peak_memory_mb(),
        },
    )
    return 0
