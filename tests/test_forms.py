"""What every form shows (`_macros/forms.html`): required fields marked, a summary of the problems at the
top linking to each field, and every problem of a password at once."""

import re

import pytest

from tests.conftest import PASSWORD
from tests.registration.test_pages import mailed_link


@pytest.fixture
def team_page(client, login_as, make_contest, make_college):
    make_college(code="4133010335", name="浙江大学")
    contest = make_contest()
    login_as("captain")
    return f"/contests/{contest.id}/register"


def label_of(page: str, field_id: str) -> str:
    return re.search(rf'<label for="{field_id}">(.*?)</label>', page, re.S).group(1)


def input_of(page: str, field_id: str) -> str:
    return re.search(rf'<input[^>]* id="{field_id}"[^>]*>', page).group(0)


def test_a_students_email_is_marked_required_and_the_phone_is_not(client, team_page):
    page = client.get(team_page).get_data(as_text=True)
    for field_id in ("name", "college", "members-0-name", "members-0-student_id", "members-0-email", "advisors-0-organization"):
        assert 'class="required-mark"' in label_of(page, field_id), field_id
        assert " required" in input_of(page, field_id), field_id  # what a screen reader announces
    for field_id in ("members-0-phone", "members-0-major", "advisors-0-email"):
        assert "required" not in label_of(page, field_id) + input_of(page, field_id), field_id


def test_the_sign_in_form_marks_its_fields_from_their_validators(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'class="required-mark"' in label_of(page, "email") and 'class="required-mark"' in label_of(page, "password")


def test_a_refused_form_lists_its_problems_at_the_top_with_links_to_the_fields(client, team_page):
    data = {"captain": "0", "name": "星火队", "members-0-name": "张三", "members-0-email": "not-an-email"}
    page = client.post(team_page, data=data).get_data(as_text=True)
    summary = page[page.index('class="error-summary"') : page.index("<form", page.index('class="error-summary"'))]
    assert 'href="#project_title">Project title: This is required.' in summary
    assert 'href="#members-0-student_id">Student 1 · Student ID: This is required.' in summary
    assert 'href="#members-0-email">Student 1 · Email: Enter an email address' in summary
    assert "Team name" not in summary  # filled in: nothing to fix there
    assert 'id="members-0-email"' in page  # the link leads somewhere
    assert "error-summary" not in client.get(team_page).get_data(as_text=True)  # nothing to fix yet


def test_the_summary_speaks_chinese_too(client, team_page):
    page = client.post(team_page, data={"captain": "0", "members-0-name": "张三"}, headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    assert "请修改以下各项，然后重新提交" in page and "学生 1 · " in page


def test_a_short_mismatched_sign_up_password_reports_both_problems(app, client):
    from tests.conftest import outbox

    client.post("/signup", data={"name": "队长甲", "email": "captain@example.cn"})
    link = mailed_link(outbox(app)[0])
    response = client.post(link, data={"password": "short", "confirm_password": "shorter"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use at least 8 characters." in page and "The two passwords differ." in page


def test_a_weak_mismatched_new_password_reports_both_problems(client, login_as):
    login_as("judge")
    response = client.post("/account", data={"current_password": PASSWORD, "new_password": "password", "confirm_password": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "one of the most common passwords" in page and "The two new passwords differ." in page


def test_a_wrong_current_password_and_a_weak_new_one_are_both_reported(client, login_as):
    login_as("judge")
    data = {"current_password": "not-mine", "new_password": "password", "confirm_password": "password"}
    page = client.post("/account", data=data).get_data(as_text=True)
    assert "This is not your current password." in page and "one of the most common passwords" in page
