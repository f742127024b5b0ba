"""Writing the audit trail. Every service that changes something people rely on calls `record`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload

from app.errors import InvalidDataError
from app.extensions import db
from app.models import AuditEvent, User

#: The longest reason kept with a decision.
REASON_MAX = 500

#: What each recorded action means, as people read it; the code stays what the log stores and filters on.
ACTION_LABELS = {
    "assignment.create": _l("Judge assigned"),
    "assignment.delete": _l("Assignment removed"),
    "assignment.set_aside": _l("Assignment set aside for a conflict of interest"),
    "award.manual": _l("Award changed by hand"),
    "award.update": _l("Award amount changed"),
    "awards.assign": _l("Awards given"),
    "certificate.issue": _l("Certificate issued"),
    "certificate.revoke": _l("Certificate revoked"),
    "college.merge": _l("Proposed institution merged into a listed college"),
    "college.propose": _l("Institution proposed"),
    "college.verify": _l("Proposed institution verified"),
    "colleges.import": _l("Colleges imported"),
    "conflict.declare": _l("Conflict of interest declared"),
    "contest.create": _l("Contest created"),
    "contest.update": _l("Contest changed"),
    "objection.answer": _l("Objection answered"),
    "objection.assign": _l("Objection assigned"),
    "objection.create": _l("Objection raised"),
    "objection.evidence": _l("Evidence added to an objection"),
    "contest.certificates": _l("Certificate issuer or seal changed"),
    "contest.result_mails": _l("Who is mailed the results changed"),
    "result_mails.resent": _l("Result mails sent again"),
    "metrics.import": _l("Data values imported"),
    "metrics.objection": _l("Data value reported as wrong"),
    "results.advance": _l("Teams advanced to the next round"),
    "results.compute": _l("Results computed"),
    "round.add_entries": _l("Teams added to the round"),
    "round.add_judges": _l("Judges added to the round"),
    "round.auto_assign": _l("Judges assigned automatically"),
    "round.create": _l("Round created"),
    "round.update": _l("Round changed"),
    "round.open": _l("Round opened"),
    "round.closed": _l("Round closed"),
    "round.published": _l("Results published"),
    "round.finalized": _l("Results made final"),
    "sheet.save": _l("Draft saved"),
    "sheet.submit": _l("Scores submitted"),
    "sheet.unlock": _l("Sheet unlocked"),
    "team.register": _l("Team registered"),
    "team.import": _l("Team imported"),
    "team.update": _l("Team changed"),
    "team.approve": _l("Team approved"),
    "team.reject": _l("Team not approved"),
    "team.withdraw": _l("Team withdrawn"),
    "team.reopen_review": _l("Review reopened"),
    "team.dispute_member": _l("Student disputed by their college"),
    "team.lift_dispute": _l("Dispute lifted"),
    "work.submit": _l("Work handed in"),
    "work.extend": _l("Deadline extended for the team"),
    "user.create": _l("Account created"),
    "user.activate": _l("Account activated"),
    "user.deactivate": _l("Account deactivated"),
    "user.grant_role": _l("Role granted"),
    "user.change_password": _l("Password changed"),
    "user.sign_out_elsewhere": _l("Signed out elsewhere"),
    "round.remind_works": _l("Teams missing works reminded"),
}


def action_label(action: str) -> str:
    """A recorded action as people read it ("team.register" -> "Team registered"); an action without a label
    is shown as it is recorded."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def reason_text(raw: str | None, *, required: str | None = None, field: str = "reason") -> str | None:
    """A person's reason for a decision, as the audit trail keeps it: trimmed, each run of white space made
    one space; None when there is none. `required` is the sentence that asks for it when it must be given
    (422 at `field` without it); a reason over REASON_MAX characters is refused (422) too."""
    text = " ".join((raw or "").split())
    if required and not text:
        raise InvalidDataError(required, fields={field: [_("This is required.")]})
    if len(text) > REASON_MAX:
        raise InvalidDataError(_("The reason is too long."), fields={field: [_("At most %(n)s characters.", n=REASON_MAX)]})
    return text or None


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


def record(**event: Any) -> None:
    """Write one audit event (the arguments of `event_row`) now, in the current transaction: it commits or
    rolls back with the change it records. A plain row, not an ORM object: nothing reads an event back in the
    request that writes it, and a judge's save, the write a contest makes most, writes one. One row as one
    statement: a list of one would be an executemany, which psycopg sends as a pipeline, costing more."""
    db.session.connection().execute(insert(AuditEvent.__table__), event_row(**event))


def record_many(events: Sequence[Mapping[str, Any]]) -> None:
    """Write many audit events at once (each the arguments of `event_row`), as `record` writes one."""
    if events:
        db.session.connection().execute(insert(AuditEvent.__table__), [event_row(**event) for event in events])


def history_of(object_type: str, object_id: int) -> list[AuditEvent]:
    """Every recorded change of one object, oldest first, with who made it."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .options(joinedload(AuditEvent.actor))
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
