"""Everything at once over real HTTP: 16 judges saving and submitting sheets, captains registering
teams that share students, organizers computing a round's results. Nothing is lost, nothing is
duplicated, nobody sees a 500.

The app is served by werkzeug's threaded server in this process, so every request runs in its own
thread with its own database session and transaction, as under gunicorn. On SQLite the writers
queue on the writer lock (app/database.py); on PostgreSQL they really run side by side, and the
row locks, guarded updates and unique indexes are what keep the data right.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.judging.services import add_entries, add_judges, create_round, transition_round
from app.judging.sheets import save_sheet
from app.models import (
    Assignment,
    AuditEvent,
    Result,
    ResultSnapshot,
    Score,
    ScoreSheet,
    Team,
    TeamMember,
    utcnow,
)
from app.registration.services import register_team
from tests.conftest import SHEET_100, served, team_input

JUDGES = 16  # one thread each
ROUNDS = 4  # each judge thread: 4 saves of each of its own sheets (3 drafts, then submit) and 4 races on 2 shared sheets
OWN_SHEETS = 3
CAPTAINS = 5
REGISTRATIONS = 6  # per captain
SHARED_STUDENTS = 6  # every registration lists one or two of them
ORGANIZERS = 2  # two organizers computing the same closed round
COMPUTES = 6  # per organizer
CLOSED_TEAMS = 10
JOIN_SECONDS = 120  # for all the threads together


class Api:
    """One thread's HTTP/1.1 connection to the served app, as one user (a bearer token).
    Every status it receives is recorded in `seen` with the method and path."""

    def __init__(self, base: str, token: str, seen: list):
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.seen = seen

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        self.connection.request(method, path, body=None if body is None else json.dumps(body), headers=self.headers)
        response = self.connection.getresponse()
        data = response.read()
        self.seen.append((response.status, method, path))
        return response.status, json.loads(data) if data else None

    def close(self) -> None:
        self.connection.close()


def sheet_values(*seed: int) -> dict[str, int]:
    """A full 100-point sheet, different for every (thread, sheet, round) seed, each item within 0..max."""
    base = sum((index + 3) * part for index, part in enumerate(seed))
    return {item["key"]: (base + position * 5) % (item["max"] + 1) for position, item in enumerate(SHEET_100)}


@pytest.fixture
def contest_day(make_contest, make_college, make_user, token_for):
    """Two contests on one day.

    Judging contest: an open round in which judge j has three sheets of their own and one sheet
    they also edit on a second device (its partner thread races on it), and a closed round of ten
    teams, every sheet submitted, for the organizers to compute.
    Registration contest: open, with two tracks of one category (a student may be in one team of them).
    """
    now = utcnow()
    judging = make_contest()
    colleges = [make_college() for _ in range(4)]
    judges = [make_user("judge", contest_id=judging.id) for _ in range(JUDGES)]

    def approved_teams(count: int, prefix: str) -> list[Team]:
        teams = []
        for index in range(count):
            team = register_team(judging, team_input(colleges[index % 4].id, prefix=f"{prefix}{index:03d}"), actor=None, now=now)
            team.status = "approved"
            teams.append(team)
        db.session.flush()
        return teams

    open_teams = approved_teams(JUDGES, "OPN")
    closed_teams = approved_teams(CLOSED_TEAMS, "CLS")
    criteria = [{**item, "step": 1} for item in SHEET_100]
    open_round = create_round(
        judging,
        {
            "name": "校赛 open",
            "level": "school",
            "grouping": "none",
            "judges_per_team": 4,
            "aggregation": {"method": "mean", "decimals": 2},
            "criteria": criteria,
        },
        actor=None,
        now=now,
    )
    closed_round = create_round(
        judging,
        {
            "name": "省赛 closed",
            "level": "provincial",
            "grouping": "none",
            "judges_per_team": 3,
            "aggregation": {"method": "trimmed_mean", "trim": 1, "decimals": 2},
            "criteria": criteria,
        },
        actor=None,
        now=now,
    )
    for round_, teams in ((open_round, open_teams), (closed_round, closed_teams)):
        add_entries(round_, team_ids=[team.id for team in teams], actor=None, now=now)
        add_judges(round_, [judge.id for judge in judges], actor=None, now=now)
    # Judge j: a shared sheet on team j, its own sheets on teams j+1..j+3.
    shared, own = {}, {}
    for j, judge in enumerate(judges):
        sheets = [
            Assignment(round_id=open_round.id, team_id=open_teams[(j + k) % JUDGES].id, judge_id=judge.id)
            for k in range(OWN_SHEETS + 1)
        ]
        db.session.add_all(sheets)
        db.session.flush()
        shared[j], own[j] = sheets[0].id, [assignment.id for assignment in sheets[1:]]
    transition_round(open_round, "open", actor=None, now=now)
    transition_round(closed_round, "open", actor=None, now=now)
    for t, team in enumerate(closed_teams):
        for k in range(3):
            judge = judges[(t + k) % JUDGES]
            assignment = Assignment(round_id=closed_round.id, team_id=team.id, judge_id=judge.id)
            db.session.add(assignment)
            db.session.flush()
            save_sheet(assignment, sheet_values(t, k, 99), comment=None, submit=True, version=0, actor=judge, now=now)
    transition_round(closed_round, "closed", actor=None, now=now)

    registration = make_contest(
        tracks=[
            {"code": "CB", "name": "跨境电商实战赛", "kind": "practical"},
            {"code": "CX", "name": "跨境电商实战赛（二）", "kind": "practical"},
        ]
    )
    db.session.commit()
    return {
        "open_round": open_round.id,
        "closed_round": closed_round.id,
        "closed_teams": {team.id for team in closed_teams},
        "shared": shared,
        "own": own,
        "judge_tokens": [token_for(judge)["Authorization"].removeprefix("Bearer ") for judge in judges],
        "registration": registration.id,
        "college": colleges[0].id,
        "captain_tokens": [token_for(make_user("captain"))["Authorization"].removeprefix("Bearer ") for _ in range(CAPTAINS)],
        "organizer_tokens": [
            token_for(make_user("organizer"))["Authorization"].removeprefix("Bearer ") for _ in range(ORGANIZERS)
        ],
    }


def shared_student(index: int) -> str:
    return f"SHARED{index % SHARED_STUDENTS:02d}"


def registration_body(college_id: int, captain: int, attempt: int) -> dict[str, Any]:
    """A three-member team, in either track, whose second member (and every other time its third) is a shared student."""
    body = team_input(college_id, prefix=f"C{captain}R{attempt:02d}", track="CB" if (captain + attempt) % 2 else "CX")
    shared = [captain + attempt, captain + attempt + 3][: 1 + attempt % 2]
    for position, index in enumerate(shared, start=1):
        body["members"][position].update(student_id=shared_student(index), name=f"共享{index % SHARED_STUDENTS}")
    return body


def test_judges_captains_and_organizers_at_once_lose_nothing_duplicate_nothing_and_never_get_a_500(app, contest_day):
    day = contest_day
    seen: list[tuple[int, str, str]] = []  # every response: (status, method, path)
    failures: list[str] = []  # exceptions inside threads
    start = threading.Barrier(JUDGES + CAPTAINS + ORGANIZERS, timeout=60)
    # The two threads of a pair (2k, 2k+1) race on the shared sheets of judges 2k and 2k+1.
    pair_barriers = {j: threading.Barrier(2, timeout=60) for j in range(JUDGES)}
    acknowledged: dict[int, list[tuple[int, dict[str, int], bool]]] = defaultdict(list)  # assignment -> (version, values, submit)
    races: dict[tuple[int, int], list[tuple[int, Any]]] = defaultdict(list)  # (assignment, round) -> (status, body)
    registrations: list[tuple[dict[str, Any], int, Any]] = []  # (body sent, status, response)
    computations: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def guarded(work):
        def run(*args):
            try:
                work(*args)
            except BaseException as error:  # noqa: BLE001 - reported below, with the thread's name
                failures.append(f"{threading.current_thread().name}: {error!r}")
                start.abort()
                for barrier in pair_barriers.values():
                    barrier.abort()

        return run

    def save(api: Api, assignment_id: int, values: dict[str, int], version: int, submit: bool) -> tuple[int, Any]:
        status, body = api.call(
            "PUT",
            f"/api/v1/assignments/{assignment_id}/sheet",
            {"scores": values, "comment": f"v{version + 1}", "submit": submit, "version": version},
        )
        if status == 200:
            with lock:
                acknowledged[assignment_id].append((body["version"], values, submit))
        return status, body

    def judge(base: str, j: int) -> None:
        partner = j ^ 1
        mine, partners = Api(base, day["judge_tokens"][j], seen), Api(base, day["judge_tokens"][partner], seen)
        versions = dict.fromkeys(day["own"][j], 0)
        start.wait()
        for round_ in range(ROUNDS):
            # The race: both devices read the sheet, then both save the version they read.
            for owner in sorted((j, partner)):
                api, assignment_id, barrier = (mine if owner == j else partners), day["shared"][owner], pair_barriers[owner]
                barrier.wait()
                status, sheet = api.call("GET", f"/api/v1/assignments/{assignment_id}/sheet")
                assert status == 200, sheet
                barrier.wait()
                outcome = save(api, assignment_id, sheet_values(j, owner, round_), sheet["version"], submit=round_ == ROUNDS - 1)
                races[(assignment_id, round_)].append(outcome)
            # Its own sheets, versions chained: every save must succeed.
            for assignment_id in day["own"][j]:
                status, body = save(
                    mine,
                    assignment_id,
                    sheet_values(j, assignment_id, round_),
                    versions[assignment_id],
                    submit=round_ == ROUNDS - 1,
                )
                assert status == 200, body
                versions[assignment_id] = body["version"]
        mine.close()
        partners.close()

    def captain(base: str, c: int) -> None:
        api = Api(base, day["captain_tokens"][c], seen)
        start.wait()
        for attempt in range(REGISTRATIONS):
            body = registration_body(day["college"], c, attempt)
            status, response = api.call("POST", f"/api/v1/contests/{day['registration']}/teams", body)
            registrations.append((body, status, response))
        api.close()

    def organizer(base: str, o: int) -> None:
        api = Api(base, day["organizer_tokens"][o], seen)
        start.wait()
        for _ in range(COMPUTES):
            computations.append(api.call("POST", f"/api/v1/rounds/{day['closed_round']}/results", {}))
        api.close()

    with served(app) as base:
        threads = [threading.Thread(target=guarded(judge), args=(base, j), name=f"judge-{j}") for j in range(JUDGES)]
        threads += [threading.Thread(target=guarded(captain), args=(base, c), name=f"captain-{c}") for c in range(CAPTAINS)]
        threads += [threading.Thread(target=guarded(organizer), args=(base, o), name=f"organizer-{o}") for o in range(ORGANIZERS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + JOIN_SECONDS
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        assert not [thread.name for thread in threads if thread.is_alive()], "threads still running"
    db.session.rollback()  # read what the requests committed

    # No 500, and nothing went wrong inside a thread (every judge's own save succeeded).
    assert [entry for entry in seen if entry[0] >= 500] == []
    assert failures == []
    assert len(seen) == JUDGES * ROUNDS * (4 + OWN_SHEETS) + CAPTAINS * REGISTRATIONS + ORGANIZERS * COMPUTES

    # Every race on a shared sheet: exactly one device wins, the other is told its page is stale
    # (or, in the last round, that the sheet is now submitted).
    assert len(races) == JUDGES * ROUNDS
    for (assignment_id, round_), outcomes in races.items():
        statuses = sorted(status for status, _ in outcomes)
        assert statuses == [200, 409], (assignment_id, round_, outcomes)
        loser = next(body for status, body in outcomes if status == 409)
        codes = {"stale_sheet", "sheet_submitted"} if round_ == ROUNDS - 1 else {"stale_sheet"}
        assert loser["error"]["code"] in codes and loser["error"]["message"], loser

    # Every sheet holds its last acknowledged save; versions 1..n, one audit event per save, in order.
    sheets = {
        sheet.assignment_id: sheet
        for sheet in db.session.scalars(select(ScoreSheet).join(Assignment).where(Assignment.round_id == day["open_round"]))
    }
    assert set(sheets) == set(acknowledged) and len(sheets) == JUDGES * (OWN_SHEETS + 1)
    for assignment_id, saves in acknowledged.items():
        saves.sort(key=lambda save: save[0])
        assert [version for version, _, _ in saves] == list(range(1, ROUNDS + 1)), assignment_id
        sheet = sheets[assignment_id]
        last_version, last_values, last_submit = saves[-1]
        stored = {
            score.criterion_key: score.value for score in db.session.scalars(select(Score).where(Score.sheet_id == sheet.id))
        }
        assert (sheet.version, stored) == (last_version, {key: Decimal(value) for key, value in last_values.items()})
        assert sheet.status == ("submitted" if last_submit else "draft") and sheet.comment == f"v{last_version}"
        events = db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "score_sheet",
                AuditEvent.object_id == sheet.id,
                AuditEvent.action.in_(["sheet.save", "sheet.submit"]),
            )
            .order_by(AuditEvent.id)
        ).all()
        assert [{key: Decimal(value) for key, value in event.after["scores"].items()} for event in events] == [
            {key: Decimal(value) for key, value in values.items()} for _, values, _ in saves
        ]

    # Registrations: each one is saved (201) or refused with a 409 that names the students already taken.
    assert len(registrations) == CAPTAINS * REGISTRATIONS
    created = [(body, response) for body, status, response in registrations if status == 201]
    refused = [(body, status, response) for body, status, response in registrations if status != 201]
    assert created, "no registration succeeded"
    active = db.session.execute(
        select(TeamMember.college_id, TeamMember.student_id, func.count())
        .where(TeamMember.contest_id == day["registration"], TeamMember.released.is_(False))
        .group_by(TeamMember.college_id, TeamMember.student_id)
    ).all()
    assert [row for row in active if row[2] > 1] == []  # no student in two teams
    teams = db.session.scalars(select(Team).where(Team.contest_id == day["registration"])).all()
    assert sorted(team.id for team in teams) == sorted(response["id"] for _, response in created)
    holders = {member.student_id: team for team in teams for member in team.members}

    def captain_of(student_id: str) -> str:  # the first member's ID starts with C<captain>R
        return student_id.split("R")[0]

    for body, status, response in refused:  # a 409 naming a shared student, and the team that really holds them
        assert status == 409 and response["error"]["code"] == "duplicate_student", response
        assert response["error"]["fields"], response
        for field, messages in response["error"]["fields"].items():
            student_id = body["members"][int(field.split(".")[1])]["student_id"]
            holder = holders[student_id]
            # ...named only to the captain who registered it: another captain may not learn it.
            own = captain_of(holder.members[0].student_id) == captain_of(body["members"][0]["student_id"])
            assert student_id.startswith("SHARED") and (holder.number in messages[0]) == own, (field, response)
    numbers = Counter(team.number.rsplit("-", 1)[0] for team in teams)  # per track: 00001..0000n, no gap, no repeat
    for prefix, count in numbers.items():
        assert sorted(team.number for team in teams if team.number.startswith(prefix + "-")) == [
            f"{prefix}-{n:05d}" for n in range(1, count + 1)
        ]

    # Results: every computation answered the same complete ranking; one result per team is stored.
    assert len(computations) == ORGANIZERS * COMPUTES
    assert {status for status, _ in computations} == {200}, [body for status, body in computations if status != 200]
    rankings = {
        json.dumps(sorted((item["team_id"], item["rank"], item["score"]) for item in body["items"])) for _, body in computations
    }
    assert len(rankings) == 1
    ranking = json.loads(rankings.pop())
    assert {team_id for team_id, _, _ in ranking} == day["closed_teams"]
    by_rank = sorted(ranking, key=lambda row: row[1])
    assert by_rank[0][1] == 1 and [score for _, _, score in by_rank] == sorted((score for _, _, score in ranking), reverse=True)
    stored = db.session.execute(select(Result.team_id, Result.rank).where(Result.round_id == day["closed_round"])).all()
    assert sorted(stored) == sorted((team_id, rank) for team_id, rank, _ in ranking)
    assert (
        db.session.scalar(select(func.count()).select_from(ResultSnapshot).where(ResultSnapshot.round_id == day["closed_round"]))
        == 1
    )
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "results.compute",
                AuditEvent.object_type == "round",
                AuditEvent.object_id == day["closed_round"],
            )
        )
        == ORGANIZERS * COMPUTES
    )
