"""Fixtures: an app on a fresh database per test (SQLite, and PostgreSQL when configured),
a client, a CLI runner, `login_as(role)`, API tokens, and factories with **overrides."""

from __future__ import annotations

import email
import email.policy
import functools
import itertools
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.models import COORDINATOR, ORGANIZER, College, Contest, Province, User, utcnow

PASSWORD = "correct-horse-battery"
FAST_HASH = "pbkdf2:sha256:1000"  # tests create many users; production keeps scrypt


def _backends() -> list[str]:
    """The databases every database test runs on: SQLite, and PostgreSQL when LAUREL_TEST_DATABASE_URL names one."""
    return ["sqlite", "postgresql"] if os.environ.get("LAUREL_TEST_DATABASE_URL") else ["sqlite"]


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """`app` over real HTTP on a free port, one thread per request (werkzeug's threaded server, in this
    process); stopped, and its engine's connections closed, afterwards. Browser and concurrency tests."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=30)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def make_test_app(database_url: str, instance_path: str, **overrides: Any) -> Flask:
    os.environ["LAUREL_INSTANCE_PATH"] = instance_path
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(autouse=True, scope="session")
def _hermetic_environment():
    """Tests see none of the developer's LAUREL_* settings, except the test database's."""
    saved = {
        key: os.environ.pop(key)
        for key in list(os.environ)
        if key.startswith("LAUREL_") and not key.startswith(("LAUREL_TEST_", "LAUREL_REQUIRE_"))
    }
    yield
    os.environ.update(saved)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """A SQLite file with the schema, copied for each test: a fresh database costs a file copy."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "laurel.db"
    app = make_test_app(f"sqlite:///{path}", str(folder / "instance"))
    with app.app_context():
        db.create_all()
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.engine.dispose()
    return str(path)


def _worker_database(url: str) -> str:
    """The test database of this pytest-xdist worker: the given one with the worker's name appended, created
    on first use, so that workers running at once never empty each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    given = make_url(url)
    name = f"{given.database}_{worker}"
    engine = create_engine(given, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory) -> Iterator[str]:
    url = _worker_database(os.environ["LAUREL_TEST_DATABASE_URL"])
    app = make_test_app(url, str(tmp_path_factory.mktemp("pg-instance")))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    yield url


@dataclass(frozen=True)
class _Written:
    """How to find the tables a test wrote to: one query naming them, and each table's id sequence ("" if none)."""

    query: str
    sequences: dict[str, str]


@functools.cache
def _written() -> _Written:
    checks, sequences = [], {}
    for table in db.metadata.sorted_tables:
        sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name})
        sequences[table.name] = sequence if "id" in table.c and sequence else ""
        used = f" OR (SELECT is_called FROM {sequences[table.name]})" if sequences[table.name] else ""
        checks.append(f"SELECT '{table.name}' WHERE EXISTS (SELECT 1 FROM \"{table.name}\"){used}")
    return _Written(" UNION ALL ".join(checks), sequences)


def _empty_postgres() -> None:
    """Empty the tables a test wrote to, their id sequences back at 1. Only those, and by DELETE: TRUNCATE
    costs a tenth of a second a test however few rows there are, and most tests write a few rows to a few
    tables. A table counts as written to when it has a row or its id sequence was used (an insert rolled back
    still takes an id)."""
    written = _written()
    dirty = set(db.session.scalars(text(written.query)))
    for table in reversed(db.metadata.sorted_tables):  # children before the rows they refer to
        if table.name in dirty:
            db.session.execute(text(f'DELETE FROM "{table.name}"'))
            if written.sequences[table.name]:
                db.session.execute(text(f"ALTER SEQUENCE {written.sequences[table.name]} RESTART"))
    db.session.commit()


@pytest.fixture(params=_backends())
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "laurel.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_url")


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Without this, requests would share the test's app context: its `g` (a cached signed-in user)
    and its database session (uncommitted rows visible), hiding bugs such as a missing commit.
    The test's own session is committed before and expired after each request, so the test reads
    what the request committed.
    """

    def open(self, *args, **kwargs):
        from flask import has_app_context

        outer = has_app_context()  # a test's own thread has one; threads a test starts do not
        if outer:
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if outer:
            db.session.expire_all()
            db.session.commit()
        return response


@pytest.fixture
def app(database_url, tmp_path) -> Iterator[Flask]:
    app = make_test_app(database_url, str(tmp_path / "instance"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        finish_jobs(app)
        db.session.remove()
        if database_url.startswith("postgresql"):
            _empty_postgres()
        db.engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# Factories -----------------------------------------------------------------------------------

_sequence = itertools.count(1)


@pytest.fixture
def make_college(app) -> Callable[..., College]:
    def make(**overrides: Any) -> College:
        from app.colleges.services import ensure_provinces

        provinces = ensure_provinces()
        number = next(_sequence)
        province = overrides.pop("province", "浙江省")
        college = College(
            code=overrides.pop("code", f"41{number:08d}"),
            name=overrides.pop("name", f"测试大学{number}"),
            province_id=provinces[province].id,
            city=overrides.pop("city", "杭州市"),
            level=overrides.pop("level", "本科"),
            **overrides,
        )
        db.session.add(college)
        db.session.commit()
        return college

    return make


@pytest.fixture
def make_contest(app) -> Callable[..., Contest]:
    def make(**overrides: Any) -> Contest:
        from app.contests.services import create_contest, with_defaults

        now = utcnow()
        data = with_defaults(
            {
                "name": f"全国大学生电子商务挑战赛 {next(_sequence)}",
                "year": now.year,
                # The suite reads pages in English, and a contest's pages speak its own language to a visitor
                # who has not chosen one: tests of a Chinese contest's pages, mail or workbooks say language="zh".
                "language": "en",
                "registration_opens_at": now - timedelta(days=1),
                "registration_closes_at": now + timedelta(days=30),
                "tracks": [
                    {"code": "CG", "name": "常规赛", "kind": "regular"},
                    {"code": "CB", "name": "跨境电商实战赛", "kind": "practical"},
                ],
            },
            "Asia/Shanghai",
        )
        data.update(overrides)
        contest = create_contest(data, now=now, actor=None)
        db.session.commit()
        return contest

    return make


@pytest.fixture
def make_user(app, make_college, make_contest) -> Callable[..., User]:
    """A user holding `role`; coordinators get a college and a contest unless given."""

    def make(role: str = ORGANIZER, **overrides: Any) -> User:
        from app.auth.services import create_user

        if role == COORDINATOR:
            overrides.setdefault("college_id", make_college().id)
            overrides.setdefault("contest_id", make_contest().id)
        number = next(_sequence)
        user = create_user(
            email=overrides.pop("email", f"{role}{number}@example.edu.cn"),
            name=overrides.pop("name", f"{role} {number}"),
            password=overrides.pop("password", PASSWORD),
            role=role,
            now=utcnow(),
            **overrides,
        )
        db.session.commit()
        return user

    return make


def team_input(
    college_id: int, *, track: str = "CB", members: int = 3, prefix: str | None = None, **overrides: Any
) -> dict[str, Any]:
    """A valid registration in the API's shape, with `members` students (the first is the captain)."""
    prefix = prefix or f"S{next(_sequence):05d}"
    data = {
        "name": f"星火队{prefix[-4:]}",
        "project_title": "乡村好物直播间",
        "track": track,
        "college_id": college_id,
        "members": [
            {
                "name": f"学生{i}",
                "student_id": f"{prefix}{i:02d}",
                "email": f"{prefix.lower()}{i}@example.edu.cn",
                "phone": "13800138000",
                "major": "电子商务",
                "grade": "2024级",
                "captain": i == 0,
            }
            for i in range(members)
        ],
        "advisors": [{"name": "王老师", "kind": "university", "organization": "浙江大学", "title": "副教授"}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_team(app, make_contest, make_college) -> Callable[..., Any]:
    """A registered team (through the registration service), in `contest` and `college` if given."""

    def make(contest: Contest | None = None, college: College | None = None, owner: User | None = None, **overrides: Any):
        from app.registration.services import register_team

        contest = contest or make_contest()
        college = college or make_college()
        team = register_team(contest, team_input(college.id, **overrides), actor=owner, now=utcnow())
        if owner is not None:
            team.owner_id = owner.id
        db.session.commit()
        return team

    return make


SHEET_100 = [  # the common 100-point sheet of domain.md
    {"key": "practical", "name": "实用性与创新能力", "max": 15},
    {"key": "product", "name": "产品与服务", "max": 15},
    {"key": "market", "name": "市场分析", "max": 15},
    {"key": "marketing", "name": "营销策略", "max": 15},
    {"key": "delivery", "name": "方案实现", "max": 20},
    {"key": "overall", "name": "总体评价", "max": 20},
]


@pytest.fixture
def make_round(app, make_contest) -> Callable[..., Any]:
    """A draft round with the 100-point sheet (through the judging service)."""

    def make(contest: Contest | None = None, **overrides: Any):
        from app.judging.services import create_round

        contest = contest or make_contest()
        data = {
            "name": "校赛 School round",
            "level": "school",
            "grouping": "college",
            "judges_per_team": 3,
            "aggregation": {"method": "trimmed_mean", "trim": 1, "decimals": 2},
            "criteria": SHEET_100,
        }
        data.update(overrides)
        round_ = create_round(contest, data, actor=None, now=utcnow())
        db.session.commit()
        return round_

    return make


@pytest.fixture
def make_work(app) -> Callable[..., Any]:
    """A work of `team` in `round_`, put straight into the store and the table (not through the hand-in): the
    bytes of `data` (or a link, `url=`), as version n + 1 of `key`. The round is given a requirement for `key`
    if it has none (`requirement=` overrides its fields)."""

    def make(
        round_,
        team,
        key: str = "plan",
        data: bytes = b"%PDF-1.4\n%test\n",
        *,
        filename: str = "plan.pdf",
        content_type: str = "application/pdf",
        url: str | None = None,
        submitted_at=None,
        requirement: dict[str, Any] | None = None,
    ):
        import io

        from sqlalchemy import func, select

        from app.models import Work
        from app.storage import storage

        requirements = list(round_.requirements or [])
        if not any(item["key"] == key for item in requirements):
            kind = "link" if url else "file"
            requirements.append({"key": key, "name": key, "kind": kind, "types": [], "required": True, **(requirement or {})})
            round_.requirements = requirements
        stored = None if url else storage().put(io.BytesIO(data))
        version = db.session.scalar(
            select(func.coalesce(func.max(Work.version), 0)).where(
                Work.round_id == round_.id, Work.team_id == team.id, Work.key == key
            )
        )
        work = Work(
            round_id=round_.id,
            team_id=team.id,
            key=key,
            version=version + 1,
            kind="link" if url else "file",
            filename="" if url else filename,
            content_type="" if url else content_type,
            size=0 if url else stored.size,
            sha256=None if url else stored.sha256,
            url=url,
            submitted_at=submitted_at or utcnow(),
            submitted_by_id=team.owner_id,
        )
        db.session.add(work)
        db.session.commit()
        return work

    return make


@pytest.fixture
def login_as(client, make_user) -> Callable[..., User]:
    """Sign the test client in through the login form, as a new user with `role`, or as `user`."""

    def login(role: str = ORGANIZER, user: User | None = None, **overrides: Any) -> User:
        user = user or make_user(role, **overrides)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture
def token_for(client) -> Callable[[User], dict[str, str]]:
    """Authorization headers with a fresh API token for `user`."""

    def headers(user: User) -> dict[str, str]:
        response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
        assert response.status_code == 201, response.json
        return {"Authorization": f"Bearer {response.json['token']}"}

    return headers


def finish_jobs(app: Flask) -> None:
    """Wait until the background jobs started so far have ended (they run in a thread of the test's process
    when no Redis is configured, as under `make run`)."""
    from app.jobs.queue import job_queue

    job_queue(app).drain()


def exported(client: FlaskClient, app: Flask, url: str):
    """Press a page's export button (a POST to `url`), follow its job to the end, and download its file."""
    started = client.post(url)
    assert started.status_code == 302 and "/jobs/" in started.headers["Location"], started.get_data(as_text=True)
    finish_jobs(app)
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    link = f"{started.headers['Location']}/download"
    assert f'href="{link}"' in page, page
    response = client.get(link)
    assert response.status_code == 200
    return response


def outbox(app: Flask) -> list:
    """The mail Laurel wrote to instance/outbox/, oldest first, parsed."""
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    ]


def province_count() -> int:
    return len(db.session.scalars(select(Province)).all())
