"""Organizer pages: list, search and import colleges."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.colleges import services
from app.colleges.forms import CollegeImportForm
from app.errors import ContestError, InvalidRowsError
from app.extensions import db
from app.models import ORGANIZER, utcnow
from app.pagination import page_from_request
from app.permissions import can_manage_colleges, role_required
from app.spreadsheets import read_table

bp = Blueprint("colleges", __name__, url_prefix="/colleges")


@bp.route("/")
@role_required(ORGANIZER)
def index():
    q = request.args.get("q", "").strip()
    province = request.args.get("province", "").strip()
    colleges = page_from_request(services.colleges_query(q, province))
    return render_template(
        "colleges/index.html", colleges=colleges, q=q, province=province,
        provinces=services.province_names(), form=CollegeImportForm(),
    )


@bp.route("/import", methods=["POST"])
@role_required(ORGANIZER)
def import_file():
    if not can_manage_colleges(current_user):
        abort(403)
    form = CollegeImportForm()
    bad_rows = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            summary = services.import_colleges(read_table(upload.stream, upload.filename), now=utcnow(), actor=current_user)
        except InvalidRowsError as error:
            db.session.rollback()
            flash(error.message, "error")
            bad_rows = error.rows
        except ContestError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Imported: %(created)s new colleges, %(updated)s updated.", created=summary.created, updated=summary.updated), "success")
            return redirect(url_for("colleges.index"))
    colleges = page_from_request(services.colleges_query())
    return render_template(
        "colleges/index.html", colleges=colleges, q="", province="", provinces=services.province_names(),
        form=form, bad_rows=bad_rows,
    ), 422
