"""Every registration rule, one case each, through registerTeam: the status, the error code, and
the field the message is attached to. Nothing is saved when any rule fails."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Team, utcnow
from tests.conftest import team_input


def member(i, **overrides):
    return {"name": f"学生{i}", "student_id": f"2026{i:04d}", "email": f"s{i}@example.edu.cn", "captain": i == 0, **overrides}


def with_members(*members):
    return lambda data: data.update(members=list(members))


def set_member(index, **changes):
    return lambda data: data["members"][index].update(changes)


def set_field(**changes):
    return lambda data: data.update(changes)


def advisors(*kinds, **changes):
    return lambda data: data.update(
        advisors=[{"name": "王老师", "kind": kind, "organization": "浙江大学", **changes} for kind in kinds]
    )


RULES = [
    # (case, change to a valid registration, status, error field)
    ("team name longer than 16 characters", set_field(name="星" * 17), 422, "name"),
    ("team name missing", set_field(name="   "), 422, "name"),
    ("team name of zero-width characters only", set_field(name="\u200b\u200d\ufeff"), 422, "name"),
    ("team name with a right-to-left override", set_field(name="星火\u202e队"), 422, "name"),
    ("member name of Hangul fillers only", set_member(1, name="\u3164 \u3164"), 422, "members.1.name"),
    ("advisor title with a bidi isolate", advisors("university", title="\u2067教授\u2069"), 422, "advisors.0.title"),
    ("project title longer than 30 characters", set_field(project_title="作" * 31), 422, "project_title"),
    ("track not in the contest", set_field(track="XX"), 422, "track"),
    ("college unknown", set_field(college_id=987654), 422, "college_id"),
    ("too few students", with_members(member(0), member(1)), 422, "members"),
    ("too many students", with_members(*[member(i) for i in range(6)]), 422, "members"),
    ("no captain", set_member(0, captain=False), 422, "members"),
    ("two captains", set_member(1, captain=True), 422, "members"),
    ("student twice in the team", set_member(2, student_id="20260000"), 422, "members.2.student_id"),
    ("same student in full-width digits", set_member(2, student_id="２０２６００００"), 422, "members.2.student_id"),
    ("student ID missing", set_member(1, student_id=""), 422, "members.1.student_id"),
    ("student ID with symbols", set_member(1, student_id="2026#01"), 422, "members.1.student_id"),
    ("member name missing", set_member(1, name=""), 422, "members.1.name"),
    ("member name longer than 50 characters", set_member(1, name="名" * 51), 422, "members.1.name"),
    ("email malformed", set_member(0, email="not-an-email"), 422, "members.0.email"),
    ("email missing", set_member(0, email=""), 422, "members.0.email"),
    ("phone too short", set_member(0, phone="12345"), 422, "members.0.phone"),
    ("mainland mobile with a wrong prefix", set_member(0, phone="12800138000"), 422, "members.0.phone"),
    ("member college unknown", set_member(1, college_id=987654), 422, "members.1.college_id"),
    ("three university advisors", advisors("university", "university", "university"), 422, "advisors"),
    ("three enterprise advisors", advisors("enterprise", "enterprise", "enterprise"), 422, "advisors"),
    ("advisor kind unknown", advisors("parent"), 422, "advisors.0.kind"),
    ("advisor organization missing", advisors("university", organization=""), 422, "advisors.0.organization"),
    ("advisor email malformed", advisors("enterprise", email="x@"), 422, "advisors.0.email"),
]


@pytest.fixture
def setting(make_contest, make_college, make_user, token_for):
    contest = make_contest()
    college = make_college(code="4133010335", name="浙江大学")
    captain = make_user("captain")
    return contest, college, token_for(captain)


def valid(college_id):
    return {**team_input(college_id), "members": [member(i) for i in range(3)]}


@pytest.mark.parametrize("case, change, status, field", RULES, ids=[rule[0] for rule in RULES])
def test_each_rule_names_its_field_and_saves_nothing(client, setting, case, change, status, field):
    contest, college, headers = setting
    data = valid(college.id)
    change(data)
    response = client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=data)
    assert response.status_code == status, response.json
    assert field in response.json["error"]["fields"], response.json
    assert db.session.scalar(select(func.count(Team.id))) == 0


ACCEPTED = [
    ("16 Chinese characters fit a team name", set_field(name="星" * 16), lambda team: team["name"] == "星" * 16),
    ("white space is trimmed", set_field(name="  星火 队  "), lambda team: team["name"] == "星火 队"),
    ("a joiner inside an emoji is kept", set_field(name="星火👩\u200d💻"), lambda team: team["name"] == "星火👩\u200d💻"),
    (
        "full-width student IDs are made half-width",
        set_member(1, student_id="ａｂ２０２６"),
        lambda team: team["members"][1]["student_id"] == "AB2026",
    ),
    (
        "emails are lowercased",
        set_member(0, email="Zhang.San@Example.EDU.cn"),
        lambda team: team["members"][0]["email"] == "zhang.san@example.edu.cn",
    ),
    (
        "phones lose spaces and dashes",
        set_member(0, phone="138 0013-8000"),
        lambda team: team["members"][0]["phone"] == "13800138000",
    ),
    ("international phones", set_member(0, phone="+852 9123 4567"), lambda team: team["members"][0]["phone"] == "+85291234567"),
    (
        "a member's college defaults to the team's",
        set_member(1, college_id=None),
        lambda team: team["members"][1]["college"] == "浙江大学",
    ),
    ("five students", with_members(*[member(i) for i in range(5)]), lambda team: len(team["members"]) == 5),
    ("two advisors of each kind", advisors("university", "university"), lambda team: len(team["advisors"]) == 2),
    ("no advisors", set_field(advisors=[]), lambda team: team["advisors"] == []),
]


@pytest.mark.parametrize("case, change, check", ACCEPTED, ids=[rule[0] for rule in ACCEPTED])
def test_valid_variations_are_saved_normalized(client, setting, case, change, check):
    contest, college, headers = setting
    data = valid(college.id)
    change(data)
    response = client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=data)
    assert response.status_code == 201, response.json
    assert check(client.get(f"/api/v1/teams/{response.json['id']}", headers=headers).json)


@pytest.mark.parametrize("name", ["\u200b\u200b", "星火\u202e队"], ids=["zero-width only", "right-to-left override"])
def test_the_rules_refuse_a_disguised_name_whichever_way_it_comes(setting, name):
    """The API, the form and the import refuse it at their doors (app.text); the rules refuse it too."""
    from app.errors import InvalidDataError
    from app.registration.services import register_team

    contest, college, _headers = setting
    with pytest.raises(InvalidDataError) as refused:
        register_team(contest, {**valid(college.id), "name": name}, actor=None, now=utcnow())
    assert list(refused.value.fields) == ["name"]
    assert "invisible" in refused.value.fields["name"][0] or "direction" in refused.value.fields["name"][0]


def test_closed_window_gets_409_with_the_dates(client, make_contest, make_college, make_user, token_for):
    now = utcnow()
    contest = make_contest(registration_opens_at=now - timedelta(days=30), registration_closes_at=now - timedelta(days=1))
    college = make_college()
    response = client.post(
        f"/api/v1/contests/{contest.id}/teams", headers=token_for(make_user("captain")), json=valid(college.id)
    )
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "registration_closed"
    assert error["closes_at"] in error["message"] and "Asia/Shanghai" in error["message"]
    late = client.post(f"/api/v1/contests/{contest.id}/teams", headers=token_for(make_user("organizer")), json=valid(college.id))
    assert late.status_code == 201  # organizers may register late


def test_not_yet_open_window_gets_409(client, make_contest, make_college, make_user, token_for):
    now = utcnow()
    contest = make_contest(registration_opens_at=now + timedelta(days=1), registration_closes_at=now + timedelta(days=9))
    response = client.post(
        f"/api/v1/contests/{contest.id}/teams", headers=token_for(make_user("captain")), json=valid(make_college().id)
    )
    assert response.status_code == 409 and response.json["error"]["code"] == "registration_closed"


def test_a_student_in_another_team_of_the_category_gets_409_naming_it_to_whoever_may_see_it(
    client, setting, make_user, token_for
):
    """The team holding the student is named to its own captain and to organizers; another captain (or a
    coordinator of another college) learns only that the student is taken, not which team has them."""
    contest, college, headers = setting
    first = client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=valid(college.id)).json
    second = valid(college.id)
    second["members"][1] = member(1)  # the same student as in the first team
    for i in (0, 2):
        second["members"][i]["student_id"] = f"9{i}"
    url = f"/api/v1/contests/{contest.id}/teams"
    for who, named in ((headers, True), (token_for(make_user("organizer")), True), (token_for(make_user("captain")), False)):
        response = client.post(url, headers=who, json=second)
        assert response.status_code == 409
        error = response.json["error"]
        assert error["code"] == "duplicate_student"
        field = error["fields"]["members.1.student_id"][0]
        assert (first["number"] in error["message"], first["number"] in field) == (named, named)
        if not named:
            assert "already in a team of this category" in field and "星火队" not in str(error)


def test_the_same_student_may_join_one_team_in_each_category(client, setting, make_user, token_for):
    contest, college, headers = setting
    assert client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=valid(college.id)).status_code == 201
    regular = {**valid(college.id), "track": "CG"}
    assert (
        client.post(f"/api/v1/contests/{contest.id}/teams", headers=token_for(make_user("captain")), json=regular).status_code
        == 201
    )


def test_a_student_of_another_college_with_the_same_id_is_another_student(client, setting, make_college, make_user, token_for):
    contest, college, headers = setting
    assert client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=valid(college.id)).status_code == 201
    other = make_college()
    response = client.post(f"/api/v1/contests/{contest.id}/teams", headers=token_for(make_user("captain")), json=valid(other.id))
    assert response.status_code == 201


def test_coordinators_register_for_their_own_college_only(client, make_contest, make_college, make_user, token_for):
    contest = make_contest()
    own, other = make_college(), make_college()
    coordinator = make_user("coordinator", contest_id=contest.id, college_id=own.id)
    headers = token_for(coordinator)
    assert client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=valid(other.id)).status_code == 403
    response = client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=valid(own.id))
    assert response.status_code == 201


def test_team_numbers_count_per_track(client, setting, make_user, token_for):
    contest, college, headers = setting
    numbers = []
    for index, track in enumerate(["CB", "CB", "CG"]):
        data = valid(college.id)
        data["track"] = track
        for i, m in enumerate(data["members"]):
            m["student_id"] = f"{index}{i}"
        numbers.append(
            client.post(f"/api/v1/contests/{contest.id}/teams", headers=token_for(make_user("captain")), json=data).json["number"]
        )
    year = contest.year
    assert numbers == [f"{year}-CB-00001", f"{year}-CB-00002", f"{year}-CG-00001"]


def test_malformed_body_never_500(client, setting):
    contest, college, headers = setting
    for body in ({"members": "many"}, {"members": [1, 2, 3]}, {"advisors": [{}]}, []):
        response = client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=body)
        assert response.status_code == 422, (body, response.json)
