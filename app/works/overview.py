"""The organizers' view of a round's works: who has handed in what, who has not, and the reminder to those
missing. What counts as handed in is the version judged (`judged_works`), the one rule every reader asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import Entry, Round, Team, User, Work
from app.registration.services import notify_team
from app.works.queries import deadlines, judged_works

#: Teams whose works are read per query.
TEAMS_PER_BATCH = 1000


@dataclass
class TeamWorks:
    """One entry of the round: its team, the version judged of each item (None: nothing), its deadline."""

    team: Team
    code: str
    works: dict[str, Work | None]
    deadline: datetime | None
    missing: list[dict[str, Any]] = field(default_factory=list)  # the required items without a version judged


def round_works(round_: Round, *, missing_only: bool = False) -> list[TeamWorks]:
    """Every entry of the round by team number, with its works and its missing required items; with
    `missing_only`, the entries missing at least one."""
    requirements = list(round_.requirements or [])
    entries = db.session.execute(
        select(Team, Entry.code).join(Entry, Entry.team_id == Team.id).where(Entry.round_id == round_.id).order_by(Team.number)
    ).all()
    rows: list[TeamWorks] = []
    for start in range(0, len(entries), TEAMS_PER_BATCH):
        batch = entries[start : start + TEAMS_PER_BATCH]
        ids = [team.id for team, _code in batch]
        judged, due = judged_works(round_, ids), deadlines(round_, ids)
        for team, code in batch:
            works = {requirement["key"]: judged.get((team.id, requirement["key"])) for requirement in requirements}
            missing = [r for r in requirements if r.get("required") and works[r["key"]] is None]
            if missing or not missing_only:
                rows.append(TeamWorks(team, code, works, due[team.id], missing))
    return rows


def remind_missing(round_: Round, *, actor: User | None, now: datetime) -> int:
    """Mail the captain of every team of the round missing a required item: what is missing and the team's
    deadline in the contest's time zone. Sent after the commit (a long list as a mail job); audited. Returns
    the number of teams reminded."""
    contest = round_.contest
    missing = round_works(round_, missing_only=True)
    for row in missing:
        names = "、".join(requirement.get("name") or requirement["key"] for requirement in row.missing)
        when = contest.local(row.deadline).strftime("%Y-%m-%d %H:%M (UTC%z)") if row.deadline else None
        due_zh = f"截止时间：{when}。" if when else "尚未设定截止时间。"
        due_en = f"The deadline is {when}." if when else "No deadline is set yet."
        notify_team(
            row.team,
            (f"{round_.name}：请提交作品", f"{round_.name}: works missing"),
            (
                f"您的团队在“{round_.name}”中尚未提交：{names}。{due_zh}请在团队页面上传。",
                f"Your team has not yet handed in for {round_.name}: {names}. {due_en} Upload them from the team page.",
            ),
        )
    audit.record(
        actor=actor,
        action="round.remind_works",
        object_type="round",
        object_id=round_.id,
        now=now,
        after={"teams": len(missing)},
    )
    return len(missing)
