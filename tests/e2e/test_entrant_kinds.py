"""In a real browser, for each kind of entrant (a student team, an individual, an organization): the entrant
registers on the form of their track, the organizer (or the college) approves, the judge scores, the organizer
computes and publishes, and the results workbook names the entrant (issue 24)."""

import io
from collections.abc import Iterator
from datetime import timedelta

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from tests.conftest import served
from tests.e2e.conftest import _demo_app
from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e

TRACKS = [
    {"code": "YT", "name": "Youth teams", "kind": "regular", "entrant": "team", "min_members": 2, "max_members": 4},
    {"code": "IN", "name": "Individuals", "kind": "regular", "entrant": "individual"},
    {"code": "OR", "name": "Companies", "kind": "practical", "entrant": "organization", "max_members": 2},
]


@pytest.fixture
def sail(tmp_path) -> Iterator[tuple]:
    """The demo plus an open contest whose three tracks take the three kinds; the demo captain may register."""
    from app.auth.services import grant_role
    from app.contests.services import create_contest, with_defaults
    from app.models import CAPTAIN, COORDINATOR, JUDGE, College, User, utcnow

    app = _demo_app(tmp_path)
    with app.app_context():
        now = utcnow()
        data = {
            "name": "Sail to Hangzhou",
            "language": "en",
            "year": now.year,
            "registration_opens_at": now - timedelta(days=1),
            "registration_closes_at": now + timedelta(days=30),
            "tracks": TRACKS,
        }
        contest = create_contest(with_defaults(data, "Asia/Shanghai"), now=now, actor=None)
        captain = db.session.scalar(select(User).where(User.email == "captain@demo.laurel"))
        grant_role(captain, CAPTAIN, contest_id=contest.id, now=now)
        coordinator = db.session.scalar(select(User).where(User.email == "coordinator@demo.laurel"))
        zju = db.session.scalar(select(College).where(College.code == "4133010335"))
        grant_role(coordinator, COORDINATOR, contest_id=contest.id, college_id=zju.id, now=now)
        judge = db.session.scalar(select(User).where(User.email == "judge@demo.laurel"))
        grant_role(judge, JUDGE, contest_id=contest.id, now=now)
        db.session.commit()
        contest_id = contest.id
    with served(app) as base:
        yield app, base, contest_id


def fill_team(page):
    page.fill("input[name=name]", "Blue Wave")
    page.fill("input[name=college]", "浙江大学 4133010335")
    for index, (name, student_id) in enumerate((("Lin Wei", "Z2026001"), ("Sara Costa", "Z2026002"))):
        page.fill(f"input[name=members-{index}-name]", name)
        page.fill(f"input[name=members-{index}-student_id]", student_id)
        page.fill(f"input[name=members-{index}-email]", f"m{index}@zju.example.edu.cn")
    page.select_option("select[name=members-1-nationality]", "PT")
    return "Blue Wave"


def fill_individual(page):
    page.fill("input[name=members-0-name]", "Amina Okoye")
    page.fill("input[name=members-0-email]", "amina@example.com")
    page.select_option("select[name=members-0-nationality]", "NG")
    return "Amina Okoye"


def fill_organization(page):
    page.fill("input[name=organization-name]", "杭州云帆供应链管理有限公司")
    page.select_option("select[name=organization-country]", "CN")
    page.fill("input[name=organization-credit_code]", "91110108551385082Q")
    page.fill("input[name=organization-contact_name]", "李娜")
    page.fill("input[name=organization-contact_email]", "lina@example.com")
    return "杭州云帆供应链管理有限公司"


KINDS = {
    "team": ("YT", "Student team", fill_team, "Register a team", "waits for its college's review", "coordinator@demo.laurel"),
    "individual": (
        "IN",
        "Individual participant",
        fill_individual,
        "Register as a participant",
        "waits for the organizers' review",
        "organizer@demo.laurel",
    ),
    "organization": (
        "OR",
        "Organization (company or institution)",
        fill_organization,
        "Apply as an organization",
        "waits for the organizers' review",
        "organizer@demo.laurel",
    ),
}


def open_round(app, contest_id):
    """The organizer's round, set up through the services: every approved entrant, the demo judge for each."""
    from app.judging.assignments import assign_judge
    from app.judging.services import add_entries, add_judges, create_round, transition_round
    from app.models import Assignment, Contest, Team, User, utcnow

    with app.app_context():
        now = utcnow()
        contest = db.session.get(Contest, contest_id)
        round_ = create_round(
            contest,
            {
                "name": "Final",
                "level": "national",
                "grouping": "country",
                "judges_per_team": 1,
                "aggregation": {"method": "mean", "decimals": 2},
                "criteria": [{"key": "overall", "name": "Overall", "max": 100, "step": 0.5}],
            },
            actor=None,
            now=now,
        )
        judge = db.session.scalar(select(User).where(User.email == "judge@demo.laurel"))
        add_entries(round_, all_approved=True, actor=None, now=now)
        add_judges(round_, [judge.id], actor=None, now=now)
        (team_id,) = db.session.scalars(select(Team.id).where(Team.contest_id == contest_id))
        assign_judge(round_, team_id, judge.id, reason=None, actor=None, now=now)
        transition_round(round_, "open", actor=None, now=now)
        db.session.commit()
        assignment_id = db.session.scalar(select(Assignment.id).where(Assignment.round_id == round_.id))
        return round_.id, assignment_id


def close_round(app, round_id):
    from app.judging.services import transition_round
    from app.models import Round, utcnow

    with app.app_context():
        transition_round(db.session.get(Round, round_id), "closed", actor=None, now=utcnow())
        db.session.commit()


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_of_entrant_from_registration_to_the_workbook(sail, browser, kind):
    app, base, contest_id = sail
    code, kind_label, fill, heading, waits, reviewer = KINDS[kind]
    page = browser.new_page(locale="en-US")
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, base, email="captain@demo.laurel")
    page.goto(f"{base}/contests/{contest_id}/register")
    choice = page.locator("[data-track-choices] li", has_text=kind_label)
    choice.locator("a").click()
    expect(page.locator("h1")).to_have_text(heading)
    page.fill("input[name=project_title]", "Solar carts")
    name = fill(page)
    page.click("input[type=submit][value='Submit registration']")
    expect(page.locator(".flash-success")).to_contain_text(waits)
    expect(page.locator("h1")).to_contain_text(name)
    team_url = page.url
    page.click("button:has-text('Sign out')")

    sign_in(page, base, email=reviewer)
    page.goto(team_url)
    page.click("button[name=decision][value=approve]")
    expect(page.locator("main")).to_contain_text("Approved")
    page.click("button:has-text('Sign out')")

    round_id, assignment_id = open_round(app, contest_id)
    sign_in(page, base, email="judge@demo.laurel")
    page.goto(f"{base}/assignments/{assignment_id}/sheet")
    page.locator("input.score-input").first.fill("88")
    page.click("input[type=submit][value='Submit scores']")
    expect(page.locator("[data-progress-summary]")).to_contain_text("1 of 1 submitted")
    page.click("button:has-text('Sign out')")

    close_round(app, round_id)
    sign_in(page, base)
    page.goto(f"{base}/rounds/{round_id}/results")
    page.click("input[type=submit][value='Compute results']")
    expect(page.locator("table.results tbody tr").first).to_contain_text(name)
    page.click("input[type=submit][value='Publish']")
    expect(page.locator(".flash-success")).to_have_text("The results are published.")
    page.click("button:has-text('Download the results workbook')")  # made as a job: its page, then its file
    expect(page.locator("a[href$='/download']")).to_contain_text(f"results-round-{round_id}.xlsx")
    with page.expect_download() as download:
        page.click("a[href$='/download']")
    workbook = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()), read_only=True)
    cells = {str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    assert name in cells
    page.close()
