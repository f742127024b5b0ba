"""Conflicts of interest that arise after assignment (app/judging/conflicts.py): the assignment is set aside,
its sheet stops counting, and the organizer sees which teams need another judge."""

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.judging.assignments import assign_judge
from app.judging.services import add_entries, add_judges, transition_round
from app.models import Assignment, AuditEvent, JudgeProfile, utcnow

FULL = {"practical": 15, "product": 15, "market": 15, "marketing": 15, "delivery": 20, "overall": 20}  # 100
HALF = {"practical": 5, "product": 5, "market": 5, "marketing": 5, "delivery": 10, "overall": 10}  # 40


@pytest.fixture
def panel(client, make_contest, make_college, make_team, make_round, make_user, token_for):
    """An open round (mean of the judges, 2 judges per team): teams a1, a2 of 浙江大学 and b1 of 北京大学, each
    judged by judges j1 and j2 (both of 复旦大学). Tokens for the judges and an organizer."""
    contest = make_contest()
    zju, pku = make_college(name="浙江大学", code="4133010335"), make_college(name="北京大学", province="北京市")
    fudan = make_college(name="复旦大学", province="上海市")
    teams = {name: make_team(contest, college) for name, college in (("a1", zju), ("a2", zju), ("b1", pku))}
    for team in teams.values():
        team.status = "approved"
    judges = [make_user("judge", contest_id=contest.id) for _ in range(3)]
    for judge in judges:
        db.session.add(JudgeProfile(user_id=judge.id, college_id=fudan.id, province="上海市"))
    round_ = make_round(contest, judges_per_team=2, aggregation={"method": "mean"})
    now = utcnow()
    add_entries(round_, all_approved=True, actor=None, now=now)
    add_judges(round_, [judge.id for judge in judges[:2]], actor=None, now=now)
    assignments = {
        (name, index): assign_judge(round_, team.id, judges[index].id, reason=None, actor=None, now=now)
        for name, team in teams.items()
        for index in (0, 1)
    }
    transition_round(round_, "open", actor=None, now=now)
    db.session.commit()
    return {
        "contest": contest,
        "round": round_,
        "teams": teams,
        "colleges": {"zju": zju, "pku": pku, "fudan": fudan},
        "judges": judges,
        "assignments": assignments,
        "tokens": [token_for(judge) for judge in judges],
        "organizer": token_for(make_user("organizer")),
    }


def save(client, panel, key, scores, submit=True, version=0):
    assignment = panel["assignments"][key]
    return client.put(
        f"/api/v1/assignments/{assignment.id}/sheet",
        headers=panel["tokens"][key[1]],
        json={"scores": scores, "submit": submit, "version": version},
    )


def declare(client, panel, judge_index, who=None, **target):
    judge = panel["judges"][judge_index]
    headers = panel["organizer"] if who == "organizer" else panel["tokens"][judge_index]
    return client.post(f"/api/v1/judges/{judge.id}/conflicts", headers=headers, json=target)


def close_and_compute(client, panel, **body):
    transition_round(panel["round"], "closed", actor=None, now=utcnow())
    db.session.commit()
    return client.post(f"/api/v1/rounds/{panel['round'].id}/results", headers=panel["organizer"], json=body)


def result_of(response, team):
    return next(item for item in response.json["items"] if item["team_id"] == team.id)


def test_a_sheet_submitted_before_a_team_conflict_is_declared_no_longer_counts(client, panel):
    a1 = panel["teams"]["a1"]
    assert save(client, panel, ("a1", 0), FULL).status_code == 200
    assert save(client, panel, ("a1", 1), HALF).status_code == 200
    declared = declare(client, panel, 0, team_id=a1.id, reason="曾指导该团队")
    assert declared.status_code == 201, declared.json
    computed = close_and_compute(client, panel, confirm=True)
    assert computed.status_code == 200, computed.json
    result = result_of(computed, a1)
    assert result["score"] == 40 and [judge["judge_id"] for judge in result["judges"]] == [panel["judges"][1].id]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assignment.set_aside")).one()
    assert event.object_id == panel["assignments"][("a1", 0)].id and event.reason == "曾指导该团队"
    assert event.before["sheet"] == "submitted" and event.after["conflict"] == "declared_team"
    assert event.actor_id == panel["judges"][0].id


def test_the_judge_can_no_longer_score_a_team_they_declared_a_conflict_with(client, panel):
    a1, b1 = panel["teams"]["a1"], panel["teams"]["b1"]
    assert save(client, panel, ("a1", 0), {"practical": 10}, submit=False).status_code == 200
    declare(client, panel, 0, team_id=a1.id)
    refused = save(client, panel, ("a1", 0), FULL, version=1)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "conflict_of_interest"
    assert refused.json["error"]["conflict"] == "declared_team" and "no longer counts" in refused.json["error"]["message"]
    assert save(client, panel, ("b1", 0), FULL).status_code == 200  # the judge's other teams are untouched
    mine = client.get(f"/api/v1/rounds/{panel['round'].id}/assignments", headers=panel["tokens"][0]).json
    assert {item["team_id"] for item in mine["items"]} == {panel["teams"]["a2"].id, b1.id}


def test_a_college_conflict_sets_aside_every_team_of_that_college_the_judge_holds(client, panel):
    zju = panel["colleges"]["zju"]
    assert declare(client, panel, 0, who="organizer", college_id=zju.id, reason="兼职").status_code == 201
    url = f"/api/v1/rounds/{panel['round'].id}/assignments"
    set_aside = client.get(url, headers=panel["organizer"], query_string={"set_aside": "true"}).json
    assert {(item["team_id"], item["set_aside_conflict"]) for item in set_aside["items"]} == {
        (panel["teams"]["a1"].id, "declared_college"),
        (panel["teams"]["a2"].id, "declared_college"),
    }
    assert all(item["set_aside_at"] for item in set_aside["items"])
    in_force = client.get(url, headers=panel["organizer"], query_string={"set_aside": "false"}).json
    assert in_force["total"] == 4 and all(item["set_aside_at"] is None for item in in_force["items"])
    for name in ("a1", "a2"):
        assert save(client, panel, (name, 0), FULL).json["error"]["conflict"] == "declared_college"


def test_the_organizer_sees_which_teams_need_another_judge_until_they_have_one(client, panel, login_as):
    a1, a2 = panel["teams"]["a1"], panel["teams"]["a2"]
    declare(client, panel, 0, college_id=panel["colleges"]["zju"].id)
    round_url = f"/api/v1/rounds/{panel['round'].id}"
    counts = client.get(round_url, headers=panel["organizer"]).json["counts"]
    assert (counts["assignments"], counts["set_aside"], counts["teams_needing_judges"]) == (4, 2, 2)
    needing = client.get(f"{round_url}/teams-needing-judges", headers=panel["organizer"]).json
    assert [(item["team_number"], item["judges"], item["set_aside"]) for item in needing["items"]] == [
        (a1.number, 1, 1),
        (a2.number, 1, 1),
    ]
    assert needing["total"] == 2
    login_as("organizer")
    for page in (f"/rounds/{panel['round'].id}", f"/rounds/{panel['round'].id}/progress"):
        listed = client.get(page).get_data(as_text=True).split("Teams that need another judge", 1)[1].split("</section>")[0]
        assert a1.number in listed and a2.number in listed and panel["teams"]["b1"].number not in listed
    # A third judge joins; automatic assignment fills the two panels, never with the judge set aside.
    add_judges(panel["round"], [panel["judges"][2].id], actor=None, now=utcnow())
    db.session.commit()
    assigned = client.post(f"{round_url}/assignments/auto", headers=panel["organizer"], json={})
    assert assigned.status_code == 200 and assigned.json["assigned"] == 2, assigned.json
    new = set(db.session.execute(select(Assignment.team_id, Assignment.judge_id).where(Assignment.manual.is_(False))))
    assert new == {(a1.id, panel["judges"][2].id), (a2.id, panel["judges"][2].id)}
    assert client.get(f"{round_url}/teams-needing-judges", headers=panel["organizer"]).json["items"] == []
    assert client.get(round_url, headers=panel["organizer"]).json["counts"]["teams_needing_judges"] == 0
    assert "Teams that need another judge" not in client.get(f"/rounds/{panel['round'].id}").get_data(as_text=True)


def test_the_sheet_and_history_pages_say_it_was_set_aside(client, panel, login_as):
    assignment = panel["assignments"][("a1", 0)]
    declare(client, panel, 0, team_id=panel["teams"]["a1"].id, reason="亲属")
    login_as(user=panel["judges"][0])
    sheet = client.get(f"/assignments/{assignment.id}/sheet").get_data(as_text=True)
    assert "data-set-aside" in sheet and "score-input" not in sheet
    assert panel["teams"]["a1"].number not in client.get("/judge").get_data(as_text=True)  # off the judge's list
    login_as("organizer")
    history = client.get(f"/assignments/{assignment.id}/history").get_data(as_text=True)
    assert (
        "the judge declared a conflict with the team" in history
        and "Assignment set aside for a conflict of interest" in history
        and "亲属" in history
    )


def test_a_draft_set_aside_is_not_awaited_by_the_results(client, panel):
    for key in (("a1", 0), ("a1", 1), ("a2", 1), ("b1", 0), ("b1", 1)):
        save(client, panel, key, HALF)
    save(client, panel, ("a2", 0), {"practical": 3}, submit=False)
    declare(client, panel, 0, team_id=panel["teams"]["a2"].id)
    computed = close_and_compute(client, panel)  # no confirm: nothing is missing
    assert computed.status_code == 200, computed.json
    assert computed.json["missing"] == 0


def test_results_computed_before_a_sheet_was_set_aside_cannot_be_published(client, panel):
    for key in panel["assignments"]:
        save(client, panel, key, HALF)
    assert close_and_compute(client, panel).status_code == 200
    declare(client, panel, 0, team_id=panel["teams"]["b1"].id)  # in a closed round: set aside at once
    publish = f"/api/v1/rounds/{panel['round'].id}/publish"
    refused = client.post(publish, headers=panel["organizer"], json={})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "results_stale"
    assert client.post(f"/api/v1/rounds/{panel['round'].id}/results", headers=panel["organizer"], json={}).status_code == 200
    assert client.post(publish, headers=panel["organizer"], json={}).status_code == 200


def test_a_published_round_is_frozen_and_held_to_the_conflicts_when_reopened(client, panel):
    for key in panel["assignments"]:
        save(client, panel, key, HALF)
    close_and_compute(client, panel)
    client.post(f"/api/v1/rounds/{panel['round'].id}/publish", headers=panel["organizer"], json={})
    declare(client, panel, 0, team_id=panel["teams"]["b1"].id)
    assignment = panel["assignments"][("b1", 0)]
    assert db.session.get(Assignment, assignment.id).set_aside_at is None
    reopened = client.post(
        f"/api/v1/rounds/{panel['round'].id}/status", headers=panel["organizer"], json={"status": "closed", "reason": "复核"}
    )
    assert reopened.status_code == 200, reopened.json
    assert db.session.get(Assignment, assignment.id).set_aside_conflict == "declared_team"


def test_a_judge_s_new_college_from_the_import_sets_aside_its_teams(client, panel):
    judge = panel["judges"][1]
    text = f"name,email,college_code\n{judge.name},{judge.email},{panel['colleges']['zju'].code}\n"
    response = client.post(
        f"/api/v1/contests/{panel['contest'].id}/judges/import",
        headers=panel["organizer"],
        data={"file": (io.BytesIO(text.encode()), "judges.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    assert save(client, panel, ("a1", 1), FULL).json["error"]["conflict"] == "own_college"
    assert save(client, panel, ("b1", 1), FULL).status_code == 200


def test_a_team_s_new_college_or_advisor_sets_aside_the_judges_it_puts_in_conflict(client, panel):
    b1, fudan = panel["teams"]["b1"], panel["colleges"]["fudan"]
    j2 = panel["judges"][1]
    moved = client.patch(f"/api/v1/teams/{b1.id}", headers=panel["organizer"], json={"college_id": fudan.id})
    assert moved.status_code == 200, moved.json
    assert save(client, panel, ("b1", 0), FULL).json["error"]["conflict"] == "own_college"  # both judges are of 复旦
    a1 = panel["teams"]["a1"]
    advisors = [{"name": j2.name, "email": j2.email, "kind": "university", "organization": "复旦大学"}]
    assert client.patch(f"/api/v1/teams/{a1.id}", headers=panel["organizer"], json={"advisors": advisors}).status_code == 200
    assert save(client, panel, ("a1", 1), FULL).json["error"]["conflict"] == "advisor"
    assert save(client, panel, ("a1", 0), FULL).status_code == 200


def test_declaring_a_conflict_again_applies_it_to_assignments_made_before_it_was_applied(client, panel):
    from app.models import Conflict

    a1 = panel["teams"]["a1"]
    db.session.add(Conflict(judge_id=panel["judges"][0].id, team_id=a1.id, reason="旧数据"))  # declared before the fix
    db.session.commit()
    assert save(client, panel, ("a1", 0), {"practical": 1}, submit=False).status_code == 200  # still in force
    assert declare(client, panel, 0, team_id=a1.id).status_code == 201
    assert save(client, panel, ("a1", 0), FULL, version=1).json["error"]["conflict"] == "declared_team"
