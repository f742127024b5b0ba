"""The registrations workbook, the import template, and importing teams all-or-nothing."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import Team, TeamMember
from app.registration.imports import TEMPLATE_COLUMNS
from tests.conftest import team_input

HEADERS = [header for _key, header in TEMPLATE_COLUMNS]


def workbook_bytes(rows, headers=HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def person(
    team, role, name, student_id="", email="", track="", team_name="", title="", college="", member_college="", organization=""
):
    row = dict.fromkeys(key for key, _header in TEMPLATE_COLUMNS)
    row.update(
        team=team,
        track=track,
        team_name=team_name,
        project_title=title,
        college_code=college,
        role=role,
        name=name,
        student_id=student_id,
        member_college_code=member_college,
        email=email,
        organization=organization,
    )
    return [row[key] for key, _header in TEMPLATE_COLUMNS]


def good_team(key, college="4133010335", prefix="T"):
    return [
        person(
            key,
            "队长 captain",
            "张三",
            f"{prefix}{key}1",
            f"{prefix.lower()}{key}1@x.cn",
            "CB",
            f"星火队{key}",
            "乡村好物",
            college,
        ),
        person(key, "队员 member", "李四", f"{prefix}{key}2", f"{prefix.lower()}{key}2@x.cn"),
        person(key, "队员 member", "王五", f"{prefix}{key}3", f"{prefix.lower()}{key}3@x.cn"),
        person(key, "高校指导老师 university", "赵老师", email="zhao@x.cn", organization="浙江大学"),
    ]


@pytest.fixture
def contest_and_headers(make_contest, make_college, make_user, token_for):
    contest = make_contest(language="zh")
    make_college(code="4133010335", name="浙江大学")
    make_college(code="4111010001", name="北京大学", province="北京市")
    return contest, token_for(make_user("organizer"))


def upload(client, contest, headers, content, filename="teams.xlsx"):
    return client.post(
        f"/api/v1/contests/{contest.id}/teams/import",
        headers=headers,
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_import_creates_every_team_with_members_and_advisors(client, contest_and_headers):
    contest, headers = contest_and_headers
    rows = good_team("1") + good_team("2")
    response = upload(client, contest, headers, workbook_bytes(rows))
    assert response.status_code == 201, response.json
    assert response.json == {"created": 2}
    teams = db.session.scalars(select(Team).order_by(Team.number)).all()
    assert [t.number for t in teams] == [f"{contest.year}-CB-00001", f"{contest.year}-CB-00002"]
    assert [m.name for m in teams[0].members] == ["张三", "李四", "王五"] and teams[0].members[0].is_captain
    assert teams[0].advisors[0].organization == "浙江大学"


def test_every_bad_row_is_reported_with_its_column_and_nothing_is_saved(client, contest_and_headers, make_team):
    contest, headers = contest_and_headers
    make_team(contest, prefix="OLD")
    rows = good_team("1") + good_team("2") + good_team("3") + good_team("4")
    rows[5][HEADERS.index("学号 student_id")] = "T11"  # row 7: the same student as row 2, in another team
    rows[9][HEADERS.index("邮箱 email")] = "bad-email"  # row 11: malformed email
    rows[15][HEADERS.index("角色 role")] = "啦啦队"  # row 17: unknown role
    rows.append(person("5", "队长 captain", "孙七", "T51", "s@x.cn", "CB", "新队", "作品", "9999999999"))  # row 18
    response = upload(client, contest, headers, workbook_bytes(rows))
    assert response.status_code == 422
    problems = {(row["row"], row["column"]) for row in response.json["error"]["rows"]}
    assert {(7, "student_id"), (11, "email"), (17, "role"), (18, "college_code")} <= problems
    assert db.session.scalar(select(func.count(Team.id))) == 1  # only the team made before


def test_a_student_already_registered_is_reported_with_the_team_number(client, contest_and_headers, make_team, make_college):
    contest, headers = contest_and_headers
    from app.models import College

    zju = db.session.scalar(select(College).where(College.code == "4133010335"))
    taken = make_team(contest, zju, prefix="OLD")
    rows = good_team("1")
    rows[1][HEADERS.index("学号 student_id")] = taken.members[0].student_id
    response = upload(client, contest, headers, workbook_bytes(rows))
    assert response.status_code == 422
    assert any(taken.number in row["message"] and row["row"] == 3 for row in response.json["error"]["rows"])


def test_a_coordinator_importing_another_colleges_student_does_not_learn_which_team_holds_them(
    client, contest_and_headers, make_team, make_college, make_user, token_for
):
    """The organizer is told the team's number (above); a coordinator who may not view that team is not."""
    contest, _organizer = contest_and_headers
    from app.models import College

    zju, pku = (db.session.scalar(select(College).where(College.code == code)) for code in ("4133010335", "4111010001"))
    taken = make_team(contest, pku, prefix="PKU")
    rows = good_team("1")  # a team of 浙江大学, whose second member is 北京大学's student
    rows[1][HEADERS.index("学号 student_id")] = taken.members[0].student_id
    rows[1][HEADERS.index("成员学校代码 member_college_code")] = "4111010001"
    coordinator = token_for(make_user("coordinator", contest_id=contest.id, college_id=zju.id))
    response = upload(client, contest, coordinator, workbook_bytes(rows))
    assert response.status_code == 422
    (problem,) = [row for row in response.json["error"]["rows"] if row["row"] == 3]
    assert problem["message"] == "This student is already in a team of this category."
    assert taken.number not in str(response.json)


def test_team_level_errors_point_at_the_team_first_row(client, contest_and_headers):
    contest, headers = contest_and_headers
    rows = good_team("1")
    rows[0][HEADERS.index("团队名称 team_name")] = "名" * 17
    rows.append(person("1", "队员 member", "周八", "T19", "t19@x.cn", team_name="另一个名字"))
    response = upload(client, contest, headers, workbook_bytes(rows))
    problems = {(row["row"], row["column"]) for row in response.json["error"]["rows"]}
    assert (2, "team_name") in problems and (6, "team_name") in problems


def test_missing_template_columns_are_named(client, contest_and_headers):
    contest, headers = contest_and_headers
    response = upload(client, contest, headers, workbook_bytes([], headers=["team", "name"]))
    assert response.status_code == 422
    assert {"track", "role", "email"} <= {row["column"] for row in response.json["error"]["rows"]}


def test_coordinators_import_their_own_college_only(client, make_contest, make_college, make_user, token_for):
    contest = make_contest()
    zju = make_college(code="4133010335", name="浙江大学")
    make_college(code="4111010001", name="北京大学", province="北京市")
    headers = token_for(make_user("coordinator", contest_id=contest.id, college_id=zju.id))
    response = upload(client, contest, headers, workbook_bytes(good_team("1", college="4111010001")))
    assert response.status_code == 422
    assert response.json["error"]["rows"][0]["column"] == "college_code"
    assert upload(client, contest, headers, workbook_bytes(good_team("1"))).status_code == 201


def test_oversized_and_wrong_uploads_are_refused(app, client, contest_and_headers):
    contest, headers = contest_and_headers
    assert upload(client, contest, headers, b"%PDF-1.4", "teams.pdf").status_code == 422
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = upload(client, contest, headers, b"x" * 10_000)
    assert response.status_code == 413 and "limit" in response.json["error"]["message"]


def test_template_has_bilingual_headers_and_drop_downs(client, contest_and_headers):
    contest, _headers = contest_and_headers
    response = client.get(f"/api/v1/contests/{contest.id}/teams/template.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["报名团队 Teams"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    lists = {validation.formula1 for validation in sheet.data_validations.dataValidation}
    assert '"CG,CB"' in lists and any("队长 captain" in formula for formula in lists)
    assert "填写说明 Instructions" in book.sheetnames


def test_the_filled_in_example_imports(client, contest_and_headers):
    """The template's own example, pasted into its first sheet, is a valid import."""
    contest, headers = contest_and_headers
    book = load_workbook(io.BytesIO(client.get(f"/api/v1/contests/{contest.id}/teams/template.xlsx").data))
    example = [[cell for cell in row] for row in book["示例 Example"].iter_rows(min_row=2, values_only=True)]
    assert upload(client, contest, headers, workbook_bytes(example)).json == {"created": 1}


def read_export(response):
    book = load_workbook(io.BytesIO(response.data))
    return {name: [list(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}


def test_export_has_a_row_per_team_and_a_members_sheet(client, contest_and_headers, make_team):
    contest, headers = contest_and_headers
    team = make_team(contest, prefix="EX", name="=1+1", project_title='=HYPERLINK("http://x","y")', members=4)
    response = client.get(f"/api/v1/contests/{contest.id}/teams/export.xlsx", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheets = read_export(response)
    teams, people = sheets["报名团队 Teams"], sheets["团队成员 Members"]
    assert teams[0][:3] == ["序号 No.", "团队编号 Number", "赛道 Track"]
    row = teams[1]
    assert row[1] == team.number
    assert row[5] == "=1+1" and row[6] == '=HYPERLINK("http://x","y")'  # text, not formulas
    assert row[11] == "学生0、学生1、学生2、学生3"
    assert teams[0][12] == "成员学校 Member colleges" and row[12] == team.college.name
    assert len(people) == 1 + 4 + 1  # header, four students, one advisor
    captain = people[1]
    assert captain[:6] == [team.number, "=1+1", "队长 captain", "学生0", team.members[0].student_id, team.college.name]
    assert people[5][2:6] == ["高校指导老师 university advisor", "王老师", None, "浙江大学"]


def test_a_team_of_several_colleges_lists_every_members_college(client, contest_and_headers, make_college):
    contest, headers = contest_and_headers
    home, guest = make_college(name="浙江工商大学"), make_college(name="杭州师范大学")
    data = team_input(home.id, members=3)
    data["members"][1]["college_id"] = guest.id
    assert client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=data).status_code == 201
    teams = read_export(client.get(f"/api/v1/contests/{contest.id}/teams/export.xlsx", headers=headers))["报名团队 Teams"]
    assert teams[1][4] == "浙江工商大学"  # the team's college stays the team's
    assert teams[1][12] == "浙江工商大学、杭州师范大学"


def test_exported_formula_looking_cells_are_text(client, contest_and_headers, make_team):
    contest, headers = contest_and_headers
    make_team(contest, prefix="F", name="+SUM(1,2)", project_title="@cmd")
    data = client.get(f"/api/v1/contests/{contest.id}/teams/export.xlsx", headers=headers).data
    book = load_workbook(io.BytesIO(data))
    cells = {
        cell.value: cell.data_type
        for row in book["报名团队 Teams"].iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, str)
    }
    assert cells["+SUM(1,2)"] == "s" and cells["@cmd"] == "s"


def test_coordinator_export_holds_only_their_college(client, make_contest, make_college, make_user, make_team, token_for):
    contest = make_contest(language="zh")
    own, other = make_college(), make_college()
    mine = make_team(contest, own)
    make_team(contest, other)
    headers = token_for(make_user("coordinator", contest_id=contest.id, college_id=own.id))
    teams = read_export(client.get(f"/api/v1/contests/{contest.id}/teams/export.xlsx", headers=headers))["报名团队 Teams"]
    assert [row[1] for row in teams[1:]] == [mine.number]


def test_members_of_imported_teams_are_held_by_the_database_rule(client, contest_and_headers):
    contest, headers = contest_and_headers
    upload(client, contest, headers, workbook_bytes(good_team("1")))
    assert db.session.scalar(select(func.count(TeamMember.id)).where(TeamMember.released.is_(False))) == 3


ENGLISH_HEADERS = [f"{key} {header.split()[0]}" for key, header in TEMPLATE_COLUMNS]  # "team_name 团队名称"


@pytest.fixture
def english_contest(make_contest, make_college, make_user, token_for):
    contest = make_contest(language="en")
    make_college(code="4133010335", name="浙江大学")
    make_college(code="4111010001", name="北京大学", province="北京市")
    return contest, token_for(make_user("organizer"))


def test_an_english_contest_s_export_speaks_english_first_and_joins_with_commas(client, english_contest, make_team):
    contest, headers = english_contest
    team = make_team(contest, prefix="EN", name="=1+1", members=3)
    sheets = read_export(client.get(f"/api/v1/contests/{contest.id}/teams/export.xlsx", headers=headers))
    assert list(sheets) == ["Teams 报名团队", "Members 团队成员"]
    teams, people = sheets["Teams 报名团队"], sheets["Members 团队成员"]
    assert teams[0][:3] == ["No. 序号", "Number 团队编号", "Track 赛道"]
    assert teams[0][11:13] == ["Members 团队成员", "Member colleges 成员学校"]
    row = teams[1]
    assert row[5] == "=1+1" and row[7] == "submitted 已提交"
    assert row[11] == "学生0, 学生1, 学生2" and "、" not in row[11]
    assert people[0][:3] == ["Number 团队编号", "Team 团队名称", "Role 角色"]
    assert people[1][2] == "captain 队长" and people[-1][2] == "university advisor 高校指导老师"
    cells = load_workbook(io.BytesIO(client.get(f"/api/v1/contests/{contest.id}/teams/export.xlsx", headers=headers).data))
    assert cells["Teams 报名团队"]["F2"].data_type == "s" and team.name == "=1+1"  # still text, never a formula


def test_an_english_contest_s_template_speaks_english_first_and_its_example_imports(client, english_contest):
    contest, headers = english_contest
    book = load_workbook(io.BytesIO(client.get(f"/api/v1/contests/{contest.id}/teams/template.xlsx").data))
    assert book.sheetnames == ["Teams 报名团队", "Instructions 填写说明", "Example 示例"]
    assert [cell.value for cell in book["Teams 报名团队"][1]] == ENGLISH_HEADERS
    lists = {validation.formula1 for validation in book["Teams 报名团队"].data_validations.dataValidation}
    assert any("captain 队长" in formula for formula in lists)
    instructions = list(book["Instructions 填写说明"].iter_rows(values_only=True))
    assert instructions[0] == ("Instructions", "说明") and instructions[1][0].startswith("One row per person")
    assert "Track codes: CG 常规赛, CB 跨境电商实战赛" in [row[0] for row in instructions]
    example = [list(row) for row in book["Example 示例"].iter_rows(min_row=2, values_only=True)]
    assert upload(client, contest, headers, workbook_bytes(example, headers=ENGLISH_HEADERS)).json == {"created": 1}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_either_header_order_imports_into_either_contest(client, make_contest, make_college, make_user, token_for, language):
    contest = make_contest(language=language)
    make_college(code="4133010335", name="浙江大学")
    headers = token_for(make_user("organizer"))
    chinese_first = upload(client, contest, headers, workbook_bytes(good_team("1", prefix="Z"), headers=HEADERS))
    english_first = upload(client, contest, headers, workbook_bytes(good_team("2", prefix="E"), headers=ENGLISH_HEADERS))
    assert (chinese_first.status_code, english_first.status_code) == (201, 201), (chinese_first.json, english_first.json)


def test_an_export_read_in_batches_lists_every_team_once_in_order_with_its_people(
    client, contest_and_headers, make_team, monkeypatch
):
    """The export reads teams a batch at a time (a season's are never all in memory): batches of 2 over 5
    teams number the rows on, in the list's order, each team with its own members and advisors."""
    from app.registration import exports

    monkeypatch.setattr(exports, "BATCH_TEAMS", 2)
    contest, headers = contest_and_headers
    made = [make_team(contest, prefix=f"B{index}", members=3 + index % 3) for index in range(5)]
    sheets = read_export(client.get(f"/api/v1/contests/{contest.id}/teams/export.xlsx", headers=headers))
    teams, people = sheets["报名团队 Teams"], sheets["团队成员 Members"]
    assert [row[0] for row in teams[1:]] == [1, 2, 3, 4, 5]
    assert [row[1] for row in teams[1:]] == sorted(team.number for team in made)
    by_number = {team.number: team for team in made}
    for row in teams[1:]:
        assert row[11] == "、".join(member.name for member in by_number[row[1]].members)
    assert [row[0] for row in people[1:]] == [
        team.number for team in sorted(made, key=lambda team: team.number) for _ in [*team.members, *team.advisors]
    ]
