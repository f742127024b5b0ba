"""The team's life: edit, review, withdraw, the freeze, the audit trail, mail, and the race."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AuditEvent, Team, TeamMember, utcnow
from tests.conftest import PASSWORD, outbox, team_input


@pytest.fixture
def registered(client, make_contest, make_college, make_user, token_for):
    """A captain's team in 浙江大学, with the captain's, the coordinator's and an organizer's tokens."""
    contest = make_contest()
    college = make_college(code="4133010335", name="浙江大学")
    captain = make_user("captain")
    headers = token_for(captain)
    team_id = client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=team_input(college.id, prefix="A")).json[
        "id"
    ]
    coordinator = make_user("coordinator", contest_id=contest.id, college_id=college.id)
    return {
        "contest": contest,
        "college": college,
        "team_id": team_id,
        "captain": headers,
        "coordinator": token_for(coordinator),
        "organizer": token_for(make_user("organizer")),
    }


def team(client, registered, who="organizer"):
    return client.get(f"/api/v1/teams/{registered['team_id']}", headers=registered[who]).json


def test_captain_edits_and_the_change_is_audited(client, registered):
    url = f"/api/v1/teams/{registered['team_id']}"
    response = client.patch(url, headers=registered["captain"], json={"name": "新星队"})
    assert response.status_code == 200 and response.json["name"] == "新星队"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "team.update")).one()
    assert event.before["name"].startswith("星火队") and event.after["name"] == "新星队"
    assert event.actor_id is not None and event.at is not None


def test_editing_members_keeps_a_student_who_stays(client, registered):
    url = f"/api/v1/teams/{registered['team_id']}"
    members = team(client, registered)["members"]
    members = [{k: v for k, v in m.items() if k not in ("college", "disputed")} for m in members]
    members.append({"name": "新同学", "student_id": "NEW01", "email": "new@example.edu.cn"})
    response = client.patch(url, headers=registered["captain"], json={"members": members})
    assert response.status_code == 200, response.json
    assert [m["student_id"] for m in response.json["members"]][-1] == "NEW01"


def test_reject_needs_a_reason_and_the_captain_sees_it(client, registered):
    url = f"/api/v1/teams/{registered['team_id']}/review"
    assert client.post(url, headers=registered["coordinator"], json={"decision": "reject"}).status_code == 422
    response = client.post(url, headers=registered["coordinator"], json={"decision": "reject", "reason": "作品名称与要求不符"})
    assert response.status_code == 200
    seen = team(client, registered, "captain")
    assert seen["status"] == "rejected" and seen["review_reason"] == "作品名称与要求不符"


def test_a_captain_edit_sends_a_reviewed_team_back_for_review(client, registered):
    review = f"/api/v1/teams/{registered['team_id']}/review"
    client.post(review, headers=registered["coordinator"], json={"decision": "reject", "reason": "缺少指导老师"})
    client.patch(f"/api/v1/teams/{registered['team_id']}", headers=registered["captain"], json={"project_title": "修改后的作品"})
    assert team(client, registered)["status"] == "submitted"
    client.post(review, headers=registered["coordinator"], json={"decision": "approve"})
    client.patch(f"/api/v1/teams/{registered['team_id']}", headers=registered["organizer"], json={"project_title": "组委会修订"})
    assert team(client, registered)["status"] == "approved"  # an organizer's correction keeps the decision


def test_captain_cannot_edit_after_the_window_or_the_freeze(client, registered):
    contest = registered["contest"]
    url = f"/api/v1/teams/{registered['team_id']}"
    contest.teams_frozen_at = utcnow() - timedelta(minutes=1)  # round 1 opened
    db.session.commit()
    response = client.patch(url, headers=registered["captain"], json={"name": "迟到的修改"})
    assert response.status_code == 409 and response.json["error"]["code"] == "registration_closed"
    assert client.patch(url, headers=registered["organizer"], json={"name": "组委会修订"}).status_code == 200


def test_withdraw_is_final_and_frees_the_students(client, registered, make_user, token_for):
    url = f"/api/v1/teams/{registered['team_id']}/withdraw"
    assert client.post(url, headers=registered["captain"], json={"reason": ""}).status_code == 422
    response = client.post(url, headers=registered["captain"], json={"reason": "队员时间冲突"})
    assert response.status_code == 200 and response.json["status"] == "withdrawn"
    again = client.post(
        f"/api/v1/teams/{registered['team_id']}/review", headers=registered["coordinator"], json={"decision": "approve"}
    )
    assert again.status_code == 409
    assert (
        client.patch(f"/api/v1/teams/{registered['team_id']}", headers=registered["organizer"], json={"name": "x"}).status_code
        == 409
    )
    same_students = team_input(registered["college"].id, prefix="A")
    response = client.post(
        f"/api/v1/contests/{registered['contest'].id}/teams", headers=token_for(make_user("captain")), json=same_students
    )
    assert response.status_code == 201


def test_coordinator_of_another_college_gets_403(client, registered, make_college, make_user, token_for):
    outsider = token_for(make_user("coordinator", contest_id=registered["contest"].id, college_id=make_college().id))
    assert client.get(f"/api/v1/teams/{registered['team_id']}", headers=outsider).status_code == 403
    review = client.post(f"/api/v1/teams/{registered['team_id']}/review", headers=outsider, json={"decision": "approve"})
    assert review.status_code == 403
    listed = client.get(f"/api/v1/contests/{registered['contest'].id}/teams", headers=outsider).json
    assert listed["total"] == 0


def test_another_captain_gets_403_and_unknown_teams_404(client, registered, make_user, token_for):
    stranger = token_for(make_user("captain"))
    assert client.get(f"/api/v1/teams/{registered['team_id']}", headers=stranger).status_code == 403
    assert client.patch(f"/api/v1/teams/{registered['team_id']}", headers=stranger, json={"name": "x"}).status_code == 403
    assert client.get("/api/v1/teams/999999", headers=stranger).status_code == 404


def test_mail_goes_out_after_commit_on_submit_approve_and_reject(app, client, registered):
    assert len(outbox(app)) == 1  # submitted
    review = f"/api/v1/teams/{registered['team_id']}/review"
    client.post(review, headers=registered["coordinator"], json={"decision": "reject", "reason": "材料不全"})
    client.post(review, headers=registered["coordinator"], json={"decision": "approve"})
    messages = outbox(app)
    assert [("审核通过" in m["Subject"], "未通过" in m["Subject"]) for m in messages[1:]] == [(False, True), (True, False)]
    assert "材料不全" in messages[1].get_content()
    assert messages[0]["To"].startswith("a0@example.edu.cn")  # the captain member


def test_mail_is_not_sent_when_the_request_fails(app, client, registered):
    before = len(outbox(app))
    client.post(f"/api/v1/teams/{registered['team_id']}/review", headers=registered["coordinator"], json={"decision": "reject"})
    assert len(outbox(app)) == before


def test_a_broken_mail_server_never_fails_the_registration(app, client, make_contest, make_college, make_user, token_for):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9)  # nothing listens there
    contest, college = make_contest(), make_college()
    response = client.post(
        f"/api/v1/contests/{contest.id}/teams", headers=token_for(make_user("captain")), json=team_input(college.id)
    )
    assert response.status_code == 201
    assert db.session.get(Team, response.json["id"]) is not None


def test_the_database_refuses_a_student_in_two_active_teams(app, make_team, make_contest, make_college):
    contest, college = make_contest(), make_college()
    first = make_team(contest, college, prefix="Z")
    second = make_team(contest, college)
    member = first.members[0]
    db.session.add(
        TeamMember(
            team_id=second.id,
            contest_id=contest.id,
            category=member.category,
            college_id=member.college_id,
            student_id=member.student_id,
            name="重复",
            email="dup@example.cn",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("tracks", [["CB"], ["CB", "CX"]], ids=["one track", "two tracks of one category"])
def test_racing_registrations_with_the_same_student_one_wins(app, make_contest, make_college, make_user, tracks):
    """Eight captains submit at once, every team with the same student: exactly one is saved.

    With two practical tracks the registrations do not queue on one track's counter, so on
    PostgreSQL the database's unique index is what refuses the losers."""
    contest = make_contest(
        tracks=[
            {"code": "CB", "name": "跨境电商实战赛", "kind": "practical"},
            {"code": "CX", "name": "跨境电商实战赛（二）", "kind": "practical"},
        ]
    )
    college = make_college()
    emails = [make_user("captain").email for _ in range(8)]
    contest_id, college_id = contest.id, college.id
    barrier = threading.Barrier(len(emails))
    statuses: list[int] = []

    def register(index, email):
        client = app.test_client()
        token = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD}).json["token"]
        data = team_input(college_id, prefix=f"R{index}", track=tracks[index % len(tracks)])
        data["members"][1]["student_id"] = "SHARED001"
        barrier.wait(timeout=30)
        response = client.post(f"/api/v1/contests/{contest_id}/teams", headers={"Authorization": f"Bearer {token}"}, json=data)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=register, args=(i, email)) for i, email in enumerate(emails)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [201] + [409] * 7
    holders = db.session.scalars(select(TeamMember).where(TeamMember.student_id == "SHARED001")).all()
    assert len(holders) == 1
