"""Score entry through the API: drafts, submit, read-only, unlock, stale saves, and who may see what."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.judging.services import add_entries, add_judges, transition_round
from app.models import Assignment, AuditEvent, Score, ScoreSheet, utcnow
from tests.conftest import SHEET_100

FULL = {"practical": 12, "product": 13.5, "market": 14, "marketing": 10, "delivery": 18, "overall": 17.5}


@pytest.fixture
def judged(client, make_contest, make_team, make_round, make_user, token_for):
    """An open round with the 100-point sheet, one team, two judges each assigned to it."""
    contest = make_contest()
    team = make_team(contest)
    team.status = "approved"
    round_ = make_round(contest, criteria=[{**item, "step": 0.5} for item in SHEET_100])
    judges = [make_user("judge", contest_id=contest.id) for _ in range(2)]
    now = utcnow()
    add_entries(round_, team_ids=[team.id], actor=None, now=now)
    add_judges(round_, [j.id for j in judges], actor=None, now=now)
    transition_round(round_, "open", actor=None, now=now)
    assignments = [Assignment(round_id=round_.id, team_id=team.id, judge_id=j.id) for j in judges]
    db.session.add_all(assignments)
    db.session.commit()
    return {
        "round": round_,
        "assignments": assignments,
        "judges": [token_for(j) for j in judges],
        "organizer": token_for(make_user("organizer")),
    }


def url(assignment, suffix=""):
    return f"/api/v1/assignments/{assignment.id}/sheet{suffix}"


def test_draft_then_submit_then_read_only(client, judged):
    sheet_url, headers = url(judged["assignments"][0]), judged["judges"][0]
    assert client.get(sheet_url, headers=headers).json == {
        "status": "draft",
        "scores": {},
        "comment": "",
        "total": None,
        "version": 0,
        "submitted_at": None,
    }
    draft = client.put(sheet_url, headers=headers, json={"scores": {"practical": 12, "market": "14"}, "version": 0})
    assert draft.status_code == 200, draft.json
    assert draft.json["total"] == 26 and draft.json["status"] == "draft" and draft.json["version"] == 1
    submitted = client.put(sheet_url, headers=headers, json={"scores": FULL, "submit": True, "version": 1})
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["status"] == "submitted" and submitted.json["total"] == 85
    again = client.put(sheet_url, headers=headers, json={"scores": FULL, "version": 2})
    assert again.status_code == 409 and again.json["error"]["code"] == "sheet_submitted"


SCORE_RULES = [
    ("above the maximum", {"practical": 16}, False, "scores.practical"),
    ("below zero", {"practical": -1}, False, "scores.practical"),
    ("off the step", {"practical": 12.3}, False, "scores.practical"),
    ("not a number", {"practical": "twelve"}, False, "scores.practical"),
    ("not finite", {"practical": "NaN"}, False, "scores.practical"),
    ("an item the sheet lacks", {"charisma": 5}, False, "scores.charisma"),
    ("an item missing on submit", {k: v for k, v in FULL.items() if k != "overall"}, True, "scores.overall"),
]


@pytest.mark.parametrize("case, scores, submit, field", SCORE_RULES, ids=[rule[0] for rule in SCORE_RULES])
def test_each_score_rule_names_its_item_and_saves_nothing(client, judged, case, scores, submit, field):
    sheet_url, headers = url(judged["assignments"][0]), judged["judges"][0]
    response = client.put(sheet_url, headers=headers, json={"scores": scores, "submit": submit, "version": 0})
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert client.get(sheet_url, headers=headers).json["version"] == 0


def test_full_width_digits_count(client, judged):
    response = client.put(
        url(judged["assignments"][0]), headers=judged["judges"][0], json={"scores": {"practical": "１２.５"}, "version": 0}
    )
    assert response.status_code == 200 and response.json["scores"] == {"practical": 12.5}


def test_a_stale_save_is_refused_and_the_saved_scores_stay(client, judged):
    sheet_url, headers = url(judged["assignments"][0]), judged["judges"][0]
    client.put(sheet_url, headers=headers, json={"scores": {"practical": 12}, "version": 0})  # tab one
    stale = client.put(sheet_url, headers=headers, json={"scores": {"practical": 3}, "version": 0})  # tab two
    assert (
        stale.status_code == 409 and stale.json["error"]["code"] == "stale_sheet" and "Reload" in stale.json["error"]["message"]
    )
    assert client.get(sheet_url, headers=headers).json["scores"] == {"practical": 12.0}


def test_no_saves_unless_the_round_is_open(client, judged):
    transition_round(judged["round"], "closed", actor=None, now=utcnow())
    db.session.commit()
    response = client.put(
        url(judged["assignments"][0]), headers=judged["judges"][0], json={"scores": {"practical": 1}, "version": 0}
    )
    assert response.status_code == 409 and response.json["error"]["code"] == "round_not_open"


def test_a_judge_never_sees_another_judges_sheet(client, judged):
    other = url(judged["assignments"][1])
    assert client.get(other, headers=judged["judges"][0]).status_code == 403
    assert client.put(other, headers=judged["judges"][0], json={"scores": {}}).status_code == 403
    assert client.get("/api/v1/assignments/999999/sheet", headers=judged["judges"][0]).status_code == 404
    mine = client.get(f"/api/v1/rounds/{judged['round'].id}/assignments", headers=judged["judges"][0]).json
    assert [a["id"] for a in mine["items"]] == [judged["assignments"][0].id]
    everyone = client.get(f"/api/v1/rounds/{judged['round'].id}/assignments", headers=judged["organizer"]).json
    assert everyone["total"] == 2


def test_organizer_unlocks_with_a_reason_and_the_history_keeps_everything(client, judged):
    assignment = judged["assignments"][0]
    client.put(url(assignment), headers=judged["judges"][0], json={"scores": FULL, "submit": True, "version": 0})
    assert client.post(url(assignment, "/unlock"), headers=judged["organizer"], json={"reason": " "}).status_code == 422
    assert client.post(url(assignment, "/unlock"), headers=judged["judges"][0], json={"reason": "x"}).status_code == 403
    unlocked = client.post(url(assignment, "/unlock"), headers=judged["organizer"], json={"reason": "评委录入有误"})
    assert unlocked.status_code == 200 and unlocked.json["status"] == "draft"
    fixed = dict(FULL, practical=14)
    assert (
        client.put(url(assignment), headers=judged["judges"][0], json={"scores": fixed, "submit": True, "version": 2}).json[
            "total"
        ]
        == 87
    )
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "score_sheet").order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["sheet.submit", "sheet.unlock", "sheet.submit"]
    assert events[1].reason == "评委录入有误"
    assert events[2].before["scores"]["practical"] == "12.00" and events[2].after["scores"]["practical"] == "14"


def test_a_draft_keeps_unchanged_items_replaces_changed_ones_and_drops_cleared_ones(client, judged):
    """A save writes only what changed; what the judge sees afterwards, and the database holds, is
    exactly the new sheet: kept values, new values, and nothing of a cleared item."""
    assignment, headers = judged["assignments"][0], judged["judges"][0]
    first = client.put(
        url(assignment), headers=headers, json={"scores": {"practical": 12, "product": 13.5, "market": 14}, "version": 0}
    )
    second = client.put(
        url(assignment),
        headers=headers,
        json={"scores": {"practical": 12, "product": 10, "market": None, "delivery": 18}, "version": first.json["version"]},
    )
    assert second.status_code == 200, second.json
    assert client.get(url(assignment), headers=headers).json["scores"] == {"practical": 12.0, "product": 10.0, "delivery": 18.0}
    stored = dict(
        db.session.execute(
            select(Score.criterion_key, Score.value)
            .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
            .where(ScoreSheet.assignment_id == assignment.id)
        ).all()
    )
    assert stored == {"practical": 12, "product": 10, "delivery": 18}
    assert second.json["total"] == 40
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "score_sheet").order_by(AuditEvent.id.desc())
    ).first()
    assert event.before["scores"] == {"practical": "12.00", "product": "13.50", "market": "14.00"}
    assert event.after["scores"] == {"practical": "12", "product": "10", "delivery": "18"}


def test_a_save_without_the_version_read_is_refused_at_version(client, judged):
    """Without `version`, a save from a forgotten tab would overwrite what another tab saved since."""
    sheet_url, headers = url(judged["assignments"][0]), judged["judges"][0]
    assert client.put(sheet_url, headers=headers, json={"scores": {"practical": 12}, "version": 0}).status_code == 200
    for body in ({"scores": {"practical": 3}}, {"scores": {"practical": 3}, "version": None}):
        blind = client.put(sheet_url, headers=headers, json=body)
        assert blind.status_code == 422 and "version" in blind.json["error"]["fields"], blind.json
    assert client.get(sheet_url, headers=headers).json["scores"] == {"practical": 12.0}


def test_the_service_refuses_a_save_that_names_no_version(judged):
    from app.errors import InvalidDataError
    from app.judging.sheets import save_sheet

    assignment = judged["assignments"][0]
    with pytest.raises(InvalidDataError) as refused:
        save_sheet(assignment, {"practical": 3}, comment=None, submit=False, version=None, actor=assignment.judge, now=utcnow())
    assert "version" in refused.value.fields


def test_a_blind_round_s_judge_gets_no_team_id_number_or_name_from_the_api(client, judged):
    from app.models import Entry, Team

    round_ = judged["round"]
    round_.blind = True
    db.session.commit()
    assignment = judged["assignments"][0]
    team = db.session.get(Team, assignment.team_id)
    code = db.session.scalar(select(Entry.code).where(Entry.round_id == round_.id, Entry.team_id == team.id))
    listed = client.get(f"/api/v1/rounds/{round_.id}/assignments", headers=judged["judges"][0]).json
    assert [(item["team_id"], item["team_code"]) for item in listed["items"]] == [(None, code)]
    sheet = client.get(url(assignment), headers=judged["judges"][0]).json
    answers = str(listed) + str(sheet)
    for secret in (team.number, team.name, team.project_title, f"'team_id': {team.id}"):
        assert secret not in answers
    organizer = client.get(f"/api/v1/rounds/{round_.id}/assignments", headers=judged["organizer"]).json
    assert {(item["team_id"], item["team_code"]) for item in organizer["items"]} == {(team.id, code)}
