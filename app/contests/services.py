"""Contests: their registration window, team rules and tracks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app import audit
from app.contests.questions import apply_questions, questions_snapshot, validate_questions
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.models import (
    APPROVED,
    ENTRANT_KINDS,
    INDIVIDUAL,
    SUBMITTED,
    TRACK_KINDS,
    WITHDRAWN,
    Contest,
    Team,
    Track,
    User,
)
from app.money import amount_problem, currency_problem, known_currency, to_cents
from app.results.prizes import given_amounts, refuse_over_budget
from scoring.awards import Money

#: The team rules of domain.md: (field, default, smallest, largest).
TEAM_RULES = (
    ("min_members", 3, 1, 10),
    ("max_members", 5, 1, 10),
    ("max_university_advisors", 2, 0, 5),
    ("max_enterprise_advisors", 2, 0, 5),
    ("team_name_max", 16, 1, 64),
    ("project_title_max", 30, 1, 100),
)
NAME_MAX = 120
TRACK_CODE = re.compile(r"^[A-Z0-9]{1,10}$")


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def localize(moment: datetime, timezone: str) -> datetime:
    """A naive time is read in the contest's time zone; an aware one is kept as it is."""
    return moment.replace(tzinfo=zone(timezone)) if moment.tzinfo is None else moment


def _validate(data: Mapping[str, Any]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        fields.setdefault(name, []).append(message)

    name = (data.get("name") or "").strip()
    if not name:
        fail("name", _("Enter the contest's name."))
    elif len(name) > NAME_MAX:
        fail("name", _("At most %(n)s characters.", n=NAME_MAX))
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        fail("year", _("Enter a year between 2000 and 2100."))
    try:
        zone(data.get("timezone") or "")
    except (ZoneInfoNotFoundError, ValueError):
        fail("timezone", _("Unknown time zone; use a name such as Asia/Shanghai."))
    opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
    if opens is None:
        fail("registration_opens_at", _("Enter when registration opens."))
    if closes is None:
        fail("registration_closes_at", _("Enter when registration closes."))
    if opens is not None and closes is not None and "timezone" not in fields:
        if localize(opens, data["timezone"]) >= localize(closes, data["timezone"]):
            fail("registration_closes_at", _("Registration must close after it opens."))
    for key, _default, smallest, largest in TEAM_RULES:
        value = data.get(key)
        if not isinstance(value, int) or not smallest <= value <= largest:
            fail(key, _("Enter a whole number from %(low)s to %(high)s.", low=smallest, high=largest))
    if isinstance(data.get("min_members"), int) and isinstance(data.get("max_members"), int):
        if data["min_members"] > data["max_members"]:
            fail("max_members", _("The largest team cannot be smaller than the smallest."))
    tracks = data.get("tracks") or []
    if not tracks:
        fail("tracks", _("Add at least one track."))
    seen_codes: set[str] = set()
    for index, track in enumerate(tracks):
        code = (track.get("code") or "").strip().upper()
        if not TRACK_CODE.match(code):
            fail(f"tracks.{index}.code", _("A track code is 1 to 10 letters or digits, such as CB."))
        elif code in seen_codes:
            fail(f"tracks.{index}.code", _("The code %(code)s is used twice.", code=code))
        seen_codes.add(code)
        if not (track.get("name") or "").strip():
            fail(f"tracks.{index}.name", _("Enter the track's name."))
        elif len(track["name"].strip()) > 60:
            fail(f"tracks.{index}.name", _("At most %(n)s characters.", n=60))
        if track.get("kind") not in TRACK_KINDS:
            fail(f"tracks.{index}.kind", _("Choose regular or practical."))
        _validate_track_size(track, f"tracks.{index}", fail)
    _validate_budget(data.get("budget"), fail)
    validate_questions(data.get("registration_fields"), [(t.get("code") or "").strip().upper() for t in tracks], fail)
    return fields


#: The most people an entrant of a track may list.
TRACK_MEMBERS_MAX = 30


def _validate_track_size(track: Mapping[str, Any], prefix: str, fail) -> None:
    """A track's entrant kind is one of ENTRANT_KINDS; its own size limits, when given, are whole numbers from
    0 to TRACK_MEMBERS_MAX, the smallest not above the largest; an individual is exactly one person."""
    entrant = track.get("entrant") or "team"
    if entrant not in ENTRANT_KINDS:
        fail(f"{prefix}.entrant", _("Choose team, individual or organization."))
    low, high = track.get("min_members"), track.get("max_members")
    for key, value in (("min_members", low), ("max_members", high)):
        if value is None:
            continue
        if not isinstance(value, int) or not 0 <= value <= TRACK_MEMBERS_MAX:
            fail(f"{prefix}.{key}", _("Enter a whole number from %(low)s to %(high)s.", low=0, high=TRACK_MEMBERS_MAX))
        elif entrant == INDIVIDUAL and value != 1:
            fail(f"{prefix}.{key}", _("An individual entrant is one person; leave this empty or enter 1."))
    if isinstance(low, int) and isinstance(high, int) and low > high:
        fail(f"{prefix}.max_members", _("The largest team cannot be smaller than the smallest."))
    if entrant != "organization" and high == 0:
        fail(f"{prefix}.max_members", _("Enter a whole number from %(low)s to %(high)s.", low=1, high=TRACK_MEMBERS_MAX))


def _validate_budget(budget: Mapping[str, Any] | None, fail) -> None:
    """A budget is an amount (0 or more, to the cent) and its currency (ISO 4217), both or neither."""
    if not budget:
        return
    amount, currency = budget.get("amount"), budget.get("currency")
    if amount is None:
        fail("budget.amount", _("Give the budget's amount, or no currency."))
    elif problem := amount_problem(amount):
        fail("budget.amount", problem)
    if currency is None:
        fail("budget.currency", _("Give the budget's currency, an ISO 4217 code such as CNY."))
    elif not known_currency(currency):
        fail("budget.currency", currency_problem(currency))


def _budget_of(data: Mapping[str, Any]) -> Money | None:
    budget = data.get("budget")
    return Money(to_cents(budget["amount"]), budget["currency"]) if budget else None


def contest_snapshot(contest: Contest) -> dict[str, Any]:
    """The contest's settings as plain values, for the audit trail."""
    return {
        "name": contest.name,
        "year": contest.year,
        "timezone": contest.timezone,
        "language": contest.language,
        "registration_opens_at": contest.registration_opens_at.isoformat(),
        "registration_closes_at": contest.registration_closes_at.isoformat(),
        **{key: getattr(contest, key) for key, *_bounds in TEAM_RULES},
        "tracks": [
            {
                "code": t.code,
                "name": t.name,
                "kind": t.kind,
                "entrant": t.entrant,
                "min_members": t.min_members,
                "max_members": t.max_members,
            }
            for t in contest.tracks
        ],
        "budget": None
        if contest.budget_amount is None
        else {"amount": str(contest.budget_amount), "currency": contest.budget_currency},
        "registration_fields": questions_snapshot(contest),
    }


def _apply(contest: Contest, data: Mapping[str, Any]) -> None:
    contest.name = data["name"].strip()
    contest.year = data["year"]
    contest.timezone = data["timezone"]
    contest.language = data.get("language") or contest.language or "zh"
    contest.registration_opens_at = localize(data["registration_opens_at"], data["timezone"])
    contest.registration_closes_at = localize(data["registration_closes_at"], data["timezone"])
    for key, *_bounds in TEAM_RULES:
        setattr(contest, key, data[key])
    if "budget" in data:  # left out of an update: kept
        budget = _budget_of(data)
        contest.budget_amount, contest.budget_currency = (budget.amount, budget.currency) if budget else (None, None)
    by_code = {track.code: track for track in contest.tracks}
    kept: list[Track] = []
    for position, track_data in enumerate(data["tracks"]):
        code = track_data["code"].strip().upper()
        track = by_code.get(code) or Track(code=code)
        track.name, track.kind, track.position = track_data["name"].strip(), track_data["kind"], position
        track.entrant = track_data.get("entrant") or "team"
        track.min_members, track.max_members = track_data.get("min_members"), track_data.get("max_members")
        kept.append(track)
    contest.tracks = kept
    apply_questions(contest, data)


def with_defaults(data: Mapping[str, Any], default_timezone: str) -> dict[str, Any]:
    """Fill the team rules and time zone a request left out with domain.md's defaults."""
    filled = dict(data)
    filled.setdefault("timezone", default_timezone)
    for key, default, *_bounds in TEAM_RULES:
        if filled.get(key) is None:
            filled[key] = default
    return filled


def create_contest(data: Mapping[str, Any], *, now: datetime, actor: User | None) -> Contest:
    """Create a contest. Times without an offset are in the contest's time zone."""
    fields = _validate(data)
    if fields:
        raise InvalidDataError(_("The contest cannot be saved; check the marked fields."), fields=fields)
    contest = Contest(created_at=now)
    _apply(contest, data)
    db.session.add(contest)
    db.session.flush()
    audit.record(
        actor=actor,
        action="contest.create",
        object_type="contest",
        object_id=contest.id,
        now=now,
        after=contest_snapshot(contest),
    )
    return contest


def _refuse_removing_tracks_with_teams(contest: Contest, data: Mapping[str, Any]) -> None:
    """A track that teams registered in stays: its teams would lose their track (409 `track_has_teams`,
    naming the track and how many teams it has). A track without teams may go."""
    kept = {(track.get("code") or "").strip().upper() for track in data["tracks"]}
    removed = [track for track in contest.tracks if track.code not in kept]
    if not removed:
        return
    counts = dict(
        db.session.execute(
            select(Team.track_id, func.count(Team.id))
            .where(Team.track_id.in_([track.id for track in removed]))
            .group_by(Team.track_id)
        ).all()
    )
    for track in removed:
        if counts.get(track.id):
            raise StateConflictError(
                ngettext(
                    "The track %(code)s (%(name)s) has %(num)d team; it cannot be removed. Keep the track, or move its team to another track first.",
                    "The track %(code)s (%(name)s) has %(num)d teams; it cannot be removed. Keep the track, or move its teams to another track first.",
                    counts[track.id],
                    code=track.code,
                    name=track.name,
                ),
                code="track_has_teams",
                details={"track": track.code, "teams": counts[track.id]},
            )


def _refuse_kind_change_with_teams(contest: Contest, data: Mapping[str, Any]) -> None:
    """A track's kind is the category of the one-student-per-category rule, held by the members' rows: it
    changes only while the track has no team (withdrawn teams hold no student, so they do not count)."""
    kinds = {
        track_data["code"].strip().upper(): (track_data["kind"], track_data.get("entrant") or "team")
        for track_data in data["tracks"]
    }
    for track in contest.tracks:
        if track.code not in kinds or kinds[track.code] == (track.kind, track.entrant):
            continue
        teams = db.session.scalar(select(func.count(Team.id)).where(Team.track_id == track.id, Team.status != WITHDRAWN))
        if teams:
            raise StateConflictError(
                ngettext(
                    "Track %(code)s (%(name)s) has %(num)d team: its kind, the category in which a student joins one "
                    "team, cannot change while it has teams.",
                    "Track %(code)s (%(name)s) has %(num)d teams: its kind, the category in which a student joins one "
                    "team, cannot change while it has teams.",
                    teams,
                    code=track.code,
                    name=track.name,
                ),
                code="track_has_teams",
                fields={
                    f"tracks.{list(kinds).index(track.code)}.kind": [
                        ngettext(
                            "This track has %(num)d team: its kind cannot change while it has teams.",
                            "This track has %(num)d teams: its kind cannot change while it has teams.",
                            teams,
                        )
                    ]
                },
                details={"track": track.code, "teams": teams},
            )


def update_contest(contest: Contest, data: Mapping[str, Any], *, now: datetime, actor: User | None) -> Contest:
    """Change a contest's settings; the audit trail keeps the old and the new values. A track with teams
    keeps its kind (409 `track_has_teams`); a budget the awards already given pass is refused (409
    `over_budget`), as is one in another currency than theirs (422)."""
    fields = _validate(data)
    if fields:
        raise InvalidDataError(_("The contest cannot be saved; check the marked fields."), fields=fields)
    _refuse_removing_tracks_with_teams(contest, data)
    _refuse_kind_change_with_teams(contest, data)
    budget = _budget_of(data)
    if budget is not None:  # the awards already given must fit the new budget
        refuse_over_budget(given_amounts(contest.id), budget, field="budget.currency")
    before = contest_snapshot(contest)
    _apply(contest, data)
    db.session.flush()
    after = contest_snapshot(contest)
    if after != before:
        audit.record(
            actor=actor, action="contest.update", object_type="contest", object_id=contest.id, now=now, before=before, after=after
        )
    return contest


def contests_query():
    """Every contest, newest first."""
    return select(Contest).order_by(Contest.year.desc(), Contest.id.desc())


def contest_counts(contest: Contest) -> dict[str, int]:
    """How many entrants the contest has (its active teams: submitted or approved, not rejected nor withdrawn)
    and from how many countries (the distinct countries of the entrants: their institution's, their
    organization's or their own)."""
    entrants, countries = db.session.execute(
        select(func.count(Team.id), func.count(Team.country.distinct())).where(
            Team.contest_id == contest.id, Team.status.in_((SUBMITTED, APPROVED))
        )
    ).one()
    return {"entrants": entrants, "countries": countries}
