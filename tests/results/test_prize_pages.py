"""What awards carry, as people see it: the Awards page's amounts and totals per currency in the reader's
language, the public prize list, the workbook's Amount columns, and the budget on the contest form."""

import io
import re

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import Contest

GRANTS = [
    {"key": "first", "count": 1, "amount": "1000000", "currency": "CNY", "description": "programme delivery"},
    {"key": "second", "count": 2, "amount": "250000.50", "currency": "CNY", "description": "talent matching"},
]


@pytest.fixture
def granted(client, scored_round, make_user, token_for, login_as):
    """Three teams scoring 95, 90, 85, each given a grant in a Chinese contest; the organizer signed in on the
    pages too."""
    built = scored_round([[95], [90], [85]], language="zh")
    organizer = make_user("organizer")
    headers = token_for(organizer)
    api = f"/api/v1/rounds/{built['round'].id}"
    client.post(f"{api}/results", json={}, headers=headers)
    assert client.post(f"{api}/awards", json={"tiers": GRANTS}, headers=headers).status_code == 200
    login_as(user=organizer)
    return {**built, "headers": headers, "api": api, "page": f"/rounds/{built['round'].id}/awards"}


def text(response):
    return response.get_data(as_text=True)


def amounts_on(page):
    return re.findall(r'<td class="num amount">([^<]*)</td>', page)


def test_the_awards_page_shows_each_amount_and_the_total_in_the_reader_s_language(client, granted):
    client.get("/language/en")
    english = text(client.get(granted["page"]))
    assert amounts_on(english) == ["CN¥1,000,000.00", "CN¥250,000.50", "CN¥250,000.50", "CN¥1,500,001.00"]
    assert "programme delivery" in english and "What the winner receives" in english
    client.get("/language/zh")
    chinese = text(client.get(granted["page"]))
    assert amounts_on(chinese)[-1] == "¥1,500,001.00" and "合计" in chinese and "奖励内容" in chinese


def test_giving_the_awards_again_from_the_page_keeps_what_they_carry(client, granted):
    response = client.post(granted["page"], data={"count_first": "2", "count_second": "1", "confirm": "1"})
    assert response.status_code == 302
    client.get("/language/en")
    assert amounts_on(text(client.get(granted["page"]))) == [
        "CN¥1,000,000.00",
        "CN¥1,000,000.00",
        "CN¥250,000.50",
        "CN¥2,250,000.50",
    ]


def test_awards_without_amounts_show_no_amount_column(client, scored_round, login_as):
    built = scored_round([[95], [90]])
    login_as("organizer")
    base = f"/rounds/{built['round'].id}"
    client.post(f"{base}/results", data={"compute-compute": "1"})
    client.post(f"{base}/awards", data={"count_first": 1, "confirm": "1"})
    client.get("/language/en")
    page = text(client.get(f"{base}/awards"))
    assert "Awards given" in page and '<th class="num">Amount</th>' not in page and not amounts_on(page)
    assert page.count("data-award-form") == 1  # where a recipient may still be given an amount of their own


def test_the_public_prize_list_shows_the_amounts(client, granted):
    client.post(f"{granted['api']}/publish", json={}, headers=granted["headers"])
    client.post("/logout")
    client.get("/language/en")
    public = text(client.get(f"/results/rounds/{granted['round'].id}"))
    assert amounts_on(public) == ["CN¥1,000,000.00", "CN¥250,000.50", "CN¥250,000.50"]
    assert "talent matching" in public


def test_the_workbook_s_prize_list_reads_back_the_amounts_currency_and_reward(client, granted):
    response = client.get(f"{granted['api']}/export.xlsx", headers=granted["headers"])
    sheet = load_workbook(io.BytesIO(response.data))["获奖名单 Awards"]
    header = [cell.value for cell in sheet[1]]
    assert header[-5:] == ["奖项 Prize", "奖金 Amount", "币种 Currency", "奖励内容 Reward", "国家/地区 Country"]
    lines = [row[-4:-1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert lines == [
        (1000000, "CNY", "programme delivery"),
        (250000.5, "CNY", "talent matching"),
        (250000.5, "CNY", "talent matching"),
    ]
    assert sheet.cell(row=2, column=len(header) - 3).number_format == "#,##0.00"


def test_a_workbook_without_amounts_keeps_the_official_columns(client, scored_round, make_user, token_for):
    built = scored_round([[95], [90]], language="zh")
    headers = token_for(make_user("organizer"))
    api = f"/api/v1/rounds/{built['round'].id}"
    client.post(f"{api}/results", json={}, headers=headers)
    client.post(f"{api}/awards", json={"tiers": [{"key": "first", "count": 1}]}, headers=headers)
    sheet = load_workbook(io.BytesIO(client.get(f"{api}/export.xlsx", headers=headers).data))["获奖名单 Awards"]
    assert [cell.value for cell in sheet[1]][-2:] == ["奖项 Prize", "国家/地区 Country"]


def test_the_contest_form_sets_the_budget_and_names_a_wrong_currency(client, make_contest, login_as):
    contest = make_contest()
    login_as("organizer")
    client.get("/language/en")
    data = {
        "name": contest.name,
        "year": str(contest.year),
        "timezone": "Asia/Shanghai",
        "registration_opens_at": "2026-03-01T09:00",
        "registration_closes_at": "2026-04-30T17:00",
        **{
            f"tracks-{index}-{key}": getattr(track, key)
            for index, track in enumerate(contest.tracks)
            for key in ("code", "name", "kind")
        },
    }
    wrong = text(
        client.post(f"/contests/{contest.id}/edit", data={**data, "budget-amount": "6100000", "budget-currency": "YUAN"})
    )
    assert "Unknown currency YUAN: give an ISO 4217 code such as CNY or USD." in wrong
    saved = client.post(f"/contests/{contest.id}/edit", data={**data, "budget-amount": "6100000", "budget-currency": "cny"})
    assert saved.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Contest, contest.id)
    assert (str(stored.budget_amount), stored.budget_currency) == ("6100000.00", "CNY")
    assert 'value="6100000.00"' in text(client.get(f"/contests/{contest.id}/edit"))


def test_one_recipients_own_amount_is_changed_on_the_awards_page(client, granted):
    from sqlalchemy import select

    from app.models import AuditEvent, Award

    client.get("/language/en")
    page = text(client.get(granted["page"]))
    assert page.count("data-award-form") == 3  # one form per recipient while the round is not published
    award = db.session.scalars(select(Award).where(Award.tier == "second").order_by(Award.id)).first()
    response = client.post(
        f"/awards/{award.id}", data={"amount": "320000", "currency": "cny", "description": "", "reason": "larger project"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(granted["page"])
    page = text(client.get(granted["page"]))
    assert "is saved." in page
    assert amounts_on(page) == ["CN¥1,000,000.00", "CN¥320,000.00", "CN¥250,000.50", "CN¥1,570,000.50"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "award.update")).one()
    assert event.reason == "larger project" and event.after["amount"] == "320000.00"


def test_a_refused_amount_is_said_and_nothing_changes(client, granted):
    from sqlalchemy import select

    from app.models import Award

    award = db.session.scalars(select(Award).where(Award.tier == "first")).one()
    client.get("/language/en")
    page = text(client.post(f"/awards/{award.id}", data={"amount": "-5", "currency": "CNY"}, follow_redirects=True))
    assert "The award cannot be changed; check the marked fields." in page and "is saved." not in page
    db.session.refresh(award)
    assert str(award.amount) == "1000000.00"
