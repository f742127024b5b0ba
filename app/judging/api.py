"""API: createRound, getRound, updateRound, transitionRound, addEntries, addJudges."""

from flask_login import current_user
from flask_smorest import Blueprint

from app.extensions import db
from app.judging import services
from app.judging.schemas import (
    AddedSchema,
    EntriesInSchema,
    JudgesInSchema,
    RoundInSchema,
    RoundPatchSchema,
    RoundSchema,
    TransitionSchema,
)
from app.models import Contest, Round, utcnow
from app.permissions import allowed_on, can_edit_contest, can_manage_round, can_view_round

blp = Blueprint("api_judging", __name__, url_prefix="/api/v1", description="Rounds, score sheets, judges and scores")


@blp.route("/contests/<int:contest_id>/rounds", methods=["POST"])
@allowed_on(Contest, "contest_id", can_edit_contest)
@blp.arguments(RoundInSchema)
@blp.response(201, RoundSchema)
@blp.doc(operationId="createRound")
def create_round(data, contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    round_ = services.create_round(contest, data, actor=current_user, now=utcnow())
    db.session.commit()
    return round_


@blp.route("/rounds/<int:round_id>", methods=["GET"])
@allowed_on(Round, "round_id", can_view_round)
@blp.response(200, RoundSchema)
@blp.doc(operationId="getRound")
def get_round(round_id: int):
    return db.get_or_404(Round, round_id)


@blp.route("/rounds/<int:round_id>", methods=["PATCH"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(RoundPatchSchema)
@blp.response(200, RoundSchema)
@blp.doc(operationId="updateRound")
def update_round(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    services.update_round(round_, data, actor=current_user, now=utcnow())
    db.session.commit()
    return round_


@blp.route("/rounds/<int:round_id>/status", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(TransitionSchema)
@blp.response(200, RoundSchema)
@blp.doc(operationId="transitionRound")
def transition_round(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    services.transition_round(round_, data["status"], actor=current_user, now=utcnow(), reason=data.get("reason"))
    db.session.commit()
    return round_


@blp.route("/rounds/<int:round_id>/entries", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(EntriesInSchema)
@blp.response(200, AddedSchema)
@blp.doc(operationId="addEntries")
def add_entries(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    added = services.add_entries(round_, team_ids=data.get("team_ids"), all_approved=data["all_approved"],
                                 actor=current_user, now=utcnow())
    db.session.commit()
    return {"added": added}


@blp.route("/rounds/<int:round_id>/judges", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(JudgesInSchema)
@blp.response(200, AddedSchema)
@blp.doc(operationId="addJudges")
def add_judges(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    added = services.add_judges(round_, data["user_ids"], actor=current_user, now=utcnow())
    db.session.commit()
    return {"added": added}
