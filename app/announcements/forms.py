"""The organizers' page of result mails: which to show, which to send again, and who is told."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

OCCASION_CHOICES = [SelectChoice("published", _l("At publication")), SelectChoice("final", _l("When final"))]
STATE_CHOICES = [
    SelectChoice("", _l("every state")),
    SelectChoice("queued", _l("Waiting")),
    SelectChoice("sent", _l("Sent")),
    SelectChoice("bounced", _l("Bounced")),
    SelectChoice("failed", _l("Failed")),
]


class MailFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    occasion = SelectField(_l("Occasion"), choices=OCCASION_CHOICES, default="published")
    state = SelectField(_l("State"), choices=STATE_CHOICES, default="")


class ResendForm(FlaskForm):
    """Send again: the teams ticked in the table (`team_id`, read from the request), or every one that bounced or failed."""

    occasion = SelectField(_l("Occasion"), choices=OCCASION_CHOICES)
    resend_chosen = SubmitField(_l("Send again to the teams ticked"))
    resend_failed = SubmitField(_l("Send again to every team whose mail bounced or failed"))


class RecipientsForm(FlaskForm):
    members = BooleanField(_l("Mail every member of a team, not only its captain"))
    save = SubmitField(_l("Save"))
