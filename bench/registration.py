"""Registration under load, and the organizer's team list, against gunicorn on a national-size database.

    python -m bench registration [--teams 10000] [--seconds 10] [--clients 1,8] [--repeat 50]

A fresh SQLite file is filled by `bench.populate` (10,000 imported teams by default), then served
by `gunicorn --workers 2`; clients use the standard library only, one connection per thread.
Measured: registerTeam throughput and latency with 1 and with 8 concurrent clients (every answer
must be 201), then listTeams (API) and the team list page (HTML, signed in): the first page, a
filtered page and a search by a student's name, each repeated sequentially.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from bench.common import HttpClient, fresh_app, gunicorn, load_average, peak_memory_mb, report, run_clients, summary_ms
from bench.populate import Population, api_payload, populate

TARGET_REGISTRATION_P95_MS = 150.0
TARGET_REGISTRATIONS_PER_S = 100.0
TARGET_LIST_P95_MS = 150.0
WARMUP_REQUESTS = 6


def _token(base: str, population: Population) -> str:
    client = HttpClient(base)
    try:
        status, body, _seconds = client.json(
            "POST", "/api/v1/tokens", json_body={"email": population.organizer_email, "password": population.organizer_password}
        )
    finally:
        client.close()
    if status != 201:
        raise RuntimeError(f"createToken answered {status}: {body}")
    return body["token"]


def _register_loop(
    base: str,
    token: str,
    path: str,
    payloads: list[dict],
    think: float,
    seed: int,
    start: threading.Barrier,
    deadline: list[float],
    out: dict,
) -> None:
    """One client registering `payloads`, one after another; with `think` > 0 it pauses 0.5–1.5 ×
    `think` seconds before each, as a person filling in the form again (`bench load`)."""
    client = HttpClient(base, headers={"Authorization": f"Bearer {token}"})
    pause = random.Random(seed)
    latencies: list[float] = []
    failed: list[float] = []
    statuses: Counter[int] = Counter()
    errors: list[dict] = []
    try:
        start.wait(timeout=120)
        for payload in payloads:  # bounded by the payloads given, and by the deadline
            if think > 0:
                time.sleep(pause.uniform(0.5, 1.5) * think)
            if time.perf_counter() >= deadline[0]:
                break
            try:
                status, _headers, data, seconds = client.request("POST", path, json_body=payload)
            except OSError as error:
                statuses[-1] += 1
                if len(errors) < 5:
                    errors.append({"error": repr(error)})
                client.close()
                continue
            statuses[status] += 1
            if status == 201:
                latencies.append(seconds)
                continue
            failed.append(seconds)
            if len(errors) < 5:
                errors.append({"status": status, "ms": round(seconds * 1000, 1), "body": data[:300].decode("utf-8", "replace")})
    finally:
        client.close()
        out.update(latencies=latencies, failed=failed, statuses=statuses, errors=errors)


def register_phase(base: str, token: str, contest_id: int, payloads: list[list[dict]], seconds: float) -> dict:
    """`len(payloads)` clients at once, each sending its own teams until they run out or `seconds` pass."""
    path = f"/api/v1/contests/{contest_id}/teams"
    outputs, wall = run_clients(_register_loop, [(base, token, path, mine, 0.0, 0) for mine in payloads], seconds)
    latencies = [value for out in outputs for value in out.get("latencies", [])]
    failed = [value for out in outputs for value in out.get("failed", [])]
    statuses: Counter[int] = sum((out.get("statuses", Counter()) for out in outputs), Counter())
    created = statuses.get(201, 0)
    sent = sum(statuses.values())
    return {
        "clients": len(payloads),
        "requests": sent,
        "created": created,
        "errors": sent - created,
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "error_samples": [error for out in outputs for error in out.get("errors", [])][:5],
        "wall_s": round(wall, 3),
        "registrations_per_s": round(created / wall, 1) if wall else None,
        "latency": summary_ms(latencies) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "failed_latency": summary_ms(failed) if failed else None,
        "stopped_by": "count"
        if all(sum(out.get("statuses", Counter()).values()) >= len(mine) for out, mine in zip(outputs, payloads, strict=True))
        else "time",
    }


def repeat_get(client: HttpClient, path: str, repeat: int, *, expect: int = 200) -> tuple[dict, bytes]:
    """GET `path` `repeat` times in a row; the latency summary (200s only) and the last body."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    body = b""
    for _ in range(repeat):
        status, _headers, body, seconds = client.request("GET", path)
        statuses[status] += 1
        if status == expect:
            latencies.append(seconds)
    figures = {
        **(summary_ms(latencies) if latencies else {"count": 0}),
        "errors": sum(statuses.values()) - statuses.get(expect, 0),
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
    }
    figures["meets_target"] = bool(latencies) and figures["p95_ms"] < TARGET_LIST_P95_MS and not figures["errors"]
    return figures, body


def list_queries(search_name: str) -> dict[str, str]:
    return {
        "first_page": "",
        "filtered": "?" + urlencode({"province": "浙江省", "status": "submitted"}),
        "search": "?" + urlencode({"q": search_name}),
        # Not asked for: one page of results only (西藏, about 16 teams in 10,000), for a rendering baseline.
        "few_results": "?" + urlencode({"province": "西藏自治区", "status": "submitted"}),
    }


def api_lists(base: str, token: str, contest_id: int, search_name: str, repeat: int) -> dict:
    import json

    client = HttpClient(base, headers={"Authorization": f"Bearer {token}"})
    results: dict = {}
    try:
        for name, query in list_queries(search_name).items():
            path = f"/api/v1/contests/{contest_id}/teams{query}"
            client.request("GET", path)  # warm
            figures, body = repeat_get(client, path, repeat)
            try:
                payload = json.loads(body)
                figures.update(total=payload.get("total"), items=len(payload.get("items", [])))
            except ValueError:
                figures["body"] = body[:300].decode("utf-8", "replace")
            results[name] = {"query": query or "(none)", **figures}
    finally:
        client.close()
    return results


CSRF_FIELD = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def html_login(base: str, population: Population) -> HttpClient:
    client = HttpClient(base)
    status, _headers, body, _seconds = client.request("GET", "/login")
    match = CSRF_FIELD.search(body)
    if status != 200 or not match:
        raise RuntimeError(f"GET /login answered {status} without a csrf_token field")
    csrf = (match.group(1) or match.group(2)).decode()
    status, headers, body, _seconds = client.request(
        "POST",
        "/login",
        form={"email": population.organizer_email, "password": population.organizer_password, "csrf_token": csrf},
    )
    if status != 302:
        raise RuntimeError(f"POST /login answered {status}: {body[:300]!r}")
    return client


def html_lists(base: str, population: Population, search_name: str, repeat: int) -> dict:
    client = html_login(base, population)
    results: dict = {}
    try:
        for name, query in list_queries(search_name).items():
            path = f"/contests/{population.contest_id}/teams{query}"
            client.request("GET", path)  # warm
            figures, body = repeat_get(client, path, repeat)
            figures.update(
                rows=body.count(b'name="team_ids"'), bytes=len(body), signed_in=b"No team matches" in body or b"<tbody>" in body
            )
            results[name] = {"query": query or "(none)", **figures}
    finally:
        client.close()
    return results


EXCEPTION_LINE = re.compile(r"^[\w.]+(Error|Exception|Timeout)\b.*")


def _server_problems(log_path: Path) -> dict:
    """What gunicorn's log says went wrong: unhandled errors by request line, and exceptions by kind."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    lines = text.splitlines()
    requests = Counter(line.split("] ", 1)[-1].split("?")[0] for line in lines if "unhandled error on" in line)
    exceptions = Counter(line[:240] for line in lines if EXCEPTION_LINE.match(line))
    return {
        "log_lines": len(lines),
        "tracebacks": sum("Traceback" in line for line in lines),
        "worker_timeouts": sum("WORKER TIMEOUT" in line for line in lines),
        "unhandled_errors": dict(requests.most_common(10)),
        "exceptions": dict(exceptions.most_common(10)),
    }


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 30 --seconds 1 --clients 1,2 --max-requests 10 --repeat 3".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench registration")
    parser.add_argument("--teams", type=int, default=10_000, help="teams imported before the measurements")
    parser.add_argument("--seconds", type=float, default=10.0, help="longest time of each registration phase")
    parser.add_argument("--clients", default="1,8", help="concurrent clients of each registration phase")
    parser.add_argument("--max-requests", type=int, default=3000, help="most registrations per phase (over all its clients)")
    parser.add_argument("--repeat", type=int, default=50, help="requests per list measurement")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (1: sync workers)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database file and print where it is")
    args = parser.parse_args(argv)
    phases = [int(value) for value in args.clients.split(",") if value.strip()]

    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-registration-"))
    url = f"sqlite:///{folder / 'national.db'}"
    figures: dict = {
        "database": "sqlite",
        "workers": args.workers,
        "threads": args.threads,
        "load_average_at_start": load_average(),
    }
    app = fresh_app(url)
    try:
        try:
            population = populate(app, args.teams, args.seed)
        finally:
            shutil.rmtree(app.instance_path, ignore_errors=True)  # the populating app's instance: one mail per team
        figures["populate"] = {key: value for key, value in population.figures.items() if key != "chunks"}
        factory = population.factory
        warmup = [api_payload(factory.team()) for _ in range(WARMUP_REQUESTS)]
        planned = {
            clients: [[api_payload(factory.team()) for _ in range(max(1, args.max_requests // clients))] for _ in range(clients)]
            for clients in phases
        }
        search_name = next(
            (name for name in population.sample_student_names if len(name) >= 3), population.sample_student_names[0]
        )
        extra_env = {"GUNICORN_CMD_ARGS": f"--threads {args.threads}"} if args.threads > 1 else None
        with gunicorn(url, workers=args.workers, extra_env=extra_env) as (base, log_path):
            token = _token(base, population)
            warm = register_phase(base, token, population.contest_id, [warmup], seconds=30)
            figures["warmup"] = {"requests": warm["requests"], "created": warm["created"], "statuses": warm["statuses"]}
            results = {}
            for clients in phases:
                results[f"{clients}_clients"] = register_phase(base, token, population.contest_id, planned[clients], args.seconds)
            figures["registration"] = results
            figures["search_name"] = search_name
            figures["list_api"] = api_lists(base, token, population.contest_id, search_name, args.repeat)
            figures["list_html"] = html_lists(base, population, search_name, args.repeat)
            client = HttpClient(base, headers={"Authorization": f"Bearer {token}"})
            try:
                _status, body, _seconds = client.json("GET", f"/api/v1/contests/{population.contest_id}/teams?per_page=1")
            finally:
                client.close()
            registered = warm["created"] + sum(phase["created"] for phase in results.values())
            figures["teams_at_end"] = {"total": body["total"], "expected": population.figures["teams"] + registered}
            figures["server"] = _server_problems(log_path)
    finally:
        if args.keep:
            figures["kept_database"] = str(folder / "national.db")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    busiest = figures["registration"].get(f"{max(phases)}_clients", {})
    lists = [item for kind in ("list_api", "list_html") for name, item in figures[kind].items() if name != "few_results"]
    figures["targets"] = {
        "registration_p95_ms_under": TARGET_REGISTRATION_P95_MS,
        "registrations_per_s_at_least": TARGET_REGISTRATIONS_PER_S,
        "list_p95_ms_under": TARGET_LIST_P95_MS,
        "registration_p95_met": bool(busiest.get("latency")) and busiest["latency"]["p95_ms"] < TARGET_REGISTRATION_P95_MS,
        "registration_throughput_met": (busiest.get("registrations_per_s") or 0) >= TARGET_REGISTRATIONS_PER_S,
        "registration_no_errors": all(phase["errors"] == 0 for phase in figures["registration"].values()),
        "list_p95_met": all(item["meets_target"] for item in lists),
    }
    figures["total_s"] = round(time.perf_counter() - started, 1)
    figures["load_average_at_end"] = load_average()
    figures["peak_memory_mb"] = peak_memory_mb()
    report("registration", figures)
    return 0
