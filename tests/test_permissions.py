"""Roles held for one contest, one college or one province: each works there and nowhere else.

The matrix: contests C and D; colleges K (浙江省) and J (江苏省). Every role below is held for contest C
(and, where the row says so, for college K or for 浙江省); each request is made once in C (or for K) and
once in D (or for J), through the API as a user would.
"""

import pytest

from app.extensions import db
from app.models import RoleAssignment
from tests.conftest import PASSWORD, team_input


@pytest.fixture
def world(make_contest, make_college, make_team, make_round):
    contest_c, contest_d = make_contest(), make_contest()
    college_k, college_j = make_college(province="浙江省"), make_college(province="江苏省")
    return {
        "C": contest_c,
        "D": contest_d,
        "K": college_k,
        "J": college_j,
        "team_C": make_team(contest_c, college_k),
        "team_D": make_team(contest_d, college_k),
        "round_C": make_round(contest_c),
        "round_D": make_round(contest_d),
    }


def _register(client, headers, contest, college):
    return client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=team_input(college.id)).status_code


@pytest.mark.parametrize(
    ("scope", "allowed", "refused"),
    [
        # A captain of contest C registers in C, of any college; not in D.
        ({}, [("C", "K"), ("C", "J")], [("D", "K")]),
        # A captain of contest C and college K registers teams of K in C only.
        ({"college": "K"}, [("C", "K")], [("C", "J"), ("D", "K")]),
        # A captain of contest C and 浙江省 registers teams of that province's colleges in C only.
        ({"province": "浙江省"}, [("C", "K")], [("C", "J"), ("D", "K")]),
    ],
)
def test_a_captain_scoped_to_a_contest_registers_there_only(client, world, make_user, token_for, scope, allowed, refused):
    """createUser {role: captain, contest_id: C, college_id: K} registered nothing before: 403 everywhere."""
    overrides = {"contest_id": world["C"].id}
    if "college" in scope:
        overrides["college_id"] = world[scope["college"]].id
    if "province" in scope:
        overrides["province"] = scope["province"]
    headers = token_for(make_user("captain", **overrides))
    for contest, college in allowed:
        assert _register(client, headers, world[contest], world[college]) == 201, (contest, college)
    for contest, college in refused:
        assert _register(client, headers, world[contest], world[college]) == 403, (contest, college)


def test_the_contest_page_and_dashboard_offer_registration_only_where_the_captain_may_register(client, world, login_as):
    login_as("captain", contest_id=world["C"].id)
    register = "Register a team"
    assert register in client.get(f"/c/{world['C'].id}").get_data(as_text=True)
    assert register not in client.get(f"/c/{world['D'].id}").get_data(as_text=True)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"/contests/{world['C'].id}/register" in dashboard
    assert f"/contests/{world['D'].id}/register" not in dashboard


def test_an_organizer_of_contest_c_runs_c_and_not_d(client, world, make_user, token_for):
    headers = token_for(make_user("organizer", contest_id=world["C"].id))
    for name, status in (("C", 200), ("D", 403)):
        assert client.get(f"/api/v1/contests/{world[name].id}/teams", headers=headers).status_code == status
        team = world[f"team_{name}"]
        review = client.post(f"/api/v1/teams/{team.id}/review", headers=headers, json={"decision": "approve"})
        assert review.status_code == status
        assert client.get(f"/api/v1/rounds/{world[f'round_{name}'].id}", headers=headers).status_code == status
    # Nor anything that spans every contest.
    assert client.post("/api/v1/contests", headers=headers, json={}).status_code == 403
    body = {"email": "new@example.edu.cn", "name": "新用户", "password": PASSWORD, "role": "judge"}
    assert client.post("/api/v1/users", headers=headers, json=body).status_code == 403


def test_a_coordinator_of_college_k_in_contest_c_sees_k_in_c_only(client, world, make_user, token_for):
    headers = token_for(make_user("coordinator", contest_id=world["C"].id, college_id=world["K"].id))
    assert client.get(f"/api/v1/contests/{world['C'].id}/teams", headers=headers).status_code == 200
    assert client.get(f"/api/v1/contests/{world['D'].id}/teams", headers=headers).status_code == 403
    assert client.get(f"/api/v1/teams/{world['team_C'].id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/teams/{world['team_D'].id}", headers=headers).status_code == 403  # K's team, but in D


def test_a_judge_of_contest_c_judges_in_c_only(client, world, make_user, token_for):
    judge = make_user("judge", contest_id=world["C"].id, college_id=world["K"].id)  # a judge's college is a conflict
    headers = token_for(make_user("organizer"))
    for name, status in (("C", 200), ("D", 422)):
        url = f"/api/v1/rounds/{world[f'round_{name}'].id}/judges"
        assert client.post(url, headers=headers, json={"user_ids": [judge.id]}).status_code == status, name


def test_an_organizer_of_a_contest_declares_conflicts_of_that_contests_judges(client, world, make_user, token_for):
    judge = make_user("judge", contest_id=world["C"].id)
    body = {"college_id": world["K"].id, "reason": "曾在该校任教"}
    own = token_for(make_user("organizer", contest_id=world["C"].id))
    other = token_for(make_user("organizer", contest_id=world["D"].id))
    assert client.post(f"/api/v1/judges/{judge.id}/conflicts", headers=other, json=body).status_code == 403
    assert client.post(f"/api/v1/judges/{judge.id}/conflicts", headers=own, json=body).status_code == 201


@pytest.mark.parametrize("scope", [{"college": True}, {"province": "浙江省"}])
def test_no_organizer_is_made_for_one_college_or_province(client, world, make_user, token_for, scope):
    """An organizer's role that named a college or a province used to organize every contest."""
    body = {"email": "o@example.edu.cn", "name": "省组委会", "password": PASSWORD, "role": "organizer"}
    if "college" in scope:
        body["college_id"] = world["K"].id
    else:
        body["province"] = scope["province"]
    response = client.post("/api/v1/users", headers=token_for(make_user("organizer")), json=body)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == ({"college_id"} if "college" in scope else {"province"})


def test_an_organizer_role_naming_a_college_organizes_nothing(client, world, make_user, token_for):
    """Such a role, made before it was refused, is not an organizer of every contest."""
    user = make_user("judge")
    db.session.add(RoleAssignment(user_id=user.id, role="organizer", college_id=world["K"].id))
    db.session.commit()
    headers = token_for(user)
    assert client.get(f"/api/v1/contests/{world['C'].id}/teams", headers=headers).status_code == 403
    assert client.get(f"/api/v1/teams/{world['team_C'].id}", headers=headers).status_code == 403


def test_a_contest_organizers_pages_link_only_where_they_lead(client, world, login_as):
    login_as("organizer", contest_id=world["C"].id)
    contests = client.get("/contests/").get_data(as_text=True)
    assert f"/contests/{world['C'].id}/edit" in contests and f"/contests/{world['D'].id}/edit" not in contests
    assert "/contests/new" not in contests
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"/contests/{world['C'].id}/registrations" in dashboard
    assert f"/contests/{world['D'].id}/registrations" not in dashboard
    assert "/audit" not in dashboard  # the audit log spans every contest
