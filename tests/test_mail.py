"""Mail about a contest speaks both languages, the contest's own first: subject and body alike."""

from app.extensions import db
from app.models import utcnow
from app.registration.review import review_team
from tests.conftest import outbox


def test_an_english_contest_mails_english_first_and_a_chinese_one_chinese_first(app, make_contest, make_team):
    english, chinese = make_contest(language="en"), make_contest(language="zh")
    for contest in (english, chinese):
        make_team(contest)
    (to_english, to_chinese) = outbox(app)
    assert to_english["Subject"].endswith(" Registration submitted 报名已提交")
    assert to_chinese["Subject"].endswith(" 报名已提交 Registration submitted")
    first_line = [message.get_content().splitlines()[0] for message in (to_english, to_chinese)]
    assert first_line[0].startswith("Team ") and "is registered and waits for its college's review." in first_line[0]
    assert first_line[1].startswith("团队「") and first_line[1].endswith("等待学校审核。")


def test_a_decision_with_a_reason_keeps_each_language_s_lines_together(app, make_contest, make_team):
    team = make_team(make_contest(language="en"))
    review_team(team, "reject", "材料不全 Missing papers", actor=None, now=utcnow())
    db.session.commit()
    rejected = outbox(app)[-1]
    assert rejected["Subject"].endswith(" Not approved 未通过审核")
    assert rejected.get_content().splitlines() == [
        f"Team {team.name} ({team.number}) was not approved. Reason: 材料不全 Missing papers",
        "Please edit the team and submit it again.",
        f"团队「{team.name}」（{team.number}）未通过审核。原因：材料不全 Missing papers",
        "请修改后重新提交。",
    ]
