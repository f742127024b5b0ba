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
    audit.record_immediately(actor=None, action="test.json", object_type="round", object_id=1, now=utcnow(), after=after)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "test.json"))
    assert stored.after == {**{key: value for key, value in after.items() if key != 7}, "7": [[3, "87.5000"]]}


def test_what_orjson_refuses_is_written_as_json_dumps_writes_it():
    import json

    from app.database import json_text

    assert json_text({"name": "\ud800"}) == json.dumps({"name": "\ud800"})  # a lone surrogate
    assert json.loads(json_text({1: "材料"})) == {"1": "材料"}


# Many rows at once --------------------------------------------------------------------------------


def test_insert_rows_writes_what_the_tables_own_insert_writes(app):
    """Each column's values converted by its type (UTC times, JSON, text, none), on SQLite and PostgreSQL."""
    from datetime import UTC, datetime

    from app import audit
    from app.bulk import insert_rows
    from app.models import AuditEvent

    at = datetime(2026, 11, 23, 8, 30, 15, 123456, tzinfo=UTC)
    rows = [
        audit.event_row(
            actor=None,
            action=f"test.{how}.{n}",
            object_type="round",
            object_id=n,
            now=at,
            before=None if n else {"status": "draft"},
            after={"scores": {"innovation": "17.50"}, "n": n},
            reason="材料完整" if n else None,
        )
        for how in ("orm", "plain")
        for n in range(2)
    ]
    db.session.execute(AuditEvent.__table__.insert(), rows[:2])
    insert_rows(AuditEvent.__table__, rows[2:])
    insert_rows(AuditEvent.__table__, [])  # nothing to write is no statement
    db.session.commit()
    db.session.expire_all()

    def stored(how: str) -> list[tuple]:
        events = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action.like(f"test.{how}.%")).order_by(AuditEvent.object_id)
        )
        return [
            (event.action.removeprefix(f"test.{how}"), event.object_id, event.at, event.before, event.after, event.reason)
            for event in events
        ]

    assert stored("plain") == stored("orm")
    assert [event[2] for event in stored("plain")] == [at, at]
    assert [event[3] for event in stored("plain")] == [{"status": "draft"}, None]


def test_insert_columns_refuses_columns_of_different_lengths_and_writes_nothing(app):
    from app.bulk import insert_columns

    with pytest.raises(ValueError, match="different lengths"):
        insert_columns(Province.__table__, {"name": ["甲省", "乙省"], "country": ["CN"]})
    assert db.session.scalar(db.select(db.func.count()).select_from(Province).where(Province.name.in_(["甲省", "乙省"]))) == 0


def test_driver_rows_reads_the_rows_of_a_statement_with_its_parameters(app):
    """Given by name, defaults kept, pending changes seen, a missing value named; on SQLite and PostgreSQL."""
    from sqlalchemy import bindparam

    from app.bulk import driver_rows

    db.session.add_all([Province(name="读取省", country="CN"), Province(name="读取州", country="XX")])
    statement = (
        db.select(Province.name)
        .where(Province.country == bindparam("country"), Province.name.like(bindparam("pattern", "读取%")))
        .order_by(Province.name)
    )
    assert driver_rows(statement, country="CN") == [("读取省",)]  # flushed first, default pattern kept
    assert driver_rows(statement, country="XX", pattern="读取州") == [("读取州",)]
    assert driver_rows(statement, country="XX", pattern="读取省") == []
    with pytest.raises(TypeError, match="country"):
        driver_rows(statement)


def test_upsert_columns_inserts_new_rows_and_updates_stored_ones_keeping_what_it_is_told(app):
    """On a stored key the given columns change but `keep`, columns not given stay; on SQLite and PostgreSQL."""
    from app.bulk import upsert_columns
    from app.models import College

    province = Province(name="更新省", country="CN")
    db.session.add(province)
    db.session.flush()
    db.session.add(College(code="UPS-1", name="旧名大学", province_id=province.id, city="旧城", level="本科"))
    db.session.commit()
    upsert_columns(
        College.__table__,
        {
            "code": ["UPS-1", "UPS-2"],
            "name": ["新名大学", "新建学院"],
            "province_id": [province.id] * 2,
            "city": ["新城", "新城"],
            "level": ["专科", "专科"],
            "ownership": ["公办", "公办"],
            "country": ["CN", "CN"],
        },
        key=("code",),
        keep=("level",),
    )
    db.session.commit()
    db.session.expire_all()
    colleges = db.session.scalars(db.select(College).where(College.code.like("UPS-%")).order_by(College.code)).all()
    assert [(college.code, college.name, college.city, college.level, college.ownership) for college in colleges] == [
        ("UPS-1", "新名大学", "新城", "本科", "公办"),  # updated in place, its level kept
        ("UPS-2", "新建学院", "新城", "专科", "公办"),  # new: every given value
    ]
    with pytest.raises(ValueError, match="level"):
        upsert_columns(College.__table__, {"code": ["UPS-3"], "name": ["缺列学院"]}, key=("code",), keep=("level",))


def test_driver_execute_writes_updates_and_deletes_as_the_statement_says(app):
    """One row or many, values converted by type, a rowcount, RETURNING, errors as SQLAlchemy's; SQLite and PostgreSQL."""
    from sqlalchemy import bindparam
    from sqlalchemy.exc import IntegrityError

    from app.bulk import driver_execute

    provinces = Province.__table__
    returned = driver_execute(provinces.insert().returning(provinces.c.name), {"name": "执行省", "country": "CN"}).scalar_one()
    driver_execute(provinces.insert(), [{"name": "执行州", "country": "XX"}, {"name": "执行县", "country": "XX"}])
    rename = provinces.update().where(provinces.c.country == bindparam("where_country"))
    assert driver_execute(rename, {"where_country": "XX", "country": "YY"}).rowcount == 2
    assert driver_execute(provinces.delete().where(provinces.c.name == bindparam("gone")), [{"gone": "执行县"}]).rowcount == 1
    stored = db.session.execute(
        db.select(Province.name, Province.country).where(Province.name.like("执行%")).order_by(Province.name)
    ).all()
    assert returned == "执行省" and sorted(stored) == sorted([("执行省", "CN"), ("执行州", "YY")])
    with pytest.raises(TypeError, match="where_country"):
        driver_execute(rename, {"country": "ZZ"})
    with pytest.raises(IntegrityError):  # the unique name, reported as the engine reports it
        driver_execute(provinces.insert(), {"name": "执行省", "country": "CN"})


def test_driver_execute_takes_the_writer_lock(app, lock_path):
    from app.bulk import driver_execute

    assert lock_is_free(lock_path)
    driver_execute(Province.__table__.insert(), {"name": "锁省", "country": "CN"})
    assert not lock_is_free(lock_path)
    db.session.rollback()
    assert lock_is_free(lock_path)
