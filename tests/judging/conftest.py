"""The judging pages' shared scene: a blind open round in which one judge scores two teams."""

import pytest

from app.extensions import db
from app.judging.assignments import assign_judge
from app.judging.services import add_entries, add_judges, transition_round
from app.models import utcnow
from tests.conftest import SHEET_100
from tests.results.conftest import scored_round  # noqa: F401  (the data items' tests score a round)


@pytest.fixture
def scoring(make_contest, make_college, make_team, make_round, make_user):
    contest = make_contest()
    teams = [make_team(contest, make_college(), name=f"秘密队{i}") for i in range(2)]
    for team in teams:
        team.status = "approved"
    round_ = make_round(contest, judges_per_team=1, blind=True, criteria=[{**item, "step": 0.5} for item in SHEET_100])
    judge = make_user("judge", contest_id=contest.id)
    now = utcnow()
    add_entries(round_, all_approved=True, actor=None, now=now)
    add_judges(round_, [judge.id], actor=None, now=now)
    assignments = [assign_judge(round_, team.id, judge.id, reason=None, actor=None, now=now) for team in teams]
    transition_round(round_, "open", actor=None, now=now)
    db.session.commit()
    return {"round": round_, "judge": judge, "teams": teams, "assignments": assignments}
