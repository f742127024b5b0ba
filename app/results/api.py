"""API: computeResults, getResults, advanceTeams, assignAwards, listAwards, updateAward, publishRound, exportRound,
exportResults."""

from typing import Any

from flask_login import current_user

from app.api.blueprint import Blueprint
from app.certificates.services import codes_by_award
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.api import JOB_STARTED_DOC, job_started
from app.judging.schemas import RoundSchema
from app.models import Award, Contest, Round, utcnow
from app.pagination import DEFAULT_PER_PAGE, PageArgsSchema
from app.permissions import allowed_on, can_edit_contest, can_manage_award, can_manage_round, can_view_results, is_organizer
from app.results import advancement, awards, exports, prizes, queries, services, store
from app.results.schemas import (
    AdvanceInSchema,
    AdvanceSchema,
    AwardSchema,
    AwardsInSchema,
    AwardsSchema,
    AwardUpdateInSchema,
    ComputeInSchema,
    ExportArgsSchema,
    PublishInSchema,
    ResultsSchema,
)
from app.spreadsheets import XLSX_RESPONSE_DOC, workbook_response

blp = Blueprint("api_results", __name__, url_prefix="/api/v1", description="Results, advancement, awards and publication")


def results_payload(round_: Round, *, page: int = 1, per_page: int = DEFAULT_PER_PAGE) -> dict[str, Any]:
    """One page of the round's stored results, in rank order; organizers get every judge's total, the spread
    and the flags."""
    snapshot = store.snapshot_of(round_)
    full = is_organizer(current_user, round_.contest)
    rows, total = queries.result_rows(round_, page=page, per_page=per_page) if snapshot else ([], 0)
    show_scores = snapshot.show_scores if snapshot else True
    return {
        "round_id": round_.id,
        "status": round_.status,
        "computed_at": snapshot.computed_at if snapshot else None,
        "rule": snapshot.rule if snapshot and full else {},
        "missing": snapshot.missing if snapshot and full else 0,
        "items": [queries.result_item(row, round_, full=full, show_scores=show_scores) for row in rows],
        "total": total,
        "page": page,
        "per_page": per_page,
    }


def awards_payload(round_: Round, ties: Any = ()) -> dict[str, Any]:
    snapshot = store.snapshot_of(round_)
    names = queries.tier_names(snapshot)
    full = is_organizer(current_user, round_.contest)
    show_scores = full or (snapshot.show_scores if snapshot else True)
    given = prizes.round_prizes(round_)
    codes = codes_by_award(round_)
    items = (
        [
            {
                **award_prize_item(given[row.result.team_id]),
                "certificate_code": codes.get(given[row.result.team_id].id),
                "team_id": row.result.team_id,
                "team_number": row.number,
                "team_name": row.name,
                "college": row.college,
                "member_colleges": row.member_colleges,
                "province": row.province,
                "country": row.country,
                "tier": row.tier,
                "tier_name": names.get(row.tier or "", row.tier),
                "rank": row.result.rank,
                "score": queries.rounded(row.result.score, round_.decimals) if show_scores else None,
            }
            for row in queries.award_rows(round_)
        ]
        if snapshot
        else []
    )
    return {
        "awards": items,
        "ties": [{"tier": tie.tier, "places_left": tie.places_left, "team_ids": list(tie.team_ids)} for tie in ties],
        "totals": [
            {"amount": amount, "currency": currency} for currency, amount in prizes.round_totals(list(given.values())).items()
        ],
    }


def award_prize_item(award: Award) -> dict[str, Any]:
    return {
        "id": award.id,
        "amount": None if award.amount is None else str(award.amount),
        "currency": award.currency,
        "description": award.description,
    }


@blp.route("/rounds/<id:round_id>/results", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(ComputeInSchema)
@blp.response(200, ResultsSchema)
@blp.alt_response(202, **JOB_STARTED_DOC)
@blp.doc(operationId="computeResults")
def post_round_results(data, round_id: int):
    """Compute the round's results; a round of more teams than LAUREL_JOB_THRESHOLD_TEAMS is computed as a
    background job (202 with its id)."""
    round_ = db.get_or_404(Round, round_id)
    if jobs.computes_in_background(round_):
        return job_started(jobs.start_compute(round_, confirm=data["confirm"], actor=current_user))
    services.compute_round_results(round_, confirm=data["confirm"], actor=current_user, now=utcnow())
    return results_payload(round_)


@blp.route("/rounds/<id:round_id>/results", methods=["GET"])
@allowed_on(Round, "round_id", can_view_results, anonymous=True)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ResultsSchema)
@blp.doc(operationId="getResults", security=[{}, {"bearerAuth": []}])
def get_round_results(args, round_id: int):
    """One page of the results, in rank order (`?page=&per_page=`, as every list)."""
    return results_payload(db.get_or_404(Round, round_id), page=args["page"], per_page=args["per_page"])


@blp.route("/rounds/<id:round_id>/advance", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(AdvanceInSchema)
@blp.response(200, AdvanceSchema)
@blp.doc(operationId="advanceTeams")
def advance_teams(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    to_round = db.get_or_404(Round, data["to_round_id"])
    outcome = advancement.advance_teams(round_, to_round, advancement.advancement_input(data), actor=current_user, now=utcnow())
    return {
        "advanced": list(outcome.advanced),
        "ties": [{"group": tie.group, "places_left": tie.places_left, "team_ids": list(tie.team_ids)} for tie in outcome.ties],
    }


@blp.route("/rounds/<id:round_id>/awards", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(AwardsInSchema)
@blp.response(200, AwardsSchema)
@blp.doc(operationId="assignAwards")
def assign_awards(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    rule = awards.award_rule_input(round_, data["tiers"], data["ties"], data["overrides"])
    outcome = awards.assign_awards(round_, rule, actor=current_user, now=utcnow())
    return awards_payload(round_, outcome.ties)


@blp.route("/rounds/<id:round_id>/awards", methods=["GET"])
@allowed_on(Round, "round_id", can_view_results, anonymous=True)
@blp.response(200, AwardsSchema)
@blp.doc(operationId="listAwards", security=[{}, {"bearerAuth": []}])
def list_awards(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    return awards_payload(round_, awards.award_ties(round_) if is_organizer(current_user, round_.contest) else ())


@blp.route("/awards/<id:award_id>", methods=["PATCH"])
@allowed_on(Award, "award_id", can_manage_award)
@blp.arguments(AwardUpdateInSchema)
@blp.response(200, AwardSchema)
@blp.doc(operationId="updateAward")
def update_award(data, award_id: int):
    """Set one recipient's own amount (grants may differ per recipient), audited with the reason."""
    award = db.get_or_404(Award, award_id)
    round_ = db.get_or_404(Round, award.round_id)
    prizes.update_award(award, data, actor=current_user, now=utcnow())
    row = next(row for row in queries.award_rows(round_) if row.result.team_id == award.team_id)
    return {
        **award_prize_item(award),
        "certificate_code": codes_by_award(round_).get(award.id),
        "team_id": award.team_id,
        "team_number": row.number,
        "team_name": row.name,
        "college": row.college,
        "member_colleges": row.member_colleges,
        "province": row.province,
        "country": row.country,
        "tier": award.tier,
        "tier_name": queries.tier_names(store.snapshot_of(round_)).get(award.tier, award.tier),
        "rank": row.result.rank,
        "score": queries.rounded(row.result.score, round_.decimals),
    }


@blp.route("/rounds/<id:round_id>/publish", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(PublishInSchema)
@blp.response(200, RoundSchema)
@blp.doc(operationId="publishRound")
def publish_round(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    services.publish_round(
        round_,
        show_scores=data["show_scores"],
        notice=data["notice"],
        tell_teams=data["tell_teams"],
        actor=current_user,
        now=utcnow(),
    )
    return round_


@blp.route("/rounds/<id:round_id>/export.xlsx", methods=["GET"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(ExportArgsSchema, location="query")
@blp.doc(operationId="exportRound", responses=XLSX_RESPONSE_DOC)
def export_round(args, round_id: int):
    """The results workbook: Awards, Ranking, Scores, Judges and About (409 before results exist)."""
    round_ = db.get_or_404(Round, round_id)
    sheets = exports.round_workbook(round_, generated_by=current_user.name, now=utcnow(), judge_names=args["judge_names"])
    return workbook_response(sheets, f"results-round-{round_.id}.xlsx")


@blp.route("/contests/<id:contest_id>/results/export.xlsx", methods=["GET"])
@allowed_on(Contest, "contest_id", can_edit_contest)
@blp.doc(operationId="exportContestResults", responses=XLSX_RESPONSE_DOC)
def export_contest_results(contest_id: int):
    """Every round's ranking and prize list in one workbook."""
    contest = db.get_or_404(Contest, contest_id)
    sheets = exports.contest_workbook(contest, generated_by=current_user.name, now=utcnow())
    return workbook_response(sheets, f"results-contest-{contest.id}.xlsx")
