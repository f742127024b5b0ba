"""The organizer's way forward from a round's page: how far scoring is while the round is open, what the
results say once it is closed, the next round to create from advancement, and the codes of the results
pages read as words, in English and in Chinese."""

import re

from app.extensions import db
from app.models import utcnow
from app.results.services import compute_round_results

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def text(response):
    return response.get_data(as_text=True)


def summary_of(page: str) -> str:
    return page.split('class="panel round-summary"')[1].split("</section>")[0]


def test_an_open_rounds_page_shows_how_far_the_judges_are(client, scored_round, login_as):
    built = scored_round([[80, None], [70, 60]], close=False)  # the second judge has one draft left
    login_as("organizer")
    summary = summary_of(text(client.get(f"/rounds/{built['round'].id}")))
    assert "3 of 4 sheets submitted" in summary
    assert "1 of 2 judges have submitted every sheet" in summary
    assert f'href="/rounds/{built["round"].id}/progress"' in summary


def test_a_closed_rounds_page_says_what_the_results_say_and_links_them(client, scored_round, login_as):
    built = scored_round([[90], [85], [85], [70]])
    login_as("organizer")
    round_url = f"/rounds/{built['round'].id}"
    before = summary_of(text(client.get(round_url)))
    assert "The results are not computed yet." in before and f'href="{round_url}/results"' in before
    compute_round_results(built["round"], confirm=False, actor=None, now=utcnow())
    db.session.commit()
    summary = summary_of(text(client.get(round_url)))
    assert (
        f'<a href="{round_url}/results">4 teams ranked</a>' in summary
        and "No awards yet." in summary
        and "No team has advanced yet." in summary
    )
    assert re.search(rf'<a href="{round_url}/results\?flag=tied">tied</a>: 2 teams', summary)
    for page in ("results", "results/judges", "awards", "advance"):
        assert f'href="{round_url}/{page}"' in summary


def test_round_pages_count_in_the_singular_and_name_the_rule_in_words(client, scored_round, login_as):
    built = scored_round([[90]])  # one judge per team, the mean, ranked over the whole round
    login_as("organizer")
    page = text(client.get(f"/rounds/{built['round'].id}"))
    assert "1 judge per team" in page and "1 judges" not in page and "1 teams" not in page
    assert "mean of the judges&#39; totals" in page and "Ranked within: the whole round" in page
    compute_round_results(built["round"], confirm=False, actor=None, now=utcnow())
    db.session.commit()
    results = text(client.get(f"/rounds/{built['round'].id}/results"))
    assert re.search(r"Computed .* for 1 team from 1 sheet</p>", results)
    assert "1 of 1 sheet submitted" in text(client.get(f"/rounds/{built['round'].id}/progress"))
    chinese = text(client.get(f"/contests/{built['contest'].id}/rounds", headers=ZH))
    assert "<td>校级</td>" in chinese and "<td>school</td>" not in chinese


def test_advancement_without_a_next_round_links_to_creating_it_prefilled(client, scored_round, login_as):
    built = scored_round([[90], [80]], level="school")
    login_as("organizer")
    compute_round_results(built["round"], confirm=False, actor=None, now=utcnow())
    db.session.commit()
    page = text(client.get(f"/rounds/{built['round'].id}/advance"))
    link = f"/contests/{built['contest'].id}/rounds/new?after={built['round'].id}"
    assert "Create the next round first" in page and f'href="{link}"' in page
    form = text(client.get(link))
    assert '<option selected value="provincial">' in form  # the level after a school round
    assert 'value="overall"' in form and 'value="总体评价"' in form  # its score sheet
    assert re.search(r'<input id="name" name="name" type="text" value="">', form)  # a name still to give


def test_the_results_page_in_chinese_shows_no_codes(client, scored_round, login_as):
    built = scored_round([[90, 80], [90, 80], [60, 20]], tie_breaks=["raw_sum"])
    login_as("organizer")
    client.post(f"/rounds/{built['round'].id}/results", data={"compute-compute": "1"})
    page = text(client.get(f"/rounds/{built['round'].id}/results", headers=ZH))
    assert "团队成绩：平均分（各评委总分的平均值）。同分时依次比较各评委总分之和，仍相同则由评审组决定。" in page
    assert "根据 6 份评分表计算了 3 个团队的成绩" in page
    assert "<code>mean</code>" not in page and "raw_sum" not in page
    assert '<option value="tie_at_cut">临界并列</option>' in page and '<option value="number">团队编号</option>' in page
    assert '<span class="badge flag" data-flag="disagreement">评委分歧大</span>' in page
    shown = re.sub(r"<[^>]+>", " ", page.split("<main")[1])  # the text people read, not attributes or values
    for code in ("tie_at_cut", "disagreement", "few_judges", "missing_sheets", "mean.", " rank "):
        assert code not in shown


def test_groups_are_named_by_their_college_not_its_id(client, scored_round, login_as, make_round):
    built = scored_round([[90], [90], [80]], colleges=[0, 0, 1], grouping="college")
    college = built["teams"][0].college
    login_as("organizer")
    progress = text(client.get(f"/rounds/{built['round'].id}/progress"))
    assert f"<tr><td>{college.name}</td><td>2</td>" in progress and f"<tr><td>{college.id}</td>" not in progress
    assert "· 3 teams</p>" in progress
    compute_round_results(built["round"], confirm=False, actor=None, now=utcnow())
    db.session.commit()
    target = make_round(built["contest"], name="省赛 Provincial")
    form = {"to_round_id": target.id, "top": 1, "per": "college", "ties": "flag", "preview": "1"}
    preview = text(client.post(f"/rounds/{built['round'].id}/advance", data=form))
    assert f"<li>{college.name}: 1 place left for" in preview
