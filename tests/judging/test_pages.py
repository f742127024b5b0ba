"""Judging pages without JavaScript: the judge's dashboard and sheet, the round page, progress."""

import re

from sqlalchemy import func, select

from app.extensions import db
from app.judging.services import add_judges
from app.models import Assignment, Entry, JudgeProfile, utcnow

FULL = {"practical": "12", "product": "13.5", "market": "14", "marketing": "10", "delivery": "18", "overall": "17.5"}


def form(version="1", **scores):
    return {"version": version, **{f"score_{key}": value for key, value in scores.items()}}


def test_the_dashboard_shows_progress_and_filters(client, login_as, scoring):
    login_as(user=scoring["judge"])
    page = client.get("/judge").get_data(as_text=True)
    assert "0 of 2 submitted" in page and page.count("data-assignment=") == 2
    first = scoring["assignments"][0]
    client.post(f"/assignments/{first.id}/sheet", data={**form("0", **FULL), "submit_sheet": "Submit scores"})
    page = client.get("/judge").get_data(as_text=True)
    assert "1 of 2 submitted" in page
    assert client.get("/judge?state=submitted").get_data(as_text=True).count("data-assignment=") == 1
    assert client.get("/judge?state=not_started").get_data(as_text=True).count("data-assignment=") == 1


def test_a_blind_round_shows_its_judges_each_team_by_its_code_only(client, login_as, scoring):
    """The number would lead back to the team through an earlier round's public results; the title and the
    college tell it outright."""
    team, assignment = scoring["teams"][0], scoring["assignments"][0]
    code = db.session.scalar(select(Entry.code).where(Entry.round_id == scoring["round"].id, Entry.team_id == team.id))
    assert re.fullmatch(rf"R{scoring['round'].id}-[2-9A-HJKMNP-Z]{{4}}", code)
    login_as(user=scoring["judge"])
    for page in (client.get(f"/assignments/{assignment.id}/sheet"), client.get("/judge")):
        text = page.get_data(as_text=True)
        assert code in text
        for secret in (team.number, team.name, team.project_title, team.college.name):
            assert secret not in text
    page = client.get(f"/assignments/{assignment.id}/sheet").get_data(as_text=True)
    assert "0–20, step 0.5" in page and "E+" not in page  # maxima as people write them
    login_as("organizer")  # organizers see everything, and the code
    page = client.get(f"/assignments/{assignment.id}/sheet").get_data(as_text=True)
    assert all(fact in page for fact in (code, team.number, team.name, team.project_title, team.college.name))


def test_mistakes_show_at_their_item_and_nothing_is_saved(client, login_as, scoring):
    login_as(user=scoring["judge"])
    url = f"/assignments/{scoring['assignments'][0].id}/sheet"
    page = client.post(url, data={**form("0", **{**FULL, "market": "16", "delivery": "x"}), "save": "Save draft"}).get_data(
        as_text=True
    )
    assert "Enter a score from 0 to 15." in page and "Enter a number with the digits 0-9, such as 12.5." in page
    assert 'value="16"' in page  # what was typed stays
    page = client.post(url, data={**form("0", practical="12"), "submit_sheet": "Submit scores"}).get_data(as_text=True)
    assert page.count("Fill in every item before submitting.") == 5


def test_a_stale_page_is_sent_back_to_reload(client, login_as, scoring):
    login_as(user=scoring["judge"])
    url = f"/assignments/{scoring['assignments'][0].id}/sheet"
    client.post(url, data={**form("0", practical="12"), "save": "Save draft"})
    response = client.post(url, data={**form("0", practical="3"), "save": "Save draft"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "saved elsewhere since you opened it" in page and 'value="12"' in page


def test_another_judge_gets_403_on_the_sheet(client, login_as, make_user, scoring):
    login_as("judge", contest_id=scoring["round"].contest_id)
    assert client.get(f"/assignments/{scoring['assignments'][0].id}/sheet").status_code == 403


def test_round_page_adds_teams_and_judges_assigns_and_closes(
    client, login_as, make_contest, make_college, make_team, make_round, make_user
):
    contest = make_contest()
    for _ in range(4):
        make_team(contest, make_college()).status = "approved"
    judges = [make_user("judge", contest_id=contest.id) for _ in range(3)]
    for judge in judges:
        db.session.add(JudgeProfile(user_id=judge.id, province="上海市"))
    round_ = make_round(contest, judges_per_team=2)
    login_as("organizer")
    url = f"/rounds/{round_.id}"
    assert "4 approved teams added." in client.post(url, data={"action": "entries"}, follow_redirects=True).get_data(as_text=True)
    assert "3 judges added." in client.post(url, data={"action": "judges"}, follow_redirects=True).get_data(as_text=True)
    page = client.post(
        url, data={"assign-seed": "1", "assign-avoid_same_province": "0", "assign-submit": "go"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "8 assignments made; 0 teams could not be covered." in page
    assert db.session.scalar(select(func.count(Assignment.id))) == 8
    assert "is now open" in client.post(url, data={"action": "open"}, follow_redirects=True).get_data(as_text=True)
    progress = client.get(f"/rounds/{round_.id}/progress").get_data(as_text=True)
    assert "0 of 8 sheets submitted" in progress and "Judges to remind" in progress
    assert "is now closed" in client.post(url, data={"action": "closed"}, follow_redirects=True).get_data(as_text=True)


def criteria_rows(*rows):
    data = {}
    for index, (key, name, maximum) in enumerate(rows):
        data.update(
            {
                f"criteria-{index}-key": key,
                f"criteria-{index}-name": name,
                f"criteria-{index}-max": maximum,
                f"criteria-{index}-weight": "1",
                f"criteria-{index}-step": "0.5",
            }
        )
    return data


def test_the_criteria_editor_creates_and_edits_a_round(client, login_as, make_contest):
    contest = make_contest()
    login_as("organizer")
    data = {
        "name": "全国总决赛",
        "level": "national",
        "grouping": "none",
        "judges_per_team": "5",
        "method": "mean",
        "trim": "1",
        "decimals": "2",
        "tie_breaks": "raw_sum, criterion:innovation",
        **criteria_rows(("innovation", "创新", "20"), ("idea", "创意", "20")),
        "criteria-2-key": "",
        "criteria-2-name": "",
        "criteria-2-max": "",  # an empty row between
        **{k.replace("criteria-0", "criteria-3"): v for k, v in criteria_rows(("pitch", "演讲", "20")).items()},
    }
    response = client.post(f"/contests/{contest.id}/rounds/new", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The round 全国总决赛 is created." in page and "pitch" in page
    from app.models import Round

    round_ = db.session.scalars(select(Round)).one()
    assert [c.key for c in round_.criteria] == ["innovation", "idea", "pitch"] and round_.tie_breaks == [
        "raw_sum",
        "criterion:innovation",
    ]
    bad = dict(data, **{"criteria-3-max": "19.7"})
    page = client.post(f"/rounds/{round_.id}/edit", data=bad).get_data(as_text=True)
    assert "is not a multiple of the step" in page
    assert page.rindex("is not a multiple of the step") > page.index('name="criteria-3-max"')  # at the row it belongs to
    assert (
        page.index("error-summary") < page.index("is not a multiple of the step") < page.index('name="criteria-0-key"')
    )  # and in the summary


def test_a_scored_round_keeps_its_sheet_but_other_settings_change(client, login_as, scoring):
    login_as(user=scoring["judge"])
    client.post(f"/assignments/{scoring['assignments'][0].id}/sheet", data={"version": "0", "score_practical": "10", "save": "x"})
    client.post("/logout")
    login_as("organizer")
    round_ = scoring["round"]
    edit = client.get(f"/rounds/{round_.id}/edit").get_data(as_text=True)
    assert "the score sheet is locked" in edit and "disabled" in edit
    response = client.post(
        f"/rounds/{round_.id}/edit",
        data={
            "name": "校赛（复评）",
            "level": "school",
            "grouping": "college",
            "judges_per_team": "1",
            "method": "median",
            "trim": "1",
            "decimals": "1",
        },
        follow_redirects=True,
    )
    assert "is saved" in response.get_data(as_text=True)
    db.session.refresh(round_)
    assert round_.name == "校赛（复评）" and round_.aggregation == "median" and len(round_.criteria) == 6


def test_organizer_assigns_by_hand_and_removes_an_unscored_assignment(client, login_as, scoring, make_user):
    round_ = scoring["round"]
    other = make_user("judge", contest_id=round_.contest_id)
    add_judges(round_, [other.id], actor=None, now=utcnow())
    db.session.commit()
    login_as("organizer")
    team = scoring["teams"][0]
    page = client.post(
        f"/rounds/{round_.id}",
        data={"manual-team_number": team.number.lower(), "manual-judge_id": str(other.id), "manual-submit": "Assign"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Judge assigned to {team.number}." in page
    added_id = db.session.scalar(select(Assignment.id).where(Assignment.judge_id == other.id))
    response = client.post(f"/assignments/{added_id}/history", data={"remove-submit": "x"}, follow_redirects=True)
    assert "The assignment is removed." in response.get_data(as_text=True)
    assert db.session.scalar(select(Assignment.id).where(Assignment.id == added_id)) is None


def test_a_judge_declares_a_conflict_with_a_college(client, login_as, make_college, scoring):
    college = make_college(code="4133010999", name="回避学院")
    login_as(user=scoring["judge"])
    page = client.post(
        "/judge/conflicts", data={"college": "回避学院 4133010999", "reason": "曾在该校任教"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Conflict declared" in page and "回避学院" in page and "曾在该校任教" in page
    page = client.post("/judge/conflicts", data={"team_number": "2099-XX-00001"}).get_data(as_text=True)
    assert "No team has this number." in page
    from app.models import Conflict

    assert db.session.scalar(select(Conflict.college_id)) == college.id


def test_progress_counts_each_judge_and_lists_the_teams_still_missing_sheets(client, login_as, scoring, monkeypatch):
    from app.judging import queries

    login_as(user=scoring["judge"])
    first, second = scoring["assignments"]
    client.post(f"/assignments/{first.id}/sheet", data={**form("0", **FULL), "submit_sheet": "Submit scores"})
    client.post(f"/assignments/{second.id}/sheet", data={**form("0", practical="10"), "save_draft": "Save draft"})
    login_as("organizer")
    page = client.get(f"/rounds/{scoring['round'].id}/progress").get_data(as_text=True)
    judge_row = page.split(f"<td>{scoring['judge'].name}</td>", 1)[1].split("</tr>", 1)[0]
    assert judge_row == "<td>2</td><td>1</td><td>1</td>"  # assigned, draft, submitted
    missing = page.split("Teams still missing sheets", 1)[1]
    assert "(1)" in missing and scoring["teams"][1].number in missing and scoring["teams"][0].number not in missing
    monkeypatch.setattr(queries, "MISSING_SHOWN", 0)
    page = client.get(f"/rounds/{scoring['round'].id}/progress").get_data(as_text=True)
    assert "(1)" in page.split("Teams still missing sheets", 1)[1] and "The first 0 by number." in page


def test_a_sheet_form_posted_without_its_version_saves_nothing(client, login_as, scoring):
    login_as(user=scoring["judge"])
    url = f"/assignments/{scoring['assignments'][0].id}/sheet"
    client.post(url, data={**form("0", practical="12"), "save": "Save draft"})
    response = client.post(url, data={"score_practical": "3", "save": "Save draft"})
    assert response.status_code == 422 and "Reload the sheet" in response.get_data(as_text=True)
    assert 'value="12"' in client.get(url).get_data(as_text=True)


def test_the_round_form_lets_only_a_school_round_use_its_college_s_own_judges(client, login_as, make_contest):
    from html import unescape

    from app.models import Round

    contest = make_contest()
    login_as("organizer")
    page = unescape(client.get(f"/contests/{contest.id}/rounds/new").get_data(as_text=True))
    assert "Let the college's own teachers judge its teams" in page
    data = {
        "name": "校赛",
        "level": "provincial",
        "grouping": "none",
        "judges_per_team": "3",
        "method": "mean",
        "own_college_judges": "y",
        "criteria-0-key": "overall",
        "criteria-0-name": "总体评价",
        "criteria-0-max": "100",
        "criteria-0-weight": "1",
        "criteria-0-step": "1",
    }
    refused = client.post(f"/contests/{contest.id}/rounds/new", data=data)
    assert refused.status_code == 422
    assert "Only a school round may let a college's own judges score its teams." in unescape(refused.get_data(as_text=True))
    created = client.post(f"/contests/{contest.id}/rounds/new", data={**data, "level": "school"}, follow_redirects=True)
    assert "is created" in created.get_data(as_text=True)
    round_ = db.session.scalar(select(Round))
    assert round_.own_college_conflict is False
    edit = client.get(f"/rounds/{round_.id}/edit").get_data(as_text=True)
    assert '<input checked id="own_college_judges"' in edit  # the edit form shows the setting as saved
    client.get("/language/zh")
    assert "允许本校教师评审本校团队" in client.get(f"/rounds/{round_.id}/edit").get_data(as_text=True)
