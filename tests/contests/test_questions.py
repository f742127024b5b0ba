"""A contest's questions through createContest / updateContest: checked, kept, replaced by key, audited."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, RegistrationField
from tests.conftest import team_input
from tests.contests.test_contests import BODY

STAGE = {"key": "stage", "label": "Business stage", "type": "choice", "choices": ["idea", "revenue"], "required": True}
SHOP = {"key": "shop", "label": "Shop", "type": "url", "track": "cb"}


@pytest.fixture
def organizer(make_user, token_for):
    return token_for(make_user("organizer"))


def create(client, headers, questions):
    response = client.post("/api/v1/contests", headers=headers, json={**BODY, "registration_fields": questions})
    assert response.status_code == 201, response.json
    return response.json


@pytest.mark.parametrize(
    "question, field",
    [
        ({**SHOP, "key": "Shop"}, "key"),
        ({**SHOP, "key": ""}, "key"),
        ({**SHOP, "key": "x" * 41}, "key"),
        ({**SHOP, "label": " "}, "label"),
        ({**SHOP, "label": "x" * 81}, "label"),
        ({**SHOP, "type": "colour"}, "type"),
        ({**STAGE, "choices": []}, "choices"),
        ({**STAGE, "choices": ["a", "a"]}, "choices"),
        ({**STAGE, "choices": ["a", " "]}, "choices"),
        ({**STAGE, "choices": [str(n) for n in range(51)]}, "choices"),
        ({**SHOP, "choices": ["a"]}, "choices"),
        ({**SHOP, "track": "ZZ"}, "track"),
        ({**SHOP, "help": "x" * 201}, "help"),
    ],
)
def test_each_bad_question_is_refused_at_its_field(client, organizer, question, field):
    response = client.post("/api/v1/contests", headers=organizer, json={**BODY, "registration_fields": [STAGE, question]})
    assert response.status_code == 422
    assert f"registration_fields.1.{field}" in response.json["error"]["fields"], response.json


def test_a_key_is_used_once(client, organizer):
    response = client.post("/api/v1/contests", headers=organizer, json={**BODY, "registration_fields": [STAGE, STAGE]})
    assert response.json["error"]["fields"]["registration_fields.1.key"] == ["The key stage is used twice."]


def test_choices_are_texts_only(client, organizer):
    response = client.post(
        "/api/v1/contests", headers=organizer, json={**BODY, "registration_fields": [{**STAGE, "choices": ["a", 3]}]}
    )
    assert response.status_code == 422
    assert any(name.startswith("registration_fields.0.choices") for name in response.json["error"]["fields"])


def test_update_keeps_questions_left_out_and_replaces_them_by_key(client, organizer):
    contest = create(client, organizer, [STAGE, SHOP])
    stage_id = db.session.scalar(select(RegistrationField.id).where(RegistrationField.key == "stage"))
    kept = client.put(f"/api/v1/contests/{contest['id']}", headers=organizer, json=BODY)
    assert [q["key"] for q in kept.json["registration_fields"]] == ["stage", "shop"]
    changed = client.put(
        f"/api/v1/contests/{contest['id']}",
        headers=organizer,
        json={**BODY, "registration_fields": [{**SHOP, "track": None}, {**STAGE, "label": "Stage of the business"}]},
    )
    assert changed.status_code == 200, changed.json
    assert [(q["key"], q["label"], q["track"]) for q in changed.json["registration_fields"]] == [
        ("shop", "Shop", None),
        ("stage", "Stage of the business", None),
    ]
    assert db.session.scalar(select(RegistrationField.id).where(RegistrationField.key == "stage")) == stage_id
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contest.update").order_by(AuditEvent.id.desc()).limit(1)
    ).one()
    assert event.before["registration_fields"][0]["label"] == "Business stage"
    assert event.after["registration_fields"][1]["label"] == "Stage of the business"
    emptied = client.put(f"/api/v1/contests/{contest['id']}", headers=organizer, json={**BODY, "registration_fields": []})
    assert emptied.json["registration_fields"] == []


def test_a_removed_question_keeps_its_answers_stored_but_unseen(client, organizer, make_college):
    contest = create(client, organizer, [STAGE, SHOP])
    body = team_input(make_college().id, track="CB", answers={"stage": "idea", "shop": "https://a.example.com"})
    team = client.post(f"/api/v1/contests/{contest['id']}/teams", headers=organizer, json=body).json
    client.put(f"/api/v1/contests/{contest['id']}", headers=organizer, json={**BODY, "registration_fields": [STAGE]})
    shown = client.get(f"/api/v1/teams/{team['id']}", headers=organizer).json
    assert shown["answers"] == {"stage": "idea"}
    # The team can still change; the unseen answer stays stored, and comes back with the question.
    assert client.patch(f"/api/v1/teams/{team['id']}", headers=organizer, json={"name": "新名字"}).status_code == 200
    client.put(f"/api/v1/contests/{contest['id']}", headers=organizer, json={**BODY, "registration_fields": [STAGE, SHOP]})
    assert client.get(f"/api/v1/teams/{team['id']}", headers=organizer).json["answers"]["shop"] == "https://a.example.com"


LINES = "stage | Business stage | choice | required | choices: idea; revenue\n\n# a comment\nshop｜Shop｜url｜赛道：cb｜说明：Your shop's address"


def test_organizer_writes_questions_one_per_line_in_the_form(client, login_as):
    from tests.contests.test_contests import form_data

    login_as("organizer")
    response = client.post("/contests/new", data=form_data(questions=LINES))
    assert response.status_code == 302, response.get_data(as_text=True)
    contest_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    questions = client.get(f"/api/v1/contests/{contest_id}").json["registration_fields"]
    assert questions == [
        {**STAGE, "help": "", "track": None},
        {
            "key": "shop",
            "label": "Shop",
            "type": "url",
            "required": False,
            "choices": [],
            "help": "Your shop's address",
            "track": "CB",
        },
    ]
    edit = client.get(f"/contests/{contest_id}/edit").get_data(as_text=True)
    assert (
        "stage | Business stage | choice | required | choices: idea; revenue\nshop | Shop | url | track: CB | help: Your shop&#39;s address"
        in edit
    )


def test_the_form_names_the_line_of_a_wrong_question(client, login_as):
    from tests.contests.test_contests import form_data

    login_as("organizer")
    lines = "stage | Business stage | choice\nshop | Shop | colour\nsite | Site"
    page = client.post("/contests/new", data=form_data(questions=lines))
    assert db.session.scalar(select(RegistrationField.id)) is None
    assert "Line 3: write at least key | label | type." in page.get_data(as_text=True)
    page = client.post("/contests/new", data=form_data(questions="stage | Business stage | choice\nshop | Shop | colour"))
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Line 1: A choice question offers 1 to 50 choices." in text
    assert "Line 2: Choose one of: text, long_text" in text
    assert text.rindex("Line 2: Choose one of") > text.index('name="questions"')
