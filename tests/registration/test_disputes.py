"""Student squatting: a team naming another college's student blocks that student's real team. The
student's college sees every team holding its students, and disputes the membership; the disputed
student then holds no place in that team, which goes back to review."""

import email
import email.policy
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, TeamMember
from tests.conftest import team_input

STUDENT = "B2026001"


@pytest.fixture
def squat(client, make_contest, make_college, make_user, token_for):
    """College A's captain registers a team naming college B's student B2026001; B's own team comes next."""
    contest = make_contest()
    college_a, college_b = make_college(name="甲大学"), make_college(name="乙大学")
    squatter = token_for(make_user("captain"))
    data = team_input(college_a.id, prefix="A", name="占位队")
    data["members"][2].update(student_id=STUDENT, college_id=college_b.id, name="被占同学")
    squatting = client.post(f"/api/v1/contests/{contest.id}/teams", headers=squatter, json=data).json
    real = team_input(college_b.id, prefix="B", name="真正的队")
    real["members"][1].update(student_id=STUDENT, name="被占同学")
    return {
        "contest": contest,
        "A": college_a,
        "B": college_b,
        "team": squatting,
        "url": f"/api/v1/teams/{squatting['id']}",
        "squatter": squatter,
        "real": real,
        "real_captain": token_for(make_user("captain")),
        "coordinator_a": token_for(make_user("coordinator", contest_id=contest.id, college_id=college_a.id)),
        "coordinator_b": token_for(make_user("coordinator", contest_id=contest.id, college_id=college_b.id)),
    }


def register_real(client, squat):
    return client.post(f"/api/v1/contests/{squat['contest'].id}/teams", headers=squat["real_captain"], json=squat["real"])


def dispute(client, squat, who="coordinator_b", **body):
    body = {"college_id": squat["B"].id, "student_id": STUDENT, "reason": "该生已报名本校团队，未加入此队", **body}
    return client.post(f"{squat['url']}/disputes", headers=squat[who], json=body)


def test_the_blocked_team_learns_the_student_is_taken_but_not_by_which_team(client, squat):
    response = register_real(client, squat)
    assert response.status_code == 409 and response.json["error"]["code"] == "duplicate_student"
    text = str(response.json)
    assert squat["team"]["number"] not in text and "占位队" not in text
    assert "already in a team of this category" in response.json["error"]["fields"]["members.1.student_id"][0]


def test_the_students_college_sees_the_team_holding_its_student(client, squat, login_as, make_college, make_user, token_for):
    contest_id = squat["contest"].id
    listed = client.get(f"/api/v1/contests/{contest_id}/teams", headers=squat["coordinator_b"]).json["items"]
    assert [team["id"] for team in listed] == [squat["team"]["id"]]
    assert client.get(squat["url"], headers=squat["coordinator_b"]).status_code == 200
    # A coordinator of a college with no student in the team still sees nothing of it.
    stranger = token_for(make_user("coordinator", contest_id=contest_id, college_id=make_college().id))
    assert client.get(squat["url"], headers=stranger).status_code == 403
    assert client.get(f"/api/v1/contests/{contest_id}/teams", headers=stranger).json["items"] == []
    # The dashboard counts it, and the team list shows it, marked, with no box to approve it.
    login_as("coordinator", contest_id=contest_id, college_id=squat["B"].id)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "1 team of another college holds your students" in dashboard
    page = client.get(f"/contests/{contest_id}/teams?member_college_id={squat['B'].id}").get_data(as_text=True)
    assert squat["team"]["number"] in page and "holds students of your college" in page
    assert 'name="team_ids"' not in page


def test_the_students_college_disputes_and_the_real_team_registers(app, client, squat):
    client.post(f"{squat['url']}/review", headers=squat["coordinator_a"], json={"decision": "approve"})
    response = dispute(client, squat)
    assert response.status_code == 200, response.json
    team = response.json
    assert team["status"] == "submitted"  # back to review
    assert [m["disputed"] for m in team["members"]] == [False, False, True]
    assert team["disputes"][0]["reason"] == "该生已报名本校团队，未加入此队"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "team.dispute_member")).one()
    assert event.reason == "该生已报名本校团队，未加入此队" and event.before == {"status": "approved"}
    mail = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    ][-1]
    assert "异议" in mail["Subject"] and "该生已报名本校团队，未加入此队" in mail.get_content()
    # The student's ID is free: the real team registers.
    assert register_real(client, squat).status_code == 201


def test_a_team_is_not_approved_with_a_disputed_member_until_it_takes_them_out(client, squat):
    dispute(client, squat)
    assert register_real(client, squat).status_code == 201
    review = f"{squat['url']}/review"
    refused = client.post(review, headers=squat["coordinator_a"], json={"decision": "approve"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "member_disputed"
    assert STUDENT in refused.json["error"]["message"]
    # The captain's edit that keeps the student keeps the dispute (and is not refused for the student the
    # real team now holds); the edit that takes them out lets the team be approved.
    members = [
        {k: v for k, v in m.items() if k not in ("college", "disputed")}
        for m in client.get(squat["url"], headers=squat["squatter"]).json["members"]
    ]
    kept = client.patch(squat["url"], headers=squat["squatter"], json={"name": "改名队", "members": members})
    assert kept.status_code == 200, kept.json
    assert kept.json["members"][2]["disputed"] is True
    assert client.post(review, headers=squat["coordinator_a"], json={"decision": "approve"}).status_code == 409
    members[2] = {"name": "新同学", "student_id": "A9", "email": "a9@example.edu.cn"}
    assert client.patch(squat["url"], headers=squat["squatter"], json={"members": members}).status_code == 200
    assert client.post(review, headers=squat["coordinator_a"], json={"decision": "approve"}).status_code == 200


def test_only_the_students_college_or_an_organizer_disputes_it(client, squat, make_user, token_for):
    # The team's own college's coordinator sees the team, but B's student is not theirs to dispute.
    assert dispute(client, squat, "coordinator_a").status_code == 403
    assert dispute(client, squat, "squatter").status_code == 403
    squat["organizer"] = token_for(make_user("organizer"))
    assert dispute(client, squat, "organizer").status_code == 200


def test_a_dispute_needs_a_reason_and_a_member(client, squat):
    response = dispute(client, squat, reason="  ")
    assert response.status_code == 422 and "reason" in response.json["error"]["fields"]
    response = dispute(client, squat, student_id="B404")
    assert response.status_code == 422 and "student_id" in response.json["error"]["fields"]


def test_lifting_a_dispute_gives_the_student_their_place_back_unless_taken(client, squat):
    dispute(client, squat)
    lift = f"{squat['url']}/disputes/lift"
    body = {"college_id": squat["B"].id, "student_id": STUDENT}
    response = client.post(lift, headers=squat["coordinator_b"], json=body)
    assert response.status_code == 200 and response.json["disputes"] == []
    held = db.session.scalars(select(TeamMember.released).where(TeamMember.student_id == STUDENT)).one()
    assert held is False
    assert register_real(client, squat).status_code == 409  # the student's place is the first team's again
    # Disputed again, the real team registers; lifting now would put the student in two teams: refused.
    dispute(client, squat)
    assert register_real(client, squat).status_code == 201
    refused = client.post(lift, headers=squat["coordinator_b"], json=body)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "duplicate_student"


def test_the_coordinator_disputes_from_the_teams_page(client, squat, login_as):
    login_as("coordinator", contest_id=squat["contest"].id, college_id=squat["B"].id)
    page = client.get(f"/teams/{squat['team']['id']}").get_data(as_text=True)
    assert page.count("Not our student in this team") == 1  # only the member of their college
    response = client.post(
        f"/teams/{squat['team']['id']}/disputes",
        data={"college_id": squat["B"].id, "student_id": STUDENT, "reason": "查无此人"},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "they hold no place in this team now" in text and "查无此人" in text and "Lift the dispute" in text
