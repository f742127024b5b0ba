"""Contests through the API and the organizer's form: defaults, time zones, rules, audit."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Contest, utcnow

BODY = {
    "name": "第十六届全国大学生电子商务“三创赛”",
    "year": 2026,
    "registration_opens_at": "2026-03-01T09:00:00",
    "registration_closes_at": "2026-04-30T17:00:00+08:00",
    "tracks": [
        {"code": "cg", "name": "常规赛", "kind": "regular"},
        {"code": "CB", "name": "跨境电商实战赛", "kind": "practical"},
    ],
}


@pytest.fixture
def organizer_headers(make_user, token_for):
    return token_for(make_user("organizer"))


def test_create_contest_fills_the_domain_defaults(client, organizer_headers):
    response = client.post("/api/v1/contests", headers=organizer_headers, json=BODY)
    assert response.status_code == 201, response.json
    contest = response.json
    assert (contest["min_members"], contest["max_members"]) == (3, 5)
    assert (contest["max_university_advisors"], contest["max_enterprise_advisors"]) == (2, 2)
    assert (contest["team_name_max"], contest["project_title_max"]) == (16, 30)
    assert [t["code"] for t in contest["tracks"]] == ["CG", "CB"]
    assert contest["timezone"] == "Asia/Shanghai"
    assert client.get(f"/api/v1/contests/{contest['id']}").json["name"] == BODY["name"]


def test_times_without_an_offset_are_in_the_contest_time_zone(client, organizer_headers):
    contest = client.post("/api/v1/contests", headers=organizer_headers, json=BODY).json
    assert contest["registration_opens_at"] == "2026-03-01T09:00:00+08:00"
    stored = db.session.get(Contest, contest["id"])
    assert stored.registration_opens_at == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"registration_closes_at": "2026-02-01T00:00:00+08:00"}, "registration_closes_at"),
        ({"min_members": 6}, "max_members"),
        ({"max_members": 11}, "max_members"),
        ({"team_name_max": 0}, "team_name_max"),
        ({"year": 1999}, "year"),
        ({"name": "  "}, "name"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"tracks": []}, "tracks"),
        (
            {"tracks": [{"code": "CB", "name": "A", "kind": "regular"}, {"code": "cb", "name": "B", "kind": "regular"}]},
            "tracks.1.code",
        ),
        ({"tracks": [{"code": "C-B", "name": "A", "kind": "regular"}]}, "tracks.0.code"),
        ({"tracks": [{"code": "CB", "name": "A", "kind": "online"}]}, "tracks.0.kind"),
    ],
)
def test_contest_rules_name_the_field(client, organizer_headers, change, field):
    response = client.post("/api/v1/contests", headers=organizer_headers, json={**BODY, **change})
    assert response.status_code == 422
    assert field in response.json["error"]["fields"], response.json
    assert db.session.scalar(select(Contest.id)) is None


def test_list_contests_newest_first(client, make_contest):
    make_contest(name="旧赛事", year=2024)
    make_contest(name="新赛事", year=2026)
    items = client.get("/api/v1/contests").json["items"]
    assert [item["name"] for item in items] == ["新赛事", "旧赛事"]
    assert items[0]["status"] == "registration_open"


def test_unknown_contest_is_404(client):
    response = client.get("/api/v1/contests/999")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("role", ["coordinator", "judge", "captain"])
def test_only_organizers_create_contests(client, make_user, token_for, role):
    assert client.post("/api/v1/contests", headers=token_for(make_user(role)), json=BODY).status_code == 403


def form_data(**overrides):
    data = {
        "name": "校赛 2026",
        "year": "2026",
        "timezone": "Asia/Shanghai",
        "registration_opens_at": "2026-03-01T09:00",
        "registration_closes_at": "2026-04-30T17:00",
        "min_members": "3",
        "max_members": "5",
        "max_university_advisors": "2",
        "max_enterprise_advisors": "2",
        "team_name_max": "16",
        "project_title_max": "30",
        "tracks-0-code": "CG",
        "tracks-0-name": "常规赛",
        "tracks-0-kind": "regular",
        "tracks-1-code": "",
        "tracks-1-name": "",
        "tracks-1-kind": "regular",
        "tracks-2-code": "CB",
        "tracks-2-name": "实战赛",
        "tracks-2-kind": "practical",
    }
    data.update(overrides)
    return data


def test_organizer_creates_and_edits_a_contest_in_the_browser(client, login_as):
    organizer = login_as("organizer")
    response = client.post("/contests/new", data=form_data(), follow_redirects=True)
    assert "The contest 校赛 2026 is saved." in response.get_data(as_text=True)
    contest = db.session.scalars(select(Contest)).one()
    assert [t.code for t in contest.tracks] == ["CG", "CB"]

    edit = client.get(f"/contests/{contest.id}/edit").get_data(as_text=True)
    assert 'value="2026-03-01T09:00"' in edit  # shown in the contest's time zone
    client.post(f"/contests/{contest.id}/edit", data=form_data(name="校赛 2026（修订）", max_members="4"))
    db.session.refresh(contest)
    assert contest.name == "校赛 2026（修订）" and contest.max_members == 4
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contest.update")).one()
    assert event.actor_id == organizer.id
    assert event.before["max_members"] == 5 and event.after["max_members"] == 4


def test_a_tracks_entrants_and_their_number_are_set_on_the_form(client, login_as):
    login_as("organizer")
    data = form_data(
        language="en", **{"tracks-2-entrant": "organization", "tracks-2-max_members": "2", "tracks-0-entrant": "individual"}
    )
    client.post("/contests/new", data=data)
    contest = db.session.scalars(select(Contest)).one()
    assert [(t.code, t.entrant, t.min_members, t.max_members) for t in contest.tracks] == [
        ("CG", "individual", None, None),
        ("CB", "organization", None, 2),
    ]
    edit = client.get(f"/contests/{contest.id}/edit").get_data(as_text=True)
    assert '<option selected value="organization">' in edit
    page = client.post(f"/contests/{contest.id}/edit", data={**data, "tracks-0-max_members": "3"}).get_data(as_text=True)
    assert "An individual entrant is one person; leave this empty or enter 1." in page


def test_form_errors_appear_at_the_track_row_that_has_them(client, login_as):
    login_as("organizer")
    response = client.post("/contests/new", data=form_data(**{"tracks-2-code": "CG"}))
    page = response.get_data(as_text=True)
    assert "The code CG is used twice." in page
    assert db.session.scalar(select(Contest.id)) is None


def test_form_refuses_a_window_that_closes_before_it_opens(client, login_as):
    login_as("organizer")
    page = client.post("/contests/new", data=form_data(registration_closes_at="2026-01-01T00:00")).get_data(as_text=True)
    assert "Registration must close after it opens." in page


def test_a_track_with_teams_cannot_be_removed(client, organizer_headers, make_contest, make_team, make_college):
    contest = make_contest()
    college = make_college()
    for _ in range(2):
        make_team(contest, college=college, track="CB")
    body = {**BODY, "tracks": [{"code": "CG", "name": "常规赛", "kind": "regular"}]}
    response = client.put(f"/api/v1/contests/{contest.id}", headers=organizer_headers, json=body)
    assert response.status_code == 409, response.json  # was a 500 (the teams' foreign key)
    error = response.json["error"]
    assert error["code"] == "track_has_teams" and (error["track"], error["teams"]) == ("CB", 2)
    assert error["message"].startswith("The track CB (跨境电商实战赛) has 2 teams; it cannot be removed.")
    assert [track.code for track in db.session.get(Contest, contest.id).tracks] == ["CG", "CB"]


def test_a_track_without_teams_can_be_removed(client, organizer_headers, make_contest, make_team):
    contest = make_contest()
    make_team(contest, track="CB")
    body = {**BODY, "tracks": [{"code": "CB", "name": "跨境电商实战赛", "kind": "practical"}]}
    response = client.put(f"/api/v1/contests/{contest.id}", headers=organizer_headers, json=body)
    assert response.status_code == 200 and [track["code"] for track in response.json["tracks"]] == ["CB"]


def test_the_edit_form_says_why_a_track_stays(client, login_as, make_contest, make_team):
    contest = make_contest()
    make_team(contest, track="CB")
    login_as("organizer")
    data = form_data(**{"tracks-2-code": "", "tracks-2-name": ""})
    response = client.post(f"/contests/{contest.id}/edit", data=data)
    assert response.status_code == 409
    assert "The track CB (跨境电商实战赛) has 1 team; it cannot be removed." in response.get_data(as_text=True)


def _tracks_of(contest, **kinds):
    return [{"code": t.code, "name": t.name, "kind": kinds.get(t.code, t.kind)} for t in contest.tracks]


def test_a_tracks_kind_does_not_flip_while_it_has_teams(client, organizer_headers, make_contest, make_team):
    """The kind is the category of the one-student-per-category rule: flipping it under registered teams
    would let one student into two teams of one category."""
    contest = make_contest()
    make_team(contest, track="CB")
    make_team(contest, track="CB")
    body = {**BODY, "tracks": _tracks_of(contest, CB="regular")}
    response = client.put(f"/api/v1/contests/{contest.id}", headers=organizer_headers, json=body)
    assert response.status_code == 409, response.json
    error = response.json["error"]
    assert error["code"] == "track_has_teams" and error["track"] == "CB" and error["teams"] == 2
    assert "CB" in error["message"] and "2 teams" in error["message"]
    db.session.refresh(contest)
    assert {t.code: t.kind for t in contest.tracks}["CB"] == "practical"
    # A track without teams changes its kind freely.
    body = {**BODY, "tracks": _tracks_of(contest, CG="practical")}
    assert client.put(f"/api/v1/contests/{contest.id}", headers=organizer_headers, json=body).status_code == 200


def test_a_track_whose_teams_all_withdrew_may_change_its_kind(client, organizer_headers, make_contest, make_team):
    from app.registration.review import withdraw_team

    contest = make_contest()
    withdraw_team(make_team(contest, track="CB"), "不参赛了", actor=None, now=utcnow())
    db.session.commit()
    body = {**BODY, "tracks": _tracks_of(contest, CB="regular")}
    assert client.put(f"/api/v1/contests/{contest.id}", headers=organizer_headers, json=body).status_code == 200


def test_the_form_says_at_the_track_why_its_kind_stays(client, login_as, make_contest, make_team):
    login_as("organizer")
    contest = make_contest()
    make_team(contest, track="CB")
    data = form_data(**{"tracks-2-kind": "regular"})
    response = client.post(f"/contests/{contest.id}/edit", data=data)
    assert response.status_code == 409
    assert "This track has 1 team: its kind cannot change while it has teams." in response.get_data(as_text=True)


def test_the_form_chooses_the_contest_s_language_and_shows_it_when_edited(client, login_as):
    login_as("organizer")
    new = client.get("/contests/new").get_data(as_text=True)
    assert (
        '<option selected value="zh">Chinese first (中文)</option>' in new and '<option value="en">English first</option>' in new
    )
    client.post("/contests/new", data=form_data(language="en"))
    contest = db.session.scalars(select(Contest)).one()
    assert contest.language == "en"
    client.get("/language/zh")
    edit = client.get(f"/contests/{contest.id}/edit").get_data(as_text=True)
    assert '<option selected value="en">英文优先（English）</option>' in edit and "赛事语言" in edit
    assert client.post(f"/contests/{contest.id}/edit", data=form_data(language="zh")).status_code == 302
    db.session.refresh(contest)
    assert contest.language == "zh"
