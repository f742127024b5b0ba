"""The HTTP floor: a bare Flask app whose one endpoint inserts one row into SQLite (WAL), served by
gunicorn like Laurel. What a sheet save costs beyond this is Laurel's own work.

    gunicorn floor_app:app   (FLOOR_DATABASE names the SQLite file; the bench sets it)
"""

from __future__ import annotations

import os
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)
_connections: dict[int, sqlite3.Connection] = {}


def connection() -> sqlite3.Connection:
    """The worker's one connection, opened at its first request and kept, as Laurel's pool keeps its own.

    Not one per request: closing the last connection to a WAL database checkpoints it and deletes the
    log, two or three fdatasyncs a request, which made the floor follow the disk's latency (from 540 to
    1,420 rows/s in the same minute) rather than the machine's cost of a request.
    """
    if os.getpid() not in _connections:
        opened = _connections[os.getpid()] = sqlite3.connect(os.environ["FLOOR_DATABASE"], timeout=30)
        opened.execute("PRAGMA journal_mode=WAL")
        opened.execute("PRAGMA synchronous=NORMAL")
    return _connections[os.getpid()]


@app.get("/api/v1/health")
def health():
    return jsonify(status="ok")


@app.put("/rows/<int:key>")
def put_row(key: int):
    body = request.get_data(as_text=True)
    with connection() as db:
        db.execute("INSERT INTO rows (key, body) VALUES (?, ?)", (key, body))
    return jsonify(key=key, saved=True)


def create_table(path: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, key INTEGER, body TEXT)")
