"""A live Laurel server in a thread, and Debian's Chromium driven by Playwright.

The browser test is skipped only when no Chromium is installed and LAUREL_REQUIRE_BROWSER is
unset; CI sets it (after installing chromium), so there a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from app.extensions import db
from tests.conftest import make_test_app, served

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _demo_app(tmp_path):
    """A demo database over real HTTP, with CSRF on, as in production."""
    app = make_test_app(f"sqlite:///{tmp_path / 'e2e.db'}", str(tmp_path / "instance"), WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    with app.app_context():
        from app.demo import load_demo
        from app.models import utcnow

        db.create_all()
        load_demo(now=utcnow())
        db.session.commit()
    return app


@pytest.fixture
def live_server(tmp_path) -> Iterator[str]:
    app = _demo_app(tmp_path)
    with served(app) as base:
        yield base


@pytest.fixture
def judging_server(tmp_path) -> Iterator[tuple[str, list[int]]]:
    """The demo plus an open round in which the demo judge has two teams to score."""
    from sqlalchemy import select

    from app.judging.assignments import assign_judge
    from app.judging.services import add_entries, add_judges, create_round, transition_round
    from app.models import College, Contest, User, utcnow
    from app.registration.review import review_team
    from app.registration.services import register_team
    from tests.conftest import SHEET_100, team_input

    app = _demo_app(tmp_path)
    with app.app_context():
        now = utcnow()
        contest = db.session.scalars(select(Contest)).one()
        college = db.session.scalar(select(College).where(College.code == "4111010001"))  # 北京大学, not the judge's
        teams = [register_team(contest, team_input(college.id, prefix=f"E{i}"), actor=None, now=now) for i in range(2)]
        for team in teams:
            review_team(team, "approve", None, actor=None, now=now)
        round_ = create_round(
            contest,
            {"name": "校赛", "level": "school", "judges_per_team": 1, "criteria": [{**item, "step": 0.5} for item in SHEET_100]},
            actor=None,
            now=now,
        )
        judge = db.session.scalar(select(User).where(User.email == "judge@demo.laurel"))
        add_entries(round_, all_approved=True, actor=None, now=now)
        add_judges(round_, [judge.id], actor=None, now=now)
        assignment_ids = [assign_judge(round_, team.id, judge.id, reason=None, actor=None, now=now).id for team in teams]
        transition_round(round_, "open", actor=None, now=now)
        db.session.commit()
    with served(app) as base:
        yield base, assignment_ids


@pytest.fixture
def final_server(tmp_path) -> Iterator[tuple[str, int]]:
    """The demo plus a closed national final: 45 teams, each scored by the demo judge, all totals
    distinct (100, 99, …, 56), so that 8 special, 12 first and 20 second prizes fall cleanly."""
    from sqlalchemy import select

    from app.judging.assignments import assign_judge
    from app.judging.services import add_entries, add_judges, create_round, transition_round
    from app.judging.sheets import save_sheet
    from app.models import College, Contest, User, utcnow
    from app.registration.review import review_team
    from app.registration.services import register_team
    from tests.conftest import team_input

    app = _demo_app(tmp_path)
    with app.app_context():
        now = utcnow()
        contest = db.session.scalars(select(Contest)).one()
        college = db.session.scalar(select(College).where(College.code == "4111010001"))
        teams = [register_team(contest, team_input(college.id, prefix=f"F{i:02d}"), actor=None, now=now) for i in range(45)]
        for team in teams:
            review_team(team, "approve", None, actor=None, now=now)
        round_ = create_round(
            contest,
            {
                "name": "全国总决赛 National final",
                "level": "national",
                "judges_per_team": 1,
                "aggregation": {"method": "mean", "decimals": 2},
                "criteria": [{"key": "overall", "name": "总体评价", "max": 100, "step": 0.5}],
            },
            actor=None,
            now=now,
        )
        judge = db.session.scalar(select(User).where(User.email == "judge@demo.laurel"))
        add_entries(round_, team_ids=[team.id for team in teams], actor=None, now=now)
        add_judges(round_, [judge.id], actor=None, now=now)
        transition_round(round_, "open", actor=None, now=now)
        for index, team in enumerate(teams):
            assignment = assign_judge(round_, team.id, judge.id, reason=None, actor=None, now=now)
            save_sheet(assignment, {"overall": 100 - index}, comment=None, submit=True, version=0, actor=judge, now=now)
        transition_round(round_, "closed", actor=None, now=now)
        db.session.commit()
        round_id = round_.id
    with served(app) as base:
        yield base, round_id


@pytest.fixture
def browser():
    executable = chromium_path()
    if executable is None:
        if os.environ.get("LAUREL_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (LAUREL_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
