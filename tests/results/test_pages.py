"""The results pages in the browser's terms: the table, judge statistics, advancement, awards, the
public page, and what a captain sees after publication."""

import re

import pytest

from app.extensions import db


@pytest.fixture
def final(client, scored_round, login_as):
    """Five teams: 95, 90, 90, 85, 70 from two judges each (the second judge severe by 10)."""
    built = scored_round([[100, 90], [95, 85], [95, 85], [90, 80], [75, 65]])
    organizer = login_as("organizer")
    return {**built, "organizer": organizer, "base": f"/rounds/{built['round'].id}"}


def text(response):
    return response.get_data(as_text=True)


def compute(client, final):
    return client.post(f"{final['base']}/results", data={"compute-compute": "1"})


def test_the_organizer_computes_and_sees_ranks_with_ties_highlighted(client, final):
    before = text(client.get(f"{final['base']}/results"))
    assert "No results yet." in before
    response = compute(client, final)
    assert response.status_code == 302
    page = text(client.get(f"{final['base']}/results"))
    assert "Results computed for 5 teams." in page
    tied_rows = re.findall(r'<tr class="tied[^"]*" data-team="([^"]+)"', page)
    assert sorted(tied_rows) == sorted([final["teams"][1].number, final["teams"][2].number])
    assert ">90.00<" in page and ">95.00<" in page
    filtered = text(client.get(f"{final['base']}/results?q={final['teams'][4].number}"))
    assert filtered.count("data-team=") == 1


def test_missing_sheets_are_listed_and_the_organizer_confirms(client, scored_round, login_as):
    built = scored_round([[80, None], [70, 60]])
    login_as("organizer")
    refused = text(client.post(f"/rounds/{built['round'].id}/results", data={"compute-compute": "1"}))
    assert (
        "1 assigned sheet is not submitted" in refused
        and "1 assigned sheets" not in refused
        and built["teams"][0].number in refused
    )
    confirmed = client.post(f"/rounds/{built['round'].id}/results", data={"compute-compute": "1", "compute-confirm": "y"})
    assert confirmed.status_code == 302
    assert "missing_sheets" in text(client.get(f"/rounds/{built['round'].id}/results"))


def test_judge_statistics_draw_a_box_per_judge_and_show_the_severe_one(client, final):
    compute(client, final)
    page = text(client.get(f"{final['base']}/results/judges"))
    assert page.count('<g class="judge') == 2
    severe, lenient = final["judges"][1], final["judges"][0]
    assert f'<g class="judge severe" data-judge="{severe.id}">' in page
    assert f'<g class="judge lenient" data-judge="{lenient.id}">' in page
    assert "<script" not in page.split("<svg")[1].split("</svg>")[0]


def test_advancement_previews_then_confirms(client, final, make_round):
    compute(client, final)
    target = make_round(final["contest"], name="国赛 National")
    form = {"to_round_id": target.id, "top": 2, "per": "none", "ties": "flag"}
    preview = text(client.post(f"{final['base']}/advance", data={**form, "preview": "1"}))
    assert "1 team advances" in preview and "1 teams" not in preview and "Tied groups at the cut" in preview
    assert client.get(f"/rounds/{target.id}").status_code == 200
    confirmed = client.post(f"{final['base']}/advance", data={**form, "confirm": "1"})
    assert confirmed.status_code == 302
    from sqlalchemy import func, select

    from app.models import Entry

    assert db.session.scalar(select(func.count(Entry.id)).where(Entry.round_id == target.id)) == 1


def test_awards_preview_settle_the_tie_and_confirm(client, final):
    compute(client, final)
    tiers = {"count_first": 2, "count_second": 2, "ties": "flag"}
    preview = text(client.post(f"{final['base']}/awards", data={**tiers, "preview": "1"}))
    assert "Tied groups to settle" in preview
    chosen = final["teams"][2]
    missing_reason = text(client.post(f"{final['base']}/awards", data={**tiers, f"tie_{chosen.id}": "first", "confirm": "1"}))
    assert "Give the reason for this decision." in missing_reason
    assert f'name="tie_{chosen.id}"' in missing_reason  # the tied teams' choices stay on the page
    done = client.post(
        f"{final['base']}/awards", data={**tiers, f"tie_{chosen.id}": "first", "reason": "答辩表现更好", "confirm": "1"}
    )
    assert done.status_code == 302
    page = text(client.get(f"{final['base']}/awards"))
    assert re.findall(r'<tr data-tier="(\w+)">', page) == ["first", "first", "second"]  # overrides come last
    assert chosen.number in page.split("<h2>Awards given")[1]


def test_published_results_are_public_and_the_captain_sees_the_teams(client, scored_round, make_user, login_as):
    captain = make_user("captain")
    built = scored_round([[90], [80]])
    team = built["teams"][0]
    team.owner_id = captain.id
    db.session.commit()
    login_as("organizer")
    round_url = f"/rounds/{built['round'].id}"
    client.post(f"{round_url}/results", data={"compute-compute": "1"})
    assert client.post(f"{round_url}/awards", data={"count_first": 1, "confirm": "1"}).status_code == 302
    assert client.post(f"{round_url}/results", data={"publish-publish": "1", "publish-show_scores": "y"}).status_code == 302
    client.post("/logout")
    public = text(client.get(f"/results/rounds/{built['round'].id}"))
    assert "Prize list" in public and team.number in public and "一等奖" in public and "90.00" in public
    login_as(user=captain)
    mine = text(client.get(f"/teams/{team.id}"))
    assert "90.00" in mine and "一等奖" in mine.split("Results")[1]


def test_an_unpublished_round_is_not_public(client, final):
    compute(client, final)
    client.post("/logout")
    response = client.get(f"/results/rounds/{final['round'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_judge_statistics_are_stored_with_each_computation(client, final):
    """Computed with the results, so that the judges' page, a GET, only reads them."""
    from app.results.store import snapshot_of

    compute(client, final)
    db.session.expire_all()
    kept = snapshot_of(final["round"]).judge_stats
    assert [item["count"] for item in kept] == [5, 5]
    page = client.get(f"{final['base']}/results/judges")
    assert page.status_code == 200 and ">91<" in page.get_data(as_text=True)  # judge 1's mean


def test_a_settled_tie_is_no_longer_reported_and_the_choices_are_labelled(client, final):
    compute(client, final)
    tiers = {"count_first": 2, "count_second": 2, "ties": "flag"}
    chosen = final["teams"][2]
    preview = text(client.post(f"{final['base']}/awards", data={**tiers, "preview": "1"}))
    assert f'<label for="tie_{chosen.id}">Decision</label>' in preview
    assert f">{chosen.id}</label>" not in preview  # the team's id used to stand beside its choice
    client.post(f"{final['base']}/awards", data={**tiers, f"tie_{chosen.id}": "first", "reason": "答辩表现更好", "confirm": "1"})
    page = text(client.get(f"{final['base']}/awards"))
    assert '<p class="flash flash-success" role="status">Awards given to 3 teams.</p>' in page
    assert "still to settle" not in page and "unsettled" not in page


def test_an_unsettled_tie_is_reported_once_in_the_singular(client, final):
    compute(client, final)
    client.post(f"{final['base']}/awards", data={"count_first": 2, "count_second": 2, "ties": "flag", "confirm": "1"})
    page = text(client.get(f"{final['base']}/awards"))
    assert "Awards given to 3 teams. 1 tied group is still to settle." in page
    assert "1 tied group is still to settle: preview again to choose." in page and "1 tied groups" not in page
