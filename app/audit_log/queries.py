"""Finding audit events: the filters of the organizers' audit log and the one query behind the page
and the export.

Rows are plain (Core) rows, never `AuditEvent` objects: the export reads hundreds of thousands of
them, and the page needs the actor's name and email next to each event, in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select

from app.extensions import db
from app.models import AuditEvent, User
from app.pagination import PageOf

#: The columns of an audit row, in the order the page and the export read them.
EVENT_COLUMNS = (
    AuditEvent.id,
    AuditEvent.at,
    User.name.label("actor_name"),
    User.email.label("actor_email"),
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.before,
    AuditEvent.after,
    AuditEvent.reason,
)


@dataclass(frozen=True)
class AuditFilters:
    """What the log is narrowed to; None (or empty text) means no condition.

    `user` matches part of the actor's email or name, ignoring case (events made by the system
    then never match); `action` matches part of the action's name; `object_type` and `object_id`
    are exact. Times are aware: `since` is included, `before` is not.
    """

    user: str | None = None
    object_type: str | None = None
    object_id: int | None = None
    action: str | None = None
    since: datetime | None = None
    before: datetime | None = None


def minute_range(
    start: datetime | None,
    end: datetime | None,
    zone: ZoneInfo,
) -> tuple[datetime | None, datetime | None]:
    """Turn the times people type (naive, to the minute, in `zone`) into the aware (since, before)
    of `AuditFilters`: both typed minutes are included, so `before` is the minute after `end`."""
    since = start.replace(second=0, microsecond=0, tzinfo=zone) if start is not None else None
    before = end.replace(second=0, microsecond=0, tzinfo=zone) + timedelta(minutes=1) if end is not None else None
    return since, before


def _conditions(filters: AuditFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    user = (filters.user or "").strip()
    if user:
        conditions.append(or_(User.email.icontains(user, autoescape=True), User.name.icontains(user, autoescape=True)))
    if filters.object_type:
        conditions.append(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        conditions.append(AuditEvent.object_id == filters.object_id)
    action = (filters.action or "").strip()
    if action:
        conditions.append(AuditEvent.action.icontains(action, autoescape=True))
    if filters.since is not None:
        conditions.append(AuditEvent.at >= filters.since)
    if filters.before is not None:
        conditions.append(AuditEvent.at < filters.before)
    return conditions


def audit_events_query(filters: AuditFilters) -> Select:
    """The events that pass `filters`, newest first (the later id first within one instant),
    with the actor's name and email (None for events the system made)."""
    return (
        select(*EVENT_COLUMNS)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(*_conditions(filters))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def count_events(filters: AuditFilters) -> int:
    """How many events pass `filters`; the users table is joined only when the filter needs it."""
    statement = select(func.count(AuditEvent.id))
    if (filters.user or "").strip():
        statement = statement.join(User, User.id == AuditEvent.actor_id)
    return db.session.scalar(statement.where(*_conditions(filters))) or 0


def events_page(filters: AuditFilters, page: int, per_page: int) -> PageOf:
    """One page of the filtered log; a page past the end is empty, never an error."""
    rows = db.session.execute(audit_events_query(filters).limit(per_page).offset((page - 1) * per_page)).all()
    return PageOf(rows, count_events(filters), page, per_page)


def object_types_present() -> list[str]:
    """The kinds of object the log holds events about, for the filter's choices."""
    return list(db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))
