"""`flask demo --scale national`, at a small scale: the whole season through the services."""

from sqlalchemy import func, select

from app.demo.national import build_national_season
from app.extensions import db
from app.models import Award, Result, Round, ScoreSheet, Team


def test_the_season_runs_three_rounds_to_a_published_prize_list(app):
    season = build_national_season(teams=300, colleges=20, judge_count=30)
    counts = season.counts
    assert (counts["teams"], counts["colleges"], counts["judges"]) == (300, 20, 30)
    rounds = [db.session.get(Round, round_id) for round_id in season.round_ids]
    assert [round_.status for round_ in rounds] == ["published"] * 3
    assert db.session.scalar(select(func.count(Team.id)).where(Team.status == "approved")) == 300
    assert db.session.scalar(select(func.count(ScoreSheet.id)).where(ScoreSheet.status != "submitted")) == 0
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


def test_the_national_demo_needs_a_fresh_database(runner):
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["demo", "--scale", "national"])
    assert result.exit_code != 0 and "fresh database" in result.output
