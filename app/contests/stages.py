"""Where a contest stands: registration, then each round's judging and results. Every page that shows a
contest's stage asks here (`contests/_status.html`), so that the home page, the contest's page and the
organizer's lists never disagree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import DRAFT, OPEN, PUBLISHED, Contest, Round

UPCOMING, REGISTRATION_OPEN, REGISTRATION_CLOSED = "upcoming", "registration_open", "registration_closed"
ROUND_OPEN, ROUND_CLOSED, RESULTS_PUBLISHED = "round_open", "round_closed", "results_published"


@dataclass(frozen=True)
class ContestStage:
    """A contest's stage: `code` (one of the six above) and, once judging has begun, the round it is about."""

    code: str
    round_name: str = ""

    @property
    def label(self) -> str:
        if self.code == ROUND_OPEN:
            return _("Judging: %(round)s open", round=self.round_name)
        if self.code == ROUND_CLOSED:
            return _("Judging of %(round)s closed; results to come", round=self.round_name)
        if self.code == RESULTS_PUBLISHED:
            return _("Results of %(round)s published", round=self.round_name)
        if self.code == UPCOMING:
            return _("Upcoming")
        if self.code == REGISTRATION_OPEN:
            return _("Registration open")
        return _("Registration closed")


def _stage_from_rounds(contest: Contest, rounds: list[tuple[int, str, str, datetime | None]], now: datetime) -> ContestStage:
    """The rule: a round open now names the stage (the latest such round); else the round that opened last,
    closed (results to come) or published; before any round opens, the registration window's state."""
    open_rounds = [row for row in rounds if row[2] == OPEN]
    if open_rounds:
        return ContestStage(ROUND_OPEN, max(open_rounds)[1])
    if rounds:
        _id, name, status, _opened = max(rounds, key=lambda row: (row[3] is not None, row[3] or now, row[0]))
        return ContestStage(RESULTS_PUBLISHED if status == PUBLISHED else ROUND_CLOSED, name)
    return ContestStage(contest.status(now))


def contest_stages(contests: Iterable[Contest], now: datetime) -> dict[int, ContestStage]:
    """Each contest's stage at `now`, by contest id, from one query of their rounds that have opened."""
    contests = list(contests)
    rounds: dict[int, list[tuple[int, str, str, datetime | None]]] = {contest.id: [] for contest in contests}
    if contests:
        for contest_id, round_id, name, status, opened_at in db.session.execute(
            select(Round.contest_id, Round.id, Round.name, Round.status, Round.opened_at).where(
                Round.contest_id.in_(rounds), Round.status != DRAFT
            )
        ):
            rounds[contest_id].append((round_id, name, status, opened_at))
    return {contest.id: _stage_from_rounds(contest, rounds[contest.id], now) for contest in contests}


def contest_stage(contest: Contest, now: datetime) -> ContestStage:
    """One contest's stage at `now` (`contest_stages`)."""
    return contest_stages([contest], now)[contest.id]
