"""Institutions that are not on the list: proposeCollege, its use in registerTeam, listColleges' filters,
verifyCollege and mergeColleges."""

import pytest
from sqlalchemy import select

from app.colleges.proposals import MAX_OPEN_PROPOSALS
from app.extensions import db
from app.models import AuditEvent, College, Conflict, JudgeProfile, RoleAssignment, Team, TeamMember
from tests.conftest import team_input

OXFORD = {"name": "University of Oxford", "country": "GB", "website": "https://www.ox.ac.uk"}


@pytest.fixture
def captain(make_user, token_for):
    user = make_user("captain")
    return user, token_for(user)


@pytest.fixture
def organizer(make_user, token_for):
    user = make_user("organizer")
    return user, token_for(user)


def propose(client, headers, **overrides):
    return client.post("/api/v1/colleges/proposals", headers=headers, json={**OXFORD, **overrides})


def register(client, contest, headers, college_id, **overrides):
    return client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=team_input(college_id, **overrides))


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_proposal_is_unverified_and_usable_at_once_by_its_proposer(client, captain, make_contest):
    user, headers = captain
    response = propose(client, headers)
    assert response.status_code == 201, response.json
    assert response.json | {"verified": False, "country": "GB", "name": "University of Oxford"} == response.json
    assert response.json["code"] == f"P{response.json['id']}"
    college = db.session.get(College, response.json["id"])
    assert college.proposed_by_id == user.id and college.province_id is None and not college.verified
    assert [event.after["name"] for event in events("college.propose")] == ["University of Oxford"]

    registered = register(client, make_contest(), headers, college.id)
    assert registered.status_code == 201, registered.json
    assert db.session.get(Team, registered.json["id"]).college_id == college.id


def test_someone_elses_proposal_is_refused_at_college_id_and_not_listed(client, captain, make_user, token_for, make_contest):
    _user, headers = captain
    college_id = propose(client, headers).json["id"]
    other = token_for(make_user("captain"))

    refused = register(client, make_contest(), other, college_id)
    assert refused.status_code == 422
    assert "college_id" in refused.json["error"]["fields"]
    assert "proposed by someone else" in refused.json["error"]["message"]

    def listed(headers=None):
        return [
            item["id"]
            for item in client.get("/api/v1/colleges", headers=headers or {}, query_string={"country": "GB"}).json["items"]
        ]

    assert listed(headers) == [college_id]  # its proposer sees it
    assert listed(other) == [] and listed() == []


def test_organizers_register_with_a_proposal_and_list_the_waiting_ones(client, captain, organizer, make_college, make_contest):
    _user, headers = captain
    make_college(name="浙江大学")
    college_id = propose(client, headers).json["id"]
    _organizer, organizer_headers = organizer

    waiting = client.get("/api/v1/colleges", headers=organizer_headers, query_string={"verified": "false"}).json["items"]
    assert [(item["id"], item["verified"], item["website"]) for item in waiting] == [(college_id, False, OXFORD["website"])]
    listed = client.get("/api/v1/colleges", query_string={"verified": "true"}).json["items"]
    assert [item["name"] for item in listed] == ["浙江大学"] and listed[0]["verified"] is True
    assert register(client, make_contest(), organizer_headers, college_id).status_code == 201


def test_a_college_already_on_the_list_is_named_instead(client, captain, make_college):
    listed = make_college(name="University of Oxford", country="GB", code="GB0001")
    response = propose(client, captain[1], name="  ＵＮＩＶＥＲＳＩＴＹ   of oxford ")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "college_exists"
    assert response.json["error"]["college"] == {"id": listed.id, "code": "GB0001", "name": "University of Oxford"}
    assert "GB0001" in response.json["error"]["message"]
    # The same name in another country is another institution.
    assert propose(client, captain[1], country="US").status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"country": "UK"}, "country"),
        ({"website": "ftp://example.org"}, "website"),
        ({"website": "https://" + "a" * 200 + ".org"}, "website"),
        ({"country": "CN", "province": "Nowhere"}, "province"),
    ],
)
def test_bad_fields_are_named(client, captain, body, field):
    response = propose(client, captain[1], **body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_a_chinese_proposal_may_name_its_province(client, captain):
    response = propose(client, captain[1], name="杭州某某职业学院", country="CN", province="浙江省", website="")
    assert response.status_code == 201
    assert response.json["province"] == "浙江省"


def test_one_person_has_a_bounded_number_of_proposals_waiting(client, captain):
    for number in range(MAX_OPEN_PROPOSALS):
        assert propose(client, captain[1], name=f"Institute {number}").status_code == 201
    response = propose(client, captain[1], name="One too many")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "too_many_proposals"


def test_anonymous_visitors_cannot_propose(client):
    assert client.post("/api/v1/colleges/proposals", json=OXFORD).status_code == 401


def test_organizers_verify_with_corrections(client, captain, organizer, make_user, token_for, make_contest):
    college_id = propose(client, captain[1], name="Oxford Uni").json["id"]
    url = f"/api/v1/colleges/{college_id}/verify"
    assert client.post(url, headers=captain[1], json={}).status_code == 403

    response = client.post(url, headers=organizer[1], json={"name": "University of Oxford"})
    assert response.status_code == 200, response.json
    assert (response.json["name"], response.json["verified"]) == ("University of Oxford", True)
    (event,) = events("college.verify")
    assert (event.before["name"], event.after["name"]) == ("Oxford Uni", "University of Oxford")
    # On the list now: anyone sees it and may register with it.
    assert college_id in [item["id"] for item in client.get("/api/v1/colleges").json["items"]]
    assert register(client, make_contest(), token_for(make_user("captain")), college_id).status_code == 201
    again = client.post(url, headers=organizer[1], json={})
    assert (again.status_code, again.json["error"]["code"]) == (409, "college_verified")


def test_verifying_a_twin_of_a_listed_college_is_refused(client, captain, organizer, make_college):
    college_id = propose(client, captain[1], name="Oxford").json["id"]
    make_college(name="University of Oxford", country="GB", code="GB0001")
    response = client.post(f"/api/v1/colleges/{college_id}/verify", headers=organizer[1], json={"name": "university of oxford"})
    assert (response.status_code, response.json["error"]["code"]) == (409, "college_exists")


@pytest.fixture
def proposed_with_teams(client, captain, make_college, make_contest, make_user):
    """A proposal of a captain with two teams in two contests, a judge's profile, a conflict and a role naming it."""
    user, headers = captain
    target = make_college(name="University of Oxford", country="GB", code="GB0001")
    college_id = propose(client, headers, name="Oxford University").json["id"]
    contests = [make_contest(), make_contest()]
    teams = [register(client, contest, headers, college_id).json["id"] for contest in contests]
    judge = make_user("judge")
    db.session.add_all(
        [
            JudgeProfile(user_id=judge.id, college_id=college_id),
            Conflict(judge_id=judge.id, college_id=college_id),
            RoleAssignment(user_id=make_user("captain").id, role="captain", college_id=college_id),
        ]
    )
    db.session.commit()
    return {"college_id": college_id, "target": target, "teams": teams, "judge": judge, "contests": contests}


def test_merge_moves_every_team_member_and_scoped_row_and_is_audited(client, organizer, proposed_with_teams):
    world = proposed_with_teams
    target, college_id = world["target"], world["college_id"]
    response = client.post(f"/api/v1/colleges/{college_id}/merge", headers=organizer[1], json={"into_college_id": target.id})
    assert response.status_code == 200, response.json
    assert (response.json["college"]["id"], response.json["teams"], response.json["members"]) == (target.id, 2, 6)
    db.session.expire_all()
    assert db.session.get(College, college_id) is None
    assert {db.session.get(Team, team_id).college_id for team_id in world["teams"]} == {target.id}
    assert set(db.session.scalars(select(TeamMember.college_id).where(TeamMember.team_id.in_(world["teams"])))) == {target.id}
    assert db.session.scalar(select(JudgeProfile.college_id).where(JudgeProfile.user_id == world["judge"].id)) == target.id
    assert db.session.scalar(select(Conflict.college_id).where(Conflict.judge_id == world["judge"].id)) == target.id
    assert db.session.scalar(select(RoleAssignment.id).where(RoleAssignment.college_id == college_id)) is None
    (event,) = events("college.merge")
    assert event.before["name"] == "Oxford University"
    assert event.after == {"into": {"id": target.id, "code": "GB0001", "name": "University of Oxford"}, "teams": 2, "members": 6}
    team = client.get(f"/api/v1/teams/{world['teams'][0]}", headers=organizer[1]).json
    assert team["college_id"] == target.id


def test_merge_refusals(client, captain, organizer, proposed_with_teams, make_college):
    world = proposed_with_teams
    college_id, target = world["college_id"], world["target"]

    def merge(source_id, into, headers=organizer[1]):
        return client.post(f"/api/v1/colleges/{source_id}/merge", headers=headers, json={"into_college_id": into})

    assert merge(college_id, target.id, headers=captain[1]).status_code == 403
    itself = merge(college_id, college_id)
    assert itself.status_code == 422 and "into_college_id" in itself.json["error"]["fields"]
    missing = merge(college_id, 2_000_000)
    assert missing.status_code == 422 and "into_college_id" in missing.json["error"]["fields"]
    listed = merge(target.id, make_college().id)
    assert (listed.status_code, listed.json["error"]["code"]) == (409, "college_verified")
    other_proposal = propose(client, captain[1], name="Somewhere else").json["id"]
    assert merge(college_id, other_proposal).status_code == 422
    assert merge(college_id, target.id + 10**6).status_code == 422
    db.session.expire_all()
    assert db.session.get(College, college_id) is not None
    assert not events("college.merge")


def test_merge_refuses_to_put_a_student_twice_in_a_category(client, captain, organizer, make_college, make_contest, make_team):
    target = make_college(name="University of Oxford", country="GB", code="GB0001")
    contest = make_contest()
    make_team(contest, college=target, prefix="OX100")
    college_id = propose(client, captain[1], name="Oxford University").json["id"]
    # The same student IDs, in a team of the same category, under the proposal.
    assert register(client, contest, captain[1], college_id, prefix="OX100").status_code == 201
    response = client.post(f"/api/v1/colleges/{college_id}/merge", headers=organizer[1], json={"into_college_id": target.id})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "duplicate_student"
    assert "OX10000" in response.json["error"]["message"]
    assert [s["student_id"] for s in response.json["error"]["students"]] == ["OX10000", "OX10001", "OX10002"]
    db.session.expire_all()
    assert db.session.get(College, college_id) is not None
    assert len(db.session.scalars(select(Team).where(Team.college_id == college_id)).all()) == 1
