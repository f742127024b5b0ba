"""The contest's questions in the import template, the import and the registrations export."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Team
from tests.conftest import team_input
from tests.registration.test_transfer import HEADERS, good_team, read_export, upload, workbook_bytes

QUESTIONS = [
    {"key": "stage", "label": "Business stage", "type": "choice", "required": True, "choices": ["idea", "revenue"]},
    {"key": "founded", "label": "成立日期", "type": "date"},
    {"key": "incorporated", "label": "Incorporated?", "type": "yes_no"},
    {"key": "shop", "label": "Shop", "type": "url", "track": "CG"},
]
LABELS = [q["label"] for q in QUESTIONS]


@pytest.fixture
def contest_and_headers(make_contest, make_college, make_user, token_for):
    contest = make_contest(registration_fields=QUESTIONS, language="zh")
    make_college(code="4133010335", name="浙江大学")
    return contest, token_for(make_user("organizer"))


def with_answers(rows, *answers):
    """The team's rows with answer cells: on its first row, `answers`; on the others, nothing."""
    return [row + (list(answers) if index == 0 else [None] * len(answers)) for index, row in enumerate(rows)]


def test_the_template_has_a_column_per_question_with_drop_downs(client, contest_and_headers):
    contest, _headers = contest_and_headers
    book = load_workbook(io.BytesIO(client.get(f"/api/v1/contests/{contest.id}/teams/template.xlsx").data))
    sheet = book["报名团队 Teams"]
    assert [cell.value for cell in sheet[1]] == HEADERS + LABELS
    lists = {validation.formula1 for validation in sheet.data_validations.dataValidation}
    assert '"idea,revenue"' in lists and '"是 yes,否 no"' in lists
    instructions = " ".join(str(cell) for row in book["填写说明 Instructions"].iter_rows(values_only=True) for cell in row)
    assert "Business stage: one of the drop-down's choices, 必填 required" in instructions
    assert "Shop: a web address starting with http:// or https://, 选填 optional, track CG" in instructions


def test_import_reads_the_answer_columns(client, contest_and_headers):
    contest, headers = contest_and_headers
    rows = with_answers(good_team("1"), "revenue", "2025-09-01", "是 yes", "https://ignored.example.com")
    response = upload(client, contest, headers, workbook_bytes(rows, HEADERS + LABELS))
    assert response.status_code == 201, response.json
    team = db.session.scalars(select(Team)).one()
    # The shop is asked in track CG only; the team is in CB.
    assert team.answers == {"stage": "revenue", "founded": "2025-09-01", "incorporated": True}


def test_import_reports_a_wrong_answer_at_its_column(client, contest_and_headers):
    contest, headers = contest_and_headers
    rows = with_answers(good_team("1"), "growth", "next May", "", "") + with_answers(good_team("2"), "", "", "", "")
    response = upload(client, contest, headers, workbook_bytes(rows, HEADERS + LABELS))
    assert response.status_code == 422
    problems = {(row["row"], row["column"]): row["message"] for row in response.json["error"]["rows"]}
    assert problems == {
        (2, "Business stage"): "Choose one of: idea, revenue.",
        (2, "成立日期"): "Enter a date as YYYY-MM-DD, such as 2026-05-01.",
        (6, "Business stage"): "This is required.",
    }
    assert db.session.scalar(select(Team.id)) is None


def test_export_has_a_column_per_question(client, contest_and_headers, make_college):
    contest, headers = contest_and_headers
    college = make_college()
    answers = {"stage": "idea", "founded": "2024-01-02", "incorporated": False, "shop": "https://a.example.com"}
    client.post(f"/api/v1/contests/{contest.id}/teams", headers=headers, json=team_input(college.id, track="CG", answers=answers))
    client.post(
        f"/api/v1/contests/{contest.id}/teams",
        headers=headers,
        json=team_input(college.id, track="CB", answers={"stage": "revenue"}),
    )
    teams = read_export(client.get(f"/api/v1/contests/{contest.id}/teams/export.xlsx", headers=headers))["报名团队 Teams"]
    assert teams[0][-4:] == LABELS
    by_track = {row[2]: row[-4:] for row in teams[1:]}
    assert by_track["常规赛"] == ["idea", "2024-01-02", "否 no", "https://a.example.com"]
    assert by_track["跨境电商实战赛"] == ["revenue", None, None, None]  # the shop is asked in CG only
