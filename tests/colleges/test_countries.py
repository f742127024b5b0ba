"""Colleges abroad: the country is an ISO 3166-1 alpha-2 code, checked on import, shown by name in the
reader's language, and a filter of listColleges and of the colleges page."""

import io

import pytest

from app import countries

ABROAD = (
    "code,name,province,city,level,country\n"
    "GB-OX,University of Oxford,England,Oxford,,gb\n"
    "KE-UON,University of Nairobi,Nairobi,Nairobi,,KE\n"
    "4133010335,浙江大学,浙江省,杭州市,本科,\n"
).encode()


def upload(client, headers, content: bytes):
    return client.post(
        "/api/v1/colleges/import",
        headers=headers,
        data={"file": (io.BytesIO(content), "colleges.csv")},
        content_type="multipart/form-data",
    )


@pytest.fixture
def organizer_headers(make_user, token_for):
    return token_for(make_user("organizer"))


@pytest.fixture
def abroad(client, organizer_headers):
    assert upload(client, organizer_headers, ABROAD).status_code == 200


def test_a_code_that_is_not_iso_is_refused_naming_its_cell(client, organizer_headers):
    content = "code,name,province,city,level,country\nX1,Fake Company,Nowhere,,,ZZ\nX2,Old Name,London,,,UK\n".encode()
    response = upload(client, organizer_headers, content)
    assert response.status_code == 422
    cells = {(row["row"], row["column"]): row["message"] for row in response.json["error"]["rows"]}
    assert set(cells) == {(2, "country"), (3, "country")}
    assert "ZZ" in cells[(2, "country")] and "UK" in cells[(3, "country")]
    assert client.get("/api/v1/colleges").json["total"] == 0


def test_items_show_the_code_stored_upper_case_and_filter_by_it(client, abroad):
    response = client.get("/api/v1/colleges", query_string={"country": "gb"})
    assert [(item["name"], item["country"]) for item in response.json["items"]] == [("University of Oxford", "GB")]
    chinese = client.get("/api/v1/colleges", query_string={"country": "CN"}).json["items"]
    assert [item["name"] for item in chinese] == ["浙江大学"]
    assert client.get("/api/v1/colleges").json["total"] == 3


def test_a_filter_that_is_not_a_country_is_422_naming_it(client, abroad):
    response = client.get("/api/v1/colleges", query_string={"country": "XX"})
    assert response.status_code == 422
    assert "XX" in str(response.json["error"]["fields"]["country"])


def test_the_page_shows_the_country_by_name_in_the_readers_language(client, login_as, abroad):
    login_as("organizer")
    page = client.get("/colleges/", query_string={"country": "KE"}).get_data(as_text=True)
    assert "University of Nairobi" in page and "University of Oxford" not in page
    assert "<td>Kenya</td>" in page
    assert '<option value="GB" >United Kingdom</option>' in page
    chinese = client.get("/colleges/", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "<td>肯尼亚</td>" in chinese and "<td>英国</td>" in chinese and "<td>中国</td>" in chinese


def test_the_page_says_when_a_filter_is_not_a_country(client, login_as, abroad):
    login_as("organizer")
    page = client.get("/colleges/", query_string={"country": "Atlantis"}).get_data(as_text=True)
    assert "ATLANTIS is not a country" in page
    assert "University of Oxford" in page


def test_names_come_from_the_iso_library_in_both_languages():
    assert countries.country_name("tw", chinese=False) == "Taiwan"
    assert countries.country_name("GB", chinese=True) == "英国"
    assert countries.is_country("gb") and not countries.is_country("UK") and not countries.is_country("ZZ")


def test_a_college_abroad_needs_no_province_but_a_chinese_one_does(client, organizer_headers, login_as):
    content = (
        "code,name,province,city,level,country\n"
        "US-MIT,Massachusetts Institute of Technology,,Cambridge,,US\n"
        "4133010335,浙江大学,,杭州市,本科,CN\n"
    ).encode()
    refused = upload(client, organizer_headers, content)
    assert refused.status_code == 422
    assert [(row["row"], row["column"]) for row in refused.json["error"]["rows"]] == [(3, "province")]
    assert (
        upload(client, organizer_headers, content.replace("浙江大学,,".encode(), "浙江大学,浙江省,".encode())).status_code == 200
    )
    items = {item["name"]: item for item in client.get("/api/v1/colleges").json["items"]}
    assert items["Massachusetts Institute of Technology"]["province"] == ""
    assert items["浙江大学"]["province"] == "浙江省"
    login_as("organizer")
    page = client.get("/colleges/", query_string={"country": "US"}).get_data(as_text=True)
    assert "<td>Massachusetts Institute of Technology</td><td></td><td>Cambridge</td><td>United States</td>" in page


def test_a_team_of_a_college_without_province_is_listed_and_enters_a_round(
    client, organizer_headers, make_contest, make_team, make_round
):
    upload(client, organizer_headers, b"code,name,province,city,level,country\nUS-MIT,MIT,,Cambridge,,US\n")
    from sqlalchemy import select

    from app.extensions import db
    from app.models import College

    mit = db.session.scalar(select(College).where(College.code == "US-MIT"))
    contest = make_contest()
    team = make_team(contest, mit)
    client.post(f"/api/v1/teams/{team.id}/review", headers=organizer_headers, json={"decision": "approve"})
    listed = client.get(f"/api/v1/contests/{contest.id}/teams", headers=organizer_headers).json["items"]
    assert [(item["id"], item["province"]) for item in listed] == [(team.id, "")]
    round_ = make_round(contest, grouping="country")
    added = client.post(f"/api/v1/rounds/{round_.id}/entries", headers=organizer_headers, json={"all_approved": True})
    assert added.json == {"added": 1}
