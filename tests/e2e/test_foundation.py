"""In a real browser: an organizer signs in and finds the dashboard, in English and in Chinese."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def sign_in(page, base_url, email="organizer@demo.laurel", password="laurel-demo"):
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("input[type=submit]")


def test_organizer_finds_the_dashboard_in_english_and_chinese(live_server, browser):
    page = browser.new_page(locale="en-US")
    sign_in(page, live_server)
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("nav.nav")).to_contain_text("Colleges")
    expect(page.locator("main")).to_contain_text("2919 colleges in 31 provinces")

    page.click("text=中文")
    expect(page.locator("h1")).to_have_text("工作台")
    expect(page.locator("nav.nav")).to_contain_text("院校")
    page.close()


def test_a_chinese_browser_gets_chinese_pages(live_server, browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    expect(page.locator("h1")).to_have_text("登录")
    sign_in(page, live_server, password="wrong-password")
    expect(page.locator(".field-error")).to_contain_text("邮箱或密码错误")
    context.close()


def test_organizer_searches_colleges_and_pages_through_them(live_server, browser):
    page = browser.new_page(locale="en-US")
    sign_in(page, live_server)
    page.click("nav.nav >> text=Colleges")
    page.fill("input[name=q]", "浙江")
    page.select_option("select[name=province]", "浙江省")
    page.click("button:has-text('Filter')")
    expect(page.locator("table.table tbody")).to_contain_text("浙江大学")
    expect(page.locator("table.table tbody")).not_to_contain_text("北京大学")
    page.goto(f"{live_server}/colleges/")
    page.click("a[rel=next]")
    expect(page.locator(".pager")).to_contain_text("Page 2 of 59")
    page.close()
