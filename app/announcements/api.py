"""API: listResultMails, resendResultMails."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user

from app.announcements import services
from app.api.blueprint import Blueprint
from app.api.ids import Id
from app.api.numbers import Integer
from app.extensions import db
from app.jobs.api import JobStartedSchema, job_started
from app.models import MAIL_STATES, OCCASIONS, Round, utcnow
from app.pagination import PageArgsSchema, page_payload, page_schema
from app.permissions import allowed_on, can_manage_round

blp = Blueprint("api_announcements", __name__, url_prefix="/api/v1", description="Telling every team its result by mail")


class ResultMailSchema(ma.Schema):
    team_id = Integer(required=True)
    team_number = ma.fields.Function(lambda mail: mail.team.number, required=True)
    team_name = ma.fields.Function(lambda mail: mail.team.name, required=True)
    occasion = ma.fields.String(required=True, metadata={"description": "published or final"})
    recipients = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "filled in when sent"})
    state = ma.fields.String(required=True, metadata={"description": "queued, sent, bounced (refused for good) or failed"})
    error = ma.fields.String(allow_none=True, metadata={"description": "what the mail server answered"})
    attempts = Integer(required=True)
    queued_at = ma.fields.DateTime(required=True)
    sent_at = ma.fields.DateTime(allow_none=True)


class ResultMailArgsSchema(PageArgsSchema):
    occasion = ma.fields.String(validate=ma.validate.OneOf(OCCASIONS))
    state = ma.fields.String(validate=ma.validate.OneOf(MAIL_STATES))


class ResendInSchema(ma.Schema):
    occasion = ma.fields.String(required=True, validate=ma.validate.OneOf(OCCASIONS))
    team_ids = ma.fields.List(
        Id(), load_default=None, allow_none=True, metadata={"description": "these teams; none: every mail that bounced or failed"}
    )


@blp.route("/rounds/<id:round_id>/result-mails", methods=["GET"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(ResultMailArgsSchema, location="query")
@blp.response(200, page_schema(ResultMailSchema))
@blp.doc(operationId="listResultMails")
def list_result_mails(args, round_id: int):
    """The mail that told each team its result, at publication and at finalization: to whom, and what the mail
    server answered."""
    round_ = db.get_or_404(Round, round_id)
    statement = services.mails_of(round_, occasion=args.get("occasion"), state=args.get("state"))
    return page_payload(db.paginate(statement, page=args["page"], per_page=args["per_page"], error_out=False))


@blp.route("/rounds/<id:round_id>/result-mails/resend", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(ResendInSchema)
@blp.response(202, JobStartedSchema)
@blp.doc(operationId="resendResultMails")
def resend_result_mails(data, round_id: int):
    """Send the occasion's mail again to the teams named, or to every team whose mail bounced or failed, as a
    job (409 `nothing_to_resend` when there is none)."""
    round_ = db.get_or_404(Round, round_id)
    return job_started(services.resend(round_, data["occasion"], team_ids=data["team_ids"], actor=current_user, now=utcnow()).job)
