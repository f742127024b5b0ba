"""Registration in the browser's forms (without JavaScript): sign-up, the team form, review, lists."""

import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Team, User, utcnow
from tests.conftest import exported, outbox


def team_form(college="浙江大学 4133010335", captain="0", **overrides):
    data = {"name": "星火队", "project_title": "乡村好物直播间", "track": "CB", "college": college, "captain": captain}
    students = [("张三", "20260001"), ("李四", "20260002"), ("王五", "20260003"), ("赵六", "20260004")]
    for index, (name, student_id) in enumerate(students):
        data.update(
            {
                f"members-{index}-name": name,
                f"members-{index}-student_id": student_id,
                f"members-{index}-email": f"s{index}@example.edu.cn",
                f"members-{index}-phone": "13800138000",
            }
        )
    data.update(
        {
            "advisors-0-kind": "university",
            "advisors-0-name": "王老师",
            "advisors-0-organization": "浙江大学",
            "advisors-0-title": "副教授",
        }
    )
    data.update(overrides)
    return data


@pytest.fixture
def zju(make_college):
    return make_college(code="4133010335", name="浙江大学")


def mailed_link(message) -> str:
    """The path of the sign-up link in a mail."""
    return urlsplit(re.search(r"https?://\S+/signup/confirm/\S+", message.get_content()).group(0)).path


def test_signup_mails_a_link_that_creates_the_captain_and_signs_in(app, client):
    page = client.post("/signup", data={"name": "队长甲", "email": "Captain@Example.cn"}).get_data(as_text=True)
    assert "Check your mail" in page and "Captain@Example.cn" in page
    assert db.session.scalar(select(User).where(User.email == "captain@example.cn")) is None  # not before the link
    [message] = outbox(app)
    assert message["To"] == "captain@example.cn"
    link = mailed_link(message)

    page = client.get(link).get_data(as_text=True)
    assert "Choose your password" in page and "队长甲" in page and "captain@example.cn" in page
    weak = client.post(link, data={"password": "12345678", "confirm_password": "12345678"})
    assert weak.status_code == 422 and "one of the most common passwords" in weak.get_data(as_text=True)
    response = client.post(link, data={"password": "long-enough-1", "confirm_password": "long-enough-1"}, follow_redirects=True)
    assert "Welcome, 队长甲" in response.get_data(as_text=True) and response.request.path == "/dashboard"
    user = db.session.scalar(select(User).where(User.email == "captain@example.cn"))
    assert user.has_role("captain") and user.check_password("long-enough-1")

    again = client.get(link)
    assert again.status_code == 409 and "created already" in again.get_data(as_text=True)


def test_signup_answers_the_same_for_a_taken_email_and_mails_its_owner(app, client, make_user):
    make_user("judge", email="taken@example.cn")
    users = db.session.scalars(select(User)).all()
    taken = client.post("/signup", data={"name": "X", "email": "taken@example.cn"})
    free = client.post("/signup", data={"name": "X", "email": "free@example.cn"})
    assert taken.status_code == free.status_code == 200
    assert taken.get_data(as_text=True).replace("taken@", "free@") == free.get_data(as_text=True)
    assert db.session.scalars(select(User)).all() == users
    to_owner, to_newcomer = outbox(app)
    assert to_owner["To"] == "taken@example.cn" and "You already have an account" in to_owner["Subject"]
    assert "/login" in to_owner.get_content() and "/signup/confirm/" not in to_owner.get_content()
    assert to_newcomer["To"] == "free@example.cn" and "/signup/confirm/" in to_newcomer.get_content()


def test_a_forged_or_expired_link_is_refused(app, client):
    from app.auth.signup import LINK_LIFETIME, _serializer

    assert client.get("/signup/confirm/not-a-token").status_code == 400
    forged = _serializer().dumps({"email": "x@example.cn", "name": "X", "at": 0})[:-2] + "xx"
    assert "not valid" in client.get(f"/signup/confirm/{forged}").get_data(as_text=True)
    old = int((utcnow() - LINK_LIFETIME - timedelta(minutes=1)).timestamp())
    expired = _serializer().dumps({"email": "x@example.cn", "name": "X", "at": old})
    response = client.post(f"/signup/confirm/{expired}", data={"password": "long-enough-1", "confirm_password": "long-enough-1"})
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "x@example.cn")) is None


def test_captain_registers_four_students_and_an_advisor(client, login_as, make_contest, zju):
    contest = make_contest()
    captain = login_as("captain")
    response = client.post(f"/contests/{contest.id}/register", data=team_form(captain="1"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "is registered and waits for its college" in page
    team = db.session.scalars(select(Team)).one()
    assert team.owner_id == captain.id and team.college_id == zju.id
    assert [m.name for m in team.members] == ["张三", "李四", "王五", "赵六"]
    assert team.captain.name == "李四"
    assert [a.name for a in team.advisors] == ["王老师"]
    assert "Submitted" in page and team.number in page


def test_errors_show_at_their_row_and_keep_what_was_typed(client, login_as, make_contest, zju):
    contest = make_contest()
    login_as("captain")
    data = team_form(**{"members-3-student_id": "20260001", "members-2-email": "nope"})
    response = client.post(f"/contests/{contest.id}/register", data=data)
    page = response.get_data(as_text=True)
    assert "This student is already member 1 of this team." in page
    assert "Enter an email address" in page
    assert 'value="赵六"' in page and 'value="王老师"' in page  # nothing typed is lost
    assert db.session.scalar(select(Team.id)) is None


def test_blank_rows_between_filled_ones_are_skipped_and_errors_map_back(client, login_as, make_contest, zju):
    contest = make_contest()
    login_as("captain")
    data = team_form(
        **{
            "members-1-name": "",
            "members-1-student_id": "",
            "members-1-email": "",
            "members-1-phone": "",
            "members-3-email": "bad",
        }
    )
    page = client.post(f"/contests/{contest.id}/register", data=data).get_data(as_text=True)
    # members.2 of the service is the fourth row on the page, in the summary at the top and at the field
    assert 'href="#members-3-email">Student 4 · Email: Enter an email address' in page
    assert page.rindex("Enter an email address") > page.index('name="members-3-email"')


def test_an_unknown_college_is_an_error_at_the_college_field(client, login_as, make_contest, zju):
    contest = make_contest()
    login_as("captain")
    page = client.post(f"/contests/{contest.id}/register", data=team_form(college="不存在的大学")).get_data(as_text=True)
    assert "Choose the team&#39;s college from the list." in page or "Choose the team's college from the list." in page


def test_the_college_can_be_typed_as_its_exact_name(client, login_as, make_contest, zju):
    contest = make_contest()
    login_as("captain")
    client.post(f"/contests/{contest.id}/register", data=team_form(college="浙江大学"))
    assert db.session.scalars(select(Team)).one().college_id == zju.id


def test_captain_edits_and_sees_the_review_decision(client, login_as, make_user, make_contest, zju):
    contest = make_contest()
    captain = login_as("captain")
    client.post(f"/contests/{contest.id}/register", data=team_form())
    team = db.session.scalars(select(Team)).one()
    edit = client.get(f"/teams/{team.id}/edit").get_data(as_text=True)
    assert 'value="星火队"' in edit and 'value="20260004"' in edit
    client.post(f"/teams/{team.id}/edit", data=team_form(name="燎原队"))
    client.post("/logout")
    login_as("coordinator", contest_id=contest.id, college_id=zju.id)
    client.post(f"/teams/{team.id}/review", data={"decision": "reject", "reason": "请补充作品说明"})
    client.post("/logout")
    login_as(user=captain)
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "燎原队" in page and "Not approved: 请补充作品说明" in page


def test_withdraw_from_the_team_page(client, login_as, make_contest, zju):
    contest = make_contest()
    login_as("captain")
    client.post(f"/contests/{contest.id}/register", data=team_form())
    team = db.session.scalars(select(Team)).one()
    page = client.post(f"/teams/{team.id}/withdraw", data={"reason": "队员退出"}, follow_redirects=True).get_data(as_text=True)
    assert "is withdrawn" in page and "Withdrawn: 队员退出" in page


def test_coordinator_lists_their_college_filters_and_approves_a_selection(
    client, login_as, make_contest, make_college, make_team, zju
):
    contest = make_contest()
    mine = [make_team(contest, zju) for _ in range(3)]
    other = make_team(contest, make_college(name="别的大学"))
    login_as("coordinator", contest_id=contest.id, college_id=zju.id)
    page = client.get(f"/contests/{contest.id}/teams").get_data(as_text=True)
    assert all(team.number in page for team in mine) and other.number not in page
    response = client.post(
        f"/contests/{contest.id}/teams/approve", data={"team_ids": [mine[0].id, mine[1].id]}, follow_redirects=True
    )
    assert "2 teams approved." in response.get_data(as_text=True)
    waiting = client.get(f"/contests/{contest.id}/teams?status=submitted").get_data(as_text=True)
    assert mine[2].number in waiting and mine[0].number not in waiting
    assert client.post(f"/contests/{contest.id}/teams/approve", data={"team_ids": [other.id]}).status_code == 403


def test_organizer_searches_sorts_and_counts(client, login_as, make_contest, make_college, make_team, zju):
    contest = make_contest()
    pku = make_college(code="4111010001", name="北京大学", province="北京市")
    first = make_team(contest, zju, prefix="ZJU")
    second = make_team(contest, pku, prefix="PKU", name="北大队")
    login_as("organizer")
    by_student = client.get(f"/contests/{contest.id}/teams", query_string={"q": first.members[1].student_id}).get_data(
        as_text=True
    )
    assert first.number in by_student and second.number not in by_student
    by_province = client.get(f"/contests/{contest.id}/teams", query_string={"province": "北京市"}).get_data(as_text=True)
    assert second.number in by_province and first.number not in by_province
    by_college = client.get(f"/contests/{contest.id}/teams", query_string={"q": "北京"}).get_data(as_text=True)
    assert second.number in by_college and first.number not in by_college
    sorted_page = client.get(f"/contests/{contest.id}/teams", query_string={"sort": "name"}).get_data(as_text=True)
    assert sorted_page.index(second.number) < sorted_page.index(first.number)  # 北 before 星
    counts = client.get(f"/contests/{contest.id}/registrations").get_data(as_text=True)
    assert "北京市" in counts and "浙江省" in counts


def test_import_page_lists_the_rows_to_fix(client, login_as, make_contest, zju):
    contest = make_contest()
    login_as("organizer")
    content = (
        "team,track,team_name,project_title,college_code,role,name,student_id,email\n1,CB,队,作品,4133010335,队长,张三,1,bad\n"
    )
    response = client.post(
        f"/contests/{contest.id}/teams/import",
        data={"file": (io.BytesIO(content.encode()), "t.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Rows to fix" in page and "A team has 3 to 5 students" in page


def test_the_export_button_makes_the_workbook_as_a_job_and_downloads_it(app, client, login_as, make_contest, make_team, zju):
    contest = make_contest()
    make_team(contest, zju)
    login_as("organizer")
    page = client.get(f"/contests/{contest.id}/teams?status=submitted").get_data(as_text=True)
    assert f'action="/contests/{contest.id}/teams/export?status=submitted"' in page
    response = exported(client, app, f"/contests/{contest.id}/teams/export?status=submitted")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert f"registrations-{contest.year}-{contest.id}.xlsx" in response.headers["Content-Disposition"]


def test_an_empty_form_reports_every_problem_at_once(client, login_as, make_contest):
    contest = make_contest()
    login_as("captain")
    page = client.post(f"/contests/{contest.id}/register", data={"captain": "0", "members-0-name": "张三"}).get_data(as_text=True)
    assert page.count("This is required.") >= 4  # team name, project title, the student's ID and email
    assert "A team has 3 to 5 students; this one has 1." in page


def test_the_team_list_pages_through_many_teams(client, login_as, make_contest, make_team, zju):
    contest = make_contest()
    teams = [make_team(contest, zju) for _ in range(3)]
    login_as("organizer")
    first = client.get(f"/contests/{contest.id}/teams", query_string={"per_page": 2, "status": "submitted"})
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert "Page 1 of 2" in page and f"/contests/{contest.id}/teams?" in page and "page=2" in page
    second = client.get(f"/contests/{contest.id}/teams", query_string={"per_page": 2, "status": "submitted", "page": 2})
    assert teams[2].number in second.get_data(as_text=True)


def test_too_many_sign_ups_are_refused_saying_when_to_retry(app, client):
    app.config["SIGNUP_RATE_LIMIT"] = "2 per hour"
    for _ in range(2):
        client.post("/signup", data={"name": "X", "email": "x@example.cn"})
    response = client.post("/signup", data={"name": "X", "email": "x@example.cn"})
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 3600
    assert "Too many sign-ups from your network. Try again in" in response.get_data(as_text=True)
    assert "minutes" in response.get_data(as_text=True)
