"""publishRound: results become public, sheets freeze, and reopening needs a reason."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Assignment, AuditEvent


@pytest.fixture
def computed(client, scored_round, make_user, token_for):
    built = scored_round([[80, 90], [70, 60]])
    organizer = token_for(make_user("organizer"))
    assert client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer).status_code == 200
    return {**built, "organizer": organizer, "url": f"/api/v1/rounds/{built['round'].id}"}


def test_results_are_private_until_published_then_public_in_the_same_shape(client, computed):
    url, organizer = computed["url"], computed["organizer"]
    assert client.get(f"{url}/results").status_code == 401
    published = client.post(f"{url}/publish", json={}, headers=organizer)
    assert published.status_code == 200 and published.json["status"] == "published"
    public = client.get(f"{url}/results")
    assert public.status_code == 200
    assert [(item["rank"], item["score"]) for item in public.json["items"]] == [(1, 85.0), (2, 65.0)]
    assert all(item["judges"] == [] and item["spread"] is None for item in public.json["items"])  # judges stay private
    assert client.get(f"{url}/awards").status_code == 200


def test_hidden_scores_are_null_for_the_public_but_not_for_the_organizer(client, computed):
    url, organizer = computed["url"], computed["organizer"]
    client.post(f"{url}/publish", json={"show_scores": False}, headers=organizer)
    assert [item["score"] for item in client.get(f"{url}/results").json["items"]] == [None, None]
    assert [item["score"] for item in client.get(f"{url}/results", headers=organizer).json["items"]] == [85.0, 65.0]


def test_publishing_freezes_the_sheets_and_the_results(client, computed):
    url, organizer = computed["url"], computed["organizer"]
    client.post(f"{url}/publish", json={}, headers=organizer)
    assignment = db.session.scalars(select(Assignment).where(Assignment.round_id == computed["round"].id)).first()
    unlock = client.post(f"/api/v1/assignments/{assignment.id}/sheet/unlock", json={"reason": "typo"}, headers=organizer)
    assert unlock.status_code == 409
    again = client.post(f"{url}/results", json={}, headers=organizer)
    assert again.status_code == 409 and again.json["error"]["code"] == "round_published"
    awards = client.post(f"{url}/awards", json={"tiers": [{"key": "first", "count": 1}]}, headers=organizer)
    assert awards.status_code == 409


def test_reopening_needs_a_reason_which_is_kept(client, computed):
    url, organizer = computed["url"], computed["organizer"]
    client.post(f"{url}/publish", json={}, headers=organizer)
    refused = client.post(f"{url}/status", json={"status": "closed"}, headers=organizer)
    assert refused.status_code == 422 and "reason" in refused.json["error"]["fields"]
    reopened = client.post(f"{url}/status", json={"status": "closed", "reason": "申诉复核 appeal upheld"}, headers=organizer)
    assert reopened.status_code == 200 and reopened.json["status"] == "closed"
    assert client.get(f"{url}/results").status_code == 401  # private again
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "round.closed", AuditEvent.object_id == computed["round"].id)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.reason == "申诉复核 appeal upheld"
    assert client.post(f"{url}/results", json={}, headers=organizer).status_code == 200


def test_a_round_reopened_for_scoring_must_be_computed_again_before_publishing(client, computed):
    url, organizer = computed["url"], computed["organizer"]
    client.post(f"{url}/status", json={"status": "open"}, headers=organizer)
    client.post(f"{url}/status", json={"status": "closed"}, headers=organizer)
    stale = client.post(f"{url}/publish", json={}, headers=organizer)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "results_stale"


def test_nothing_to_publish_before_computing(client, scored_round, make_user, token_for):
    built = scored_round([[80]])
    response = client.post(f"/api/v1/rounds/{built['round'].id}/publish", json={}, headers=token_for(make_user("organizer")))
    assert response.status_code == 409 and response.json["error"]["code"] == "no_results"
