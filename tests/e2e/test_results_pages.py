"""In a real browser: the organizer's results pages look like what their text says (the judge statistics
chart has its median line, mean dot and severe/lenient colours) and lead on to the next step."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import utcnow
from app.results.services import compute_round_results
from tests.conftest import PASSWORD, served
from tests.e2e.test_foundation import sign_in
from tests.results.conftest import scored_round  # noqa: F401 (a fixture, used by name)

pytestmark = pytest.mark.e2e


@pytest.fixture
def computed(app, scored_round, make_user):  # noqa: F811
    """Five teams scored by a lenient judge (+5 from the consensus), a severe one (−5) and one on it, computed."""
    built = scored_round([[100, 90, 95], [95, 85, 90], [95, 85, 90], [90, 80, 85], [75, 65, 70]])
    compute_round_results(built["round"], confirm=False, actor=None, now=utcnow())
    db.session.commit()
    organizer = make_user("organizer")
    with served(app) as base:
        yield {**built, "base": base, "organizer": organizer}


def signed_in_page(browser, computed, locale="en-US"):
    page = browser.new_page(locale=locale)
    sign_in(page, computed["base"], email=computed["organizer"].email, password=PASSWORD)
    expect(page.locator("h1")).to_be_visible()
    return page


def style(locator, prop: str) -> str:
    return locator.evaluate("(element, prop) => getComputedStyle(element).getPropertyValue(prop)", prop)


def test_the_judge_chart_draws_median_mean_and_severity_colours(computed, browser, tmp_path):
    page = signed_in_page(browser, computed)
    page.goto(f"{computed['base']}/rounds/{computed['round'].id}/results/judges")
    lenient, severe, neutral = (page.locator(f"svg.box-chart g[data-judge='{judge.id}']") for judge in computed["judges"])
    expect(severe).to_have_class("judge severe")
    expect(lenient).to_have_class("judge lenient")

    box_fill = style(neutral.locator("rect"), "fill")
    assert box_fill not in ("rgb(0, 0, 0)", "none")  # the bug: every box was a black bar
    median = neutral.locator("line.median")
    assert style(median, "stroke") not in (box_fill, "none") and float(style(median, "stroke-width").rstrip("px")) >= 2
    mean = neutral.locator("circle")
    assert style(mean, "fill") not in (box_fill, "none") and style(mean, "stroke") != "none"
    assert mean.bounding_box()["width"] >= 5  # a dot one can see
    fills = {style(row.locator("rect"), "fill") for row in (severe, lenient, neutral)}
    assert len(fills) == 3  # red, green and neutral boxes
    assert style(severe.locator("text"), "fill") != style(lenient.locator("text"), "fill")
    expect(page.locator(".chart-legend")).to_contain_text("severe")

    page.locator("svg.box-chart").screenshot(path=str(tmp_path / "judge-statistics-chart.png"))
    assert (tmp_path / "judge-statistics-chart.png").stat().st_size > 1000
    page.close()


def test_a_closed_rounds_page_leads_to_its_results_and_to_the_next_round(computed, browser, tmp_path):
    page = signed_in_page(browser, computed)
    page.goto(f"{computed['base']}/rounds/{computed['round'].id}")
    summary = page.locator("section.round-summary")
    expect(summary).to_contain_text("5 teams ranked")
    page.screenshot(path=str(tmp_path / "closed-round.png"), full_page=True)
    summary.get_by_role("link", name="Judge statistics").click()
    expect(page.locator("h1")).to_contain_text("Judge statistics")

    page.locator("nav.tabs").get_by_role("link", name="Advancement").click()
    expect(page.locator("main")).to_contain_text("Create the next round first")
    page.get_by_role("link", name="Create the next round").click()
    expect(page.locator("h1")).to_contain_text("New round")
    expect(page.locator("select[name=level]")).to_have_value("provincial")
    expect(page.locator("input[name='criteria-0-key']")).to_have_value("overall")
    page.fill("input[name=name]", "省赛 Provincial")
    page.click("input[type=submit][value='Save round']")
    expect(page.locator(".flash-success")).to_contain_text("省赛 Provincial")
    page.screenshot(path=str(tmp_path / "next-round.png"), full_page=True)
    page.close()


def test_an_open_rounds_page_shows_progress_in_chinese_and_leads_to_it(app, scored_round, make_user, browser, tmp_path):  # noqa: F811
    built = scored_round([[80, None], [70, 60]], close=False)
    organizer = make_user("organizer")
    with served(app) as base:
        page = signed_in_page(browser, {"base": base, "organizer": organizer}, locale="zh-CN")
        page.goto(f"{base}/rounds/{built['round'].id}")
        summary = page.locator("section.round-summary")
        expect(summary).to_contain_text("共 4 份评分表，已提交 3 份")
        expect(summary).to_contain_text("2 名评委中已有 1 名提交了全部评分表")
        expect(summary.locator("h2")).to_have_text("评分进度")
        expect(summary.locator("progress")).to_have_attribute("value", "3")
        page.screenshot(path=str(tmp_path / "open-round-zh.png"), full_page=True)
        summary.get_by_role("link", name="按评委和团队查看进度").click()
        expect(page.locator("h1")).to_contain_text("评审进度")
        page.close()
