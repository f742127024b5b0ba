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
