"""The audit log workbook: one row per event that passes the filters, newest first."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from app.audit_log.display import cell_text
from app.audit_log.queries import AuditFilters, audit_events_query
from app.extensions import db
from app.spreadsheets import Column, Sheet
from app.workbook_language import workbook_language

#: Events are read from the database this many at a time: memory stays flat at any size of log.
READ_BATCH_ROWS = 2000
SYSTEM_ACTOR = "系统 system"

AUDIT_COLUMNS = [
    Column("时间 Time", 20),
    Column("操作人 User"),
    Column("操作 Action"),
    Column("对象 Object", 14),
    Column("编号 Id", 10, numeric=True),
    Column("原值 Before", 60),
    Column("新值 After", 60),
    Column("原因 Reason", 40),
]


def actor_text(name: str | None, email: str | None) -> str:
    """Who made a change, as the export writes it: name and email, or the system."""
    if name is None and email is None:
        return SYSTEM_ACTOR
    return f"{name} <{email}>"


def audit_log_workbook(filters: AuditFilters, zone: ZoneInfo) -> list[Sheet]:
    """The export's one sheet. Rows are streamed from the database in batches (`yield_per`) and
    written as they come; times are in `zone`, to the second. Every text cell goes through
    `app.spreadsheets`, so a reason such as `=HYPERLINK(...)` stays text. The log spans every contest,
    so it speaks the language of no one contest (`workbook_language(None)`: Chinese first)."""
    result = db.session.execute(audit_events_query(filters).execution_options(yield_per=READ_BATCH_ROWS))

    def rows() -> Iterator[list]:
        for row in result:
            yield [
                row.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                actor_text(row.actor_name, row.actor_email),
                row.action,
                row.object_type,
                row.object_id,
                cell_text(row.before),
                cell_text(row.after),
                row.reason or "",
            ]

    return [workbook_language(None).sheet("审计日志 Audit log", AUDIT_COLUMNS, rows())]
