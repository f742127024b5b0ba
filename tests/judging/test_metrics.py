"""Data items: their definition in a round, the import of their values (importMetrics and the page), the
judges' sheets that never show them, and the team's view of its values with the captain's objection."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, AuditEvent, MetricValue, Round
from tests.conftest import finish_jobs

JUDGED = {"key": "overall", "name": "总体评价", "max": 100, "step": 0.5}
SALES = {"key": "sales", "name": "店铺销售额", "max": 20, "source": "data", "rule": {"kind": "linear", "floor": 0, "cap": 10000}}
RATING = {"key": "rating", "name": "店铺评分", "max": 10, "weight": 0.5, "source": "data", "rule": {"kind": "rank"}}
DATA_SHEET = [JUDGED, SALES, RATING]


@pytest.fixture
def organizer(make_user, token_for):
    return token_for(make_user("organizer"))


@pytest.fixture
def data_round(scored_round):
    """Three teams scored 80, 70 and 90 by one judge, in a closed round with a linear and a rank data item."""
    return scored_round([[80], [70], [90]], criteria=DATA_SHEET)


def upload(client, round_, headers, text: str, filename: str = "values.csv"):
    return client.post(
        f"/api/v1/rounds/{round_.id}/metrics/import",
        data={"file": (io.BytesIO(text.encode()), filename)},
        headers=headers,
        content_type="multipart/form-data",
    )


def stored(round_) -> dict[tuple[str, str], str]:
    rows = db.session.execute(
        select(MetricValue.team_id, MetricValue.criterion_id, MetricValue.value).where(MetricValue.round_id == round_.id)
    )
    keys = {criterion.id: criterion.key for criterion in db.session.get(Round, round_.id).criteria}
    return {(team_id, keys[criterion_id]): format(value.normalize(), "f") for team_id, criterion_id, value in rows}


# The round's definition ------------------------------------------------------------------------------------


def test_a_data_item_is_defined_and_read_back_with_its_rule(client, make_contest, make_user, token_for):
    contest = make_contest()
    headers = token_for(make_user("organizer"))
    body = {"name": "实战赛", "criteria": DATA_SHEET}
    response = client.post(f"/api/v1/contests/{contest.id}/rounds", json=body, headers=headers)
    assert response.status_code == 201, response.json
    criteria = {c["key"]: c for c in client.get(f"/api/v1/rounds/{response.json['id']}", headers=headers).json["criteria"]}
    assert (criteria["overall"]["source"], criteria["overall"]["rule"]) == ("judges", None)
    assert criteria["sales"]["source"] == "data"
    assert criteria["sales"]["rule"] == {"kind": "linear", "floor": 0, "cap": 10000}
    assert criteria["rating"]["rule"] == {"kind": "rank"}


@pytest.mark.parametrize(
    ("criterion", "field", "words"),
    [
        ({**SALES, "rule": None}, "criteria.1.rule.kind", "needs a rule"),
        ({**SALES, "rule": {"kind": "median"}}, "criteria.1.rule.kind", "needs a rule"),
        ({**SALES, "rule": {"kind": "linear", "floor": 5}}, "criteria.1.rule.cap", "floor and cap are numbers"),
        ({**SALES, "rule": {"kind": "linear", "floor": 5, "cap": 5}}, "criteria.1.rule.cap", "must differ from the floor"),
        ({**SALES, "source": "robots"}, "criteria.1.source", "Choose one of"),
        ({**JUDGED, "key": "pitch", "rule": {"kind": "rank"}}, "criteria.1.rule", "Only an item whose source is data"),
    ],
)
def test_a_bad_data_item_is_refused_naming_what_is_wrong(client, make_contest, make_user, token_for, criterion, field, words):
    contest = make_contest()
    headers = token_for(make_user("organizer"))
    response = client.post(
        f"/api/v1/contests/{contest.id}/rounds", json={"name": "R", "criteria": [JUDGED, criterion]}, headers=headers
    )
    assert response.status_code == 422
    assert words in " ".join(response.json["error"]["fields"][field])


def test_a_cap_below_the_floor_is_accepted_as_lower_is_better(client, make_contest, make_user, token_for):
    contest = make_contest()
    headers = token_for(make_user("organizer"))
    refunds = {
        "key": "refunds",
        "name": "退款率",
        "max": 5,
        "source": "data",
        "rule": {"kind": "linear", "floor": 0.2, "cap": 0.05},
    }
    response = client.post(
        f"/api/v1/contests/{contest.id}/rounds", json={"name": "R", "criteria": [JUDGED, refunds]}, headers=headers
    )
    assert response.status_code == 201, response.json


def test_the_round_form_saves_a_data_item(client, login_as, make_contest):
    contest = make_contest()
    login_as("organizer")
    form = {
        "name": "实战赛",
        "level": "national",
        "grouping": "none",
        "judges_per_team": "3",
        "method": "mean",
        "trim": "1",
        "decimals": "2",
        "criteria-0-key": "overall",
        "criteria-0-name": "总体评价",
        "criteria-0-max": "80",
        "criteria-0-weight": "1",
        "criteria-0-step": "1",
        "criteria-0-source": "judges",
        "criteria-1-key": "sales",
        "criteria-1-name": "店铺销售额",
        "criteria-1-max": "20",
        "criteria-1-weight": "1",
        "criteria-1-step": "1",
        "criteria-1-source": "data",
        "criteria-1-rule_kind": "linear",
        "criteria-1-floor": "1000",
        "criteria-1-cap": "",
    }
    response = client.post(f"/contests/{contest.id}/rounds/new", data=form)
    assert response.status_code == 422
    assert "floor and cap are numbers" in response.get_data(as_text=True)
    response = client.post(f"/contests/{contest.id}/rounds/new", data={**form, "criteria-1-cap": "50000"})
    assert response.status_code == 302
    round_ = db.session.scalar(select(Round).where(Round.contest_id == contest.id))
    assert round_.data_criteria[0].rule == {"kind": "linear", "floor": "1000", "cap": "50000"}
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "linear: 1000 or less gives 0, 50000 or more the maximum" in page


# Judges never see a data item --------------------------------------------------------------------------------


def test_a_judges_sheet_has_no_data_item_and_is_submitted_without_one(client, scored_round, login_as, token_for):
    built = scored_round([[None]], criteria=DATA_SHEET, close=False)
    judge = built["judges"][0]
    headers = token_for(judge)
    login_as(user=judge)
    assignment_id = db.session.scalar(select(func.min(Assignment.id)))
    page = client.get(f"/assignments/{assignment_id}/sheet").get_data(as_text=True)
    assert "总体评价" in page and "店铺销售额" not in page and "score_sales" not in page
    view = client.get(f"/api/v1/assignments/{assignment_id}/sheet", headers=headers).json
    refused = client.put(
        f"/api/v1/assignments/{assignment_id}/sheet",
        json={"scores": {"overall": 77, "sales": 5}, "submit": False, "version": view["version"]},
        headers=headers,
    )
    assert refused.status_code == 422 and "scores.sales" in refused.json["error"]["fields"]
    response = client.put(
        f"/api/v1/assignments/{assignment_id}/sheet",
        json={"scores": {"overall": 77}, "submit": True, "version": view["version"]},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == "submitted" and response.json["total"] == 77


# The import --------------------------------------------------------------------------------------------------


def test_a_good_file_imports_every_value_by_key_or_name(client, data_round, organizer):
    round_, teams = data_round["round"], data_round["teams"]
    text = f'团队编号 number,店铺销售额,rating\n{teams[0].number},2500,4.8\n{teams[1].number},"12,000",\n'
    response = upload(client, round_, organizer, text)
    assert response.status_code == 200, response.json
    assert response.json == {"imported": 2}
    assert stored(round_) == {(teams[0].id, "sales"): "2500", (teams[0].id, "rating"): "4.8", (teams[1].id, "sales"): "12000"}


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("NOPE-1,100,4", "number", "No team of this contest has the number NOPE-1"),
        (",100,4", "number", "Give the team's number"),
        ("{0},abc,4", "sales", "abc is not a number"),
        ("{0},100,4\n{0},200,3", "number", "is also on row 3"),
        ("{other},100,4", "number", "is not in this round"),
    ],
)
def test_each_bad_row_is_named_and_nothing_is_saved(
    client, scored_round, organizer, make_contest, make_team, line, column, words
):
    contest = make_contest(language="en")
    other = make_team(contest)  # of the contest, not in the round
    built = scored_round([[80], [70]], criteria=DATA_SHEET, contest=contest)
    round_, teams = built["round"], built["teams"]
    good = f"{teams[1].number},300,2\n"
    text = "number,sales,rating\n" + good + line.format(teams[0].number, other=other.number) + "\n"
    response = upload(client, round_, organizer, text)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_rows"
    rows = response.json["error"]["rows"]
    assert any(row["column"] == column and words in row["message"] for row in rows), rows
    assert stored(round_) == {}


def test_an_unknown_column_is_refused(client, data_round, organizer):
    round_, teams = data_round["round"], data_round["teams"]
    response = upload(client, round_, organizer, f"number,sales,orders\n{teams[0].number},1,2\n")
    assert response.status_code == 422
    assert [(row["row"], row["column"]) for row in response.json["error"]["rows"]] == [(1, "orders")]
    assert stored(round_) == {}


def test_importing_again_replaces_the_items_values_and_is_audited(client, data_round, organizer):
    round_, teams = data_round["round"], data_round["teams"]
    assert (
        upload(client, round_, organizer, f"number,sales,rating\n{teams[0].number},100,4\n{teams[1].number},200,3\n").status_code
        == 200
    )
    response = upload(client, round_, organizer, f"number,sales\n{teams[0].number},150\n")
    assert response.status_code == 200
    # sales replaced whole (team 1 has none now); rating, not in the file, kept
    assert stored(round_) == {(teams[0].id, "sales"): "150", (teams[0].id, "rating"): "4", (teams[1].id, "rating"): "3"}
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "metrics.import").order_by(AuditEvent.id.desc())
    ).first()
    assert event.after["changed"] == [[teams[0].id, "sales", "100", "150"], [teams[1].id, "sales", "200", None]]


def test_a_large_file_is_imported_as_a_job(app, client, data_round, organizer):
    round_, teams = data_round["round"], data_round["teams"]
    app.config["JOB_THRESHOLD_ROWS"] = 1
    response = upload(client, round_, organizer, f"number,sales\n{teams[0].number},100\n{teams[1].number},200\n")
    assert response.status_code == 202
    finish_jobs(app)
    job = client.get(f"/api/v1/jobs/{response.json['job_id']}", headers=organizer).json
    assert job["state"] == "done" and job["kind"] == "import_metrics"
    assert job["details"] == {"imported": 2, "round_id": round_.id}
    assert len(stored(round_)) == 2


def test_no_import_once_the_round_is_published(client, data_round, organizer):
    round_, teams = data_round["round"], data_round["teams"]
    assert client.post(f"/api/v1/rounds/{round_.id}/results", json={}, headers=organizer).status_code == 200
    assert client.post(f"/api/v1/rounds/{round_.id}/publish", json={}, headers=organizer).status_code == 200
    response = upload(client, round_, organizer, f"number,sales\n{teams[0].number},100\n")
    assert response.status_code == 409 and response.json["error"]["code"] == "round_published"


def test_the_import_page_lists_bad_rows_and_the_current_values(client, data_round, login_as):
    round_, teams = data_round["round"], data_round["teams"]
    login_as("organizer")
    page = client.get(f"/rounds/{round_.id}/metrics")
    assert page.status_code == 200 and "店铺销售额" in page.get_data(as_text=True)
    response = client.post(
        f"/rounds/{round_.id}/metrics",
        data={"file": (io.BytesIO(b"number,sales\nX-9,1\n"), "v.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "No team of this contest has the number X-9" in response.get_data(as_text=True)
    good = f"number,sales\n{teams[2].number},7777\n".encode()
    response = client.post(
        f"/rounds/{round_.id}/metrics", data={"file": (io.BytesIO(good), "v.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert "7777" in client.get(f"/rounds/{round_.id}/metrics").get_data(as_text=True)
    template = client.get(f"/rounds/{round_.id}/metrics/template.xlsx")
    assert template.status_code == 200 and template.mimetype.endswith("sheet")


# The team sees its values and may object ------------------------------------------------------------------


def test_the_captain_sees_the_values_and_reports_one_until_publication(client, scored_round, make_user, login_as, organizer):
    captain = make_user("captain")
    built = scored_round([[80], [70]], criteria=DATA_SHEET)
    round_, team = built["round"], built["teams"][0]
    team.owner_id = captain.id
    db.session.commit()
    upload(client, round_, organizer, f"number,sales\n{team.number},2500\n")
    login_as(user=captain)
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "店铺销售额" in page and "2500" in page and "linear: 0 or less gives 0, 10000 or more the maximum" in page
    assert "店铺评分" in page and "none yet" in page
    response = client.post(
        f"/rounds/{round_.id}/teams/{team.id}/metrics/objection", data={"key": "sales", "note": "应为 3500，见后台截图"}
    )
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "metrics.objection"))
    assert event.after == {
        "team_id": team.id,
        "team_number": team.number,
        "key": "sales",
        "value": "2500",
        "note": "应为 3500，见后台截图",
    }
    client.post("/logout")
    login_as("organizer")
    assert "应为 3500，见后台截图" in client.get(f"/rounds/{round_.id}/metrics").get_data(as_text=True)


def test_someone_else_may_not_object_for_the_team(client, data_round, login_as):
    round_, team = data_round["round"], data_round["teams"][0]
    login_as("captain")
    response = client.post(f"/rounds/{round_.id}/teams/{team.id}/metrics/objection", data={"key": "sales", "note": "x"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "metrics.objection")) == 0
