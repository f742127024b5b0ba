"""The review after judging starts: it stands once the team's first round opens, unless an organizer
reopens it with a reason; withdrawal is then the organizers' alone."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.judging.services import add_entries, transition_round
from app.models import AuditEvent, utcnow
from tests.conftest import team_input


@pytest.fixture
def judged(client, make_contest, make_college, make_user, make_round, token_for):
    """An approved team (with a member of another college) entered in a round; the round is still a draft."""
    contest = make_contest()
    college, guest = make_college(), make_college()
    captain = make_user("captain")
    data = team_input(college.id)
    data["members"][2]["college_id"] = guest.id
    headers = {
        "captain": token_for(captain),
        "coordinator": token_for(make_user("coordinator", contest_id=contest.id, college_id=college.id)),
        "guest_coordinator": token_for(make_user("coordinator", contest_id=contest.id, college_id=guest.id)),
        "organizer": token_for(make_user("organizer")),
    }
    team = client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers["captain"], json=data).json
    url = f"/api/v1/teams/{team['id']}"
    assert client.post(f"{url}/review", headers=headers["coordinator"], json={"decision": "approve"}).status_code == 200
    round_ = make_round(contest, name="校赛")
    add_entries(round_, team_ids=[team["id"]], actor=None, now=utcnow())
    db.session.commit()
    student = data["members"][2]["student_id"]
    return {"round": round_, "team": team, "url": url, "college": college, "guest": guest, "student": student, **headers}


def start(round_, *statuses):
    for status in statuses:
        transition_round(round_, status, actor=None, now=utcnow())
    db.session.commit()


def reject(client, judged, who="coordinator"):
    return client.post(f"{judged['url']}/review", headers=judged[who], json={"decision": "reject", "reason": "材料不实"})


def test_a_draft_round_leaves_the_review_open(client, judged):
    assert reject(client, judged).status_code == 200


@pytest.mark.parametrize("statuses", [("open",), ("open", "closed")], ids=["open", "closed"])
def test_no_decision_once_the_teams_round_has_opened(client, judged, statuses):
    start(judged["round"], *statuses)
    for who in ("coordinator", "organizer"):
        response = reject(client, judged, who)
        assert response.status_code == 409, who
        assert response.json["error"]["code"] == "judging_started" and "校赛" in response.json["error"]["message"]
    assert client.get(judged["url"], headers=judged["organizer"]).json["status"] == "approved"


def test_no_decision_on_a_published_round_that_would_leave_the_team_its_prize(client, judged, make_user, token_for):
    from app.results.services import compute_round_results, publish_round

    start(judged["round"], "open", "closed")
    compute_round_results(judged["round"], confirm=True, actor=None, now=utcnow())
    publish_round(judged["round"], show_scores=True, actor=None, now=utcnow())
    db.session.commit()
    assert reject(client, judged).status_code == 409


def test_an_organizer_reopens_the_review_with_a_reason_for_one_decision(client, judged):
    start(judged["round"], "open")
    reopen = f"{judged['url']}/review/reopen"
    assert client.post(reopen, headers=judged["coordinator"], json={"reason": "申诉"}).status_code == 403
    assert client.post(reopen, headers=judged["organizer"], json={"reason": " "}).status_code == 422
    response = client.post(reopen, headers=judged["organizer"], json={"reason": "学校申诉：材料不实"})
    assert response.status_code == 200 and response.json["review_reopened_at"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "team.reopen_review")).one()
    assert event.reason == "学校申诉：材料不实"
    assert reject(client, judged).status_code == 200
    # The decision closed the review again.
    changed = client.post(f"{judged['url']}/review", headers=judged["coordinator"], json={"decision": "approve"})
    assert changed.status_code == 409 and changed.json["error"]["code"] == "judging_started"


def test_there_is_nothing_to_reopen_before_judging_starts(client, judged):
    response = client.post(f"{judged['url']}/review/reopen", headers=judged["organizer"], json={"reason": "复核"})
    assert response.status_code == 409 and response.json["error"]["code"] == "review_open"


def test_a_member_is_not_disputed_once_judging_has_started(client, judged):
    start(judged["round"], "open")
    body = {"college_id": judged["guest"].id, "student_id": judged["student"], "reason": "非本队成员"}
    response = client.post(f"{judged['url']}/disputes", headers=judged["guest_coordinator"], json=body)
    assert response.status_code == 409 and response.json["error"]["code"] == "judging_started"


def test_after_judging_starts_only_an_organizer_withdraws_the_team(client, judged):
    start(judged["round"], "open")
    withdraw = f"{judged['url']}/withdraw"
    refused = client.post(withdraw, headers=judged["captain"], json={"reason": "不参赛了"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "judging_started"
    assert client.post(withdraw, headers=judged["organizer"], json={"reason": " "}).status_code == 422
    assert client.post(withdraw, headers=judged["organizer"], json={"reason": "队长书面申请退赛"}).status_code == 200


def test_the_teams_page_says_the_review_stands_and_offers_organizers_to_reopen_it(client, judged, login_as):
    start(judged["round"], "open")
    team_page = f"/teams/{judged['team']['id']}"
    login_as("coordinator", contest_id=judged["round"].contest_id, college_id=judged["college"].id)
    page = client.get(team_page).get_data(as_text=True)
    assert "its review stands unless an organizer reopens it" in page and 'value="reject"' not in page
    assert "Reopen the review" not in page
    client.post("/logout")
    login_as("organizer")
    assert "Reopen the review" in client.get(team_page).get_data(as_text=True)
    response = client.post(f"{team_page}/review/reopen", data={"reason": "复核"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "open for one more decision" in page and 'value="reject"' in page
