"""Awards that carry something: a tier's amount, currency and description; one recipient's own amount
(updateAward); the contest's budget (409 over_budget); totals per currency."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Award


@pytest.fixture
def final(client, scored_round, make_user, token_for):
    """Four teams scoring 95, 90, 85, 80 (teams 0-3), the results computed."""
    built = scored_round([[95], [90], [85], [80]])
    organizer = token_for(make_user("organizer"))
    client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer)
    return {**built, "organizer": organizer, "url": f"/api/v1/rounds/{built['round'].id}/awards"}


def give(client, final, tiers):
    return client.post(final["url"], json={"tiers": tiers}, headers=final["organizer"])


def set_budget(client, final, budget):
    contest = final["contest"]
    body = {
        "name": contest.name,
        "year": contest.year,
        "registration_opens_at": "2026-03-01T00:00:00",
        "registration_closes_at": "2026-04-01T00:00:00",
        "tracks": [{"code": track.code, "name": track.name, "kind": track.kind} for track in contest.tracks],
        "budget": budget,
    }
    return client.put(f"/api/v1/contests/{contest.id}", json=body, headers=final["organizer"])


GRANTS = [
    {"key": "first", "count": 1, "amount": "1000000", "currency": "CNY", "description": "programme delivery"},
    {"key": "second", "count": 3, "amount": "250000.50", "currency": "CNY", "description": "talent matching"},
]


def test_a_tier_carries_an_exact_amount_its_currency_and_what_the_winner_receives(client, final):
    response = give(client, final, GRANTS)
    assert response.status_code == 200, response.json
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "awards.assign")).one()
    assert event.after["amounts"] == {"CNY": "1750001.50"}
    first, *seconds = response.json["awards"]
    assert (first["amount"], first["currency"], first["description"]) == ("1000000.00", "CNY", "programme delivery")
    assert {award["amount"] for award in seconds} == {"250000.50"}
    assert response.json["totals"] == [{"amount": "1750001.50", "currency": "CNY"}]
    listed = client.get(final["url"], headers=final["organizer"]).json
    assert listed["awards"][0]["id"] == db.session.scalar(select(Award.id).where(Award.team_id == final["teams"][0].id))
    assert db.session.scalar(select(Award.amount).where(Award.team_id == final["teams"][1].id)) == Decimal("250000.50")


@pytest.mark.parametrize(
    ("tier", "field", "words"),
    [
        ({"amount": "-1", "currency": "CNY"}, "amount", "0 or more"),
        ({"amount": "10.005", "currency": "CNY"}, "amount", "2 decimals"),
        ({"amount": "10"}, "currency", "currency"),
        ({"amount": "10", "currency": "XYZ"}, "currency", "XYZ"),
        ({"amount": "10", "currency": "cny"}, "currency", "ISO 4217"),
    ],
)
def test_a_wrong_amount_or_currency_is_refused_at_its_field(client, final, tier, field, words):
    response = give(client, final, [{"key": "first", "count": 1, **tier}])
    assert response.status_code == 422
    assert words in response.json["error"]["fields"][f"tiers.0.{field}"][0]


def test_each_recipient_gets_its_own_amount_audited_and_kept_when_the_results_are_computed_again(client, final):
    awarded = give(client, final, GRANTS).json["awards"]
    one = awarded[2]
    response = client.patch(
        f"/api/v1/awards/{one['id']}", json={"amount": "300000", "reason": "larger programme"}, headers=final["organizer"]
    )
    assert response.status_code == 200, response.json
    assert (response.json["amount"], response.json["currency"], response.json["description"]) == (
        "300000.00",
        "CNY",
        "talent matching",
    )
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "award.update")).one()
    assert event.before["amount"] == "250000.50" and event.after["amount"] == "300000.00"
    assert event.reason == "larger programme"
    client.post(f"/api/v1/rounds/{final['round'].id}/results", json={}, headers=final["organizer"])
    amounts = {award["team_id"]: award["amount"] for award in client.get(final["url"], headers=final["organizer"]).json["awards"]}
    assert amounts[one["team_id"]] == "300000.00" and amounts[awarded[1]["team_id"]] == "250000.50"


def test_sixteen_recipients_of_one_tier_get_sixteen_amounts(client, scored_round, make_user, token_for):
    built = scored_round([[100 - index] for index in range(16)])
    organizer = token_for(make_user("organizer"))
    client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer)
    url = f"/api/v1/rounds/{built['round'].id}/awards"
    awarded = client.post(
        url, json={"tiers": [{"key": "first", "count": 16, "currency": "CNY", "amount": "0"}]}, headers=organizer
    )
    for index, award in enumerate(awarded.json["awards"]):
        response = client.patch(f"/api/v1/awards/{award['id']}", json={"amount": str(300000 + index * 10000)}, headers=organizer)
        assert response.status_code == 200, response.json
    listed = client.get(url, headers=organizer).json
    assert len({award["amount"] for award in listed["awards"]}) == 16
    assert listed["totals"] == [{"amount": "6000000.00", "currency": "CNY"}]


def test_awards_over_the_contest_budget_are_refused_naming_the_overrun(client, final):
    assert set_budget(client, final, {"amount": "1500000", "currency": "CNY"}).json["budget"] == {
        "amount": "1500000.00",
        "currency": "CNY",
    }
    response = give(client, final, GRANTS)
    assert response.status_code == 409 and response.json["error"]["code"] == "over_budget"
    assert response.json["error"]["message"] == (
        "The awards would total 1,750,001.5 CNY, 250,001.5 over the budget of 1,500,000 CNY."
    )
    assert db.session.scalar(select(Award.id).limit(1)) is None


def test_one_recipient_s_amount_over_the_budget_is_refused(client, final):
    set_budget(client, final, {"amount": "1800000", "currency": "CNY"})
    awarded = give(client, final, GRANTS).json["awards"]
    response = client.patch(f"/api/v1/awards/{awarded[1]['id']}", json={"amount": "400000"}, headers=final["organizer"])
    assert (
        response.status_code == 409
        and response.json["error"]["message"] == "The awards would total 1,900,001 CNY, 100,001 over the budget of 1,800,000 CNY."
    )
    assert db.session.scalar(select(Award.amount).where(Award.id == awarded[1]["id"])) == Decimal("250000.50")


def test_an_amount_in_another_currency_than_the_budget_s_is_refused(client, final):
    set_budget(client, final, {"amount": "6100000", "currency": "CNY"})
    response = give(client, final, [{"key": "first", "count": 1, "amount": "1000", "currency": "USD"}])
    assert response.status_code == 422
    assert response.json["error"]["fields"]["tiers.0.currency"] == [
        "The contest's budget is in CNY; give the amount in CNY, not USD."
    ]


def test_a_budget_below_the_awards_already_given_is_refused(client, final):
    give(client, final, GRANTS)
    response = set_budget(client, final, {"amount": "1000000", "currency": "CNY"})
    assert response.status_code == 409 and response.json["error"]["code"] == "over_budget"
    other = set_budget(client, final, {"amount": "9000000", "currency": "USD"})
    assert other.status_code == 422 and "CNY" in other.json["error"]["fields"]["budget.currency"][0]
    assert client.get(f"/api/v1/contests/{final['contest'].id}").json["budget"] is None


def test_a_budget_needs_a_known_currency(client, final):
    response = set_budget(client, final, {"amount": "100", "currency": "ABC"})
    assert response.status_code == 422 and "ABC" in response.json["error"]["fields"]["budget.currency"][0]


def test_only_the_round_s_organizers_change_an_award(client, final, make_user, token_for):
    awarded = give(client, final, GRANTS).json["awards"]
    judge = token_for(final["judges"][0])
    assert client.patch(f"/api/v1/awards/{awarded[0]['id']}", json={"amount": "1"}, headers=judge).status_code == 403


def test_an_update_that_leaves_the_budget_out_keeps_it_and_null_removes_it(client, final):
    set_budget(client, final, {"amount": "100", "currency": "EUR"})
    contest = final["contest"]
    body = {
        "name": "校赛 2026（修订）",
        "year": contest.year,
        "registration_opens_at": "2026-03-01T00:00:00",
        "registration_closes_at": "2026-04-01T00:00:00",
        "tracks": [{"code": track.code, "name": track.name, "kind": track.kind} for track in contest.tracks],
    }
    kept = client.put(f"/api/v1/contests/{contest.id}", json=body, headers=final["organizer"])
    assert kept.json["name"] == "校赛 2026（修订）" and kept.json["budget"] == {"amount": "100.00", "currency": "EUR"}
    assert set_budget(client, final, None).json["budget"] is None


def test_a_description_over_500_characters_is_refused(client, final):
    response = give(client, final, [{"key": "first", "count": 1, "description": "x" * 501}])
    assert response.status_code == 422 and "tiers.0.description" in response.json["error"]["fields"]


def test_the_overrun_is_named_in_the_reader_s_language(client, final):
    set_budget(client, final, {"amount": "1500000", "currency": "CNY"})
    response = client.post(final["url"], json={"tiers": GRANTS}, headers={**final["organizer"], "Accept-Language": "zh"})
    assert response.json["error"]["message"] == "奖励合计将达 1,750,001.5 CNY，超出预算 1,500,000 CNY 共 250,001.5。"


def test_a_recipient_s_own_description_keeps_the_tier_s_amount_and_null_goes_back_to_the_tier_s(client, final):
    awarded = give(client, final, GRANTS).json["awards"]
    url = f"/api/v1/awards/{awarded[1]['id']}"
    described = client.patch(url, json={"description": "talent matching in Hangzhou"}, headers=final["organizer"]).json
    assert (described["amount"], described["description"]) == ("250000.50", "talent matching in Hangzhou")
    client.patch(url, json={"amount": "1"}, headers=final["organizer"])
    back = client.patch(url, json={"amount": None}, headers=final["organizer"]).json
    assert (back["amount"], back["description"]) == ("250000.50", "talent matching")
