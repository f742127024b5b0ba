"""Organizer pages: list, search and import colleges."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import countries
from app.colleges import services
from app.colleges.forms import CollegeImportForm
from app.forms import UploadOutcome, run_upload
from app.models import ORGANIZER, utcnow
from app.pagination import page_from_request
from app.permissions import can_manage_colleges, permitted, role_required

bp = Blueprint("colleges", __name__, url_prefix="/colleges")


@bp.route("/")
@role_required(ORGANIZER)
def index():
    q = request.args.get("q", "").strip()
    province = request.args.get("province", "").strip()
    country = countries.normalized(request.args.get("country"))
    if country and not countries.is_country(country):
        flash(_("%(code)s is not a country's ISO 3166-1 code; every country is shown.", code=country), "error")
        country = ""
    colleges = page_from_request(services.colleges_query(q, province, country))
    return render_template(
        "colleges/index.html",
        colleges=colleges,
        q=q,
        province=province,
        provinces=services.province_names(),
        country=country,
        country_choices=countries.country_choices(services.college_countries()),
        form=CollegeImportForm(),
    )


@bp.route("/import", methods=["POST"])
@permitted(can_manage_colleges)
def import_file():
    form = CollegeImportForm()
    outcome = UploadOutcome(status=422)
    if form.validate_on_submit():
        outcome = run_upload(form, lambda table: services.import_colleges(table, now=utcnow(), actor=current_user))
        if outcome.result is not None:
            flash(
                _(
                    "Imported: %(created)s, %(updated)s updated.",
                    created=ngettext("%(num)d new college", "%(num)d new colleges", outcome.result.created),
                    updated=outcome.result.updated,
                ),
                "success",
            )
            return redirect(url_for("colleges.index"))
    colleges = page_from_request(services.colleges_query())
    return render_template(
        "colleges/index.html",
        colleges=colleges,
        q="",
        province="",
        provinces=services.province_names(),
        country="",
        country_choices=countries.country_choices(services.college_countries()),
        form=form,
        bad_rows=outcome.bad_rows,
    ), outcome.status
