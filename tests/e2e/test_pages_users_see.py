"""In a real browser, with a round open: the judge's dashboard leads to their sheets, the sheet marks a wrong
value at once and keeps it out of the total, and a visitor reads the contest's real stage."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e


def test_the_judge_goes_from_the_dashboard_to_a_sheet_that_marks_wrong_values(judging_server, browser):
    base, assignment_ids = judging_server
    page = browser.new_page(locale="en-US")
    sign_in(page, base, email="judge@demo.laurel")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    round_line = page.locator("[data-judge-round]")
    expect(round_line).to_contain_text("校赛")
    expect(round_line).to_contain_text("2 sheets to do")
    expect(page.locator("main")).not_to_contain_text("Your assignments will appear here")
    page.click("text=Open my sheets")
    expect(page).to_have_url(f"{base}/judge")

    page.goto(f"{base}/assignments/{assignment_ids[0]}/sheet")
    expect(page.locator("[data-sheet-status]")).to_have_text("Not started")
    first, second = page.locator("input.score-input").nth(0), page.locator("input.score-input").nth(1)
    total, note = page.locator("[data-total]"), page.locator("[data-total-note]")
    second.fill("10")
    first.fill("16")  # the item's maximum is 15
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#live-error-practical")).to_have_text("Enter a score from 0 to 15.")
    expect(page.locator("#live-error-practical")).to_be_visible()
    expect(total).to_have_text("10")  # 16 is left out
    expect(note).to_be_visible()
    first.fill("12.3")  # off the step of 0.5
    expect(page.locator("#live-error-practical")).to_have_text("Scores go in steps of 0.5.")
    first.fill("１２")  # full-width digits, as a Chinese keyboard types them
    expect(first).to_have_attribute("aria-invalid", "false")
    expect(page.locator("#live-error-practical")).to_be_hidden()
    expect(total).to_have_text("22")
    expect(note).to_be_hidden()
    second.fill("abc")
    expect(page.locator("#live-error-product")).to_have_text("Enter a number with the digits 0-9, such as 12.5.")
    expect(total).to_have_text("12")

    second.fill("10")
    page.click("input[type=submit][value='Save draft']")
    expect(page.locator("[data-sheet-status]")).to_have_text("Draft")
    page.close()


def test_a_visitor_reads_that_judging_has_started(judging_server, browser):
    base, _assignment_ids = judging_server
    page = browser.new_page(locale="en-US")
    page.goto(base)
    page.locator(".card a").first.click()
    expect(page.locator("[data-contest-stage]")).to_have_text("Judging: 校赛 open")
    expect(page.locator("main")).not_to_contain_text("Registration open")
    page.close()
