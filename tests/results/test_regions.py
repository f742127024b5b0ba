"""Rounds group and advance by world region (the UN's M49 continents) as they do by country (issue 24)."""

import pycountry
from sqlalchemy import select

from app.extensions import db
from app.models import Entry
from app.regions import MEMBERS, region_name, region_of


def test_every_country_but_antarctica_lies_in_exactly_one_region():
    listed = [code for members in MEMBERS.values() for code in members.split()]
    assert len(listed) == len(set(listed))
    assert set(listed) == {country.alpha_2 for country in pycountry.countries} - {"AQ"}
    assert (region_of("ng"), region_of("BR"), region_of("CN"), region_of("GB"), region_of("NZ"), region_of("AQ")) == (
        "002",
        "019",
        "142",
        "150",
        "009",
        "",
    )


def test_region_names_in_both_languages():
    assert [region_name(code, chinese=False) for code in MEMBERS] == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    assert [region_name(code, chinese=True) for code in MEMBERS] == ["非洲", "美洲", "亚洲", "欧洲", "大洋洲"]


def test_a_round_ranks_per_region_and_advances_the_best_of_each(client, scored_round, make_round, organizer):
    built = scored_round([[90], [80], [85], [70]], colleges=[0, 1, 2, 3], countries=["GB", "FR", "NG", "KE"], grouping="region")
    api = f"/api/v1/rounds/{built['round'].id}"
    gb, fr, ng, ke = (team.id for team in built["teams"])
    groups = dict(db.session.execute(select(Entry.team_id, Entry.group_key).where(Entry.round_id == built["round"].id)).all())
    assert groups == {gb: "150", fr: "150", ng: "002", ke: "002"}
    assert client.post(f"{api}/results", json={}, headers=organizer).status_code == 200
    final = make_round(built["contest"], name="Final", level="custom", grouping="region")
    response = client.post(f"{api}/advance", json={"to_round_id": final.id, "top": 1, "per": "region"}, headers=organizer)
    assert response.status_code == 200, response.json
    assert sorted(response.json["advanced"]) == sorted([gb, ng])
    entered = dict(db.session.execute(select(Entry.team_id, Entry.group_key).where(Entry.round_id == final.id)).all())
    assert entered == {gb: "150", ng: "002"}


def test_the_results_page_names_the_regions(client, scored_round, organizer, login_as):
    built = scored_round([[90], [85]], colleges=[0, 1], countries=["GB", "NG"], grouping="region")
    client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer)
    login_as("organizer")
    progress = client.get(f"/rounds/{built['round'].id}/progress").get_data(as_text=True)
    assert "<td>Europe</td>" in progress and "<td>Africa</td>" in progress
    chinese = client.get(f"/rounds/{built['round'].id}/progress", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "<td>欧洲</td>" in chinese and "<td>非洲</td>" in chinese
