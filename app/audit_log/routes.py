"""The audit log for organizers of every contest: the filtered list and its Excel export."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit_log.display import event_view
from app.audit_log.forms import AuditFilterForm
from app.audit_log.queries import events_page, object_types_present
from app.jobs import services as jobs
from app.jobs.tasks import audit_filters_params
from app.pagination import PageOf, page_numbers
from app.permissions import can_read_audit_log, permitted

bp = Blueprint("audit_log", __name__, url_prefix="/audit")


def _display_zone() -> ZoneInfo:
    """The zone the page shows times in (as `local_time` does), and reads the typed times in."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def _filter_form() -> AuditFilterForm:
    """The filters of the query string, checked (the errors are shown at their fields)."""
    form = AuditFilterForm(formdata=request.args).prepare(object_types_present())
    form.validate()
    return form


@bp.route("")
@permitted(can_read_audit_log)
def index():
    form = _filter_form()
    page, per_page = page_numbers()
    if form.errors:
        events = PageOf([], 0, 1, per_page)
    else:
        events = events_page(form.to_filters(_display_zone()), page, per_page)
    return render_template(
        "audit/index.html",
        form=form,
        events=events,
        views=[event_view(row) for row in events.items],
        filter_args=form.filled_args(request.args),
    )


@bp.route("/export", methods=["POST"])
@permitted(can_read_audit_log)
def export():
    """The log as filtered, made as a background job."""
    form = _filter_form()
    if form.errors:
        flash(_("Fix the filters before exporting."), "error")
        return redirect(url_for("audit_log.index", **request.args))
    job = jobs.start_export("audit", actor=current_user, filters=audit_filters_params(form.to_filters(_display_zone())))
    return redirect(url_for("jobs.job_page", job_id=job.id))
