"""Results pages: the organizer's table (compute, publish, reopen), judge statistics, advancement,
awards, and the public results of a published round."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.certificates.forms import RevokeForm
from app.certificates.services import certificates_by_award
from app.errors import ContestError
from app.extensions import db
from app.forms import flash_error, show_error_on_form
from app.jobs import services as jobs
from app.judging.services import transition_round
from app.models import CLOSED, PUBLISHED, TIER_KEYS, Award, Contest, Round, utcnow
from app.money import money_text
from app.notices.services import notice_payload
from app.pagination import PageOf, page_numbers
from app.permissions import allowed_on, can_edit_contest, can_manage_award, can_manage_round, can_view_results
from app.results import advancement, charts, gather, prizes, queries, services, store
from app.results.awards import assign_awards, award_rule_input, award_ties, plan_awards
from app.results.forms import AdvanceForm, AwardPrizeForm, ComputeForm, PublishForm, ReopenForm, awards_form_class

bp = Blueprint("results", __name__)


@bp.route("/rounds/<id:round_id>/results", methods=["GET", "POST"])
@allowed_on(Round, "round_id", can_manage_round)
def results_table(round_id: int):
    """The round's ranking with each judge's total, spread and flags; compute, publish and reopen."""
    round_ = db.get_or_404(Round, round_id)
    compute_form, publish_form, reopen_form = (
        ComputeForm(prefix="compute"),
        PublishForm(prefix="publish"),
        ReopenForm(prefix="reopen"),
    )
    missing: list[dict] = []
    now = utcnow()
    status = 200
    try:
        if compute_form.compute.data and compute_form.validate_on_submit():
            if jobs.computes_in_background(round_):
                job = jobs.start_compute(round_, confirm=compute_form.confirm.data, actor=current_user)
                return redirect(url_for("jobs.job_page", job_id=job.id))
            snapshot = services.compute_round_results(round_, confirm=compute_form.confirm.data, actor=current_user, now=now)
            flash(
                ngettext("Results computed for %(num)s team.", "Results computed for %(num)s teams.", snapshot.teams), "success"
            )
            return redirect(url_for("results.results_table", round_id=round_.id))
        if publish_form.publish.data and publish_form.validate_on_submit():
            services.publish_round(
                round_,
                show_scores=publish_form.show_scores.data,
                notice=publish_form.notice_input(),
                tell_teams=publish_form.tell_teams.data,
                actor=current_user,
                now=now,
            )
            flash(_("The results are published."), "success")
            return redirect(url_for("results.results_table", round_id=round_.id))
        if reopen_form.reopen.data and reopen_form.validate_on_submit():
            transition_round(round_, CLOSED, actor=current_user, now=now, reason=reopen_form.reason.data)
            flash(_("The round is reopened (closed): results can be computed again."), "success")
            return redirect(url_for("results.results_table", round_id=round_.id))
    except ContestError as error:
        missing = error.details.get("missing", []) if error.details else []
        shown_on = reopen_form if reopen_form.reopen.data else publish_form if publish_form.publish.data else compute_form
        status = show_error_on_form(shown_on, error)
    snapshot = store.snapshot_of(round_)
    args = {
        "q": request.args.get("q", ""),
        "flag": request.args.get("flag", ""),
        "province": request.args.get("province", ""),
        "sort": request.args.get("sort", "rank"),
    }
    page, per_page = page_numbers()
    rows, total = queries.result_rows(round_, **args, page=page, per_page=per_page) if snapshot else ([], 0)
    judges = sorted({judge_id for row in rows for judge_id, _total in row.result.judge_totals})
    return render_template(
        "results/table.html",
        round=round_,
        snapshot=snapshot,
        rows=rows,
        pagination=PageOf(rows, total, page, per_page),
        judges=judges,
        args=args,
        flags=queries.FLAG_FILTERS,
        sorts=list(queries.SORTS),
        missing=missing,
        compute_form=compute_form,
        publish_form=publish_form,
        reopen_form=reopen_form,
        notice=notice_payload(round_, now),
        tier_names=queries.tier_names(snapshot),
        judge_code=queries.judge_code,
        rounded=lambda value: queries.rounded(value, round_.decimals),
    ), status


@bp.route("/rounds/<id:round_id>/results/judges")
@allowed_on(Round, "round_id", can_manage_round)
def judge_statistics(round_id: int):
    """Each judge's count, mean, spread, severity and correlation, with a box plot of their totals."""
    round_ = db.get_or_404(Round, round_id)
    snapshot = store.snapshot_of(round_)
    stats = store.judge_stats(round_) if snapshot else []
    names = queries.judge_names([stat.judge_id for stat in stats])
    return render_template(
        "results/judges.html",
        round=round_,
        snapshot=snapshot,
        stats=stats,
        names=names,
        chart=charts.box_plots(stats, names, scale_max=gather.scale_max(round_)),
        judge_code=queries.judge_code,
    )


@bp.route("/rounds/<id:round_id>/advance", methods=["GET", "POST"])
@allowed_on(Round, "round_id", can_manage_round)
def advance(round_id: int):
    """Choose the rule, preview who advances and the ties at the cut, then confirm."""
    round_ = db.get_or_404(Round, round_id)
    form = AdvanceForm()
    others = db.session.scalars(
        select(Round).where(Round.contest_id == round_.contest_id, Round.id != round_.id).order_by(Round.created_at)
    ).all()
    form.to_round_id.choices = [SelectChoice(other.id, other.name) for other in others]
    preview = None
    status = 200
    if form.validate_on_submit():
        try:
            rule = advancement.advancement_input(form.rule())
            if form.confirm.data:
                to_round = db.get_or_404(Round, form.to_round_id.data)
                outcome = advancement.advance_teams(round_, to_round, rule, actor=current_user, now=utcnow())
                flash(
                    ngettext(
                        "%(num)s team advances to %(round)s.",
                        "%(num)s teams advance to %(round)s.",
                        len(outcome.advanced),
                        round=to_round.name,
                    ),
                    "success",
                )
                return redirect(
                    url_for("results.results_table", round_id=round_.id, flag="" if not outcome.ties else "tie_at_cut")
                )
            preview = advancement.plan_advancement(round_, rule)
        except ContestError as error:
            status = show_error_on_form(form, error)
    elif not form.is_submitted():
        form.per.data = round_.grouping
    teams = queries.team_labels(
        round_,
        [
            *(preview.advanced if preview else ()),
            *(team_id for tie in (preview.ties if preview else ()) for team_id in tie.team_ids),
        ],
    )
    return render_template(
        "results/advance.html",
        round=round_,
        form=form,
        preview=preview,
        teams=teams,
        snapshot=store.snapshot_of(round_),
        has_targets=bool(others),
        group_names=queries.group_names(form.per.data or "none", [tie.group for tie in preview.ties] if preview else []),
    ), status


@bp.route("/rounds/<id:round_id>/awards", methods=["GET", "POST"])
@allowed_on(Round, "round_id", can_manage_round)
def awards(round_id: int):
    """Choose tiers by count or share, preview, settle each tied group by choosing, then confirm."""
    round_ = db.get_or_404(Round, round_id)
    snapshot = store.snapshot_of(round_)
    form = awards_form_class([])()
    preview = None
    rule = None
    tie_groups: tuple = ()
    tie_ids: list[int] = []
    status = 200
    if form.validate_on_submit():
        try:
            # The tied groups depend on the tiers; the form then gets a choice for each team in them.
            rule = award_rule_input(round_, prizes.with_stored_prizes(round_, form.tiers()), form.ties.data)
            preview = plan_awards(round_, rule)
            tie_groups = preview.ties
            tie_ids = [team_id for tie in tie_groups for team_id in tie.team_ids]
            form = awards_form_class(tie_ids)()
            form.validate()
            rule = award_rule_input(round_, prizes.with_stored_prizes(round_, form.tiers()), form.ties.data, form.overrides())
            if form.confirm.data:
                outcome = assign_awards(round_, rule, actor=current_user, now=utcnow())
                flash(awards_given_message(len(outcome.awards), len(outcome.ties)), "error" if outcome.ties else "success")
                return redirect(url_for("results.awards", round_id=round_.id))
            if rule["overrides"]:
                preview = plan_awards(round_, rule)  # the choices made so far, shown in the preview
        except ContestError as error:
            status = show_error_on_form(
                form, error, renames={f"overrides.{index}.reason": "reason" for index in range(len(tie_ids))}
            )
    elif not form.is_submitted() and snapshot and snapshot.award_rule:
        form.ties.data = snapshot.award_rule["ties"]
        for tier in snapshot.award_rule["tiers"]:
            if tier["key"] in TIER_KEYS:
                form[f"count_{tier['key']}"].data = tier.get("count")
                form[f"share_{tier['key']}"].data = tier.get("share")
    shown = preview.awards if preview else {}
    teams = queries.team_labels(round_, [*shown, *tie_ids])
    return render_template(
        "results/awards.html",
        round=round_,
        snapshot=snapshot,
        form=form,
        preview=preview,
        teams=teams,
        tie_ids=tie_ids,
        tie_groups=tie_groups,
        current=queries.award_rows(round_) if snapshot else [],
        **prize_context(round_),
        tier_keys=TIER_KEYS,
        preview_order=queries.tier_order(rule) if preview else [],
        tier_names=queries.tier_names(snapshot),
        stored_ties=award_ties(round_) if not preview else (),
        published=round_.status == PUBLISHED,
        certificates=certificates_by_award(round_),
        revoke_form=RevokeForm(),
        rounded=lambda value: queries.rounded(value, round_.decimals),
    ), status


@bp.route("/awards/<id:award_id>", methods=["POST"])
@allowed_on(Award, "award_id", can_manage_award)
def award_update(award_id: int):
    """One recipient's own amount, currency or description, from the Awards page (updateAward's service)."""
    award = db.get_or_404(Award, award_id)
    form = AwardPrizeForm()
    if form.validate_on_submit():
        try:
            prizes.update_award(award, form.to_input(), actor=current_user, now=utcnow())
        except ContestError as error:
            flash_error(error)
        else:
            flash(_("The award of %(number)s is saved.", number=award.team.number), "success")
    else:
        flash(_("The award was not saved: the form was incomplete or expired; try again."), "error")
    return redirect(url_for("results.awards", round_id=award.round_id))


def prize_context(round_: Round) -> dict:
    """What the round's awards carry, for the pages: `given` (team_id → award), `carries` (whether any award
    has an amount or a description: the column shows only then), the `totals` per currency, and `money` to
    write an amount in the reader's language."""
    given = prizes.round_prizes(round_)
    return {
        "given": given,
        "carries": any(award.amount is not None or award.description for award in given.values()),
        "totals": prizes.round_totals(list(given.values())),
        "money": money_text,
        "prize_form": AwardPrizeForm(),
    }


def awards_given_message(teams: int, unsettled: int) -> str:
    given = ngettext("Awards given to %(num)s team.", "Awards given to %(num)s teams.", teams)
    if not unsettled:
        return given
    return " ".join(
        (given, ngettext("%(num)s tied group is still to settle.", "%(num)s tied groups are still to settle.", unsettled))
    )


@bp.route("/rounds/<id:round_id>/results/export", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
def round_export(round_id: int):
    """The round's results workbook (the same as exportRound), made as a background job."""
    judge_names = request.args.get("judge_names") == "1"
    job = jobs.start_export("round", actor=current_user, round_id=round_id, judge_names=judge_names)
    return redirect(url_for("jobs.job_page", job_id=job.id))


@bp.route("/contests/<id:contest_id>/results/export", methods=["POST"])
@allowed_on(Contest, "contest_id", can_edit_contest)
def contest_export(contest_id: int):
    """Every round's ranking and prize list in one workbook, made as a background job."""
    job = jobs.start_export("contest_results", actor=current_user, contest_id=contest_id)
    return redirect(url_for("jobs.job_page", job_id=job.id))


@bp.route("/results/rounds/<id:round_id>")
@allowed_on(Round, "round_id", can_view_results, anonymous=True)
def public_results(round_id: int):
    """A published round for everyone: the prize list, then the ranking (scores only if shown)."""
    round_ = db.get_or_404(Round, round_id)
    snapshot = store.snapshot_of(round_)
    page, per_page = page_numbers(100)
    rows, total = queries.result_rows(round_, q=request.args.get("q", ""), page=page, per_page=per_page) if snapshot else ([], 0)
    return render_template(
        "results/public.html",
        round=round_,
        snapshot=snapshot,
        awards=queries.award_rows(round_) if snapshot else [],
        **prize_context(round_),
        rows=rows,
        pagination=PageOf(rows, total, page, per_page),
        tier_names=queries.tier_names(snapshot),
        show_scores=bool(snapshot and snapshot.show_scores),
        notice=notice_payload(round_, utcnow()),
        q=request.args.get("q", ""),
        rounded=lambda value: queries.rounded(value, round_.decimals),
    )
