"""The organizers' page of the mail that told each team its result: counts, each team's mail and what the
server answered, "send again", and whether members are told too."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.announcements import services
from app.announcements.forms import MailFilterForm, RecipientsForm, ResendForm
from app.api.ids import id_from_text
from app.errors import ContestError
from app.extensions import db
from app.forms import flash_error
from app.models import MAIL_STATES, OCCASIONS, Round, utcnow
from app.pagination import page_from_request
from app.permissions import allowed_on, can_manage_round

bp = Blueprint("announcements", __name__)


@bp.route("/rounds/<id:round_id>/result-mails")
@allowed_on(Round, "round_id", can_manage_round)
def result_mails(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    filters = MailFilterForm(request.args)
    occasion = filters.occasion.data if filters.occasion.data in OCCASIONS else OCCASIONS[0]
    state = filters.state.data if filters.state.data in MAIL_STATES else None
    pagination = page_from_request(services.mails_of(round_, occasion=occasion, state=state))
    resend_form = ResendForm(occasion=occasion)
    recipients_form = RecipientsForm(members=round_.contest.result_mail_members)
    return render_template(
        "announcements/mails.html",
        round=round_,
        filters=filters,
        occasion=occasion,
        counts=services.mail_counts(round_),
        pagination=pagination,
        resend_form=resend_form,
        recipients_form=recipients_form,
    )


@bp.route("/rounds/<id:round_id>/result-mails/resend", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
def resend(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    form = ResendForm()
    back = url_for("announcements.result_mails", round_id=round_.id, occasion=form.occasion.data)
    if not form.validate_on_submit():
        flash(_("Choose an occasion."), "error")
        return redirect(back)
    team_ids = None
    if form.resend_chosen.data:
        team_ids = [team_id for team_id in map(id_from_text, request.form.getlist("team_id")) if team_id]
        if not team_ids:
            flash(_("Tick the teams to send their mail again."), "error")
            return redirect(back)
    try:
        resent = services.resend(round_, form.occasion.data, team_ids=team_ids, actor=current_user, now=utcnow())
    except ContestError as error:
        flash_error(error)
        return redirect(back)
    flash(
        ngettext("%(num)s mail is queued to be sent again.", "%(num)s mails are queued to be sent again.", resent.mails),
        "success",
    )
    return redirect(back)


@bp.route("/rounds/<id:round_id>/result-mails/recipients", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
def recipients(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    form = RecipientsForm()
    if form.validate_on_submit():
        services.set_members_told(round_.contest, form.members.data, actor=current_user, now=utcnow())
        flash(
            _("Saved: the next mails go to every member.")
            if form.members.data
            else _("Saved: the next mails go to the captains."),
            "success",
        )
    return redirect(url_for("announcements.result_mails", round_id=round_.id))
