"""The public notice: its days counted on the official Chinese calendar or on calendar days, its dates and
state on the round, and a year the calendar does not know refused by name."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Notice
from app.notices.calendar import CALENDAR_DAYS, CN_WORKDAYS, CalendarNotPublished, is_working_day, notice_end
from app.notices.services import notice_state


@pytest.mark.parametrize(
    ("starts_on", "days", "calendar", "ends_on"),
    [
        # National Day 2025: Oct 1-8 off, Saturday Oct 11 a working day to make up for it.
        (date(2025, 9, 29), 5, CN_WORKDAYS, date(2025, 10, 11)),
        (date(2025, 9, 29), 5, CALENDAR_DAYS, date(2025, 10, 3)),
        # Spring Festival 2026: Feb 15-23 off; Saturday Feb 14 and Saturday Feb 28 working days.
        (date(2026, 2, 12), 5, CN_WORKDAYS, date(2026, 2, 25)),
        # A first day off is not counted: Sunday, then five weekdays.
        (date(2026, 3, 1), 5, CN_WORKDAYS, date(2026, 3, 6)),
        (date(2026, 3, 2), 1, CN_WORKDAYS, date(2026, 3, 2)),
        (date(2026, 12, 28), 7, CALENDAR_DAYS, date(2027, 1, 3)),
    ],
)
def test_a_notice_ends_on_its_last_counted_day(starts_on, days, calendar, ends_on):
    assert notice_end(starts_on, days, calendar) == ends_on


def test_the_spring_festival_days_are_holidays_and_its_saturdays_working_days():
    assert not any(is_working_day(date(2026, 2, day)) for day in range(15, 24))
    assert is_working_day(date(2026, 2, 14)) and is_working_day(date(2026, 2, 28))


def test_a_year_past_the_calendars_data_is_named_not_guessed():
    with pytest.raises(CalendarNotPublished) as raised:
        notice_end(date(2026, 12, 28), 5, CN_WORKDAYS)
    assert raised.value.year == 2027


def test_the_state_is_open_during_the_period_then_closed_while_objections_wait_then_final():
    notice = Notice(starts_on=date(2025, 9, 29), ends_on=date(2025, 10, 11), days=5, calendar=CN_WORKDAYS)
    assert notice_state(notice, today=date(2025, 10, 11), unanswered=0) == "open"
    assert notice_state(notice, today=date(2025, 10, 12), unanswered=1) == "closed"
    assert notice_state(notice, today=date(2025, 10, 12), unanswered=0) == "final"
    notice.finalized_at = datetime(2025, 10, 13, tzinfo=UTC)
    assert notice_state(notice, today=date(2025, 10, 13), unanswered=0) == "final"


@pytest.fixture
def computed(client, scored_round, make_user, token_for):
    built = scored_round([[80, 90], [70, 60]])
    organizer = token_for(make_user("organizer"))
    assert client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer).status_code == 200
    return {**built, "organizer": organizer, "url": f"/api/v1/rounds/{built['round'].id}"}


def _today_in_shanghai() -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def test_publishing_with_a_notice_shows_its_dates_and_state_on_the_round_and_the_public_page(client, computed):
    url, organizer = computed["url"], computed["organizer"]
    published = client.post(f"{url}/publish", json={"notice": {"days": 7, "calendar": "calendar"}}, headers=organizer)
    assert published.status_code == 200, published.json
    today = _today_in_shanghai()
    assert published.json["notice"] == {
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=6)).isoformat(),
        "days": 7,
        "calendar": "calendar",
        "state": "open",
        "finalized_at": None,
    }
    assert client.get(url, headers=organizer).json["notice"]["state"] == "open"
    page = client.get(f"/results/rounds/{computed['round'].id}").get_data(as_text=True)
    assert 'data-notice-state="open"' in page and (today + timedelta(days=6)).isoformat() in page
    assert "Raise an objection" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.published"))
    assert event.after["notice"]["ends_on"] == (today + timedelta(days=6)).isoformat()


def test_a_notice_in_working_days_spans_the_official_calendar(client, computed):
    url, organizer = computed["url"], computed["organizer"]
    starts_on = _today_in_shanghai() + timedelta(days=1)
    published = client.post(f"{url}/publish", json={"notice": {"starts_on": starts_on.isoformat()}}, headers=organizer)
    if starts_on.year > 2026 or notice_end_or_none(starts_on) is None:
        assert published.status_code == 422 and published.json["error"]["code"] == "calendar_not_published"
        return
    assert published.status_code == 200, published.json
    assert published.json["notice"]["days"] == 5 and published.json["notice"]["calendar"] == "cn_workdays"
    assert published.json["notice"]["ends_on"] == notice_end(starts_on, 5, CN_WORKDAYS).isoformat()


def notice_end_or_none(starts_on: date) -> date | None:
    try:
        return notice_end(starts_on, 5, CN_WORKDAYS)
    except CalendarNotPublished:
        return None


def test_a_working_day_notice_past_the_calendars_data_is_refused_with_the_year(client, computed):
    url, organizer = computed["url"], computed["organizer"]
    refused = client.post(f"{url}/publish", json={"notice": {"starts_on": "2031-03-03"}}, headers=organizer)
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "calendar_not_published"
    assert "2031" in refused.json["error"]["message"] and "calendar days" in refused.json["error"]["message"]
    assert client.get(computed["url"], headers=organizer).json["status"] == "closed"  # nothing half-published
    kept = client.post(f"{url}/publish", json={"notice": {"starts_on": "2031-03-03", "calendar": "calendar"}}, headers=organizer)
    assert kept.status_code == 200 and kept.json["notice"]["ends_on"] == "2031-03-07"


@pytest.mark.parametrize(
    ("notice", "field"),
    [
        ({"days": 0}, "notice.days"),
        ({"days": 61}, "notice.days"),
        ({"calendar": "lunar"}, "notice.calendar"),
        ({"starts_on": "2020-01-02", "calendar": "calendar"}, "notice.starts_on"),
    ],
)
def test_bad_notice_settings_are_named(client, computed, notice, field):
    refused = client.post(f"{computed['url']}/publish", json={"notice": notice}, headers=computed["organizer"])
    assert refused.status_code == 422 and field in refused.json["error"]["fields"], refused.json


def test_publishing_without_a_notice_is_final_at_once(client, computed):
    from app.notices.services import results_final

    published = client.post(f"{computed['url']}/publish", json={}, headers=computed["organizer"])
    assert published.status_code == 200 and published.json["notice"] is None
    assert results_final(computed["round"], datetime.now(UTC))
    finalize = client.post(f"{computed['url']}/finalize", headers=computed["organizer"])
    assert finalize.status_code == 409 and finalize.json["error"]["code"] == "no_notice"


def test_the_organizers_publish_form_opens_a_notice(client, computed, login_as):
    login_as("organizer")
    round_id = computed["round"].id
    response = client.post(
        f"/rounds/{round_id}/results",
        data={
            "publish-show_scores": "y",
            "publish-notice": "y",
            "publish-notice_days": "3",
            "publish-notice_calendar": "calendar",
            "publish-publish": "Publish",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    notice = db.session.scalar(select(Notice).where(Notice.round_id == round_id))
    assert notice.days == 3 and (notice.ends_on - notice.starts_on).days == 2
    page = client.get(f"/rounds/{round_id}/results").get_data(as_text=True)
    assert 'data-notice-state="open"' in page and "Finalize the results" in page
