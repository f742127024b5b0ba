"""Rounds through the API: the score sheet's rules, status changes, entries and judges."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Entry, Round
from tests.conftest import SHEET_100


@pytest.fixture
def organizer(make_contest, make_user, token_for):
    contest = make_contest()
    return contest, token_for(make_user("organizer"))


def round_body(**overrides):
    body = {
        "name": "全国总决赛",
        "level": "national",
        "grouping": "none",
        "judges_per_team": 5,
        "aggregation": {"method": "mean", "decimals": 2},
        "tie_breaks": ["raw_sum", "criterion:innovation"],
        "criteria": [
            {"key": "innovation", "name": "创新", "name_en": "Innovation", "max": 20, "weight": 1, "step": 0.5},
            {"key": "idea", "name": "创意", "max": 20},
            {"key": "venture", "name": "创业", "max": 20},
            {"key": "pitch", "name": "演讲", "max": 20},
            {"key": "writing", "name": "文案", "max": 20},
        ],
    }
    body.update(overrides)
    return body


def test_create_round_with_its_sheet(client, organizer):
    contest, headers = organizer
    response = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=headers, json=round_body())
    assert response.status_code == 201, response.json
    created = response.json
    assert created["status"] == "draft"
    assert [c["key"] for c in created["criteria"]] == ["innovation", "idea", "venture", "pitch", "writing"]
    assert created["criteria"][0]["step"] == 0.5 and created["criteria"][1]["step"] == 0.01
    assert created["aggregation"] == {"method": "mean", "trim": 1, "decimals": 2, "min_judges": 5}
    assert client.get(f"/api/v1/contests/{contest.id}").json["rounds"] == [
        {"id": created["id"], "name": "全国总决赛", "level": "national", "status": "draft"}
    ]


ROUND_RULES = [
    ("no criteria", {"criteria": []}, "criteria"),
    ("a key twice", {"criteria": [{"key": "a", "name": "A", "max": 10}, {"key": "a", "name": "B", "max": 10}]}, "criteria.1.key"),
    ("a key with capitals", {"criteria": [{"key": "Innovation", "name": "A", "max": 10}]}, "criteria.0.key"),
    ("a zero maximum", {"criteria": [{"key": "a", "name": "A", "max": 0}]}, "criteria.0.max"),
    ("a negative weight", {"criteria": [{"key": "a", "name": "A", "max": 10, "weight": -1}]}, "criteria.0.weight"),
    ("a maximum off the step", {"criteria": [{"key": "a", "name": "A", "max": 10, "step": 3}]}, "criteria.0.step"),
    ("a missing name", {"criteria": [{"key": "a", "name": " ", "max": 10}]}, "criteria.0.name"),
    ("an unknown method", {"aggregation": {"method": "vibes"}}, "aggregation.method"),
    ("trim out of range", {"aggregation": {"method": "trimmed_mean", "trim": 9}}, "aggregation.trim"),
    ("decimals out of range", {"aggregation": {"decimals": 7}}, "aggregation.decimals"),
    ("judges per team zero", {"judges_per_team": 0}, "judges_per_team"),
    ("an unknown tie-break", {"tie_breaks": ["coin_toss"]}, "tie_breaks.0"),
    ("a tie-break on a missing item", {"tie_breaks": ["criterion:charisma"]}, "tie_breaks.0"),
    ("an unknown level", {"level": "galactic"}, "level"),
    ("an unknown grouping", {"grouping": "city"}, "grouping"),
    ("a previous round elsewhere", {"previous_round_id": 999}, "previous_round_id"),
    ("own college's judges outside a school round", {"own_college_conflict": False}, "own_college_conflict"),
]


@pytest.mark.parametrize("case, change, field", ROUND_RULES, ids=[rule[0] for rule in ROUND_RULES])
def test_round_rules_name_the_field(client, organizer, case, change, field):
    contest, headers = organizer
    response = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=headers, json=round_body(**change))
    assert response.status_code == 422
    assert field in response.json["error"]["fields"], response.json
    assert db.session.scalar(select(func.count(Round.id))) == 0


def test_a_round_opens_only_with_entries_and_then_freezes_the_teams(client, organizer, make_team, make_college):
    contest, headers = organizer
    round_id = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=headers, json=round_body()).json["id"]
    response = client.post(f"/api/v1/rounds/{round_id}/status", headers=headers, json={"status": "open"})
    assert response.status_code == 409 and response.json["error"]["code"] == "no_entries"
    team = make_team(contest)
    client.post(f"/api/v1/teams/{team.id}/review", headers=headers, json={"decision": "approve"})
    assert client.post(f"/api/v1/rounds/{round_id}/entries", headers=headers, json={"all_approved": True}).json == {"added": 1}
    assert client.post(f"/api/v1/rounds/{round_id}/status", headers=headers, json={"status": "open"}).json["status"] == "open"
    db.session.refresh(contest)
    assert contest.teams_frozen_at is not None  # captains can no longer edit
    assert client.post(f"/api/v1/rounds/{round_id}/status", headers=headers, json={"status": "closed"}).json["status"] == "closed"
    assert client.post(f"/api/v1/rounds/{round_id}/status", headers=headers, json={"status": "open"}).status_code == 200
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "round")).all()
    assert actions == ["round.create", "round.add_entries", "round.open", "round.closed", "round.open"]


def test_entries_take_approved_teams_only_and_group_them(client, organizer, make_team, make_college):
    contest, headers = organizer
    zju, pku = make_college(name="浙江大学"), make_college(name="北京大学", province="北京市")
    approved, waiting = make_team(contest, zju), make_team(contest, pku)
    client.post(f"/api/v1/teams/{approved.id}/review", headers=headers, json={"decision": "approve"})
    round_id = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=headers, json=round_body(grouping="province")).json[
        "id"
    ]
    refused = client.post(f"/api/v1/rounds/{round_id}/entries", headers=headers, json={"team_ids": [approved.id, waiting.id]})
    assert refused.status_code == 422 and str(waiting.id) in refused.json["error"]["message"]
    assert client.post(f"/api/v1/rounds/{round_id}/entries", headers=headers, json={"team_ids": [approved.id]}).json == {
        "added": 1
    }
    assert client.post(f"/api/v1/rounds/{round_id}/entries", headers=headers, json={"team_ids": [approved.id]}).json == {
        "added": 0
    }
    assert db.session.scalar(select(Entry.group_key)) == "浙江省"
    assert client.post(f"/api/v1/rounds/{round_id}/entries", headers=headers, json={}).status_code == 422


def test_judges_must_hold_the_judge_role(client, organizer, make_user):
    contest, headers = organizer
    round_id = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=headers, json=round_body()).json["id"]
    judge, captain = make_user("judge", contest_id=contest.id), make_user("captain")
    response = client.post(f"/api/v1/rounds/{round_id}/judges", headers=headers, json={"user_ids": [judge.id, captain.id]})
    assert response.status_code == 422 and str(captain.id) in response.json["error"]["message"]
    assert client.post(f"/api/v1/rounds/{round_id}/judges", headers=headers, json={"user_ids": [judge.id]}).json == {"added": 1}
    judge_headers = client.post("/api/v1/tokens", json={"email": judge.email, "password": "correct-horse-battery"}).json["token"]
    seen = client.get(f"/api/v1/rounds/{round_id}", headers={"Authorization": f"Bearer {judge_headers}"})
    assert seen.status_code == 200 and seen.json["counts"]["judges"] == 1


def test_the_sheet_can_change_until_scored(client, organizer):
    contest, headers = organizer
    round_id = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=headers, json=round_body()).json["id"]
    response = client.patch(f"/api/v1/rounds/{round_id}", headers=headers, json={"criteria": SHEET_100, "tie_breaks": []})
    assert response.status_code == 200, response.json
    assert [c["max"] for c in response.json["criteria"]] == [15, 15, 15, 15, 20, 20]


def test_unknown_round_is_404(client, organizer):
    _contest, headers = organizer
    assert client.get("/api/v1/rounds/4242", headers=headers).status_code == 404


@pytest.mark.parametrize(
    "item, field",
    [
        ({"max": "1e298", "step": "0.5"}, "criteria.0.max"),
        ({"max": "10", "step": "1e-30"}, "criteria.0.step"),
        ({"max": "10.005"}, "criteria.0.max"),
        ({"max": "10", "weight": "1.00001"}, "criteria.0.weight"),
    ],
    ids=["huge maximum", "tiny step", "three decimals", "five-decimal weight"],
)
def test_numbers_beyond_the_columns_are_named_at_their_field_not_a_crash(make_contest, item, field):
    """The service's own rule, which the page's form reaches without the API's schema: nothing is tried
    against a number the columns cannot keep, and nothing is rounded silently."""
    from app.errors import InvalidDataError
    from app.judging.services import create_round
    from app.models import utcnow

    with pytest.raises(InvalidDataError) as refused:
        create_round(
            make_contest(),
            {
                "name": "校赛",
                "level": "school",
                "grouping": "college",
                "judges_per_team": 3,
                "criteria": [{"key": "a", "name": "A", **item}],
            },
            actor=None,
            now=utcnow(),
        )
    assert list(refused.value.fields) == [field]


def test_a_school_round_may_let_its_college_s_own_judges_sit_and_turning_it_off_is_audited(client, organizer, make_user):
    contest, headers = organizer
    created = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=headers, json=round_body(level="school")).json
    assert created["own_college_conflict"] is True  # on by default
    url = f"/api/v1/rounds/{created['id']}"
    off = client.patch(url, headers=headers, json={"own_college_conflict": False})
    assert off.status_code == 200 and off.json["own_college_conflict"] is False
    assert client.get(url, headers=headers).json["own_college_conflict"] is False
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round.update")).one()
    assert event.before["own_college_conflict"] is True and event.after["own_college_conflict"] is False
    assert event.actor_id is not None and event.at is not None
    provincial = client.patch(url, headers=headers, json={"level": "provincial"})
    assert provincial.status_code == 422 and "own_college_conflict" in provincial.json["error"]["fields"]
    assert client.patch(url, headers=headers, json={"level": "provincial", "own_college_conflict": True}).status_code == 200


def test_a_team_entering_a_round_gets_a_code_no_other_team_of_the_round_has(make_round, monkeypatch):
    from app.judging import entries

    round_ = make_round()
    draws = iter("22222222K3Q9")  # the second draw meets the first code: drawn again
    monkeypatch.setattr(entries.secrets, "choice", lambda alphabet: next(draws))
    taken: set[str] = set()
    assert [entries.entry_code(round_, taken) for _ in range(2)] == [f"R{round_.id}-2222", f"R{round_.id}-K3Q9"]
    assert taken == {f"R{round_.id}-2222", f"R{round_.id}-K3Q9"}
