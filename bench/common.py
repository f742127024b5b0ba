"""What the benchmarks share: a throwaway app on a fresh database, timing, and the JSON report."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from app import create_app
from app.extensions import db


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def load_average() -> list[float]:
    """The machine's 1, 5 and 15 minute load: other work running beside a benchmark skews it."""
    return [round(value, 2) for value in os.getloadavg()]


def peak_memory_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def fresh_app(database_url: str | None = None, *, empty: bool = True, **config):
    """An app on a new SQLite file (or on `database_url`, emptied, unless `empty` is false), with the schema
    created; its instance folder is a new temporary one, whatever the database."""
    folder = Path(tempfile.mkdtemp(prefix="laurel-bench-"))
    os.environ["LAUREL_INSTANCE_PATH"] = str(folder)
    url = database_url or f"sqlite:///{folder / 'bench.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-" + "x" * 32, "DATABASE_URL": url, **config})
    if empty:
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
        "count": len(values),
        "p50_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


def report(name: str, figures: dict) -> None:
    print(json.dumps({"benchmark": name, "machine": machine(), **figures}, ensure_ascii=False, indent=2))


def print_table(rows: list[dict], columns: list[tuple[str, str]]) -> None:
    """Print `rows` as a plain text table: one column per (key, header), each as wide as its widest cell."""
    cells = [[header for _key, header in columns]] + [
        ["" if row.get(key) is None else str(row.get(key)) for key, _header in columns] for row in rows
    ]
    widths = [max(len(line[index]) for line in cells) for index in range(len(columns))]
    for line in cells:
        print(
            "  ".join(
                cell.ljust(width) if index == 0 else cell.rjust(width)
                for index, (cell, width) in enumerate(zip(line, widths, strict=True))
            )
        )


def database_cpu_seconds(database_url: str) -> float | None:
    """The CPU time (user and system) that the PostgreSQL server on this machine has used so far for the
    database of `database_url`: its backends, and the server's own processes (writer, checkpointer, WAL),
    never the backends of other databases, read from /proc. None for SQLite (the database runs inside the
    app's process, counted in its CPU) or where there is no /proc. A backend that exits between two readings
    takes its time with it: compare readings over windows where the pool keeps its connections open."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if not url.drivername.startswith("postgresql") or not Path("/proc").exists():
        return None
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
            title = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
        except OSError:  # a process that ended while being read
            continue
        if head.split("(", 1)[1] != "postgres":
            continue
        # A backend's title is "postgres: [CLUSTER:] USER DATABASE HOST(PORT) STATE"; an autovacuum worker's
        # "postgres: [CLUSTER:] autovacuum worker DATABASE".
        words = title[1:] if title[:1] == ["postgres:"] else []
        words = words[1:] if words[:1] and words[0].endswith(":") else words
        if len(words) >= 3 and ("(" in words[2] or words[2] == "[local]"):
            if words[1] != url.database:
                continue
        elif words[:2] == ["autovacuum", "worker"] and words[-1:] != [url.database]:
            continue
        fields = tail.split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def analyze_without_autovacuum(*tables: str) -> float:
    """On a PostgreSQL server that runs no autovacuum (a test server may not), ANALYZE `tables` (all when
    none given), as autovacuum would have after the rows just written: without it the planner keeps the
    statistics of empty tables, and its plans are not the ones a production server makes. The seconds it took;
    0 on SQLite or where autovacuum runs."""
    if db.engine.dialect.name != "postgresql" or db.session.execute(text("SHOW autovacuum")).scalar() == "on":
        return 0.0
    started = time.perf_counter()
    db.session.execute(text("ANALYZE " + ", ".join(tables)))
    db.session.commit()
    return time.perf_counter() - started


# Serving the app with gunicorn, and a small HTTP client (standard library only) ----------------

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, *, timeout: float, interval: float = 0.1) -> bool:
    """Call `check()` until it is true or `timeout` seconds pass; True when it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except OSError:
            pass
        time.sleep(interval)
    return False


#: Each running `gunicorn` server's master process id, by its base URL (for `server_cpu_seconds`).
_SERVERS: dict[str, int] = {}


def server_pid(base: str) -> int:
    """The master process id of the `gunicorn` serving `base` (its workers are its children)."""
    return _SERVERS[base]


def server_cpu_seconds(base: str) -> float | None:
    """The CPU time (user and system) that the gunicorn serving `base` has used so far, its workers
    included, read from /proc; None where there is no /proc. The difference over a window, divided by the
    requests answered in it, is what one request costs the server, whatever else the machine does."""
    master = _SERVERS.get(base)
    proc = Path("/proc")
    if master is None or not (proc / str(master) / "stat").exists():
        return None
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that ended while being read
            continue
        if stat.parent.name == str(master) or int(fields[1]) == master:  # the master, or one of its workers
            total += int(fields[11]) + int(fields[12])
    return total / ticks


@contextmanager
def gunicorn(
    database_url: str,
    *,
    workers: int = 2,
    extra_env: dict | None = None,
    startup_timeout: float = 60.0,
    app_spec: str = "wsgi:app",
    chdir: Path | None = None,
):
    """Serve `app_spec` (Laurel's wsgi:app by default) with gunicorn on a free local port; yields (base URL,
    log file). Always stops it."""
    import secrets
    import shutil
    import subprocess

    instance = Path(tempfile.mkdtemp(prefix="laurel-bench-serve-"))
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAUREL_")}
    env.update(
        {
            "LAUREL_DATABASE_URL": database_url,
            "LAUREL_INSTANCE_PATH": str(instance),
            "LAUREL_SECRET_KEY": secrets.token_hex(32),
            "LAUREL_LOGIN_ACCOUNT_RATE_LIMIT": "1000 per minute",
            "LAUREL_LOGIN_ADDRESS_RATE_LIMIT": "1000 per minute",
            **(extra_env or {}),
        }
    )
    log_path = instance / "gunicorn.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", app_spec],
        cwd=chdir or ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    _SERVERS[base] = process.pid
    try:

        def healthy() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}: {log_path.read_text(errors='replace')[-2000:]}")
            status, _headers, _body, _seconds = HttpClient(base, timeout=2).request("GET", "/api/v1/health")
            return status == 200

        if not wait_until(healthy, timeout=startup_timeout):
            raise RuntimeError(
                f"gunicorn did not answer within {startup_timeout} s: {log_path.read_text(errors='replace')[-2000:]}"
            )
        yield base, log_path
    except BaseException:
        failed = True
        raise
    else:
        failed = False
    finally:
        _SERVERS.pop(base, None)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log.close()
        shutil.rmtree(instance / "outbox", ignore_errors=True)
        if failed:
            print(f"gunicorn's log is kept in {log_path}", file=sys.stderr)
        else:
            shutil.rmtree(instance, ignore_errors=True)


@contextmanager
def served_instances(database_url: str, redis_url: str, *, instances: int = 2, workers: int = 2, startup_timeout: float = 90.0):
    """Laurel as production serves it: `deploy/serve-instances` (N gunicorn instances, the job worker and
    nginx) on free loopback ports, PostgreSQL and Redis shared; yields (nginx's base URL, the script's log,
    where every instance writes too). Always stopped, its whole session killed if it does not stop."""
    import secrets
    import shutil
    import signal
    import subprocess

    instance = Path(tempfile.mkdtemp(prefix="laurel-bench-instances-"))
    port, ports = free_port(), [free_port() for _ in range(instances)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAUREL_")}
    env.update(
        LAUREL_DATABASE_URL=database_url,
        LAUREL_REDIS_URL=redis_url,
        LAUREL_RATELIMIT_STORAGE_URI=redis_url,
        LAUREL_SECRET_KEY=secrets.token_hex(32),
        LAUREL_PROXY_COUNT="1",
        LAUREL_INSTANCE_PATH=str(instance),
        LAUREL_LOGIN_ACCOUNT_RATE_LIMIT="1000 per minute",
        LAUREL_LOGIN_ADDRESS_RATE_LIMIT="1000 per minute",
    )
    command = [sys.executable, str(ROOT / "deploy" / "serve-instances"), "--instances", str(instances), "--port", str(port)]
    command += ["--workers", str(workers), "--instance-ports", ",".join(map(str, ports)), "--no-migrate"]
    log_path = instance / "serve-instances.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:

        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError(
                    f"serve-instances exited with {process.returncode}: {log_path.read_text(errors='replace')[-3000:]}"
                )
            return b"serve-instances: ready" in log_path.read_bytes()

        if not wait_until(ready, timeout=startup_timeout):
            raise RuntimeError(f"serve-instances did not start: {log_path.read_text(errors='replace')[-3000:]}")
        yield f"http://127.0.0.1:{port}", log_path
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
        shutil.rmtree(instance, ignore_errors=True)


#: A connection idle this long is opened again before its next request: the server closes idle kept-alive
#: connections after its keep-alive time (gunicorn's default is 2 s), and a POST sent into a connection the
#: server is closing could not be retried safely.
IDLE_BEFORE_RECONNECT_S = 1.0


class HttpClient:
    """One client: a persistent http.client connection (reopened when the server closes it, or after it sat
    idle), a cookie jar, JSON and form bodies."""

    def __init__(self, base: str, *, timeout: float = 30.0, headers: dict | None = None):
        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}
        self.last_used = time.perf_counter()

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body=None,
        form: dict | None = None,
        data: bytes | None = None,
        headers: dict | None = None,
    ):
        """Send one request (a JSON body, a form, or `data` as it is, with its Content-Type in `headers`);
        returns (status, headers, body bytes, seconds from send to last byte)."""
        import http.client
        from http.cookies import SimpleCookie
        from urllib.parse import urlencode

        sent = {**self.headers, **(headers or {})}
        body = data
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode()
            sent["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if time.perf_counter() - self.last_used > IDLE_BEFORE_RECONNECT_S:
            self.connection.close()  # opened again by the next request
        for attempt in range(2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()  # the server closed an idle connection: reconnect, GETs only
                if attempt or method not in ("GET", "HEAD"):
                    raise
        self.last_used = time.perf_counter()
        seconds = self.last_used - started
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.connection.close()
        return response.status, response.headers, data, seconds

    def json(self, method: str, path: str, **kwargs):
        status, _headers, data, seconds = self.request(method, path, **kwargs)
        return status, (json.loads(data) if data else None), seconds

    def close(self) -> None:
        self.connection.close()


def run_clients(target, client_args: list[tuple], seconds: float, *, start_timeout: float = 60.0) -> tuple[list[dict], float]:
    """Run `target(*args, start, deadline, out)` in one thread per client, released together by the
    `start` barrier and asked to stop at `deadline[0]`; returns each client's `out` and the wall time.

    A client that raises fails the run with its error: a silent thread would leave its `out` empty, and
    the figures would read as a client that sent nothing and met no error."""
    import threading

    start = threading.Barrier(len(client_args) + 1)
    deadline = [float("inf")]
    outputs: list[dict] = [{} for _ in client_args]
    failures: list[BaseException] = []

    def client(args: tuple, out: dict) -> None:
        try:
            target(*args, start, deadline, out)
        except BaseException as error:
            failures.append(error)
            start.abort()  # the others, and this thread's caller, stop waiting for it

    threads = [
        threading.Thread(target=client, args=(args, out), daemon=True) for args, out in zip(client_args, outputs, strict=True)
    ]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds  # set before the start, read only after it
    try:
        start.wait(timeout=start_timeout)
    except threading.BrokenBarrierError:
        if not failures:
            raise
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    if failures:
        raise RuntimeError(f"a client failed: {failures[0]!r}") from failures[0]
    return outputs, time.perf_counter() - began
