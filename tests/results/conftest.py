"""A scored round built through the services: teams, judges, assignments and submitted sheets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from app.extensions import db
from app.judging.services import add_entries, add_judges, transition_round
from app.judging.sheets import save_sheet
from app.models import Assignment, utcnow
from tests.mail_server import mail_server  # noqa: F401  (a fixture of the result mails' tests)

#: One item worth 100: a judge's total is the value given.
ONE_ITEM = [{"key": "overall", "name": "总体评价", "max": 100, "step": 0.5}]


@pytest.fixture
def scored_round(make_contest, make_team, make_round, make_user, make_college) -> Callable[..., dict[str, Any]]:
    """`build(totals)`: team i gets judge j's total `totals[i][j]`; None leaves that sheet as a draft.
    Every team has its own college unless `colleges` maps team index → college index, and
    `countries` gives each college's country (college index → ISO code). The round is closed unless
    `close=False`. A new contest speaks `language` (English unless a test reads a Chinese workbook)."""

    def build(
        totals: Sequence[Sequence[float | None]],
        *,
        close: bool = True,
        colleges: Sequence[int] | None = None,
        countries: Sequence[str] | None = None,
        criteria=None,
        values=None,
        contest=None,
        language: str = "en",
        **round_overrides: Any,
    ) -> dict[str, Any]:
        contest = contest or make_contest(language=language)
        college_pool = [make_college() for _ in range(max(colleges) + 1)] if colleges else []
        for college, country in zip(college_pool, countries or (), strict=False):
            college.country = country
        teams = []
        for index in range(len(totals)):
            team = make_team(contest, college=college_pool[colleges[index]] if colleges else None)
            team.status = "approved"
            teams.append(team)
        round_data = {
            "aggregation": {"method": "mean", "trim": 1, "decimals": 2},
            "judges_per_team": 1,
            "grouping": "none",
            "criteria": criteria or ONE_ITEM,
            **round_overrides,
        }
        round_ = make_round(contest, **round_data)
        judge_count = max(len(row) for row in totals)
        judges = [make_user("judge", contest_id=contest.id) for _ in range(judge_count)]
        now = utcnow()
        add_entries(round_, team_ids=[team.id for team in teams], actor=None, now=now)
        add_judges(round_, [judge.id for judge in judges], actor=None, now=now)
        transition_round(round_, "open", actor=None, now=now)
        for team_index, (team, row) in enumerate(zip(teams, totals, strict=True)):
            for judge, total in zip(judges, row, strict=False):
                assignment = Assignment(round_id=round_.id, team_id=team.id, judge_id=judge.id)
                db.session.add(assignment)
                db.session.flush()
                scores = values(team_index, total) if values else {"overall": total}
                if total is None:
                    save_sheet(assignment, {"overall": 50}, comment=None, submit=False, version=0, actor=judge, now=now)
                else:
                    save_sheet(assignment, scores, comment=None, submit=True, version=0, actor=judge, now=now)
        if close:
            transition_round(round_, "closed", actor=None, now=now)
        db.session.commit()
        return {"contest": contest, "round": round_, "teams": teams, "judges": judges}

    return build


@pytest.fixture
def organizer(make_user, token_for) -> dict[str, str]:
    """API headers of a new organizer of every contest."""
    return token_for(make_user("organizer"))


def by_number(items, teams) -> dict[int, dict]:
    """API result items by the index of their team in `teams` (as `scored_round` built them)."""
    numbers = {team.id: index for index, team in enumerate(teams)}
    return {numbers[item["team_id"]]: item for item in items}
