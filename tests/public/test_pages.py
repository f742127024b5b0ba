"""The pages everyone reads about a contest, and each role's dashboard: what they say of the contest's stage,
where the published results are, and what each person has to do."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.judging.services import add_entries, add_judges, transition_round
from app.judging.sheets import save_sheet
from app.models import Assignment, utcnow
from app.results.services import compute_round_results, publish_round

ONE_ITEM = [{"key": "overall", "name": "总体评价", "max": 100, "step": 0.5}]


@pytest.fixture
def season(make_contest, make_team, make_round, make_user):
    """`build(*statuses)`: a contest with two approved teams in a round that one judge scores (the first team
    submitted at 87.5, the second untouched), taken through `statuses` ("open", "closed", "published")."""

    def build(*statuses: str, **round_overrides):
        contest = make_contest()
        teams = [make_team(contest) for _ in range(2)]
        for team in teams:
            team.status = "approved"
        round_ = make_round(
            contest,
            name="省赛 Provincial round",
            judges_per_team=1,
            grouping="none",
            aggregation={"method": "mean", "decimals": 2},
            criteria=ONE_ITEM,
            **round_overrides,
        )
        judge = make_user("judge", contest_id=contest.id)
        now = utcnow()
        add_entries(round_, team_ids=[team.id for team in teams], actor=None, now=now)
        add_judges(round_, [judge.id], actor=None, now=now)
        assignments = []
        for team in teams:
            assignment = Assignment(round_id=round_.id, team_id=team.id, judge_id=judge.id)
            db.session.add(assignment)
            assignments.append(assignment)
        db.session.flush()
        if "open" in statuses:
            transition_round(round_, "open", actor=None, now=now)
            save_sheet(assignments[0], {"overall": "87.5"}, comment=None, submit=True, version=0, actor=judge, now=now)
        if "closed" in statuses:
            transition_round(round_, "closed", actor=None, now=now)
            compute_round_results(round_, confirm=True, actor=None, now=now)
        if "published" in statuses:
            publish_round(round_, show_scores=True, actor=None, now=now)
        db.session.commit()
        return {"contest": contest, "round": round_, "teams": teams, "judge": judge, "assignments": assignments}

    return build


def stage_of(page: str) -> str:
    return re.search(r'data-contest-stage="[a-z_]+">([^<]*)<', page).group(1)


@pytest.mark.parametrize(
    ("statuses", "stage"),
    [
        ((), "Registration open"),
        (("open",), "Judging: 省赛 Provincial round open"),
        (("open", "closed"), "Judging of 省赛 Provincial round closed; results to come"),
        (("open", "closed", "published"), "Results of 省赛 Provincial round published"),
    ],
)
def test_every_page_that_shows_a_contest_tells_its_real_stage(client, login_as, season, statuses, stage):
    contest = season(*statuses)["contest"]
    assert stage_of(client.get(f"/c/{contest.id}").get_data(as_text=True)) == stage
    assert stage_of(client.get("/").get_data(as_text=True)) == stage
    login_as("organizer")
    assert stage_of(client.get("/contests/").get_data(as_text=True)) == stage
    assert stage_of(client.get("/dashboard").get_data(as_text=True)) == stage


def test_the_stage_reads_in_chinese(client, season):
    contest = season("open")["contest"]
    page = client.get(f"/c/{contest.id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert stage_of(page) == "评审中：省赛 Provincial round 进行中"


def test_the_contest_page_links_each_published_round_and_no_other(client, season, make_round):
    built = season("open", "closed", "published")
    draft = make_round(built["contest"], name="国赛 National final")
    page = client.get(f"/c/{built['contest'].id}").get_data(as_text=True)
    assert f'href="/results/rounds/{built["round"].id}"' in page and "Results of 省赛 Provincial round" in page
    assert f"/results/rounds/{draft.id}" not in page
    assert client.get(f"/results/rounds/{built['round'].id}").status_code == 200  # a visitor may follow it


def test_the_judges_dashboard_shows_their_open_round_with_counts_and_the_way_to_their_sheets(client, login_as, season):
    """The message that there is nothing to do only where there is nothing."""
    built = season("open")
    login_as(user=built["judge"])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Your assignments will appear here" not in page
    panel = page.split(f'data-judge-round="{built["round"].id}"', 1)[1].split("</li>", 1)[0]
    assert "省赛 Provincial round" in panel
    assert "1 sheet to do" in panel and "0 draft sheets" in panel and "1 sheet submitted" in panel
    assert 'href="/judge"' in page
    login_as("judge")  # a judge with nothing assigned is told so
    assert "Your assignments will appear here when a round opens." in client.get("/dashboard").get_data(as_text=True)


def test_the_organizers_dashboard_leads_to_each_round_its_progress_results_judges_and_teams(client, login_as, season, make_round):
    built = season("open", "closed")
    contest, closed = built["contest"], built["round"]
    open_round = season("open")["round"]  # another contest's open round
    draft = make_round(contest, name="国赛 National final")
    login_as("organizer")
    page = client.get("/dashboard").get_data(as_text=True)
    item = page.split(f'data-contest="{contest.id}"', 1)[1].split('class="dashboard-contest"', 1)[0]
    for link in (
        f"/contests/{contest.id}/rounds",
        f"/contests/{contest.id}/judges",
        f"/contests/{contest.id}/teams",
        f"/rounds/{closed.id}",
        f"/rounds/{closed.id}/results",
        f"/rounds/{draft.id}",
    ):
        assert f'href="{link}"' in item, link
    assert f'href="/rounds/{draft.id}/results"' not in item  # nothing computed there yet
    assert f'href="/rounds/{open_round.id}/progress"' in page
    for link in re.findall(r'href="(/[^"]+)"', item):
        assert client.get(link).status_code == 200, link


def test_the_captains_dashboard_offers_to_register_only_where_they_have_no_team(client, login_as, make_contest, make_team):
    mine, other = make_contest(name="有队伍的赛事"), make_contest(name="还没报名的赛事")
    captain = login_as("captain")
    make_team(mine, owner=captain)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Register a team for 还没报名的赛事" in page
    assert "Register a team for 有队伍的赛事" not in page
    assert f'href="/contests/{other.id}/register"' in page


def test_the_judges_list_shows_totals_to_the_rounds_decimals(client, login_as, season):
    built = season("open")
    login_as(user=built["judge"])
    page = client.get("/judge").get_data(as_text=True)
    assert re.findall(r"data-total>([^<]*)<", page) == ["87.50", ""]
    assert "87.5000" not in page


def test_the_coordinators_count_reads_in_the_singular_for_one_team(client, login_as, make_contest, make_college, make_team):
    contest, college = make_contest(), make_college()
    make_team(contest, college=college)
    login_as("coordinator", contest_id=contest.id, college_id=college.id)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "1 team waits for review" in page and "1 teams" not in page
    chinese = client.get("/dashboard", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "1 个团队待审核" in chinese
