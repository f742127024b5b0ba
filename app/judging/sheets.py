"""Score entry: a judge saves a draft, submits, and an organizer may unlock one sheet with a reason.

Every save, submit and unlock is in the audit trail with the old and the new values.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key

from app import audit
from app.errors import InvalidDataError, NotFoundError, StateConflictError
from app.extensions import db
from app.judging.conflicts import conflict_label
from app.judging.criteria import DATA
from app.judging.labels import status_label
from app.models import OPEN, PUBLISHED, SHEET_DRAFT, SHEET_SUBMITTED, Assignment, Criterion, Round, Score, ScoreSheet, User
from scoring.sheets import (
    NOT_A_NUMBER,
    OFF_STEP,
    OUT_OF_RANGE,
    Item,
    missing_items,
    parse_value,
    plain_number,
    sheet_total,
    value_problem,
)

COMMENT_MAX = 2000
ASSIGNMENTS, ROUNDS, CRITERIA = Assignment.__table__, Round.__table__, Criterion.__table__
SHEETS, SCORES = ScoreSheet.__table__, Score.__table__

# Built once: the statements of a save, with their values passed at execution.
#: All a save reads, in one query: its round's status, whether the assignment was set aside for a conflict
#: of interest, the items of the sheet (one row each, in
#: their order) with the values saved so far, and the sheet's state (no sheet before the first save).
SELECT_FOR_SAVE = (
    select(
        ROUNDS.c.status.label("round_status"),
        ASSIGNMENTS.c.set_aside_conflict,
        CRITERIA.c.id.label("criterion_id"),
        CRITERIA.c.key,
        CRITERIA.c.max,
        CRITERIA.c.weight,
        CRITERIA.c.step,
        SHEETS.c.id.label("sheet_id"),
        SHEETS.c.status.label("sheet_status"),
        SHEETS.c.version.label("sheet_version"),
        # Each item's saved value by the sheet's own unique (sheet, criterion) key. Joined instead, PostgreSQL may
        # reach the scores by their criterion, reading every sheet's score of that item in the round, when its
        # statistics still describe the tables as they were before the round's first thousand saves.
        select(SCORES.c.value)
        .where(SCORES.c.sheet_id == SHEETS.c.id, SCORES.c.criterion_id == CRITERIA.c.id)
        .scalar_subquery()
        .label("saved_value"),
    )
    .select_from(
        ASSIGNMENTS.join(ROUNDS, ROUNDS.c.id == ASSIGNMENTS.c.round_id)
        # A data item is no item of a judge's sheet (`app.judging.criteria`): its values come from an import.
        .outerjoin(CRITERIA, and_(CRITERIA.c.round_id == ROUNDS.c.id, CRITERIA.c.source != DATA))
        .outerjoin(SHEETS, SHEETS.c.assignment_id == ASSIGNMENTS.c.id)
    )
    .where(ASSIGNMENTS.c.id == bindparam("assignment"))
    .order_by(CRITERIA.c.position, CRITERIA.c.id)
)
INSERT_SHEET = SHEETS.insert().returning(SHEETS.c.id)
#: The version moves with a guarded update, so two saves racing from two tabs cannot both win.
UPDATE_SHEET = SHEETS.update().where(SHEETS.c.id == bindparam("sheet"), SHEETS.c.version == bindparam("version_read"))
#: A save writes only the items whose value differs from the saved one: it deletes the rows of the
#: changed and cleared items and inserts those of the changed and new ones. A row is replaced, never
#: updated in place, so no score loaded in the session keeps an old value. The deletion is one statement for
#: all the items; the insertion one executemany (psycopg sends its rows together), since a multi-row VALUES
#: built for each save costs more to compile than it saves.
INSERT_SCORES = SCORES.insert()
DELETE_SCORES = SCORES.delete().where(
    SCORES.c.sheet_id == bindparam("sheet"), SCORES.c.criterion_id.in_(bindparam("criteria", expanding=True))
)


def _stale_sheet() -> StateConflictError:
    return StateConflictError(
        _("This sheet was saved elsewhere since you opened it. Reload it to see the saved scores."), code="stale_sheet"
    )


def _update_sheet(sheet_id: int, version_read: int, columns: Mapping[str, Any]) -> None:
    """Write a sheet's new `columns` (its next version among them) by the guarded update, the one way a stored
    sheet changes; `stale_sheet` (409) when another save moved its version since `version_read`. A sheet the
    session holds is read again when next used."""
    if db.session.connection().execute(UPDATE_SHEET, {"sheet": sheet_id, "version_read": version_read, **columns}).rowcount != 1:
        raise _stale_sheet()
    loaded = db.session.identity_map.get(identity_key(ScoreSheet, sheet_id))
    if loaded is not None:
        db.session.expire(loaded)


def _problem_message(problem: str, item: Item) -> str:
    if problem == NOT_A_NUMBER:
        return _("Enter a number with the digits 0-9, such as 12.5.")
    if problem == OUT_OF_RANGE:
        return _("Enter a score from 0 to %(max)s.", max=plain_number(item.max))
    if problem == OFF_STEP:
        return _("Scores go in steps of %(step)s.", step=plain_number(item.step))
    return problem  # pragma: no cover - every problem has a message


def sheet_of(assignment: Assignment) -> ScoreSheet | None:
    return db.session.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == assignment.id))


def _view(
    *, status: str, scores: dict[str, Decimal], comment: str, total: Decimal | None, version: int, submitted_at: datetime | None
) -> dict[str, Any]:
    return {
        "status": status,
        "scores": scores,
        "comment": comment,
        "total": total,
        "version": version,
        "submitted_at": submitted_at,
    }


def sheet_view(assignment: Assignment) -> dict[str, Any]:
    """The sheet as the judge and the API see it; an untouched sheet is an empty draft."""
    sheet = sheet_of(assignment)
    if sheet is None:
        return _view(status=SHEET_DRAFT, scores={}, comment="", total=None, version=0, submitted_at=None)
    return _view(
        status=sheet.status,
        scores=sheet.values(),
        comment=sheet.comment,
        total=sheet.total,
        version=sheet.version,
        submitted_at=sheet.submitted_at,
    )


def save_sheet(
    assignment: Assignment,
    scores: Mapping[str, Any],
    *,
    comment: str | None,
    submit: bool,
    version: int | None,
    actor: User,
    now: datetime,
) -> dict[str, Any]:
    """Save the judge's values; with `submit`, every item must be filled and the sheet turns read-only.
    Returns the sheet as saved, as `sheet_view` shows it (without reading it back).

    `version` is the version the judge's page or client read (0 for a sheet never saved): every save
    names it, so that no save silently overwrites one it has not seen (no last write wins).

    Refused: a save without `version` (422 at version), an assignment set aside for a conflict of interest
    (409 `conflict_of_interest`), a round that is not open (409), a submitted sheet (409), a save from a
    page opened before the last save (409 stale), and any value that is not a number, outside 0..max or
    off the step (422 at scores.<key>). Nothing is saved when anything is refused. An assignment removed
    since the caller loaded it is not found (404).
    """
    if version is None:
        raise InvalidDataError(
            _("Reload the sheet: a save must name the version of the sheet it changes."),
            fields={"version": [_("Send the version of the sheet you read (0 for a new sheet).")]},
        )
    # Plain rows through the session's connection, in its transaction, not ORM objects: a save is the write a
    # contest makes most, by many judges at once, and needs none of the ORM's bookkeeping.
    connection = db.session.connection()
    rows = connection.execute(SELECT_FOR_SAVE, {"assignment": assignment.id}).all()
    if not rows:  # removed by an organizer since it was loaded
        raise NotFoundError(_("Nothing exists at this address."))
    first = rows[0]
    if first.set_aside_conflict is not None:
        raise StateConflictError(
            _(
                "This assignment was set aside for a conflict of interest that arose after it was made (%(why)s): it"
                " can no longer be scored, and its sheet no longer counts.",
                why=conflict_label(first.set_aside_conflict),
            ),
            code="conflict_of_interest",
            details={"conflict": first.set_aside_conflict},
        )
    if first.round_status != OPEN:
        raise StateConflictError(
            _("The round is %(status)s; scores can be entered only while it is open.", status=status_label(first.round_status)),
            code="round_not_open",
        )
    criteria = [row for row in rows if row.criterion_id is not None]  # the one row of a round without items has none
    items = [Item(row.key, row.max, row.weight, row.step) for row in criteria]
    by_key = {item.key: item for item in items}
    criterion_ids = {row.key: row.criterion_id for row in criteria}
    saved_values = {row.key: row.saved_value for row in criteria if row.saved_value is not None}
    sheet_id = first.sheet_id
    if first.sheet_status == SHEET_SUBMITTED:
        raise StateConflictError(
            _("This sheet is submitted and can no longer change; ask the organizer to unlock it."), code="sheet_submitted"
        )
    current_version = first.sheet_version if sheet_id is not None else 0
    if version != current_version:
        raise StateConflictError(_stale_sheet().message, code="stale_sheet", details={"version": current_version})
    fields: dict[str, list[str]] = {}
    values: dict[str, Decimal] = {}
    for key, raw in scores.items():
        if key not in by_key:
            fields[f"scores.{key}"] = [_("This sheet has no item %(key)s.", key=key)]
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue  # left blank in a draft
        value = parse_value(raw)
        problem = value_problem(by_key[key], value)
        if problem:
            fields[f"scores.{key}"] = [_problem_message(problem, by_key[key])]
        else:
            values[key] = value  # type: ignore[assignment]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        fields["comment"] = [_("At most %(n)s characters.", n=COMMENT_MAX)]
    if submit and not fields:
        for key in missing_items(items, values):
            fields[f"scores.{key}"] = [_("Fill in every item before submitting.")]
    if fields:
        raise InvalidDataError(_("Some scores cannot be saved; check the marked items."), fields=fields)

    saved = _view(
        status=SHEET_SUBMITTED if submit else SHEET_DRAFT,
        scores=values,
        comment=comment,
        total=sheet_total(items, values),
        version=current_version + 1,
        submitted_at=now if submit else None,
    )
    columns = {
        "status": saved["status"],
        "comment": comment,
        "total": saved["total"],
        "version": saved["version"],
        "updated_at": now,
        "submitted_at": saved["submitted_at"],
    }
    if sheet_id is None:
        # A first save inserts the sheet as saved; of two first saves racing, the second meets the
        # unique assignment_id: its page is stale, as when the guarded update finds a new version.
        before = None
        try:
            sheet_id = connection.execute(INSERT_SHEET, {"assignment_id": assignment.id, **columns}).scalar_one()
        except IntegrityError as error:
            raise _stale_sheet() from error
    else:
        # The scores read above are those of `current_version`: when the guarded update succeeds, no
        # other save came between, and the writes below turn them into this save's.
        _update_sheet(sheet_id, current_version, columns)
        before = {"status": first.sheet_status, "scores": {key: str(value) for key, value in saved_values.items()}}
    replaced = [criterion_ids[key] for key, value in saved_values.items() if values.get(key) != value]
    written = [
        {"sheet_id": sheet_id, "criterion_id": criterion_ids[key], "criterion_key": key, "value": value}
        for key, value in values.items()
        if saved_values.get(key) != value
    ]
    if replaced:
        connection.execute(DELETE_SCORES, {"sheet": sheet_id, "criteria": replaced})
    if written:
        connection.execute(INSERT_SCORES, written)
    after = {"status": saved["status"], "scores": {k: str(v) for k, v in values.items()}}
    audit.record(
        actor=actor,
        action="sheet.submit" if submit else "sheet.save",
        object_type="score_sheet",
        object_id=sheet_id,
        now=now,
        before=before,
        after=after,
    )
    return saved


def unlock_sheet(assignment: Assignment, reason: str | None, *, actor: User, now: datetime) -> ScoreSheet:
    """An organizer sends one submitted sheet back to draft, with a reason that is kept."""
    reason = audit.reason_text(reason, required=_("Give the reason for unlocking."))
    if assignment.round.status == PUBLISHED:
        raise StateConflictError(_("The round is published; reopen it first."), code="round_published")
    sheet = sheet_of(assignment)
    if sheet is None or sheet.status != SHEET_SUBMITTED:
        raise StateConflictError(_("Only a submitted sheet can be unlocked."), code="sheet_not_submitted")
    _update_sheet(
        sheet.id, sheet.version, {"status": SHEET_DRAFT, "submitted_at": None, "version": sheet.version + 1, "updated_at": now}
    )
    audit.record(
        actor=actor,
        action="sheet.unlock",
        object_type="score_sheet",
        object_id=sheet.id,
        now=now,
        before={"status": SHEET_SUBMITTED},
        after={"status": SHEET_DRAFT},
        reason=reason,
    )
    return sheet
