"""Command-line tools: `flask --app wsgi users|colleges|demo|backup|restore|results|judging ...`.

Each command calls the same services as the browser and the API, then commits once.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from app.errors import ContestError, InvalidRowsError
from app.extensions import db
from app.models import ROLES, College, utcnow


def _fail(error: ContestError) -> None:
    db.session.rollback()
    lines = [error.message]
    for name, messages in error.fields.items():
        lines.extend(f"  {name}: {message}" for message in messages)
    if isinstance(error, InvalidRowsError):
        lines.extend(f"  row {row['row']}, {row.get('column', '')}: {row['message']}" for row in error.rows)
    raise click.ClickException("\n".join(lines))


users = click.Group("users", help="Manage user accounts.")


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", required=True, help="at least 8 characters, hard to guess")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--contest-id", type=int, help="the contest, for coordinators and judges")
@click.option("--college-code", help="the college's 10-digit code, for coordinators")
@click.option("--province", help="a province written in full, as 浙江省")
def create_user_command(email, name, password, role, contest_id, college_code, province):
    """Create a user with one role."""
    from app.auth.services import create_user

    college_id = None
    if college_code:
        college_id = db.session.scalar(select(College.id).where(College.code == college_code))
        if college_id is None:
            raise click.ClickException(f"No college has the code {college_code}; import the colleges list first.")
    try:
        user = create_user(
            email=email,
            name=name,
            password=password,
            role=role,
            now=utcnow(),
            contest_id=contest_id,
            college_id=college_id,
            province=province,
        )
    except ContestError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created {role} {user.email} (id {user.id}).")


def _set_active(email: str, active: bool) -> None:
    from app.auth.services import find_user_by_email, set_user_active

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user has the email {email}.")
    set_user_active(user, active, actor=None, now=utcnow())
    db.session.commit()
    click.echo(f"{user.email} is {'active' if active else 'deactivated: their sessions and API tokens have ended'}.")


@users.command("deactivate")
@click.option("--email", required=True)
def deactivate_user_command(email):
    """Deactivate a user: their sign-ins are refused, their sessions and API tokens end at once."""
    _set_active(email, False)


@users.command("activate")
@click.option("--email", required=True)
def activate_user_command(email):
    """Let a deactivated user sign in again."""
    _set_active(email, True)


colleges = click.Group("colleges", help="The national colleges list.")


@colleges.command("import")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_colleges_command(file: Path | None):
    """Import colleges from FILE (.csv or .xlsx); by default the national list shipped with Laurel."""
    from app.colleges.services import NATIONAL_LIST, import_colleges
    from app.spreadsheets import read_table

    file = file or NATIONAL_LIST
    started = time.perf_counter()
    try:
        with file.open("rb") as handle:
            summary = import_colleges(read_table(handle, file.name), now=utcnow())
    except ContestError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{summary.created} colleges created, {summary.updated} updated, in {time.perf_counter() - started:.2f} s.")


@click.command("demo")
@click.option("--only-if-empty", is_flag=True, help="do nothing when the database already has a contest")
@click.option(
    "--scale",
    type=click.Choice(["small", "national"]),
    default="small",
    show_default=True,
    help="small: a contest in mid-season (36 teams, a published school round, an open provincial round); "
    "national: also the whole national season (689 colleges, 9,872 teams, 300 judges, three rounds)",
)
@click.option(
    "--contest",
    "seed_contest",
    type=click.Choice(["national", "global", "sail", "projects", "training"]),
    help="also build one seed contest in a new contest of its own, from registration to published awards: the "
    "national challenge (a small season), the global business challenge, Sail to Hangzhou, a pilot zone's call for "
    "projects, a talent-training evaluation",
)
@click.option("--seed", type=int, default=1, show_default=True, help="the random seed of a season or a seed contest")
@click.option(
    "--url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="the address the app is served at, to print (make run passes its HOST and PORT)",
)
def demo_command(only_if_empty: bool, scale: str, seed_contest: str | None, seed: int, url: str):
    """Load the demo: the colleges, an account per role and a contest in mid-season; with --scale national,
    also the whole national season through the real services; with --contest, also one seed contest."""
    from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, database_is_empty

    url = url.rstrip("/")
    if only_if_empty and not database_is_empty():
        click.echo(f"The database already has contests; the demo was not loaded. Laurel: {url}/login")
        return
    if seed_contest and scale == "national":
        raise click.UsageError("Give --contest or --scale national, not both.")
    if seed_contest:
        built = _seed_contest(seed_contest, seed)
    elif scale == "national":
        if not database_is_empty():
            raise click.ClickException("The national season needs a fresh database (this one has contests).")
        season = _national_season(seed)
    else:
        from app.demo.season import load_season_demo

        started = time.perf_counter()
        contest = _run_or_fail(lambda: load_season_demo(now=utcnow()))
        db.session.commit()
        click.echo(f"Demo contest {contest.id} in {time.perf_counter() - started:.1f} s: {contest.name}")
        click.echo("  36 teams; the school round published with its prizes; the provincial round open.")
    click.echo(f"Sign in at {url}/login with the password {DEMO_PASSWORD!r} and:")
    for role, email, _name in DEMO_ACCOUNTS:
        click.echo(f"  {role:<12} {email}")
    if scale == "national":
        first, _second, final = season.round_ids
        click.echo("Then look at (as the organizer):")
        click.echo(f"  {url}/contests/{season.contest_id}/rounds                     the three rounds")
        click.echo(f"  {url}/rounds/{final}/results                            the national final's results, and its workbook")
        click.echo(
            f"  {url}/rounds/{final}/awards                             the prize list (8 special, 12 first, 20 second), its certificates"
        )
        click.echo(
            f"  {url}/rounds/{final}/objections                         the final's notice, ended, and its one objection answered"
        )
        click.echo(f"  {url}/rounds/{first}/results/judges                     the judges' statistics of the school round")
        click.echo(f"  {url}/results/rounds/{final}                            the public results page (no sign-in)")
    if seed_contest:
        click.echo("Then look at (as the organizer):")
        for path, what in built.looks:
            click.echo(f"  {url}{path:<40} {what}")


#: What each seed contest's demo holds, for the summary.
SEED_CONTESTS = {
    "national": "the national challenge: student teams of Chinese colleges; school, provincial and national rounds",
    "global": "student teams of 30 universities in 15 countries; a round ranked per country; 27 winners",
    "sail": "individuals of 36 nationalities (most not students) and youth teams; park places and youth team support",
    "projects": "companies with their credit codes (some abroad); subsidies in CNY within the budget",
    "training": "universities applying as organizations; 16 grants of 6,100,000 CNY in all, each its own amount",
}


def _seed_contest(kind: str, seed: int):
    from app.demo.seeds import build_seed_contest

    started = time.perf_counter()
    click.echo(f"Building the {kind} seed contest: {SEED_CONTESTS[kind]}.")
    built = _run_or_fail(lambda: build_seed_contest(kind, seed=seed))
    counts = built.counts
    click.echo(f"Contest {built.contest_id} in {time.perf_counter() - started:.1f} s: {built.name}")
    entrants = counts.get("entrants", counts.get("teams", 0))
    places = counts.get("countries")
    countries = "" if places is None else f" from {places} {'country' if places == 1 else 'countries'}"
    rounds = len(built.round_ids)
    click.echo(f"  {entrants} entrants{countries}; {rounds} {'round' if rounds == 1 else 'rounds'} published with their awards.")
    return built


def _national_season(seed: int):
    from app.demo.national import build_national_season

    started = time.perf_counter()
    shown: dict[str, int] = {}

    def progress(label: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        click.echo(f"\r  {label:<24} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", nl=done >= total)
        shown[label] = done

    click.echo("Building the national season (689 colleges, 9,872 teams, 300 judges, three rounds):")
    season = _run_or_fail(lambda: build_national_season(seed=seed, progress=progress))
    counts = season.counts
    click.echo(
        f"Done in {time.perf_counter() - started:.0f} s: {counts['teams']} teams from {counts['colleges']} colleges in "
        f"{counts['provinces']} provinces, {counts['judges']} judges; sheets {counts['sheets_1']} / {counts['sheets_2']} / "
        f"{counts['sheets_3']}; {counts['advanced_1']} and {counts['advanced_2']} teams advanced; {counts['awards']} prizes; "
        f"the final's notice over, {counts['objections']} objection answered, {counts['certificates']} certificates."
    )
    return season


def _run_or_fail(work):
    try:
        return work()
    except ContestError as error:
        _fail(error)


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(out: Path):
    """Write a consistent copy of the live database and of the stored files (works) to OUT.

    One tar archive: the database (SQLite: the online backup API, safe while the app runs; PostgreSQL: pg_dump
    in its custom format), then the store's files. Written beside OUT and renamed, so OUT is never
    half-written. Restore it with `flask restore OUT`.
    """
    from app.backups import BackupError, write_backup
    from app.storage import storage

    try:
        out = write_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], out, storage().root)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {out} ({out.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("source", metavar="IN", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def restore_command(source: Path, yes: bool):
    """Replace the whole database with the backup IN, written by `flask backup`, and put its stored files
    back: all of it or, on any error, none of it. A file that is not a backup of this kind of database is
    refused, the database untouched. Stop Laurel first."""
    from app.backups import BackupError, check_backup, describe, restore_backup
    from app.storage import storage

    database_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        check_backup(database_url, source)
    except BackupError as error:
        raise click.ClickException(f"{error} Nothing was restored.") from error
    if not yes:
        click.confirm(f"Replace every row of {describe(database_url)} with the backup {source}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # this process's own connections would hold the tables the restore replaces
    started = time.perf_counter()
    try:
        restore_backup(database_url, source, storage().root)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {describe(database_url)} from {source} in {time.perf_counter() - started:.1f} s.")


@click.group()
def results() -> None:
    """A round's results."""


@results.command("export")
@click.argument("round_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--judge-names", is_flag=True, help="name the judges in the Judges sheet (codes only by default)")
def results_export(round_id: int, out: Path, judge_names: bool):
    """Write the round's results workbook to OUT, the same workbook as exportRound (through a
    temporary file and a rename: OUT is never half-written)."""
    from app.models import Round
    from app.results.exports import round_workbook
    from app.spreadsheets import write_workbook_file

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"No round has id {round_id}.")
    started = time.perf_counter()
    try:
        sheets = round_workbook(round_, generated_by="flask results export", now=utcnow(), judge_names=judge_names)
        path = write_workbook_file(out, sheets)
    except ContestError as error:
        _fail(error)
    click.echo(f"Wrote {path} in {time.perf_counter() - started:.1f} s.")


@click.group()
def judging() -> None:
    """Judging: assignments and their conflicts of interest."""


@judging.command("set-aside-conflicts")
def set_aside_conflicts_command():
    """Hold every assignment in force (in every round but a published one) to the conflict rules as they are
    now, as a conflict arising today would: those a conflict forbids are set aside, audited. For assignments
    made before Laurel set them aside when the conflict arose."""
    from app.judging.conflicts import set_aside_conflicts

    count = set_aside_conflicts(actor=None, now=utcnow())
    db.session.commit()
    click.echo(f"{count} assignments set aside.")


@click.group()
def notices() -> None:
    """The public notice of published results."""


@notices.command("finalize-due")
def finalize_due_command():
    """Finalize every round whose notice has ended with no objection waiting: certificates issued, teams told.
    Job workers do it every few minutes; run it from cron where no worker runs."""
    from app.notices.finalization import finalize_due

    click.echo(f"{finalize_due(utcnow())} round(s) finalized.")


def register_commands(app: Flask) -> None:
    from app.jobs.cli import worker_command

    commands = (users, colleges, demo_command, backup_command, restore_command, results, judging, notices, worker_command)
    for command in commands:
        app.cli.add_command(command)
