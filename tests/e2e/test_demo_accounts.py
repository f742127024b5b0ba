"""In a real browser, on the demo `make run` loads: each demo account signs in through /login and reaches a
page with its work, by the links it is shown."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.conftest import make_test_app, served
from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory) -> Iterator[str]:
    """The demo contest in mid-season, as `flask demo` loads it, over real HTTP with CSRF on."""
    from app.demo.season import load_season_demo
    from app.models import utcnow

    path = tmp_path_factory.mktemp("demo")
    app = make_test_app(f"sqlite:///{path / 'demo.db'}", str(path / "instance"), WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    with app.app_context():
        db.create_all()
        load_season_demo(now=utcnow())
    with served(app) as base:
        yield base


def test_the_organizer_finds_the_open_rounds_progress_and_the_published_results(demo_server, browser):
    page = browser.new_page(locale="en-US")
    sign_in(page, demo_server, email="organizer@demo.laurel")
    page.locator("main").get_by_role("link", name=re.compile("（演示）")).first.click()
    page.get_by_role("link", name="Rounds", exact=True).click()
    provincial = page.locator("tr", has_text="省赛 Provincial round")
    expect(provincial).to_contain_text(re.compile("open", re.IGNORECASE))
    submitted, assigned = map(int, re.search(r"(\d+) / (\d+)", provincial.inner_text()).groups())
    assert 0 < submitted < assigned  # judging under way
    expect(page.locator("tr", has_text="校赛 School round")).to_contain_text(re.compile("published", re.IGNORECASE))

    provincial.get_by_role("link", name="省赛 Provincial round").click()
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Progress")
    missing = page.locator("h2", has_text="Teams still missing sheets")
    expect(missing).to_be_visible()
    assert int(re.search(r"\((\d+)\)", missing.inner_text()).group(1)) > 0

    page.go_back()
    page.go_back()
    page.locator("tr", has_text="校赛 School round").get_by_role("link", name="校赛 School round").click()
    page.get_by_role("link", name="Results", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Results")
    expect(page.locator("main")).to_contain_text("一等奖")  # the prizes were given
    page.close()


def test_the_coordinator_finds_teams_waiting_for_review(demo_server, browser):
    page = browser.new_page(locale="en-US")
    sign_in(page, demo_server, email="coordinator@demo.laurel")
    page.locator("main a[href*='status=submitted']").click()
    waiting = page.locator("tbody tr", has=page.locator(".badge-team-submitted"))
    expect(waiting).to_have_count(3)
    for row in waiting.all():
        expect(row).to_contain_text("浙江大学")
        expect(row.locator("input[type=checkbox]")).to_be_visible()  # theirs to review
    page.close()


def test_the_judge_finds_sheets_half_done(demo_server, browser):
    page = browser.new_page(locale="en-US")
    sign_in(page, demo_server, email="judge@demo.laurel")
    page.goto(f"{demo_server}/judge")
    rows = page.locator("tbody tr[data-assignment]")
    expect(rows.first).to_contain_text("省赛 Provincial round")
    total = rows.count()
    assert 8 <= total <= 12
    expect(page.locator(".badge-sheet-draft")).to_have_count(2)
    expect(page.locator(".badge-sheet-not_started")).to_have_count(total - total // 2)
    assert page.locator(".badge-sheet-submitted").count() >= 1
    page.close()


def test_the_captain_finds_their_team_approved_with_its_school_round_result(demo_server, browser):
    page = browser.new_page(locale="en-US")
    sign_in(page, demo_server, email="captain@demo.laurel")
    page.locator("main a[href^='/teams/']").first.click()
    expect(page.locator(".page-head .badge-team-approved")).to_have_text("Approved")
    expect(page.locator("table.team-results")).to_contain_text("校赛 School round")
    page.close()
