"""A round's requirements and deadline: their shape (createRound, updateRound, the round form), and what may
change once teams hand in or the round opens."""

import io
from datetime import timedelta

import pytest

from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.judging.services import transition_round, update_round
from app.models import utcnow
from app.works.services import submit_work
from tests.works import files
from tests.works.conftest import REQUIREMENTS

PLAN = {"key": "plan", "name": "计划书", "kind": "file", "types": ["pdf"]}


@pytest.mark.parametrize(
    "requirement, field",
    [
        ({**PLAN, "key": "Plan!"}, "key"),
        ({**PLAN, "name": ""}, "name"),
        ({**PLAN, "kind": "fax"}, "kind"),
        ({**PLAN, "types": ["exe"]}, "types"),
        ({**PLAN, "types": []}, "types"),
        ({**PLAN, "max_mb": 0}, "max_mb"),
        ({**PLAN, "max_mb": 10_000}, "max_mb"),
        ({**PLAN, "types": ["pdf", "pptx"], "max_pages": 10}, "max_pages"),
        ({**PLAN, "max_pages": 0}, "max_pages"),
        ({"key": "store", "name": "店铺", "kind": "link", "types": ["pdf"]}, "types"),
    ],
)
def test_a_requirement_out_of_shape_is_refused_at_its_field(make_round, requirement, field):
    with pytest.raises(InvalidDataError) as refused:
        make_round(requirements=[requirement])
    assert f"requirements.0.{field}" in refused.value.fields


def test_keys_are_unique(make_round):
    with pytest.raises(InvalidDataError) as refused:
        make_round(requirements=[PLAN, {**PLAN, "name": "again"}])
    assert "requirements.1.key" in refused.value.fields


def test_a_file_item_s_size_defaults_to_the_works_ceiling(make_round, app):
    round_ = make_round(requirements=[PLAN])
    assert round_.requirements == [{**PLAN, "required": True, "max_mb": app.config["MAX_WORK_MB"]}]


def test_a_deadline_without_its_offset_is_refused(make_round):
    with pytest.raises(InvalidDataError) as refused:
        make_round(requirements=[PLAN], works_due_at=utcnow().replace(tzinfo=None))
    assert "works_due_at" in refused.value.fields


def test_an_item_a_team_handed_in_keeps_its_key_and_kind(handin):
    round_, team, captain = handin
    submit_work(round_, team, "plan", stream=io.BytesIO(files.pdf()), filename="p.pdf", user=captain, now=utcnow())
    db.session.commit()
    with pytest.raises(StateConflictError) as kept:
        update_round(round_, {"requirements": REQUIREMENTS[1:]}, actor=None, now=utcnow())
    assert kept.value.code == "requirement_has_works" and "plan" in kept.value.message
    db.session.rollback()
    renamed = [{**REQUIREMENTS[0], "name": "Business plan, final", "max_pages": 20}, REQUIREMENTS[1]]
    update_round(round_, {"requirements": renamed}, actor=None, now=utcnow())
    assert round_.requirements[0]["max_pages"] == 20


def test_requirements_and_deadline_are_frozen_once_the_round_opens(handin):
    round_, _team, _captain = handin
    transition_round(round_, "open", actor=None, now=utcnow())
    with pytest.raises(StateConflictError) as frozen:
        update_round(round_, {"works_due_at": round_.works_due_at + timedelta(days=1)}, actor=None, now=utcnow())
    assert frozen.value.code == "works_frozen"
    update_round(round_, {"name": "改名 Renamed"}, actor=None, now=utcnow())  # the rest still changes


def test_the_api_takes_and_gives_requirements_and_deadline(client, make_contest, make_user, token_for):
    contest = make_contest()
    headers = token_for(make_user())
    body = {
        "name": "函评 Paper review",
        "criteria": [{"key": "overall", "name": "总体", "max": 100}],
        "requirements": [PLAN, {"key": "video", "name": "视频", "kind": "link"}],
        "works_due_at": "2031-05-01T17:00:00+08:00",
    }
    created = client.post(f"/api/v1/contests/{contest.id}/rounds", json=body, headers=headers)
    assert created.status_code == 201, created.json
    got = client.get(f"/api/v1/rounds/{created.json['id']}", headers=headers).json
    assert [r["key"] for r in got["requirements"]] == ["plan", "video"]
    assert got["works_due_at"].startswith("2031-05-01T09:00:00")
    naive = client.patch(f"/api/v1/rounds/{got['id']}", json={"works_due_at": "2031-05-01T17:00:00"}, headers=headers)
    assert naive.status_code == 422


def test_the_round_form_edits_the_items_and_the_deadline_in_the_contest_s_time_zone(client, login_as, make_round):
    login_as()
    round_ = make_round()
    page = client.get(f"/rounds/{round_.id}/edit")
    assert "reuses the work handed in for the round before it" in page.get_data(as_text=True)
    form = {
        "name": round_.name,
        "level": "school",
        "grouping": "college",
        "judges_per_team": "3",
        "method": "trimmed_mean",
        "trim": "1",
        "decimals": "2",
        "criteria-0-key": "overall",
        "criteria-0-name": "总体",
        "criteria-0-max": "100",
        "criteria-0-weight": "1",
        "criteria-0-step": "1",
        "requirements-0-key": "slides",
        "requirements-0-name": "路演PPT",
        "requirements-0-kind": "file",
        "requirements-0-types": "pdf，pptx",
        "requirements-0-max_mb": "20",
        "requirements-0-required": "y",
        "works_due_at": "2031-05-01T17:00",
    }
    saved = client.post(f"/rounds/{round_.id}/edit", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    db.session.refresh(round_)
    assert round_.requirements == [
        {"key": "slides", "name": "路演PPT", "kind": "file", "types": ["pdf", "pptx"], "max_mb": 20, "required": True}
    ]
    assert round_.works_due_at.isoformat() == "2031-05-01T09:00:00+00:00"
    form["requirements-0-types"] = "exe"
    refused = client.post(f"/rounds/{round_.id}/edit", data=form)
    assert refused.status_code == 422 and "Choose file types among" in refused.get_data(as_text=True)
