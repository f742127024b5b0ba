"""In a real browser, the public notice (公示) from publication to a revoked certificate: the organizer publishes
with five working days across National Day, a captain objects with a PDF, the organizer answers and the captain
reads the answer (and gets it by mail), the organizer finalizes, the captain downloads the team's certificate,
its QR code's page says it is valid, the organizer revokes it with a reason, and the page says so."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.jobs.queue import job_queue
from app.models import types
from tests.conftest import make_test_app, outbox, served, team_input
from tests.e2e.test_foundation import sign_in
from tests.e2e.test_works import small_pdf

pytestmark = pytest.mark.e2e
SHANGHAI = ZoneInfo("Asia/Shanghai")
CAPTAIN = "captain@demo.laurel"
REPLY = "复核后第二名的分数有一处录入错误，已更正；名次不变。 One score was mistyped; the ranking stands."
REVOKE_REASON = "作品抄袭，经查属实 The work was found to be copied"


def shanghai(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI).astimezone(UTC)


class StoryClock:
    """The app's clock set to a day of the story, and running on from there.

    Every service reads the time from `app.models.types.utcnow` (the pages pass it down as `now`), which asks
    that module's `datetime`; the served app runs in this process, so shifting that one name moves the app's
    days and nothing else: the browser, the session cookies and the CSRF tokens keep the real time.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.offset = timedelta(0)
        clock = self

        class ShiftedDatetime(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + clock.offset

        monkeypatch.setattr(types, "datetime", ShiftedDatetime)

    def set(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(UTC)


@dataclass
class NoticeWorld:
    app: Flask
    base: str
    clock: StoryClock
    round_id: int
    team_ids: list[int]
    team_numbers: list[str]


@pytest.fixture
def notice_server(tmp_path, monkeypatch) -> Iterator[NoticeWorld]:
    """The demo, its captain's team and two others in a closed final scored 90, 80 and 70 by the demo judge,
    the results computed and a first and a second prize given, on Friday 26 September 2025 (Shanghai)."""
    from app.demo import load_demo
    from app.judging.assignments import assign_judge
    from app.judging.services import add_entries, add_judges, create_round, transition_round
    from app.judging.sheets import save_sheet
    from app.models import College, User
    from app.registration.review import review_team
    from app.registration.services import register_team
    from app.results.awards import assign_awards, award_rule_input
    from app.results.services import compute_round_results

    clock = StoryClock(monkeypatch)
    app = make_test_app(f"sqlite:///{tmp_path / 'e2e.db'}", str(tmp_path / "instance"), WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    with app.app_context():
        now = shanghai(2025, 9, 26)
        db.create_all()
        contest = load_demo(now=now)
        college = db.session.scalar(select(College).where(College.code == "4111010001"))
        captain = db.session.scalar(select(User).where(User.email == CAPTAIN))
        judge = db.session.scalar(select(User).where(User.email == "judge@demo.laurel"))
        teams = []
        for index in range(3):
            team = register_team(contest, team_input(college.id, prefix=f"N{index}"), actor=captain, now=now)
            team.owner_id = captain.id if index == 1 else None  # the captain's team is the second prize
            review_team(team, "approve", None, actor=None, now=now)
            teams.append(team)
        round_ = create_round(
            contest,
            {
                "name": "全国总决赛 National final",
                "level": "national",
                "judges_per_team": 1,
                "criteria": [{"key": "overall", "name": "总体评价", "max": 100, "step": 0.5}],
            },
            actor=None,
            now=now,
        )
        add_entries(round_, team_ids=[team.id for team in teams], actor=None, now=now)
        add_judges(round_, [judge.id], actor=None, now=now)
        transition_round(round_, "open", actor=None, now=now)
        for score, team in zip((90, 80, 70), teams, strict=True):
            assignment = assign_judge(round_, team.id, judge.id, reason=None, actor=None, now=now)
            save_sheet(assignment, {"overall": score}, comment=None, submit=True, version=0, actor=judge, now=now)
        transition_round(round_, "closed", actor=None, now=now)
        compute_round_results(round_, confirm=False, actor=None, now=now)
        tiers = [{"key": "first", "count": 1}, {"key": "second", "count": 1}]
        assign_awards(round_, award_rule_input(round_, tiers), actor=None, now=now)
        db.session.commit()
        world = NoticeWorld(app, "", clock, round_.id, [t.id for t in teams], [t.number for t in teams])
    with served(app) as base:
        world.base = base
        yield world


def signed_in(browser, base: str, email: str = "organizer@demo.laurel"):
    page = browser.new_context(locale="en-US").new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the buttons' "are you sure?"
    sign_in(page, base, email=email)
    return page


def test_the_notice_from_publication_to_a_revoked_certificate(notice_server, browser, tmp_path):
    world, base = notice_server, notice_server.base
    captains_team = world.team_numbers[1]

    # Monday 29 September 2025: five working days from today end on Saturday 11 October, a working day made up
    # for National Day (1 to 8 October off); five calendar days would have ended on 3 October.
    world.clock.set(shanghai(2025, 9, 29))
    organizer = signed_in(browser, base)
    organizer.goto(f"{base}/rounds/{world.round_id}/results")
    expect(organizer.locator("input[name=publish-notice]")).to_be_checked()
    organizer.fill("input[name=publish-notice_days]", "5")
    organizer.select_option("select[name=publish-notice_calendar]", "cn_workdays")
    organizer.fill("input[name=publish-notice_starts_on]", "2025-09-29")
    organizer.click("input[type=submit][value='Publish']")
    expect(organizer.locator(".flash-success")).to_have_text("The results are published.")
    notice = organizer.locator("section.notice")
    expect(notice).to_have_attribute("data-notice-state", "open")
    expect(notice).to_contain_text("From 2025-09-29 to 2025-10-11 (5 working days).")
    # Each team is told its result by a job after the commit; the organizer's page counts what was sent.
    job_queue(world.app).drain()
    told = [mail for mail in outbox(world.app) if "结果公示" in mail["Subject"]]
    assert len(told) == 3 and all("公示期：2025-09-29 至 2025-10-11" in mail.get_content() for mail in told)
    organizer.goto(f"{base}/rounds/{world.round_id}/result-mails")
    expect(organizer.locator("tr[data-occasion=published] td[data-state=sent]")).to_have_text("3")

    # Thursday 2 October, a holiday within the notice: the captain objects to the first prize, with a PDF.
    world.clock.set(shanghai(2025, 10, 2))
    (tmp_path / "scores.pdf").write_bytes(small_pdf())
    captain = signed_in(browser, base, CAPTAIN)
    captain.goto(f"{base}/results/rounds/{world.round_id}")
    expect(captain.locator("section.notice")).to_contain_text("Open for objections")
    captain.click("text=Raise an objection")
    captain.select_option("select[name=team_id]", str(world.team_ids[0]))
    captain.fill("textarea[name=reason]", "第一名的第二项分数与评分表不符 The first team's score differs from its sheet")
    captain.locator("input[name=files]").set_input_files(tmp_path / "scores.pdf")
    captain.click("input[type=submit][value='Send the objection']")
    expect(captain.locator(".flash-success")).to_have_text("Your objection is sent. The organizers will answer it here.")
    objection_url = captain.url
    expect(captain.locator("section.objection")).to_contain_text("Waiting for an answer")
    expect(captain.locator("section.objection a", has_text="scores.pdf")).to_be_visible()

    # The organizer finds it in the queue of objections waiting, reads the evidence and answers.
    world.clock.set(shanghai(2025, 10, 9))
    organizer.goto(f"{base}/rounds/{world.round_id}/objections?state=open")
    waiting = organizer.locator("table.objections tr[data-state=open]")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(world.team_numbers[0])
    expect(waiting).to_contain_text("Waiting for an answer")
    waiting.locator("a").click()
    evidence = organizer.locator("section.objection a", has_text="scores.pdf")
    served_file = organizer.request.get(f"{base}{evidence.get_attribute('href')}")
    assert served_file.status == 200 and served_file.body() == small_pdf()
    organizer.select_option("select[name=answer-decision]", "partly_upheld")
    organizer.fill("textarea[name=answer-reply]", REPLY)
    mails_before = len(outbox(world.app))
    organizer.click("input[type=submit][value='Send the answer']")
    expect(organizer.locator(".flash-success")).to_have_text("The answer is sent to the objector.")

    # The captain reads the answer on the objection's page, and in the mail.
    captain.goto(objection_url)
    answer = captain.locator("section.answer")
    expect(answer.locator("h2")).to_have_text("Answer: Partly upheld")
    expect(answer.locator(".objection-reply")).to_have_text(REPLY)
    [mail] = outbox(world.app)[mails_before:]
    assert mail["To"] == CAPTAIN
    body = mail.get_body(("plain",)).get_content()
    assert REPLY in body and objection_url in body

    # … and in Chinese.
    captain.click("text=中文")
    expect(captain.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(captain.locator("section.answer h2")).to_have_text("答复: 部分成立")

    # Monday 13 October, the notice over and its objection answered: the organizer makes the results final.
    world.clock.set(shanghai(2025, 10, 13))
    organizer.goto(f"{base}/rounds/{world.round_id}/results")
    organizer.click("button:has-text('Finalize the results')")
    expect(organizer.locator(".flash-success")).to_have_text("The results are final.")
    expect(organizer.locator("section.notice")).to_have_attribute("data-notice-state", "final")

    # The captain downloads the team's certificate from its page: a PDF with its code and where to verify it.
    captain.goto(f"{base}/teams/{world.team_ids[1]}")
    certificates = captain.locator("[data-certificates]")
    with captain.expect_download() as download:
        certificates.locator("a[download]").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    code = re.search(r"/verify/([0-9A-Z]{10})", text).group(1)
    assert download.value.suggested_filename == f"certificate-{captains_team}-{code}.pdf"
    assert f"{code[:5]}-{code[5:]}" in text and "星火队N1" in text
    verify_url = f"{base}/verify/{code}"  # printed under the QR code, which is drawn from the same address
    assert verify_url in text

    # Whoever scans its QR code, signed in or not, reads that it is valid.
    phone = browser.new_context(locale="en-US").new_page()
    phone.goto(verify_url)
    expect(phone.locator("[data-verdict]")).to_have_attribute("data-verdict", "valid")
    expect(phone.locator("[data-verdict]")).to_contain_text("This certificate is valid.")
    expect(phone.locator("[data-entrant]")).to_have_text("星火队N1")

    # The organizer revokes it from the Awards page, with a reason; the same page now says so, and why.
    organizer.goto(f"{base}/rounds/{world.round_id}/awards")
    row = organizer.locator(f"table.certificates tr[data-code='{code}']")
    expect(row).to_contain_text("Valid")
    row.locator("summary", has_text="Revoke").click()
    row.locator("input[name=reason]").fill(REVOKE_REASON)
    row.locator("input[type=submit][value='Revoke the certificate']").click()
    expect(organizer.locator(".flash-success")).to_have_text(f"The certificate of {captains_team} is revoked.")
    expect(organizer.locator(f"table.certificates tr[data-code='{code}']")).to_contain_text(f"Revoked: {REVOKE_REASON}")

    phone.reload()
    expect(phone.locator("[data-verdict]")).to_have_attribute("data-verdict", "revoked")
    expect(phone.locator("[data-verdict]")).to_contain_text("This certificate was revoked.")
    expect(phone.locator("[data-reason]")).to_have_text(REVOKE_REASON)
    captain.goto(f"{base}/teams/{world.team_ids[1]}")
    expect(captain.locator("[data-certificates] a[download]")).to_have_count(0)  # not to be printed again
