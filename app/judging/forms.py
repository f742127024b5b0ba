"""Judging forms. The sheet form is built per round, one field per criterion (as Indico does)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.models import Round


def sheet_form_class(round_: Round) -> type[FlaskForm]:
    """A form with a text field per criterion (typed values are checked by the service, so that
    full-width digits and every mistake get one message at their item)."""

    class SheetForm(FlaskForm):
        version = HiddenField()
        comment = TextAreaField(_l("Comment (optional)"))
        save = SubmitField(_l("Save draft"))
        submit_sheet = SubmitField(_l("Submit scores"))

    for criterion in round_.criteria:
        setattr(SheetForm, f"score_{criterion.key}", StringField(criterion.name))
    return SheetForm


def sheet_values(form: FlaskForm, round_: Round) -> dict[str, str]:
    return {criterion.key: (form[f"score_{criterion.key}"].data or "") for criterion in round_.criteria}


class UnlockForm(FlaskForm):
    reason = TextAreaField(_l("Why unlock this sheet?"))
    submit = SubmitField(_l("Unlock for the judge"))


class RoundActionForm(FlaskForm):
    """The round page's buttons: one form, the button pressed names the action."""

    action = HiddenField()


class AutoAssignForm(FlaskForm):
    judges_per_team = IntegerField(_l("Judges per team"), validators=[Optional()])
    max_per_judge = IntegerField(_l("Most teams per judge"), validators=[Optional()])
    avoid_same_province = SelectField(_l("Judges of the team's province"), choices=[
        SelectChoice("0", _l("Allowed")), SelectChoice("1", _l("Avoided"))])
    seed = IntegerField(_l("Seed"), default=0, validators=[Optional()])
    submit = SubmitField(_l("Assign judges automatically"))


class JudgeImportForm(FlaskForm):
    file = FileField(_l("Judges (.xlsx or .csv): name, email, college_code, organization, province, expertise"),
                     validators=[FileRequired()])
    submit = SubmitField(_l("Import judges"))


class ConflictForm(FlaskForm):
    college = StringField(_l("College"))
    reason = StringField(_l("Reason"))
    submit = SubmitField(_l("Declare conflict"))
