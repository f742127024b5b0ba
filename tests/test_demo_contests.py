"""`flask demo --contest national|global|sail|projects|training`: each seed contest built in a contest of its own,
from registration to the published awards and the exported workbook, at a small scale (issue 24)."""

import io
from collections import Counter
from decimal import Decimal

import openpyxl
from sqlalchemy import func, select
from stdnum.cn import uscc

from app.demo import DEMO_PASSWORD
from app.demo.seeds import GRANT_TOTAL, build_seed_contest
from app.extensions import db
from app.models import Award, College, Contest, Result, Round, Team, TeamMember


def sign_in(client) -> dict[str, str]:
    """The demo organizer's API token (the demo gives them the demo's password)."""
    response = client.post("/api/v1/tokens", json={"email": "organizer@demo.laurel", "password": DEMO_PASSWORD})
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def contest_of(client, organizer, built) -> dict:
    return client.get(f"/api/v1/contests/{built.contest_id}", headers=organizer).json


def teams_of(built) -> list[Team]:
    return db.session.scalars(select(Team).where(Team.contest_id == built.contest_id).order_by(Team.id)).all()


def awards_of(client, organizer, round_id) -> list[dict]:
    response = client.get(f"/api/v1/rounds/{round_id}/awards", headers=organizer)
    assert response.status_code == 200, response.json
    return response.json["awards"]


def workbook_rows(client, organizer, round_id) -> list[tuple]:
    """The prize list's rows of the round's results workbook (exportRound), as openpyxl reads them."""
    response = client.get(f"/api/v1/rounds/{round_id}/export.xlsx", headers=organizer)
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    return [row for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]


def pages_answer(client, built) -> dict[str, str]:
    """The pages the command points the organizer to, signed in as the demo organizer: path → page."""
    signed_in = client.post("/login", data={"email": "organizer@demo.laurel", "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    pages = {}
    for path, _what in built.looks:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    return pages


def named_in(rows: list[tuple], text: str) -> list[tuple]:
    return [row for row in rows if text in row]


def test_global_challenge_student_teams_of_universities_worldwide_ranked_per_country(client):
    built = build_seed_contest("global", teams_per_university=2, per_country=2)
    organizer = sign_in(client)
    contest = contest_of(client, organizer, built)
    assert contest["language"] == "en"
    assert contest["tracks"][0]["entrant"] == "team"
    assert contest["counts"] == {"entrants": 64, "countries": 17}
    abroad = db.session.scalars(select(College).where(College.code.like("%-%"))).all()
    assert len(abroad) == 30 and len({college.country for college in abroad}) == 15
    # Two more universities were proposed by a captain, who registered with them at once: one is verified,
    # the other waits for the organizer on the Colleges page.
    proposed = db.session.scalars(select(College).where(College.proposed_by_id.is_not(None)).order_by(College.id)).all()
    assert [(college.name, college.verified) for college in proposed] == [
        ("Universidad de Chile", True),
        ("University of Ghana", False),
    ]
    teams = teams_of(built)
    assert all(3 <= len(team.members) <= 5 and team.college.country == team.country for team in teams)
    nationalities = Counter(member.nationality for team in teams for member in team.members)
    assert len(nationalities) > 15  # some students came from elsewhere than their university's country
    preliminary, final = (db.session.get(Round, round_id) for round_id in built.round_ids)
    assert preliminary.grouping == "country" and {preliminary.status, final.status} == {"published"}
    groups = Counter(db.session.scalars(select(Result.group_key).where(Result.round_id == preliminary.id)))
    assert len(groups) == 17 and set(groups.values()) == {4, 2}  # two universities a country, one where proposed
    advanced = db.session.scalars(select(Team).join(Result).where(Result.round_id == preliminary.id, Result.advanced)).all()
    assert Counter(team.country for team in advanced) == dict.fromkeys(groups, 2)  # two per country, no tie
    awards = awards_of(client, organizer, final.id)
    assert len(awards) == 27 and Counter(award["tier"] for award in awards) == {"gold": 3, "silver": 9, "bronze": 15}
    assert all("Programme delivery and overseas talent matching" in award["description"] for award in awards)
    page = pages_answer(client, built)[f"/rounds/{final.id}/awards"]
    assert "Programme delivery and overseas talent matching" in page
    assert "University of Ghana" in client.get("/colleges/").get_data(as_text=True)  # waiting to be verified
    rows = workbook_rows(client, organizer, final.id)
    winner = db.session.get(Team, awards[0]["team_id"])
    assert any(winner.name in row and awards[0]["description"] in row for row in rows)


def test_sail_to_hangzhou_individuals_from_many_countries_and_youth_teams(client):
    built = build_seed_contest("sail", individuals=40, youth_teams=8)
    organizer = sign_in(client)
    contest = contest_of(client, organizer, built)
    assert [(track["code"], track["entrant"], track["min_members"], track["max_members"]) for track in contest["tracks"]] == [
        ("IN", "individual", None, None),
        ("YT", "team", 2, 6),
    ]
    teams = teams_of(built)
    individuals = [team for team in teams if team.kind == "individual"]
    assert len(individuals) == 40 and all(len(team.members) == 1 for team in individuals)
    not_students = [team for team in individuals if team.college_id is None]
    assert len(not_students) == 30
    assert all(team.members[0].student_id is None and team.members[0].nationality for team in not_students)
    assert len({team.members[0].nationality for team in individuals}) >= 30
    assert contest["counts"]["entrants"] == 48 and contest["counts"]["countries"] >= 30
    youth = [team for team in teams if team.kind == "team"]
    assert len(youth) == 8 and all(2 <= len(team.members) <= 6 for team in youth)
    solo, youth_round = built.round_ids
    places = awards_of(client, organizer, solo)
    assert Counter(award["tier"] for award in places) == {"park": 5, "merit": 10}
    assert all("industrial park" in award["description"] for award in places if award["tier"] == "park")
    support = awards_of(client, organizer, youth_round)
    assert len(support) == 5 and {(award["amount"], award["currency"]) for award in support} == {("50000.00", "CNY")}
    pages = pages_answer(client, built)
    assert "industrial park" in pages[f"/rounds/{solo}/awards"]
    rows = workbook_rows(client, organizer, solo)
    first = db.session.get(Team, places[0]["team_id"])
    assert named_in(rows, first.name)


def test_pilot_zone_companies_with_valid_credit_codes_get_subsidies_within_the_budget(client):
    built = build_seed_contest("projects", companies=20, abroad=2)
    organizer = sign_in(client)
    contest = contest_of(client, organizer, built)
    assert contest["tracks"][0]["entrant"] == "organization"
    assert contest["budget"] == {"amount": "6000000.00", "currency": "CNY"}
    teams = teams_of(built)
    assert len(teams) == 20 and {team.kind for team in teams} == {"organization"}
    chinese = [team.organization for team in teams if team.country == "CN"]
    assert len(chinese) == 18 and all(uscc.is_valid(organization.credit_code) for organization in chinese)
    assert all(organization.contact_name and organization.address for organization in chinese)
    assert contest["counts"]["countries"] == 3  # China and two companies abroad
    (review,) = built.round_ids
    awards = awards_of(client, organizer, review)
    amounts = Counter((award["tier"], award["amount"]) for award in awards)
    assert amounts == {("key", "800000.00"): 3, ("support", "300000.00"): 6, ("seed", "100000.00"): 8}
    assert sum(Decimal(award["amount"]) for award in awards) == Decimal("5000000")
    page = pages_answer(client, built)[f"/rounds/{review}/awards"]
    assert "5,000,000" in page  # the subsidies' total
    rows = workbook_rows(client, organizer, review)
    best = db.session.get(Team, next(award["team_id"] for award in awards if award["tier"] == "key"))
    assert any(best.name in row and 800000 in row and "CNY" in row for row in rows)


def test_training_evaluation_gives_16_universities_16_different_grants_of_6_1_million_in_all(client):
    built = build_seed_contest("training", universities=18)
    organizer = sign_in(client)
    contest = contest_of(client, organizer, built)
    assert contest["budget"] == {"amount": "6100000.00", "currency": "CNY"}
    teams = teams_of(built)
    assert len(teams) == 18
    for team in teams:  # the university applies in its own name, with its credit code; its people are staff
        assert team.kind == "organization" and team.organization.name == team.college.name
        assert uscc.is_valid(team.organization.credit_code) and team.organization.credit_code.startswith("12")
        assert all(member.student_id is None and member.college_id is None for member in team.members)
    (evaluation,) = built.round_ids
    awards = awards_of(client, organizer, evaluation)
    amounts = [Decimal(award["amount"]) for award in awards]
    assert len(awards) == 16 and len(set(amounts)) == 16 and {award["currency"] for award in awards} == {"CNY"}
    assert sum(amounts) == GRANT_TOTAL == Decimal("6100000.00")
    ranked = db.session.execute(
        select(Award.amount).join(Result, (Result.team_id == Award.team_id) & (Result.round_id == Award.round_id))
        .where(Award.round_id == evaluation).order_by(Result.rank)
    ).scalars().all()  # fmt: skip
    assert ranked == sorted(ranked, reverse=True)  # the better evaluated, the larger the grant
    page = pages_answer(client, built)[f"/rounds/{evaluation}/awards"]
    assert "6,100,000" in page  # the awards' total
    rows = workbook_rows(client, organizer, evaluation)
    best = db.session.get(
        Team, db.session.scalar(select(Award.team_id).where(Award.round_id == evaluation, Award.amount == 620000))
    )
    assert any(best.name in row and 620000 in row for row in rows)


def test_national_challenge_a_small_season(app):
    built = build_seed_contest("national", teams=200, colleges=20, judge_count=24)
    rounds = [db.session.get(Round, round_id) for round_id in built.round_ids]
    assert [round_.grouping for round_ in rounds] == ["college", "province", "none"]
    assert {round_.status for round_ in rounds} == {"published"}
    assert db.session.scalar(select(func.count(Award.id)).where(Award.round_id == rounds[-1].id)) == 40
    assert built.counts["teams"] == 200
    again = build_seed_contest("national", teams=100, colleges=10, judge_count=24)  # beside the first: a contest of its own
    assert db.session.get(Contest, again.contest_id).name == f"{built.name} (2)"


def test_flask_demo_contest_sail_runs_twice_beside_the_default_demo(runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    first = runner.invoke(args=["demo", "--contest", "sail", "--url", "http://127.0.0.1:8123"])
    assert first.exit_code == 0, first.output
    assert "Sail to Hangzhou" in first.output and "individual" in first.output
    assert "http://127.0.0.1:8123/rounds/" in first.output and "organizer@demo.laurel" in first.output
    again = runner.invoke(args=["demo", "--contest", "sail"])
    assert again.exit_code == 0, again.output
    names = db.session.scalars(select(Contest.name).where(Contest.name.like("Sail to Hangzhou%")).order_by(Contest.id)).all()
    assert len(names) == 2 and names[1] == f"{names[0]} (2)"
    people = select(func.count(TeamMember.id)).join(Team).join(Contest).where(Contest.name == names[1])
    assert db.session.scalar(people) > 60
