"""`flask demo` (what `make run` loads into an empty database): the demo contest in mid-season, so that each
demo account signs in to real work."""

import subprocess
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.demo import DEMO_COORDINATOR_COLLEGE
from app.extensions import db
from app.judging.queries import judge_assignments
from app.models import (
    Assignment,
    Award,
    College,
    Contest,
    Entry,
    Result,
    ResultMail,
    ResultSnapshot,
    Round,
    ScoreSheet,
    Team,
    User,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo", "--only-if-empty"])
    assert result.exit_code == 0, result.output
    return result.output


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def rounds() -> tuple[Round, Round]:
    school, provincial = db.session.scalars(select(Round).order_by(Round.id)).all()
    return school, provincial


def test_the_demo_has_teams_of_several_colleges_and_provinces_in_every_status(demo):
    statuses = Counter(db.session.scalars(select(Team.status)))
    assert statuses == {"approved": 29, "submitted": 3, "rejected": 2, "withdrawn": 2}
    colleges = db.session.scalars(select(College).join(Team, Team.college_id == College.id).distinct()).all()
    assert len(colleges) == 8 and len({college.province_id for college in colleges}) == 4
    waiting = db.session.scalars(select(Team).join(Team.college).where(Team.status == "submitted")).all()
    assert {team.college.code for team in waiting} == {DEMO_COORDINATOR_COLLEGE}  # the coordinator has work
    assert all(team.review_reason for team in db.session.scalars(select(Team).where(Team.status == "rejected")))


def test_the_school_round_is_published_with_its_prizes_and_the_captains_team_advanced(demo):
    school, provincial = rounds()
    assert (school.status, school.level) == ("published", "school")
    tiers = dict(
        db.session.execute(select(Award.tier, func.count(Award.id)).where(Award.round_id == school.id).group_by(Award.tier)).all()
    )
    assert tiers == {"first": 3, "second": 6, "third": 9}
    advanced = set(db.session.scalars(select(Result.team_id).where(Result.round_id == school.id, Result.advanced.is_(True))))
    entered = set(db.session.scalars(select(Entry.team_id).where(Entry.round_id == provincial.id)))
    assert advanced == entered and 10 <= len(entered) < 29
    captains_team = db.session.scalar(select(Team).where(Team.owner_id == user("captain@demo.laurel").id))
    assert captains_team.status == "approved" and captains_team.id in entered


def test_every_team_of_the_school_round_was_told_its_result_at_publication(demo):
    school, _provincial = rounds()
    told = db.session.scalars(select(ResultMail).where(ResultMail.round_id == school.id)).all()
    entered = db.session.scalar(select(func.count(Entry.id)).where(Entry.round_id == school.id))
    assert len(told) == entered and {mail.state for mail in told} == {"sent"}
    published = db.session.scalar(select(ResultSnapshot.published_at).where(ResultSnapshot.round_id == school.id))
    assert all(mail.recipients and mail.sent_at == published for mail in told)  # in the story's time


def test_the_provincial_round_is_open_with_the_demo_judges_sheets_half_done(demo):
    _school, provincial = rounds()
    assert provincial.status == "open"
    listed = judge_assignments(user("judge@demo.laurel"))  # what /judge lists
    assert {item.round_id for item in listed} == {provincial.id}
    states = Counter(item.state for item in listed)
    assert 8 <= len(listed) <= 12
    assert states["draft"] == 2 and states["submitted"] >= 1 and states["not_started"] == len(listed) - len(listed) // 2
    # The other judges are part way through too: the round's progress is neither nothing nor everything.
    sheets = Counter(
        db.session.scalars(
            select(ScoreSheet.status)
            .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
            .where(Assignment.round_id == provincial.id)
        )
    )
    assignments = db.session.scalar(select(func.count(Assignment.id)).where(Assignment.round_id == provincial.id))
    assert 0 < sheets["submitted"] < assignments


def test_loading_again_adds_nothing(runner, demo):
    counts = [db.session.scalar(select(func.count(model.id))) for model in (Contest, Team, User, ScoreSheet)]
    again = runner.invoke(args=["demo", "--only-if-empty", "--url", "http://0.0.0.0:8123"])
    assert again.output == "The database already has contests; the demo was not loaded. Laurel: http://0.0.0.0:8123/login\n"
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert [db.session.scalar(select(func.count(model.id))) for model in (Contest, Team, User, ScoreSheet)] == counts


def test_the_demo_prints_the_address_it_is_served_at(runner):
    output = runner.invoke(args=["demo", "--url", "http://127.0.0.1:8123"]).output
    assert "Sign in at http://127.0.0.1:8123/login with the password 'laurel-demo'" in output


def test_make_run_passes_its_host_and_port_to_the_demo():
    commands = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "run", "HOST=0.0.0.0", "PORT=8123"], capture_output=True, text=True, check=True
    ).stdout
    assert "demo --only-if-empty --url http://0.0.0.0:8123" in commands
    assert "--bind 0.0.0.0:8123" in commands


def test_a_visitor_finds_a_contest_open_for_registration_and_can_register_there(demo, client):
    """The demo contest's registration closed weeks ago: the next contest is where a new captain registers."""
    from app.demo.season import NEXT_CONTEST_NAME

    contest = db.session.scalar(select(Contest).where(Contest.name == NEXT_CONTEST_NAME))
    assert contest is not None and not db.session.scalar(select(func.count(Team.id)).where(Team.contest_id == contest.id))
    assert "Cross-border innovation contest" in client.get("/").get_data(as_text=True)
    signed_in = client.post("/login", data={"email": "captain@demo.laurel", "password": "laurel-demo"})
    assert signed_in.status_code == 302
    form = client.get(f"/contests/{contest.id}/register")
    assert form.status_code == 200 and 'name="members-0-student_id"' in form.get_data(as_text=True)


def test_the_practical_tracks_store_data_counts_in_the_school_results_and_the_captain_sees_the_provincial_values(demo, client):
    school, provincial = rounds()
    assert [criterion.key for criterion in school.data_criteria] == ["sales", "rating"]
    results = db.session.scalars(select(Result).where(Result.round_id == school.id)).all()
    # the results show each data item beside the judges' totals
    client.post("/login", data={"email": "organizer@demo.laurel", "password": "laurel-demo"})
    page = client.get(f"/rounds/{school.id}/results").get_data(as_text=True)
    assert "店铺销售额" in page and 'data-item="sales"' in page and 'data-item="rating"' in page
    assert all(result.score is not None for result in results)
    client.post("/logout")
    captains_team = db.session.scalar(select(Team).where(Team.owner_id == user("captain@demo.laurel").id))
    client.post("/login", data={"email": "captain@demo.laurel", "password": "laurel-demo"})
    page = client.get(f"/teams/{captains_team.id}").get_data(as_text=True)
    assert provincial.name in page
    assert "店铺销售额" in page
    assert "报告此数值有误" in page  # the captain reads Chinese: the report button
