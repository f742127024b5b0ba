"""The contest's own questions on the team form: a sub-form built per contest, one input per question.

Each question's input is named `q_<key>` (a key such as `data` or `errors` would otherwise hide the form's
own attributes); `check_answers` reports at `answers.<key>`, which `answer_error_fields` renames. Like the
team's other fields, the inputs check nothing themselves: the rules report every problem in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput, NumberInput, URLInput

from app.forms import Required
from app.models import Contest, RegistrationField
from app.registration.answers import CHOICE, DATE, LONG_TEXT, NUMBER, TEXT, TEXT_MAX, URL, URL_MAX, YES_NO

PREFIX = "q_"


def _field(question: RegistrationField):
    hints = [question.help] if question.help else []
    if question.track is not None:
        hints.append(str(_l("Asked in track %(code)s only.", code=question.track.code)))
    options: dict[str, Any] = {"description": " ".join(hints)}
    if question.type == YES_NO:  # unticked is an answer: no
        return BooleanField(question.label, **options)
    validators = [Required()] if question.required else []
    if question.type == CHOICE:
        choices = [SelectChoice("", "—"), *(SelectChoice(choice, choice) for choice in question.choices)]
        return SelectField(question.label, choices=choices, validate_choice=False, validators=validators, **options)
    if question.type == LONG_TEXT:
        return TextAreaField(question.label, validators=validators, **options)
    widget = {NUMBER: NumberInput(step="any"), DATE: DateInput(), URL: URLInput()}.get(question.type)
    render_kw = {"maxlength": URL_MAX if question.type == URL else TEXT_MAX} if question.type in (URL, TEXT) else {}
    return StringField(question.label, validators=validators, widget=widget, render_kw=render_kw, **options)


def answers_form_class(contest: Contest) -> type[Form] | None:
    """The sub-form of the contest's questions, or None when it asks none."""
    if not contest.registration_fields:
        return None
    return type("AnswersForm", (Form,), {PREFIX + q.key: _field(q) for q in contest.registration_fields})


def answers_input(form: Form) -> dict[str, Any]:
    """The answers in the API's shape, by key: a checkbox's true or false, the rest as typed (empty: None)."""
    return {
        name.removeprefix(PREFIX): field.data if isinstance(field, BooleanField) else (field.data or None)
        for name, field in form._fields.items()
    }


def fill_answers(form: Form, answers: Mapping[str, Any]) -> None:
    """Show the saved answers; a number or a yes/no as the input expects it."""
    for key, value in answers.items():
        field = form._fields.get(PREFIX + key)
        if field is not None:
            field.data = bool(value) if isinstance(field, BooleanField) else str(value)


def answer_error_fields(fields: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """A service error's fields with `answers.<key>` renamed to the form's `answers.q_<key>`."""
    return {
        (f"answers.{PREFIX}{name.removeprefix('answers.')}" if name.startswith("answers.") else name): messages
        for name, messages in fields.items()
    }
