"""The contest's questions on the team form (without JavaScript): inputs per type, errors at the field, editing."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Team
from tests.registration.test_answers import QUESTIONS
from tests.registration.test_pages import team_form

ANSWERS = {
    "answers-q_stage": "revenue",
    "answers-q_pitch": "Rural goods, live",
    "answers-q_plan": "Line one\r\nLine two",
    "answers-q_revenue": "12500.50",
    "answers-q_founded": "2025-09-01",
    "answers-q_incorporated": "y",
    "answers-q_shop": "https://shop.example.com",
}


@pytest.fixture
def contest(make_contest, make_college):
    make_college(code="4133010335", name="浙江大学")
    return make_contest(registration_fields=QUESTIONS)


def test_the_form_asks_each_question_with_its_input(client, login_as, contest):
    login_as("captain")
    page = client.get(f"/contests/{contest.id}/register").get_data(as_text=True)
    assert '<select class="" id="answers-q_stage" name="answers-q_stage" required>' in page or (
        'id="answers-q_stage"' in page and '<option value="prototype">prototype</option>' in page
    )
    assert 'type="number"' in page and 'id="answers-q_revenue"' in page
    assert '<textarea id="answers-q_plan"' in page
    assert 'type="date"' in page and 'type="url"' in page and 'type="checkbox"' in page
    assert "Business stage <abbr" in page  # the required mark
    assert "Say it in one line." in page and "Asked in track CB only." in page


def test_a_captain_answers_the_questions(client, login_as, contest):
    login_as("captain")
    response = client.post(f"/contests/{contest.id}/register", data=team_form(**ANSWERS))
    assert response.status_code == 302, response.get_data(as_text=True)
    team = db.session.scalars(select(Team)).one()
    assert team.answers == {
        "stage": "revenue",
        "pitch": "Rural goods, live",
        "plan": "Line one\nLine two",
        "revenue": "12500.5",
        "founded": "2025-09-01",
        "incorporated": True,
        "shop": "https://shop.example.com",
    }
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "Business stage" in page and "revenue" in page and "https://shop.example.com" in page

    form = client.get(f"/teams/{team.id}/edit").get_data(as_text=True)
    assert '<option selected value="revenue">' in form and 'value="12500.5"' in form and "checked" in form
    changed = client.post(f"/teams/{team.id}/edit", data=team_form(**{**ANSWERS, "answers-q_stage": "idea"}))
    assert changed.status_code == 302
    db.session.refresh(team)
    assert team.answers["stage"] == "idea"


def test_wrong_answers_show_at_their_field_and_keep_what_was_typed(client, login_as, contest):
    login_as("captain")
    data = team_form(**{**ANSWERS, "answers-q_stage": "", "answers-q_shop": "shop.example.com", "answers-q_pitch": "x" * 201})
    response = client.post(f"/contests/{contest.id}/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#answers-q_stage">Questions · Business stage: This is required.' in page
    assert page.rindex("Enter a web address starting with http") > page.index('name="answers-q_shop"')
    assert "At most 200 characters; this has 201." in page
    assert 'value="shop.example.com"' in page and 'value="12500.50"' in page  # nothing typed is lost
    assert db.session.scalar(select(Team.id)) is None


def test_another_track_skips_the_track_question(client, login_as, contest):
    login_as("captain")
    response = client.post(f"/contests/{contest.id}/register", data=team_form(track="CG", **{**ANSWERS, "answers-q_shop": ""}))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "shop" not in db.session.scalars(select(Team)).one().answers


def test_a_contest_without_questions_shows_none(client, login_as, make_contest):
    login_as("captain")
    page = client.get(f"/contests/{make_contest().id}/register").get_data(as_text=True)
    assert "answers-" not in page


def test_the_questions_read_in_chinese(client, login_as, contest):
    login_as("captain")
    page = client.get(f"/contests/{contest.id}/register", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "<legend>报名问题</legend>" in page and "仅 CB 赛道填写。" in page
    data = team_form(**{**ANSWERS, "answers-q_founded": "2025/09/01"})
    page = client.post(f"/contests/{contest.id}/register", data=data, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "请按 YYYY-MM-DD 填写日期，如 2026-05-01。" in page
