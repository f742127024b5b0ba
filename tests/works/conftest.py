"""A draft round asking for a business plan (PDF, at most 2 MB and 10 pages) and a store link, with one
captain's team in it."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.judging.services import add_entries
from app.models import CAPTAIN, utcnow

REQUIREMENTS = [
    {"key": "plan", "name": "商业计划书 Business plan", "kind": "file", "types": ["pdf"], "max_mb": 2, "max_pages": 10},
    {"key": "store", "name": "店铺链接 Store link", "kind": "link", "required": False},
]


@pytest.fixture
def handin(make_contest, make_round, make_team, make_user):
    """(round, team, captain): the team approved and entered, the deadline a day ahead."""
    contest = make_contest()
    captain = make_user(CAPTAIN)
    team = make_team(contest, owner=captain)
    team.status = "approved"
    round_ = make_round(contest, requirements=REQUIREMENTS, works_due_at=utcnow() + timedelta(days=1))
    add_entries(round_, team_ids=[team.id], actor=None, now=utcnow())
    db.session.commit()
    return round_, team, captain
