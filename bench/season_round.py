"""A season's national round, scored, written in bulk for `bench season`: the round, its judges and its
criteria through the services, then the statuses of the teams, the entries, 5 assignments per team and every
sheet submitted with its six scores, each as one INSERT … SELECT (setup, not what is measured: the services
would take hours to write 650,000 sheets one by one). Then the round is closed through the service."""

from __future__ import annotations

import time

from sqlalchemy import bindparam, func, select, text

from app.extensions import db
from app.judging.services import add_judges, create_round, transition_round
from app.models import APPROVED, REJECTED, SUBMITTED, Assignment, Contest, Entry, Round, Score, Team, utcnow
from app.models.types import UTCDateTime
from bench.common import analyze_without_autovacuum
from bench.judging import _organizer, create_judges, round_data

#: Of every 20 teams (by id), 1 is rejected and 2 are still waiting for review; the rest are approved.
STATUS_OF_TEAM = (
    f"CASE WHEN teams.id % 20 = 0 THEN '{REJECTED}' WHEN teams.id % 20 IN (1, 2) THEN '{SUBMITTED}' ELSE '{APPROVED}' END"
)

#: A judge's value of one item, 0..20 in steps of 0.5, from the team (its quality: 4..16), the judge (severity:
#: -2..2) and the pair and item (noise: -2..2): deterministic, so that two runs rank the same teams alike.
VALUE = "(4 + ((a.team_id * 7919) % 25) * 0.5 + ((a.judge_id * 31) % 5 - 2) + (((a.id * 13 + c.position * 7) % 9) - 4) * 0.5)"


def _execute(sql: str, **params) -> int:
    statement = text(sql).bindparams(*(bindparam(name, type_=UTCDateTime()) for name in params if name == "now"))
    return db.session.execute(statement, params).rowcount


def scored_round(contest_id: int, *, judges: int, k: int, seed: int) -> tuple[int, dict]:
    """The contest's national round, every approved team in it, `k` of `judges` judges per team, every sheet
    submitted, the round closed; committed. Returns the round's id and the figures (seconds per step)."""
    steps: dict[str, float] = {}
    figures: dict = {"steps_s": steps}

    def step(name: str, work):
        started = time.perf_counter()
        result = work()
        db.session.commit()
        steps[name] = round(time.perf_counter() - started, 2)
        return result

    now = utcnow()
    figures["team_statuses_set"] = step(
        "team_statuses_bulk",
        lambda: _execute(
            f"UPDATE teams SET status = {STATUS_OF_TEAM}, reviewed_at = :now, "
            f"review_reason = CASE WHEN teams.id % 20 = 0 THEN 'incomplete plan' ELSE NULL END WHERE contest_id = :contest",
            now=now,
            contest=contest_id,
        ),
    )
    judge_ids = step("judges_create_user", lambda: create_judges(contest_id, judges, seed))
    contest = db.session.get(Contest, contest_id)
    round_id = step("create_round", lambda: create_round(contest, round_data(k), actor=_organizer(), now=now).id)
    step("add_judges", lambda: add_judges(db.session.get(Round, round_id), judge_ids, actor=_organizer(), now=now))
    figures["entries"] = step(
        "entries_bulk",
        lambda: _execute(
            "INSERT INTO entries (round_id, team_id, group_key, code, created_at) "
            "SELECT :round, id, '', 'R' || CAST(:round AS VARCHAR) || '-' || CAST(id AS VARCHAR), :now FROM teams "
            "WHERE contest_id = :contest AND status = :approved",
            round=round_id,
            contest=contest_id,
            approved=APPROVED,
            now=now,
        ),
    )
    # Judge n of the pool (by id) scores the team at place m (by id) for i = 0..k-1 at n = (m + i·stride) mod
    # judges: k different judges per team, every judge about as many teams.
    picks = ", ".join(f"({index})" for index in range(k))
    figures["assignments"] = step(
        "assignments_bulk",
        lambda: _execute(
            "INSERT INTO assignments (round_id, team_id, judge_id, manual, created_at) "
            f"WITH pool AS (SELECT user_id, row_number() OVER (ORDER BY user_id) - 1 AS n FROM round_judges WHERE round_id = :round), "
            "places AS (SELECT team_id, row_number() OVER (ORDER BY team_id) - 1 AS m FROM entries WHERE round_id = :round), "
            f"picks(i) AS (VALUES {picks}) "
            "SELECT :round, places.team_id, pool.user_id, :manual, :now FROM places CROSS JOIN picks "
            "JOIN pool ON pool.n = (places.m + picks.i * :stride) % :judges",
            round=round_id,
            manual=False,
            now=now,
            stride=max(1, judges // k),
            judges=judges,
        ),
    )
    step("open_round", lambda: transition_round(db.session.get(Round, round_id), "open", actor=_organizer(), now=utcnow()))
    figures["sheets"] = step(
        "sheets_bulk",
        lambda: _execute(
            "INSERT INTO score_sheets (assignment_id, status, comment, version, updated_at, submitted_at) "
            "SELECT id, 'submitted', '', 1, :now, :now FROM assignments WHERE round_id = :round",
            round=round_id,
            now=utcnow(),
        ),
    )
    figures["scores"] = step(
        "scores_bulk",
        lambda: _execute(
            "INSERT INTO scores (sheet_id, criterion_id, criterion_key, value) "
            f"SELECT s.id, c.id, c.key, {VALUE} FROM score_sheets s JOIN assignments a ON a.id = s.assignment_id "
            "JOIN criteria c ON c.round_id = a.round_id WHERE a.round_id = :round",
            round=round_id,
        ),
    )
    step(
        "sheet_totals_bulk",
        lambda: _execute(
            "UPDATE score_sheets SET total = sums.total FROM (SELECT sheet_id, sum(value) AS total FROM scores "
            "JOIN score_sheets ON score_sheets.id = scores.sheet_id JOIN assignments ON assignments.id = score_sheets.assignment_id "
            "WHERE assignments.round_id = :round GROUP BY sheet_id) AS sums WHERE score_sheets.id = sums.sheet_id",
            round=round_id,
        ),
    )
    step("analyze_without_autovacuum", analyze_without_autovacuum)
    step("close_round", lambda: transition_round(db.session.get(Round, round_id), "closed", actor=_organizer(), now=utcnow()))
    figures["check"] = {
        "entries": db.session.scalar(select(func.count(Entry.id)).where(Entry.round_id == round_id)),
        "assignments": db.session.scalar(select(func.count(Assignment.id)).where(Assignment.round_id == round_id)),
        "scores": db.session.scalar(select(func.count(Score.id))),
        "teams_by_status": dict(
            db.session.execute(select(Team.status, func.count()).where(Team.contest_id == contest_id).group_by(Team.status)).all()
        ),
    }
    figures["judges"] = len(judge_ids)
    return round_id, figures
