"""`bench season`'s last step: the registrations export of every track, as a job.

With the jobs API (`POST /api/v1/exports`) and a Redis URL, the job runs in `flask --app wsgi worker` started
here: the POST's latency, the time until the job is done, and the worker's peak memory (VmHWM from /proc, of
the worker and of every process it forks for a job, read while they run). Without the jobs API, the same
export runs in a Python process of its own, which reports its time and peak memory."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, HttpClient, gunicorn, wait_until
from bench.judging import token_for
from bench.populate import ORGANIZER_EMAIL, ORGANIZER_PASSWORD

TARGET_DONE_S = 120.0
TARGET_MEMORY_MB = 300.0
TARGET_START_MS = 200.0


def _peak_kb(pid: int) -> int:
    """VmHWM of `pid`, in kB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_s(pid: int) -> float:
    """User and system CPU seconds `pid` has used; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _family(pid: int) -> list[int]:
    """`pid` and every process below it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def jobs_api_exists() -> bool:
    import app.models

    return hasattr(app.models, "Job")


def export_as_job(database_url: str, redis_url: str, contest_id: int, empty_contest_id: int) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAUREL_")} | {
        "LAUREL_DATABASE_URL": database_url,
        "LAUREL_REDIS_URL": redis_url,
        "LAUREL_SECRET_KEY": secrets.token_hex(32),
    }
    with gunicorn(database_url, extra_env={"LAUREL_REDIS_URL": redis_url}) as (base, log_path):
        worker_log = (Path(log_path).parent / "worker.log").open("wb")
        worker = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", "worker"],
            cwd=ROOT,
            env=env | {"LAUREL_INSTANCE_PATH": str(Path(log_path).parent)},  # the server's: the job's file is served from it
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        try:
            client = HttpClient(base, headers={"Authorization": f"Bearer {token_for(base, ORGANIZER_EMAIL, ORGANIZER_PASSWORD)}"})
            # A running server has met Redis before: the exports of an empty contest warm both gunicorn workers.
            warmups = [client.json("POST", "/api/v1/exports", json_body={"kind": "teams", "contest_id": empty_contest_id})]
            warmups += [
                client.json("POST", "/api/v1/exports", json_body={"kind": "teams", "contest_id": empty_contest_id})
                for _ in range(3)
            ]
            for _status, warmup, _seconds in warmups:
                wait_until(
                    lambda warmup=warmup: client.json("GET", f"/api/v1/jobs/{warmup['job_id']}")[1]["state"]
                    in ("done", "failed"),
                    timeout=60,
                )
            status, body, start_s = client.json("POST", "/api/v1/exports", json_body={"kind": "teams", "contest_id": contest_id})
            if status != 202:
                raise RuntimeError(f"startExport answered {status}: {body}")
            job_path = f"/api/v1/jobs/{body['job_id']}"
            started, peaks, cpu, state, job = time.perf_counter(), {}, {}, {}, {}

            def done() -> bool:
                for pid in _family(worker.pid):
                    peaks[pid] = max(peaks.get(pid, 0), _peak_kb(pid))
                    cpu[pid] = max(cpu.get(pid, 0.0), _cpu_s(pid))
                _status, state["job"], _seconds = client.json("GET", job_path)
                return state["job"]["state"] in ("done", "failed")

            finished = wait_until(done, timeout=900, interval=1.0)
            seconds = time.perf_counter() - started
            job = state.get("job") or {}
            size = None
            if job.get("state") == "done":
                status, _headers, data, _seconds = client.request("GET", f"{job_path}/download")
                size = len(data) if status == 200 else None
            client.close()
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            worker_log.close()
            if job.get("state") != "done":
                print(Path(worker_log.name).read_text(errors="replace")[-3000:], file=sys.stderr)
    return {
        "how": "jobs API: POST /api/v1/exports, the job run by `flask --app wsgi worker` on Redis",
        "start_request_ms": round(start_s * 1000, 1),
        "warmup_start_requests_ms": [round(seconds * 1000, 1) for _status, _body, seconds in warmups],
        "done_s": round(seconds, 1) if finished else None,
        "state": job.get("state"),
        "error": job.get("error"),
        "bytes": size,
        "worker_peak_mb": round(max(peaks.values(), default=0) / 1024, 1),
        # What the job cost whatever else the machine did: the CPU of the process that ran it (last read).
        "worker_cpu_s": round(max(cpu.values(), default=0.0), 1),
    }


EXPORT_IN_A_PROCESS = """
import json, resource, sys, time
from sqlalchemy import select
from app import create_app
from app.extensions import db
from app.models import Contest, User
from app.registration.exports import registrations_workbook
from app.registration.queries import TeamFilters
from app.spreadsheets import write_workbook_file
url, contest_id, email, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
app = create_app({"TESTING": True, "SECRET_KEY": "bench-" + "x" * 32, "DATABASE_URL": url})
with app.app_context():
    started = time.perf_counter()
    viewer = db.session.scalar(select(User).where(User.email == email))
    path = write_workbook_file(out, registrations_workbook(db.session.get(Contest, contest_id), TeamFilters(), viewer=viewer))
    print(json.dumps({"done_s": round(time.perf_counter() - started, 1), "bytes": path.stat().st_size,
                      "worker_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def export_in_a_process(database_url: str, contest_id: int, folder: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", EXPORT_IN_A_PROCESS, database_url, str(contest_id), ORGANIZER_EMAIL, str(folder / "export.xlsx")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {"how": "no jobs API yet: the export service in a Python process of its own", **json.loads(done.stdout)}


def registrations_export(database_url: str, redis_url: str | None, contest_id: int, empty_contest_id: int, folder: Path) -> dict:
    if jobs_api_exists() and redis_url:
        figures = export_as_job(database_url, redis_url, contest_id, empty_contest_id)
    else:
        figures = export_in_a_process(database_url, contest_id, folder)
    figures["met"] = (
        figures.get("done_s") is not None
        and figures["done_s"] < TARGET_DONE_S
        and figures["worker_peak_mb"] < TARGET_MEMORY_MB
        and figures.get("start_request_ms", 0) < TARGET_START_MS
    )
    return figures
