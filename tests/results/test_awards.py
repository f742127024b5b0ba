"""assignAwards and listAwards: tiers by count or share, ties at a boundary, manual decisions."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent


@pytest.fixture
def final(client, scored_round, make_user, token_for):
    """Six teams scoring 95, 90, 90, 85, 80, 70 (teams 0-5), in a Chinese contest."""
    built = scored_round([[95], [90], [90], [85], [80], [70]], language="zh")
    organizer = token_for(make_user("organizer"))
    client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer)
    return {**built, "organizer": organizer, "url": f"/api/v1/rounds/{built['round'].id}/awards"}


def give(client, final, tiers, **body):
    return client.post(final["url"], json={"tiers": tiers, **body}, headers=final["organizer"])


def tiers_of(final, awards):
    index = {team.id: i for i, team in enumerate(final["teams"])}
    return {index[award["team_id"]]: award["tier"] for award in awards}


def test_counts_fill_tiers_from_the_top_and_an_empty_special_tier_is_allowed(client, final):
    response = give(client, final, [{"key": "special", "count": 0}, {"key": "first", "count": 1}, {"key": "second", "count": 3}])
    assert response.status_code == 200, response.json
    assert tiers_of(final, response.json["awards"]) == {0: "first", 1: "second", 2: "second", 3: "second"}
    assert response.json["awards"][0]["tier_name"] == "一等奖"


def test_a_tie_across_a_boundary_is_flagged_and_its_places_left_open(client, final):
    response = give(client, final, [{"key": "first", "count": 2}, {"key": "second", "count": 2}])
    assert tiers_of(final, response.json["awards"]) == {0: "first", 1: "second", 2: "second"}
    assert response.json["ties"] == [
        {"tier": "first", "places_left": 1, "team_ids": [final["teams"][1].id, final["teams"][2].id]}
    ]
    listed = client.get(final["url"], headers=final["organizer"]).json
    assert listed["ties"] == response.json["ties"]


def test_include_gives_the_whole_tied_group_the_tier_and_the_next_shrinks(client, final):
    response = give(client, final, [{"key": "first", "count": 2}, {"key": "second", "count": 2}], ties="include")
    assert tiers_of(final, response.json["awards"]) == {0: "first", 1: "first", 2: "first", 3: "second"}


def test_the_organizer_settles_a_tie_by_choosing_with_a_reason(client, final):
    team = final["teams"][1]
    response = give(
        client,
        final,
        [{"key": "first", "count": 2}, {"key": "second", "count": 2}],
        overrides=[{"team_id": team.id, "tier": "first", "reason": "评审组复议 panel decided on the defence"}],
    )
    assert tiers_of(final, response.json["awards"])[1] == "first"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "award.manual")).one()
    assert event.reason == "评审组复议 panel decided on the defence" and event.after == {"team_id": team.id, "tier": "first"}


def test_a_manual_decision_needs_a_reason(client, final):
    response = give(
        client,
        final,
        [{"key": "first", "count": 1}],
        overrides=[{"team_id": final["teams"][3].id, "tier": "first", "reason": " "}],
    )
    assert response.status_code == 422 and "overrides.0.reason" in response.json["error"]["fields"]


def test_shares_round_down_and_may_not_pass_100_percent(client, final):
    response = give(client, final, [{"key": "first", "share": 0.2}, {"key": "second", "share": 0.34}])
    assert tiers_of(final, response.json["awards"]) == {0: "first", 1: "second", 2: "second"}  # 1.2 → 1; 2.04 → 2
    over = give(client, final, [{"key": "first", "share": 0.6}, {"key": "second", "share": 0.5}])
    assert over.status_code == 422 and "100%" in over.json["error"]["fields"]["tiers"][0]


def test_a_tier_takes_a_count_or_a_share(client, final):
    response = give(client, final, [{"key": "first", "count": 1, "share": 0.1}])
    assert response.status_code == 422 and "tiers.0.count" in response.json["error"]["fields"]


def test_recomputing_gives_the_awards_again_by_the_same_rule(client, final):
    give(client, final, [{"key": "first", "count": 1}])
    client.post(final["url"].replace("/awards", "/results"), json={}, headers=final["organizer"])
    assert tiers_of(final, client.get(final["url"], headers=final["organizer"]).json["awards"]) == {0: "first"}


def test_recomputing_after_corrected_sheets_moves_the_prizes_and_drops_the_old_ones(client, final):
    """Team 5's sheet corrected from 70 to 99: it takes first and team 0 moves to second. Then team 0's from 95
    to 60: it has no prize left (90 and 90 tie for second)."""
    from app.judging.services import transition_round
    from app.judging.sheets import save_sheet, sheet_view, unlock_sheet
    from app.models import Assignment, utcnow

    round_, judge = final["round"], final["judges"][0]

    def correct(team: int, total: int) -> dict[int, str]:
        assignment = db.session.scalar(
            select(Assignment).where(Assignment.round_id == round_.id, Assignment.team_id == final["teams"][team].id)
        )
        transition_round(round_, "open", actor=None, now=utcnow(), reason="分数录入有误")
        unlock_sheet(assignment, "录入有误", actor=judge, now=utcnow())
        save_sheet(
            assignment,
            {"overall": total},
            comment=None,
            submit=True,
            version=sheet_view(assignment)["version"],
            actor=judge,
            now=utcnow(),
        )
        transition_round(round_, "closed", actor=None, now=utcnow())
        db.session.commit()
        assert client.post(final["url"].replace("/awards", "/results"), json={}, headers=final["organizer"]).status_code == 200
        return tiers_of(final, client.get(final["url"], headers=final["organizer"]).json["awards"])

    assert give(client, final, [{"key": "first", "count": 1}, {"key": "second", "count": 1}]).status_code == 200
    assert tiers_of(final, client.get(final["url"], headers=final["organizer"]).json["awards"]) == {
        0: "first"
    }  # 90 and 90 tie for second
    assert correct(5, 99) == {5: "first", 0: "second"}
    assert correct(0, 60) == {5: "first"}


def test_custom_tiers_keep_the_organizers_order_everywhere(client, final, login_as):
    """ "Winner" then "Honorable Mention", as given: never the built-in order, which put the known
    `honorable` above the unknown `winner`, in the API, the pages or the workbook."""
    import io
    import re

    from openpyxl import load_workbook

    tiers = [{"key": "winner", "name": "Winner", "count": 1}, {"key": "honorable", "name": "Honorable Mention", "count": 2}]
    given = give(client, final, tiers)
    assert [award["tier"] for award in given.json["awards"]] == ["winner", "honorable", "honorable"]
    listed = client.get(final["url"], headers=final["organizer"]).json["awards"]
    assert [(award["tier_name"], award["rank"]) for award in listed] == [
        ("Winner", 1),
        ("Honorable Mention", 2),
        ("Honorable Mention", 2),
    ]
    round_id = final["round"].id
    workbook = load_workbook(io.BytesIO(client.get(f"/api/v1/rounds/{round_id}/export.xlsx", headers=final["organizer"]).data))
    prizes = [row[14] for row in workbook["获奖名单 Awards"].iter_rows(min_row=2, values_only=True)]
    assert prizes == ["Winner", "Honorable Mention", "Honorable Mention"]
    assert client.post(f"/api/v1/rounds/{round_id}/publish", json={}, headers=final["organizer"]).status_code == 200
    order = ["winner", "honorable", "honorable"]
    assert re.findall(r'<tr data-tier="(\w+)">', client.get(f"/results/rounds/{round_id}").get_data(as_text=True)) == order
    login_as("organizer")
    assert re.findall(r'<tr data-tier="(\w+)">', client.get(f"/rounds/{round_id}/awards").get_data(as_text=True)) == order
