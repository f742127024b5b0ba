"""Every paged list, page and API alike, takes its page numbers by one rule (app/pagination.py): page 1 to
1,000,000 and 1 to 500 rows, in digits. Another value is a 422 (the error page, or the JSON envelope), never
a 500 from an offset the database cannot hold."""

import pytest

from tests.results.conftest import scored_round  # noqa: F401  (the fixture)

BIG = "9" * 20


@pytest.fixture
def lists(client, scored_round, login_as, make_user, token_for):  # noqa: F811
    """The URL of every paged list, pages and API: a published round with results, so that the results
    pages read their rows."""
    built = scored_round([[80], [70]])
    contest, round_ = built["contest"], built["round"]
    organizer = login_as("organizer")
    headers = token_for(organizer)
    assert client.post(f"/api/v1/rounds/{round_.id}/results", json={}, headers=headers).status_code == 200
    assert client.post(f"/api/v1/rounds/{round_.id}/publish", json={}, headers=headers).status_code == 200
    pages = [
        "/colleges/",
        "/contests/",
        f"/contests/{contest.id}/teams",
        "/audit",
        f"/rounds/{round_.id}/results",
        f"/results/rounds/{round_.id}",
    ]
    api = [
        "/api/v1/colleges",
        "/api/v1/contests",
        f"/api/v1/contests/{contest.id}/teams",
        f"/api/v1/rounds/{round_.id}/assignments",
        f"/api/v1/rounds/{round_.id}/results",
    ]
    return {"pages": pages, "api": api, "headers": headers}


@pytest.mark.parametrize(
    "query", [f"page={BIG}", "page=1000001", "page=0", "page=abc", "per_page=0", f"per_page={BIG}", "page=٣"]
)
def test_a_page_number_out_of_bounds_is_refused_on_every_list(client, lists, query):
    for url in lists["pages"]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 422, (url, response.status_code)  # a 20-digit page was a 500
        assert "There is no such page: pages go from 1 to 1,000,000, with 1 to 500 rows each." in response.get_data(as_text=True)
    for url in lists["api"]:
        response = client.get(f"{url}?{query}", headers=lists["headers"])
        assert response.status_code == 422 and response.json["error"]["code"] == "invalid", (url, response.json)


def test_pages_within_bounds_are_shown_and_a_page_past_the_end_is_empty(client, lists):
    for url in lists["pages"]:
        assert client.get(f"{url}?page=2&per_page=1").status_code == 200, url
        assert client.get(f"{url}?page=1000000&per_page=500").status_code == 200, url
