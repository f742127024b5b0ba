"""The HTTP floor: a bare Flask app whose one endpoint inserts one row, into SQLite (WAL) or PostgreSQL,
served by gunicorn like Laurel. What a sheet save costs beyond this is Laurel's own work.

    gunicorn floor_app:app   (FLOOR_DATABASE names the SQLite file, or FLOOR_DATABASE_URL a PostgreSQL
                              database, postgresql+psycopg://...; the bench sets one)
"""

from __future__ import annotations

import os
import sqlite3
import threading

from flask import Flask, jsonify, request

app = Flask(__name__)
_kept = threading.local()


def connection() -> sqlite3.Connection:
    """The thread's one connection (a sync worker has one thread, a gthread worker several), opened at its
    first request and kept, as Laurel's pool keeps its own.

    Not one per request: closing the last connection to a WAL database checkpoints it and deletes the
    log, two or three fdatasyncs a request, which made the floor follow the disk's latency (from 540 to
    1,420 rows/s in the same minute) rather than the machine's cost of a request.
    """
    if getattr(_kept, "sqlite", None) is None:
        _kept.sqlite = sqlite3.connect(os.environ["FLOOR_DATABASE"], timeout=30)
        _kept.sqlite.execute("PRAGMA journal_mode=WAL")
        _kept.sqlite.execute("PRAGMA synchronous=NORMAL")
    return _kept.sqlite


def postgres_conninfo(url: str) -> str:
    """psycopg's form of a SQLAlchemy URL: postgresql+psycopg://... -> postgresql://..."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def postgres_connection():
    """The thread's own connection, kept like Laurel's pooled ones (a gthread worker serves a request a thread)."""
    import psycopg

    if getattr(_kept, "postgres", None) is None or _kept.postgres.closed:
        _kept.postgres = psycopg.connect(postgres_conninfo(os.environ["FLOOR_DATABASE_URL"]), autocommit=True)
    return _kept.postgres


@app.get("/api/v1/health")
def health():
    return jsonify(status="ok")


@app.put("/rows/<int:key>")
def put_row(key: int):
    body = request.get_data(as_text=True)
    if os.environ.get("FLOOR_DATABASE_URL"):
        postgres_connection().execute("INSERT INTO floor_rows (key, body) VALUES (%s, %s)", (key, body))
    else:
        with connection() as db:
            db.execute("INSERT INTO rows (key, body) VALUES (?, ?)", (key, body))
    return jsonify(key=key, saved=True)


def create_table(path: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, key INTEGER, body TEXT)")


def create_postgres_table(url: str) -> None:
    import psycopg

    with psycopg.connect(postgres_conninfo(url), autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS floor_rows")
        db.execute("CREATE TABLE floor_rows (id BIGSERIAL PRIMARY KEY, key BIGINT, body TEXT)")
