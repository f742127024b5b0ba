"""submitWork, listWorks and grantExtension through HTTP, and the team page's hand-in without JavaScript."""

import io
from datetime import timedelta

import pytest

from app.extensions import db
from app.judging.services import add_judges
from app.models import CAPTAIN, COORDINATOR, JUDGE, Assignment, Work, utcnow
from app.storage import storage
from tests.works import files


def put_file(client, round_, team, headers, content, *, key="plan", filename="计划书.pdf"):
    return client.put(
        f"/api/v1/rounds/{round_.id}/works/{team.id}/{key}",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        headers=headers,
    )


def test_a_captain_hands_in_a_file_and_gets_201(client, handin, token_for):
    round_, team, captain = handin
    response = put_file(client, round_, team, token_for(captain), files.pdf(2))
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["key"], body["filename"], body["version"], body["size"]) == ("plan", "计划书.pdf", 1, len(files.pdf(2)))
    assert len(body["sha256"]) == 64 and body["submitted_at"]


def test_a_link_is_handed_in_as_json(client, handin, token_for):
    round_, team, captain = handin
    response = client.put(
        f"/api/v1/rounds/{round_.id}/works/{team.id}/store",
        json={"url": "https://shop.example.com/1"},
        headers=token_for(captain),
    )
    assert response.status_code == 201 and response.json["sha256"] is None


@pytest.mark.parametrize(
    "content, problem",
    [(files.ELF, "content"), (files.zip_pdf_polyglot(), "content"), (files.pdf(11), "pages"), (files.docx(), "type")],
    ids=["elf renamed .pdf", "zip+pdf polyglot", "over max_pages", "docx for a pdf item"],
)
def test_a_refused_file_is_422_naming_what_is_wrong(client, handin, token_for, content, problem):
    round_, team, captain = handin
    response = put_file(client, round_, team, token_for(captain), content)
    assert response.status_code == 422 and response.json["error"]["problem"] == problem
    assert response.json["error"]["fields"]["file"]


def test_over_the_item_s_size_is_413_with_nothing_left_in_the_store(client, handin, token_for):
    round_, team, captain = handin
    response = put_file(client, round_, team, token_for(captain), files.pdf() + b"%" * (2 * 1024 * 1024 + 1))
    assert response.status_code == 413 and response.json["error"]["code"] == "upload_too_large"
    objects = storage().root / "objects"
    assert not objects.exists() or not any(p.is_file() for p in objects.rglob("*"))
    assert not any((storage().root / "incoming").iterdir())


def test_over_the_works_ceiling_is_413_before_the_body_is_read(client, handin, token_for, app):
    round_, team, captain = handin
    app.config["MAX_WORK_MB"] = 1
    response = put_file(client, round_, team, token_for(captain), b"%PDF-" + bytes(2 * 1024 * 1024))
    assert response.status_code == 413


def test_a_late_hand_in_is_409_naming_the_deadline(client, handin, token_for):
    round_, team, captain = handin
    round_.works_due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    response = put_file(client, round_, team, token_for(captain), files.pdf())
    assert response.status_code == 409 and response.json["error"]["code"] == "deadline_passed"
    assert "(UTC+0800)" in response.json["error"]["message"] and response.json["error"]["deadline"]


@pytest.mark.parametrize("role", ["other_captain", JUDGE, COORDINATOR, "organizer"])
def test_only_the_team_s_own_captain_hands_in(client, handin, token_for, make_user, role):
    round_, team, _captain = handin
    user = make_user(
        CAPTAIN if role == "other_captain" else JUDGE if role == JUDGE else COORDINATOR if role == COORDINATOR else "organizer"
    )
    assert put_file(client, round_, team, token_for(user), files.pdf()).status_code == 403


def test_an_organizer_grants_an_extension_that_lets_the_team_in(client, handin, token_for, make_user):
    round_, team, captain = handin
    round_.works_due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    until = (utcnow() + timedelta(hours=3)).isoformat()
    body = {"team_id": team.id, "until": until, "reason": "断网 network outage"}
    assert client.post(f"/api/v1/rounds/{round_.id}/extensions", json=body, headers=token_for(captain)).status_code == 403
    granted = client.post(f"/api/v1/rounds/{round_.id}/extensions", json=body, headers=token_for(make_user()))
    assert granted.status_code == 201 and granted.json["team_id"] == team.id
    assert put_file(client, round_, team, token_for(captain), files.pdf()).status_code == 201


def test_list_works_shows_each_reader_their_own(client, handin, token_for, make_user, make_team):
    round_, team, captain = handin
    for pages in (1, 2):
        put_file(client, round_, team, token_for(captain), files.pdf(pages))
    url = f"/api/v1/rounds/{round_.id}/works"
    own = client.get(url, headers=token_for(captain)).json
    assert [(i["version"], i["judged"]) for i in own["items"]] == [(1, False), (2, True)] and own["total"] == 2
    organizer = client.get(url, query_string={"team_id": team.id}, headers=token_for(make_user())).json
    assert organizer["total"] == 2 and organizer["items"][0]["team_id"] == team.id
    judge, other_judge = make_user(JUDGE, contest_id=round_.contest_id), make_user(JUDGE, contest_id=round_.contest_id)
    add_judges(round_, [judge.id, other_judge.id], actor=None, now=utcnow())
    db.session.add(Assignment(round_id=round_.id, team_id=team.id, judge_id=judge.id))
    round_.blind = True
    db.session.commit()
    seen = client.get(url, headers=token_for(judge)).json["items"]
    assert [(i["version"], i["team_id"]) for i in seen] == [(2, None)]
    assert seen[0]["filename"].startswith(seen[0]["team_code"]) and "计划书" not in seen[0]["filename"]
    assert client.get(url, headers=token_for(other_judge)).json["items"] == []
    stranger = make_user(CAPTAIN)
    make_team(round_.contest, owner=stranger)
    assert client.get(url, headers=token_for(stranger)).status_code == 403


def test_a_201_on_every_backend_keeps_versions_apart(client, handin, token_for):
    round_, team, captain = handin
    statuses = [put_file(client, round_, team, token_for(captain), files.pdf(n)).status_code for n in (1, 2, 3)]
    assert statuses == [201, 201, 201]
    assert sorted(w.version for w in db.session.query(Work).filter_by(team_id=team.id)) == [1, 2, 3]


def test_the_team_page_hands_in_without_javascript(client, handin, login_as):
    round_, team, captain = handin
    login_as(user=captain)
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "商业计划书 Business plan" in page and 'enctype="multipart/form-data"' in page and "js/works.js" in page
    prefix = f"work-{round_.id}-plan"
    url = f"/rounds/{round_.id}/works/{team.id}/plan"
    done = client.post(url, data={f"{prefix}-file": (io.BytesIO(files.pdf(2)), "plan.pdf")}, content_type="multipart/form-data")
    assert done.status_code == 302
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "plan.pdf" in page and "Judged" in page
    refused = client.post(
        url, data={f"{prefix}-file": (io.BytesIO(files.xlsm()), "plan.pdf")}, content_type="multipart/form-data"
    )
    assert refused.status_code == 422 and "The file carries macros" in refused.get_data(as_text=True)
    chinese = client.post(
        url,
        data={f"{prefix}-file": (io.BytesIO(files.ELF), "plan.pdf")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "zh-CN"},
    )
    assert chinese.status_code == 422 and "该文件是程序或脚本" in chinese.get_data(as_text=True)


def test_after_the_deadline_the_form_gives_way_to_the_deadline(client, handin, login_as):
    round_, team, captain = handin
    round_.works_due_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    login_as(user=captain)
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "The deadline has passed" in page and "data-work-upload" not in page


def test_an_organizer_extends_a_deadline_from_the_page(client, handin, login_as):
    round_, team, _captain = handin
    login_as()
    url = f"/rounds/{round_.id}/teams/{team.id}/extension"
    assert client.get(url).status_code == 200
    refused = client.post(url, data={"until": "2001-01-01T10:00", "reason": "ill"})
    assert refused.status_code == 422
    until = (utcnow() + timedelta(days=3)).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, data={"until": until, "reason": "ill"}).status_code == 302


def test_the_team_page_takes_a_work_larger_than_the_forms_limit(client, handin, login_as, app):
    round_, team, captain = handin
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # the forms' and imports' limit; a work's is its own
    login_as(user=captain)
    big = files.pdf(1) + b"%" * (1536 * 1024)
    prefix = f"work-{round_.id}-plan"
    done = client.post(
        f"/rounds/{round_.id}/works/{team.id}/plan",
        data={f"{prefix}-file": (io.BytesIO(big), "big.pdf")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302 and db.session.query(Work).one().size == len(big)
