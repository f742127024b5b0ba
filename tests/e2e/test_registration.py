"""In a real browser: a new captain signs up through the mailed link; a captain registers 4 students and an
advisor; the coordinator approves; the captain sees "approved"."""

import email
import email.policy
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e


def test_a_new_captain_signs_up_through_the_mailed_link(live_server, browser, tmp_path):
    page = browser.new_page(locale="en-US")
    page.goto(f"{live_server}/login")
    page.click("text=Create a captain account")
    page.fill("input[name=name]", "新队长 New Captain")
    page.fill("input[name=email]", "new.captain@example.edu.cn")
    page.click("input[type=submit]")
    expect(page.locator("h1")).to_have_text("Check your mail")

    [mail] = (tmp_path / "instance" / "outbox").glob("*.eml")  # the live server's instance folder
    body = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default).get_content()
    link = re.search(r"http://\S+/signup/confirm/\S+", body).group(0)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Choose your password")
    page.fill("input[name=password]", "password")
    page.fill("input[name=confirm_password]", "password")
    page.click("input[type=submit]")
    expect(page.locator(".field-error")).to_contain_text("one of the most common passwords")
    page.fill("input[name=password]", "lantern-orchard-9")
    page.fill("input[name=confirm_password]", "lantern-orchard-9")
    page.click("input[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Welcome, 新队长 New Captain")
    page.click("text=Register a team for")
    expect(page.locator("input[name=project_title]")).to_be_visible()
    page.close()


def test_register_review_and_see_approved(live_server, browser):
    page = browser.new_page(locale="en-US")
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server, email="captain@demo.laurel")
    page.click("text=Register a team for")

    page.fill("input[name=name]", "星火队")
    page.fill("input[name=project_title]", "乡村好物直播间")
    page.select_option("select[name=track]", "CB")
    page.fill("input[name=college]", "浙江")
    expect(page.locator("#college-options option").first).to_have_attribute("value", "浙江大学 4133010335")
    page.fill("input[name=college]", "浙江大学 4133010335")

    expect(page.locator("[data-repeat=member] [data-row]:visible")).to_have_count(3)
    page.click("text=+ Add a student")
    students = [("张三", "20260001"), ("李四", "20260002"), ("王五", "20260003"), ("赵六", "20260004")]
    for index, (name, student_id) in enumerate(students):
        page.fill(f"input[name=members-{index}-name]", name)
        page.fill(f"input[name=members-{index}-student_id]", student_id)
        page.fill(f"input[name=members-{index}-email]", f"s{index}@example.edu.cn")
    page.click("text=+ Add an advisor")
    page.fill("input[name=advisors-0-name]", "王老师")
    page.fill("input[name=advisors-0-organization]", "浙江大学")
    page.press("input[name=advisors-0-organization]", "Tab")
    page.click("input[type=submit][value='Submit registration']")

    expect(page.locator(".flash-success")).to_contain_text("is registered and waits for its college")
    number = page.locator("h1 .muted").inner_text()
    expect(page.locator("main")).to_contain_text("赵六")
    expect(page.locator(".badge-team-submitted")).to_be_visible()
    page.click("button:has-text('Sign out')")

    sign_in(page, live_server, email="coordinator@demo.laurel")
    page.click("[data-review-waiting]")
    page.click(f"text={number}")
    page.click("button[value=approve]")
    expect(page.locator(".flash-success")).to_contain_text("is now Approved")
    page.click("button:has-text('Sign out')")

    sign_in(page, live_server, email="captain@demo.laurel")
    page.click(f"text={number}")
    expect(page.locator(".badge-team-approved")).to_have_text("Approved")
    page.close()


def test_removing_a_row_keeps_the_others(live_server, browser):
    page = browser.new_page(locale="en-US")
    sign_in(page, live_server, email="captain@demo.laurel")
    page.click("text=Register a team for")
    page.click("text=+ Add a student")
    page.fill("input[name=members-0-name]", "张三")
    page.fill("input[name=members-3-name]", "赵六")
    page.locator("[data-repeat=member] [data-row]").nth(3).locator("[data-remove-row]").click()
    expect(page.locator("input[name=members-3-name]")).to_be_hidden()
    expect(page.locator("input[name=members-0-name]")).to_have_value("张三")
    page.close()
