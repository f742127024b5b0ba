"""What a round's page tells the organizer about where the round stands and what to do next: while it is
open, how far the judges are; once it is closed, what its results say (ranked teams, flags, awards,
advancement). Read only; the rules live in the judging and results services."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import CLOSED, OPEN, PUBLISHED, SHEET_SUBMITTED, Assignment, Award, Result, Round, ScoreSheet
from app.results.queries import FLAG_FILTERS
from app.results.services import flags_of, tied_at_cut
from app.results.store import snapshot_of


@dataclass
class ScoringProgress:
    """An open round: sheets submitted of those assigned, and judges who submitted every sheet of theirs."""

    sheets_submitted: int
    sheets_assigned: int
    judges_done: int
    judges_assigned: int


@dataclass
class ResultsSummary:
    """A closed or published round: whether results are computed, and what they say."""

    computed: bool
    teams_ranked: int = 0
    flags: dict[str, int] = field(default_factory=dict)  # flag → teams with it, in FLAG_FILTERS order
    awards: int = 0
    advanced: int = 0


def scoring_progress(round_: Round) -> ScoringProgress:
    """Counted over the assignments in force (one set aside for a conflict counts for nothing)."""
    submitted = func.sum(case((ScoreSheet.status == SHEET_SUBMITTED, 1), else_=0))
    per_judge = db.session.execute(
        select(func.count(Assignment.id), submitted)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.round_id == round_.id, Assignment.active)
        .group_by(Assignment.judge_id)
    ).all()
    return ScoringProgress(
        sheets_submitted=sum(done or 0 for _assigned, done in per_judge),
        sheets_assigned=sum(assigned for assigned, _done in per_judge),
        judges_done=sum(1 for assigned, done in per_judge if (done or 0) >= assigned),
        judges_assigned=len(per_judge),
    )


def results_summary(round_: Round) -> ResultsSummary:
    snapshot = snapshot_of(round_)
    if snapshot is None:
        return ResultsSummary(computed=False)
    tied = tied_at_cut(snapshot)
    flagged: Counter[str] = Counter()
    ranked = advanced = 0
    for result in db.session.scalars(select(Result).where(Result.round_id == round_.id)):
        ranked += 1
        advanced += result.advanced
        flagged.update(flags_of(result, tied))
        flagged["tied"] += result.tied
    return ResultsSummary(
        computed=True,
        teams_ranked=ranked,
        flags={flag: flagged[flag] for flag in FLAG_FILTERS if flagged[flag]},
        awards=db.session.scalar(select(func.count(Award.id)).where(Award.round_id == round_.id)) or 0,
        advanced=advanced,
    )


def round_summary(round_: Round) -> ScoringProgress | ResultsSummary | None:
    """The open round's progress, a closed or published round's results, nothing for a draft."""
    if round_.status == OPEN:
        return scoring_progress(round_)
    if round_.status in (CLOSED, PUBLISHED):
        return results_summary(round_)
    return None
