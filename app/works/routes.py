"""Pages: a team hands in its works from its page; an organizer extends one team's deadline."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.errors import ContestError, InvalidDataError
from app.extensions import csrf, db
from app.forms import show_error_on_form
from app.models import Entry, Round, Team, WorkExtension, utcnow
from app.permissions import allowed_on, can_hand_in, can_manage_round
from app.registration.routes import team_page
from app.works import services
from app.works.api import MULTIPART_SLACK
from app.works.forms import ExtensionForm, WorkUploadForm

bp = Blueprint("works", __name__)

UPLOAD_ENDPOINT = "works.work_upload"


@bp.before_app_request
def _works_upload_limit() -> None:
    """A work may be larger than the forms' limit: raised for the hand-in page before anything reads the body
    (the text check does). Its CSRF token is checked by its FlaskForm, as CSRFProtect would read the body first."""
    if request.endpoint == UPLOAD_ENDPOINT:
        request.max_content_length = current_app.config["MAX_WORK_MB"] * 1024 * 1024 + MULTIPART_SLACK


@bp.route("/rounds/<id:round_id>/works/<id:team_id>/<string(maxlength=30):key>", methods=["POST"])
@csrf.exempt
@allowed_on(Team, "team_id", can_hand_in)
def work_upload(round_id: int, team_id: int, key: str):
    """Hand in one item from the team page; a refusal is shown on the page, at the item, with its status."""
    round_, team = db.get_or_404(Round, round_id), db.get_or_404(Team, team_id)
    form = WorkUploadForm(prefix=f"work-{round_.id}-{key}")
    if not form.validate_on_submit():
        return team_page(
            team, work_error=(round_.id, key, " ".join(form.errors.get("csrf_token", [])) or _("Send the form again."))
        ), 400
    upload = form.file.data
    try:
        work = services.submit_work(
            round_,
            team,
            key,
            stream=upload.stream if upload else None,
            url=form.url.data if not upload else None,
            filename=upload.filename if upload else None,
            user=current_user,
            now=utcnow(),
        )
    except ContestError as error:
        db.session.rollback()
        return team_page(team, work_error=(round_.id, key, error.message)), error.status
    flash(_("Handed in: %(item)s, version %(version)s.", item=key, version=work.version), "success")
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        # The page's progress bar reloads the page itself: a redirect followed here would show the message to no one.
        return "", 204
    return redirect(url_for("registration.team_show", team_id=team.id, _anchor=f"works-{round_.id}"))


@bp.route("/rounds/<id:round_id>/teams/<id:team_id>/extension", methods=["GET", "POST"])
@allowed_on(Round, "round_id", can_manage_round)
def extension_edit(round_id: int, team_id: int):
    """An organizer's later deadline for one team of the round, with a reason."""
    round_ = db.get_or_404(Round, round_id)
    team = db.session.scalar(
        select(Team).join(Entry, Entry.team_id == Team.id).where(Entry.round_id == round_.id, Team.id == team_id)
    )
    if team is None:  # only the round's teams have a deadline in it
        abort(404)
    extension = db.session.scalar(
        select(WorkExtension).where(WorkExtension.round_id == round_.id, WorkExtension.team_id == team.id)
    )
    zone = ZoneInfo(round_.contest.timezone)
    form = ExtensionForm()
    status = 200
    if form.validate_on_submit():
        until = form.until.data.replace(tzinfo=zone) if form.until.data else None
        try:
            if until is None:
                raise InvalidDataError(_("Give the new deadline."), fields={"until": [_("This is required.")]})
            services.grant_extension(round_, team, until, form.reason.data, user=current_user, now=utcnow())
        except ContestError as error:
            status = show_error_on_form(form, error)
        else:
            flash(_("Team %(number)s may hand in until %(until)s.", number=team.number, until=form.until.data), "success")
            return redirect(url_for("works.extension_edit", round_id=round_.id, team_id=team.id))
    elif not form.is_submitted() and extension is not None:
        form.until.data, form.reason.data = extension.until.astimezone(zone).replace(tzinfo=None), extension.reason
    return render_template(
        "works/extension.html", form=form, round=round_, team=team, extension=extension, zone=round_.contest.timezone
    ), status
