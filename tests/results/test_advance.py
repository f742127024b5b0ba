"""advanceTeams: top N or a share per group, ties at the cut, and the next round's teams."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.judging.services import add_judges, transition_round
from app.judging.sheets import save_sheet
from app.models import Assignment, Entry, utcnow


@pytest.fixture
def school(client, scored_round, make_round, make_user, token_for):
    """Two colleges: A has teams 0-3 (90, 80, 80, 70), B has teams 4-5 (85, 60)."""
    built = scored_round([[90], [80], [80], [70], [85], [60]], colleges=[0, 0, 0, 0, 1, 1], grouping="college")
    organizer = token_for(make_user("organizer"))
    client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer)
    provincial = make_round(
        built["contest"],
        name="省赛 Provincial",
        level="provincial",
        grouping="province",
        aggregation={"method": "mean", "trim": 1, "decimals": 2},
    )
    return {**built, "organizer": organizer, "next": provincial, "url": f"/api/v1/rounds/{built['round'].id}/advance"}


def advance(client, school, **body):
    return client.post(school["url"], json={"to_round_id": school["next"].id, **body}, headers=school["organizer"])


def numbers(school, team_ids):
    index = {team.id: i for i, team in enumerate(school["teams"])}
    return sorted(index[team_id] for team_id in team_ids)


def test_top_one_per_college_enters_the_next_round(client, school):
    response = advance(client, school, top=1, per="college")
    assert response.status_code == 200, response.json
    assert numbers(school, response.json["advanced"]) == [0, 4] and response.json["ties"] == []
    entries = db.session.scalars(select(Entry.team_id).where(Entry.round_id == school["next"].id)).all()
    assert numbers(school, entries) == [0, 4]


def test_a_tie_at_the_cut_is_flagged_and_kept_out_or_included(client, school):
    flagged = advance(client, school, top=2, per="college")
    assert numbers(school, flagged.json["advanced"]) == [0, 4, 5]
    assert [numbers(school, tie["team_ids"]) for tie in flagged.json["ties"]] == [[1, 2]]
    assert flagged.json["ties"][0]["places_left"] == 1
    results = client.get(school["url"].replace("/advance", "/results"), headers=school["organizer"]).json["items"]
    assert sorted(i for i, item in enumerate(sorted(results, key=lambda r: r["team_id"])) if "tie_at_cut" in item["flags"]) == [
        1,
        2,
    ]
    included = advance(client, school, top=2, per="college", ties="include")
    assert numbers(school, included.json["advanced"]) == [0, 1, 2, 4, 5]


def test_a_share_rounds_down_and_a_minimum_score_holds_back(client, school):
    # 50% of A's 4 teams is 2 (a tie at the cut: flagged); 50% of B's 2 is 1.
    response = advance(client, school, share=0.5, per="college", min_score=86)
    assert numbers(school, response.json["advanced"]) == [0]  # 85 is under the minimum


def test_advancing_again_replaces_the_next_rounds_teams(client, school):
    advance(client, school, top=1, per="none")
    advance(client, school, top=3, per="none", ties="include")
    entries = db.session.scalars(select(Entry.team_id).where(Entry.round_id == school["next"].id)).all()
    assert numbers(school, entries) == [0, 1, 2, 4]


def test_advancing_into_a_round_with_scores_is_refused(client, school, make_user):
    advance(client, school, top=1, per="none")
    target = school["next"]
    judge = make_user("judge", contest_id=school["contest"].id)
    now = utcnow()
    add_judges(target, [judge.id], actor=None, now=now)
    transition_round(target, "open", actor=None, now=now)
    entry = db.session.scalars(select(Entry).where(Entry.round_id == target.id)).first()
    assignment = Assignment(round_id=target.id, team_id=entry.team_id, judge_id=judge.id)
    db.session.add(assignment)
    db.session.flush()
    save_sheet(assignment, {"practical": 10}, comment=None, submit=False, version=0, actor=judge, now=now)
    db.session.commit()
    refused = advance(client, school, top=2, per="none", ties="include")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "round_has_scores"


def test_the_rule_needs_top_or_share(client, school):
    both = advance(client, school, top=1, share=0.5)
    assert both.status_code == 422 and "top" in both.json["error"]["fields"]
    neither = advance(client, school)
    assert neither.status_code == 422


def test_no_advancing_before_results(client, scored_round, make_round, make_user, token_for):
    built = scored_round([[80]])
    target = make_round(built["contest"])
    response = client.post(
        f"/api/v1/rounds/{built['round'].id}/advance",
        json={"to_round_id": target.id, "top": 1},
        headers=token_for(make_user("organizer")),
    )
    assert response.status_code == 409 and response.json["error"]["code"] == "no_results"


def test_recomputing_keeps_the_teams_already_advanced_marked(client, school):
    advance(client, school, top=1, per="college")
    client.post(school["url"].replace("/advance", "/results"), json={}, headers=school["organizer"])
    items = client.get(school["url"].replace("/advance", "/results"), headers=school["organizer"]).json["items"]
    assert numbers(school, [item["team_id"] for item in items if item["advanced"]]) == [0, 4]


def test_recomputing_drops_the_results_of_teams_that_left_the_round(client, school):
    """The provincial round computed with four teams, then given two by a new advancement: its results are those two."""
    provincial, organizer = school["next"], school["organizer"]
    results_url = f"/api/v1/rounds/{provincial.id}/results"
    assert advance(client, school, top=2, per="college", ties="include").status_code == 200
    for status in ("open", "closed"):
        transition_round(provincial, status, actor=None, now=utcnow())
    db.session.commit()
    assert client.post(results_url, json={}, headers=organizer).status_code == 200
    assert numbers(school, [item["team_id"] for item in client.get(results_url, headers=organizer).json["items"]]) == [
        0,
        1,
        2,
        4,
        5,
    ]
    transition_round(provincial, "open", actor=None, now=utcnow(), reason="省赛名单调整")
    db.session.commit()
    assert advance(client, school, top=1, per="college").status_code == 200
    transition_round(provincial, "closed", actor=None, now=utcnow())
    db.session.commit()
    assert client.post(results_url, json={}, headers=organizer).status_code == 200
    assert numbers(school, [item["team_id"] for item in client.get(results_url, headers=organizer).json["items"]]) == [0, 4]


def test_advancing_teams_get_a_code_of_the_next_round_that_tells_nothing_of_the_last(client, school):
    """A blind round's judges know a team by its code there: drawn anew, it cannot be matched with the code the
    team had in the round before, nor with its number."""
    assert advance(client, school, top=2, per="college", ties="include").status_code == 200
    codes = {
        round_.id: dict(db.session.execute(select(Entry.team_id, Entry.code).where(Entry.round_id == round_.id)).all())
        for round_ in (school["round"], school["next"])
    }
    after = codes[school["next"].id]
    assert len(after) == 5 and len(set(after.values())) == 5
    assert all(code.startswith(f"R{school['next'].id}-") for code in after.values())
