"""What every template can use: the navigation for the user's roles, languages, time display."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.audit import action_label
from app.contests.stages import contest_stage
from app.countries import country_name
from app.judging.conflicts import conflict_label
from app.judging.criteria import rule_text
from app.judging.labels import TEMPLATE_FILTERS as ROUND_FILTERS
from app.models import CAPTAIN, COORDINATOR, JUDGE, ORGANIZER
from app.permissions import can_read_audit_log
from scoring.sheets import plain_number

LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
ROLE_LABELS = {
    ORGANIZER: _l("Organizer"),
    COORDINATOR: _l("College coordinator"),
    JUDGE: _l("Judge"),
    CAPTAIN: _l("Team captain"),
}
TEAM_STATUS_LABELS = {
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}
#: Navigation: (endpoint, label, roles that see it (empty means every signed-in user), and the predicate the
#: page asks beyond the role, if any: a link is shown only where it leads in).
NAVIGATION = (
    ("public.dashboard", _l("Dashboard"), (), None),
    ("judging.dashboard", _l("My sheets"), (JUDGE,), None),
    ("contests.index", _l("Contests"), (ORGANIZER,), None),
    ("colleges.index", _l("Colleges"), (ORGANIZER,), None),
    ("audit_log.index", _l("Audit log"), (ORGANIZER,), can_read_audit_log),
    ("api_docs.page", _l("API"), (ORGANIZER,), None),
)


def navigation_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    roles = user.role_names()
    return [
        (endpoint, label)
        for endpoint, label, needed, allowed in NAVIGATION
        if (not needed or roles & set(needed)) and (allowed is None or allowed(user))
    ]


def local_time(moment: datetime | None, timezone: str | None = None) -> str:
    """A time as people read it, in the contest's time zone, with the zone's offset."""
    if moment is None:
        return ""
    zone = ZoneInfo(timezone or current_app.config["TIMEZONE"])
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M (UTC%z)")


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["role_label"] = lambda role: ROLE_LABELS.get(role, role)
    app.jinja_env.filters["team_status"] = lambda status: TEAM_STATUS_LABELS.get(status, status)
    app.jinja_env.filters.update(ROUND_FILTERS)  # round_status, method_label, result_flag, …
    app.jinja_env.filters["conflict"] = conflict_label
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.globals["contest_stage"] = contest_stage
    app.jinja_env.filters["audit_action"] = action_label
    app.jinja_env.filters["data_rule"] = rule_text
    app.jinja_env.filters["plain"] = lambda number: plain_number(Decimal(str(number)))  # stored JSON keeps totals as text

    @app.context_processor
    def laurel_context():
        locale = str(get_locale() or "en")
        return {
            "navigation": navigation_for(current_user),
            "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]],
            "current_language": locale,
            "html_lang": "zh-Hans" if locale.startswith("zh") else locale,
            "current_path": request.full_path.rstrip("?"),
        }
