"""Backups of Laurel's data and their restore, for `flask backup` and `flask restore`.

A backup is one uncompressed tar archive with one entry per part: `database`, the database's own copy (SQLite's
format, a ready .db file, or pg_dump's custom format; `DATABASE_PARTS`, by backend), then `files/objects/...`,
every object of the store of uploaded files (`app.storage`: works), under its SHA-256. The database is copied
first and the files after it: the store only ever gains objects, so every file a row of the copy names is in
the archive. A backup written before files were kept (the database's file alone) still restores.

A restore checks the whole archive before it touches anything: a file of the wrong kind, one that is not a
Laurel database, a cut-short archive, or a stored file whose bytes do not hash to its name is refused, and the
live data stays as it was. Then the files go back into the store (each hashed again as it is written, so a
restored file has the same SHA-256 as the one backed up), and the database last: files the database does not
name harm nothing, rows naming a file that is not there would.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from app.storage import CHUNK_BYTES, LocalStorage

#: Tables every Laurel database has, whatever its migration: a file without them is not a backup of Laurel.
TABLES_OF_EVERY_LAUREL = ("users", "contests", "colleges")
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
#: The archive's entries: the database's copy, and the store's objects by digest.
DATABASE_ENTRY = "database"
FILE_ENTRY = re.compile(r"files/objects/([0-9a-f]{2})/([0-9a-f]{62})")


class BackupError(Exception):
    """A backup that cannot be written, or a file that cannot be restored; its message says why."""


@dataclass(frozen=True)
class Part:
    """One kind of data in a backup: how it is written to a file, checked, and restored from one."""

    name: str
    write: Callable[[URL, Path], None]
    check: Callable[[URL, Path], None]
    restore: Callable[[URL, Path], None]


def write_backup(database_url: str, out: Path, files_root: Path | None = None) -> Path:
    """Write a consistent copy of the data to `out`: the database, then every file of the store under
    `files_root`, as one archive, through a file beside it and a rename: `out` is never half-written. Safe
    while Laurel runs."""
    url = make_url(database_url)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=out.name + ".", dir=out.parent) as scratch:
        database = Path(scratch) / DATABASE_ENTRY
        _database_part(url).write(url, database)
        partial = Path(scratch) / "archive.partial"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            archive.add(database, arcname=DATABASE_ENTRY)
            for path in _stored_objects(files_root):
                archive.add(path, arcname=f"files/{path.relative_to(files_root).as_posix()}")  # tarfile copies in blocks
        os.replace(partial, out)
    return out


def _stored_objects(files_root: Path | None) -> list[Path]:
    objects = files_root / "objects" if files_root is not None else None
    if objects is None or not objects.is_dir():
        return []
    return sorted(
        path
        for path in objects.glob("??/*")
        if path.is_file() and FILE_ENTRY.fullmatch(f"files/objects/{path.parent.name}/{path.name}")
    )


def check_backup(database_url: str, source: Path) -> None:
    """Raise BackupError unless `source` is a backup that `restore_backup` can restore into this database."""
    url = make_url(database_url)
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    with tempfile.TemporaryDirectory() as scratch:
        _unpacked_database(url, source, Path(scratch))


def restore_backup(database_url: str, source: Path, files_root: Path | None = None) -> None:
    """Replace the data with the backup's, after checking the whole of it (`check_backup`): the files into the
    store under `files_root` first, then the database, all or nothing. The app's connections must be closed
    first; Laurel should be stopped (PostgreSQL waits for its open transactions)."""
    url = make_url(database_url)
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    with tempfile.TemporaryDirectory() as scratch:
        database = _unpacked_database(url, source, Path(scratch))
        if database != source and files_root is not None:
            _restore_files(source, LocalStorage(files_root))
        _database_part(url).restore(url, database)


def _unpacked_database(url: URL, source: Path, scratch: Path) -> Path:
    """The backup's database copy, checked (in `scratch` when it comes from an archive, whose every stored file
    is checked against its digest on the way); a lone database file is its own copy."""
    if not tarfile.is_tarfile(source):
        _database_part(url).check(url, source)
        return source
    database = scratch / DATABASE_ENTRY
    try:
        with tarfile.open(source, "r:") as archive:
            found = False
            for member in archive:
                if member.name == DATABASE_ENTRY and member.isfile() and not found:
                    with archive.extractfile(member) as entry, database.open("wb") as copy:
                        shutil.copyfileobj(entry, copy, CHUNK_BYTES)
                    found = True
                elif (match := FILE_ENTRY.fullmatch(member.name)) and member.isfile():
                    with archive.extractfile(member) as entry:
                        if _digest(entry) != match.group(1) + match.group(2):
                            raise BackupError(f"{source} is a damaged backup: the file {member.name} does not hash to its name.")
                else:
                    raise BackupError(f"{source} is not a backup of Laurel: it holds {member.name!r}.")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{source} is a damaged backup archive: {error}.") from error
    if not found:
        raise BackupError(f"{source} is an archive without a database, so not a backup of Laurel.")
    _database_part(url).check(url, database)
    return database


def _digest(stream) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK_BYTES):
        digest.update(chunk)
    return digest.hexdigest()


def _restore_files(source: Path, store: LocalStorage) -> None:
    """Every stored file of the archive back into the store, hashed again as it is written."""
    with tarfile.open(source, "r:") as archive:
        for member in archive:
            match = FILE_ENTRY.fullmatch(member.name)
            if match and member.isfile():
                with archive.extractfile(member) as entry:
                    stored = store.put(entry)
                if stored.sha256 != match.group(1) + match.group(2):  # checked before; the archive changed since
                    raise BackupError(f"The file {member.name} changed during the restore; the database was not restored.")


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
