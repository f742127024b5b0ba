"""listColleges and the organizers' colleges page: search, province filter, pages."""

import pytest


@pytest.fixture
def colleges(make_college):
    make_college(code="4133010335", name="浙江大学", province="浙江省")
    make_college(code="4133010337", name="浙江工业大学", province="浙江省")
    make_college(code="4111010001", name="北京大学", province="北京市")
    make_college(code="4132010284", name="南京大学", province="江苏省")


def names(response):
    return [item["name"] for item in response.json["items"]]


def test_search_by_part_of_the_name(client, colleges):
    response = client.get("/api/v1/colleges", query_string={"q": "浙江"})
    assert names(response) == ["浙江大学", "浙江工业大学"]
    assert response.json["total"] == 2


def test_search_by_the_start_of_the_code(client, colleges):
    assert names(client.get("/api/v1/colleges", query_string={"q": "41110"})) == ["北京大学"]


def test_province_filter_takes_the_full_name(client, colleges):
    response = client.get("/api/v1/colleges", query_string={"province": "江苏省"})
    assert names(response) == ["南京大学"]
    assert response.json["items"][0]["province"] == "江苏省"


def test_pages(client, colleges):
    response = client.get("/api/v1/colleges", query_string={"per_page": 3, "page": 2})
    assert response.json == {**response.json, "total": 4, "page": 2, "per_page": 3}
    assert len(response.json["items"]) == 1


@pytest.mark.parametrize("query", [{"per_page": 501}, {"page": 0}, {"per_page": "many"}])
def test_bad_paging_gets_422(client, query):
    response = client.get("/api/v1/colleges", query_string=query)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) <= {"per_page", "page"}


def test_a_percent_sign_is_searched_literally(client, colleges):
    assert names(client.get("/api/v1/colleges", query_string={"q": "%"})) == []


def test_organizer_page_searches_and_filters(client, login_as, colleges):
    login_as("organizer")
    page = client.get("/colleges/", query_string={"q": "大学", "province": "浙江省"}).get_data(as_text=True)
    assert "浙江工业大学" in page and "北京大学" not in page
