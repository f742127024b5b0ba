"""Backups of Laurel's data and their restore, for `flask backup` and `flask restore`.

A backup is one file, the database's: SQLite's own format (a ready .db file) or pg_dump's custom format.
Each kind of data is a part with its own writer, checker and restorer (the database alone for now: `DATABASE_PARTS`, by backend);
when the app keeps files of its own (works, certificates), their folder becomes a second part, and a backup
an archive holding one entry per part (docs/operations.md).

A restore checks the whole file before it touches anything: a file of the wrong kind, or one that is not a
Laurel database, is refused and the live database stays as it was.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

#: Tables every Laurel database has, whatever its migration: a file without them is not a backup of Laurel.
TABLES_OF_EVERY_LAUREL = ("users", "contests", "colleges")
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup that cannot be written, or a file that cannot be restored; its message says why."""


@dataclass(frozen=True)
class Part:
    """One kind of data in a backup: how it is written to a file, checked, and restored from one."""

    name: str
    write: Callable[[URL, Path], None]
    check: Callable[[URL, Path], None]
    restore: Callable[[URL, Path], None]


def write_backup(database_url: str, out: Path) -> Path:
    """Write a consistent copy of the data to `out`, through a file beside it and a rename: `out` is never
    half-written. Safe while Laurel runs."""
    url = make_url(database_url)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(prefix=out.name + ".", suffix=".partial", dir=out.parent)
    os.close(descriptor)
    try:
        _database_part(url).write(url, Path(partial))
        os.replace(partial, out)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return out


def check_backup(database_url: str, source: Path) -> None:
    """Raise BackupError unless `source` is a backup that `restore_backup` can restore into this database."""
    url = make_url(database_url)
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    _database_part(url).check(url, source)


def restore_backup(database_url: str, source: Path) -> None:
    """Replace the data with the backup's, all or nothing, after checking it (`check_backup`). The app's
    connections must be closed first; Laurel should be stopped (PostgreSQL waits for its open transactions)."""
    check_backup(database_url, source)
    url = make_url(database_url)
    _database_part(url).restore(url, source)


def describe(database_url: str) -> str:
    """The database a restore would replace, as an operator names it (no password)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"the SQLite database {url.database}"
    return f"the PostgreSQL database {url.database} at {url.host or 'localhost'}:{url.port or 5432}"


# SQLite ------------------------------------------------------------------------------------------------


def _sqlite_write(url: URL, out: Path) -> None:
    source = sqlite3.connect(url.database)
    target = sqlite3.connect(out)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def _sqlite_check(url: URL, source: Path) -> None:
    with source.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header.startswith(PG_DUMP_HEADER):
        raise BackupError(f"{source} is a PostgreSQL backup (pg_dump); this Laurel runs on SQLite.")
    if header != SQLITE_HEADER:
        raise BackupError(f"{source} is not a SQLite database, so not a backup of this Laurel.")
    backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        verdict = backup.execute("PRAGMA quick_check").fetchone()[0]
        tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is a damaged SQLite file: {error}.") from error
    finally:
        backup.close()
    if verdict != "ok":
        raise BackupError(f"{source} is a damaged SQLite file: {verdict}.")
    missing = [table for table in TABLES_OF_EVERY_LAUREL if table not in tables]
    if missing:
        raise BackupError(f"{source} is a SQLite database but not Laurel's (no table {', '.join(missing)}).")


@contextmanager
def _sqlite_writer_lock(database: str):
    """The lock Laurel's writers queue on (app/database.py): a writer still running waits for the restore."""
    descriptor = os.open(f"{database}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def _sqlite_restore(url: URL, source: Path) -> None:
    """SQLite's backup API, from the backup into the live file: one write transaction that replaces every page,
    through the live database's own journal (its WAL), so it is whole or not at all, and no stale WAL file is
    left to be replayed over it."""
    backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    live = sqlite3.connect(url.database, timeout=30)
    try:
        with _sqlite_writer_lock(url.database):
            backup.backup(live)
    except sqlite3.Error as error:
        raise BackupError(f"The restore failed, and changed nothing: {error}.") from error
    finally:
        backup.close()
        live.close()


# PostgreSQL --------------------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client tools.")
    return path


def _pg_connection(url: URL) -> list[str]:
    return ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--username", url.username or "postgres"]


def _pg_run(command: list[str], url: URL) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PGPASSWORD=url.password or "")
    return subprocess.run(command, env=environment, capture_output=True, text=True)


def _pg_write(url: URL, out: Path) -> None:
    done = _pg_run([_pg_tool("pg_dump"), "--format=custom", "--file", str(out), *_pg_connection(url), url.database], url)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")


def _pg_check(url: URL, source: Path) -> None:
    with source.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header == SQLITE_HEADER:
        raise BackupError(f"{source} is a SQLite backup; this Laurel runs on PostgreSQL.")
    if not header.startswith(PG_DUMP_HEADER):
        raise BackupError(f"{source} is not a pg_dump file in the custom format, so not a backup of this Laurel.")
    listed = _pg_run([_pg_tool("pg_restore"), "--list", str(source)], url)
    if listed.returncode != 0:
        raise BackupError(f"{source} is a damaged pg_dump file: {listed.stderr.strip()}")
    tables = {line.split()[-2] for line in listed.stdout.splitlines() if " TABLE " in line and not line.startswith(";")}
    missing = [table for table in TABLES_OF_EVERY_LAUREL if table not in tables]
    if missing:
        raise BackupError(f"{source} is a pg_dump file but not of Laurel's database (no table {', '.join(missing)}).")


def _pg_restore(url: URL, source: Path) -> None:
    """pg_restore in one transaction: every table dropped and made again from the backup, or, on any error,
    nothing changed. Objects are owned by the user restoring, whoever owned them where the backup was made."""
    command = [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--dbname",
        url.database,
        *_pg_connection(url),
        str(source),
    ]
    done = _pg_run(command, url)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed, and changed nothing: {done.stderr.strip()}")


DATABASE_PARTS = {
    "sqlite": Part("database", _sqlite_write, _sqlite_check, _sqlite_restore),
    "postgresql": Part("database", _pg_write, _pg_check, _pg_restore),
}


def _database_part(url: URL) -> Part:
    part = DATABASE_PARTS.get(url.get_backend_name())
    if part is None:
        raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
    return part
