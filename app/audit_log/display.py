"""How an audit event reads on the page and in the export: who, which object, before → after.

Values are the JSON snapshots services record. The page shows what changed, compactly: when both
sides are objects, only the keys whose values differ, as `key: value`; the summary is cut at
`SUMMARY_CHARS`. When the summary is not the whole value, the whole value is kept to show,
pretty-printed, on demand. The export writes whole values, as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

SUMMARY_CHARS = 80
#: A spreadsheet cell holds at most 32,767 characters; longer values are cut (the log keeps them whole).
MAX_CELL_CHARS = 32_000
ELLIPSIS = "…"

#: Object kinds as people read them; a kind not listed is shown as it is recorded.
OBJECT_TYPE_LABELS = {
    "assignment": _l("Assignment"),
    "college": _l("College"),
    "contest": _l("Contest"),
    "judge": _l("Judge"),
    "round": _l("Round"),
    "score_sheet": _l("Score sheet"),
    "team": _l("Team"),
    "user": _l("User"),
}
#: Object kinds with a page of their own: kind -> (endpoint, its id argument).
OBJECT_PAGES = {
    "contest": ("public.contest", "contest_id"),
    "round": ("judging.round_show", "round_id"),
    "team": ("registration.team_show", "team_id"),
}
_MISSING = object()


def object_type_label(object_type: str) -> str:
    return str(OBJECT_TYPE_LABELS.get(object_type, object_type))


def json_text(value: Any) -> str:
    """A recorded value on one line, Chinese kept readable (not \\u-escaped)."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def cell_text(value: Any) -> str:
    """A recorded value for a spreadsheet cell: one line of JSON, cut to what a cell holds."""
    if value is None:
        return ""
    text = json_text(value)
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS] + ELLIPSIS


@dataclass(frozen=True)
class ShownValue:
    """One side of a change: the `summary` the row shows, and the `whole` value (pretty-printed)
    when the summary is only part of it."""

    summary: str
    whole: str | None = None


def summary_text(value: Any) -> str:
    """A value as one readable line: an object as `key: value, ...`, strings unquoted inside it."""
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item if isinstance(item, str) else json_text(item)}" for key, item in value.items())
    return json_text(value)


def _shown(value: Any, keys: list[str] | None) -> ShownValue | None:
    if value is None:
        return None
    summary = summary_text({key: value[key] for key in keys if key in value} if keys is not None else value) or "—"
    cut = len(summary) > SUMMARY_CHARS
    if cut:
        summary = summary[: SUMMARY_CHARS - 1] + ELLIPSIS
    if keys is None and not cut:
        return ShownValue(summary)
    return ShownValue(summary, json.dumps(value, ensure_ascii=False, indent=2, default=str))


def changed_keys(before: Any, after: Any) -> list[str] | None:
    """The keys whose values differ, in the order they were recorded, when both sides are objects
    and some but not all keys differ; None when the whole values are the change."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return None
    keys = list(dict.fromkeys([*before, *after]))
    changed = [key for key in keys if before.get(key, _MISSING) != after.get(key, _MISSING)]
    return changed if changed and len(changed) < len(keys) else None


@dataclass(frozen=True)
class EventView:
    """An audit row as the page shows it."""

    row: Any
    before: ShownValue | None
    after: ShownValue | None
    object_label: str
    object_url: str | None


def event_view(row: Any) -> EventView:
    keys = changed_keys(row.before, row.after)
    page = OBJECT_PAGES.get(row.object_type)
    url = url_for(page[0], **{page[1]: row.object_id}) if page is not None and row.object_id is not None else None
    return EventView(
        row=row,
        before=_shown(row.before, keys),
        after=_shown(row.after, keys),
        object_label=object_type_label(row.object_type),
        object_url=url,
    )
