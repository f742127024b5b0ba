"""A contest's own questions: configured with the contest, answered at registration (API), checked per type."""

import pytest

from app.extensions import db
from app.models import AuditEvent, Team
from tests.conftest import team_input

QUESTIONS = [
    {"key": "stage", "label": "Business stage", "type": "choice", "required": True, "choices": ["idea", "prototype", "revenue"]},
    {"key": "pitch", "label": "One-line pitch", "type": "text", "help": "Say it in one line."},
    {"key": "plan", "label": "Business plan", "type": "long_text"},
    {"key": "revenue", "label": "Revenue last year (CNY)", "type": "number"},
    {"key": "founded", "label": "Founded on", "type": "date"},
    {"key": "incorporated", "label": "Incorporated?", "type": "yes_no"},
    {"key": "shop", "label": "Cross-border shop", "type": "url", "required": True, "track": "CB"},
]
GOOD = {
    "stage": "prototype",
    "pitch": "  Rural goods,   live  ",
    "plan": "Line one\r\nLine two",
    "revenue": "１２500.50",
    "founded": "2025-09-01",
    "incorporated": False,
    "shop": "https://shop.example.com/star",
}


@pytest.fixture
def contest(make_contest):
    return make_contest(registration_fields=QUESTIONS)


@pytest.fixture
def organizer(make_user, token_for):
    return token_for(make_user("organizer"))


def register(client, headers, contest, college, **overrides):
    return client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=team_input(college.id, **overrides))


def test_get_contest_shows_the_questions(client, contest):
    questions = client.get(f"/api/v1/contests/{contest.id}").json["registration_fields"]
    assert [q["key"] for q in questions] == [q["key"] for q in QUESTIONS]
    assert questions[0] == {
        "key": "stage",
        "label": "Business stage",
        "type": "choice",
        "required": True,
        "choices": ["idea", "prototype", "revenue"],
        "help": "",
        "track": None,
    }
    assert questions[-1]["track"] == "CB"
    assert questions[1]["help"] == "Say it in one line."


def test_answers_are_stored_normalized_and_shown(client, contest, make_college, organizer):
    response = register(client, organizer, contest, make_college(), answers=GOOD)
    assert response.status_code == 201, response.json
    team = client.get(f"/api/v1/teams/{response.json['id']}", headers=organizer).json
    assert team["answers"] == {
        "stage": "prototype",
        "pitch": "Rural goods, live",
        "plan": "Line one\nLine two",
        "revenue": "12500.5",
        "founded": "2025-09-01",
        "incorporated": False,
        "shop": "https://shop.example.com/star",
    }
    items = client.get(f"/api/v1/contests/{contest.id}/teams", headers=organizer).json["items"]
    assert items[0]["answers"]["stage"] == "prototype"


@pytest.mark.parametrize(
    "answers, key",
    [
        ({"stage": None}, "stage"),
        ({"stage": "  "}, "stage"),
        ({"stage": "growth"}, "stage"),
        ({"pitch": "x" * 201}, "pitch"),
        ({"pitch": 12}, "pitch"),
        ({"plan": "x" * 2001}, "plan"),
        ({"plan": "\u200b\u200b"}, "plan"),
        ({"revenue": "12,5"}, "revenue"),
        ({"revenue": "1e3"}, "revenue"),
        ({"revenue": True}, "revenue"),
        ({"revenue": [1]}, "revenue"),
        ({"revenue": "1" * 31}, "revenue"),
        ({"founded": "2025-02-30"}, "founded"),
        ({"founded": "01/09/2025"}, "founded"),
        ({"incorporated": "maybe"}, "incorporated"),
        ({"incorporated": 1}, "incorporated"),
        ({"shop": "ftp://shop.example.com"}, "shop"),
        ({"shop": "shop.example.com"}, "shop"),
        ({"shop": "https://example.com/" + "x" * 500}, "shop"),
        ({"shop": None}, "shop"),
    ],
)
def test_each_bad_answer_is_refused_at_its_key(client, contest, make_college, organizer, answers, key):
    response = register(client, organizer, contest, make_college(), answers={**GOOD, **answers})
    assert response.status_code == 422, response.json
    assert list(response.json["error"]["fields"]) == [f"answers.{key}"]
    assert db.session.query(Team).count() == 0


def test_unknown_keys_are_refused_by_name(client, contest, make_college, organizer):
    response = register(client, organizer, contest, make_college(), answers={**GOOD, "colour": "red", "size": "L"})
    assert response.status_code == 422
    (message,) = response.json["error"]["fields"]["answers"]
    assert "colour, size" in message and "stage" in message


def test_a_track_question_is_asked_in_its_track_only(client, contest, make_college, organizer):
    without_shop = {key: value for key, value in GOOD.items() if key != "shop"}
    refused = register(client, organizer, contest, make_college(), track="CB", answers=without_shop)
    assert refused.json["error"]["fields"] == {"answers.shop": ["This is required."]}
    response = register(client, organizer, contest, make_college(), track="CG", answers=GOOD)
    assert response.status_code == 201, response.json
    team = client.get(f"/api/v1/teams/{response.json['id']}", headers=organizer).json
    assert "shop" not in team["answers"] and team["answers"]["stage"] == "prototype"


def test_optional_questions_may_be_left_out(client, contest, make_college, organizer):
    response = register(client, organizer, contest, make_college(), track="CG", answers={"stage": "idea"})
    assert response.status_code == 201, response.json
    assert client.get(f"/api/v1/teams/{response.json['id']}", headers=organizer).json["answers"] == {"stage": "idea"}


def test_update_team_replaces_the_answers_and_audits_them(client, contest, make_college, organizer):
    created = register(client, organizer, contest, make_college(), answers=GOOD).json
    response = client.patch(
        f"/api/v1/teams/{created['id']}", headers=organizer, json={"answers": {**GOOD, "stage": "revenue", "pitch": ""}}
    )
    assert response.status_code == 200, response.json
    assert response.json["answers"]["stage"] == "revenue" and "pitch" not in response.json["answers"]
    event = db.session.query(AuditEvent).filter_by(action="team.update").one()
    assert event.before["answers"]["stage"] == "prototype" and event.after["answers"]["stage"] == "revenue"
    # A change that leaves the answers out keeps them.
    renamed = client.patch(f"/api/v1/teams/{created['id']}", headers=organizer, json={"name": "新名字"})
    assert renamed.status_code == 200, renamed.json
    assert renamed.json["answers"]["stage"] == "revenue"


def test_numbers_may_be_json_numbers_and_yes_no_may_be_words(client, contest, make_college, organizer):
    answers = {**GOOD, "revenue": 7.50, "incorporated": "是 yes"}
    response = register(client, organizer, contest, make_college(), answers=answers)
    assert response.status_code == 201, response.json
    team = client.get(f"/api/v1/teams/{response.json['id']}", headers=organizer).json
    assert team["answers"]["revenue"] == "7.5" and team["answers"]["incorporated"] is True
