"""Making a round's results final, and what follows in the same transaction: each award's certificate, and the
mail telling each team its final result.

Apart from `services.py` because certificates read the results, which read the notice: the step that needs
both sits above them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.announcements.services import start_announcement
from app.certificates.services import issue_certificates
from app.errors import ContestError
from app.extensions import db
from app.models import AT_FINALIZATION, PUBLISHED, Notice, Round, User
from app.notices.services import finalize_round, local_today, open_objections


def finalize_results(round_: Round, *, actor: User | None, now: datetime) -> Notice:
    """Finalize the round (`app.notices.services.finalize_round`: its refusals), then issue a certificate to
    each award and, when the teams were told at publication, mail each its final result after the commit."""
    notice = finalize_round(round_, actor=actor, now=now)
    issue_certificates(round_, actor=actor, now=now)
    if notice.tell_teams:
        start_announcement(round_, AT_FINALIZATION, actor=actor)
    return notice


def finalize_due(now: datetime) -> int:
    """Finalize, in the system's name, each round whose notice has ended with no objection waiting: its results
    are already final on read (`notice_state`), and this issues its certificates and mails without waiting for
    the organizer's press. Each round commits on its own, so that one refusal does not hold back the others.
    Run by every job worker now and then, and by `flask notices finalize-due`."""
    # A day of slack: the contests' time zones are ahead of or behind UTC by less than one.
    ended = db.session.scalars(
        select(Notice)
        .join(Round, Round.id == Notice.round_id)
        .where(Notice.finalized_at.is_(None), Notice.ends_on < (now + timedelta(days=1)).date(), Round.status == PUBLISHED)
        .order_by(Notice.id)
    ).all()
    finalized = 0
    for notice in ended:
        round_ = notice.round
        if local_today(round_, now) <= notice.ends_on or open_objections(round_):
            continue
        # Every worker sweeps: the notice's row, locked, is one worker's (another skips it), and read afresh.
        mine = db.session.scalar(
            select(Notice)
            .where(Notice.id == notice.id, Notice.finalized_at.is_(None))
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        if mine is None:
            db.session.rollback()
            continue
        try:
            finalize_results(round_, actor=None, now=now)
            db.session.commit()
            finalized += 1
        except ContestError:  # finalized by its organizer meanwhile
            db.session.rollback()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("could not finalize round %s after its notice", round_.id)
    return finalized
