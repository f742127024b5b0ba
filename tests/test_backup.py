"""`flask backup` then `flask restore`: the data comes back exactly as it was backed up, on SQLite and on
PostgreSQL; a file that is not a backup of the right kind is refused, and the database stays as it was."""

from __future__ import annotations

import io
import shutil
import sqlite3

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Contest, Team, TeamMember


@pytest.fixture(autouse=True)
def _pg_tools(database_url):
    if database_url.startswith("postgresql") and (shutil.which("pg_dump") is None or shutil.which("pg_restore") is None):
        pytest.skip("pg_dump and pg_restore are not installed")


def snapshot() -> dict:
    """What a user would see of the data: every team's number and name, and the counts."""
    db.session.expire_all()
    return {
        "teams": db.session.execute(select(Team.id, Team.number, Team.name).order_by(Team.id)).all(),
        "members": db.session.scalar(select(func.count(TeamMember.id))),
        "contests": db.session.scalar(select(func.count(Contest.id))),
    }


def restore(runner, source, *extra: str, answer: str | None = None):
    """`flask restore`, as an operator runs it (`answer` typed at its question): this test's own session holds
    no connection meanwhile."""
    db.session.remove()
    return runner.invoke(args=["restore", str(source), *extra], input=answer)


@pytest.fixture
def season(make_contest, make_college, make_team) -> dict:
    contest = make_contest()
    college = make_college()
    for _ in range(4):
        make_team(contest, college)
    return snapshot()


def test_restore_brings_back_the_data_as_it_was_backed_up(runner, season, make_contest, make_team, tmp_path):
    backup = tmp_path / "backups" / "laurel.backup"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output

    first_id, first_name = season["teams"][0][0], season["teams"][0][2]
    db.session.get(Team, first_id).name = "改过的名字"
    db.session.delete(db.session.get(Team, season["teams"][-1][0]))
    make_team(make_contest())
    db.session.commit()
    assert snapshot() != season

    result = restore(runner, backup, "--yes")
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    assert snapshot() == season
    assert db.session.get(Team, first_id).name == first_name
    assert len(season["teams"]) == 4 and season["members"] == 12


def test_restore_asks_first_and_changes_nothing_when_told_no(runner, season, tmp_path):
    backup = tmp_path / "laurel.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    db.session.get(Team, season["teams"][0][0]).name = "改过的名字"
    db.session.commit()
    changed = snapshot()

    result = restore(runner, backup, answer="n\n")
    assert "Replace every row of the" in result.output
    assert result.exit_code == 1 and "Aborted" in result.output
    assert snapshot() == changed


def other_kind_of_backup(database_url: str, path, sqlite_template: str):
    """A real backup of the other database: a Laurel SQLite file given to PostgreSQL, and the first bytes of a
    pg_dump file (its signature) given to SQLite."""
    if database_url.startswith("postgresql"):
        shutil.copy(sqlite_template, path)
        return "is a SQLite backup; this Laurel runs on PostgreSQL"
    path.write_bytes(b"PGDMP\x01\x0f\x00\x04\x08\x01\x01\x01" + bytes(200))
    return "is a PostgreSQL backup (pg_dump); this Laurel runs on SQLite"


@pytest.mark.parametrize("kind", ["other database", "random bytes", "another SQLite database", "truncated backup"])
def test_a_file_that_is_not_a_backup_of_this_database_is_refused(runner, season, database_url, tmp_path, kind, request):
    bad = tmp_path / "bad.backup"
    if kind == "other database":
        expected = other_kind_of_backup(database_url, bad, request.getfixturevalue("sqlite_template"))
    elif kind == "random bytes":
        bad.write_bytes(bytes(range(256)) * 40)
        expected = "is not a"
    elif kind == "another SQLite database":
        if database_url.startswith("postgresql"):
            pytest.skip("a SQLite file is refused on PostgreSQL as the other database's backup")
        other = sqlite3.connect(bad)
        other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        other.commit()
        other.close()
        expected = "is a SQLite database but not Laurel's (no table users, contests, colleges)"
    else:
        good = tmp_path / "good.backup"
        assert runner.invoke(args=["backup", str(good)]).exit_code == 0
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
        expected = "is a damaged"

    result = restore(runner, bad, "--yes")
    assert result.exit_code == 1
    assert expected in result.output and "Nothing was restored." in result.output, result.output
    assert snapshot() == season


def test_a_restore_gives_back_the_stored_files_with_their_hashes(runner, client, season, scene_with_work, tmp_path, token_for):
    """The store's files are in the backup: after they are lost, a restore puts back the same bytes (their
    SHA-256 recomputed), and downloadWork serves them again."""
    import hashlib

    from app.storage import storage

    work_id, sha256, organizer = scene_with_work
    backup = tmp_path / "laurel.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    place = storage().path(sha256)
    place.unlink()
    assert not place.exists()

    result = restore(runner, backup, "--yes")
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(place.read_bytes()).hexdigest() == sha256
    response = client.get(f"/api/v1/works/{work_id}/file", headers=token_for(organizer))
    assert response.status_code == 200 and response.data == b"%PDF-1.4 backed up"


def test_a_backup_whose_file_does_not_match_its_hash_is_refused(runner, season, scene_with_work, tmp_path):
    import tarfile

    _work_id, sha256, _organizer = scene_with_work
    good = tmp_path / "good.backup"
    assert runner.invoke(args=["backup", str(good)]).exit_code == 0
    bad = tmp_path / "bad.backup"
    with tarfile.open(good) as source, tarfile.open(bad, "w") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.endswith(sha256[2:]):
                data = b"%PDF-1.4 tampered"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    result = restore(runner, bad, "--yes")
    assert result.exit_code == 1 and "does not hash to its name" in result.output and "Nothing was restored." in result.output


@pytest.fixture
def scene_with_work(make_contest, make_team, make_round, make_user, make_work):
    contest = make_contest()
    round_ = make_round(contest)
    work = make_work(round_, make_team(contest), data=b"%PDF-1.4 backed up")
    return work.id, work.sha256, make_user("organizer")
