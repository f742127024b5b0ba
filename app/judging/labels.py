"""How a round's codes read to people, inside sentences too: its status, level, ranking groups and scoring
method, its sheets' states, and its results' flags, sort orders and tie-breaks. Pages and forms take their
labels from here (never the stored code); the workbook and the API keep the codes."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.models import CLOSED, DRAFT, OPEN, PUBLISHED

ROUND_STATUS_LABELS = {DRAFT: _l("draft"), OPEN: _l("open"), CLOSED: _l("closed"), PUBLISHED: _l("published")}
ROUND_LEVEL_LABELS = {
    "school": _l("school level"),
    "provincial": _l("provincial level"),
    "national": _l("national level"),
    "custom": _l("other level"),
}
GROUPING_LABELS = {
    "none": _l("the whole round"),
    "college": _l("each college"),
    "province": _l("each province"),
    "country": _l("each country"),
    "region": _l("each world region"),
}
METHOD_LABELS = {
    "mean": _l("mean of the judges' totals"),
    "trimmed_mean": _l("trimmed mean (drop highest and lowest)"),
    "median": _l("median"),
    "zscore": _l("z-score normalized (labelled, not an official rule)"),
    "adjusted": _l("adjusted for each judge's severity (judge-effect model)"),
}
#: One sentence per method, for the organizer choosing it on the round's form.
METHOD_HELP = {
    "mean": _l("The average of the judges' totals: simple and official, but a team that drew severe judges loses points."),
    "trimmed_mean": _l(
        "The average after dropping the highest and the lowest totals (with at least 5 judges): one extreme judge cannot sway it."
    ),
    "median": _l("The middle total: no single judge can move it, but it uses little of what the other judges gave."),
    "zscore": _l(
        "Each judge's totals measured against their own average and spread: fair to panels that differ in severity, "
        "but it erases real differences between the groups a judge saw."
    ),
    "adjusted": _l(
        "Each total read as the team's quality plus the judge's severity, both estimated at once from every sheet: fair to "
        "severe panels without erasing real differences between groups, as long as the panels are linked by judges they share."
    ),
}
SHEET_STATE_LABELS = {"untouched": _l("Not started"), "draft": _l("Draft"), "submitted": _l("Submitted")}
RESULT_FLAG_LABELS = {
    "disagreement": _l("judges disagree"),
    "disconnected_panels": _l("panels not linked"),
    "few_judges": _l("too few judges"),
    "missing_sheets": _l("sheets missing"),
    "missing_data": _l("data missing"),
    "tie_at_cut": _l("tied at the cut"),
    "tied": _l("tied"),
}
RESULT_SORT_LABELS = {
    "rank": _l("rank"),
    "score": _l("score, highest first"),
    "spread": _l("spread, widest first"),
    "number": _l("team number"),
    "college": _l("college name"),
}


def status_label(status: str) -> str:
    return str(ROUND_STATUS_LABELS.get(status, status))


def tie_break_label(code: str) -> str:
    """`raw_sum` and `criterion:<key>` (scoring.model's tie-breaks) in words; the item's key stays a code."""
    if code == "raw_sum":
        return _("the sum of the judges' totals")
    if code.startswith("criterion:"):
        return _("the score for item %(key)s", key=code.removeprefix("criterion:"))
    return code


def panel_parts_text(parts: list) -> str:
    """A round's separate parts of judges and teams in words: "3 separate parts: 120 teams and 6 judges,
    80 teams and 4 judges, …" (`parts` as `scoring.panels.PanelPart` or [teams, judges] pairs)."""
    sizes = _(", ").join(_("%(teams)s teams and %(judges)s judges", teams=teams, judges=judges) for teams, judges in parts)
    return ngettext("%(num)s part: %(sizes)s", "%(num)s separate parts: %(sizes)s", len(parts), sizes=sizes)


def _label_of(labels: dict):
    return lambda code: str(labels.get(code, code))


#: Jinja filters: `{{ round.aggregation|method_label }}`.
TEMPLATE_FILTERS = {
    "round_status": status_label,
    "round_level": _label_of(ROUND_LEVEL_LABELS),
    "grouping_label": _label_of(GROUPING_LABELS),
    "method_label": _label_of(METHOD_LABELS),
    "method_help": _label_of(METHOD_HELP),
    "panel_parts": panel_parts_text,
    "sheet_state": _label_of(SHEET_STATE_LABELS),
    "result_flag": _label_of(RESULT_FLAG_LABELS),
    "result_sort": _label_of(RESULT_SORT_LABELS),
    "tie_break": tie_break_label,
}
