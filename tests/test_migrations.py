"""`flask db upgrade` builds exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from app.database import schema_object_filter
from app.extensions import db
from tests.conftest import make_test_app


def _targets():
    targets = ["sqlite"]
    if os.environ.get("LAUREL_TEST_DATABASE_URL"):
        targets.append("postgresql")
    return targets


@contextmanager
def empty_database(target: str, tmp_path) -> Iterator[str]:
    """The URL of an empty database: a new SQLite file, or a new schema of the test PostgreSQL database,
    dropped when the block ends."""
    if target == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    schema = f"migration_{uuid.uuid4().hex[:8]}"
    base = os.environ["LAUREL_TEST_DATABASE_URL"]
    with create_engine(base).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with create_engine(base).begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.mark.parametrize("target", _targets())
def test_upgrade_creates_the_models_schema(tmp_path, target):
    from flask_migrate import upgrade

    with empty_database(target, tmp_path) as url:
        app = make_test_app(url, str(tmp_path / "instance"))
        with app.app_context():
            upgrade(directory="migrations")
            with db.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"include_object": schema_object_filter(connection.dialect.name)}
                )
                differences = compare_metadata(context, db.metadata)
            db.engine.dispose()
        assert differences == [], "a model changed without a migration: run flask db migrate"


def test_teams_already_in_rounds_get_a_code_of_each_round(tmp_path):
    """0006 gives every existing entry its code in its round (unique in the round, of the round), keeps the rounds'
    own-college rule on, and loses no row that cascades from rounds or assignments, up or down."""
    import sqlite3

    from flask_migrate import downgrade, upgrade

    path = tmp_path / "migrated.db"
    app = make_test_app(f"sqlite:///{path}", str(tmp_path / "instance"))
    with app.app_context():
        upgrade(directory="migrations", revision="0005")
        db.engine.dispose()
    at = "2026-01-01 00:00:00"
    raw = sqlite3.connect(path)  # the smallest rows the entries need, as 0005 left the schema
    raw.executescript(
        "INSERT INTO provinces (id, name, country) VALUES (1, '浙江省', 'CN');"
        "INSERT INTO colleges (id, code, name, province_id, city, level, ownership, country)"
        " VALUES (1, '4133010335', '浙江大学', 1, '杭州市', '本科', '公办', 'CN');"
        "INSERT INTO contests (id, name, year, timezone, registration_opens_at, registration_closes_at, min_members,"
        " max_members, max_university_advisors, max_enterprise_advisors, team_name_max, project_title_max, created_at)"
        f" VALUES (1, '三创赛', 2026, 'Asia/Shanghai', '{at}', '2026-02-01 00:00:00', 3, 5, 2, 2, 16, 30, '{at}');"
        "INSERT INTO tracks (id, contest_id, code, name, kind, position) VALUES (1, 1, 'CB', '实战赛', 'practical', 0);"
    )
    raw.executemany(
        "INSERT INTO rounds (id, contest_id, name, level, grouping, judges_per_team, aggregation, trim,"
        " min_judges_for_trim, decimals, tie_breaks, blind, status, created_at)"
        " VALUES (?, 1, '校赛', 'school', 'none', 3, 'mean', 1, 5, 2, '[]', 1, 'draft', ?)",
        [(7, at), (8, at)],
    )
    raw.executemany(
        "INSERT INTO teams (id, contest_id, track_id, college_id, number, name, project_title, status, created_at, updated_at)"
        " VALUES (?, 1, 1, 1, ?, '星火队', '乡村好物', 'approved', ?, ?)",
        [(team_id, f"2026-CB-{team_id:05d}", at, at) for team_id in range(1, 41)],
    )
    raw.executemany(
        "INSERT INTO entries (round_id, team_id, group_key, created_at) VALUES (?, ?, '', ?)",
        [(round_id, team_id, at) for round_id in (7, 8) for team_id in range(1, 41)],
    )
    raw.executescript(  # a judge's submitted sheet: nothing that cascades from rounds or assignments may be lost
        "INSERT INTO users (id, email, name, password_hash, active, session_version, created_at)"
        f" VALUES (1, 'judge@example.cn', '李评委', 'x', 1, 0, '{at}');"
        f"INSERT INTO assignments (id, round_id, team_id, judge_id, manual, created_at) VALUES (1, 7, 1, 1, 0, '{at}');"
        "INSERT INTO score_sheets (id, assignment_id, status, comment, version, updated_at)"
        f" VALUES (1, 1, 'submitted', '', 1, '{at}');"
    )
    raw.commit()
    raw.close()
    counts = "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM assignments), (SELECT count(*) FROM score_sheets)"
    with app.app_context():
        upgrade(directory="migrations")
        codes = db.session.execute(text("SELECT round_id, code FROM entries")).all()
        upgraded = db.session.execute(text(counts)).one()
        in_force = db.session.execute(text("SELECT own_college_conflict, set_aside_at FROM rounds, assignments")).all()
        db.session.remove()
        downgrade(directory="migrations", revision="0005")
        downgraded = db.session.execute(text(counts)).one()
        db.session.remove()
        db.engine.dispose()
    assert tuple(upgraded) == tuple(downgraded) == (80, 1, 1)
    assert set(in_force) == {(True, None)}  # rounds keep the own-college rule, assignments stay in force
    assert len(codes) == 80 and len(set(codes)) == 80
    assert all(code.startswith(f"R{round_id}-") and len(code) == len(f"R{round_id}-") + 4 for round_id, code in codes)


@pytest.mark.parametrize("target", _targets())
def test_going_down_to_0005_and_up_again_keeps_every_row(tmp_path, target):
    """Every migration keeps the rows it does not mean to change, down and up. On SQLite, Alembic's batch mode
    rebuilds a table by copying it: with foreign keys enforced, dropping the old copy would delete (or set to
    NULL) every row that refers to it — a user's roles, a judge's profile, the actor of each audit event."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, select

    from app.demo import load_demo
    from app.judging.assignments import assign_judge
    from app.judging.services import add_entries, add_judges, create_round, transition_round
    from app.judging.sheets import save_sheet
    from app.models import College, User, utcnow
    from app.registration.review import review_team
    from app.registration.services import register_team
    from tests.conftest import SHEET_100, team_input

    with empty_database(target, tmp_path) as url:
        app = make_test_app(url, str(tmp_path / "instance"))
        with app.app_context():
            upgrade(directory="migrations")
            now = utcnow()
            contest = load_demo(now=now)
            college = db.session.scalar(select(College).where(College.code == "4111010001"))
            teams = [register_team(contest, team_input(college.id, prefix=f"M{i}"), actor=None, now=now) for i in range(2)]
            for team in teams:
                review_team(team, "approve", None, actor=None, now=now)
            round_ = create_round(
                contest, {"name": "校赛", "level": "school", "judges_per_team": 1, "criteria": SHEET_100}, actor=None, now=now
            )
            judge = db.session.scalar(select(User).where(User.email == "judge@demo.laurel"))
            add_entries(round_, all_approved=True, actor=None, now=now)
            add_judges(round_, [judge.id], actor=None, now=now)
            assignment = assign_judge(round_, teams[0].id, judge.id, reason=None, actor=None, now=now)
            transition_round(round_, "open", actor=None, now=now)
            save_sheet(assignment, {"practical": 10}, comment=None, submit=False, version=0, actor=judge, now=now)
            db.session.commit()

            def counts() -> dict[str, int]:
                tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
                return {table: db.session.scalar(text(f'SELECT count(*) FROM "{table}"')) for table in sorted(tables)}

            def actors() -> int:
                return db.session.scalar(text("SELECT count(*) FROM audit_events WHERE actor_id IS NOT NULL"))

            at_head, actors_at_head = counts(), actors()
            db.session.remove()
            downgrade(directory="migrations", revision="0005")
            at_0005, actors_at_0005 = counts(), actors()
            db.session.remove()
            upgrade(directory="migrations")
            again, actors_again = counts(), actors()
            db.session.remove()
            db.engine.dispose()
        assert at_head["role_assignments"] == 4 and at_head["score_sheets"] == 1 and actors_at_head > 0
        assert at_0005 == {table: count for table, count in at_head.items() if table in at_0005}
        assert again == {**at_head, "browser_sessions": 0}  # going down to 0005 signs every browser out
        assert actors_at_head == actors_at_0005 == actors_again


def test_colleges_abroad_without_a_province_keep_their_rows_down_and_up(tmp_path):
    """0010 lets a college abroad have no province; going back gives such a college its country's code as a
    province (as the import did before), so that no college is lost and the column can be required again."""
    from flask_migrate import downgrade, upgrade

    app = make_test_app(f"sqlite:///{tmp_path / 'migrated.db'}", str(tmp_path / "instance"))
    with app.app_context():
        upgrade(directory="migrations")
        db.session.execute(
            text(
                "INSERT INTO colleges (code, name, province_id, city, level, ownership, country) VALUES"
                " ('US-MIT', 'MIT', NULL, 'Cambridge', '', '', 'US'), ('US-HAR', 'Harvard', NULL, 'Cambridge', '', '', 'US')"
            )
        )
        db.session.commit()
        downgrade(directory="migrations", revision="0009_sheets_by_state")
        rows = db.session.execute(
            text("SELECT colleges.code, provinces.name FROM colleges JOIN provinces ON provinces.id = colleges.province_id")
        ).all()
        db.session.remove()
        upgrade(directory="migrations")
        db.session.remove()
        db.engine.dispose()
    assert sorted(rows) == [("US-HAR", "US"), ("US-MIT", "US")]
