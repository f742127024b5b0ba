"""API: getCertificate, revokeAward, verifyCertificate, startCertificatesZip."""

from io import BytesIO

from flask import current_app, send_file
from flask_babel import gettext as _
from flask_login import current_user

from app.api.blueprint import Blueprint
from app.certificates import render, services
from app.certificates.schemas import RevokeInSchema, VerificationSchema
from app.errors import retry_after_text
from app.extensions import db, limiter
from app.jobs import services as jobs
from app.jobs.api import JobStartedSchema, job_started
from app.models import Award, Round, utcnow
from app.permissions import allowed_on, can_download_certificate, can_manage_award, can_manage_round

blp = Blueprint("api_certificates", __name__, url_prefix="/api/v1", description="Certificates: download, revoke, verify")

PDF_RESPONSE_DOC = {
    200: {"description": "the certificate", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
}


def verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def verify_limit_message() -> str:
    return _("Too many certificates checked from your network. Try again in %(wait)s.", wait=retry_after_text())


#: One limit for the page and the API: both answer the same question.
verify_limited = limiter.shared_limit(
    verify_limit, scope="certificate-verify", methods=["GET"], error_message=verify_limit_message
)


def pdf_response(award: Award):
    """The award's certificate as a PDF to download (404 before issue, 410 once revoked)."""
    certificate = services.downloadable(award)
    return send_file(
        BytesIO(render.render_pdf(certificate)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"certificate-{certificate.content['team_number']}-{certificate.code}.pdf",
    )


@blp.route("/awards/<id:award_id>/certificate.pdf", methods=["GET"])
@allowed_on(Award, "award_id", can_download_certificate)
@blp.doc(operationId="getCertificate", responses=PDF_RESPONSE_DOC)
def get_certificate(award_id: int):
    """The award's certificate, rendered in the contest's language: for the team's captain, its members who
    have an account, and the contest's organizers. 404 `no_certificate` before it is issued; 410
    `certificate_revoked` once revoked (the verification page says why)."""
    return pdf_response(db.get_or_404(Award, award_id))


@blp.route("/awards/<id:award_id>/revoke", methods=["POST"])
@allowed_on(Award, "award_id", can_manage_award)
@blp.arguments(RevokeInSchema)
@blp.response(200, VerificationSchema)
@blp.doc(operationId="revokeAward")
def revoke_award(data, award_id: int):
    """Revoke the award's certificate, with a reason the verification page shows (audited)."""
    certificate = services.revoke_award(db.get_or_404(Award, award_id), data["reason"], actor=current_user, now=utcnow())
    return services.verification(certificate)


@blp.route("/certificates/<code>", methods=["GET"])
@verify_limited
@blp.response(200, VerificationSchema)
@blp.doc(operationId="verifyCertificate", security=[{}])
def verify_certificate(code: str):
    """What the certificate under this code says and whether it stands, for anyone (no sign-in; rate limited
    per address). The code may be typed with a dash, spaces, or O for 0; 404 for a code no certificate has."""
    return services.verification(services.find_certificate(code))


@blp.route("/rounds/<id:round_id>/certificates.zip", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.response(202, JobStartedSchema)
@blp.doc(operationId="startCertificatesZip")
def start_certificates_zip(round_id: int):
    """Every standing certificate of the round in one zip (files named by team number), made as a job."""
    return job_started(jobs.start_certificates_zip(db.get_or_404(Round, round_id), actor=current_user))
