"""The registration pages for every entrant kind: a contest whose tracks take different entrants asks which
track first, and each form asks for what its kind needs (issue 24: individuals had to be one-person teams,
companies fake colleges)."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Team

TRACKS = [
    {"code": "YT", "name": "青年团队 Youth teams", "kind": "regular", "entrant": "team"},
    {"code": "IN", "name": "个人 Individuals", "kind": "regular", "entrant": "individual"},
    {"code": "OR", "name": "企业 Companies", "kind": "practical", "entrant": "organization", "max_members": 2},
]


@pytest.fixture
def contest(make_contest):
    return make_contest(name="Sail to Hangzhou", tracks=TRACKS)


def test_the_person_chooses_the_track_first_when_tracks_take_different_entrants(client, login_as, contest):
    login_as("captain")
    page = client.get(f"/contests/{contest.id}/register").get_data(as_text=True)
    assert "Choose the track you enter" in page
    for code, kind in (("YT", "Student team"), ("IN", "Individual participant"), ("OR", "Organization (company or institution)")):
        assert f"track={code}" in page and kind in page


def test_an_individual_registers_on_a_one_person_form(client, login_as, contest):
    login_as("captain")
    form = client.get(f"/contests/{contest.id}/register?track=IN").get_data(as_text=True)
    assert "Register as a participant" in form and 'name="members-1-name"' not in form  # one person, no team rows
    assert 'name="members-0-nationality"' in form and "Student ID (students only)" in form
    response = client.post(
        f"/contests/{contest.id}/register?track=IN",
        data={
            "track": "IN",
            "project_title": "Solar carts",
            "members-0-name": "Amina Okoye",
            "members-0-email": "amina@example.com",
            "members-0-nationality": "NG",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    team = db.session.scalar(select(Team).where(Team.contest_id == contest.id))
    assert (team.kind, team.name, team.country, team.college_id) == ("individual", "Amina Okoye", "NG", None)
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "waits for the organizers&#39; review" in shown and "Nigeria" in shown


def test_an_individual_without_a_country_is_told_at_the_field(client, login_as, contest):
    login_as("captain")
    page = client.post(
        f"/contests/{contest.id}/register?track=IN",
        data={"track": "IN", "project_title": "Solar carts", "members-0-name": "A", "members-0-email": "a@example.com"},
    )
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Give the country you enter from, or your college." in text


def test_an_organization_applies_with_its_credit_code_and_contact(client, login_as, contest):
    login_as("captain")
    form = client.get(f"/contests/{contest.id}/register?track=OR").get_data(as_text=True)
    assert "Apply as an organization" in form and "Unified social credit code" in form
    data = {
        "track": "OR",
        "project_title": "跨境冷链平台",
        "organization-name": "杭州云帆供应链管理有限公司",
        "organization-country": "CN",
        "organization-credit_code": "91110108551385082A",
        "organization-contact_name": "李娜",
        "organization-contact_email": "lina@example.com",
    }
    refused = client.post(f"/contests/{contest.id}/register?track=OR", data=data)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "check digit is wrong" in text and "杭州云帆供应链管理有限公司" in text  # kept what was typed
    response = client.post(
        f"/contests/{contest.id}/register?track=OR", data={**data, "organization-credit_code": "91110108551385082Q"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    team = db.session.scalar(select(Team).where(Team.contest_id == contest.id))
    assert team.kind == "organization" and team.organization.credit_code == "91110108551385082Q"
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "91110108551385082Q" in shown and "李娜" in shown


def test_a_student_teams_form_is_as_before(client, login_as, contest):
    login_as("captain")
    form = client.get(f"/contests/{contest.id}/register?track=YT").get_data(as_text=True)
    assert "Register a team" in form and 'name="members-4-name"' in form and "organization-name" not in form


def test_the_team_list_filters_by_country_and_names_countries(client, login_as, contest):
    from app.models import utcnow
    from app.registration.services import register_team

    for name, nationality in (("Amina Okoye", "NG"), ("Léa Martin", "FR")):
        body = {
            "track": "IN",
            "project_title": "P",
            "members": [{"name": name, "email": f"{nationality}@example.com", "nationality": nationality}],
        }
        register_team(contest, body, actor=None, now=utcnow())
    db.session.commit()
    login_as("organizer")
    page = client.get(f"/contests/{contest.id}/teams").get_data(as_text=True)
    assert "Nigeria" in page and "France" in page and 'name="country"' in page
    page = client.get(f"/contests/{contest.id}/teams?country=FR").get_data(as_text=True)
    assert "Léa Martin" in page and "Amina Okoye" not in page


def test_editing_a_national_team_keeps_its_members_nationalities(client, login_as, make_team, make_user, make_contest):
    from app.models import utcnow
    from app.registration.services import update_team

    contest = make_contest(tracks=TRACKS, language="zh")
    captain = make_user("captain", contest_id=contest.id)
    team = make_team(contest, owner=captain, track="YT")
    members = [dict(m, nationality="HK" if i == 1 else None) for i, m in enumerate(team_as_members(team))]
    update_team(team, {"members": members}, actor=None, now=utcnow())
    db.session.commit()
    login_as(user=captain)
    form = client.get(f"/teams/{team.id}/edit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'name="members-1-nationality"' in form and "Nationality" not in form  # kept, not asked
    data = {key: value for key, value in extract_inputs(form).items()}
    data.update(project_title="乡村好物直播间（第二版）", captain="0")
    assert client.post(f"/teams/{team.id}/edit", data=data).status_code == 302
    db.session.refresh(team)
    assert team.project_title.endswith("（第二版）") and [m.nationality for m in team.members][:2] == ["CN", "HK"]


def team_as_members(team):
    return [{"name": m.name, "student_id": m.student_id, "email": m.email, "captain": m.is_captain} for m in team.members]


def extract_inputs(page):
    import re

    inputs = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, flags=re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', body)
        inputs[name] = chosen.group(1) if chosen else ""
    return inputs


def test_the_counts_page_counts_entrants_by_country(client, login_as, contest):
    from app.models import utcnow
    from app.registration.services import register_team

    for name, nationality in (("Amina Okoye", "NG"), ("Léa Martin", "FR"), ("Chidi Obi", "NG")):
        body = {
            "track": "IN",
            "project_title": "P",
            "members": [{"name": name, "email": f"{name[:3]}@example.com", "nationality": nationality}],
        }
        register_team(contest, body, actor=None, now=utcnow())
    db.session.commit()
    login_as("organizer")
    page = client.get(f"/contests/{contest.id}/registrations").get_data(as_text=True)
    assert '<strong class="big">2</strong> countries' in page
    rows = dict(re.findall(r'country=(\w\w)">[^<]+</a></td>.*?<td>(\d+)</td></tr>', page, flags=re.S))
    assert rows == {"FR": "1", "NG": "2"}


def test_the_countries_to_filter_by_are_each_country_of_this_contest_once_in_order(make_contest, make_college, make_team):
    from app.registration.queries import entrant_countries

    contest, other = make_contest(), make_contest()
    for country in ("NG", "CN", "FR", "CN", "NG"):
        make_team(contest, make_college(country=country))
    make_team(other, make_college(country="BR"))
    assert entrant_countries(contest) == ["CN", "FR", "NG"]
    assert entrant_countries(other) == ["BR"]
    assert entrant_countries(make_contest()) == []
