"""The organizers' audit log: who sees it, how its filters narrow it, and its Excel export."""

import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from app.audit import record
from app.extensions import db
from app.models import Job
from tests.conftest import exported

HEADERS = ("时间 Time", "操作人 User", "操作 Action", "对象 Object", "编号 Id", "原值 Before", "新值 After", "原因 Reason")


def event(actor=None, *, action="team.update", object_type="team", object_id=7, at=None, before=None, after=None, reason=None):
    """Record one audit event at `at` (UTC) and commit it."""
    recorded = record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        now=at or datetime(2026, 3, 1, 2, 0, tzinfo=UTC),
        before=before,
        after=after,
        reason=reason,
    )
    db.session.commit()
    return recorded


def page_of(client, query: str = "") -> str:
    response = client.get(f"/audit{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def actions_listed(page: str) -> list[str]:
    """The actions of the table's rows, top to bottom."""
    return re.findall(r"<code class=\"muted\" data-action>([^<]*)</code>", page)


def field_errors(page: str) -> list[str]:
    return re.findall(r'class="field-error" role="alert">([^<]*)<', page)


def exported_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    return rows[1:]


def test_organizers_see_events_newest_first_with_who_what_and_why(client, login_as, make_user):
    organizer = login_as("organizer")
    reviewer = make_user("organizer", name="审核员 Wang", email="wang@example.edu.cn")
    event(reviewer, action="team.reject", object_id=41, at=datetime(2026, 3, 1, 1, 0, tzinfo=UTC), reason="材料不全")
    event(None, action="round.published", object_type="round", object_id=42, at=datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    event(
        organizer,
        action="team.update",
        object_id=43,
        at=datetime(2026, 3, 3, 1, 0, tzinfo=UTC),
        before={"name": "星火队"},
        after={"name": "燎原队"},
    )

    page = page_of(client, "?end=2026-03-31T00:00")  # the users' own creation is later

    assert "审核员 Wang" in page and "wang@example.edu.cn" in page and "材料不全" in page
    assert "system" in page
    assert "2026-03-03 09:00 (UTC+0800)" in page  # shown in the app's time zone, as elsewhere
    assert actions_listed(page) == ["team.update", "round.published", "team.reject"]
    assert "星火队" in page and "燎原队" in page
    assert 'href="/teams/43"' in page  # the object's own page, when it has one


def test_the_navigation_links_the_log_for_organizers_only(client, login_as):
    login_as("judge")
    assert 'href="/audit"' not in client.get("/dashboard").get_data(as_text=True)
    client.post("/logout")
    login_as("organizer")
    assert 'href="/audit"' in client.get("/dashboard").get_data(as_text=True)


def test_filter_by_user_matches_part_of_the_name_or_email_ignoring_case(client, login_as, make_user):
    login_as("organizer")
    li = make_user("organizer", name="李老师", email="li.teacher@example.edu.cn")
    zhao = make_user("organizer", name="赵老师", email="zhao@example.edu.cn")
    event(li, action="team.approve", object_id=1)
    event(zhao, action="team.reject", object_id=2)
    event(None, action="round.published", object_type="round", object_id=3)

    assert actions_listed(page_of(client, "?user=LI.TEACHER")) == ["team.approve"]
    assert actions_listed(page_of(client, "?user=赵")) == ["team.reject"]


def test_filter_by_object_type_and_id(client, login_as):
    login_as("organizer")
    event(action="team.approve", object_type="team", object_id=5)
    event(action="team.reject", object_type="team", object_id=6)
    event(action="round.published", object_type="round", object_id=5)

    page = page_of(client, "?object_type=team&object_id=5")
    assert actions_listed(page) == ["team.approve"]
    # The type filter offers the kinds of object the log holds.
    assert '<option value="round">Round</option>' in page and '<option selected value="team">Team</option>' in page


def test_filter_by_action_matches_part_of_it(client, login_as):
    login_as("organizer")
    event(action="sheet.unlock", object_type="score_sheet", object_id=1)
    event(action="team.withdraw", object_id=2)

    assert actions_listed(page_of(client, "?action=UNLOCK")) == ["sheet.unlock"]


def test_filter_by_time_reads_both_typed_minutes_in_the_display_zone_and_includes_them(client, login_as):
    login_as("organizer")
    # Asia/Shanghai is UTC+8: 10:00-10:30 there is 02:00-02:30 UTC.
    event(action="too.early", at=datetime(2026, 3, 1, 1, 59, 59, tzinfo=UTC))
    event(action="first.minute", at=datetime(2026, 3, 1, 2, 0, 0, tzinfo=UTC))
    event(action="last.minute", at=datetime(2026, 3, 1, 2, 30, 59, tzinfo=UTC))
    event(action="too.late", at=datetime(2026, 3, 1, 2, 31, 0, tzinfo=UTC))

    page = page_of(client, "?start=2026-03-01T10:00&end=2026-03-01T10:30")
    assert actions_listed(page) == ["last.minute", "first.minute"]
    assert 'value="2026-03-01T10:00"' in page  # what was typed stays in the form
    assert actions_listed(page_of(client, "?start=2026-03-01T10:31&end=2026-03-31T00:00")) == ["too.late"]
    assert actions_listed(page_of(client, "?end=2026-03-01T10:30")) == ["last.minute", "first.minute", "too.early"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?object_id=abc", "Enter the object's number, such as 42."),
        ("?object_id=99999999999999", "Enter the object's number, such as 42."),
        ("?object_id=" + "9" * 5000, "Enter the object's number, such as 42."),
        ("?object_id=４２", "Enter the object's number, such as 42."),
        ("?start=2026-03-02T10:00&end=2026-03-01T10:00", "“To” is before “From”."),
        ("?start=yesterday", "Enter a date and time, such as 2026-05-01 09:30."),
        ("?object_type=no-such-kind", "Not a valid choice."),
    ],
)
def test_bad_filters_are_explained_at_their_field_and_list_nothing(client, login_as, query, message):
    login_as("organizer")
    event(action="team.approve")

    page = page_of(client, query)

    assert [error.replace("&#39;", "'") for error in field_errors(page)] == [message]
    assert "Fix the filters above to see the events." in page
    assert actions_listed(page) == []
    assert "/audit/export" not in page  # no export of a filter that means nothing


def test_long_values_show_what_changed_with_the_whole_value_one_click_away(client, login_as):
    login_as("organizer")
    members = [f"队员{i} 学号2026{i:04d}" for i in range(12)]
    event(action="team.update", before={"name": "星火队", "members": members}, after={"name": "燎原队", "members": members})
    event(action="team.register", object_id=8, after={"project": "长" * 200})

    page = page_of(client)

    update = page.split("data-action>team.update</code>", 1)[1].split("</tr>", 1)[0]
    assert "<summary><code>name: 星火队</code></summary>" in update  # only the key that changed
    assert "<summary><code>name: 燎原队</code></summary>" in update
    assert "队员11 学号20260011" in update  # the whole value, inside <details>
    register = page.split("data-action>team.register</code>", 1)[1].split("</tr>", 1)[0]
    summary = re.search(r"<summary><code>([^<]*)</code></summary>", register).group(1)
    assert summary.endswith("…") and len(summary) <= 80
    assert "长" * 200 in register


def test_the_log_is_paged(client, login_as):
    login_as("organizer")
    for number in range(25):
        event(action=f"paged.{number:02d}", object_type="paged", object_id=number, at=datetime(2026, 3, 1, 2, number, tzinfo=UTC))

    first = page_of(client, "?object_type=paged&per_page=10")
    assert actions_listed(first) == [f"paged.{number:02d}" for number in range(24, 14, -1)]
    assert "Page 1 of 3" in first and "25 in all" in first
    last = page_of(client, "?object_type=paged&per_page=10&page=3")
    assert actions_listed(last) == [f"paged.{number:02d}" for number in range(4, -1, -1)]


def test_the_export_has_the_filtered_rows_and_keeps_formulas_as_text(app, client, login_as, make_user):
    login_as("organizer")
    judge = make_user("organizer", name="陈评委", email="chen@example.edu.cn")
    formula = '=HYPERLINK("http://x","y")'
    event(
        judge,
        action="sheet.unlock",
        object_type="score_sheet",
        object_id=9,
        at=datetime(2026, 3, 1, 2, 0, tzinfo=UTC),
        before={"status": "submitted"},
        after={"status": "draft"},
        reason=formula,
    )
    event(None, action="sheet.save", object_type="score_sheet", object_id=9, at=datetime(2026, 3, 1, 3, 0, tzinfo=UTC))
    event(judge, action="sheet.save", object_type="score_sheet", object_id=10)

    response = exported(client, app, "/audit/export?object_type=score_sheet&object_id=9")

    assert "attachment" in response.headers["Content-Disposition"]
    assert exported_rows(response) == [
        ("2026-03-01 11:00:00", "系统 system", "sheet.save", "score_sheet", 9, None, None, None),
        (
            "2026-03-01 10:00:00",
            "陈评委 <chen@example.edu.cn>",
            "sheet.unlock",
            "score_sheet",
            9,
            '{"status": "submitted"}',
            '{"status": "draft"}',
            formula,
        ),
    ]


def test_the_export_follows_the_user_and_time_filters_too(app, client, login_as, make_user):
    login_as("organizer")
    li = make_user("organizer", name="李老师")
    event(li, action="team.approve", at=datetime(2026, 3, 1, 2, 0, tzinfo=UTC))
    event(li, action="team.reject", at=datetime(2026, 3, 5, 2, 0, tzinfo=UTC))
    event(None, action="round.published", at=datetime(2026, 3, 1, 2, 0, tzinfo=UTC))

    rows = exported_rows(exported(client, app, "/audit/export?user=李老师&end=2026-03-02T00:00"))

    assert [row[2] for row in rows] == ["team.approve"]


def test_the_page_exports_what_it_shows(client, login_as):
    login_as("organizer")
    page = page_of(client, "?object_type=&action=team&page=2")
    assert 'action="/audit/export?action=team"' in page


def test_an_export_with_bad_filters_goes_back_to_the_explained_page(client, login_as):
    login_as("organizer")
    response = client.post("/audit/export?object_id=abc")
    assert response.status_code == 302 and response.headers["Location"] == "/audit?object_id=abc"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fix the filters before exporting." in page and "Enter the object&#39;s number, such as 42." in page


AUDIT_ROUTES = [("GET", "/audit"), ("POST", "/audit/export")]


@pytest.mark.parametrize(("method", "url"), AUDIT_ROUTES)
@pytest.mark.parametrize("role", ["captain", "coordinator", "judge"])
def test_other_roles_are_refused(client, login_as, method, url, role):
    login_as(role)
    assert client.open(url, method=method).status_code == 403
    assert Job.query.count() == 0


@pytest.mark.parametrize(("method", "url"), AUDIT_ROUTES)
def test_an_organizer_of_one_contest_is_refused(client, login_as, make_contest, method, url):
    login_as("organizer", contest_id=make_contest().id)
    assert client.open(url, method=method).status_code == 403


@pytest.mark.parametrize(("method", "url"), AUDIT_ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_page_speaks_chinese(client, login_as):
    login_as("organizer")
    client.get("/language/zh")
    page = page_of(client, "?object_id=abc")
    assert "审计日志" in page and "请输入对象的编号，例如 42。" in page


def test_each_action_reads_in_words_beside_the_code_the_filter_takes(client, login_as):
    login_as("organizer")
    event(action="team.reject", object_id=41, at=datetime(2026, 3, 1, 1, 0, tzinfo=UTC))
    row = page_of(client, "?action=team.reject").split("data-action>team.reject</code>", 1)[0].rsplit("<tr>", 1)[1]
    assert "Team not approved" in row
    chinese = client.get("/audit?action=team.reject", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "审核未通过" in chinese
