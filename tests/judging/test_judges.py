"""Importing a contest's judges from a spreadsheet: all rows or none, passwords shown once."""

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import JudgeProfile, User
from tests.conftest import PASSWORD

HEADER = "name,email,college_code,organization,province,expertise,password\n"


@pytest.fixture
def setting(make_contest, make_college, make_user, token_for):
    contest = make_contest()
    make_college(code="4133010335", name="浙江大学")
    return contest, token_for(make_user("organizer"))


def upload(client, contest, headers, text):
    return client.post(
        f"/api/v1/contests/{contest.id}/judges/import",
        headers=headers,
        data={"file": (io.BytesIO(text.encode()), "judges.csv")},
        content_type="multipart/form-data",
    )


def test_import_creates_judges_with_profiles_and_shows_made_up_passwords_once(client, setting, make_user):
    contest, headers = setting
    existing = make_user("captain", email="old@example.cn")
    text = HEADER + (
        "李评委,Li@Example.cn,4133010335,,浙江省,跨境电商,\n"
        "王评委,wang@example.cn,,阿里巴巴,上海市,直播电商,a-given-password\n"
        f"老用户,{existing.email},,,,,\n"
    )
    response = client.post(
        f"/api/v1/contests/{contest.id}/judges/import",
        headers=headers,
        data={"file": (io.BytesIO(text.encode()), "judges.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    assert (response.json["created"], response.json["updated"]) == (2, 1)
    assert [item["email"] for item in response.json["passwords"]] == ["li@example.cn"]
    made_up = response.json["passwords"][0]["password"]
    assert client.post("/api/v1/tokens", json={"email": "li@example.cn", "password": made_up}).status_code == 201
    assert client.post("/api/v1/tokens", json={"email": "wang@example.cn", "password": "a-given-password"}).status_code == 201
    li = db.session.scalar(select(User).where(User.email == "li@example.cn"))
    profile = db.session.scalar(select(JudgeProfile).where(JudgeProfile.user_id == li.id))
    assert profile.province == "浙江省" and profile.college.name == "浙江大学" and profile.expertise == "跨境电商"
    assert db.session.get(User, existing.id).has_role("judge", contest.id)
    listed = client.get(f"/api/v1/contests/{contest.id}/judges", headers=headers).json
    assert {judge["email"] for judge in listed} == {"li@example.cn", "wang@example.cn", existing.email}
    assert made_up not in str(listed)


def test_bad_rows_are_listed_and_nothing_is_saved(client, setting):
    contest, headers = setting
    text = HEADER + (
        "甲,not-an-email,,,,,\n乙,b@example.cn,9999999999,,,,\n丙,c@example.cn,,,火星省,,\n丁,c@example.cn,,,,,short\n"
    )
    response = upload(client, contest, headers, text)
    assert response.status_code == 422
    problems = {(row["row"], row["column"]) for row in response.json["error"]["rows"]}
    assert problems == {(2, "email"), (3, "college_code"), (4, "province"), (5, "email"), (5, "password")}
    assert db.session.scalar(select(User).where(User.email == "b@example.cn")) is None


def test_the_judges_page_lists_and_imports(client, login_as, setting):
    contest, _headers = setting
    login_as("organizer")
    response = client.post(
        f"/contests/{contest.id}/judges",
        data={"file": (io.BytesIO((HEADER + "赵评委,zhao@example.cn,,,,,\n").encode()), "j.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "1 judges created, 0 updated." in page and "zhao@example.cn" in page and "shown this once" in page
    assert PASSWORD not in page
