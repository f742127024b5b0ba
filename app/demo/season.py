"""`flask demo` (and `make run` on an empty database): the demo contest in mid-season, built through the
real services, so that each demo account signs in to real work.

36 teams from 8 colleges in 4 provinces, registered by the captain or imported by the organizer, then
reviewed: approved, rejected, withdrawn, and three of the coordinator's college still waiting. The school
round (per college) is closed, computed, its top half advanced and its prizes given, and published. The
provincial round is open: the demo judge has about ten sheets, half of them done (some submitted, two
drafts), and the other judges are part way through theirs. The captain's team passed the school round.

Beside it, the next contest is open for registration with no teams yet: where a visitor signs up as a
captain and registers a team, as the demo contest no longer takes registrations.

The story is dated in the past (registration five weeks ago, the school round three weeks ago), as if
the contest had been running. Everything is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.announcements.sending import queue_rows, send_queued
from app.contests import services as contests
from app.demo import (
    DEMO_COORDINATOR_COLLEGE,
    create_demo_accounts,
    create_demo_contest,
    existing_demo_contest,
    give_demo_password,
    load_national_colleges,
)
from app.demo.people import Scorer, TeamFactory, api_payload, build_team_rows, load_colleges
from app.demo.sheets import NATIONAL_SHEET, TIE_BREAKS, round_assignment_ids, score_assignments
from app.demo.store_metrics import STORE_ITEMS, import_store_metrics
from app.extensions import db
from app.judging import assignments, judges
from app.judging import services as judging
from app.judging.sheets import save_sheet
from app.models import (
    APPROVED,
    AT_PUBLICATION,
    CAPTAIN,
    COORDINATOR,
    JUDGE,
    ORGANIZER,
    REJECTED,
    SUBMITTED,
    WITHDRAWN,
    Assignment,
    Contest,
    Round,
    Team,
    User,
)
from app.registration.imports import import_teams
from app.registration.review import review_team, withdraw_team
from app.registration.services import register_team
from app.results import advancement, awards
from app.results import services as results
from app.spreadsheets import Table

SEED = 23
NEXT_CONTEST_NAME = "跨境电商创新创业大赛（演示，报名中）Cross-border innovation contest (demo, registration open)"
#: Each college's imported teams by what became of them (the captain's team, of 浙江大学, comes on top).
FATES = {
    DEMO_COORDINATOR_COLLEGE: [APPROVED] * 4 + [REJECTED] + [SUBMITTED] * 3,  # 浙江大学, the demo coordinator's
    "4133010353": [APPROVED] * 5,  # 浙江工商大学
    "4133010336": [APPROVED] * 4,  # 杭州电子科技大学
    "4132010284": [APPROVED] * 3 + [WITHDRAWN],  # 南京大学
    "4132010286": [APPROVED] * 4,  # 东南大学
    "4144010558": [APPROVED] * 3 + [WITHDRAWN],  # 中山大学
    "4144010561": [APPROVED] * 2 + [REJECTED],  # 华南理工大学
    "4151010610": [APPROVED] * 3,  # 四川大学
}
SCHOOL_JUDGES, PROVINCIAL_JUDGES = 5, 3  # besides the demo judge
PRIZES = [{"key": "first", "count": 3}, {"key": "second", "count": 6}, {"key": "third", "count": 9}]
REJECTION = "指导老师信息不全，请补充后重新提交 The advisor's details are incomplete: complete them and submit again"
WITHDRAWAL = "两名队员因实习退出 Two members left for internships"
EXPERTISE = ("跨境电商", "品牌营销", "数据分析", "供应链", "创业投资")


@dataclass(frozen=True)
class Story:
    """When each step happened, counted back from `now`."""

    now: datetime

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)


def load_season_demo(*, now: datetime) -> Contest:
    """Load the national colleges list, the demo accounts and the demo contest in mid-season (see the
    module's docstring); a commit per step. Loading twice adds nothing: the existing demo contest is
    returned."""
    load_national_colleges(now)
    existing = existing_demo_contest()
    if existing is not None:
        return existing
    story = Story(now)
    contest = create_demo_contest(registration_opens_at=story.ago(45), registration_closes_at=story.ago(21), now=story.ago(50))
    people = create_demo_accounts(contest, now=story.ago(50))
    factory = TeamFactory(load_colleges(), seed=SEED, expected_teams=36)
    captains_team = _register(contest, factory, people, story)
    _review(contest, people, story)
    db.session.commit()
    school, provincial = _rounds(contest, people[ORGANIZER], story)
    judge_ids = _judges(contest, factory, people, story)
    scorer = Scorer(SEED, [item["key"] for item in NATIONAL_SHEET])
    scorer.quality[captains_team.id] = 17.5  # the captain's team is among its college's best: it advances
    _judge_school_round(school, provincial, judge_ids, scorer, people[ORGANIZER], story)
    _open_provincial_round(provincial, judge_ids, scorer, people, story)
    _next_contest(story)
    db.session.commit()
    return contest


def _next_contest(story: Story) -> Contest:
    """The next contest, open for registration for two months, with the demo contest's tracks."""
    return contests.create_contest(
        contests.with_defaults(
            {
                "name": NEXT_CONTEST_NAME,
                "year": story.now.year + 1,
                "registration_opens_at": story.ago(1),
                "registration_closes_at": story.ago(-60),
                "tracks": [{"code": "CB", "name": "跨境电商实战赛 Cross-border practical track", "kind": "practical"}],
            },
            "Asia/Shanghai",
        ),
        now=story.ago(2),
        actor=None,
    )


def _register(contest: Contest, factory: TeamFactory, people: dict[str, User], story: Story) -> Team:
    """The captain registers their own team (浙江大学); the organizer imports everyone else's."""
    colleges = {college.code: college for college in load_colleges() if college.code in FATES}
    captains = factory.team(college=colleges[DEMO_COORDINATOR_COLLEGE], province=colleges[DEMO_COORDINATOR_COLLEGE].province)
    team = register_team(contest, api_payload(captains), actor=people[CAPTAIN], now=story.ago(44))
    planned = [
        factory.team(college=colleges[code], province=colleges[code].province) for code, fates in FATES.items() for _ in fates
    ]
    import_teams(contest, build_team_rows(planned), actor=people[ORGANIZER], now=story.ago(38))
    return team


def _review(contest: Contest, people: dict[str, User], story: Story) -> None:
    """Each team meets its fate (FATES): the demo coordinator reviews 浙江大学's, the organizer the others'."""
    teams = db.session.scalars(select(Team).where(Team.contest_id == contest.id).order_by(Team.id)).all()
    captains_team, imported = teams[0], teams[1:]
    coordinator, organizer = people[COORDINATOR], people[ORGANIZER]
    review_team(captains_team, "approve", None, actor=coordinator, now=story.ago(30))
    fates = [(code, fate) for code, planned in FATES.items() for fate in planned]
    for team, (code, fate) in zip(imported, fates, strict=True):
        reviewer = coordinator if code == DEMO_COORDINATOR_COLLEGE else organizer
        if fate == APPROVED:
            review_team(team, "approve", None, actor=reviewer, now=story.ago(28))
        elif fate == REJECTED:
            review_team(team, "reject", REJECTION, actor=reviewer, now=story.ago(28))
        elif fate == WITHDRAWN:
            withdraw_team(team, WITHDRAWAL, actor=organizer, now=story.ago(26))


def _rounds(contest: Contest, organizer: User, story: Story) -> tuple[Round, Round]:
    """The school round (per college, top half advances) and the provincial round (per province)."""
    common: dict[str, Any] = {
        "criteria": NATIONAL_SHEET + STORE_ITEMS,  # the practical track counts its stores' data (app.demo.store_metrics)
        "tie_breaks": TIE_BREAKS,
        "aggregation": {"method": "mean", "decimals": 2},
    }
    school = judging.create_round(
        contest,
        {**common, "name": "校赛 School round", "level": "school", "grouping": "college", "judges_per_team": 3},
        actor=organizer,
        now=story.ago(22),
    )
    provincial = judging.create_round(
        contest,
        {
            **common,
            "name": "省赛 Provincial round",
            "level": "provincial",
            "grouping": "province",
            "judges_per_team": 3,
            "previous_round_id": school.id,
        },
        actor=organizer,
        now=story.ago(22),
    )
    return school, provincial


def _judges(contest: Contest, factory: TeamFactory, people: dict[str, User], story: Story) -> list[int]:
    """The demo judge and SCHOOL_JUDGES more, imported with the demo's password; the demo judge first."""
    columns = ["name", "email", "organization", "expertise"]
    rows = [
        (
            index + 2,
            dict(
                zip(
                    columns,
                    [factory.person_name(), f"judge{index + 1}@school.demo.laurel", "电子商务专家委员会", EXPERTISE[index]],
                    strict=True,
                )
            ),
        )
        for index in range(SCHOOL_JUDGES)
    ]
    judges.import_judges(contest, Table(columns=columns, rows=rows), actor=people[ORGANIZER], now=story.ago(23))
    others = db.session.scalars(select(User).where(User.email.like("judge%@school.demo.laurel")).order_by(User.id)).all()
    give_demo_password(others)
    return [people[JUDGE].id, *(user.id for user in others)]


def _judge_school_round(
    school: Round, provincial: Round, judge_ids: list[int], scorer: Scorer, organizer: User, story: Story
) -> None:
    """Judged in full, closed, computed; the top half of each college advances, prizes are given, and
    the results are published with their scores."""
    judging.add_entries(school, all_approved=True, actor=organizer, now=story.ago(21))
    judging.add_judges(school, judge_ids, actor=organizer, now=story.ago(21))
    assignments.auto_assign(school, seed=SEED, actor=organizer, now=story.ago(21))
    judging.transition_round(school, "open", actor=organizer, now=story.ago(20))
    score_assignments(round_assignment_ids(school.id), scorer, now=story.ago(16))
    judging.transition_round(school, "closed", actor=organizer, now=story.ago(14))
    import_store_metrics(school, seed=SEED, actor=organizer, now=story.ago(14))
    results.compute_round_results(school, confirm=False, actor=organizer, now=story.ago(14))
    rule = advancement.advancement_input({"share": 0.5, "per": "college", "ties": "include"})
    advancement.advance_teams(school, provincial, rule, actor=organizer, now=story.ago(13))
    awards.assign_awards(school, awards.award_rule_input(school, PRIZES, ties="include"), actor=organizer, now=story.ago(13))
    results.publish_round(school, show_scores=True, actor=organizer, now=story.ago(12), tell_teams=False)
    db.session.commit()
    # Each team was told its result then: sent here at once, in the story's time, rather than by a job.
    queue_rows(school, AT_PUBLICATION, now=story.ago(12))
    send_queued(school, AT_PUBLICATION, clock=lambda: story.ago(12))


def _open_provincial_round(
    provincial: Round, judge_ids: list[int], scorer: Scorer, people: dict[str, User], story: Story
) -> None:
    """Open, with the demo judge's sheets half done (two of them drafts) and the other judges' all,
    two thirds and one third submitted."""
    organizer, demo_judge = people[ORGANIZER], people[JUDGE]
    pool = judge_ids[: 1 + PROVINCIAL_JUDGES]
    judging.add_judges(provincial, pool, actor=organizer, now=story.ago(10))
    assignments.auto_assign(provincial, seed=SEED, actor=organizer, now=story.ago(10))
    judging.transition_round(provincial, "open", actor=organizer, now=story.ago(7))
    import_store_metrics(provincial, seed=SEED, actor=organizer, now=story.ago(7))  # the teams see them before publication
    for position, judge_id in enumerate(pool):
        ids = list(
            db.session.scalars(
                select(Assignment.id)
                .where(Assignment.round_id == provincial.id, Assignment.judge_id == judge_id)
                .order_by(Assignment.id)
            )
        )
        if judge_id == demo_judge.id:
            done = len(ids) // 2
            score_assignments(ids[: done - 2], scorer, now=story.ago(2))
            _save_drafts(ids[done - 2 : done], scorer, demo_judge, story)
        else:
            score_assignments(ids[: len(ids) * (PROVINCIAL_JUDGES + 1 - position) // PROVINCIAL_JUDGES], scorer, now=story.ago(3))


def _save_drafts(assignment_ids: list[int], scorer: Scorer, judge: User, story: Story) -> None:
    """Drafts with the last two items still blank."""
    blank = [item["key"] for item in NATIONAL_SHEET[-2:]]
    for assignment in db.session.scalars(select(Assignment).where(Assignment.id.in_(assignment_ids))):
        values: dict[str, Any] = scorer.scores(assignment.team_id, judge.id)
        values.update(dict.fromkeys(blank))
        save_sheet(assignment, values, comment=None, submit=False, version=0, actor=judge, now=story.ago(1))
