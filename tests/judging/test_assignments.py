"""Assigning judges through the API: automatic, by hand, conflicts hard and soft, declared conflicts."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.judging.services import add_entries, add_judges
from app.models import Assignment, AuditEvent, JudgeProfile, utcnow
from tests.conftest import PASSWORD


@pytest.fixture
def national(client, make_contest, make_college, make_team, make_round, make_user, token_for):
    """Six approved teams from three colleges in two provinces, and six judges with their colleges."""
    contest = make_contest()
    zju, zjut = make_college(name="浙江大学", province="浙江省"), make_college(name="浙江工业大学", province="浙江省")
    pku = make_college(name="北京大学", province="北京市")
    teams = [make_team(contest, college) for college in (zju, zju, zjut, zjut, pku, pku)]
    for team in teams:
        team.status = "approved"
    judges = [make_user("judge", contest_id=contest.id) for _ in range(6)]
    homes = [(zju, "浙江省"), (zjut, "浙江省"), (pku, "北京市"), (None, "上海市"), (None, "广东省"), (None, "四川省")]
    for judge, (college, province) in zip(judges, homes, strict=True):
        db.session.add(JudgeProfile(user_id=judge.id, college_id=college.id if college else None, province=province))
    round_ = make_round(contest, judges_per_team=3)
    add_entries(round_, all_approved=True, actor=None, now=utcnow())
    add_judges(round_, [j.id for j in judges], actor=None, now=utcnow())
    db.session.commit()
    return {
        "contest": contest,
        "round": round_,
        "teams": teams,
        "judges": judges,
        "colleges": (zju, zjut, pku),
        "organizer": token_for(make_user("organizer")),
    }


def pairs():
    return {(a.team_id, a.judge_id) for a in db.session.scalars(select(Assignment))}


def test_auto_assign_gives_every_team_k_judges_outside_its_college(client, national):
    response = client.post(
        f"/api/v1/rounds/{national['round'].id}/assignments/auto", headers=national["organizer"], json={"seed": 7}
    )
    assert response.status_code == 200, response.json
    assert response.json["assigned"] == 18 and response.json["unassigned"] == []
    college_of_judge = {j.id: c.id for j, c in zip(national["judges"][:3], national["colleges"], strict=True)}
    by_team: dict[int, set[int]] = {}
    for team_id, judge_id in pairs():
        by_team.setdefault(team_id, set()).add(judge_id)
    for team in national["teams"]:
        assert len(by_team[team.id]) == 3
        assert all(college_of_judge.get(judge_id) != team.college_id for judge_id in by_team[team.id])
    loads = [sum(1 for _t, j in pairs() if j == judge.id) for judge in national["judges"]]
    assert max(loads) - min(loads) <= 1


def test_the_same_seed_gives_the_same_assignment(client, national, make_round):
    first = client.post(
        f"/api/v1/rounds/{national['round'].id}/assignments/auto", headers=national["organizer"], json={"seed": 3}
    )
    assert first.status_code == 200
    kept = pairs()
    db.session.query(Assignment).delete()
    db.session.commit()
    client.post(f"/api/v1/rounds/{national['round'].id}/assignments/auto", headers=national["organizer"], json={"seed": 3})
    assert pairs() == kept


def test_too_few_eligible_judges_lists_teams_and_assigns_them_nothing(client, national):
    response = client.post(
        f"/api/v1/rounds/{national['round'].id}/assignments/auto",
        headers=national["organizer"],
        json={"judges_per_team": 6, "seed": 1},
    )
    assert response.status_code == 200
    assert {u["team_id"] for u in response.json["unassigned"]} == {t.id for t in national["teams"]}
    assert {u["reason"] for u in response.json["unassigned"]} == {"too_few_eligible_judges"}
    assert pairs() == set()  # nothing half-assigned


def test_an_advisor_judge_never_scores_the_team_they_advise(client, national):
    """The fixture's teams have an advisor 王老师 with no email; give one the judge's name and email."""
    judge, team = national["judges"][4], national["teams"][0]
    advisor = team.advisors[0]
    advisor.name, advisor.email = judge.name, judge.email
    db.session.commit()
    client.post(f"/api/v1/rounds/{national['round'].id}/assignments/auto", headers=national["organizer"], json={"seed": 2})
    assert (team.id, judge.id) not in pairs()
    manual = client.post(
        f"/api/v1/rounds/{national['round'].id}/assignments",
        headers=national["organizer"],
        json={"team_id": team.id, "judge_id": judge.id, "reason": "人手不够"},
    )
    assert manual.status_code == 409 and manual.json["error"]["conflict"] == "advisor"


def test_manual_assignment_hard_and_soft_conflicts(client, national):
    url = f"/api/v1/rounds/{national['round'].id}/assignments"
    zju_team, zju_judge, zjut_judge = national["teams"][0], national["judges"][0], national["judges"][1]
    own = client.post(url, headers=national["organizer"], json={"team_id": zju_team.id, "judge_id": zju_judge.id, "reason": "x"})
    assert own.status_code == 409 and own.json["error"]["conflict"] == "own_college"
    soft = client.post(url, headers=national["organizer"], json={"team_id": zju_team.id, "judge_id": zjut_judge.id})
    assert soft.status_code == 422 and "reason" in soft.json["error"]["fields"]
    kept = client.post(
        url,
        headers=national["organizer"],
        json={"team_id": zju_team.id, "judge_id": zjut_judge.id, "reason": "同省但不同校，专家领域对口"},
    )
    assert kept.status_code == 201 and kept.json["manual"] is True
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assignment.create")).one()
    assert event.reason == "同省但不同校，专家领域对口" and event.after["conflict"] == "same_province"
    again = client.post(
        url, headers=national["organizer"], json={"team_id": zju_team.id, "judge_id": zjut_judge.id, "reason": "x"}
    )
    assert again.status_code == 409 and again.json["error"]["code"] == "already_assigned"


def test_a_declared_conflict_keeps_the_judge_away(client, national):
    judge, team = national["judges"][5], national["teams"][4]
    token = client.post("/api/v1/tokens", json={"email": judge.email, "password": PASSWORD}).json["token"]
    response = client.post(
        f"/api/v1/judges/{judge.id}/conflicts",
        headers={"Authorization": f"Bearer {token}"},
        json={"team_id": team.id, "reason": "指导过该团队的比赛"},
    )
    assert response.status_code == 201
    other = national["judges"][4]
    assert (
        client.post(
            f"/api/v1/judges/{other.id}/conflicts", headers={"Authorization": f"Bearer {token}"}, json={"team_id": team.id}
        ).status_code
        == 403
    )
    client.post(f"/api/v1/rounds/{national['round'].id}/assignments/auto", headers=national["organizer"], json={"seed": 5})
    assert (team.id, judge.id) not in pairs()


def test_an_assignment_with_scores_cannot_be_removed(client, national):
    from app.judging.services import transition_round

    client.post(f"/api/v1/rounds/{national['round'].id}/assignments/auto", headers=national["organizer"], json={"seed": 1})
    transition_round(national["round"], "open", actor=None, now=utcnow())
    db.session.commit()
    assignment = db.session.scalars(select(Assignment)).first()
    judge = db.session.get(type(national["judges"][0]), assignment.judge_id)
    token = client.post("/api/v1/tokens", json={"email": judge.email, "password": PASSWORD}).json["token"]
    client.put(
        f"/api/v1/assignments/{assignment.id}/sheet",
        headers={"Authorization": f"Bearer {token}"},
        json={"scores": {"practical": 10}, "version": 0},
    )
    response = client.delete(f"/api/v1/assignments/{assignment.id}", headers=national["organizer"])
    assert response.status_code == 409 and response.json["error"]["code"] == "assignment_scored"


@pytest.fixture
def school(client, make_contest, make_college, make_team, make_round, make_user, token_for):
    """A school round of 浙江大学: four of its teams, three of its own teachers and three outside judges."""
    contest = make_contest()
    zju, other = make_college(name="浙江大学"), make_college(name="浙江工业大学")
    teams = [make_team(contest, zju) for _ in range(4)]
    for team in teams:
        team.status = "approved"
    own = [make_user("judge", contest_id=contest.id, college_id=zju.id) for _ in range(3)]
    outside = [make_user("judge", contest_id=contest.id, college_id=other.id) for _ in range(3)]
    round_ = make_round(contest, judges_per_team=3, own_college_conflict=False)
    add_entries(round_, all_approved=True, actor=None, now=utcnow())
    add_judges(round_, [j.id for j in own + outside], actor=None, now=utcnow())
    db.session.commit()
    return {"round": round_, "teams": teams, "own": own, "outside": outside, "organizer": token_for(make_user("organizer"))}


def test_a_school_round_uses_its_own_teachers_for_at_most_half_of_a_panel(client, school):
    response = client.post(f"/api/v1/rounds/{school['round'].id}/assignments/auto", headers=school["organizer"], json={})
    assert response.status_code == 200 and response.json["unassigned"] == [], response.json
    own = {judge.id for judge in school["own"]}
    for team in school["teams"]:
        panel = {judge_id for team_id, judge_id in pairs() if team_id == team.id}
        assert len(panel) == 3 and len(panel & own) == 1  # two of three from outside the college


def test_by_hand_an_own_college_judge_needs_a_reason_where_the_round_allows_them(client, school):
    url = f"/api/v1/rounds/{school['round'].id}/assignments"
    body = {"team_id": school["teams"][0].id, "judge_id": school["own"][0].id}
    refused = client.post(url, headers=school["organizer"], json=body)
    assert refused.status_code == 422 and "reason" in refused.json["error"]["fields"]
    kept = client.post(url, headers=school["organizer"], json={**body, "reason": "本校教师，专业对口"})
    assert kept.status_code == 201, kept.json
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assignment.create")).one()
    assert event.after["conflict"] == "own_college_allowed" and event.reason == "本校教师，专业对口"


def test_turning_the_own_college_rule_back_on_sets_aside_the_college_s_own_judges(client, school):
    client.post(f"/api/v1/rounds/{school['round'].id}/assignments/auto", headers=school["organizer"], json={})
    on = client.patch(f"/api/v1/rounds/{school['round'].id}", headers=school["organizer"], json={"own_college_conflict": True})
    assert on.status_code == 200 and on.json["counts"]["set_aside"] == 4 and on.json["counts"]["teams_needing_judges"] == 4
    own = {judge.id for judge in school["own"]}
    set_aside = db.session.scalars(select(Assignment).where(Assignment.set_aside_at.is_not(None))).all()
    assert {a.judge_id for a in set_aside} <= own and {a.set_aside_conflict for a in set_aside} == {"own_college"}
