"""Database connection settings that the models do not see: SQLite's pragmas, the writer lock, and how
JSON columns are written."""

import json

import orjson
from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL (readers never block the writer), foreign keys on, wait up to 30 s for a lock.

    Python's sqlite3 module keeps its default transaction handling: a transaction starts at the
    first write, so reads before it never hold a stale snapshot that a later write could not
    upgrade. Services that must check-then-write take their write lock first (see
    `registration.services.register_team`), which makes the check authoritative on SQLite.
    """
    if not type(dbapi_connection).__module__.startswith(("sqlite3", "pysqlite2")):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# One writer at a time, woken at once --------------------------------------------------------
#
# SQLite lets one transaction write at a time; the others wait in its busy handler, which sleeps
# in growing steps and so often sleeps on after the lock is free, while the next writer could have
# gone on. Writers queue instead on an advisory file lock beside the database: the kernel wakes the next one the
# moment the previous transaction ends. A transaction takes it at its first write statement and
# gives it back when its connection returns to the pool, right after the commit or rollback.

import fcntl  # noqa: E402
import os  # noqa: E402

from sqlalchemy.pool import Pool  # noqa: E402

WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_LOCK_KEY = "laurel_writer_lock"
#: An execution option: write only if no one else is writing, else raise `WriterBusy` at once. For writes
#: that may wait for a later turn (a job's progress, written beside the job's own open transaction, which
#: in the same thread would otherwise wait for itself).
UNLESS_BUSY = "laurel_unless_busy"


class WriterBusy(Exception):
    """Another transaction is writing to the SQLite database (see `UNLESS_BUSY`)."""


@event.listens_for(Engine, "before_cursor_execute")
def _take_writer_lock(connection, cursor, statement, parameters, context, executemany):
    if connection.dialect.name != "sqlite" or not statement.lstrip()[:7].upper().startswith(WRITE_VERBS):
        return
    info = connection.connection.info  # the pooled DBAPI connection's own record
    database = connection.engine.url.database
    if info.get(_LOCK_KEY) is not None or not database or database == ":memory:":
        return
    descriptor = os.open(f"{database}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
    if connection.get_execution_options().get(UNLESS_BUSY):
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise WriterBusy(database) from None
    else:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    info[_LOCK_KEY] = descriptor


@event.listens_for(Pool, "checkin")
def _give_back_writer_lock(dbapi_connection, connection_record):
    descriptor = connection_record.info.pop(_LOCK_KEY, None) if connection_record is not None else None
    if descriptor is not None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


# JSON columns ----------------------------------------------------------------------------------


def json_text(value) -> str:
    """A JSON column's value as text, written by orjson: a round's computation writes such a column (its
    judges' totals, its flags) for each of its thousands of teams at once. Keys that are not
    strings are written as strings, as `json.dumps` does; what orjson refuses (a lone surrogate) goes
    through `json.dumps`, as before."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


#: For Flask-SQLAlchemy's SQLALCHEMY_ENGINE_OPTIONS.
ENGINE_OPTIONS = {"json_serializer": json_text}


def schema_object_filter(dialect: str):
    """Alembic's `include_object` for a database of `dialect`: leaves out the indexes the models declare for
    another database only (`Index.ddl_if`, as PostgreSQL's trigram indexes), which that database never has,
    so that comparing its schema with the models (autogenerate, tests/test_migrations.py) finds no difference."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        condition = getattr(obj, "_ddl_if", None)
        return not (type_ == "index" and condition is not None and condition.dialect not in (None, dialect))

    return include
