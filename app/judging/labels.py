"""How a round's status reads to people, inside sentences too."""

from flask_babel import lazy_gettext as _l

from app.models import CLOSED, DRAFT, OPEN, PUBLISHED

ROUND_STATUS_LABELS = {DRAFT: _l("draft"), OPEN: _l("open"), CLOSED: _l("closed"), PUBLISHED: _l("published")}


def status_label(status: str) -> str:
    return str(ROUND_STATUS_LABELS.get(status, status))
