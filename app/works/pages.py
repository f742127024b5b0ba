"""Works pages: a work's file (the page twin of downloadWork), the organizers' table of a round's works with
the reminder to those missing, and the round's zip (the page twin of downloadRoundWorks)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.extensions import db
from app.models import Round, Work, utcnow
from app.pagination import PageOf, page_numbers
from app.permissions import allowed_on, can_manage_round
from app.works.bulk import stream_round_zip, zip_name
from app.works.overview import remind_missing, round_works
from app.works.responses import work_file_response
from app.works.serving import can_open_work

bp = Blueprint("work_pages", __name__)


@bp.route("/works/<id:work_id>/file")
@allowed_on(Work, "work_id", can_open_work)
def work_file(work_id: int):
    """The file of a work, for the judge's sheet (its frame, its image, its video) and the team's page."""
    return work_file_response(db.get_or_404(Work, work_id), current_user, now=utcnow())


@bp.route("/rounds/<id:round_id>/works")
@allowed_on(Round, "round_id", can_manage_round)
def round_works_page(round_id: int):
    """Who has handed in what, and who has not: the round's entries by the round's requirements."""
    round_ = db.get_or_404(Round, round_id)
    missing_only = request.args.get("missing") == "1"
    page, per_page = page_numbers()
    rows = round_works(round_, missing_only=missing_only)
    missing_teams = rows if missing_only else [row for row in rows if row.missing]
    shown = PageOf(rows[(page - 1) * per_page : page * per_page], len(rows), page, per_page)
    return render_template(
        "works/round_works.html",
        round=round_,
        requirements=list(round_.requirements or []),
        pagination=shown,
        missing_only=missing_only,
        missing_count=len(missing_teams),
    )


@bp.route("/rounds/<id:round_id>/works/remind", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
def remind_missing_works(round_id: int):
    """Mail the captains of the teams missing a required item (after the commit); the CSRF token is checked
    for every POST (`app.extensions.csrf`)."""
    round_ = db.get_or_404(Round, round_id)
    reminded = remind_missing(round_, actor=current_user, now=utcnow())
    flash(
        ngettext("Reminded %(num)d team.", "Reminded %(num)d teams.", reminded)
        if reminded
        else _("No team is missing a required item."),
        "success",
    )
    return redirect(url_for("work_pages.round_works_page", round_id=round_.id, missing=1))


@bp.route("/rounds/<id:round_id>/works.zip")
@allowed_on(Round, "round_id", can_manage_round)
def round_works_zip(round_id: int):
    """Every file judged in the round as one zip, streamed."""
    round_ = db.get_or_404(Round, round_id)
    response = Response(stream_round_zip(round_), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{zip_name(round_)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
