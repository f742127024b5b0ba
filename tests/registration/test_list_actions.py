"""The team list's actions as a person meets them: bulk approval and the import page, their messages in
English and Chinese, singular and plural."""

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Team
from tests.registration.test_transfer import HEADERS, good_team, person, workbook_bytes


@pytest.fixture
def zju(make_college):
    return make_college(code="4133010335", name="浙江大学")


def approve(client, contest, ids, **headers):
    return client.post(f"/contests/{contest.id}/teams/approve", data={"team_ids": ids}, headers=headers, follow_redirects=True)


def import_page(client, contest, content):
    return client.post(
        f"/contests/{contest.id}/teams/import",
        data={"file": (io.BytesIO(content), "teams.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_one_team_approved_reads_in_the_singular(client, login_as, make_contest, make_team, zju):
    contest = make_contest()
    first, second, third = (make_team(contest, zju) for _ in range(3))
    login_as("organizer")
    page = approve(client, contest, [first.id]).get_data(as_text=True)
    assert "1 team approved." in page and "1 teams" not in page
    assert "已通过 1 个团队。" in approve(client, contest, [second.id], **{"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "2 teams approved." in approve(client, contest, [third.id, make_team(contest, zju).id]).get_data(as_text=True)


def test_approving_with_nothing_ticked_asks_to_tick_and_changes_nothing(client, login_as, make_contest, make_team, zju):
    contest = make_contest()
    team = make_team(contest, zju)
    login_as("organizer")
    response = approve(client, contest, [])
    page = response.get_data(as_text=True)
    assert "Tick the teams to approve first." in page and "0 teams approved" not in page
    assert response.request.path == f"/contests/{contest.id}/teams"
    assert db.session.get(Team, team.id).status == "submitted"


def test_a_successful_import_says_how_many_teams_came_in(client, login_as, make_contest, zju):
    contest = make_contest()
    login_as("organizer")
    response = import_page(client, contest, workbook_bytes(good_team("1") + good_team("2")))
    assert response.request.path == f"/contests/{contest.id}/teams"
    assert "2 teams imported." in response.get_data(as_text=True)
    one = import_page(client, contest, workbook_bytes(good_team("3", prefix="U")))
    assert "1 team imported." in one.get_data(as_text=True)


def test_an_unknown_college_code_is_one_problem_in_the_sheets_own_terms(client, login_as, make_contest, zju):
    contest = make_contest()
    login_as("organizer")
    rows = good_team("1")
    rows[0][HEADERS.index("学校代码 college_code")] = "9999999999"
    page = import_page(client, contest, workbook_bytes(rows)).get_data(as_text=True)
    assert "No college has the code 9999999999." in page
    assert "from the list" not in page  # the form's words mean nothing in a spreadsheet
    assert "1 problem in the file" in page
    assert db.session.scalar(select(func.count(Team.id))) == 0


def test_an_empty_college_code_asks_for_the_code(client, login_as, make_contest, zju):
    contest = make_contest()
    login_as("organizer")
    rows = [person("1", "队长 captain", "张三", "T11", "t11@x.cn", "CB", "星火队", "乡村好物", "")] + good_team("1")[1:]
    page = import_page(client, contest, workbook_bytes(rows)).get_data(as_text=True)
    assert "Give the team&#39;s college code" in page and "from the list" not in page
    assert "1 problem in the file" in page


def test_the_registration_counts_read_in_the_singular(client, login_as, make_contest, make_team, zju):
    contest = make_contest()
    make_team(contest, zju)
    login_as("organizer")
    page = client.get(f"/contests/{contest.id}/registrations").get_data(as_text=True)
    assert '<strong class="big">1</strong> team<' in page and '<strong class="big">1</strong> college<' in page
    assert '<strong class="big">1</strong> province<' in page
