"""The public notice (公示) of a published round: when it opens and ends, its state, and finalization.

A round published with a notice is open to objections from `starts_on` to `ends_on` (dates in the contest's
time zone, both included). After that it is `closed` while an objection waits for its answer, and `final`
once none does, or once the organizer finalizes. The state is computed when read: no clock job moves it.
A round published without a notice is final at publication, as before notices existed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from app import audit
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.models import NOTICE_CALENDARS, OBJECTION_OPEN, PUBLISHED, Notice, Objection, Round, User
from app.notices.calendar import DEFAULT_DAYS, MAX_DAYS, CalendarNotPublished, notice_end

NOTICE_OPEN, NOTICE_CLOSED, NOTICE_FINAL = "open", "closed", "final"


def notice_of(round_: Round) -> Notice | None:
    return db.session.scalar(select(Notice).where(Notice.round_id == round_.id))


def local_today(round_: Round, now: datetime) -> date:
    """The day it is in the contest's time zone: a notice's days are the contest's days."""
    return round_.contest.local(now).date()


def open_objections(round_: Round) -> int:
    """How many of the round's objections wait for their answer."""
    return db.session.scalar(
        select(func.count(Objection.id)).where(Objection.round_id == round_.id, Objection.state == OBJECTION_OPEN)
    )


def notice_state(notice: Notice, *, today: date, unanswered: int) -> str:
    """`open` from its first day to its last; then `final` once finalized or with no objection unanswered,
    else `closed` (waiting for the answers)."""
    if notice.finalized_at is None and today <= notice.ends_on:
        return NOTICE_OPEN
    if notice.finalized_at is not None or unanswered == 0:
        return NOTICE_FINAL
    return NOTICE_CLOSED


def notice_payload(round_: Round, now: datetime) -> dict[str, Any] | None:
    """The notice as the API and the pages show it; None when the round is not published with one."""
    notice = notice_of(round_) if round_.status == PUBLISHED else None
    if notice is None:
        return None
    return {
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "days": notice.days,
        "calendar": notice.calendar,
        "state": notice_state(notice, today=local_today(round_, now), unanswered=open_objections(round_)),
        "finalized_at": notice.finalized_at,
    }


def is_open_for_objections(round_: Round, now: datetime) -> bool:
    """Whether objections may be raised now: the round is published and today is a day of its notice."""
    notice = notice_of(round_) if round_.status == PUBLISHED else None
    return notice is not None and notice.finalized_at is None and notice.starts_on <= local_today(round_, now) <= notice.ends_on


def results_final(round_: Round, now: datetime) -> bool:
    """Whether the round's results are final: published without a notice, or its notice is final. What
    certificates and the mails of finalization wait for."""
    if round_.status != PUBLISHED:
        return False
    notice = notice_of(round_)
    return (
        notice is None or notice_state(notice, today=local_today(round_, now), unanswered=open_objections(round_)) == NOTICE_FINAL
    )


def notice_input(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A notice's settings as publishRound and the publish form give them, checked: `days` 1 to MAX_DAYS
    (default DEFAULT_DAYS), `calendar` one of NOTICE_CALENDARS, `starts_on` a date or None (422 naming each
    bad field)."""
    if raw is None:
        return None
    days = raw.get("days")
    days = DEFAULT_DAYS if days is None else days
    calendar = raw.get("calendar") or "cn_workdays"
    fields: dict[str, list[str]] = {}
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        fields["notice.days"] = [_("Give a whole number of days from 1 to %(max)s.", max=MAX_DAYS)]
    if calendar not in NOTICE_CALENDARS:
        fields["notice.calendar"] = [_("Choose Chinese working days or calendar days.")]
    starts_on = raw.get("starts_on")
    if starts_on is not None and not isinstance(starts_on, date):
        fields["notice.starts_on"] = [_("Give a date.")]
    if fields:
        raise InvalidDataError(_("The notice's settings are not valid."), fields=fields)
    return {"days": days, "calendar": calendar, "starts_on": starts_on}


def set_notice(round_: Round, settings: Mapping[str, Any] | None, *, now: datetime, tell_teams: bool = True) -> Notice | None:
    """Give the round being published its notice (replacing one of an earlier publication), or none.

    The notice starts on `starts_on`, by default the day of publication in the contest's time zone, and never
    before it; its end is counted by `app.notices.calendar.notice_end`. A day past the official calendar's
    data is refused (422) with the year, so that the organizer counts calendar days instead.
    """
    db.session.execute(delete(Notice).where(Notice.round_id == round_.id))
    if settings is None:
        return None
    today = local_today(round_, now)
    starts_on = settings["starts_on"] or today
    if starts_on < today:
        raise InvalidDataError(
            _("A notice cannot start before the day it is published."),
            fields={"notice.starts_on": [_("Give today or a later day.")]},
        )
    try:
        ends_on = notice_end(starts_on, settings["days"], settings["calendar"])
    except CalendarNotPublished as missing:
        raise InvalidDataError(
            _("The official calendar for %(year)s is not published yet; use calendar days.", year=missing.year),
            code="calendar_not_published",
            fields={"notice.calendar": [_("No official calendar for %(year)s.", year=missing.year)]},
        ) from None
    notice = Notice(
        round_id=round_.id,
        days=settings["days"],
        calendar=settings["calendar"],
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=now,
        tell_teams=tell_teams,
    )
    db.session.add(notice)
    db.session.flush()
    return notice


def finalize_round(round_: Round, *, actor: User | None, now: datetime) -> Notice:
    """Make the published round's results final, after its notice.

    Refused (409) while an objection waits for its answer (`objections_open`), while the notice is still
    open (`notice_open`: objections may still come), for a round published without a notice (final since
    publication: `no_notice`) and a second time (`already_final`). Audited. What follows finalization is
    `app.notices.finalization.finalize_results`'s.
    """
    notice = notice_of(round_) if round_.status == PUBLISHED else None
    if round_.status != PUBLISHED:
        raise StateConflictError(_("Only a published round can be finalized."), code="round_not_published")
    if notice is None:
        raise StateConflictError(
            _("The round was published without a notice: its results are final since publication."), code="no_notice"
        )
    if notice.finalized_at is not None:
        raise StateConflictError(_("The round's results are already final."), code="already_final")
    unanswered = open_objections(round_)
    if unanswered:
        raise StateConflictError(
            _("Answer every objection before finalizing: %(num)s waiting.", num=unanswered), code="objections_open"
        )
    if local_today(round_, now) <= notice.ends_on:
        raise StateConflictError(
            _("The notice is open until %(day)s: objections may still come.", day=notice.ends_on.isoformat()),
            code="notice_open",
        )
    notice.finalized_at, notice.finalized_by_id = now, actor.id if actor is not None and actor.is_authenticated else None
    db.session.flush()
    audit.record(
        actor=actor,
        action="round.finalized",
        object_type="round",
        object_id=round_.id,
        now=now,
        after={"starts_on": notice.starts_on.isoformat(), "ends_on": notice.ends_on.isoformat()},
    )
    return notice
