"""`flask demo --scale national`: a whole national season, built through the same services as the
browser and the API (no shortcut the real app would not take).

689 colleges of the national list across the 31 provinces, 9,872 teams registered by import and
approved one by one, 300 judges imported with their colleges and some declared conflicts, then three
rounds: the school round (per college, trimmed mean, the top 30% of each college advance), the
provincial round (per province, mean, the top 5 of each province advance) and the national final
(one panel, mean, 8 special, 12 first and 20 second prizes). Every sheet is saved and submitted by
`save_sheet` with simulated values: a true quality per team, a severity per judge, and noise.

The season happened in the weeks before `now`: the final was published with a public notice (公示) that has
ended, the demo captain objected to the first-ranked team during it, the organizer dismissed the objection
with a reply, and finalized the results, which gave each award its certificate.

The small demo contest in mid-season (`app.demo.season`) is loaded first: the national season's rounds are
all published, so the demo accounts find their open work there (the demo judge also judges every
national round).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth import services as accounts
from app.contests import services as contests
from app.demo import DEMO_ACCOUNTS, give_demo_password
from app.demo.people import Scorer, TeamFactory, build_team_rows, load_colleges
from app.demo.season import load_season_demo
from app.demo.sheets import BATCH, NATIONAL_SHEET, TIE_BREAKS, Progress, quiet, round_assignment_ids, score_assignments
from app.demo.store_metrics import STORE_ITEMS, import_store_metrics
from app.extensions import db
from app.judging import assignments, conflicts, judges
from app.judging import services as judging
from app.models import DISMISSED, SUBMITTED, Certificate, Contest, Result, Round, Team, User, utcnow
from app.notices import objections
from app.notices.calendar import CALENDAR_DAYS, CN_WORKDAYS, DEFAULT_DAYS, CalendarNotPublished, notice_end
from app.notices.finalization import finalize_results
from app.registration.imports import import_teams
from app.registration.review import review_team
from app.results import advancement, awards
from app.results import services as results
from app.spreadsheets import Table

NATIONAL_CONTEST_NAME = "全国大学生电子商务“创新、创意及创业”挑战赛 · 跨境电商实战赛（全国规模演示）"
PRIZES = [{"key": "special", "count": 8}, {"key": "first", "count": 12}, {"key": "second", "count": 20}]
EXPERTISE = ("跨境电商", "直播电商", "品牌营销", "供应链", "数据分析", "创业投资", "国际贸易", "乡村振兴")
#: How many days before `now` each round's judging began (entries, panel, assignment, opening); its sheets are
#: submitted the day after and it is closed, computed and published the day after that. Registration closed 30
#: days before `now`.
ROUND_STARTS = (27, 24, 21)
#: The final's notice: published this many days before `now`, so that even five working days across the Spring
#: Festival or National Day (13 days at most) have ended; the objection comes the day after publication, its
#: answer the day after that, the finalization a few days after the notice's end.
FINAL_PUBLISHED, OBJECTED, ANSWERED, FINALIZED = 18, 17, 16, 3
OBJECTION = (
    "该队店铺的销量疑似刷单，请核查平台后台数据。 The team's store sales look inflated: please check the platform's records."
)
REPLY = "经核查平台后台订单与物流记录，销量真实，异议不成立。 The platform's orders and shipping records confirm the sales."


@dataclass
class Season:
    """What was built, and how long each step took (seconds), for the command's summary and the bench."""

    contest_id: int
    round_ids: list[int] = field(default_factory=list)
    steps: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def build_national_season(
    *,
    now: datetime | None = None,
    seed: int = 1,
    teams: int = 9872,
    colleges: int = 689,
    judge_count: int = 300,
    progress: Progress = quiet,
    name: str = NATIONAL_CONTEST_NAME,
) -> Season:
    """Build the season in the (fresh) database, committing as it goes; see the module's docstring."""
    now = now or utcnow()

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    pick = random.Random(seed)
    load_season_demo(now=now)  # the demo accounts, each with work waiting in the demo contest
    organizer = accounts.find_user_by_email(DEMO_ACCOUNTS[0][1])
    contest = contests.create_contest(
        contests.with_defaults(
            {
                "name": name,
                "year": now.year,
                "registration_opens_at": now - timedelta(days=90),
                "registration_closes_at": now - timedelta(days=30),
                "tracks": [
                    {"code": "CG", "name": "常规赛 Regular track", "kind": "regular"},
                    {"code": "CB", "name": "跨境电商实战赛 Cross-border practical track", "kind": "practical"},
                ],
            },
            "Asia/Shanghai",
        ),
        now=ago(90),
        actor=organizer,
    )
    db.session.commit()
    season = Season(contest_id=contest.id)

    def timed(name: str, work: Callable[[], object]) -> object:
        started = time.perf_counter()
        outcome = work()
        db.session.commit()
        season.steps[name] = round(time.perf_counter() - started, 3)
        return outcome

    factory = TeamFactory(load_colleges(), seed=seed, expected_teams=teams, taking_part=colleges)
    planned = factory.teams(teams)
    timed("register_teams", lambda: _register(contest.id, planned, organizer, progress, when=ago(60)))
    timed("approve_teams", lambda: _approve(contest.id, organizer, progress, when=ago(29)))
    judge_ids = timed("import_judges", lambda: _judges(contest, factory, judge_count, pick, organizer, when=ago(29)))
    scorer = Scorer(seed, [item["key"] for item in NATIONAL_SHEET])
    rounds = [
        {
            "name": "校赛 School round",
            "level": "school",
            "grouping": "college",
            "judges_per_team": 5,
            "aggregation": {"method": "trimmed_mean", "trim": 1, "decimals": 2},
            "advance": {"share": 0.3, "per": "college", "ties": "include"},
        },
        {
            "name": "省赛 Provincial round",
            "level": "provincial",
            "grouping": "province",
            "judges_per_team": 3,
            "aggregation": {"method": "mean", "decimals": 2},
            "advance": {"top": 5, "per": "province", "ties": "include"},
        },
        {
            "name": "全国总决赛 National final",
            "level": "national",
            "grouping": "none",
            "judges_per_team": 5,
            "aggregation": {"method": "mean", "decimals": 2},
            # the practical track's final counts the stores' data beside the judges (app.demo.store_metrics)
            "data": True,
        },
    ]
    round_ids = [
        timed(
            f"create_round_{index}",
            lambda spec=spec: judging.create_round(
                db.session.get(Contest, contest.id),
                {
                    **{k: v for k, v in spec.items() if k not in ("advance", "data")},
                    "criteria": NATIONAL_SHEET + (STORE_ITEMS if spec.get("data") else []),
                    "tie_breaks": TIE_BREAKS,
                },
                actor=organizer,
                now=ago(28),
            ).id,
        )
        for index, spec in enumerate(rounds, start=1)
    ]
    season.round_ids = round_ids
    timed(
        "entries_1",
        lambda: judging.add_entries(db.session.get(Round, round_ids[0]), all_approved=True, actor=organizer, now=ago(28)),
    )
    for index, spec in enumerate(rounds, start=1):
        round_id = round_ids[index - 1]
        opened, scored, closed = (ago(ROUND_STARTS[index - 1] - day) for day in range(3))
        timed(
            f"judges_{index}",
            lambda round_id=round_id, when=opened: judging.add_judges(
                db.session.get(Round, round_id), judge_ids, actor=organizer, now=when
            ),
        )
        outcome = timed(
            f"assign_{index}",
            lambda round_id=round_id, index=index, when=opened: assignments.auto_assign(
                db.session.get(Round, round_id), seed=seed, avoid_same_province=index == 2, actor=organizer, now=when
            ),
        )
        if outcome["unassigned"]:
            raise RuntimeError(f"round {index}: {len(outcome['unassigned'])} teams could not be covered")
        timed(
            f"open_{index}",
            lambda round_id=round_id, when=opened: judging.transition_round(
                db.session.get(Round, round_id), "open", actor=organizer, now=when
            ),
        )
        season.counts[f"sheets_{index}"] = timed(
            f"score_{index}",
            lambda round_id=round_id, index=index, when=scored: score_assignments(
                round_assignment_ids(round_id), scorer, now=when, progress=progress, label=f"round {index}: sheets"
            ),
        )
        timed(
            f"close_{index}",
            lambda round_id=round_id, when=closed: judging.transition_round(
                db.session.get(Round, round_id), "closed", actor=organizer, now=when
            ),
        )
        if spec.get("data"):
            season.counts["store_metrics"] = timed(
                "import_store_metrics",
                lambda round_id=round_id, when=closed: import_store_metrics(
                    db.session.get(Round, round_id), seed=seed, actor=organizer, now=when
                ),
            )
        timed(
            f"compute_{index}",
            lambda round_id=round_id, when=closed: results.compute_round_results(
                db.session.get(Round, round_id), confirm=False, actor=organizer, now=when
            ),
        )
        if "advance" in spec:
            advanced = timed(
                f"advance_{index}",
                lambda round_id=round_id, spec=spec, index=index, when=closed: advancement.advance_teams(
                    db.session.get(Round, round_id),
                    db.session.get(Round, round_ids[index]),
                    advancement.advancement_input(spec["advance"]),
                    actor=organizer,
                    now=when,
                ),
            )
            season.counts[f"advanced_{index}"] = len(advanced.advanced)
        else:
            awarded = timed(
                "awards",
                lambda round_id=round_id, when=closed: awards.assign_awards(
                    db.session.get(Round, round_id),
                    awards.award_rule_input(db.session.get(Round, round_id), PRIZES),
                    actor=organizer,
                    now=when,
                ),
            )
            season.counts["awards"] = len(awarded.awards)
            season.counts["award_ties"] = len(awarded.ties)
        if "advance" in spec:
            timed(
                f"publish_{index}",
                lambda round_id=round_id, when=closed: results.publish_round(
                    db.session.get(Round, round_id), show_scores=True, actor=organizer, now=when, tell_teams=False
                ),
            )
        else:
            season.counts.update(timed("notice", lambda round_id=round_id: _final_notice(round_id, organizer, ago)))
        progress(f"round {index}: published", 1, 1)
    province_of = {college.id: college.province for chosen, _weights in factory.participants.values() for college in chosen}
    season.counts.update(
        teams=len(planned),
        colleges=len({team["college_id"] for team in planned}),
        provinces=len({province_of[team["college_id"]] for team in planned}),
        judges=len(judge_ids),
    )
    return season


def notice_settings(starts_on: date) -> dict:
    """Five working days of the official Chinese calendar, or five calendar days when the calendar of the
    notice's days is not published yet (the demo builds on any day; a year's calendar comes out in November)."""
    try:
        notice_end(starts_on, DEFAULT_DAYS, CN_WORKDAYS)
    except CalendarNotPublished:
        return {"days": DEFAULT_DAYS, "calendar": CALENDAR_DAYS}
    return {"days": DEFAULT_DAYS, "calendar": CN_WORKDAYS}


def _final_notice(round_id: int, organizer: User, ago: Callable[[float], datetime]) -> dict[str, int]:
    """The final published with a notice, which has ended: the demo captain objected to the first-ranked team
    during it, the organizer dismissed the objection with a reply (mailed to the captain) and finalized the
    results, which gave each award its certificate. Through the services, at the story's times."""
    final = db.session.get(Round, round_id)
    published = ago(FINAL_PUBLISHED)
    settings = notice_settings(final.contest.local(published).date())
    results.publish_round(final, show_scores=True, actor=organizer, now=published, notice=settings, tell_teams=False)
    db.session.commit()
    captain = accounts.find_user_by_email(DEMO_ACCOUNTS[3][1])
    first = db.session.scalar(select(Result.team_id).where(Result.round_id == final.id).order_by(Result.rank, Result.id).limit(1))
    objection = objections.create_objection(final, team_id=first, reason=OBJECTION, author=captain, now=ago(OBJECTED))
    db.session.commit()
    objections.answer_objection(objection, decision=DISMISSED, reply=REPLY, action=None, actor=organizer, now=ago(ANSWERED))
    db.session.commit()
    finalize_results(final, actor=organizer, now=ago(FINALIZED))
    certificates = db.session.scalar(select(func.count(Certificate.id)).where(Certificate.round_id == final.id))
    return {"objections": 1, "certificates": certificates}


def _register(contest_id: int, planned: list[dict], organizer: User, progress: Progress, *, when: datetime) -> int:
    """Every team through the registration import, a batch per transaction."""
    created = 0
    for start in range(0, len(planned), BATCH):
        part = planned[start : start + BATCH]
        created += import_teams(
            db.session.get(Contest, contest_id), build_team_rows(part, first_key=start + 1), actor=organizer, now=when
        )
        db.session.commit()
        progress("teams registered", created, len(planned))
    return created


def _approve(contest_id: int, organizer: User, progress: Progress, *, when: datetime) -> int:
    """Each college's review, team by team (`review_team`), a commit per batch."""
    total = len(db.session.scalars(select(Team.id).where(Team.contest_id == contest_id, Team.status == SUBMITTED)).all())
    approved, last = 0, 0
    for _ in range(total // BATCH + 2):  # bounded: one batch more than the teams need
        batch = db.session.scalars(
            select(Team)
            .options(selectinload(Team.members), selectinload(Team.disputes))  # each approval mails the captain
            .where(Team.contest_id == contest_id, Team.status == SUBMITTED, Team.id > last)
            .order_by(Team.id)
            .limit(BATCH)
        ).all()
        if not batch:
            break
        for team in batch:
            review_team(team, "approve", None, actor=organizer, now=when)
        approved += len(batch)
        last = batch[-1].id
        db.session.commit()
        progress("teams approved", approved, total)
    return approved


def _judges(
    contest: Contest, factory: TeamFactory, count: int, pick: random.Random, organizer: User, *, when: datetime
) -> list[int]:
    """`count` judges by the judges' import (the demo judge among them), with the demo's password, a third
    declaring a conflict."""
    participants = [college for chosen, _weights in factory.participants.values() for college in chosen]
    columns = ["name", "email", "college_code", "organization", "province", "expertise"]
    rows = []
    for index in range(count):
        college = pick.choice(participants)
        email = DEMO_ACCOUNTS[2][1] if index == 0 else f"judge{index:03d}@national.demo.laurel"
        name = DEMO_ACCOUNTS[2][2] if index == 0 else factory.person_name()
        rows.append(
            (
                index + 2,
                dict(
                    zip(
                        columns,
                        [name, email, college.code, college.name, college.province, pick.choice(EXPERTISE)],
                        strict=True,
                    )
                ),
            )
        )
    judges.import_judges(contest, Table(columns=columns, rows=rows), actor=organizer, now=when)
    db.session.flush()
    users = db.session.scalars(select(User).where(User.email.in_([row["email"] for _number, row in rows]))).all()
    give_demo_password(users)
    for user in users[::3]:
        college = pick.choice(participants)
        conflicts.declare_conflict(
            user, college_id=college.id, team_id=None, reason="曾在该校任职 worked there", actor=organizer, now=when
        )
    return sorted(user.id for user in users)
