"""The values of a round's data criteria: imported from a spreadsheet keyed by team number, seen by the teams
before the round is published, and objected to by a team's captain.

An import is all-or-nothing, like every import: the whole file is checked first, and any bad row (an unknown
team number, a team not in the round, a duplicate team, a value that is not a number, an unknown column)
refuses the file with every row's problem (422 ``invalid_rows``), nothing saved. A good file replaces, for
each data item it has a column of, all of the round's values of that item: a team whose cell is empty, or
that is not in the file, has no value afterwards (0 points, flagged ``missing_data``). Importing is refused
once the round is published; an import after the results were computed makes them stale (`imported_since`).

An objection is a captain's note that one of the team's values is wrong: recorded in the audit trail
(``metrics.objection``, on the round) and listed for the organizers on the import page, until the round is
published. It changes nothing by itself: the organizer corrects the sheet and imports it again.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select

from app import audit
from app.errors import InvalidDataError, InvalidRowsError, StateConflictError, problems_message
from app.extensions import db
from app.judging.criteria import RULE_BOUND, places
from app.models import PUBLISHED, AuditEvent, Criterion, Entry, MetricValue, Round, Team, User
from app.spreadsheets import Column, Sheet, Table
from app.text import text_problem
from scoring.sheets import parse_value, plain_number

NUMBER = "number"
#: Columns a file may carry besides the team number and the data items: the team's name, for the person
#: filling the sheet (the template has it); they are not read.
INFORMATION_COLUMNS = ("team_name",)
IMPORT_ACTION, OBJECTION_ACTION = "metrics.import", "metrics.objection"
NOTE_MAX = 500


def metric_headers(round_: Round) -> dict[str, str]:
    """A header naming a column, whole and case-blind, for `app.spreadsheets.read_table`: a data item's key,
    name or English name name its column; 团队编号 the team number."""
    headers = {"团队编号": NUMBER, "team number": NUMBER, "team_number": NUMBER}
    for criterion in round_.data_criteria:
        for text in (criterion.key, criterion.name, criterion.name_en):
            if text:
                headers[text.casefold()] = criterion.key
    return headers


def template_sheets(round_: Round) -> list[Sheet]:
    """The import template: the round's teams, one row each, and a column per data item (headed by its name
    and key), with the values imported so far."""
    criteria = round_.data_criteria
    values = current_values(round_)
    rows = [
        [number, name, *(values.get((team_id, criterion.id), "") for criterion in criteria)]
        for team_id, number, name in db.session.execute(
            select(Team.id, Team.number, Team.name)
            .join(Entry, Entry.team_id == Team.id)
            .where(Entry.round_id == round_.id)
            .order_by(Team.number)
        )
    ]
    columns = [Column("团队编号 number", 14), Column("团队名称 team_name", 30)]
    columns += [
        Column(f"{criterion.name} {criterion.key}", max(14, len(criterion.name) * 2 + len(criterion.key) + 2))
        for criterion in criteria
    ]
    return [Sheet("数据 Data", columns, rows)]


def current_values(round_: Round) -> dict[tuple[int, int], Decimal]:
    """The round's imported values by (team_id, criterion_id)."""
    rows = db.session.execute(
        select(MetricValue.team_id, MetricValue.criterion_id, MetricValue.value).where(MetricValue.round_id == round_.id)
    )
    return {(team_id, criterion_id): value for team_id, criterion_id, value in rows}


def check_import_open(round_: Round) -> None:
    """Values are imported, and objected to, only until the round is published (409 ``round_published``)."""
    if round_.status == PUBLISHED:
        raise StateConflictError(
            _("The round is published; its data values can no longer change. Reopen it, with a reason, first."),
            code="round_published",
        )


def import_metrics(round_: Round, table: Table, *, actor: User | None, now: datetime) -> int:
    """Check the whole file, then replace the round's values of every data item the file has a column of
    (the rules are the module's). Returns the number of teams with at least one value in the file."""
    check_import_open(round_)
    criteria = {criterion.key: criterion for criterion in round_.data_criteria}
    if not criteria:
        raise InvalidDataError(_("This round has no data items to import values for."), code="no_data_items")
    if NUMBER not in table.columns:
        raise InvalidDataError(
            _("The file has no team number column; name it 团队编号 number."), code="missing_column", fields={"file": [NUMBER]}
        )
    problems: list[dict[str, Any]] = []
    for column in table.columns:
        if column != NUMBER and column not in criteria and column not in INFORMATION_COLUMNS:
            problems.append(
                {
                    "row": 1,
                    "column": column,
                    "message": _(
                        "Unknown column %(column)s: name a column by a data item's key or name (%(keys)s).",
                        column=column,
                        keys=", ".join(criteria),
                    ),
                }
            )
    imported_keys = [key for key in criteria if key in table.columns]
    if not imported_keys and not problems:
        raise InvalidDataError(
            _("The file has no column of a data item; name one by its key or name (%(keys)s).", keys=", ".join(criteria)),
            code="missing_column",
        )
    numbers = {row.get(NUMBER, "") for _row, row in table.rows}
    teams = dict(
        db.session.execute(
            select(Team.number, Team.id).where(Team.contest_id == round_.contest_id, Team.number.in_(numbers))
        ).all()
    )
    entered = set(db.session.scalars(select(Entry.team_id).where(Entry.round_id == round_.id)))
    seen: dict[int, int] = {}
    values: list[dict[str, Any]] = []
    for line, row in table.rows:
        number = row.get(NUMBER, "")
        team_id = teams.get(number)
        if not number:
            problems.append({"row": line, "column": NUMBER, "message": _("Give the team's number.")})
            continue
        if team_id is None:
            problems.append(
                {"row": line, "column": NUMBER, "message": _("No team of this contest has the number %(number)s.", number=number)}
            )
            continue
        if team_id not in entered:
            problems.append({"row": line, "column": NUMBER, "message": _("Team %(number)s is not in this round.", number=number)})
            continue
        if team_id in seen:
            problems.append(
                {
                    "row": line,
                    "column": NUMBER,
                    "message": _("Team %(number)s is also on row %(row)s.", number=number, row=seen[team_id]),
                }
            )
            continue
        seen[team_id] = line
        for key in imported_keys:
            text = row.get(key, "")
            if not text:
                continue  # no value: the team gets 0 points for the item, flagged missing_data
            value = parse_value(text.replace(",", "")) if text_problem(text) is None else None
            if value is None or abs(value) >= RULE_BOUND or places(value) > 4:
                problems.append(
                    {
                        "row": line,
                        "column": key,
                        "message": _("%(value)s is not a number below 10^14 with at most 4 decimals.", value=text),
                    }
                )
                continue
            values.append({"round_id": round_.id, "criterion_id": criteria[key].id, "team_id": team_id, "value": value})
    if problems:
        raise InvalidRowsError(problems_message(len(problems)), rows=problems)
    _replace_values(round_, [criteria[key] for key in imported_keys], values, actor=actor, now=now)
    return len({row["team_id"] for row in values})


def _replace_values(
    round_: Round, criteria: list[Criterion], values: list[dict[str, Any]], *, actor: User | None, now: datetime
) -> None:
    ids = [criterion.id for criterion in criteria]
    before = {
        (team_id, criterion_id): value
        for team_id, criterion_id, value in db.session.execute(
            select(MetricValue.team_id, MetricValue.criterion_id, MetricValue.value).where(MetricValue.criterion_id.in_(ids))
        )
    }
    db.session.execute(delete(MetricValue).where(MetricValue.criterion_id.in_(ids)))
    if values:
        actor_id = actor.id if actor else None
        db.session.execute(insert(MetricValue), [{**row, "imported_at": now, "imported_by_id": actor_id} for row in values])
    after = {(row["team_id"], row["criterion_id"]): row["value"] for row in values}
    keys = {criterion.id: criterion.key for criterion in criteria}
    changed = [
        [team_id, keys[criterion_id], _text(before.get((team_id, criterion_id))), _text(after.get((team_id, criterion_id)))]
        for team_id, criterion_id in sorted(before.keys() | after.keys())
        if before.get((team_id, criterion_id)) != after.get((team_id, criterion_id))
    ]
    audit.record(
        actor=actor,
        action=IMPORT_ACTION,
        object_type="round",
        object_id=round_.id,
        now=now,
        before={"values": len(before)},
        # [team_id, item key, value before, value after] for each value the import changed
        after={"items": list(keys.values()), "values": len(values), "changed": changed},
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else plain_number(value)


def imported_since(round_: Round, moment: datetime) -> bool:
    """Whether values of the round were imported after `moment` (the results' computation)."""
    return bool(
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.object_type == "round",
                AuditEvent.object_id == round_.id,
                AuditEvent.action == IMPORT_ACTION,
                AuditEvent.at > moment,
            )
        )
    )


def object_to_value(round_: Round, team: Team, key: str, note: str, *, actor: User, now: datetime) -> None:
    """Record the captain's objection to one of the team's values in the round (the module's rules): the
    item must be one of the round's data items, the team in the round, the note given (at most 500
    characters), and the round not yet published."""
    check_import_open(round_)
    criterion = next((criterion for criterion in round_.data_criteria if criterion.key == key), None)
    if criterion is None:
        raise InvalidDataError(
            _("This round has no data item %(key)s.", key=key), fields={"key": [_("Choose one of the round's data items.")]}
        )
    if db.session.scalar(select(Entry.id).where(Entry.round_id == round_.id, Entry.team_id == team.id)) is None:
        raise StateConflictError(_("Team %(number)s is not in this round.", number=team.number), code="not_in_round")
    text = " ".join((note or "").split())
    problem = text_problem(text) if text else _("Say what is wrong with the value, and what it should be.")
    if problem or len(text) > NOTE_MAX:
        raise InvalidDataError(
            problem or _("At most %(n)s characters.", n=NOTE_MAX),
            fields={"note": [problem or _("At most %(n)s characters.", n=NOTE_MAX)]},
        )
    value = db.session.scalar(
        select(MetricValue.value).where(MetricValue.criterion_id == criterion.id, MetricValue.team_id == team.id)
    )
    audit.record(
        actor=actor,
        action=OBJECTION_ACTION,
        object_type="round",
        object_id=round_.id,
        now=now,
        after={"team_id": team.id, "team_number": team.number, "key": key, "value": _text(value), "note": text},
    )


def objections(round_: Round) -> list[dict[str, Any]]:
    """The captains' objections to the round's values, newest first: when, by whom, and the recorded note."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "round", AuditEvent.object_id == round_.id, AuditEvent.action == OBJECTION_ACTION)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return [{"at": event.at, "actor": event.actor, **(event.after or {})} for event in events]


def team_values(round_: Round, team: Team) -> list[dict[str, Any]]:
    """The team's value (None without one) of each of the round's data items, with the item and its rule."""
    values = dict(
        db.session.execute(
            select(MetricValue.criterion_id, MetricValue.value).where(
                MetricValue.round_id == round_.id, MetricValue.team_id == team.id
            )
        ).all()
    )
    return [{"criterion": criterion, "value": values.get(criterion.id)} for criterion in round_.data_criteria]


def team_open_values(team: Team) -> list[dict[str, Any]]:
    """What the team sees of its data before publication: each round it is in that has data items and is not
    published, with the team's value of each item (`team_values`)."""
    rounds = db.session.scalars(
        select(Round)
        .join(Entry, Entry.round_id == Round.id)
        .where(Entry.team_id == team.id, Round.status != PUBLISHED)
        .order_by(Round.created_at)
    )
    return [{"round": round_, "items": team_values(round_, team)} for round_ in rounds if round_.data_criteria]


def value_rows(round_: Round, *, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
    """One page of the round's teams, by number, with their value of each data item (None without one)."""
    total = db.session.scalar(select(func.count(Entry.id)).where(Entry.round_id == round_.id)) or 0
    teams = db.session.execute(
        select(Team.id, Team.number, Team.name)
        .join(Entry, Entry.team_id == Team.id)
        .where(Entry.round_id == round_.id)
        .order_by(Team.number)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    values = dict(
        ((team_id, criterion_id), value)
        for team_id, criterion_id, value in db.session.execute(
            select(MetricValue.team_id, MetricValue.criterion_id, MetricValue.value).where(
                MetricValue.round_id == round_.id, MetricValue.team_id.in_([team.id for team in teams])
            )
        )
    )
    rows = [
        {"number": number, "name": name, "values": [values.get((team_id, criterion.id)) for criterion in round_.data_criteria]}
        for team_id, number, name in teams
    ]
    return rows, total
