"""Who sees which works of a round, as the API's list and the team page show them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import DRAFT, Assignment, Entry, Round, Team, User, Work
from app.permissions import can_view_round, is_organizer
from app.works.queries import deadlines, judged_works


def _codes(round_: Round, team_ids: Iterable[int]) -> dict[int, str]:
    ids = list(team_ids)
    return dict(
        db.session.execute(select(Entry.team_id, Entry.code).where(Entry.round_id == round_.id, Entry.team_id.in_(ids))).all()
    )


def work_item(work: Work, *, code: str, judged: bool, blind: bool) -> dict[str, Any]:
    """A work as listed: on a blind round a judge sees neither the team nor the file's name, only its code."""
    extension = work.filename.rpartition(".")[2] if "." in work.filename else ""
    return {
        "id": work.id,
        "key": work.key,
        "filename": (f"{code}-{work.key}" + (f".{extension}" if extension else ""))
        if blind and work.kind == "file"
        else work.filename,
        "size": work.size,
        "sha256": work.sha256,
        "version": work.version,
        "submitted_at": work.submitted_at,
        "team_id": None if blind else work.team_id,
        "team_code": code,
        "kind": work.kind,
        "url": work.url,
        "content_type": work.content_type,
        "pages": work.pages,
        "judged": judged,
    }


def list_works(round_: Round, user: User, *, team_id: int | None, page: int, per_page: int) -> dict[str, Any]:
    """A page of the round's works for `user`: organizers every version of every team; a judge of the round
    only the versions judged of the teams assigned to them (by code alone on a blind round); a team's owner
    every version of their own team."""
    if is_organizer(user, round_.contest) or not can_view_round(user, round_):
        statement = select(Work).where(Work.round_id == round_.id)
        if not is_organizer(user, round_.contest):
            owned = (
                select(Entry.team_id)
                .join(Team, Team.id == Entry.team_id)
                .where(Entry.round_id == round_.id, Team.owner_id == user.id)
            )
            statement = statement.where(Work.team_id.in_(owned))
        if team_id is not None:
            statement = statement.where(Work.team_id == team_id)
        result = db.paginate(
            statement.order_by(Work.team_id, Work.key, Work.version), page=page, per_page=per_page, error_out=False
        )
        works = list(result.items)
        judged = {work.id for work in judged_works(round_, {work.team_id for work in works}).values()}
        codes = _codes(round_, {work.team_id for work in works})
        items = [work_item(w, code=codes.get(w.team_id, ""), judged=w.id in judged, blind=False) for w in works]
        return {"items": items, "total": result.total, "page": page, "per_page": per_page}
    assigned = set(
        db.session.scalars(
            select(Assignment.team_id).where(Assignment.round_id == round_.id, Assignment.judge_id == user.id, Assignment.active)
        )
    )
    if team_id is not None:
        assigned &= {team_id}
    codes = _codes(round_, assigned)
    judged = sorted(judged_works(round_, assigned).items(), key=lambda pair: (codes.get(pair[0][0], ""), pair[0][1]))
    items = [work_item(work, code=codes.get(team, ""), judged=True, blind=round_.blind) for (team, _key), work in judged]
    first = (page - 1) * per_page
    return {"items": items[first : first + per_page], "total": len(items), "page": page, "per_page": per_page}


def team_works(team: Team, now: datetime) -> list[dict[str, Any]]:
    """For the team page: each round the team is in that asks for works, with its deadline (the team's own),
    whether hand-in is open now, and for each item the versions handed in, newest first."""
    rounds = db.session.scalars(
        select(Round).join(Entry, Entry.round_id == Round.id).where(Entry.team_id == team.id).order_by(Round.id)
    ).all()
    sections = []
    for round_ in rounds:
        if not round_.requirements:
            continue
        deadline = deadlines(round_, [team.id])[team.id]
        works = db.session.scalars(
            select(Work).where(Work.round_id == round_.id, Work.team_id == team.id).order_by(Work.key, Work.version.desc())
        ).all()
        judged = {work.id for work in judged_works(round_, [team.id]).values()}
        sections.append(
            {
                "round": round_,
                "deadline": deadline,
                "open": round_.status == DRAFT and (deadline is None or now <= deadline),
                "items": [{"requirement": r, "versions": [w for w in works if w.key == r["key"]]} for r in round_.requirements],
                "judged": judged,
            }
        )
    return sections
