"""`flask demo --scale national`, at a small scale: the whole season through the services."""

from sqlalchemy import func, select

from app.demo import DEMO_ACCOUNTS
from app.demo.national import build_national_season
from app.extensions import db
from app.judging.queries import judge_assignments
from app.models import Assignment, Award, MetricValue, Result, Round, ScoreSheet, Team, User
from app.results.queries import result_rows

DEMO_EMAILS = [email for _role, email, _name in DEMO_ACCOUNTS]


def test_the_season_runs_three_rounds_to_a_published_prize_list(app):
    season = build_national_season(teams=300, colleges=20, judge_count=30)
    counts = season.counts
    assert (counts["teams"], counts["colleges"], counts["judges"]) == (300, 20, 30)
    rounds = [db.session.get(Round, round_id) for round_id in season.round_ids]
    assert [round_.status for round_ in rounds] == ["published"] * 3
    national = Team.contest_id == season.contest_id
    assert db.session.scalar(select(func.count(Team.id)).where(national, Team.status == "approved")) == 300
    in_season = Assignment.round_id.in_(season.round_ids)
    unsubmitted = select(func.count(ScoreSheet.id)).join(Assignment, Assignment.id == ScoreSheet.assignment_id)
    assert db.session.scalar(unsubmitted.where(in_season, ScoreSheet.status != "submitted")) == 0
    # Round 2 holds exactly the teams that advanced from round 1, and the final those from round 2.
    for earlier, later in zip(rounds, rounds[1:], strict=False):
        advanced = set(db.session.scalars(select(Result.team_id).where(Result.round_id == earlier.id, Result.advanced.is_(True))))
        ranked_later = set(db.session.scalars(select(Result.team_id).where(Result.round_id == later.id)))
        assert advanced == ranked_later and advanced
    tiers = dict(
        db.session.execute(
            select(Award.tier, func.count(Award.id)).where(Award.round_id == rounds[2].id).group_by(Award.tier)
        ).all()
    )
    assert counts["award_ties"] == 0 and counts["advanced_2"] >= 40  # seed 1 leaves no tie at a boundary
    assert tiers == {"special": 8, "first": 12, "second": 20}
    # The practical track's final counts the stores' data, imported from a generated store-metrics sheet.
    final = rounds[2]
    assert [criterion.key for criterion in final.data_criteria] == ["sales", "rating"]
    assert counts["store_metrics"] == db.session.scalar(select(func.count(Result.id)).where(Result.round_id == final.id))
    imported = db.session.scalar(select(func.count(MetricValue.id)).where(MetricValue.round_id == final.id))
    assert imported >= counts["store_metrics"]
    items = {cell.key for row in result_rows(final, page=1, per_page=5)[0] for cell in row.data}
    assert items == {"sales", "rating"}


def test_the_national_demo_needs_a_fresh_database(runner):
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["demo", "--scale", "national"])
    assert result.exit_code != 0 and "fresh database" in result.output


def test_the_demo_accounts_have_work_beside_the_national_season(app):
    """The national season's rounds are all published, which no judge's list shows: the demo accounts find
    their open work in the demo contest in mid-season, loaded with it."""
    season = build_national_season(teams=60, colleges=6, judge_count=20)
    user = {email: db.session.scalar(select(User).where(User.email == email)) for email in DEMO_EMAILS}
    judge = user["judge@demo.laurel"]
    assert db.session.scalar(
        select(func.count(Assignment.id)).where(Assignment.judge_id == judge.id, Assignment.round_id.in_(season.round_ids))
    )
    listed = judge_assignments(judge)  # what /judge lists
    assert any(item.state == "not_started" for item in listed) and any(item.state == "submitted" for item in listed)
    coordinator = user["coordinator@demo.laurel"]
    (college_id,) = {role.college_id for role in coordinator.roles if role.role == "coordinator"}
    assert db.session.scalar(select(func.count(Team.id)).where(Team.college_id == college_id, Team.status == "submitted"))
    assert db.session.scalar(select(Team).where(Team.owner_id == user["captain@demo.laurel"].id)) is not None
