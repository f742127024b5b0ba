"""`flask db upgrade` builds exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from app.extensions import db
from tests.conftest import make_test_app


def _targets():
    targets = ["sqlite"]
    if os.environ.get("LAUREL_TEST_DATABASE_URL"):
        targets.append("postgresql")
    return targets


@pytest.mark.parametrize("target", _targets())
def test_upgrade_creates_the_models_schema(tmp_path, target):
    from flask_migrate import upgrade

    schema = None
    if target == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
    else:
        schema = f"migration_{uuid.uuid4().hex[:8]}"
        base = os.environ["LAUREL_TEST_DATABASE_URL"]
        with create_engine(base).begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{base}?options=-csearch_path%3D{schema}"
    try:
        app = make_test_app(url, str(tmp_path / "instance"))
        with app.app_context():
            upgrade(directory="migrations")
            with db.engine.connect() as connection:
                differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            db.engine.dispose()
        assert differences == [], "a model changed without a migration: run flask db migrate"
    finally:
        if schema:
            with create_engine(os.environ["LAUREL_TEST_DATABASE_URL"]).begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
