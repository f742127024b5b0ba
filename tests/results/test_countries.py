"""Rounds by country: ranking per country (grouping "country"), advancing per country, and the country shown
where the province is (results, the workbook, progress)."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Entry


def indexes(built, team_ids):
    index = {team.id: i for i, team in enumerate(built["teams"])}
    return sorted(index[team_id] for team_id in team_ids)


def test_a_round_groups_its_teams_per_country(client, scored_round, organizer, login_as):
    # colleges 0 and 1 in the United Kingdom, college 2 in Kenya; every college is in the default province
    built = scored_round([[90], [80], [70], [85]], colleges=[0, 1, 2, 2], countries=["GB", "GB", "KE"], grouping="country")
    groups = dict(db.session.execute(select(Entry.team_id, Entry.group_key).where(Entry.round_id == built["round"].id)).all())
    assert [groups[team.id] for team in built["teams"]] == ["GB", "GB", "KE", "KE"]
    items = client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer).json["items"]
    by_team = {item["team_id"]: item for item in items}
    assert [(by_team[team.id]["rank"], by_team[team.id]["country"]) for team in built["teams"]] == [
        (1, "GB"),
        (3, "GB"),
        (4, "KE"),
        (2, "KE"),
    ]
    login_as("organizer")
    progress = client.get(f"/rounds/{built['round'].id}/progress").get_data(as_text=True)
    assert "<td>United Kingdom</td>" in progress and "<td>Kenya</td>" in progress
    results = client.get(f"/rounds/{built['round'].id}/results", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "<td>英国</td>" in results and "<td>肯尼亚</td>" in results


def test_a_round_per_country_is_created_through_the_api(client, make_contest, organizer):
    contest = make_contest()
    body = {"name": "Global final", "level": "custom", "grouping": "country", "judges_per_team": 1}
    body["criteria"] = [{"key": "overall", "name": "Overall", "max": 100, "weight": 1}]
    response = client.post(f"/api/v1/contests/{contest.id}/rounds", json=body, headers=organizer)
    assert response.status_code == 201, response.json
    assert response.json["grouping"] == "country"


def test_advancing_per_country_takes_the_best_of_each_country(client, scored_round, make_round, organizer):
    built = scored_round([[90], [80], [70], [60], [85], [50]], colleges=[0, 0, 1, 1, 2, 2], countries=["GB", "GB", "KE"])
    client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer)
    final = make_round(built["contest"], name="Final", level="custom", grouping="country")
    response = client.post(
        f"/api/v1/rounds/{built['round'].id}/advance",
        json={"to_round_id": final.id, "top": 1, "per": "country"},
        headers=organizer,
    )
    assert response.status_code == 200, response.json
    assert indexes(built, response.json["advanced"]) == [0, 4]  # per college it would be 0, 2, 4
    entered = db.session.execute(select(Entry.team_id, Entry.group_key).where(Entry.round_id == final.id)).all()
    assert sorted((indexes(built, [team_id])[0], group) for team_id, group in entered) == [(0, "GB"), (4, "KE")]


def test_the_workbooks_ranking_names_each_teams_country(client, scored_round, organizer):
    built = scored_round([[90], [80]], colleges=[0, 1], countries=["GB", "CN"], language="zh")
    client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer)
    response = client.get(f"/api/v1/rounds/{built['round'].id}/export.xlsx", headers=organizer)
    ranking = load_workbook(io.BytesIO(response.data))["总排名 Ranking"]
    header = [cell.value for cell in ranking[1]]
    column = header.index("国家/地区 Country")
    assert [row[column].value for row in ranking.iter_rows(min_row=2)] == ["英国 United Kingdom", "中国 China"]


def test_the_prize_list_names_each_winner_s_country_in_the_api_and_the_workbook(client, scored_round, organizer):
    built = scored_round([[90], [80], [70]], colleges=[0, 1, 2], countries=["GB", "CN", "KE"], language="zh")
    api = f"/api/v1/rounds/{built['round'].id}"
    client.post(f"{api}/results", json={}, headers=organizer)
    tiers = [{"key": "first", "count": 1}, {"key": "second", "count": 1}]
    assert client.post(f"{api}/awards", json={"tiers": tiers}, headers=organizer).status_code == 200
    listed = client.get(f"{api}/awards", headers=organizer).json["awards"]
    assert [(item["team_id"], item["country"]) for item in listed] == [(built["teams"][0].id, "GB"), (built["teams"][1].id, "CN")]
    prizes = load_workbook(io.BytesIO(client.get(f"{api}/export.xlsx", headers=organizer).data))["获奖名单 Awards"]
    header = [cell.value for cell in prizes[1]]
    assert header[-1] == "国家/地区 Country"  # last, as in the ranking
    assert [row[-1] for row in prizes.iter_rows(min_row=2, values_only=True)] == ["英国 United Kingdom", "中国 China"]


def test_the_pages_offer_country_in_both_languages(client, scored_round, make_round, organizer, login_as):
    built = scored_round([[90], [80]], colleges=[0, 1], countries=["GB", "KE"], grouping="country")
    make_round(built["contest"], name="Final")
    client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer)
    login_as("organizer")
    advance = client.get(f"/rounds/{built['round'].id}/advance").get_data(as_text=True)
    assert 'value="country">country</option>' in advance
    chinese = {"Accept-Language": "zh"}
    assert '"country">按国家/地区</option>' in client.get(f"/rounds/{built['round'].id}/advance", headers=chinese).get_data(
        as_text=True
    )
    assert "各国家/地区内" in client.get(f"/rounds/{built['round'].id}", headers=chinese).get_data(as_text=True)
