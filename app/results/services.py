"""Results: compute a round's results and publish them.

Gather (`app.results.gather`) → pure compute (`scoring/`) → store (`app.results.store`). Every rule of the
ranking itself (aggregation, tie-breaks, cuts, tiers) is in `scoring/`; this module decides only when each
step is allowed and what the snapshot records. Advancement and awards have their own modules.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app import audit
from app.announcements.services import announce_publication
from app.errors import StateConflictError
from app.extensions import db
from app.judging.metrics import imported_since
from app.models import CLOSED, PUBLISHED, Assignment, Result, ResultSnapshot, Round, User
from app.notices.services import notice_input, set_notice
from app.results import awards
from app.results.gather import gather, missing_sheets, rule_of
from app.results.store import judge_stats_as_stored, require_snapshot, snapshot_of, write_results
from scoring.judges import judge_statistics
from scoring.model import TIE_AT_CUT, TeamResult
from scoring.panels import panel_parts
from scoring.results import rank_teams


def compute_round_results(round_: Round, *, confirm: bool, actor: User | None, now: datetime) -> ResultSnapshot:
    """Compute every team's score, rank and flags from the submitted sheets, with the judges' statistics,
    and store them as the round's snapshot (replacing the last one).

    Allowed only while the round is closed: not while judges can still save, and not once published
    (reopen it first). Unsubmitted sheets are listed and the computation needs `confirm` to go on
    without them (409 `unsubmitted_sheets` otherwise). Awards given before are given again by the same
    rule on the new ranking, manual decisions included; teams already advanced stay marked so.
    """
    # Computations of one round queue here, on the round's row (PostgreSQL; SQLite has one writer at a
    # time anyway): two at once would otherwise both write the round's results.
    db.session.refresh(round_, with_for_update=True)
    if round_.status == PUBLISHED:
        raise StateConflictError(
            _("The round is published; reopen it, with a reason, before computing again."), code="round_published"
        )
    if round_.status != CLOSED:
        raise StateConflictError(
            _("Close the round before computing its results: judges can still save."), code="round_not_closed"
        )
    with collector_paused():
        return _compute_and_store(round_, confirm=confirm, actor=actor, now=now)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector, paused for the block: a round's computation builds some 200,000
    objects that all live until it ends, and the collector would scan them again and again to free none of
    them. Reference counting frees everything as usual; the collector resumes however the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def recompute_published(round_: Round, *, reason: str, actor: User | None, now: datetime) -> ResultSnapshot:
    """Compute a published round's results again, with the reason (an upheld objection that withdrew a team),
    keeping it published: the sheets are frozen, so only who is ranked changes. The snapshot's computation is
    audited with the reason, as every computation is."""
    db.session.refresh(round_, with_for_update=True)
    if round_.status != PUBLISHED:
        raise StateConflictError(_("Only a published round's results are computed again here."), code="round_not_published")
    with collector_paused():
        return _compute_and_store(round_, confirm=True, actor=actor, now=now, reason=reason)


def _compute_and_store(
    round_: Round, *, confirm: bool, actor: User | None, now: datetime, reason: str | None = None
) -> ResultSnapshot:
    teams = gather(round_)
    # Every assignment is of an entry: the sheets are all in when each entry has as many as it has judges.
    missing = missing_sheets(round_) if any(len(team.sheets) < team.assigned for team in teams) else []
    if missing and not confirm:
        raise StateConflictError(
            ngettext(
                "%(num)s assigned sheet is not submitted. Wait for it, or confirm to compute without it.",
                "%(num)s assigned sheets are not submitted. Wait for them, or confirm to compute without them.",
                len(missing),
            ),
            code="unsubmitted_sheets",
            details={"missing": missing},
        )
    rule = rule_of(round_)
    results = rank_teams(teams, rule)
    write_results(round_, results)

    snapshot = snapshot_of(round_) or ResultSnapshot(round_id=round_.id)
    snapshot.computed_at, snapshot.computed_by_id = now, actor.id if actor else None
    snapshot.rule = {
        "method": rule.method,
        "trim": rule.trim,
        "min_judges": rule.min_judges,
        "judges_per_team": rule.judges_per_team,
        "tie_breaks": list(rule.tie_breaks),
        "decimals": round_.decimals,
        "scale_max": str(rule.scale_max),
        "disagreement": str(rule.disagreement),
        # each data item's rule as applied ({key: {"kind", "floor", "cap"}}), for the About sheet
        "data": {criterion.key: criterion.rule for criterion in round_.data_criteria},
        # the judges' and teams' connected parts, [teams, judges] each, largest first (whatever the method:
        # the page and the About sheet say so, and the adjusted method flags its results)
        "panel_parts": [list(part) for part in panel_parts(teams)],
    }
    snapshot.teams, snapshot.sheets, snapshot.missing = len(results), sum(len(team.sheets) for team in teams), len(missing)
    # The judges are measured against the judges' own consensus: the score without the team's data points.
    consensus = {result.team_id: _judges_score(result) for result in results}
    snapshot.judge_stats = judge_stats_as_stored(judge_statistics(teams, consensus))
    if snapshot.advance_rule:
        snapshot.advance_rule = {**snapshot.advance_rule, "tied": []}  # ties of the old ranking no longer hold
    db.session.add(snapshot)
    audit.record(
        actor=actor,
        action="results.compute",
        object_type="round",
        object_id=round_.id,
        now=now,
        after={"teams": snapshot.teams, "sheets": snapshot.sheets, "missing": snapshot.missing, "rule": snapshot.rule},
        reason=reason,
    )
    if snapshot.award_rule:
        awards.store_awards(
            round_, snapshot, snapshot.award_rule, awards.plan_awards(round_, snapshot.award_rule, results), actor=actor, now=now
        )
    return snapshot


def _judges_score(result: TeamResult) -> Fraction | None:
    if result.score is None or result.data is None:
        return result.score
    return result.score - result.data.total


def tied_at_cut(snapshot: ResultSnapshot | None) -> set[int]:
    """Teams in a tied group at the advancement cut or at a tier boundary (flag `tie_at_cut`)."""
    if snapshot is None:
        return set()
    groups = [*((snapshot.advance_rule or {}).get("tied", [])), *((snapshot.award_rule or {}).get("tied", []))]
    return {team_id for group in groups for team_id in group}


def flags_of(result: Result, tied: set[int]) -> list[str]:
    """A stored result's flags, with `tie_at_cut` when the team is in one of the `tied` groups."""
    return sorted({*result.flags, *([TIE_AT_CUT] if result.team_id in tied else [])})


def publish_round(
    round_: Round,
    *,
    show_scores: bool,
    actor: User | None,
    now: datetime,
    notice: Mapping[str, Any] | None = None,
    tell_teams: bool = True,
) -> Round:
    """Publish the closed round's results (公示): they become public, and the sheets freeze. With `tell_teams`,
    a job mails each team its result after the commit (`app.announcements`).

    With `notice` ({days, calendar, starts_on}), a notice period opens in which anyone signed in may object
    (`app.notices`); the results are final after it. Without one they are final at once.

    Refused (409) before the results are computed, and when the sheets changed since they were
    (the round was reopened and closed again, or a sheet was set aside for a conflict): compute again first.
    """
    if round_.status != CLOSED:
        raise StateConflictError(_("Only a closed round with computed results can be published."), code="round_not_closed")
    snapshot = require_snapshot(round_)
    if round_.closed_at and snapshot.computed_at < round_.closed_at:
        raise StateConflictError(
            _("The round was reopened since its results were computed; compute them again first."), code="results_stale"
        )
    if imported_since(round_, snapshot.computed_at):
        raise StateConflictError(
            _("Data values were imported since the results were computed; compute them again first."), code="results_stale"
        )
    set_aside = db.session.scalar(select(func.max(Assignment.set_aside_at)).where(Assignment.round_id == round_.id))
    if set_aside is not None and snapshot.computed_at < set_aside:
        raise StateConflictError(
            _("A sheet was set aside for a conflict of interest since the results were computed; compute them again first."),
            code="results_stale",
        )
    settings = notice_input(notice)
    round_.status = PUBLISHED
    snapshot.published_at, snapshot.show_scores = now, show_scores
    given = set_notice(round_, settings, now=now, tell_teams=tell_teams)
    db.session.flush()
    audit.record(
        actor=actor,
        action="round.published",
        object_type="round",
        object_id=round_.id,
        now=now,
        before={"status": CLOSED},
        after={
            "status": PUBLISHED,
            "show_scores": show_scores,
            **({"notice": {"starts_on": given.starts_on.isoformat(), "ends_on": given.ends_on.isoformat()}} if given else {}),
            "tell_teams": tell_teams,
        },
    )
    if tell_teams:
        announce_publication(round_, actor=actor, now=now)
    return round_
