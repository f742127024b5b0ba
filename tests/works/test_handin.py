"""Handing in: every version kept, the deadline (and one team's extension), frozen when the round opens."""

import io
from datetime import timedelta

import pytest

from app.errors import InvalidDataError, StateConflictError, TooLargeError
from app.extensions import db
from app.judging.services import transition_round
from app.models import AuditEvent, Work, utcnow
from app.storage import storage
from app.works.queries import judged_works
from app.works.services import clean_filename, grant_extension, submit_work
from tests.works import files


def hand_in(round_, team, captain, content=None, *, key="plan", now=None, filename="plan.pdf", url=None):
    stream = io.BytesIO(content if content is not None else files.pdf(2)) if url is None else None
    work = submit_work(round_, team, key, stream=stream, url=url, filename=filename, user=captain, now=now or utcnow())
    db.session.commit()
    return work


def stored_objects(app) -> list:
    return [p for p in (storage().root / "objects").rglob("*") if p.is_file()] if (storage().root / "objects").exists() else []


def test_each_hand_in_is_a_new_version_and_the_last_one_is_judged(handin):
    round_, team, captain = handin
    first = hand_in(round_, team, captain, files.pdf(1))
    second = hand_in(round_, team, captain, files.pdf(3), filename="plan-v2.pdf")
    assert (first.version, second.version) == (1, 2)
    assert (second.pages, second.size, len(second.sha256), second.submitted_by_id) == (3, len(files.pdf(3)), 64, captain.id)
    assert storage().exists(first.sha256) and storage().exists(second.sha256)
    assert judged_works(round_, [team.id])[(team.id, "plan")].id == second.id
    events = db.session.query(AuditEvent).filter_by(action="work.submit", object_id=team.id).all()
    assert [event.after["version"] for event in events] == [1, 2]


def test_a_late_hand_in_is_refused_naming_the_deadline_in_the_contest_s_time_zone(handin):
    round_, team, captain = handin
    with pytest.raises(StateConflictError) as late:
        hand_in(round_, team, captain, now=round_.works_due_at + timedelta(minutes=1))
    local = round_.works_due_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert late.value.code == "deadline_passed" and local in late.value.message and "UTC+0800" in late.value.message


def test_an_extension_lets_one_team_in_after_the_round_s_deadline(handin, make_user):
    round_, team, captain = handin
    organizer = make_user()
    late = round_.works_due_at + timedelta(hours=1)
    grant_extension(round_, team, round_.works_due_at + timedelta(hours=2), "医院证明 hospital", user=organizer, now=utcnow())
    db.session.commit()
    assert hand_in(round_, team, captain, now=late).version == 1
    event = db.session.query(AuditEvent).filter_by(action="work.extend").one()
    assert event.reason == "医院证明 hospital" and event.actor_id == organizer.id


def test_an_extension_needs_a_reason_and_a_time_after_the_deadline(handin, make_user):
    round_, team, _captain = handin
    organizer = make_user()
    with pytest.raises(InvalidDataError):
        grant_extension(round_, team, round_.works_due_at + timedelta(hours=2), " ", user=organizer, now=utcnow())
    with pytest.raises(InvalidDataError) as early:
        grant_extension(round_, team, round_.works_due_at - timedelta(hours=2), "ill", user=organizer, now=utcnow())
    assert "until" in early.value.fields


def test_a_second_extension_moves_the_first(handin, make_user):
    round_, team, _captain = handin
    organizer = make_user()
    for hours in (2, 5):
        grant_extension(round_, team, round_.works_due_at + timedelta(hours=hours), "ill", user=organizer, now=utcnow())
        db.session.commit()
    assert db.session.query(AuditEvent).filter_by(action="work.extend").count() == 2
    from app.works.queries import deadlines

    assert deadlines(round_, [team.id])[team.id] == round_.works_due_at + timedelta(hours=5)


def test_works_freeze_when_the_round_opens(handin):
    round_, team, captain = handin
    hand_in(round_, team, captain)
    transition_round(round_, "open", actor=None, now=utcnow())
    db.session.commit()
    with pytest.raises(StateConflictError) as frozen:
        hand_in(round_, team, captain)
    assert frozen.value.code == "works_frozen"


def test_a_team_not_in_the_round_cannot_hand_in(handin, make_team):
    round_, _team, captain = handin
    other = make_team(round_.contest, owner=captain)
    with pytest.raises(StateConflictError) as outside:
        hand_in(round_, other, captain)
    assert outside.value.code == "not_in_round"


def test_over_the_item_s_size_is_413_and_nothing_is_kept(handin, app):
    round_, team, captain = handin
    with pytest.raises(TooLargeError):
        hand_in(round_, team, captain, files.pdf(1) + b"%" * (2 * 1024 * 1024))
    db.session.rollback()
    assert stored_objects(app) == [] and not any((storage().root / "incoming").iterdir())
    assert db.session.query(Work).count() == 0


def test_a_refused_file_is_deleted_from_the_store(handin, app):
    round_, team, captain = handin
    with pytest.raises(InvalidDataError) as refused:
        hand_in(round_, team, captain, files.ELF, filename="report.pdf")
    db.session.rollback()
    assert refused.value.details["problem"] == "content" and stored_objects(app) == []


def test_bytes_another_work_holds_stay_when_a_refusal_names_them(handin, app):
    round_, team, captain = handin
    kept = hand_in(round_, team, captain, files.pdf(1))
    round_.requirements = [{**round_.requirements[0], "max_pages": 1}, round_.requirements[1]]
    db.session.commit()
    with pytest.raises(InvalidDataError):
        hand_in(round_, team, captain, files.pdf(2))
    db.session.rollback()
    assert storage().exists(kept.sha256)


def test_a_link_item_takes_an_http_address_and_no_file(handin):
    round_, team, captain = handin
    work = hand_in(round_, team, captain, key="store", url="https://shop.example.com/store/1")
    assert (work.kind, work.url, work.sha256) == ("link", "https://shop.example.com/store/1", None)
    for bad in ("javascript:alert(1)", "ftp://x.example.com/", "https://" + "a" * 600):
        with pytest.raises(InvalidDataError):
            hand_in(round_, team, captain, key="store", url=bad)
    with pytest.raises(InvalidDataError):
        submit_work(round_, team, "store", stream=io.BytesIO(files.pdf()), filename="x.pdf", user=captain, now=utcnow())
    with pytest.raises(InvalidDataError):
        submit_work(round_, team, "plan", url="https://example.com", user=captain, now=utcnow())


def test_a_file_named_by_a_path_is_stored_under_its_hash_with_a_clean_name(handin):
    round_, team, captain = handin
    work = hand_in(round_, team, captain, filename="../../etc/passwd")
    assert work.filename == "passwd" and storage().path(work.sha256).name == work.sha256[2:]


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("计划\u202e书.pdf", "计划书.pdf"),
        ("a\x00b\n.pdf", "ab.pdf"),
        ("", "work"),
        (".pdf", "work.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_a_file_name_is_only_a_display_name(raw, shown, app):
    assert clean_filename(raw) == shown
