"""`flask demo --scale national`, at a small scale: the whole season through the services."""

from sqlalchemy import func, select

from app.demo import DEMO_ACCOUNTS
from app.demo.national import build_national_season
from app.extensions import db
from app.judging.queries import judge_assignments
from app.models import Assignment, Award, Certificate, MetricValue, Objection, Result, Round, ScoreSheet, Team, User, utcnow
from app.notices.services import notice_payload
from app.results.queries import result_rows

DEMO_EMAILS = [email for _role, email, _name in DEMO_ACCOUNTS]


def test_the_season_runs_three_rounds_to_a_prize_list_made_final_after_its_notice(app):
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
    # The final was published with a notice, now over: the demo captain's objection was answered during it, and
    # the finalization gave each of the 40 awards its certificate.
    now = utcnow()
    notice = notice_payload(final, now)
    assert notice["state"] == "final" and notice["finalized_at"] is not None
    assert notice["ends_on"] < final.contest.local(now).date()
    (objection,) = db.session.scalars(select(Objection).where(Objection.round_id == final.id)).all()
    assert objection.state == "answered" and objection.decision == "dismissed" and objection.reply
    assert objection.author.email == "captain@demo.laurel"
    assert notice["starts_on"] <= final.contest.local(objection.created_at).date() <= notice["ends_on"]
    certificates = db.session.scalars(select(Certificate).where(Certificate.round_id == final.id)).all()
    awarded = set(db.session.scalars(select(Award.id).where(Award.round_id == final.id)))
    assert len(awarded) == 40 and {certificate.award_id for certificate in certificates} == awarded
    assert len(certificates) == counts["certificates"] == 40
    assert all(certificate.valid for certificate in certificates) and counts["objections"] == 1


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
