"""getContest counts its entrants (active teams) and the countries of their institutions."""

from app.extensions import db


def test_get_contest_counts_active_entrants_and_their_countries(client, make_contest, make_college, make_team):
    contest, other = make_contest(), make_contest()
    oxford, nairobi, zju = make_college(country="GB"), make_college(country="KE"), make_college()
    make_team(contest, oxford)
    make_team(contest, oxford)
    make_team(contest, zju).status = "approved"
    make_team(contest, nairobi).status = "withdrawn"  # not active: neither it nor Kenya counts
    make_team(other, nairobi)
    db.session.commit()
    response = client.get(f"/api/v1/contests/{contest.id}")
    assert response.status_code == 200
    assert response.json["counts"] == {"entrants": 3, "countries": 2}


def test_a_contest_without_entrants_counts_none(client, make_contest):
    assert client.get(f"/api/v1/contests/{make_contest().id}").json["counts"] == {"entrants": 0, "countries": 0}
