"""The steps every seed contest's demo takes, through the same services as the browser and the API: the contest,
the registrations (the organizer registers for the entrants), the review, a panel of judges, a round judged from
entries to computed results, the awards, the publication. `app.demo.seeds` builds each contest from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.auth import services as accounts
from app.contests import services as contests
from app.demo import DEMO_ACCOUNTS, give_demo_password
from app.demo.people import Scorer
from app.demo.season import load_season_demo
from app.demo.sheets import round_assignment_ids, score_assignments
from app.extensions import db
from app.judging import assignments, judges
from app.judging import services as judging
from app.models import APPROVED, SUBMITTED, Contest, Round, Team, User
from app.registration.review import review_team
from app.registration.services import register_team
from app.results import awards
from app.results import services as results
from app.spreadsheets import Table
from scoring.awards import AwardOutcome

JUDGE_COLUMNS = ["name", "email", "organization", "expertise"]


@dataclass
class Built:
    """What a seed contest's demo built: the contest, its rounds (in order), counts, and where to look
    (path, what is there), for the command's summary and the tests."""

    kind: str
    contest_id: int
    name: str
    round_ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    looks: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Story:
    """When each step happened, counted back from `now`."""

    now: datetime

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)


def demo_organizer(now: datetime) -> User:
    """The demo's organizer, with the demo accounts and the default demo beside it (loaded once: the seed
    contests sit alongside whatever the database holds)."""
    load_season_demo(now=now)
    db.session.commit()
    return accounts.find_user_by_email(DEMO_ACCOUNTS[0][1])


def unique_name(name: str) -> str:
    """`name`, or "name (2)", "name (3)"... when a contest already has it: the demo may run again."""
    taken = set(db.session.scalars(select(Contest.name).where(Contest.name.startswith(name, autoescape=True))))
    if name not in taken:
        return name
    number = 2
    while f"{name} ({number})" in taken:
        number += 1
    return f"{name} ({number})"


def create_seed_contest(data: Mapping[str, Any], organizer: User, story: Story) -> Contest:
    """The contest, its registration having closed a month ago."""
    contest = contests.create_contest(
        contests.with_defaults(
            {
                **data,
                "name": unique_name(data["name"]),
                "year": story.now.year,
                "registration_opens_at": story.ago(75),
                "registration_closes_at": story.ago(30),
            },
            "Asia/Shanghai",
        ),
        now=story.ago(90),
        actor=organizer,
    )
    db.session.commit()
    return contest


def register_entrants(contest: Contest, entrants: Sequence[Mapping[str, Any]], organizer: User, story: Story) -> list[Team]:
    """Each entrant by `register_team`, as the organizer registers for others (any time, no owner)."""
    teams = []
    for index, entrant in enumerate(entrants):
        teams.append(register_team(contest, entrant, actor=organizer, now=story.ago(60 - 25 * index / max(len(entrants), 1))))
    db.session.commit()
    return teams


def approve_all(contest: Contest, organizer: User, story: Story) -> int:
    """Every submitted entrant approved by `review_team`, one by one."""
    teams = db.session.scalars(
        select(Team).where(Team.contest_id == contest.id, Team.status == SUBMITTED).order_by(Team.id)
    ).all()
    for team in teams:
        review_team(team, "approve", None, actor=organizer, now=story.ago(28))
    db.session.commit()
    return len(teams)


def import_panel(contest: Contest, people: Sequence[tuple[str, str, str, str]], organizer: User, story: Story) -> list[int]:
    """The judges (name, email, organization, expertise) by the judges' import, with the demo's password, and the
    demo judge: their ids, the demo judge's first."""
    rows = [(number, dict(zip(JUDGE_COLUMNS, person, strict=True))) for number, person in enumerate(people, start=2)]
    demo_judge = accounts.find_user_by_email(DEMO_ACCOUNTS[2][1])
    rows.append((len(rows) + 2, dict(zip(JUDGE_COLUMNS, [demo_judge.name, demo_judge.email, "", ""], strict=True))))
    judges.import_judges(contest, Table(columns=JUDGE_COLUMNS, rows=rows), actor=organizer, now=story.ago(27))
    db.session.flush()
    imported = db.session.scalars(select(User).where(User.email.in_([email for _name, email, *_rest in people]))).all()
    give_demo_password(imported)
    db.session.commit()
    return [demo_judge.id, *sorted(user.id for user in imported)]


def create_round(contest: Contest, spec: Mapping[str, Any], organizer: User, story: Story) -> Round:
    round_ = judging.create_round(contest, spec, actor=organizer, now=story.ago(27))
    db.session.commit()
    return round_


def judge_round(
    round_: Round,
    judge_ids: Sequence[int],
    scorer: Scorer,
    organizer: User,
    when: datetime,
    *,
    seed: int,
    team_ids: Sequence[int] | None = None,
) -> int:
    """Judge a round in full: its entries (`team_ids`, else those already in it), its panel, the judges assigned
    (`auto_assign`), opened, every sheet saved and submitted by its judge, closed, the results computed. Returns
    the number of sheets."""
    if team_ids is not None:
        judging.add_entries(round_, team_ids=list(team_ids), actor=organizer, now=when)
    judging.add_judges(round_, list(judge_ids), actor=organizer, now=when)
    outcome = assignments.auto_assign(round_, seed=seed, actor=organizer, now=when)
    if outcome["unassigned"]:
        raise RuntimeError(f"{round_.name}: {len(outcome['unassigned'])} entrants could not be covered")
    judging.transition_round(round_, "open", actor=organizer, now=when)
    db.session.commit()
    sheets = score_assignments(round_assignment_ids(round_.id), scorer, now=when + timedelta(days=3))
    round_ = db.session.get(Round, round_.id)
    judging.transition_round(round_, "closed", actor=organizer, now=when + timedelta(days=5))
    results.compute_round_results(round_, confirm=False, actor=organizer, now=when + timedelta(days=5))
    db.session.commit()
    return sheets


def give_awards(round_: Round, tiers: Sequence[Mapping[str, Any]], organizer: User, when: datetime) -> AwardOutcome:
    """The round's prize tiers (ties at a boundary included), stored."""
    outcome = awards.assign_awards(round_, awards.award_rule_input(round_, tiers, ties="include"), actor=organizer, now=when)
    db.session.commit()
    return outcome


def publish(round_: Round, organizer: User, when: datetime) -> None:
    results.publish_round(round_, show_scores=True, actor=organizer, now=when, tell_teams=False)
    db.session.commit()


def track_team_ids(contest: Contest, code: str) -> list[int]:
    """The approved entrants of one track, by id."""
    track = next(track for track in contest.tracks if track.code == code)
    return list(db.session.scalars(select(Team.id).where(Team.track_id == track.id, Team.status == APPROVED).order_by(Team.id)))


def entrant_counts(contest: Contest) -> dict[str, int]:
    """The contest's counts as `getContest` gives them (entrants, countries), and its entrants per kind of track."""
    counts = dict(contests.contest_counts(contest))
    for track in contest.tracks:
        counts[f"track_{track.code}"] = db.session.scalar(select(func.count(Team.id)).where(Team.track_id == track.id))
    return counts


def round_looks(contest_id: int, round_ids: Sequence[int], final_what: str) -> list[tuple[str, str]]:
    """Where to look, as the organizer, in a seed contest with `round_ids` (its last the one with the awards)."""
    final = round_ids[-1]
    return [
        (f"/contests/{contest_id}/teams", "the entrants, with their kinds and countries"),
        (f"/contests/{contest_id}/rounds", "the rounds"),
        (f"/rounds/{final}/results", "the results, and the button that makes their workbook"),
        (f"/rounds/{final}/awards", final_what),
        (f"/results/rounds/{final}", "the public results page (no sign-in)"),
    ]
