"""What was committed stays committed: a gunicorn worker killed in the middle of sheet saves loses no
acknowledged save, and a backup restored into a fresh instance gives the same results workbook."""

from __future__ import annotations

import http.client
import io
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tarfile
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.judging.services import add_entries, add_judges, transition_round
from app.judging.sheets import save_sheet
from app.models import Assignment, utcnow
from tests.conftest import SHEET_100, make_test_app

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4  # judges saving back to back, two sheets each
SAVES = 30  # save attempts per client
KILL_AFTER = (25, 70)  # acknowledged saves in all before the first SIGKILL (pinned inside a save) and the second
STARTUP_POLLS = 600  # 0.1 s each: a minute for gunicorn to answer


def sheet_values(*seed: int) -> dict[str, int]:
    """A full 100-point sheet, different for every seed, each item within 0..max."""
    base = sum((index + 7) * part for index, part in enumerate(seed))
    return {item["key"]: (base + position * 3) % (item["max"] + 1) for position, item in enumerate(SHEET_100)}


def request(base: str, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    """One request on a new connection, closed after the response.
    A worker killed while it holds the request raises OSError or http.client.HTTPException."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    finally:
        connection.close()


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid`: gunicorn's workers, for its master."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if int(after_name[1]) == pid:
            children.append(int(stat.parent.name))
    return sorted(children)


def poll(process: subprocess.Popen, check, what: str, log: Path) -> None:
    """Call `check()` until it is true, pausing by waiting 0.1 s on gunicorn's exit; a bounded loop."""
    for _ in range(STARTUP_POLLS):
        try:
            if check():
                return
        except (OSError, http.client.HTTPException):
            pass
        try:
            process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"gunicorn exited with {process.returncode}: {log.read_text(errors='replace')[-3000:]}")
    raise AssertionError(f"gunicorn: {what} not within {STARTUP_POLLS / 10:.0f} s: {log.read_text(errors='replace')[-3000:]}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, instance: Path) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """Laurel's wsgi:app under gunicorn with 2 workers on a free port, with production's settings
    (gunicorn.conf.py); always stopped."""
    instance.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAUREL_")}
    env.update(LAUREL_DATABASE_URL=database_url, LAUREL_INSTANCE_PATH=str(instance), LAUREL_SECRET_KEY=secrets.token_hex(32))
    log_path = instance / "gunicorn.log"
    base = f"http://127.0.0.1:{free_port()}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "gunicorn.conf.py",
                "--workers",
                "2",
                "--bind",
                base.removeprefix("http://"),
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            poll(process, lambda: request(base, "GET", "/api/v1/health", "")[0] == 200, "an answer", log_path)
            yield base, process, log_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextmanager
def saves_held(database_url: str) -> Iterator[Callable[[list[int]], int | None]]:
    """Hold the database's write lock: every save waits inside its transaction until the block ends.
    Yields `inside_a_save(workers)`: a worker now stopped inside a save, or None while there is none yet.

    SQLite: the worker holding Laurel's writer lock (app/database.py), its first write waiting for
    SQLite's. PostgreSQL: the table lock stops each save at its update, after it deleted its old
    scores; once two sessions wait, each of the two workers is inside one.
    """
    if database_url.startswith("sqlite"):
        path = make_url(database_url).database
        holder = sqlite3.connect(path, isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")

        def holding_the_writer_lock(workers: list[int]) -> int | None:
            inode = os.stat(f"{path}.writer-lock").st_ino
            for fields in (line.split() for line in Path("/proc/locks").read_text().splitlines()):
                if fields[1] == "FLOCK" and fields[5].endswith(f":{inode}") and int(fields[4]) in workers:
                    return int(fields[4])
            return None

        try:
            yield holding_the_writer_lock
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as holder, engine.connect().execution_options(isolation_level="AUTOCOMMIT") as monitor:
            holder.execute(text("LOCK TABLE score_sheets IN EXCLUSIVE MODE"))

            def both_waiting(workers: list[int]) -> int | None:
                waiting = monitor.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                ).scalar_one()
                return workers[0] if waiting >= len(workers) else None

            try:
                yield both_waiting
            finally:
                holder.rollback()
    finally:
        engine.dispose()


@pytest.fixture
def open_round(make_contest, make_team, make_round, make_user, token_for):
    """An open round with the 100-point sheet: each of 4 judges has 2 sheets of their own."""
    contest = make_contest()
    teams = [make_team(contest) for _ in range(CLIENTS * 2)]
    for team in teams:
        team.status = "approved"
    round_ = make_round(contest, criteria=[{**item, "step": 1} for item in SHEET_100], judges_per_team=1)
    judges = [make_user("judge", contest_id=contest.id) for _ in range(CLIENTS)]
    now = utcnow()
    add_entries(round_, team_ids=[team.id for team in teams], actor=None, now=now)
    add_judges(round_, [judge.id for judge in judges], actor=None, now=now)
    sheets: dict[int, list[int]] = {}
    for index, judge in enumerate(judges):
        assignments = [Assignment(round_id=round_.id, team_id=teams[2 * index + k].id, judge_id=judge.id) for k in range(2)]
        db.session.add_all(assignments)
        db.session.flush()
        sheets[index] = [assignment.id for assignment in assignments]
    transition_round(round_, "open", actor=None, now=now)
    db.session.commit()
    return {"sheets": sheets, "tokens": [token_for(judge)["Authorization"].removeprefix("Bearer ") for judge in judges]}


def committed_sheets(database_url: str, assignment_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each sheet as a new connection reads it: version, values, and the scores of every save event, oldest first."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            found: dict[int, dict[str, Any]] = {}
            for assignment_id in assignment_ids:
                sheet_id, version = connection.execute(
                    text("SELECT id, version FROM score_sheets WHERE assignment_id = :a"), {"a": assignment_id}
                ).one()
                values = dict(
                    connection.execute(text("SELECT criterion_key, value FROM scores WHERE sheet_id = :s"), {"s": sheet_id}).all()
                )
                events = [
                    json.loads(after) if isinstance(after, str) else after
                    for (after,) in connection.execute(
                        text(
                            "SELECT after FROM audit_events WHERE object_type = 'score_sheet' AND object_id = :s "
                            "AND action IN ('sheet.save', 'sheet.submit') ORDER BY id"
                        ),
                        {"s": sheet_id},
                    )
                ]
                found[assignment_id] = {
                    "version": version,
                    "values": {key: Decimal(str(value)) for key, value in values.items()},
                    "saves": [{key: Decimal(value) for key, value in event["scores"].items()} for event in events],
                }
            return found
    finally:
        engine.dispose()


def decimals(values: dict[str, int]) -> dict[str, Decimal]:
    return {key: Decimal(value) for key, value in values.items()}


def test_killing_gunicorn_workers_mid_save_loses_no_acknowledged_save(database_url, open_round, tmp_path):
    acknowledged: dict[int, list[tuple[int, dict[str, int]]]] = defaultdict(list)  # assignment -> (version, values)
    unexpected: list[Any] = []  # any answer but 200, and any exception but a cut connection
    interrupted: list[int] = []  # saves whose connection a kill cut: they may or may not have committed
    lock = threading.Lock()
    kill_now = [threading.Event() for _ in KILL_AFTER]

    def current_version(base: str, token: str, assignment_id: int) -> int:
        for _ in range(20):  # a GET cut by a kill is asked again
            try:
                status, sheet = request(base, "GET", f"/api/v1/assignments/{assignment_id}/sheet", token)
            except (OSError, http.client.HTTPException):
                continue
            assert status == 200, sheet
            return sheet["version"]
        raise AssertionError(f"sheet {assignment_id} could not be read")

    def judge(base: str, index: int) -> None:
        token, sheets = open_round["tokens"][index], open_round["sheets"][index]
        try:
            versions = {assignment_id: current_version(base, token, assignment_id) for assignment_id in sheets}
            for attempt in range(SAVES):
                assignment_id = sheets[attempt % 2]
                values = sheet_values(index, attempt)
                body = {"scores": values, "comment": f"save {attempt}", "submit": False, "version": versions[assignment_id]}
                try:
                    status, saved = request(base, "PUT", f"/api/v1/assignments/{assignment_id}/sheet", token, body)
                except (OSError, http.client.HTTPException):
                    interrupted.append(assignment_id)
                    versions[assignment_id] = current_version(base, token, assignment_id)  # committed or not: read which
                    continue
                if status != 200:
                    unexpected.append((status, saved))
                    continue
                versions[assignment_id] = saved["version"]
                with lock:
                    acknowledged[assignment_id].append((saved["version"], values))
                    count = sum(len(saves) for saves in acknowledged.values())
                for threshold, event in zip(KILL_AFTER, kill_now, strict=True):
                    if count >= threshold:
                        event.set()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            unexpected.append(repr(error))

    with gunicorn(database_url, tmp_path / "served") as (base, master, log):
        poll(master, lambda: len(children_of(master.pid)) == 2, "two workers", log)
        workers = children_of(master.pid)
        threads = [
            threading.Thread(target=judge, args=(base, index), name=f"judge-{index}", daemon=True) for index in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        # First kill: once the judges are in full swing, a worker stopped inside a save.
        assert kill_now[0].wait(timeout=120), f"fewer than {KILL_AFTER[0]} acknowledged saves: {unexpected}"
        victim = None

        def stopped_inside_a_save() -> bool:
            nonlocal victim
            victim = inside_a_save(workers)
            return victim is not None

        with saves_held(database_url) as inside_a_save:
            poll(master, stopped_inside_a_save, "a worker inside a save", log)
            os.kill(victim, signal.SIGKILL)
        # Second kill: the other original worker, wherever it is in its work (in a commit, perhaps).
        assert kill_now[1].wait(timeout=120), f"fewer than {KILL_AFTER[1]} acknowledged saves: {unexpected}"
        os.kill(next(worker for worker in workers if worker != victim), signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=120)
        assert not [thread.name for thread in threads if thread.is_alive()]
        # The app still serves: gunicorn replaced both workers, and a save now succeeds on every sheet.
        poll(
            master,
            lambda: len(children_of(master.pid)) == 2 and not set(children_of(master.pid)) & set(workers),
            "two new workers",
            log,
        )
        for index, sheets in open_round["sheets"].items():
            token = open_round["tokens"][index]
            for assignment_id in sheets:
                values = sheet_values(index, SAVES)
                status, saved = request(
                    base,
                    "PUT",
                    f"/api/v1/assignments/{assignment_id}/sheet",
                    token,
                    {"scores": values, "submit": False, "version": current_version(base, token, assignment_id)},
                )
                assert status == 200, saved
                acknowledged[assignment_id].append((saved["version"], values))

    assert unexpected == []
    assert interrupted, "the save the first kill stopped should have been cut off"
    if database_url.startswith("sqlite"):
        path = make_url(database_url).database
        check = sqlite3.connect(path)
        try:
            assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            check.close()
    stored = committed_sheets(database_url, [a for sheets in open_round["sheets"].values() for a in sheets])
    for assignment_id, saves in acknowledged.items():
        sheet = stored[assignment_id]
        # Every committed save (acknowledged or cut off) is one version and one audit event, in order...
        assert sheet["version"] == len(sheet["saves"])
        # ...and every acknowledged one is there with its version and values; the last is what the sheet holds.
        for version, values in saves:
            assert sheet["saves"][version - 1] == decimals(values), (assignment_id, version)
        last_version, last_values = max(saves, key=lambda save: save[0])
        assert (sheet["version"], sheet["values"]) == (last_version, decimals(last_values))
        assert len({version for version, _ in saves}) == len(saves)  # no version acknowledged twice


# Backup and restore ------------------------------------------------------------------------------


def workbook(client, round_id: int, headers: dict[str, str]) -> dict[str, list[list[Any]]]:
    """The round's results workbook as exportRound gives it: sheet title -> rows, header included."""
    response = client.get(f"/api/v1/rounds/{round_id}/export.xlsx", headers=headers)
    assert response.status_code == 200, response.data[:300]
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def data_hash(book: dict[str, list[list[Any]]]) -> str:
    return dict(row[:2] for row in book["说明 About"])["数据校验 SHA-256 of the data"]


@contextmanager
def restored_database(database_url: str, backup: Path, tmp_path: Path) -> Iterator[str]:
    """The backup restored as README.md says, into a fresh database; yields its URL.

    The backup is a tar archive whose `database` entry is the database's copy. SQLite: a ready database
    file, copied into place. PostgreSQL: pg_restore into a scratch database, dropped afterwards.
    """
    with tarfile.open(backup) as archive:
        archive.extract("database", tmp_path / "unpacked", filter="data")
    backup = tmp_path / "unpacked" / "database"
    if database_url.startswith("sqlite"):
        target = tmp_path / "restored" / "laurel.db"
        target.parent.mkdir()
        shutil.copy(backup, target)
        yield f"sqlite:///{target}"
        return
    if shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed: the PostgreSQL restore cannot be shown")
    url = make_url(database_url)
    scratch = f"laurel_restore_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{scratch}"'))
    try:
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--dbname",
                scratch,
                "--host",
                url.host or "localhost",
                "--port",
                str(url.port or 5432),
                "--username",
                url.username or "postgres",
                str(backup),
            ],
            check=True,
            env=dict(os.environ, PGPASSWORD=url.password or ""),
            capture_output=True,
        )
        yield url.set(database=scratch).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()


def test_a_restored_backup_exports_the_same_results_workbook(
    client, runner, database_url, tmp_path, make_contest, make_team, make_round, make_user, token_for
):
    if database_url.startswith("postgresql") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed: the PostgreSQL backup cannot be made")
    contest = make_contest(language="zh")
    teams = [make_team(contest) for _ in range(6)]
    for team in teams:
        team.status = "approved"
    round_ = make_round(contest, criteria=[{**item, "step": 0.5} for item in SHEET_100], judges_per_team=3)
    judges = [make_user("judge", contest_id=contest.id) for _ in range(3)]
    now = utcnow()
    add_entries(round_, team_ids=[team.id for team in teams], actor=None, now=now)
    add_judges(round_, [judge.id for judge in judges], actor=None, now=now)
    transition_round(round_, "open", actor=None, now=now)
    for t, team in enumerate(teams):
        for j, judge in enumerate(judges):
            assignment = Assignment(round_id=round_.id, team_id=team.id, judge_id=judge.id)
            db.session.add(assignment)
            db.session.flush()
            save_sheet(assignment, sheet_values(t, j), comment="评语", submit=True, version=0, actor=judge, now=now)
    transition_round(round_, "closed", actor=None, now=now)
    db.session.commit()
    organizer = token_for(make_user("organizer"))
    round_id = round_.id
    assert client.post(f"/api/v1/rounds/{round_id}/results", json={}, headers=organizer).status_code == 200
    awarded = client.post(
        f"/api/v1/rounds/{round_id}/awards",
        headers=organizer,
        json={"tiers": [{"key": "first", "count": 1}, {"key": "second", "count": 2}]},
    )
    assert awarded.status_code == 200, awarded.json
    before = workbook(client, round_id, organizer)

    backup = tmp_path / "backups" / "laurel.backup"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output

    with restored_database(database_url, backup, tmp_path) as restored_url:
        restored = make_test_app(restored_url, str(tmp_path / "restored-instance"))
        try:
            with restored.app_context():
                after = workbook(restored.test_client(), round_id, organizer)  # the organizer's token came back too
        finally:
            with restored.app_context():
                db.engine.dispose()
    assert data_hash(after) == data_hash(before) and len(data_hash(before)) == 64
    for title in ("获奖名单 Awards", "总排名 Ranking", "评分明细 Scores", "评委统计 Judges"):
        assert after[title] == before[title], title
    assert len(before["总排名 Ranking"]) == 1 + len(teams) and len(before["获奖名单 Awards"]) == 1 + 3
