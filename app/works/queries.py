"""Which version of a team's work counts: the one rule every reader of works (the team page, the judge's
sheet, downloads, the zip, the organizers' table) asks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Round, Work, WorkExtension


def requirement_keys(round_: Round) -> list[str]:
    return [requirement["key"] for requirement in round_.requirements or []]


def deadlines(round_: Round, team_ids: Iterable[int]) -> dict[int, datetime | None]:
    """Each team's deadline in the round: its extension's when it has one, else the round's `works_due_at`
    (None: no deadline set)."""
    ids = list(team_ids)
    extended = dict(
        db.session.execute(
            select(WorkExtension.team_id, WorkExtension.until).where(
                WorkExtension.round_id == round_.id, WorkExtension.team_id.in_(ids)
            )
        ).all()
    )
    return {team_id: extended.get(team_id, round_.works_due_at) for team_id in ids}


def judged_works(round_: Round, team_ids: Iterable[int]) -> dict[tuple[int, str], Work]:
    """{(team_id, key): the version judged} for the round's requirements and the given teams.

    The version judged is the last one handed in by the team's deadline (`deadlines`). A key the round
    shares with the round before it (`previous_round_id`) reuses the team's work judged there, unless the team
    handed in a version of its own for this round. A key without any such version is absent.
    """
    ids = list(team_ids)
    keys = requirement_keys(round_)
    if not ids or not keys:
        return {}
    due = deadlines(round_, ids)
    rows = db.session.scalars(
        select(Work)
        .where(Work.round_id == round_.id, Work.team_id.in_(ids), Work.key.in_(keys))
        .order_by(Work.team_id, Work.key, Work.version)
    )
    judged: dict[tuple[int, str], Work] = {}
    for work in rows:
        deadline = due[work.team_id]
        if deadline is None or work.submitted_at <= deadline:
            judged[(work.team_id, work.key)] = work  # versions ascend: the last in time wins
    previous = db.session.get(Round, round_.previous_round_id) if round_.previous_round_id else None
    if previous is not None:
        shared = set(keys) & set(requirement_keys(previous))
        for (team_id, key), work in judged_works(previous, ids).items():
            if key in shared:
                judged.setdefault((team_id, key), work)
    return judged
