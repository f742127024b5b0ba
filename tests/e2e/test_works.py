"""In a real browser: a captain hands in a PDF and a store link, a late upload is refused with the deadline,
the organizer sees who is missing and reminds them, and the judge opens the PDF beside the sheet and scores it."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from jinja2.filters import do_filesizeformat
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Round, Work, WorkOpen, utcnow
from tests.conftest import SHEET_100, make_test_app, outbox, served, team_input
from tests.e2e.test_foundation import sign_in
from tests.e2e.test_judging import SCORES

pytestmark = pytest.mark.e2e
SECOND_CAPTAIN = "captain2@example.edu.cn"
STORE_URL = "https://shop.example.com/stores/42"
REQUIREMENTS = [
    {"key": "plan", "name": "Business plan 商业计划书", "kind": "file", "types": ["pdf"], "max_pages": 5, "required": True},
    {"key": "store", "name": "Store link 店铺链接", "kind": "link", "required": False},
]


@dataclass
class WorksWorld:
    app: Flask
    base: str
    round_id: int
    team_ids: list[int]
    team_numbers: list[str]
    assignment_id: int
    judge_id: int


@pytest.fixture
def works_server(tmp_path) -> Iterator[WorksWorld]:
    """The demo (organizer, judge, captain) plus a second captain; two approved teams, one per captain; a
    draft round asking for a PDF plan and an optional store link, due in an hour; the judge on the first team."""
    from app.auth.services import create_user
    from app.demo import give_demo_password, load_demo
    from app.judging.assignments import assign_judge
    from app.judging.services import add_entries, add_judges, create_round
    from app.models import CAPTAIN, College, User
    from app.registration.review import review_team
    from app.registration.services import register_team

    app = make_test_app(f"sqlite:///{tmp_path / 'e2e.db'}", str(tmp_path / "instance"), WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    with app.app_context():
        now = utcnow()
        db.create_all()
        contest = load_demo(now=now)
        college = db.session.scalar(select(College).where(College.code == "4111010001"))
        first_captain = db.session.scalar(select(User).where(User.email == "captain@demo.laurel"))
        second_captain = create_user(email=SECOND_CAPTAIN, name="第二队长", password="unused-9-lantern", role=CAPTAIN, now=now)
        give_demo_password([second_captain])
        teams = []
        for index, captain in enumerate((first_captain, second_captain)):
            team = register_team(contest, team_input(college.id, prefix=f"W{index}"), actor=captain, now=now)
            team.owner_id = captain.id
            review_team(team, "approve", None, actor=None, now=now)
            teams.append(team)
        round_ = create_round(
            contest,
            {
                "name": "函评 Paper review",
                "level": "school",
                "judges_per_team": 1,
                "criteria": SHEET_100,
                "requirements": REQUIREMENTS,
                "works_due_at": now + timedelta(hours=1),
            },
            actor=None,
            now=now,
        )
        judge = db.session.scalar(select(User).where(User.email == "judge@demo.laurel"))
        add_entries(round_, all_approved=True, actor=None, now=now)
        add_judges(round_, [judge.id], actor=None, now=now)
        assignment = assign_judge(round_, teams[0].id, judge.id, reason=None, actor=None, now=now)
        db.session.commit()
        world = WorksWorld(app, "", round_.id, [t.id for t in teams], [t.number for t in teams], assignment.id, judge.id)
    with served(app) as base:
        world.base = base
        yield world


def small_pdf() -> bytes:
    """A real two-page PDF, within the item's five pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "乡村好物直播间 商业计划书"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def works_of(app: Flask, round_id: int) -> list[tuple[int, str, int]]:
    with app.app_context():
        return sorted(db.session.execute(select(Work.team_id, Work.key, Work.version).where(Work.round_id == round_id)).all())


def test_hand_in_late_refusal_reminder_and_the_judge_opens_the_pdf(works_server, browser, tmp_path):
    world, base = works_server, works_server.base
    pdf = small_pdf()
    sha256 = hashlib.sha256(pdf).hexdigest()
    (tmp_path / "plan.pdf").write_bytes(pdf)

    # The first captain hands in the plan (with the progress bar's script) and the store link.
    captain = browser.new_context(locale="en-US").new_page()
    sign_in(captain, base, email="captain@demo.laurel")
    captain.goto(f"{base}/teams/{world.team_ids[0]}")
    panel = captain.locator(f"[data-works-round='{world.round_id}']")
    expect(panel.locator("h2")).to_have_text("Works for 函评 Paper review")
    plan = panel.locator("[data-work-key=plan]")
    expect(plan.locator("[data-work-missing]")).to_have_text("Nothing handed in yet.")
    plan.locator("input[type=file]").set_input_files(tmp_path / "plan.pdf")
    plan.locator("button[type=submit]").click()
    version = plan.locator("tr[data-work-version='1']")  # the page reloads once the upload is through
    expect(version).to_contain_text("plan.pdf")
    expect(captain.locator(".flash-success")).to_have_text("Handed in: plan, version 1.")
    expect(version).to_contain_text("2 pages")
    expect(version).to_contain_text(do_filesizeformat(len(pdf)))  # "625 Bytes", as the page writes sizes
    expect(version.locator("code")).to_have_text(sha256[:12])
    expect(plan.locator("button[type=submit]")).to_have_text("Hand in again")
    expect(plan.locator("[data-work-progress]")).to_be_hidden()
    expect(plan.locator("[data-work-error]")).to_be_hidden()

    store = panel.locator("[data-work-key=store]")
    store.locator("input[type=url]").fill(STORE_URL)
    store.locator("button[type=submit]").click()
    expect(captain.locator(".flash-success")).to_have_text("Handed in: store, version 1.")
    expect(store.locator("tr[data-work-version='1'] a")).to_have_attribute("href", STORE_URL)
    captain.context.close()

    # The second captain's page is open when the deadline passes: the upload is refused, naming it.
    late = browser.new_context(locale="en-US").new_page()
    sign_in(late, base, email=SECOND_CAPTAIN)
    late.goto(f"{base}/teams/{world.team_ids[1]}")
    late_plan = late.locator(f"[data-works-round='{world.round_id}'] [data-work-key=plan]")
    expect(late_plan.locator("input[type=file]")).to_be_visible()
    before = works_of(world.app, world.round_id)
    with world.app.app_context():
        round_ = db.session.get(Round, world.round_id)
        round_.works_due_at = utcnow()  # after the first team's works, before this upload
        db.session.commit()
    late_plan.locator("input[type=file]").set_input_files(tmp_path / "plan.pdf")
    late_plan.locator("button[type=submit]").click()
    refusal = late_plan.locator("[data-work-error]")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("The deadline for 函评 Paper review passed on")
    expect(refusal).to_contain_text(local_deadline(world.app, world.round_id))
    assert works_of(world.app, world.round_id) == before  # nothing new stored

    # … and in Chinese, once the page comes back: the form is gone and the panel says why.
    late.click("text=中文")  # back to the same page, in Chinese
    expect(late.locator("html")).to_have_attribute("lang", "zh-Hans")
    zh_panel = late.locator(f"[data-works-round='{world.round_id}']")
    expect(zh_panel.locator("h2")).to_have_text("函评 Paper review 的作品")
    expect(zh_panel.locator("[data-works-closed]")).to_have_text("截止时间已过，不能再提交。")
    expect(zh_panel.locator("[data-work-key=plan] [data-work-missing]")).to_have_text("尚未提交。")
    expect(zh_panel.locator("input[type=file]")).to_have_count(0)
    late.context.close()

    # The organizer sees the second team missing its plan, and reminds its captain.
    organizer = browser.new_context(locale="en-US").new_page()
    organizer.on("dialog", lambda dialog: dialog.accept())
    sign_in(organizer, base)
    organizer.goto(f"{base}/rounds/{world.round_id}")
    organizer.click("[data-round-works]")
    expect(organizer.locator("[data-missing-count]")).to_have_text("1 team is missing a required item.")
    first_row = organizer.locator(f"tr[data-team-row='{world.team_numbers[0]}']")
    expect(first_row.locator("a", has_text="plan.pdf")).to_be_visible()
    expect(first_row.locator("a", has_text="Link")).to_have_attribute("rel", "noopener noreferrer")
    organizer.click("[data-missing-filter]")
    second_row = organizer.locator(f"tr[data-team-row='{world.team_numbers[1]}']")
    expect(second_row.locator("[data-missing-item]")).to_have_text(["Missing", "—"])  # the plan; the store link is optional
    expect(second_row.locator("[data-missing-total]")).to_have_text("1")
    expect(organizer.locator(f"tr[data-team-row='{world.team_numbers[0]}']")).to_have_count(0)
    mails_before = len(outbox(world.app))
    organizer.click("button:has-text('Remind those missing')")
    expect(organizer.locator(".flash-success")).to_have_text("Reminded 1 team.")
    reminders = outbox(world.app)[mails_before:]
    [reminder] = reminders  # one mail, to the second team's account holder and its captain
    assert SECOND_CAPTAIN in reminder["To"] and "captain@demo.laurel" not in reminder["To"]
    assert "Business plan" in reminder.get_body(("plain",)).get_content()

    # The organizer opens the round for scoring.
    organizer.get_by_role("link", name="Round", exact=True).click()
    organizer.click("button[value=open]")
    expect(organizer.locator(".flash-success")).to_have_text(re.compile("The round is now open", re.IGNORECASE))
    organizer.context.close()

    # The judge opens the first team's sheet: the PDF beside it, the store link, then scores and submits.
    judge = browser.new_context(locale="en-US").new_page()
    judge.on("dialog", lambda dialog: dialog.accept())
    sign_in(judge, base, email="judge@demo.laurel")
    judge.click("nav.nav >> text=My sheets")
    judge.locator("[data-assignment] a").first.click()
    expect(judge).to_have_url(f"{base}/assignments/{world.assignment_id}/sheet")
    frame = judge.locator("[data-work-item=plan] iframe[data-work-pdf]")
    expect(frame).to_have_attribute("src", re.compile(r"^/works/\d+/file$"))
    served_file = judge.request.get(f"{base}{frame.get_attribute('src')}")  # with the judge's session cookie
    assert served_file.status == 200
    assert served_file.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(served_file.body()).hexdigest() == sha256
    link = judge.locator("[data-work-item=store] a[data-work-link]")
    expect(link).to_have_attribute("href", STORE_URL)
    expect(link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))

    for index, value in enumerate(SCORES):
        judge.locator("input.score-input").nth(index).fill(value)
    expect(judge.locator("[data-total]")).to_have_text("85")
    judge.click("input[type=submit][value='Submit scores']")
    expect(judge.locator("[data-progress-summary]")).to_contain_text("1 of 1 submitted")
    judge.goto(f"{base}/assignments/{world.assignment_id}/sheet")
    expect(judge.locator("[data-sheet-status]")).to_have_text("Submitted")
    judge.context.close()

    with world.app.app_context():
        opened = db.session.scalars(
            select(WorkOpen.user_id).join(Work, Work.id == WorkOpen.work_id).where(Work.team_id == world.team_ids[0])
        ).all()
    assert world.judge_id in opened


def local_deadline(app: Flask, round_id: int) -> str:
    """The round's deadline as the pages write it (the contest's time zone)."""
    from app.templating import local_time

    with app.app_context():
        round_ = db.session.get(Round, round_id)
        return local_time(round_.works_due_at, round_.contest.timezone)
