"""In a real browser: the organizer computes the national final, gives 8 special, 12 first and 20
second prizes, publishes, and the public page shows the prize list."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e


def test_organizer_computes_awards_8_12_20_and_publishes(final_server, browser):
    base, round_id = final_server
    page = browser.new_page(locale="en-US")
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base)
    page.goto(f"{base}/rounds/{round_id}")
    page.click("text=Results")
    expect(page.locator("h1")).to_contain_text("Results")
    page.click("input[type=submit][value='Compute results']")
    expect(page.locator(".flash-success")).to_have_text("Results computed for 45 teams.")
    expect(page.locator("table.results tbody tr").first.locator("td").first).to_have_text("1")

    page.click("nav.tabs >> text=Awards")
    page.fill("input[name=count_special]", "8")
    page.fill("input[name=count_first]", "12")
    page.fill("input[name=count_second]", "20")
    page.click("input[type=submit][value='Preview']")
    expect(page.locator("text=Tied groups to settle")).to_have_count(0)
    page.click("input[type=submit][value='Confirm awards']")
    expect(page.locator(".flash-success")).to_have_text("Awards given to 40 teams.")
    expect(page.locator("table.awards tr[data-tier=special]")).to_have_count(8)
    expect(page.locator("table.awards tr[data-tier=first]")).to_have_count(12)
    expect(page.locator("table.awards tr[data-tier=second]")).to_have_count(20)

    page.click("nav.tabs >> text=Results")
    page.click("input[type=submit][value='Publish']")
    expect(page.locator(".flash-success")).to_have_text("The results are published.")

    visitor = browser.new_page(locale="en-US")
    visitor.goto(f"{base}/results/rounds/{round_id}")
    expect(visitor.locator("h2", has_text="Prize list")).to_be_visible()
    expect(visitor.locator("table.awards tr[data-tier=special]")).to_have_count(8)
    expect(visitor.locator("table.awards tr[data-tier=first]")).to_have_count(12)
    expect(visitor.locator("table.awards tr[data-tier=second] td").first).to_have_text("二等奖")
