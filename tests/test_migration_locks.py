"""Migrations on a season's database (PostgreSQL): a step written as docs/operations.md says runs while
writers keep writing, none of them waiting a second; and a step that would queue behind a long transaction
(and every writer behind it) fails after migrations/env.py's lock_timeout instead, changing nothing.

The step is a real migration, run by `flask db upgrade` through the project's own migrations/env.py, on
top of the real migrations, in a schema of its own."""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.models import utcnow
from tests.conftest import _worker_database, make_test_app

pytestmark = pytest.mark.skipif(
    not os.environ.get("LAUREL_TEST_DATABASE_URL"), reason="lock timeouts are PostgreSQL's: set LAUREL_TEST_DATABASE_URL"
)

TEAMS = 130_000
STEP = '''"""A step written by the rules: a nullable column; an index built concurrently."""

import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"


def upgrade():
    op.add_column("teams", sa.Column("season_note", sa.String(40), nullable=True))
    with op.get_context().autocommit_block():
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS ix_teams_contest_name_title")
        op.create_index(
            "ix_teams_contest_name_title", "teams", ["contest_id", "name", "project_title"], postgresql_concurrently=True
        )


def downgrade():
    op.drop_index("ix_teams_contest_name_title", table_name="teams")
    op.drop_column("teams", "season_note")
'''


@contextmanager
def season_schema(tmp_path: Path) -> Iterator[str]:
    """A schema of its own, migrated to the head, with a contest of TEAMS teams; yields its URL."""
    from flask_migrate import upgrade

    from app.contests.services import create_contest, with_defaults

    base = _worker_database(os.environ["LAUREL_TEST_DATABASE_URL"])
    schema = f"locks_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{base}?options=-csearch_path%3D{schema}"
    try:
        app = make_test_app(url, str(tmp_path / "instance"))
        with app.app_context():
            upgrade(directory="migrations")
            now = utcnow()
            data = with_defaults(
                {
                    "name": "全国大学生电子商务挑战赛",
                    "year": now.year,
                    "registration_opens_at": now - timedelta(days=1),
                    "registration_closes_at": now + timedelta(days=30),
                    "tracks": [{"code": "CB", "name": "跨境电商实战赛", "kind": "practical"}],
                },
                "Asia/Shanghai",
            )
            contest = create_contest(data, now=now, actor=None)
            db.session.flush()
            db.session.execute(
                text(
                    "INSERT INTO teams (contest_id, track_id, number, name, project_title, status, created_at, updated_at)"
                    " SELECT :contest, :track, '2026-CB-' || n, '星火队' || n, '乡村好物直播间', 'approved', :now, :now"
                    " FROM generate_series(1, :teams) AS n"
                ),
                {"contest": contest.id, "track": contest.tracks[0].id, "now": now, "teams": TEAMS},
            )
            db.session.commit()
            db.session.execute(text("ANALYZE teams"))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def migrations_with_step(tmp_path: Path) -> Path:
    """The project's migrations, with STEP on top of their head."""
    folder = tmp_path / "migrations"
    shutil.copytree("migrations", folder, ignore=shutil.ignore_patterns("__pycache__"))
    head = ScriptDirectory(str(folder)).get_current_head()
    (folder / "versions" / "9001_step_written_by_the_rules.py").write_text(STEP.format(head=head), encoding="utf-8")
    return folder


class Writer(threading.Thread):
    """A captain and a coordinator at work: one team registered, another renamed, each its own transaction,
    back to back; the duration of each write is kept."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine = create_engine(url, poolclass=NullPool)
        self.stop = threading.Event()
        self.durations: list[float] = []
        self.finished: list[float] = []  # when each write ended, on time.perf_counter's clock
        self.errors: list[BaseException] = []

    def run(self) -> None:
        try:
            with self.engine.connect() as connection:
                contest, track = connection.execute(text("SELECT contest_id, track_id FROM teams LIMIT 1")).one()
                number = 0
                while not self.stop.is_set():
                    number += 1
                    started = time.perf_counter()
                    connection.execute(
                        text(
                            "INSERT INTO teams (contest_id, track_id, number, name, project_title, status, created_at,"
                            " updated_at) VALUES (:contest, :track, :number, '新队', '跨境直播', 'submitted', now(), now())"
                        ),
                        {"contest": contest, "track": track, "number": f"2026-CB-W{number}"},
                    )
                    connection.commit()
                    connection.execute(
                        text("UPDATE teams SET name = :name WHERE id = :id"), {"name": f"改名{number}", "id": number}
                    )
                    connection.commit()
                    self.finished.append(time.perf_counter())
                    self.durations.append(self.finished[-1] - started)
        except BaseException as error:  # reported by the test
            self.errors.append(error)
        finally:
            self.engine.dispose()

    def writes_during(self, work) -> list[float]:
        """Run `work()` while writing; the durations of the writes made meanwhile."""
        self.start()
        deadline = time.monotonic() + 10
        while len(self.durations) < 5 and time.monotonic() < deadline and not self.errors:
            time.sleep(0.01)
        before = len(self.durations)
        try:
            work()
        finally:
            during = self.durations[before:]
            self.stop.set()
            self.join(timeout=30)
        assert not self.errors, self.errors
        return during


class IndexBuildWatcher(threading.Thread):
    """When an index of the teams was being built, seen through pg_stat_progress_create_index every few ms."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self.stop = threading.Event()
        self.seen: list[float] = []

    def run(self) -> None:
        with self.engine.connect() as connection:
            query = text(
                "SELECT count(*) FROM pg_stat_progress_create_index"
                " WHERE datname = current_database() AND relid = 'teams'::regclass"
            )
            while not self.stop.is_set():
                if connection.scalar(query):
                    self.seen.append(time.perf_counter())
                time.sleep(0.002)
        self.engine.dispose()


def upgrade_step(url: str, tmp_path: Path, folder: Path, **x_args: str) -> None:
    from flask_migrate import upgrade

    app = make_test_app(url, str(tmp_path / "step-instance"))
    with app.app_context():
        try:
            upgrade(directory=str(folder), x_arg=[f"{name}={value}" for name, value in x_args.items()] or None)
        finally:
            db.session.remove()
            db.engine.dispose()


def schema_has(url: str) -> tuple[bool, bool]:
    """Whether the step's column, and its index (valid), are there."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        column = connection.scalar(
            text(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = 'teams' AND column_name = 'season_note'"
            )
        )
        index = connection.scalar(
            text(
                "SELECT count(*) FROM pg_index JOIN pg_class ON pg_class.oid = pg_index.indexrelid"
                " WHERE pg_class.relname = 'ix_teams_contest_name_title' AND pg_index.indisvalid"
                " AND pg_class.relnamespace = current_schema()::regnamespace"
            )
        )
    engine.dispose()
    return bool(column), bool(index)


def test_a_step_written_by_the_rules_never_holds_writers_a_second(tmp_path):
    with season_schema(tmp_path) as url:
        folder = migrations_with_step(tmp_path)
        writer, watcher = Writer(url), IndexBuildWatcher(url)
        watcher.start()
        try:
            during = writer.writes_during(lambda: upgrade_step(url, tmp_path, folder))
        finally:
            watcher.stop.set()
            watcher.join(timeout=30)
        assert schema_has(url) == (True, True)
    assert watcher.seen, "the index build was never seen"
    # A plain CREATE INDEX would hold every write of the table until it is built, whatever its length.
    while_building = [end for end in writer.finished if watcher.seen[0] < end < watcher.seen[-1]]
    assert while_building, "no write ended while the index was being built"
    assert during and max(during) < 1.0, f"a write waited {max(during):.2f} s"


def test_a_step_behind_a_long_transaction_fails_fast_and_changes_nothing(tmp_path):
    """An open transaction that has read the teams (an export, a forgotten session) holds a lock that the ALTER
    must wait for; every writer that comes after queues behind the ALTER. With lock_timeout the ALTER gives
    up and the queue goes on; the step is rolled back whole, to be run again later."""
    with season_schema(tmp_path) as url:
        folder = migrations_with_step(tmp_path)
        blocker = create_engine(url, poolclass=NullPool)
        reader = blocker.connect()
        reader.execute(text("SELECT count(*) FROM teams"))  # its transaction stays open, holding its lock
        outcome: dict = {}

        def migrate() -> None:
            try:
                upgrade_step(url, tmp_path, folder, lock_timeout="500ms")
            except Exception as error:
                outcome["error"] = error

        def migrate_bounded() -> None:
            thread = threading.Thread(target=migrate, daemon=True)
            started = time.perf_counter()
            thread.start()
            thread.join(timeout=10)
            outcome["seconds"] = time.perf_counter() - started
            outcome["blocked"] = thread.is_alive()
            reader.rollback()  # ends the long transaction: a migration still waiting would now go on
            thread.join(timeout=30)

        try:
            during = Writer(url).writes_during(migrate_bounded)
        finally:
            reader.close()
            blocker.dispose()
        after = schema_has(url)
    assert not outcome["blocked"], "the migration waited behind the long transaction for 10 s"
    assert after == (False, False), "the step was not rolled back whole"
    assert "lock timeout" in str(outcome.get("error")), outcome
    assert outcome["seconds"] < 5
    assert during and max(during) < 1.0, f"a write waited {max(during or [0]):.2f} s"
