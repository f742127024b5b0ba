"""Results at national scale: computing a round of 10,000 teams × 5 sheets × 6 criteria from the
database, and the results page's first screen.

    python -m bench results [--teams 10000] [--judges 300] [--k 5] [--repeat 3] [--page-repeat 30]

1. The judging bench's setup and fill (`bench.judging`): 10,000 imported and approved teams, 300 judges,
   a national round with a six-item sheet, `auto_assign`, and every sheet saved and submitted through
   `save_sheet`. The round's tie-breaks are set to `raw_sum` then `criterion:innovation`, so that
   computing reads every item of every sheet (300,000 scores), and the round is closed.
2. `compute_round_results` (gather from the database, the pure `scoring` computation, storing the
   snapshot, commit), `--repeat` times for the round's method (trimmed mean), and once per other
   method; the pure computation alone is timed on the gathered input.
3. The results page (organizer, signed in through the form, first page of 50) and getResults (its first
   page of 200, the largest a list gives) against gunicorn, `--page-repeat` times each; prize tiers 8/12/20 given once.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Result, Round, ScoreSheet, utcnow
from app.results import awards, gather, services
from app.results.services import collector_paused
from bench.common import HttpClient, fresh_app, gunicorn, load_average, peak_memory_mb, report, summary_ms
from bench.judging import FAST_HASH, closed_scored_round, form_login
from bench.populate import ORGANIZER_EMAIL, ORGANIZER_PASSWORD
from scoring.results import rank_teams

TARGET_COMPUTE_S = 2.0
TARGET_PURE_S = 0.5
TARGET_PAGE_P95_MS = 200.0
TIE_BREAKS = ["raw_sum", "criterion:innovation"]


def _timed(work) -> tuple[object, float]:
    """Run `work` on a freshly collected heap (as a request would find it) and time it."""
    gc.collect()
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _paused(function, *args):
    with collector_paused():
        return function(*args)


def compute_phase(app, round_id: int, repeat: int) -> dict:
    figures: dict = {}
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        sheets = db.session.scalar(select(func.count(ScoreSheet.id)))
        # The parts, each with the collector paused as `compute_round_results` runs them.
        teams, gather_s = _timed(lambda: _paused(gather.gather, round_))
        figures["input"] = {
            "teams": len(teams),
            "sheets": sum(len(team.sheets) for team in teams),
            "sheet_rows": sheets,
            "scores_read_for_tie_breaks": sum(len(sheet.items) for team in teams for sheet in team.sheets),
            "gather_s": round(gather_s, 3),
        }
        rule = gather.rule_of(round_)
        pure = {}
        for method in ("mean", "trimmed_mean", "median", "zscore"):
            times = [
                _timed(lambda method=method: _paused(rank_teams, teams, replace(rule, method=method)))[1] for _ in range(repeat)
            ]
            pure[method] = round(min(times), 3)
        figures["pure_compute_s"] = pure  # best of `repeat`
        teams = None  # the gathered input is not kept alive while the round is computed from the database
        runs = []
        for _ in range(repeat):

            def work():
                snapshot = services.compute_round_results(round_, confirm=True, actor=None, now=utcnow())
                db.session.commit()
                return snapshot

            _snapshot, seconds = _timed(work)
            runs.append(seconds)
        figures["compute_from_database_s"] = {
            "method": round_.aggregation,
            "runs": [round(run, 3) for run in runs],
            "best": round(min(runs), 3),
            "median": round(statistics.median(runs), 3),
        }
        others = {}
        for method in ("mean", "median", "zscore"):
            round_.aggregation = method
            db.session.commit()
            _snapshot, seconds = _timed(
                lambda: (services.compute_round_results(round_, confirm=True, actor=None, now=utcnow()), db.session.commit())
            )
            others[method] = round(seconds, 3)
        round_.aggregation = "trimmed_mean"
        db.session.commit()
        services.compute_round_results(round_, confirm=True, actor=None, now=utcnow())
        db.session.commit()
        figures["compute_other_methods_s"] = others
        rule_input = awards.award_rule_input(
            round_, [{"key": "special", "count": 8}, {"key": "first", "count": 12}, {"key": "second", "count": 20}]
        )
        outcome, seconds = _timed(
            lambda: (awards.assign_awards(round_, rule_input, actor=None, now=utcnow()), db.session.commit())[0]
        )
        figures["awards_8_12_20"] = {"seconds": round(seconds, 3), "given": len(outcome.awards), "tied_groups": len(outcome.ties)}
        figures["results_rows"] = db.session.scalar(select(func.count(Result.id)).where(Result.round_id == round_id))
        db.session.remove()
        db.engine.dispose()
    return figures


def page_phase(url: str, round_id: int, repeat: int) -> dict:
    figures: dict = {}
    with gunicorn(url) as (base, _log):
        client = form_login(base, ORGANIZER_EMAIL, ORGANIZER_PASSWORD)
        try:
            for name, path in (
                ("results_page", f"/rounds/{round_id}/results"),
                ("results_page_filtered", f"/rounds/{round_id}/results?flag=disagreement&sort=spread"),
                ("judge_statistics_page", f"/rounds/{round_id}/results/judges"),
            ):
                client.request("GET", path)  # warm
                latencies, statuses = [], []
                for _ in range(repeat if name != "judge_statistics_page" else max(3, repeat // 5)):
                    status, _headers, body, seconds = client.request("GET", path)
                    statuses.append(status)
                    latencies.append(seconds)
                figures[name] = {
                    "path": path,
                    **summary_ms(latencies),
                    "statuses": sorted(set(statuses)),
                    "bytes": len(body),
                    "rows": body.count(b"data-team="),
                }
        finally:
            client.close()
        token_client = HttpClient(base)
        status, body, _seconds = token_client.json(
            "POST", "/api/v1/tokens", json_body={"email": ORGANIZER_EMAIL, "password": ORGANIZER_PASSWORD}
        )
        api = HttpClient(base, headers={"Authorization": f"Bearer {body['token']}"})
        latencies = []
        for _ in range(max(3, repeat // 5)):
            status, _headers, payload, seconds = api.request("GET", f"/api/v1/rounds/{round_id}/results?per_page=200")
            latencies.append(seconds)
        figures["get_results_api_page_of_200"] = {
            **summary_ms(latencies),
            "status": status,
            "bytes": len(payload),
            "items": len(json.loads(payload).get("items", [])),
        }
        api.close()
        token_client.close()
    return figures


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 30 --judges 6 --k 3 --repeat 1 --page-repeat 3".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench results")
    parser.add_argument("--teams", type=int, default=10_000)
    parser.add_argument("--judges", type=int, default=300)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page-repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-results-"))
    url = f"sqlite:///{folder / 'results.db'}"
    figures: dict = {
        "database": "sqlite",
        "teams": args.teams,
        "judges": args.judges,
        "k": args.k,
        "criteria": 6,
        "load_average_at_start": load_average(),
    }
    app = fresh_app(url, PASSWORD_HASH_METHOD=FAST_HASH)
    try:
        setup_figures, fill_figures, plan = closed_scored_round(
            app, teams=args.teams, judges=args.judges, k=args.k, seed=args.seed
        )
        figures["setup_s"] = setup_figures["total_s"]
        figures["fill"] = {
            key: value for key, value in fill_figures.items() if key in ("sheets_saved", "seconds", "sheets_per_s", "partial")
        }
        with app.app_context():
            db.session.get(Round, plan["round_id"]).tie_breaks = TIE_BREAKS
            db.session.commit()
            db.session.remove()
        figures.update(compute_phase(app, plan["round_id"], args.repeat))
        figures.update(page_phase(url, plan["round_id"], args.page_repeat))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(app.instance_path, ignore_errors=True)
    figures["targets"] = {
        "compute_s_under": TARGET_COMPUTE_S,
        "pure_s_under": TARGET_PURE_S,
        "page_p95_ms_under": TARGET_PAGE_P95_MS,
        "compute_met": figures["compute_from_database_s"]["median"] < TARGET_COMPUTE_S,
        "pure_met": max(figures["pure_compute_s"].values()) < TARGET_PURE_S,
        "page_met": figures["results_page"]["p95_ms"] < TARGET_PAGE_P95_MS and figures["results_page"]["statuses"] == [200],
    }
    figures["total_s"] = round(time.perf_counter() - started, 1)
    figures["peak_memory_mb"] = peak_memory_mb()
    report("results", figures)
    return 0
