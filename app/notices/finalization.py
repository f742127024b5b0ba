"""Making a round's results final, and what follows in the same transaction: each award's certificate.

Apart from `services.py` because certificates read the results, which read the notice: the step that needs
both sits above them.
"""

from __future__ import annotations

from datetime import datetime

from app.certificates.services import issue_certificates
from app.models import Notice, Round, User
from app.notices.services import finalize_round


def finalize_results(round_: Round, *, actor: User | None, now: datetime) -> Notice:
    """Finalize the round (`app.notices.services.finalize_round`: its refusals), then issue a certificate to
    each award. A notice that ends with no objection open makes the results final without this step (the state
    is computed on read); its certificates wait for the organizer's finalization, allowed from then on."""
    notice = finalize_round(round_, actor=actor, now=now)
    issue_certificates(round_, actor=actor, now=now)
    return notice
