"""The command line: users, colleges, demo, backup, judging."""

import shutil
import sqlite3
import tarfile

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import College, User


def test_users_create(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Chief@Example.CN",
            "--name",
            "组委会主任",
            "--password",
            "long-enough-1",
            "--role",
            "organizer",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created organizer chief@example.cn" in result.output
    assert db.session.scalar(select(User).where(User.email == "chief@example.cn")).has_role("organizer")


def test_users_create_explains_what_is_wrong(runner):
    args = ["users", "create", "--email", "a@example.cn", "--name", "A", "--password", "long-enough-1", "--role", "judge"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "already exists" in result.output
    result = runner.invoke(
        args=["users", "create", "--email", "b@example.cn", "--name", "B", "--password", "short", "--role", "judge"]
    )
    assert result.exit_code == 1 and "at least 8 characters" in result.output


def test_colleges_import_defaults_to_the_shipped_national_list(runner):
    result = runner.invoke(args=["colleges", "import"])
    assert result.exit_code == 0, result.output
    assert "2919 colleges created, 0 updated" in result.output
    assert "0 colleges created, 0 updated" in runner.invoke(args=["colleges", "import"]).output


def test_colleges_import_lists_bad_rows(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,province,city,level\n123,某大学,浙江省,杭州市,本科\n", encoding="utf-8")
    result = runner.invoke(args=["colleges", "import", str(bad)])
    assert result.exit_code == 1
    assert "row 2, code:" in result.output
    assert db.session.scalar(select(func.count(College.id))) == 0


def test_backup_is_a_consistent_copy(runner, database_url, tmp_path):
    if database_url.startswith("postgresql") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    runner.invoke(args=["demo"])
    out = tmp_path / "backups" / "laurel.backup"
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    assert [path.name for path in out.parent.iterdir()] == ["laurel.backup"]  # nothing half-written left beside it
    with tarfile.open(out) as archive:
        assert archive.getnames()[0] == "database"  # then the store's files, none in the demo
        archive.extract("database", tmp_path / "unpacked", filter="data")
    if database_url.startswith("sqlite"):
        copy = sqlite3.connect(tmp_path / "unpacked" / "database")
        assert copy.execute("SELECT count(*) FROM colleges").fetchone()[0] == 2919
        assert copy.execute("SELECT email FROM users ORDER BY id").fetchone()[0] == "organizer@demo.laurel"


def test_judging_set_aside_conflicts_applies_conflicts_declared_before_laurel_did(
    runner, make_contest, make_college, make_team, make_round, make_user
):
    """Assignments made before a conflict was applied on its declaration stay in force until checked again."""
    from app.judging.assignments import assign_judge
    from app.judging.services import add_entries, add_judges
    from app.models import Assignment, Conflict, utcnow

    contest = make_contest()
    team = make_team(contest, make_college())
    team.status = "approved"
    judge = make_user("judge", contest_id=contest.id)
    round_ = make_round(contest)
    add_entries(round_, all_approved=True, actor=None, now=utcnow())
    add_judges(round_, [judge.id], actor=None, now=utcnow())
    assignment = assign_judge(round_, team.id, judge.id, reason=None, actor=None, now=utcnow())
    db.session.add(Conflict(judge_id=judge.id, team_id=team.id, reason="旧数据"))  # as the old declaration left it
    db.session.commit()
    result = runner.invoke(args=["judging", "set-aside-conflicts"])
    assert result.exit_code == 0, result.output
    assert "1 assignments set aside." in result.output
    assert db.session.get(Assignment, assignment.id).set_aside_conflict == "declared_team"
    assert "0 assignments set aside." in runner.invoke(args=["judging", "set-aside-conflicts"]).output
