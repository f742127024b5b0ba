"""Advancement: which teams of a round go on to the next one, previewed, then done.

The rule of who advances (quotas, groups, ties at the cut) is `scoring.advance`; this module checks the
organizer's input, decides when advancing is allowed, and moves the teams.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update

from app import audit
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.judging.entries import entry_rows
from app.models import CLOSED, DRAFT, GROUPINGS, OPEN, PUBLISHED, Assignment, Entry, Result, Round, ScoreSheet, Team, User
from app.results.gather import stored_results
from app.results.store import require_snapshot
from scoring.advance import Advancement, select_advancing
from scoring.model import TIE_POLICIES


def advancement_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check an advancement rule: exactly one of `top` (0 or more) and `share` (above 0, at most 1), a known
    grouping `per` (GROUPINGS) and tie policy `ties`, an optional `min_score`. Refused with 422 naming each
    field; returns the rule with its defaults."""
    fields: dict[str, list[str]] = {}
    top, share = data.get("top"), data.get("share")
    if (top is None) == (share is None):
        fields["top"] = [_("Give either a number of teams or a share, not both.")]
    elif top is not None and top < 0:
        fields["top"] = [_("Give a number of teams of 0 or more.")]
    elif share is not None and not 0 < Decimal(str(share)) <= 1:
        fields["share"] = [_("Give a share above 0 and at most 1 (0.3 means 30 percent).")]
    per = data.get("per") or "none"
    if per not in GROUPINGS:
        fields["per"] = [_("Choose one of: %(choices)s.", choices=", ".join(GROUPINGS))]
    ties = data.get("ties") or "flag"
    if ties not in TIE_POLICIES:
        fields["ties"] = [_("Choose one of: %(choices)s.", choices=", ".join(TIE_POLICIES))]
    if fields:
        raise InvalidDataError(_("The advancement rule is incomplete; check the marked fields."), fields=fields)
    min_score = data.get("min_score")
    return {
        "top": top,
        "share": None if share is None else Decimal(str(share)),
        "per": per,
        "min_score": None if min_score is None else Decimal(str(min_score)),
        "ties": ties,
    }


def plan_advancement(round_: Round, rule: Mapping[str, Any]) -> Advancement:
    """Who would advance by a checked rule (`advancement_input`), and the tied groups at the cut, without
    saving anything."""
    require_snapshot(round_)
    return select_advancing(
        stored_results(round_, per=rule["per"]),
        top=rule["top"],
        share=rule["share"],
        per_group=rule["per"] != "none",
        min_score=rule["min_score"],
        ties=rule["ties"],
    )


def advance_teams(round_: Round, to_round: Round, rule: Mapping[str, Any], *, actor: User | None, now: datetime) -> Advancement:
    """Send the teams that advance by a checked rule into `to_round`, which then holds exactly those teams.

    The target must be another round of the same contest that has no score yet (409), still in draft
    or open. Teams that were in it and no longer advance leave it with their (empty) assignments.
    """
    if to_round.id == round_.id or to_round.contest_id != round_.contest_id:
        raise InvalidDataError(
            _("Choose another round of the same contest."), fields={"to_round_id": [_("Not a later round of this contest.")]}
        )
    if round_.status not in (CLOSED, PUBLISHED):
        raise StateConflictError(_("Close the round and compute its results before advancing teams."), code="round_not_closed")
    if to_round.status not in (DRAFT, OPEN):
        raise StateConflictError(
            _("The round %(name)s is closed; it takes no more teams.", name=to_round.name), code="round_closed"
        )
    scored = db.session.scalar(
        select(func.count(ScoreSheet.id))
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .where(Assignment.round_id == to_round.id)
    )
    if scored:
        raise StateConflictError(
            _("The round %(name)s already has scores; its teams can no longer change.", name=to_round.name),
            code="round_has_scores",
        )
    outcome = plan_advancement(round_, rule)
    advancing = set(outcome.advanced)
    db.session.execute(update(Result).where(Result.round_id == round_.id).values(advanced=Result.team_id.in_(advancing)))
    present = set(db.session.scalars(select(Entry.team_id).where(Entry.round_id == to_round.id)))
    leaving = present - advancing
    if leaving:
        db.session.execute(delete(Assignment).where(Assignment.round_id == to_round.id, Assignment.team_id.in_(leaving)))
        db.session.execute(delete(Entry).where(Entry.round_id == to_round.id, Entry.team_id.in_(leaving)))
    arriving = advancing - present
    if arriving:
        teams = db.session.scalars(select(Team).where(Team.id.in_(arriving))).all()
        db.session.execute(insert(Entry), entry_rows(to_round, teams, now))
    to_round.previous_round_id = round_.id
    snapshot = require_snapshot(round_)
    snapshot.advance_rule = {
        **{key: (str(value) if isinstance(value, Decimal) else value) for key, value in rule.items()},
        "to_round_id": to_round.id,
        "tied": [list(tie.team_ids) for tie in outcome.ties],
    }
    db.session.flush()
    audit.record(
        actor=actor,
        action="results.advance",
        object_type="round",
        object_id=round_.id,
        now=now,
        after={"to_round_id": to_round.id, "advanced": len(advancing), "rule": snapshot.advance_rule},
    )
    return outcome
