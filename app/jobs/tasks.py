"""What each kind of job does. Every task calls the same services as the pages and the API, as the job's
owner, and checks again that the owner may still do it (a right can be taken away while a job waits).

A task returns an `Outcome`: the file it made (under the jobs folder), and what else the owner should see.
The runner commits the task's work once, as a request would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from app.errors import ContestError
from app.extensions import db
from app.jobs.runner import Progress
from app.models import Contest, Job, Round, utcnow
from app.permissions import can_edit_contest, can_list_teams, can_manage_colleges, can_manage_round, can_read_audit_log
from app.spreadsheets import Sheet, read_table, write_workbook_file


@dataclass(frozen=True)
class Outcome:
    path: str | None = None
    name: str | None = None
    details: dict[str, Any] | None = None


def jobs_folder() -> Path:
    """Where jobs keep their uploads and their files: the instance folder, shared by the instances of one
    machine (several machines share it as a network volume)."""
    return Path(current_app.instance_path) / "jobs"


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise ContestError(_("You may no longer do this; ask an organizer."), code="forbidden")


def _workbook(job: Job, progress: Progress, sheets: list[Sheet], filename: str) -> Outcome:
    progress.total = sum(sheet.row_count for sheet in sheets)
    progress.write()
    write_workbook_file(jobs_folder() / job.id / filename, sheets, on_rows=progress.advance)
    return Outcome(path=f"{job.id}/{filename}", name=filename)


def export_teams(job: Job, progress: Progress) -> Outcome:
    from app.registration.exports import registrations_workbook
    from app.registration.queries import TeamFilters

    contest = db.get_or_404(Contest, job.params["contest_id"])
    _refuse_unless(can_list_teams(job.owner, contest))
    sheets = registrations_workbook(contest, TeamFilters(**job.params.get("filters", {})), viewer=job.owner)
    return _workbook(job, progress, sheets, f"registrations-{contest.year}-{contest.id}.xlsx")


def export_round(job: Job, progress: Progress) -> Outcome:
    from app.results.exports import round_workbook

    round_ = db.get_or_404(Round, job.params["round_id"])
    _refuse_unless(can_manage_round(job.owner, round_))
    judge_names = bool(job.params.get("judge_names"))
    sheets = round_workbook(round_, generated_by=job.owner.name, now=utcnow(), judge_names=judge_names)
    return _workbook(job, progress, sheets, f"results-round-{round_.id}.xlsx")


def export_contest_results(job: Job, progress: Progress) -> Outcome:
    from app.results.exports import contest_workbook

    contest = db.get_or_404(Contest, job.params["contest_id"])
    _refuse_unless(can_edit_contest(job.owner, contest))
    sheets = contest_workbook(contest, generated_by=job.owner.name, now=utcnow())
    return _workbook(job, progress, sheets, f"results-contest-{contest.id}.xlsx")


def audit_filters_params(filters) -> dict[str, Any]:
    """The audit log's filters as a job keeps them (JSON: times as ISO 8601)."""
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in asdict(filters).items()}


def export_audit(job: Job, progress: Progress) -> Outcome:
    from app.audit_log.exports import audit_log_workbook
    from app.audit_log.queries import AuditFilters

    _refuse_unless(can_read_audit_log(job.owner))
    kept = job.params.get("filters", {})
    filters = AuditFilters(
        **{key: datetime.fromisoformat(value) if key in ("since", "before") and value else value for key, value in kept.items()}
    )
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    stamp = job.created_at.astimezone(zone).strftime("%Y%m%d-%H%M")
    return _workbook(job, progress, audit_log_workbook(filters, zone), f"audit-log-{stamp}.xlsx")


def _uploaded_table(job: Job, **options: Any):
    upload = jobs_folder() / job.id / job.params["upload"]
    with upload.open("rb") as stream:
        return read_table(stream, job.params["filename"], **options)


def import_teams(job: Job, progress: Progress) -> Outcome:
    from app.registration import imports
    from app.registration.answer_columns import answer_headers

    contest = db.get_or_404(Contest, job.params["contest_id"])
    _refuse_unless(can_list_teams(job.owner, contest))
    table = _uploaded_table(job, headers=answer_headers(contest))
    progress.total = len(table.rows)
    progress.write()
    created = imports.import_teams(contest, table, actor=job.owner, now=utcnow())
    progress.advance(len(table.rows))
    return Outcome(details={"created": created})


def import_colleges(job: Job, progress: Progress) -> Outcome:
    from app.colleges import services

    _refuse_unless(can_manage_colleges(job.owner))
    table = _uploaded_table(job)
    progress.total = len(table.rows)
    progress.write()
    summary = services.import_colleges(table, now=utcnow(), actor=job.owner)
    progress.advance(len(table.rows))
    return Outcome(details={"created": summary.created, "updated": summary.updated})


def import_metrics(job: Job, progress: Progress) -> Outcome:
    from app.judging import metrics

    round_ = db.get_or_404(Round, job.params["round_id"])
    _refuse_unless(can_manage_round(job.owner, round_))
    table = _uploaded_table(job, headers=metrics.metric_headers(round_))
    progress.total = len(table.rows)
    progress.write()
    imported = metrics.import_metrics(round_, table, actor=job.owner, now=utcnow())
    progress.advance(len(table.rows))
    return Outcome(details={"imported": imported, "round_id": round_.id})


def compute_results(job: Job, progress: Progress) -> Outcome:
    from app.results import services

    round_ = db.get_or_404(Round, job.params["round_id"])
    _refuse_unless(can_manage_round(job.owner, round_))
    progress.total = 1
    snapshot = services.compute_round_results(round_, confirm=bool(job.params.get("confirm")), actor=job.owner, now=utcnow())
    progress.advance()
    return Outcome(details={"round_id": round_.id, "teams": snapshot.teams, "sheets": snapshot.sheets})


def send_mail(job: Job, progress: Progress) -> Outcome:
    from app.mail import Mail, deliver

    messages = [Mail(tuple(to), subject, body) for to, subject, body in job.params["messages"]]
    progress.total = len(messages)
    progress.write()
    deliver(messages, on_sent=progress.advance)
    return Outcome(details={"sent": len(messages)})


def result_mails(job: Job, progress: Progress) -> Outcome:
    from app.announcements.sending import queue_rows, send_queued

    round_ = db.get_or_404(Round, job.params["round_id"])
    _refuse_unless(can_manage_round(job.owner, round_))
    queued = queue_rows(round_, job.params["occasion"], now=utcnow())
    tally = send_queued(round_, job.params["occasion"], progress)
    return Outcome(
        details={"round_id": round_.id, "queued": queued, "sent": tally.sent, "bounced": tally.bounced, "failed": tally.failed}
    )


def certificates_zip(job: Job, progress: Progress) -> Outcome:
    from app.certificates.archive import write_round_zip

    round_ = db.get_or_404(Round, job.params["round_id"])
    _refuse_unless(can_manage_round(job.owner, round_))
    filename = f"certificates-round-{round_.id}.zip"

    def total(count: int) -> None:
        progress.total = count
        progress.write()

    written = write_round_zip(round_, jobs_folder() / job.id / filename, on_total=total, on_file=progress.advance)
    return Outcome(path=f"{job.id}/{filename}", name=filename, details={"certificates": written})


#: Every kind of job, by the name stored in `Job.kind`.
TASKS: dict[str, Callable[[Job, Progress], Outcome]] = {
    "teams": export_teams,
    "round": export_round,
    "contest_results": export_contest_results,
    "audit": export_audit,
    "import_teams": import_teams,
    "import_colleges": import_colleges,
    "import_metrics": import_metrics,
    "compute_results": compute_results,
    "mail": send_mail,
    "certificates_zip": certificates_zip,
    "result_mails": result_mails,
}

#: The kinds whose result is a file to download.
EXPORT_KINDS = ("teams", "round", "contest_results", "audit")


def messages_param(messages) -> list[list]:
    """Mail as a job keeps it (JSON)."""
    return [[list(mail.to), mail.subject, mail.body] for mail in messages]
