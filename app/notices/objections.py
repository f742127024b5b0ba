"""Objections (异议) to a published round's results: raised during its notice, answered by its organizers.

An objection is confidential: only its author and the contest's organizers ever see it. Each account keeps
at most MAX_OPEN_PER_ACCOUNT objections waiting in one round (and the app's limiter bounds how fast it
sends them), so that the queue stays one the organizers can answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.judging.services import transition_round
from app.links import public_url
from app.mail import bilingual, queue_mail
from app.models import (
    CLOSED,
    DECISIONS,
    DISMISSED,
    OBJECTION_ACTIONS,
    OBJECTION_ANSWERED,
    OBJECTION_OPEN,
    REOPEN_SCORING,
    WITHDRAW_TEAM,
    WITHDRAWN,
    Entry,
    Objection,
    ObjectionFile,
    Round,
    Team,
    User,
)
from app.notices.evidence import MAX_FILES, store_evidence
from app.notices.services import is_open_for_objections, notice_of
from app.permissions import is_organizer
from app.registration.review import withdraw_team
from app.results.services import recompute_published

#: Objections one account may have waiting for an answer in one round.
MAX_OPEN_PER_ACCOUNT = 5
#: The longest reason and reply kept.
TEXT_MAX = 5000


def _text(raw: str | None, field: str, required: str) -> str:
    text = (raw or "").strip()
    if not text:
        raise InvalidDataError(required, fields={field: [_("This is required.")]})
    if len(text) > TEXT_MAX:
        raise InvalidDataError(_("The text is too long."), fields={field: [_("At most %(n)s characters.", n=TEXT_MAX)]})
    return text


def _check_notice_open(round_: Round, now: datetime) -> None:
    if not is_open_for_objections(round_, now):
        notice = notice_of(round_)
        message = (
            _(
                "Objections are taken from %(start)s to %(end)s.",
                start=notice.starts_on.isoformat(),
                end=notice.ends_on.isoformat(),
            )
            if notice is not None and notice.finalized_at is None
            else _("This round's results take no objections.")
        )
        raise StateConflictError(message, code="notice_closed")


def create_objection(round_: Round, *, team_id: int | None, reason: str | None, author: User, now: datetime) -> Objection:
    """Raise an objection to a team's result in the round (`team_id`) or to the whole list (None).

    Only during the round's notice (409 `notice_closed`); the team must be one of the round's (422 at
    `team_id`); a reason is required; an account has at most MAX_OPEN_PER_ACCOUNT waiting here (409
    `too_many_objections`). Audited.
    """
    _check_notice_open(round_, now)
    text = _text(reason, "reason", _("Say what you object to and why."))
    if team_id is not None and not db.session.scalar(
        select(Entry.id).where(Entry.round_id == round_.id, Entry.team_id == team_id)
    ):
        raise InvalidDataError(_("That team is not in this round."), fields={"team_id": [_("Choose a team of this round.")]})
    waiting = db.session.scalar(
        select(func.count(Objection.id)).where(
            Objection.round_id == round_.id, Objection.author_id == author.id, Objection.state == OBJECTION_OPEN
        )
    )
    if waiting >= MAX_OPEN_PER_ACCOUNT:
        raise StateConflictError(
            _(
                "You have %(num)s objections waiting for an answer in this round: wait for an answer before raising another.",
                num=waiting,
            ),
            code="too_many_objections",
        )
    objection = Objection(round_id=round_.id, team_id=team_id, author_id=author.id, reason=text, created_at=now)
    db.session.add(objection)
    db.session.flush()
    audit.record(
        actor=author,
        action="objection.create",
        object_type="objection",
        object_id=objection.id,
        now=now,
        after={"round_id": round_.id, "team_id": team_id},
    )
    return objection


def add_evidence(objection: Objection, stream: IO[bytes], filename: str, *, actor: User, now: datetime) -> ObjectionFile:
    """Add a file of evidence to one's own objection, while it waits and the notice is open (409), at most
    MAX_FILES of them (409 `too_many_files`); the file is checked by `store_evidence` (422). The same file
    twice is kept once."""
    if objection.state != OBJECTION_OPEN:
        raise StateConflictError(_("This objection is answered: it takes no more evidence."), code="objection_answered")
    _check_notice_open(objection.round, now)
    if len(objection.files) >= MAX_FILES:
        raise StateConflictError(
            _("An objection carries at most %(num)s files of evidence.", num=MAX_FILES), code="too_many_files"
        )
    stored, kind = store_evidence(stream)
    same = next((kept for kept in objection.files if kept.sha256 == stored.sha256), None)
    if same is not None:
        return same
    name = " ".join((filename or "").split())[:200]
    evidence = ObjectionFile(
        objection_id=objection.id, filename=name, content_type=kind, size=stored.size, sha256=stored.sha256, uploaded_at=now
    )
    objection.files.append(evidence)
    db.session.flush()
    audit.record(
        actor=actor,
        action="objection.evidence",
        object_type="objection",
        object_id=objection.id,
        now=now,
        after={"file": name, "size": stored.size, "sha256": stored.sha256},
    )
    return evidence


def assign_objection(objection: Objection, user_id: int, *, actor: User, now: datetime) -> Objection:
    """Give a waiting objection to one of the contest's organizers to answer (422 at `user_id` for anyone
    else; 409 once answered). Audited; the colleague gets a mail."""
    if objection.state != OBJECTION_OPEN:
        raise StateConflictError(_("This objection is already answered."), code="objection_answered")
    contest = objection.round.contest
    assignee = db.session.get(User, user_id)
    if assignee is None or not assignee.active or not is_organizer(assignee, contest):
        raise InvalidDataError(
            _("Assign the objection to an organizer of this contest."),
            fields={"user_id": [_("Not an organizer of this contest.")]},
        )
    before = objection.assignee_id
    objection.assignee_id = assignee.id
    db.session.flush()
    audit.record(
        actor=actor,
        action="objection.assign",
        object_type="objection",
        object_id=objection.id,
        now=now,
        before={"assignee_id": before},
        after={"assignee_id": assignee.id},
    )
    link = public_url("notices.objection_show", objection_id=objection.id)
    queue_mail(
        [assignee.email],
        f"【Laurel】{bilingual(contest.language, '请答复异议', 'An objection for you to answer', between=' ')}",
        bilingual(
            contest.language, f"{contest.name} {objection.round.name}：{link}", f"{contest.name}, {objection.round.name}: {link}"
        )
        + "\n",
    )
    return objection


def answer_input(decision: str | None, action: str | None, objection: Objection) -> None:
    """A decision of DECISIONS; an action of OBJECTION_ACTIONS only with an objection upheld (in part or
    whole), and `withdraw_team` only for an objection to a team (422 naming the field)."""
    if decision not in DECISIONS:
        raise InvalidDataError(_("Choose a decision."), fields={"decision": [_("Upheld, partly upheld or dismissed.")]})
    if action is None:
        return
    if action not in OBJECTION_ACTIONS:
        raise InvalidDataError(_("Choose an action."), fields={"action": [_("Withdraw the team, or reopen scoring.")]})
    if decision == DISMISSED:
        raise InvalidDataError(
            _("A dismissed objection changes nothing."), fields={"action": [_("Only an objection upheld takes an action.")]}
        )
    if action == WITHDRAW_TEAM and objection.team_id is None:
        raise InvalidDataError(
            _("This objection is to the whole list: there is no team to withdraw."),
            fields={"action": [_("Only an objection to a team can withdraw it.")]},
        )


def answer_objection(
    objection: Objection, *, decision: str | None, reply: str | None, action: str | None, actor: User, now: datetime
) -> Objection:
    """Answer a waiting objection once (409 `objection_answered` after), with a decision and a reply that the
    objector is mailed (after the commit) and reads on their page.

    An objection upheld (in part or whole) may act on the results: `withdraw_team` withdraws its team and
    computes the published results again without it; `reopen_scoring` sends the round back to closed, as
    reopening does, to be scored, computed and published again. Each change is audited with the objection
    as its reason.
    """
    if objection.state != OBJECTION_OPEN:
        raise StateConflictError(_("This objection is already answered."), code="objection_answered")
    answer_input(decision, action, objection)
    text = _text(reply, "reply", _("Write the reply the objector will read."))
    round_ = objection.round
    if action is not None and round_.status != "published":
        raise StateConflictError(
            _("The round is no longer published: its results cannot be changed from here."), code="round_not_published"
        )
    objection.state, objection.decision, objection.action, objection.reply = OBJECTION_ANSWERED, decision, action, text
    objection.answered_at, objection.answered_by_id = now, actor.id
    db.session.flush()
    audit.record(
        actor=actor,
        action="objection.answer",
        object_type="objection",
        object_id=objection.id,
        now=now,
        before={"state": OBJECTION_OPEN},
        after={"state": OBJECTION_ANSWERED, "decision": decision, "action": action},
    )
    reason = audit.reason_text(_("Objection %(id)s upheld: %(reply)s", id=objection.id, reply=text)[: audit.REASON_MAX])
    if action == WITHDRAW_TEAM:
        team = db.session.get(Team, objection.team_id)
        if team.status != WITHDRAWN:
            withdraw_team(team, reason, actor=actor, now=now)
        recompute_published(round_, reason=reason or "", actor=actor, now=now)
    elif action == REOPEN_SCORING:
        transition_round(round_, CLOSED, actor=actor, now=now, reason=reason)
    _mail_objector(objection)
    return objection


DECISION_TEXTS = {
    "upheld": ("成立", "upheld"),
    "partly_upheld": ("部分成立", "partly upheld"),
    "dismissed": ("不成立", "dismissed"),
}


def _mail_objector(objection: Objection) -> None:
    if objection.author is None:
        return
    contest, round_ = objection.round.contest, objection.round
    chinese, english = DECISION_TEXTS[objection.decision or "dismissed"]
    link = public_url("notices.objection_show", objection_id=objection.id)
    queue_mail(
        [objection.author.email],
        f"【Laurel】{bilingual(contest.language, '异议已答复', 'Your objection is answered', between=' ')}",
        bilingual(
            contest.language,
            f"{contest.name} {round_.name}：您的异议{chinese}。\n{objection.reply}\n{link}",
            f"{contest.name}, {round_.name}: your objection is {english}.\n{objection.reply}\n{link}",
        )
        + "\n",
    )


def objections_seen_by(round_: Round, viewer: User, *, state: str | None = None, assignee_id: int | None = None) -> Any:
    """The statement of the round's objections `viewer` may see, newest first: every one for the contest's
    organizers (filtered by `state` and `assignee_id`), their own for anyone else."""
    statement = (
        select(Objection).where(Objection.round_id == round_.id).order_by(Objection.created_at.desc(), Objection.id.desc())
    )
    if not is_organizer(viewer, round_.contest):
        return statement.where(Objection.author_id == viewer.id)
    if state:
        statement = statement.where(Objection.state == state)
    if assignee_id:
        statement = statement.where(Objection.assignee_id == assignee_id)
    return statement
