"""SQLite's single-writer lock: taken at a transaction's first write, given back at its end."""

import fcntl
import os

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import Province


def lock_is_free(path: str) -> bool:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


@pytest.fixture
def lock_path(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the writer lock is SQLite's")
    return database_url.removeprefix("sqlite:///") + ".writer-lock"


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_a_write_holds_the_lock_until_the_transaction_ends(app, lock_path, end):
    db.session.execute(text("SELECT count(*) FROM provinces"))
    assert lock_is_free(lock_path)  # reading takes nothing
    db.session.add(Province(name="测试省", country="CN"))
    db.session.flush()
    assert not lock_is_free(lock_path)  # another writer would wait
    getattr(db.session, end)()
    assert lock_is_free(lock_path)
