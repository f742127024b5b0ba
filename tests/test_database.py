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


# JSON columns -----------------------------------------------------------------------------------


def test_json_columns_read_back_what_was_written(app):
    """Written with orjson: text unescaped, keys that are not strings turned into strings as json.dumps
    does, and the value read back equal on SQLite and PostgreSQL."""
    from app import audit
    from app.models import AuditEvent, utcnow

    after = {"scores": {"innovation": "17.50"}, "comment": "材料完整，路演清晰。", 7: [[3, "87.5000"]], "flags": []}
    audit.record(actor=None, action="test.json", object_type="round", object_id=1, now=utcnow(), after=after)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "test.json"))
    assert stored.after == {**{key: value for key, value in after.items() if key != 7}, "7": [[3, "87.5000"]]}


def test_what_orjson_refuses_is_written_as_json_dumps_writes_it():
    import json

    from app.database import json_text

    assert json_text({"name": "\ud800"}) == json.dumps({"name": "\ud800"})  # a lone surrogate
    assert json.loads(json_text({1: "材料"})) == {"1": "材料"}
