"""Text Laurel refuses at every door (app/text.py): the NUL character (PostgreSQL text cannot hold it: it was
a 500), bidi controls (a right-to-left override shows a name as other text), and text made only of invisible
characters. Pages answer 422 with the error page, the API 422 at the field, an import lists the cells."""

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import College, Contest, User

NUL, RLO, ZERO_WIDTH = "a\x00b", "星火\u202e队", "\u200b\u200c"


@pytest.mark.parametrize("text", [NUL, RLO, ZERO_WIDTH], ids=["NUL", "right-to-left override", "zero-width only"])
def test_a_page_refuses_it_in_the_query(client, login_as, make_contest, text):
    contest = make_contest()
    login_as("organizer")
    for url, name in [("/colleges/", "q"), ("/audit", "user"), (f"/contests/{contest.id}/teams", "q")]:
        response = client.get(url, query_string={name: text})
        assert response.status_code == 422, url  # a NUL was a 500 on PostgreSQL
        assert f"({name})" in response.get_data(as_text=True)


@pytest.mark.parametrize("text", [NUL, RLO, ZERO_WIDTH], ids=["NUL", "right-to-left override", "zero-width only"])
def test_a_page_refuses_it_in_a_form_and_saves_nothing(client, text):
    data = {"name": text, "email": "captain@example.cn", "password": "long-enough-1", "confirm_password": "long-enough-1"}
    response = client.post("/signup", data=data)
    assert response.status_code == 422 and "(name)" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0
    response = client.post("/login", data={"email": "x\x00@example.cn", "password": "long-enough-1"})
    assert response.status_code == 422  # was a 500 on PostgreSQL


@pytest.mark.parametrize("text", [NUL, RLO, ZERO_WIDTH], ids=["NUL", "right-to-left override", "zero-width only"])
def test_the_api_refuses_it_at_its_field(client, make_user, token_for, make_contest, text):
    headers = token_for(make_user("organizer"))
    contest = make_contest()
    response = client.get("/api/v1/colleges", query_string={"q": text}, headers=headers)
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["q"]
    response = client.put(
        f"/api/v1/contests/{contest.id}",
        headers=headers,
        json={"name": text, "year": 2026, "tracks": [{"code": "X", "name": text}]},
    )
    assert response.status_code == 422 and {"name", "tracks.0.name"} <= set(response.json["error"]["fields"])
    assert db.session.get(Contest, contest.id).name != text


def test_an_import_lists_every_cell_it_refuses_and_saves_nothing(client, make_user, token_for):
    headers = token_for(make_user("organizer"))
    rows = ["code,name,province,city,level", f"4133010335,{NUL},浙江省,杭州市,本科", f"4133010336,浙江工大,浙江省,{RLO},本科"]
    content = "\n".join(rows).encode()
    response = client.post(
        "/api/v1/colleges/import",
        headers=headers,
        data={"file": (io.BytesIO(content), "colleges.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid_rows"
    assert [(row["row"], row["column"]) for row in response.json["error"]["rows"]] == [(2, "name"), (3, "city")]
    assert db.session.scalar(select(func.count(College.id))) == 0  # the NUL was a 500 on PostgreSQL


def test_invisible_characters_inside_visible_text_are_kept(client, make_user, token_for, make_contest):
    headers = token_for(make_user("organizer"))
    response = client.get("/api/v1/colleges", query_string={"q": "浙江\u200b"}, headers=headers)
    assert response.status_code == 200
