"""Writing the audit trail. Every service that changes something people rely on calls `record`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.bulk import driver_execute
from app.extensions import db
from app.models import AuditEvent, User

#: Built once, for `record_immediately`.
INSERT_EVENT = AuditEvent.__table__.insert()


def event_row(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """One event's columns: who (`actor`), when (`now`), the old and new values. An anonymous actor (the
    system, a sign-up) is recorded as no one."""
    return {
        "actor_id": actor.id if actor is not None and actor.is_authenticated else None,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "at": now,
        "before": before,
        "after": after,
        "reason": reason,
    }


def record(**event: Any) -> AuditEvent:
    """Add one audit event (the arguments of `event_row`) to the session, written at its next flush."""
    added = AuditEvent(**event_row(**event))
    db.session.add(added)
    return added


def record_immediately(**event: Any) -> None:
    """Insert one audit event (the arguments of `event_row`) now, in the current transaction, without an
    ORM object: for the hottest write (a judge's save), where the unit of work would cost more than the
    insert itself. It commits or rolls back with the change it records."""
    driver_execute(INSERT_EVENT, event_row(**event))


def history_of(object_type: str, object_id: int) -> list[AuditEvent]:
    """Every recorded change of one object, oldest first, with who made it."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            select(AuditEvent)
            .options(joinedload(AuditEvent.actor))
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
