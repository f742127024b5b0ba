"""In a real browser: a judge scores two teams (a draft, then submit), and the organizer unlocks one."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e
SCORES = ["12", "13.5", "14", "10", "18", "17.5"]  # total 85


def fill_sheet(page, values):
    inputs = page.locator("input.score-input")
    inputs.first.click()
    for value in values:
        page.keyboard.type(value)
        page.keyboard.press("Enter")  # moves on, never submits


def test_judge_scores_two_teams_and_the_organizer_unlocks_one(judging_server, browser):
    base, assignment_ids = judging_server
    page = browser.new_page(locale="en-US")
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base, email="judge@demo.laurel")
    page.click("nav.nav >> text=My sheets")
    expect(page.locator("[data-progress-summary]")).to_contain_text("0 of 2 submitted")

    page.locator("[data-assignment] a").first.click()
    fill_sheet(page, SCORES[:3])
    expect(page.locator("[data-total]")).to_have_text("39.5")
    expect(page).to_have_url(f"{base}/assignments/{assignment_ids[0]}/sheet")  # Enter did not submit
    page.click("input[type=submit][value='Save draft']")
    expect(page.locator(".flash-success")).to_have_text("Draft saved.")
    expect(page.locator("input.score-input").nth(1)).to_have_value("13.5")
    for index, value in enumerate(SCORES):
        page.locator("input.score-input").nth(index).fill(value)
    expect(page.locator("[data-total]")).to_have_text("85")
    page.click("input[type=submit][value='Submit scores']")
    expect(page.locator("[data-progress-summary]")).to_contain_text("1 of 2 submitted")

    page.goto(f"{base}/assignments/{assignment_ids[1]}/sheet")
    page.locator("input.score-input").first.fill("16")  # above the maximum 15
    page.click("input[type=submit][value='Save draft']")
    expect(page.locator(".field-error").first).to_contain_text("from 0 to 15")
    for index, value in enumerate(SCORES):
        page.locator("input.score-input").nth(index).fill(value)
    page.click("input[type=submit][value='Submit scores']")
    expect(page.locator("[data-progress-summary]")).to_contain_text("2 of 2 submitted")
    page.goto(f"{base}/assignments/{assignment_ids[0]}/sheet")
    expect(page.locator("input.score-input")).to_have_count(0)  # read-only once submitted
    page.click("button:has-text('Sign out')")

    sign_in(page, base, email="organizer@demo.laurel")
    page.goto(f"{base}/assignments/{assignment_ids[0]}/history")
    expect(page.locator(".history")).to_contain_text("Scores submitted")
    page.fill("textarea[name=reason]", "评委误填营销策略分")
    page.click("input[type=submit][value='Unlock for the judge']")
    expect(page.locator(".flash-success")).to_contain_text("unlocked")
    expect(page.locator(".history")).to_contain_text("评委误填营销策略分")
    page.click("button:has-text('Sign out')")

    sign_in(page, base, email="judge@demo.laurel")
    page.click("nav.nav >> text=My sheets")
    expect(page.locator("[data-progress-summary]")).to_contain_text("1 of 2 submitted")
    page.goto(f"{base}/assignments/{assignment_ids[0]}/sheet")
    expect(page.locator("input.score-input").nth(3)).to_have_value("10")
    page.close()
