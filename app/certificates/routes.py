"""Certificate pages: the public verification page, the PDF for the team and the organizers, revoking from
the Awards page, a round's certificates as one zip (a job), and a contest's issuer and seal."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.certificates import render, services
from app.certificates.api import pdf_response, verify_limited
from app.certificates.forms import CertificateSettingsForm, RevokeForm
from app.certificates.seals import save_certificate_settings
from app.errors import ContestError
from app.extensions import db
from app.forms import flash_error, show_error_on_form
from app.jobs import services as jobs
from app.models import Award, Contest, Round, utcnow
from app.permissions import allowed_on, can_download_certificate, can_edit_contest, can_manage_award, can_manage_round

bp = Blueprint("certificates", __name__)

#: The verification page speaks both languages at once: whoever scans the code may read either.
VERIFY_LABELS = {
    "title": _l("Certificate verification"),
    "valid": _l("This certificate is valid."),
    "revoked": _l("This certificate was revoked."),
    "void": _l("This certificate no longer stands."),
    "unknown": _l("No certificate has this code."),
    "unknown_help": _l("Check the code against the certificate: it has ten letters and digits."),
    "contest": _l("Contest"),
    "round": _l("Round"),
    "prize": _l("Prize"),
    "entrant": _l("Awarded to"),
    "number": _l("Number"),
    "college": _l("College"),
    "members": _l("Members"),
    "advisors": _l("Advisors"),
    "issuer": _l("Awarded by"),
    "issued": _l("Issued"),
    "revoked_on": _l("Revoked"),
    "reason": _l("Reason"),
    "code": _l("Code"),
}


def both_languages() -> dict[str, dict[str, str]]:
    """Each label of the verification page in Chinese and in English."""
    labels: dict[str, dict[str, str]] = {}
    for language in ("zh", "en"):
        with force_locale(language):
            labels[language] = {key: str(label) for key, label in VERIFY_LABELS.items()}
    return labels


@bp.route("/verify/<code>")
@verify_limited
def verify_page(code: str):
    """What the certificate says and whether it stands, for anyone who scans its QR code (no sign-in)."""
    try:
        certificate = services.find_certificate(code)
    except ContestError as error:
        return render_template("certificates/verify.html", found=None, labels=both_languages(), code=code), error.status
    return render_template(
        "certificates/verify.html",
        found=services.verification(certificate),
        tier_en=render.tier_label(certificate.content, "en"),
        labels=both_languages(),
        code=render.printed_code(certificate.code),
    )


@bp.route("/awards/<id:award_id>/certificate.pdf")
@allowed_on(Award, "award_id", can_download_certificate)
def certificate_download(award_id: int):
    """The award's certificate (getCertificate's), from the team's page or the Awards page."""
    return pdf_response(db.get_or_404(Award, award_id))


@bp.route("/awards/<id:award_id>/revoke", methods=["POST"])
@allowed_on(Award, "award_id", can_manage_award)
def award_revoke(award_id: int):
    """Revoke the award's certificate with a reason (revokeAward's service), back to the Awards page."""
    award = db.get_or_404(Award, award_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_award(award, form.reason.data, actor=current_user, now=utcnow())
        except ContestError as error:
            flash_error(error)
        else:
            flash(_("The certificate of %(number)s is revoked.", number=award.team.number), "success")
    else:
        flash(_("Give the reason for revoking the certificate; the verification page shows it."), "error")
    return redirect(url_for("results.awards", round_id=award.round_id))


@bp.route("/rounds/<id:round_id>/certificates/zip", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
def round_zip(round_id: int):
    """All of the round's certificates in one zip, made as a job (startCertificatesZip's)."""
    job = jobs.start_certificates_zip(db.get_or_404(Round, round_id), actor=current_user)
    return redirect(url_for("jobs.job_page", job_id=job.id))


@bp.route("/contests/<id:contest_id>/certificates", methods=["GET", "POST"])
@allowed_on(Contest, "contest_id", can_edit_contest)
def settings(contest_id: int):
    """Who awards the contest's certificates, and the seal printed on them."""
    contest = db.get_or_404(Contest, contest_id)
    form = CertificateSettingsForm()
    status = 200
    if form.validate_on_submit():
        try:
            upload = form.seal.data
            save_certificate_settings(
                contest,
                issuer=form.issuer.data or "",
                seal=upload.stream if upload and upload.filename else None,
                remove_seal=form.remove_seal.data,
                actor=current_user,
                now=utcnow(),
            )
        except ContestError as error:
            status = show_error_on_form(form, error)
        else:
            flash(_("The certificate settings are saved."), "success")
            return redirect(url_for("certificates.settings", contest_id=contest.id))
    elif not form.is_submitted():
        form.issuer.data = contest.certificate_issuer
    return render_template("certificates/settings.html", contest=contest, form=form), status
