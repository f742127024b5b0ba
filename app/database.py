"""Database connection settings that the models do not see: SQLite's pragmas."""

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
