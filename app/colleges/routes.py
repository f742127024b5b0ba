"""Organizer pages: list, search and import colleges, and check the institutions applicants proposed; the
page where an applicant proposes one."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import countries
from app.api.ids import id_from_text
from app.colleges import merge, proposals, services
from app.colleges.forms import CollegeImportForm, CollegeMergeForm, CollegeProposalForm, CollegeVerifyForm
from app.errors import ContestError
from app.extensions import db
from app.forms import UploadOutcome, flash_error, run_upload, show_error_on_form
from app.jobs import services as jobs
from app.models import ORGANIZER, College, Contest, utcnow
from app.pagination import page_from_request
from app.permissions import allowed_on, can_check_college, can_manage_colleges, login_required, permitted, role_required

bp = Blueprint("colleges", __name__, url_prefix="/colleges")


def _index(q: str = "", province: str = "", country: str = "", *, form=None, bad_rows=None, status: int = 200):
    """The colleges page: the list (on it only: proposals have their own section), the proposals waiting
    with their Verify and Merge forms, and the import."""
    colleges = page_from_request(services.colleges_query(q, province, country, verified=True))
    return render_template(
        "colleges/index.html",
        colleges=colleges,
        q=q,
        province=province,
        provinces=services.province_names(),
        country=country,
        country_choices=countries.country_choices(services.college_countries()),
        form=form or CollegeImportForm(),
        bad_rows=bad_rows,
        proposals=proposals.proposals_waiting(),
        verify_form=CollegeVerifyForm(),
        merge_form=CollegeMergeForm(),
    ), status


@bp.route("/")
@role_required(ORGANIZER)
def index():
    q = request.args.get("q", "").strip()
    province = request.args.get("province", "").strip()
    country = countries.normalized(request.args.get("country"))
    if country and not countries.is_country(country):
        flash(_("%(code)s is not a country's ISO 3166-1 code; every country is shown.", code=country), "error")
        country = ""
    return _index(q, province, country)


@bp.route("/import", methods=["POST"])
@permitted(can_manage_colleges)
def import_file():
    form = CollegeImportForm()
    outcome = UploadOutcome(status=422)
    if form.validate_on_submit():
        outcome = run_upload(
            form,
            lambda table: services.import_colleges(table, now=utcnow(), actor=current_user),
            background=lambda upload, rows: jobs.start_import("import_colleges", upload, rows, actor=current_user),
        )
        if outcome.job is not None:
            return redirect(url_for("jobs.job_page", job_id=outcome.job.id))
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
    return _index(form=form, bad_rows=outcome.bad_rows, status=outcome.status)


@bp.route("/<id:college_id>/verify", methods=["POST"])
@allowed_on(College, "college_id", can_check_college)
def verify(college_id: int):
    form = CollegeVerifyForm()
    if not form.validate_on_submit():
        return _index(status=400)
    college = db.session.get(College, college_id)
    try:
        proposals.verify_college(college, {"name": form.name.data or None}, actor=current_user, now=utcnow())
    except ContestError as error:
        return _index(status=flash_error(error))
    flash(_("%(name)s is on the list now.", name=college.name), "success")
    return redirect(url_for("colleges.index"))


@bp.route("/<id:college_id>/merge", methods=["POST"])
@allowed_on(College, "college_id", can_check_college)
def merge_into(college_id: int):
    form = CollegeMergeForm()
    if not form.validate_on_submit():
        return _index(status=400)
    source = db.session.get(College, college_id)
    try:
        summary = merge.merge_colleges(source, services.find_college(form.into.data), actor=current_user, now=utcnow())
    except ContestError as error:
        return _index(status=flash_error(error))
    moved = ngettext("%(num)d team moved", "%(num)d teams moved", summary.teams)
    flash(_("Merged into %(name)s: %(moved)s.", name=summary.college.name, moved=moved), "success")
    return redirect(url_for("colleges.index"))


@bp.route("/propose", methods=["GET", "POST"])
@login_required
def propose():
    """An applicant's institution that is not on the list; back to the registration form they came from
    (`?contest_id=`, and the track whose form it was), with the new institution chosen."""
    contest = db.session.get(Contest, id_from_text(request.args.get("contest_id")) or 0)
    form = CollegeProposalForm().prepare()
    status = 200
    if form.validate_on_submit():
        try:
            college = proposals.propose_college(form.to_input(), actor=current_user, now=utcnow())
        except ContestError as error:
            status = show_error_on_form(form, error)
        else:
            flash(
                _("%(name)s is proposed: you may register with it now; an organizer will check it.", name=college.name), "success"
            )
            if contest is not None:
                back = {"track": request.args["track"]} if request.args.get("track") else {}
                return redirect(url_for("registration.team_new", contest_id=contest.id, college_id=college.id, **back))
            return redirect(url_for("public.dashboard"))
    return render_template("colleges/propose.html", form=form, contest=contest), status
