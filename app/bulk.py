"""Bulk work in one call: computing a round's results reads and builds some 200,000 objects at once,
and writes 10,000 rows."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect

from app.extensions import db


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block.

    Building many objects that all live until the block ends makes the collector scan them again and
    again, and every older object of the process with them, to find nothing to free: a third of a
    national round's computation. Reference counting still frees everything as usual; the collector
    resumes (if it ran before) when the block ends, however it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Many rows into one table ------------------------------------------------------------------------

_INSERTS: dict[tuple, tuple[str, tuple[str, ...], bool, tuple]] = {}


def _insert_for(table: Table, keys: tuple[str, ...], dialect: Dialect) -> tuple[str, tuple[str, ...], bool, tuple]:
    """The table's INSERT of `keys` as the database's driver takes it (compiled once per table, keys and
    dialect): its text, the order of its parameters, whether they are positional, and each one's
    conversion by its column's type (None where the driver takes the value as it is)."""
    cached = _INSERTS.get((table, keys, dialect))
    if cached is None:
        compiled = table.insert().compile(dialect=dialect, column_keys=list(keys))
        names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        converters = tuple(compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
        cached = _INSERTS[(table, keys, dialect)] = (compiled.string, names, compiled.positional, converters)
    return cached


def insert_rows(table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert plain rows (mappings with the same keys, one per column to fill) into `table`, in the
    session's transaction, as one executemany of the statement SQLAlchemy compiles for the database.

    What `session.execute(table.insert(), rows)` writes, for half its cost on 10,000 rows: SQLAlchemy
    would build and convert each row's parameters one at a time; here each column's values go through
    their type's conversion together. Columns left out get no Python-side default: give every column
    that needs a value. Pending ORM changes are flushed first, as the session's own execute would.
    """
    if not rows:
        return
    db.session.flush()
    connection = db.session.connection()
    statement, names, positional, converters = _insert_for(table, tuple(rows[0]), connection.dialect)
    columns = [[row[name] for row in rows] if convert is None else [convert(row[name]) for row in rows]
               for name, convert in zip(names, converters, strict=True)]
    values = zip(*columns, strict=True)
    connection.exec_driver_sql(statement, list(values) if positional else [dict(zip(names, row, strict=True)) for row in values])
