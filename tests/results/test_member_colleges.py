"""A team with members from several colleges: every list of results that names a team's college or its
members names every member's college too, and the team's college stays the team's."""

import io

import pytest
from openpyxl import load_workbook

from app.extensions import db


@pytest.fixture
def mixed(client, scored_round, make_college, make_user, token_for):
    """Two teams, 90 and 80; the first has a member from 杭州师范大学 beside two of its own college."""
    built = scored_round([[90], [80]])
    team = built["teams"][0]
    guest = make_college(name="杭州师范大学")
    team.members[1].college_id = guest.id
    db.session.commit()
    organizer = token_for(make_user("organizer"))
    url = f"/api/v1/rounds/{built['round'].id}"
    assert client.post(f"{url}/results", json={}, headers=organizer).status_code == 200
    client.post(f"{url}/awards", json={"tiers": [{"key": "first", "count": 2}]}, headers=organizer)
    return {
        **built,
        "organizer": organizer,
        "url": url,
        "home": team.college.name,
        "both": [team.college.name, "杭州师范大学"],
        "alone": [built["teams"][1].college.name],
    }


def test_get_results_and_list_awards_name_every_members_college(client, mixed):
    for items in (
        client.get(f"{mixed['url']}/results", headers=mixed["organizer"]).json["items"],
        client.get(f"{mixed['url']}/awards", headers=mixed["organizer"]).json["awards"],
    ):
        assert [(item["college"], item["member_colleges"]) for item in items] == [
            (mixed["home"], mixed["both"]),
            (mixed["alone"][0], mixed["alone"]),
        ]


def test_the_workbook_names_every_members_college_in_the_prize_list_and_ranking(client, mixed):
    mixed["contest"].language = "zh"  # a Chinese contest's workbook: its lists joined with 、
    db.session.commit()
    workbook = load_workbook(io.BytesIO(client.get(f"{mixed['url']}/export.xlsx", headers=mixed["organizer"]).data))
    for title, college, members in (("获奖名单 Awards", 3, 9), ("总排名 Ranking", 4, 5)):
        sheet = workbook[title]
        assert sheet.cell(row=1, column=members + 1).value == "成员学校 Member colleges"
        first = next(sheet.iter_rows(min_row=2, values_only=True))
        assert (first[college], first[members]) == (mixed["home"], "、".join(mixed["both"]))


def test_the_organizer_and_public_pages_name_every_members_college(client, mixed, login_as):
    shown = "Members' colleges: " + "、".join(mixed["both"])
    login_as("organizer")
    round_id = mixed["round"].id
    for page in (f"/rounds/{round_id}/results", f"/rounds/{round_id}/awards"):
        text = client.get(page).get_data(as_text=True)
        assert text.count(shown) >= 1, page
        assert "Members' colleges: " + mixed["alone"][0] not in text  # a team of one college shows just it
    assert client.post(f"{mixed['url']}/publish", json={}, headers=mixed["organizer"]).status_code == 200
    client.post("/logout")
    public = client.get(f"/results/rounds/{round_id}").get_data(as_text=True)
    assert public.count(shown) == 2  # the prize list and the ranking
