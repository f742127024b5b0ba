"""Writing the audit trail. Every service that changes something people rely on calls `record`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.extensions import db
from app.models import AuditEvent, User


def record(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Add one audit event to the session: who (`actor`), when (`now`), the old and new values."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        at=now,
        before=before,
        after=after,
        reason=reason,
    )
    db.session.add(event)
    return event


def history_of(object_type: str, object_id: int) -> list[AuditEvent]:
    """Every recorded change of one object, oldest first, with who made it."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.actor))
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ))
