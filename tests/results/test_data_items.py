"""A round with data items through the app: the imported values turned into points and added to the judges'
score, on SQLite and PostgreSQL; the results page, getResults and the workbook show each item's value and
points beside the judges' totals; publishing waits for a computation after the last import."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.results.test_exports import rows

JUDGED = {"key": "overall", "name": "总体评价", "max": 100, "step": 0.5}
SALES = {"key": "sales", "name": "店铺销售额", "max": 20, "source": "data", "rule": {"kind": "linear", "floor": 0, "cap": 10000}}
RATING = {"key": "rating", "name": "店铺评分", "max": 10, "weight": 0.5, "source": "data", "rule": {"kind": "rank"}}


@pytest.fixture
def computed(client, scored_round, organizer, make_contest):
    """Teams A, B, C judged 80, 70, 90 (one judge). Sales 5000, 10000, none: 10, 20, 0 points. Ratings 4.9,
    4.5, 4.9: rank 1, 3, 1 → 10, 0, 10 points, × 0.5. Scores 95, 90, 95: A and C tied (C lacks sales)."""
    built = scored_round([[80], [70], [90]], criteria=[JUDGED, SALES, RATING], contest=make_contest(language="zh"))
    a, b, c = built["teams"]
    text = f"number,sales,rating\n{a.number},5000,4.9\n{b.number},10000,4.5\n{c.number},,4.9\n"
    response = client.post(
        f"/api/v1/rounds/{built['round'].id}/metrics/import",
        data={"file": (io.BytesIO(text.encode()), "v.csv")},
        headers=organizer,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    response = client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer)
    assert response.status_code == 200, response.json
    by_team = {item["team_id"]: item for item in response.json["items"]}
    return {**built, "items": [by_team[team.id] for team in built["teams"]]}


def test_data_points_are_added_to_the_judges_score_and_shown_per_item(computed):
    a, b, c = computed["items"]
    assert [(item["score"], item["rank"], item["tied"]) for item in (a, b, c)] == [
        (95.0, 1, True),
        (90.0, 3, False),
        (95.0, 1, True),
    ]
    assert a["data"] == [{"key": "sales", "value": 5000.0, "points": 10.0}, {"key": "rating", "value": 4.9, "points": 10.0}]
    assert c["data"][0] == {"key": "sales", "value": None, "points": 0.0}
    assert c["flags"] == ["missing_data"] and a["flags"] == []


def test_a_data_items_tie_break_orders_by_its_points(client, computed, organizer):
    round_ = computed["round"]
    response = client.patch(f"/api/v1/rounds/{round_.id}", json={"tie_breaks": ["criterion:sales"]}, headers=organizer)
    assert response.status_code == 200, response.json
    items = {
        item["team_id"]: item
        for item in client.post(f"/api/v1/rounds/{round_.id}/results", json={}, headers=organizer).json["items"]
    }
    a, _b, c = computed["teams"]
    assert (items[a.id]["rank"], items[c.id]["rank"]) == (1, 2)


def test_the_results_page_shows_each_data_items_value_and_points(client, computed, login_as):
    login_as("organizer")
    page = client.get(f"/rounds/{computed['round'].id}/results").get_data(as_text=True)
    assert "店铺销售额" in page and "店铺评分" in page
    assert 'data-item="sales">5000 · 10.00<' in page
    assert 'data-item="sales">— · 0.00<' in page


def test_the_workbook_ranks_with_the_data_columns_and_about_names_each_rule(client, computed, organizer):
    response = client.get(f"/api/v1/rounds/{computed['round'].id}/export.xlsx", headers=organizer)
    workbook = load_workbook(io.BytesIO(response.data))
    ranking = workbook["总排名 Ranking"]
    header = [cell.value for cell in ranking[1]]
    sales_value = header.index("店铺销售额 sales 数值 value")
    assert header[sales_value + 1 : sales_value + 4] == [
        "店铺销售额 sales 得分 points",
        "店铺评分 rating 数值 value",
        "店铺评分 rating 得分 points",
    ]
    by_number = {row[2]: row for row in rows(ranking)}
    a = by_number[computed["teams"][0].number]
    assert a[sales_value : sales_value + 4] == [5000, 10, 4.9, 10]
    about = [row[1] for row in rows(workbook["说明 About"]) if row[0] and "Data item" in row[0]]
    assert about == [
        "店铺销售额 (sales), max 20 × weight 1: linear from floor 0 (0 points) to cap 10000 (max points), higher is better",
        "店铺评分 (rating), max 10 × weight 0.5: by rank among the round's teams with a value: the best max, the last 0, evenly"
        " between; ties share the better rank",
    ]


def test_publishing_waits_for_a_computation_after_the_last_import(client, computed, organizer):
    round_, a = computed["round"], computed["teams"][0]
    client.post(
        f"/api/v1/rounds/{round_.id}/metrics/import",
        data={"file": (io.BytesIO(f"number,sales\n{a.number},1\n".encode()), "v.csv")},
        headers=organizer,
        content_type="multipart/form-data",
    )
    response = client.post(f"/api/v1/rounds/{round_.id}/publish", json={}, headers=organizer)
    assert response.status_code == 409 and response.json["error"]["code"] == "results_stale"
    assert client.post(f"/api/v1/rounds/{round_.id}/results", json={}, headers=organizer).status_code == 200
    assert client.post(f"/api/v1/rounds/{round_.id}/publish", json={}, headers=organizer).status_code == 200


def test_a_round_of_data_items_only_scores_every_team_on_its_data(client, scored_round, organizer, make_contest):
    contest = make_contest()
    built = scored_round([[50], [50]], contest=contest)  # a judged round, for the teams
    from app.extensions import db
    from app.judging.services import add_entries, create_round
    from app.models import utcnow

    round_ = create_round(contest, {"name": "数据轮", "criteria": [SALES]}, actor=None, now=utcnow())
    add_entries(round_, team_ids=[team.id for team in built["teams"]], actor=None, now=utcnow())
    db.session.commit()
    a, b = built["teams"]
    client.post(
        f"/api/v1/rounds/{round_.id}/metrics/import",
        data={"file": (io.BytesIO(f"number,sales\n{a.number},2500\n".encode()), "v.csv")},
        headers=organizer,
        content_type="multipart/form-data",
    )
    for status in ("open", "closed"):
        assert client.post(f"/api/v1/rounds/{round_.id}/status", json={"status": status}, headers=organizer).status_code == 200
    items = {
        item["team_id"]: item
        for item in client.post(f"/api/v1/rounds/{round_.id}/results", json={}, headers=organizer).json["items"]
    }
    assert (items[a.id]["score"], items[b.id]["score"]) == (5.0, 0.0)
