"""The HTTP floor: a bare Flask app whose one endpoint inserts one row into SQLite (WAL), served by
gunicorn like Laurel. What a sheet save costs beyond this is Laurel's own work.

    gunicorn floor_app:app   (FLOOR_DATABASE names the SQLite file; the bench sets it)
"""

from __future__ import annotations

import os
import sqlite3

from flask import Flask, g, jsonify, request

app = Flask(__name__)


def connection() -> sqlite3.Connection:
    if "connection" not in g:
        g.connection = sqlite3.connect(os.environ["FLOOR_DATABASE"], timeout=30)
        g.connection.execute("PRAGMA journal_mode=WAL")
        g.connection.execute("PRAGMA synchronous=NORMAL")
    return g.connection


@app.teardown_appcontext
def close(_error) -> None:
    if "connection" in g:
        g.pop("connection").close()


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
