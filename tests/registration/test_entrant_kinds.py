"""Entrants of every kind: a student team, an individual (student or not) and an organization, each the entrant
of its track, from any country (issue 24's gaps: individuals were one-person teams, a registration without a
college or student ID was a 422, nationality could not be recorded, team size was the contest's only)."""

import pytest

from app.extensions import db

TRACKS = [
    {"code": "YT", "name": "Youth teams", "kind": "regular", "entrant": "team", "min_members": 2, "max_members": 8},
    {"code": "IN", "name": "Individuals", "kind": "regular", "entrant": "individual"},
    {"code": "OR", "name": "Companies", "kind": "practical", "entrant": "organization", "max_members": 3},
]
CREDIT_CODE = "91110108551385082Q"  # a valid 统一社会信用代码


@pytest.fixture
def contest(make_contest):
    return make_contest(name="Sail to Hangzhou", tracks=TRACKS, min_members=3, max_members=5)


@pytest.fixture
def organizer(make_user, token_for):
    return token_for(make_user("organizer"))


def person(name, email, **extra):
    return {"name": name, "email": email, **extra}


def individual(**overrides):
    data = {
        "project_title": "Solar carts for street vendors",
        "track": "IN",
        "members": [person("Amina Okoye", "amina@example.com", nationality="NG")],
    }
    data.update(overrides)
    return data


def organization(**overrides):
    data = {
        "project_title": "跨境冷链一站式平台",
        "track": "OR",
        "organization": {
            "name": "杭州云帆供应链管理有限公司",
            "country": "CN",
            "credit_code": CREDIT_CODE,
            "contact": {"name": "李娜", "email": "lina@yunfan.example.com", "phone": "13800138000"},
            "address": "浙江省杭州市余杭区文一西路 998 号",
        },
        "members": [person("王强", "wq@yunfan.example.com", captain=True)],
    }
    data.update(overrides)
    return data


def register(client, contest, headers, body):
    return client.post(f"/api/v1/contests/{contest.id}/teams", json=body, headers=headers)


def test_a_track_says_who_enters_and_how_many(client, contest):
    tracks = client.get(f"/api/v1/contests/{contest.id}").json["tracks"]
    assert [(t["code"], t["entrant"], t["min_members"], t["max_members"]) for t in tracks] == [
        ("YT", "team", 2, 8),
        ("IN", "individual", None, None),
        ("OR", "organization", None, 3),
    ]


def test_an_individual_who_is_not_a_student_registers_without_college_or_student_id(client, contest, organizer):
    response = register(client, contest, organizer, individual())
    assert response.status_code == 201, response.json
    team = client.get(f"/api/v1/teams/{response.json['id']}", headers=organizer).json
    assert team["kind"] == "individual"
    assert team["name"] == "Amina Okoye"  # an individual's entry is named after them
    assert team["college_id"] is None and team["college"] is None and team["province"] == ""
    assert team["country"] == "NG"  # from the person's nationality
    (member,) = team["members"]
    assert member["student_id"] is None and member["nationality"] == "NG" and member["captain"] is True


def test_an_individual_student_names_college_and_student_id(client, contest, organizer, make_college):
    oxford = make_college(country="GB", name="University of Oxford")
    body = individual(
        college_id=oxford.id, members=[person("Tom Hale", "tom@ox.example.ac.uk", student_id="ox-1", nationality="IE")]
    )
    response = register(client, contest, organizer, body)
    assert response.status_code == 201, response.json
    team = client.get(f"/api/v1/teams/{response.json['id']}", headers=organizer).json
    assert team["country"] == "GB"  # the institution's country; the person's nationality is their own
    assert team["members"][0]["student_id"] == "OX-1" and team["members"][0]["nationality"] == "IE"


def test_an_individual_is_one_person(client, contest, organizer):
    two = individual(members=[person("A", "a@example.com", nationality="FR"), person("B", "b@example.com", nationality="FR")])
    response = register(client, contest, organizer, two)
    assert response.status_code == 422
    assert response.json["error"]["message"] == "The participant cannot be registered as it is; check the marked fields."
    assert response.json["error"]["fields"]["members"] == ["An individual entry lists exactly one person; this one has 2."]


def test_an_individual_without_college_or_nationality_is_asked_for_a_country(client, contest, organizer):
    response = register(client, contest, organizer, individual(members=[person("A", "a@example.com")]))
    assert response.status_code == 422
    assert response.json["error"]["fields"]["country"] == ["Give the country you enter from, or your college."]


def test_a_country_is_an_iso_code(client, contest, organizer):
    body = individual(members=[person("A", "a@example.com", nationality="UK")], country="XX")
    response = register(client, contest, organizer, body)
    assert response.status_code == 422
    assert "ISO 3166" in response.json["error"]["fields"]["members.0.nationality"][0]
    assert "ISO 3166" in response.json["error"]["fields"]["country"][0]


def test_an_organization_applies_with_its_own_fields(client, contest, organizer):
    response = register(client, contest, organizer, organization())
    assert response.status_code == 201, response.json
    team = client.get(f"/api/v1/teams/{response.json['id']}", headers=organizer).json
    assert team["kind"] == "organization" and team["country"] == "CN" and team["college_id"] is None
    assert team["name"] == "杭州云帆供应链管理有限公司"
    assert team["organization"] == {
        "name": "杭州云帆供应链管理有限公司",
        "country": "CN",
        "credit_code": CREDIT_CODE,
        "address": "浙江省杭州市余杭区文一西路 998 号",
        "contact": {"name": "李娜", "email": "lina@yunfan.example.com", "phone": "13800138000", "nationality": "CN"},
    }
    assert team["members"][0]["student_id"] is None


def test_a_chinese_organizations_credit_code_is_checked_by_its_check_digit(client, contest, organizer):
    body = organization()
    body["organization"]["credit_code"] = CREDIT_CODE[:-1] + "A"
    response = register(client, contest, organizer, body)
    assert response.status_code == 422
    assert response.json["error"]["message"] == "The application cannot be registered as it is; check the marked fields."
    assert "check digit is wrong" in response.json["error"]["fields"]["organization.credit_code"][0]
    body["organization"]["credit_code"] = ""
    response = register(client, contest, organizer, body)
    assert response.json["error"]["fields"]["organization.credit_code"] == [
        "A Chinese organization gives its unified social credit code."
    ]


def test_an_organization_abroad_needs_no_credit_code(client, contest, organizer):
    body = organization()
    body["organization"].update(name="Nairobi Agritech Ltd", country="KE", credit_code=None)
    response = register(client, contest, organizer, body)
    assert response.status_code == 201, response.json
    assert client.get(f"/api/v1/teams/{response.json['id']}", headers=organizer).json["country"] == "KE"


def test_an_organization_track_asks_for_the_organization_and_its_contact(client, contest, organizer):
    response = register(client, contest, organizer, organization(organization=None))
    assert response.json["error"]["fields"]["organization"] == ["Give the organization: its name, country and contact person."]
    body = organization()
    body["organization"]["contact"] = {"name": "", "email": "not-an-email"}
    fields = register(client, contest, organizer, body).json["error"]["fields"]
    assert fields["organization.contact.name"] == ["This is required."]
    assert "email address" in fields["organization.contact.email"][0]


def test_only_an_organization_track_takes_an_organization(client, contest, organizer):
    response = register(client, contest, organizer, individual(organization=organization()["organization"]))
    assert response.json["error"]["fields"]["organization"] == ["Only an organization track's entrants give an organization."]


def test_the_tracks_own_size_limits_hold(client, contest, organizer, make_college):
    college = make_college()
    from tests.conftest import team_input

    eight = team_input(college.id, track="YT", members=8)
    assert register(client, contest, organizer, eight).status_code == 201  # the contest's 5 is not this track's limit
    nine = team_input(college.id, track="YT", members=9)
    response = register(client, contest, organizer, nine)
    assert response.json["error"]["fields"]["members"] == ["A team has 2 to 8 students; this one has 9."]
    four = organization(members=[person(f"P{i}", f"p{i}@example.com") for i in range(4)])
    response = register(client, contest, organizer, four)
    assert response.json["error"]["fields"]["members"] == ["An organization lists 0 to 3 people; this one has 4."]


def test_a_student_team_still_needs_its_college_and_student_ids(client, contest, organizer, make_college):
    from tests.conftest import team_input

    body = team_input(make_college().id, track="YT")
    body["college_id"] = None
    body["members"][1]["student_id"] = ""
    response = register(client, contest, organizer, body)
    assert response.json["error"]["fields"]["college_id"] == ["Choose the team's college from the list."]
    assert response.json["error"]["fields"]["members.1.student_id"] == ["This is required."]


def test_list_teams_filters_by_country_and_counts_countries(client, contest, organizer, make_college):
    register(client, contest, organizer, individual())
    register(client, contest, organizer, individual(members=[person("Lea", "lea@example.fr", nationality="FR")]))
    register(client, contest, organizer, organization())
    listed = client.get(f"/api/v1/contests/{contest.id}/teams?country=ng", headers=organizer).json
    assert [(item["name"], item["kind"], item["country"]) for item in listed["items"]] == [("Amina Okoye", "individual", "NG")]
    assert client.get(f"/api/v1/contests/{contest.id}").json["counts"] == {"entrants": 3, "countries": 3}


def test_a_track_with_entrants_keeps_its_entrant_kind(client, contest, organizer):
    register(client, contest, organizer, individual())
    body = client.get(f"/api/v1/contests/{contest.id}").json
    tracks = [dict(t, entrant="team") if t["code"] == "IN" else t for t in body["tracks"]]
    tracks = [{key: t[key] for key in ("code", "name", "kind", "entrant", "min_members", "max_members")} for t in tracks]
    update = {key: body[key] for key in ("name", "year", "timezone", "registration_opens_at", "registration_closes_at")}
    response = client.put(f"/api/v1/contests/{contest.id}", json={**update, "tracks": tracks}, headers=organizer)
    assert response.status_code == 409 and response.json["error"]["code"] == "track_has_teams"
    db.session.expire_all()


def test_track_size_limits_are_checked(client, organizer, make_contest):
    body = client.get(f"/api/v1/contests/{make_contest().id}").json
    update = {key: body[key] for key in ("name", "year", "timezone", "registration_opens_at", "registration_closes_at")}
    tracks = [
        {"code": "A", "name": "A", "kind": "regular", "entrant": "individual", "max_members": 2},
        {"code": "B", "name": "B", "kind": "regular", "entrant": "team", "min_members": 6, "max_members": 4},
    ]
    response = client.put(f"/api/v1/contests/{body['id']}", json={**update, "tracks": tracks}, headers=organizer)
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert fields["tracks.0.max_members"] == ["An individual entrant is one person; leave this empty or enter 1."]
    assert fields["tracks.1.max_members"] == ["The largest team cannot be smaller than the smallest."]
    crowd = [{"code": "C", "name": "C", "kind": "regular", "entrant": "crowd"}]
    response = client.put(f"/api/v1/contests/{body['id']}", json={**update, "tracks": crowd}, headers=organizer)
    assert response.json["error"]["fields"] == {"tracks.0.entrant": ["Must be one of: team, individual, organization."]}


def test_a_university_applies_in_its_own_name(client, contest, organizer, make_college):
    zju = make_college(name="浙江大学")
    body = organization(college_id=zju.id, members=[])
    body["organization"].update(name="浙江大学", credit_code="12100000470095016Q")
    response = register(client, contest, organizer, body)
    assert response.status_code == 201, response.json
    team = client.get(f"/api/v1/teams/{response.json['id']}", headers=organizer).json
    assert (team["kind"], team["college"], team["name"], team["members"]) == ("organization", "浙江大学", "浙江大学", [])


def test_a_university_applying_as_an_organization_lists_its_staff_without_student_ids(client, contest, organizer, make_college):
    """The institution an organization entrant names is not its people's college: they are its staff."""
    university = make_college(name="浙江工商大学")
    body = organization(college_id=university.id)
    body["organization"].update(name="浙江工商大学", credit_code="12330000470003213G")
    response = register(client, contest, organizer, body)
    assert response.status_code == 201, response.json
    team = client.get(f"/api/v1/teams/{response.json['id']}", headers=organizer).json
    assert team["college_id"] == university.id and team["organization"]["name"] == "浙江工商大学"
    assert team["members"][0]["student_id"] is None and team["members"][0]["college_id"] is None
