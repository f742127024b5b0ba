"""What the judge's sheet page and the sheet's history say of a sheet: its state, its item checks, its
events in words."""

import re
from pathlib import Path

from app.audit import ACTION_LABELS
from app.extensions import db
from app.judging.services import transition_round
from app.models import utcnow
from tests.judging.test_pages import FULL, form


def badge(page: str) -> str:
    return re.search(r"data-sheet-status>([^<]*)<", page).group(1)


def test_the_badge_says_not_started_until_a_save_exists_then_draft_then_submitted(client, login_as, scoring):
    login_as(user=scoring["judge"])
    url = f"/assignments/{scoring['assignments'][0].id}/sheet"
    assert badge(client.get(url).get_data(as_text=True)) == "Not started"
    client.post(url, data={**form("0", practical="12"), "save": "Save draft"})
    assert badge(client.get(url).get_data(as_text=True)) == "Draft"
    client.post(url, data={**form("1", **FULL), "submit_sheet": "Submit scores"})
    assert badge(client.get(url).get_data(as_text=True)) == "Submitted"


def test_each_item_carries_the_servers_own_messages_for_the_live_check(client, login_as, scoring):
    """The sheet's script marks a wrong value with these words, the ones a save would answer with."""
    login_as(user=scoring["judge"])
    page = client.get(f"/assignments/{scoring['assignments'][0].id}/sheet").get_data(as_text=True)
    assert 'data-range-message="Enter a score from 0 to 15."' in page
    assert 'data-step-message="Scores go in steps of 0.5."' in page
    assert 'data-number-message="Enter a number with the digits 0-9, such as 12.5."' in page
    assert page.count("data-live-error hidden") == 6


def test_the_history_names_each_event_in_words(client, login_as, scoring):
    assignment = scoring["assignments"][0]
    login_as(user=scoring["judge"])
    url = f"/assignments/{assignment.id}/sheet"
    client.post(url, data={**form("0", practical="12"), "save": "Save draft"})
    client.post(url, data={**form("1", **FULL), "submit_sheet": "Submit scores"})
    login_as("organizer")
    page = client.get(f"/assignments/{assignment.id}/history").get_data(as_text=True)
    assert "Draft saved" in page and "Scores submitted" in page
    assert "sheet.save" not in page and "sheet.submit" not in page
    chinese = client.get(f"/assignments/{assignment.id}/history", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "提交评分" in chinese and "sheet.submit" not in chinese


def test_the_team_page_history_names_each_event_in_words(client, login_as, make_contest, make_team):
    contest = make_contest()
    captain = login_as("captain")
    team = make_team(contest, owner=captain)
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    history = page.split('class="history"', 1)[1]
    assert "Team registered" in history and "team.register" not in history
    chinese = client.get(f"/teams/{team.id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "团队报名" in chinese.split('class="history"', 1)[1]


def test_every_action_the_code_records_has_a_label():
    """A new action without a label would show its code to people again."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in Path("app").rglob("*.py"))
    recorded = set(re.findall(r'(?:action=|"action": )"([a-z_]+\.[a-z_]+)"', source))
    recorded |= {f"round.{status}" for status in ("open", "closed")} | {"team.approve", "team.reject"}  # built from values
    assert len(recorded) > 30
    assert recorded <= set(ACTION_LABELS), recorded - set(ACTION_LABELS)


def test_a_sheet_of_a_closed_round_names_the_status_in_the_readers_language(client, login_as, scoring):
    transition_round(scoring["round"], "closed", actor=None, now=utcnow())
    db.session.commit()
    login_as(user=scoring["judge"])
    url = f"/assignments/{scoring['assignments'][0].id}/sheet"
    assert "The round is closed." in client.get(url).get_data(as_text=True)
    assert "轮次当前状态为 已关闭。" in client.get(url, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
