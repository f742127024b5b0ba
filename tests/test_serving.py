"""Laurel served as `make run` serves it (the gunicorn command the Makefile runs, read from `make --dry-run`)
keeps answering while slow clients trickle their headers in: four sockets that sent a request line and then
send a header byte now and then held both of the sync workers, and /api/v1/health took 11 s. gunicorn.conf.py
gives every worker threads, so that a slow client holds a thread, not a worker."""

from __future__ import annotations

import http.client
import os
import secrets
import shlex
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.test_durability import free_port, poll

ROOT = Path(__file__).resolve().parent.parent
SLOW_CLIENTS = 4
PROMPT_SECONDS = 3  # /api/v1/health answers in milliseconds; a held server did not answer in 11 s


def make_run_command(port: int) -> tuple[dict[str, str], list[str]]:
    """The environment assignments and the command line of `make run`'s server, on 127.0.0.1:`port`."""
    printed = subprocess.run(
        ["make", "--dry-run", "--silent", "run", "HOST=127.0.0.1", f"PORT={port}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    [line] = [line for line in printed.splitlines() if "gunicorn" in line]
    words = shlex.split(line)
    assignments = {}
    while "=" in words[0] and not words[0].startswith(("-", ".", "/")):
        name, value = words.pop(0).split("=", 1)
        assignments[name] = value
    return assignments, words


@contextmanager
def served_as_make_run(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`make run`'s gunicorn, on a free loopback port, with a new instance folder and SQLite database;
    always stopped."""
    port = free_port()
    assignments, command = make_run_command(port)
    instance = tmp_path / "instance"
    instance.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAUREL_")}
    env.update(assignments)
    env.update(
        LAUREL_INSTANCE_PATH=str(instance),
        LAUREL_DATABASE_URL=f"sqlite:///{tmp_path / 'laurel.db'}",
        LAUREL_SECRET_KEY=secrets.token_hex(32),
    )
    log_path = tmp_path / "gunicorn.log"
    base = f"127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            poll(process, lambda: health(base, timeout=5)[0] == 200, "an answer", log_path)
            yield base, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def health(base: str, timeout: float) -> tuple[int, float]:
    """GET /api/v1/health on a new connection: its status and how long it took."""
    host, port = base.split(":")
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", "/api/v1/health")
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        connection.close()


@contextmanager
def slow_clients(base: str, count: int) -> Iterator[None]:
    """`count` sockets that send a request line and a first header, then one more header byte every half
    second (a slowloris), until the block ends."""
    host, port = base.split(":")
    sockets = [socket.create_connection((host, int(port)), timeout=5) for _ in range(count)]
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.5):
            for sock in sockets:
                try:
                    sock.sendall(b"x")
                except OSError:
                    return  # the server gave up on it: that is its right

    for sock in sockets:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: laurel\r\nX-Slow: ")
    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        yield
    finally:
        stop.set()
        sender.join(timeout=5)
        for sock in sockets:
            sock.close()


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "gunicorn").exists(), reason="make run's .venv is not set up")
def test_four_slow_clients_do_not_stall_make_run(tmp_path):
    with served_as_make_run(tmp_path) as (base, _process), slow_clients(base, SLOW_CLIENTS):
        for _ in range(3):
            try:
                status, seconds = health(base, timeout=PROMPT_SECONDS * 2)
            except TimeoutError:
                pytest.fail(f"/api/v1/health did not answer within {PROMPT_SECONDS * 2} s beside {SLOW_CLIENTS} slow clients")
            assert status == 200 and seconds < PROMPT_SECONDS


def test_make_run_and_the_production_recipe_use_the_same_gunicorn_settings():
    """Both name gunicorn.conf.py, where the worker class and its threads are set, once: `make run`, and the
    instances that deploy/serve-instances (the README's production recipe) starts."""
    _assignments, command = make_run_command(5000)
    assert command[command.index("--config") + 1] == "gunicorn.conf.py"
    recipe = (ROOT / "README.md").read_text(encoding="utf-8").split("## Running in production", 1)[1].split("\n## ", 1)[0]
    assert "deploy/serve-instances --instances" in recipe
    assert '"--config", "gunicorn.conf.py"' in (ROOT / "deploy" / "serve-instances").read_text(encoding="utf-8")
