"""When a captain can no longer change their team, the team's pages say why, once, and show no form."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.judging.services import add_entries, transition_round
from app.models import Team, utcnow
from tests.registration.test_pages import team_form


@pytest.fixture
def captains_team(client, login_as, make_contest, make_team, zju):
    contest = make_contest()
    captain = login_as("captain")
    team = make_team(contest, college=zju, owner=captain)
    return contest, team


@pytest.fixture
def zju(make_college):
    return make_college(code="4133010335", name="浙江大学")


def open_first_round(contest, team, make_round):
    round_ = make_round(contest)
    team.status = "approved"
    add_entries(round_, team_ids=[team.id], actor=None, now=utcnow())
    transition_round(round_, "open", actor=None, now=utcnow())
    db.session.commit()


def test_once_judging_has_started_the_captain_sees_editing_closed_and_no_form(client, captains_team, make_round):
    contest, team = captains_team
    assert 'name="project_title"' in client.get(f"/teams/{team.id}/edit").get_data(as_text=True)  # while open
    open_first_round(contest, team, make_round)

    page = client.get(f"/teams/{team.id}/edit").get_data(as_text=True)
    assert "Editing closed: judging has started." in page
    assert 'name="project_title"' not in page and "is open from" not in page

    response = client.post(f"/teams/{team.id}/edit", data=team_form(college="浙江大学 4133010335", name="迟到的修改"))
    assert response.status_code == 409
    assert "Editing closed: judging has started." in response.get_data(as_text=True)
    assert db.session.get(Team, team.id).name != "迟到的修改"

    shown = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "Editing closed: judging has started." in shown and f'href="/teams/{team.id}/edit"' not in shown


def test_the_api_gives_the_same_reason(client, captains_team, make_round, token_for):
    contest, team = captains_team
    open_first_round(contest, team, make_round)
    owner = db.session.get(Team, team.id).owner
    response = client.patch(f"/api/v1/teams/{team.id}", headers=token_for(owner), json={"name": "迟到的修改"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "registration_closed"
    assert response.json["error"]["message"] == "Editing closed: judging has started."


def test_after_the_window_the_page_says_registration_closed_without_contradiction(client, captains_team):
    contest, team = captains_team
    contest.registration_opens_at = utcnow() - timedelta(days=10)
    contest.registration_closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/teams/{team.id}/edit").get_data(as_text=True)
    assert "Editing closed: registration closed on" in page
    assert "is open from" not in page and "not open now" not in page and 'name="project_title"' not in page


def test_the_registration_page_of_a_closed_contest_says_so_and_shows_no_form(client, login_as, make_contest):
    contest = make_contest()
    contest.registration_opens_at = utcnow() - timedelta(days=10)
    contest.registration_closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    login_as("captain")
    page = client.get(f"/contests/{contest.id}/register").get_data(as_text=True)
    assert "Registration closed on" in page and 'name="project_title"' not in page
    assert client.post(f"/contests/{contest.id}/register", data=team_form()).status_code == 409


def test_the_reason_reads_in_chinese(client, captains_team, make_round):
    contest, team = captains_team
    open_first_round(contest, team, make_round)
    page = client.get(f"/teams/{team.id}/edit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "已停止修改：评审已经开始。" in page
