"""What the benchmarks share: a throwaway app on a fresh database, timing, and the JSON report."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from app import create_app
from app.extensions import db


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def peak_memory_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def fresh_app(database_url: str | None = None, **config):
    """An app on a new SQLite file (or on `database_url`, emptied), with the schema created."""
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-"))
    os.environ["LAUREL_INSTANCE_PATH"] = str(folder)
    url = database_url or f"sqlite:///{folder / 'bench.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-" + "x" * 32, "DATABASE_URL": url, **config})
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


@contextmanager
def timer(results: dict, name: str):
    started = time.perf_counter()
    yield
    results[name] = round(time.perf_counter() - started, 4)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary_ms(values: list[float]) -> dict:
    return {
        "count": len(values), "p50_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(percentile(values, 0.95) * 1000, 1), "max_ms": round(max(values) * 1000, 1),
    }


def report(name: str, figures: dict) -> None:
    print(json.dumps({"benchmark": name, "machine": machine(), **figures}, ensure_ascii=False, indent=2))
