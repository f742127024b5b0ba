"""In a real browser: a long action says it is working, and an import's count survives its upload script."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.conftest import PASSWORD, make_test_app, served
from tests.e2e.test_foundation import sign_in
from tests.registration.test_transfer import good_team, workbook_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture
def import_server(tmp_path) -> Iterator[tuple[str, int]]:
    """An open contest, 浙江大学 and an organizer, over real HTTP with CSRF on: what a team import needs,
    whatever the demo holds."""
    app = make_test_app(f"sqlite:///{tmp_path / 'forms.db'}", str(tmp_path / "instance"), WTF_CSRF_ENABLED=True)
    with app.app_context():
        from app.auth.services import create_user
        from app.colleges.services import ensure_provinces
        from app.contests.services import create_contest, with_defaults
        from app.models import College, utcnow

        db.create_all()
        now = utcnow()
        provinces = ensure_provinces()
        db.session.add(
            College(code="4133010335", name="浙江大学", province_id=provinces["浙江省"].id, city="杭州市", level="本科")
        )
        data = {
            "name": "电子商务挑战赛",
            "year": now.year,
            "registration_opens_at": now - timedelta(days=1),
            "registration_closes_at": now + timedelta(days=30),
            "tracks": [{"code": "CB", "name": "跨境电商实战赛", "kind": "practical"}],
        }
        contest = create_contest(with_defaults(data, "Asia/Shanghai"), now=now, actor=None)
        create_user(email="organizer@example.cn", name="组委", password=PASSWORD, role="organizer", now=now)
        db.session.commit()
        contest_id = contest.id
    with served(app) as base:
        yield base, contest_id


def test_a_team_import_lands_on_the_list_saying_how_many_came_in(import_server, browser, tmp_path):
    base, contest_id = import_server
    upload = tmp_path / "teams.xlsx"
    upload.write_bytes(workbook_bytes(good_team("1") + good_team("2")))
    page = browser.new_page(locale="en-US")
    sign_in(page, base, email="organizer@example.cn", password=PASSWORD)
    page.goto(f"{base}/contests/{contest_id}/teams/import")
    page.set_input_files("input[type=file]", str(upload))
    page.click("input[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("2 teams imported.")
    expect(page).to_have_url(f"{base}/contests/{contest_id}/teams")
    expect(page.locator("table")).to_contain_text("星火队2")
    page.close()


@pytest.mark.parametrize("locale, working", [("en-US", "Working…"), ("zh-CN", "处理中…")])
def test_a_long_form_says_working_and_cannot_be_sent_twice(live_server, browser, locale, working):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(f"{live_server}/signup")
    page.fill("input[name=name]", "队长乙")
    page.fill("input[name=email]", "captain.b@example.cn")
    # Keep the page: the submission is stopped after the page's own script has seen it (the window hears
    # a submit last), so that what the person sees while the server works can be read.
    page.evaluate("window.addEventListener('submit', (event) => event.preventDefault())")
    button = page.locator("form[data-working] input[type=submit]")
    button.click()
    expect(button).to_have_value(working)
    expect(button).to_be_disabled()
    expect(page.locator("form[data-working]")).to_have_attribute("aria-busy", "true")
    context.close()
