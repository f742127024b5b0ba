"""Forms of the notice and objections: the notice on the publish form, an objection with its evidence, the
organizers' assignment and answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from app.forms import IntegerField
from app.notices.calendar import DEFAULT_DAYS, MAX_DAYS

CALENDAR_CHOICES = [
    SelectChoice("cn_workdays", _l("Working days (official Chinese calendar)")),
    SelectChoice("calendar", _l("Calendar days")),
]
DECISION_CHOICES = [
    SelectChoice("upheld", _l("Upheld")),
    SelectChoice("partly_upheld", _l("Partly upheld")),
    SelectChoice("dismissed", _l("Dismissed")),
]
ACTION_CHOICES = [
    SelectChoice("", _l("No change to the results")),
    SelectChoice("withdraw_team", _l("Withdraw the team and compute the results again")),
    SelectChoice("reopen_scoring", _l("Reopen the round's scoring")),
]


class NoticeFields:
    """The notice's fields, added to the publish form (`app.results.forms.PublishForm`)."""

    notice = BooleanField(_l("Open a public notice for objections"), default=True)
    notice_days = IntegerField(
        _l("Days of notice"), default=DEFAULT_DAYS, validators=[Optional(), NumberRange(min=1, max=MAX_DAYS)]
    )
    notice_calendar = SelectField(_l("Counted in"), choices=CALENDAR_CHOICES, default="cn_workdays")
    notice_starts_on = DateField(_l("Starting on (empty: today)"), validators=[Optional()])

    def notice_input(self) -> dict | None:
        if not self.notice.data:
            return None
        return {"days": self.notice_days.data, "calendar": self.notice_calendar.data, "starts_on": self.notice_starts_on.data}


class ObjectionForm(FlaskForm):
    team_id = SelectField(_l("Objection to"))
    reason = TextAreaField(_l("What you object to, and why"))
    files = MultipleFileField(_l("Evidence (PDF, PNG or JPEG; optional)"))
    submit = SubmitField(_l("Send the objection"))


class EvidenceForm(FlaskForm):
    files = MultipleFileField(_l("More evidence (PDF, PNG or JPEG)"))
    upload = SubmitField(_l("Add the files"))


class AssignForm(FlaskForm):
    user_id = SelectField(_l("Assign to"))
    assign = SubmitField(_l("Assign"))


class AnswerForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=DECISION_CHOICES)
    reply = TextAreaField(_l("Reply to the objector"))
    action = SelectField(_l("Change to the results"), choices=ACTION_CHOICES, default="")
    answer = SubmitField(_l("Send the answer"))


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    state = SelectField(
        _l("State"),
        choices=[SelectChoice("", _l("all")), SelectChoice("open", _l("waiting")), SelectChoice("answered", _l("answered"))],
    )
    assignee_id = SelectField(_l("Assigned to"))
