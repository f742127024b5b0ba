"""The adjusted method in the app: a round created with it, its results through the API and on the page,
the disconnected panels' flag and its note on the page and in the workbook, the judges' model severity, and
autoAssign's bridging linking panels assigned group by group."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.judging.assignments import panel_parts
from app.judging.services import add_entries, add_judges, transition_round
from app.judging.sheets import save_sheet
from app.models import Assignment, User, utcnow
from tests.results.conftest import ONE_ITEM, by_number

ADJUSTED = {"method": "adjusted", "decimals": 2}


def compute(client, round_, headers, **body):
    return client.post(f"/api/v1/rounds/{round_.id}/results", json=body, headers=headers)


def test_create_round_accepts_the_adjusted_method(client, make_contest, organizer):
    contest = make_contest()
    body = {
        "name": "省赛",
        "aggregation": ADJUSTED,
        "criteria": [{"key": "overall", "name": "总分", "max": 100}],
    }
    response = client.post(f"/api/v1/contests/{contest.id}/rounds", headers=organizer, json=body)
    assert response.status_code == 201, response.json
    assert response.json["aggregation"]["method"] == "adjusted"


def test_a_severe_judge_no_longer_sinks_the_teams_they_scored(client, scored_round, organizer):
    # Judge 1 scored teams 0 and 1 and is 10 points more severe than judges 2 and 3 (on team 2 they agree).
    # The mean puts team 2 first; the adjusted method, team 0.
    built = scored_round([[75, 85, None], [70, None, 80], [None, 82, 82]], aggregation=ADJUSTED, judges_per_team=2)
    response = compute(client, built["round"], organizer, confirm=True)
    assert response.status_code == 200, response.json
    items = by_number(response.json["items"], built["teams"])
    assert [(items[i]["rank"], items[i]["score"]) for i in range(3)] == [(1, 81.67), (3, 76.67), (2, 78.67)]
    assert all("disconnected_panels" not in items[i]["flags"] for i in range(3))
    assert response.json["rule"]["method"] == "adjusted"


@pytest.fixture
def disconnected(client, scored_round, organizer):
    """Judges 1 and 2 scored teams 0 and 1, judges 3 and 4 teams 2 and 3 (the other sheets left as drafts):
    two parts, of 2 teams and 2 judges each."""
    built = scored_round(
        [[80, 84, None, None], [70, 73, None, None], [None, None, 60, 66], [None, None, 90, 91]],
        aggregation=ADJUSTED,
        judges_per_team=2,
    )
    response = compute(client, built["round"], organizer, confirm=True)
    assert response.status_code == 200, response.json
    return {**built, "computed": response.json}


def test_disconnected_panels_flag_every_result_of_the_round(client, disconnected, organizer):
    assert all("disconnected_panels" in item["flags"] for item in disconnected["computed"]["items"])
    stored = client.get(f"/api/v1/rounds/{disconnected['round'].id}/results", headers=organizer)
    assert stored.status_code == 200
    assert all("disconnected_panels" in item["flags"] for item in stored.json["items"])


def test_the_results_page_names_the_parts(client, disconnected, login_as):
    login_as("organizer")
    page = client.get(f"/rounds/{disconnected['round'].id}/results").get_data(as_text=True)
    assert "data-panel-parts" in page
    assert "2 separate parts: 2 teams and 2 judges, 2 teams and 2 judges" in page
    assert "panels not linked" in page  # each row's flag, in words


def test_the_about_sheet_states_the_parts(client, disconnected, organizer):
    response = client.get(f"/api/v1/rounds/{disconnected['round'].id}/export.xlsx", headers=organizer)
    about = {
        row[0]: row[1] for row in load_workbook(io.BytesIO(response.data))["About 说明"].iter_rows(min_row=2, values_only=True)
    }
    assert about["Panels 评委连通"] == (
        "not linked: 2 separate parts (2 teams and 2 judges, 2 teams and 2 judges); results flagged disconnected_panels"
    )


def test_a_linked_mean_round_says_so_in_the_about_sheet_and_nothing_on_the_page(client, scored_round, organizer, login_as):
    built = scored_round([[80, 90], [85, 85]])
    compute(client, built["round"], organizer)
    response = client.get(f"/api/v1/rounds/{built['round'].id}/export.xlsx", headers=organizer)
    about = {
        row[0]: row[1] for row in load_workbook(io.BytesIO(response.data))["About 说明"].iter_rows(min_row=2, values_only=True)
    }
    assert about["Panels 评委连通"] == "linked: 1 part (2 teams and 2 judges)"
    login_as("organizer")
    assert "data-panel-parts" not in client.get(f"/rounds/{built['round'].id}/results").get_data(as_text=True)


def test_the_judges_page_shows_each_judges_model_severity_with_its_error(client, disconnected, login_as):
    login_as("organizer")
    page = client.get(f"/rounds/{disconnected['round'].id}/results/judges").get_data(as_text=True)
    assert "Model severity" in page
    # Each part's judges are 3.5 points apart on average (gaps of 4 and 3, then 6 and 1): severities ∓1.75.
    # The noise is pooled over the round: residuals ±0.25 and ±1.25, σ² = 6.5 / 2 degrees of freedom, and
    # each judge's 2 sheets of 2-judge teams weigh 1: an error of √3.25 = 1.8028.
    assert page.count("-1.75 ± 1.8028") == 2 and page.count(">1.75 ± 1.8028") == 2


def test_the_round_form_explains_each_method_and_warns_of_separate_parts(client, disconnected, login_as):
    login_as("organizer")
    page = client.get(f"/rounds/{disconnected['round'].id}/edit").get_data(as_text=True)
    assert "data-method-help" in page
    assert "both estimated at once from every sheet" in page and "erases real differences between the groups" in page
    # The assignments (drafts included) link all four judges through every team: one part, no warning.
    assert "data-panel-parts" not in page


@pytest.fixture
def panels_by_group(make_contest, make_college, make_team, make_round, make_user):
    """Two colleges (the round's groups) of two teams, each college's teams scored by its own two judges, as
    assigned by hand group by group: two parts."""
    contest = make_contest()
    colleges = [make_college(), make_college()]
    teams = [make_team(contest, colleges[index // 2]) for index in range(4)]
    for team in teams:
        team.status = "approved"
    judges = [make_user("judge", contest_id=contest.id) for _ in range(4)]
    round_ = make_round(contest, grouping="college", judges_per_team=2, aggregation=ADJUSTED, criteria=ONE_ITEM)
    now = utcnow()
    add_entries(round_, team_ids=[team.id for team in teams], actor=None, now=now)
    add_judges(round_, [judge.id for judge in judges], actor=None, now=now)
    for index, team in enumerate(teams):
        home = judges[2 * (index // 2) : 2 * (index // 2) + 2]
        db.session.add_all(Assignment(round_id=round_.id, team_id=team.id, judge_id=judge.id) for judge in home)
    db.session.commit()
    return {"round": round_, "teams": teams, "judges": judges}


def test_auto_assign_with_bridging_links_the_groups_panels_and_the_results_carry_no_flag(client, panels_by_group, organizer):
    round_, teams = panels_by_group["round"], panels_by_group["teams"]
    judge_ids = [judge.id for judge in panels_by_group["judges"]]
    url = f"/api/v1/rounds/{round_.id}/assignments/auto"
    assert len(panel_parts(round_)) == 2

    # Off by default: every team has its 2 judges, nothing is added, the round stays in two parts.
    plain = client.post(url, headers=organizer, json={"seed": 1})
    assert plain.status_code == 200, plain.json
    assert (plain.json["assigned"], plain.json["unbridged"], len(panel_parts(round_))) == (0, [], 2)

    bridged = client.post(url, headers=organizer, json={"seed": 1, "bridging": True})
    assert bridged.status_code == 200, bridged.json
    assert (bridged.json["assigned"], bridged.json["unassigned"], bridged.json["unbridged"]) == (4, [], [])
    assert bridged.json["stats"]["bridges"] == 4
    assert panel_parts(round_) == [(4, 4)]
    panel_of = {team.id: set() for team in teams}
    for assignment in db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id)):
        panel_of[assignment.team_id].add(judge_ids.index(assignment.judge_id))
    # each team keeps its college's two judges and gets a visitor of the other college's panel
    assert [len(panel_of[team.id] - {0, 1}) for team in teams[:2]] == [1, 1]
    assert [len(panel_of[team.id] - {2, 3}) for team in teams[2:]] == [1, 1]

    # Scored and computed with the adjusted method: one part, no result flagged.
    transition_round(round_, "open", actor=None, now=utcnow())
    for assignment in db.session.scalars(select(Assignment).where(Assignment.round_id == round_.id)):
        judge = db.session.get(User, assignment.judge_id)
        total = 60 + 5 * judge_ids.index(judge.id)  # judges 5 points apart in severity
        save_sheet(assignment, {"overall": total}, comment=None, submit=True, version=0, actor=judge, now=utcnow())
    transition_round(round_, "closed", actor=None, now=utcnow())
    db.session.commit()
    response = compute(client, round_, organizer, confirm=True)
    assert response.status_code == 200, response.json
    assert all(item["score"] is not None and "disconnected_panels" not in item["flags"] for item in response.json["items"])


def test_the_round_page_bridges_the_panels_from_its_form(client, panels_by_group, login_as):
    round_ = panels_by_group["round"]
    login_as("organizer")
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Bridge the groups' panels" in page and "one judge more, from another group's panel" in page
    page = client.post(
        f"/rounds/{round_.id}",
        data={"assign-seed": "1", "assign-avoid_same_province": "0", "assign-bridging": "y", "assign-submit": "go"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "4 assignments made; 0 teams could not be covered." in page
    assert panel_parts(round_) == [(4, 4)]
