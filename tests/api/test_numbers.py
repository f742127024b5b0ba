"""Numbers are read only from the digits 0-9: in the API's bodies, queries and paths, and in the pages' forms.
Python reads "٣" as 3 and "1_0" as 10, and marshmallow's Integer reads 922.5 as 922; Laurel refuses them."""

import math

import marshmallow as ma
import pytest
import wtforms
from flask_wtf import FlaskForm
from sqlalchemy import select

from app.api import numbers
from app.extensions import db
from app.models import AuditEvent, Contest, Team
from tests.contests.test_contests import BODY, form_data
from tests.judging.test_sheets import judged, url  # noqa: F401  (the fixture)


@pytest.fixture
def organizer_headers(make_user, token_for):
    return token_for(make_user("organizer"))


@pytest.mark.parametrize(
    "value",
    [922.5, "922.5", "٩٢٢", "9_22", True, "１"],
    ids=["fraction", "fraction text", "Arabic-Indic", "underscore", "true", "full-width"],
)
def test_an_id_is_a_whole_number_in_digits(client, make_contest, make_team, organizer_headers, value):
    team = make_team(make_contest())
    college_id = team.college_id
    response = client.patch(f"/api/v1/teams/{team.id}", headers=organizer_headers, json={"college_id": value})
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"] == {
        "college_id": ["Not a whole number: write it with the digits 0-9, without a fraction."]
    }
    assert db.session.get(Team, team.id).college_id == college_id  # 922.5 was read as 922


def test_a_whole_number_may_be_written_as_text_or_with_a_zero_fraction(client, organizer_headers):
    assert client.post("/api/v1/contests", headers=organizer_headers, json={**BODY, "year": "2026"}).status_code == 201
    assert client.post("/api/v1/contests", headers=organizer_headers, json={**BODY, "year": 2026.0}).status_code == 201


@pytest.mark.parametrize("page", ["١", "1_0", "2.5"])
def test_query_numbers_are_digits(client, organizer_headers, page):
    response = client.get(f"/api/v1/contests?page={page}", headers=organizer_headers)
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == {"page"}, response.json


def test_a_path_id_is_digits(client, make_contest, organizer_headers):
    contest = make_contest()
    assert client.get(f"/api/v1/contests/{contest.id}").status_code == 200
    assert contest.id < 10
    arabic_indic = chr(0x0660 + contest.id)
    assert client.get(f"/api/v1/contests/{arabic_indic}").status_code == 404  # was the contest


@pytest.mark.parametrize("value", ["٣", "1_0", "1e1", "³"])
def test_a_score_in_another_script_is_refused(client, judged, value):  # noqa: F811
    response = client.put(
        url(judged["assignments"][0]), headers=judged["judges"][0], json={"scores": {"practical": value}, "version": 0}
    )
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"] == {"scores.practical": ["Enter a number with the digits 0-9, such as 12.5."]}


def test_a_score_of_minus_zero_is_zero(client, judged):  # noqa: F811
    sheet_url, headers = url(judged["assignments"][0]), judged["judges"][0]
    saved = client.put(
        sheet_url, headers=headers, json={"scores": {"practical": "-0", "product": -0.0, "market": "１２"}, "version": 0}
    )
    assert saved.status_code == 200, saved.json
    for scores in (saved.json["scores"], client.get(sheet_url, headers=headers).json["scores"]):
        assert scores == {"practical": 0, "product": 0, "market": 12}
        assert math.copysign(1, scores["practical"]) == math.copysign(1, scores["product"]) == 1  # the answer said -0.0
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sheet.save")).one()
    assert "-0" not in str(event.after)


def test_a_page_form_reads_digits_only(client, login_as):
    login_as("organizer")
    page = client.post("/contests/new", data=form_data(year="٢٠٢٦", max_members="1_0")).get_data(as_text=True)
    assert page.count("Enter a whole number with the digits 0-9, such as 12.") == 4  # beside both fields, and in the summary
    assert db.session.scalar(select(Contest.id)) is None


def test_ticked_teams_that_name_no_row_are_ignored(client, login_as, make_contest, make_team):
    contest = make_contest()
    team = make_team(contest)
    login_as("organizer")
    response = client.post(f"/contests/{contest.id}/teams/approve", data={"team_ids": ["²", "9" * 20, str(team.id)]})
    assert response.status_code == 302  # "²" was a 500 (isdigit, then int), and 20 digits one on PostgreSQL
    assert db.session.get(Team, team.id).status == "approved"


def _number_fields(field: ma.fields.Field):
    yield field
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None)):
        if inner is not None:
            yield from _number_fields(inner)


def test_schemas_and_forms_use_laurels_number_fields(app):
    """marshmallow's and wtforms' own number fields read other scripts' digits; none is used (Float fields
    only write results out)."""
    schemas = [cls for cls in ma.class_registry._registry.values() for cls in cls if cls.__module__.startswith("app.")]
    plain = [
        f"{schema.__module__}.{schema.__name__}.{name}"
        for schema in schemas
        if schema.__module__ != "app.errors"  # the error envelope: only ever written, never read
        for name, declared in schema._declared_fields.items()
        for field in _number_fields(declared)
        if type(field) in (ma.fields.Integer, ma.fields.Decimal)
    ]
    assert schemas and plain == []
    forms = {cls for base in (FlaskForm, wtforms.Form) for cls in _subclasses(base) if cls.__module__.startswith("app.")}
    plain = [
        f"{form.__name__}.{name}"
        for form in forms
        for name, value in vars(form).items()
        if isinstance(value, wtforms.fields.core.UnboundField)
        and value.field_class in (wtforms.IntegerField, wtforms.DecimalField, wtforms.FloatField)
    ]
    assert forms and plain == []
    assert issubclass(numbers.Integer, ma.fields.Integer)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
