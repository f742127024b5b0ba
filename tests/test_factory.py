"""The application factory and its configuration layers."""

import secrets
import sqlite3
import uuid

import pytest

from app import create_app
from app.config import environment_overrides


def test_instance_config_is_generated_once_with_a_random_key(tmp_path, monkeypatch):
    monkeypatch.setenv("LAUREL_INSTANCE_PATH", str(tmp_path))
    first = create_app()
    second = create_app()
    key = first.config["SECRET_KEY"]
    assert len(key) >= 32 and key == second.config["SECRET_KEY"]
    assert (tmp_path / "config.py").read_text().count(key) == 1
    monkeypatch.setenv("LAUREL_INSTANCE_PATH", str(tmp_path / "other"))
    assert create_app().config["SECRET_KEY"] != key


def test_layers_defaults_then_instance_file_then_environment_then_tests(tmp_path, monkeypatch):
    monkeypatch.setenv("LAUREL_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text('SECRET_KEY = "x" * 40\nMAX_UPLOAD_MB = 3\nTOKEN_DAYS = 7\nTIMEZONE = "Asia/Urumqi"\n')
    monkeypatch.setenv("LAUREL_TOKEN_DAYS", "14")
    monkeypatch.setenv("LAUREL_TIMEZONE", "Asia/Hong_Kong")
    app = create_app({"TIMEZONE": "UTC", "TESTING": True})
    assert app.config["LOGIN_ACCOUNT_RATE_LIMIT"] == "5 per minute; 20 per hour"  # default
    assert app.config["MAX_UPLOAD_MB"] == 3 and app.config["MAX_CONTENT_LENGTH"] == 3 * 1024 * 1024  # file
    assert app.config["TOKEN_DAYS"] == 14  # environment over file
    assert app.config["TIMEZONE"] == "UTC"  # tests over everything
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'laurel.db'}"


@pytest.mark.parametrize(
    "key, problem",
    [
        ("", "known example"),
        ("dev", "known example"),
        ("changeme", "known example"),
        ("x", "has 1 characters"),
        ("12345", "has 5 characters"),
        ("laurel-demo", "has 11 characters"),
        ("x" * 40, "too easy to guess"),
        ("laurel-demo" * 3, "too easy to guess"),
        ("0123456789abcdef0123456789abcdef", "too easy to guess"),
        ("thisisaverylongsecretkeyforlaurel", "too easy to guess"),
    ],
)
def test_refuses_to_start_with_a_weak_key_and_names_the_variable(tmp_path, monkeypatch, key, problem):
    monkeypatch.setenv("LAUREL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LAUREL_SECRET_KEY", key)
    with pytest.raises(RuntimeError, match=f"LAUREL_SECRET_KEY .*{problem}"):
        create_app()
    assert create_app({"DEBUG": True}).config["SECRET_KEY"] == key  # debug may


@pytest.mark.parametrize(
    "key",
    [secrets.token_hex(32), secrets.token_hex(16), secrets.token_urlsafe(32), secrets.token_urlsafe(24), str(uuid.uuid4())],
    ids=["hex-32", "hex-16", "urlsafe-32", "urlsafe-24", "uuid4"],  # fixed names: every worker collects the same tests
)
def test_random_keys_of_32_characters_or_more_start(tmp_path, monkeypatch, key):
    monkeypatch.setenv("LAUREL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LAUREL_SECRET_KEY", key)
    assert create_app().config["SECRET_KEY"] == key


def test_a_malformed_variable_is_named():
    with pytest.raises(RuntimeError, match="LAUREL_MAX_UPLOAD_MB"):
        environment_overrides({"LAUREL_MAX_UPLOAD_MB": "ten"})
    with pytest.raises(RuntimeError, match="LAUREL_DEMO_MODE"):
        environment_overrides({"LAUREL_DEMO_MODE": "perhaps"})


def test_postgres_urls_use_psycopg3(tmp_path, monkeypatch):
    monkeypatch.setenv("LAUREL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LAUREL_DATABASE_URL", "postgresql://laurel@db.internal/laurel")
    assert create_app({"TESTING": True}).config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://laurel@db.internal/laurel"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite pragmas")
    from sqlalchemy import text

    from app.extensions import db

    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    path = database_url.removeprefix("sqlite:///")
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
