"""A round's score sheet: its items (criteria) as organizers define them, checked, and the rule of a data item.

An item is scored by the judges on their sheets (``source: "judges"``, the default) or takes its values from a
data import (``source: "data"``, `app.judging.metrics`), turned into points by its rule (`scoring.data`):
``{"kind": "linear", "floor", "cap"}`` or ``{"kind": "rank"}``. Judges never see a data item.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Criterion, MetricValue, Round
from scoring.data import LINEAR, RANK, RULE_KINDS, DataItem

CRITERION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
MAX_CRITERIA = 20
JUDGES, DATA = "judges", "data"
SOURCES = (JUDGES, DATA)
#: The bound of a linear rule's floor and cap: what the imported values' column holds (Numeric(18, 4)).
RULE_BOUND = Decimal("1e14")


def decimal_of(value: Any) -> Decimal | None:
    """A finite decimal from a number or its text; None for anything else (booleans included)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def places(number: Decimal) -> int:
    """Decimals once trailing zeros are dropped: the columns keep 2 (maximum, step) or 4 (weight).

    >>> places(Decimal("10.50")), places(Decimal("1E+298")), places(Decimal("0.0001"))
    (1, 0, 4)
    """
    return max(0, -int(number.normalize().as_tuple().exponent))


def check_criteria(rows: Sequence[Mapping[str, Any]], fields: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Each item has a key (a-z, digits, _), a name, a maximum (at most 1000), a weight (at most 100)
    and a step (at most 100), all positive and with no more decimals than their columns keep (2, 4, 2);
    the maximum is a multiple of the step; keys are unique. A data item has a rule (`check_rule`); a
    judges' item has none. Problems are added to `fields` by the field they concern."""
    criteria: list[dict[str, Any]] = []
    if not 1 <= len(rows) <= MAX_CRITERIA:
        fields.setdefault("criteria", []).append(_("A score sheet has 1 to %(n)s items.", n=MAX_CRITERIA))
    seen: set[str] = set()
    for index, row in enumerate(rows):
        prefix = f"criteria.{index}"
        key = str(row.get("key") or "").strip()
        if not CRITERION_KEY.match(key):
            fields.setdefault(f"{prefix}.key", []).append(_("A key is lowercase letters, digits and _, starting with a letter."))
        elif key in seen:
            fields.setdefault(f"{prefix}.key", []).append(_("The key %(key)s is used twice.", key=key))
        seen.add(key)
        name = " ".join(str(row.get("name") or "").split())
        if not name or len(name) > 60:
            fields.setdefault(f"{prefix}.name", []).append(_("Enter a name of at most 60 characters."))
        maximum, weight = decimal_of(row.get("max")), decimal_of(row.get("weight", 1))
        step = decimal_of(row.get("step") if row.get("step") is not None else "0.01")
        good_maximum = maximum is not None and Decimal(0) < maximum <= 1000 and places(maximum) <= 2
        good_step = step is not None and Decimal(0) < step <= 100 and places(step) <= 2
        if not good_maximum:
            fields.setdefault(f"{prefix}.max", []).append(
                _("The maximum is a number above 0 and at most 1000, with at most 2 decimals.")
            )
        if weight is None or not Decimal(0) < weight <= 100 or places(weight) > 4:
            fields.setdefault(f"{prefix}.weight", []).append(
                _("The weight is a number above 0 and at most 100, with at most 4 decimals.")
            )
        if not good_step:
            fields.setdefault(f"{prefix}.step", []).append(_("The step is a number above 0, such as 0.5."))
        elif good_maximum and maximum % step != 0:  # both in range: the division is exact
            fields.setdefault(f"{prefix}.step", []).append(
                _("The maximum %(max)s is not a multiple of the step %(step)s.", max=maximum, step=step)
            )
        source = row.get("source") or JUDGES
        if source not in SOURCES:
            fields.setdefault(f"{prefix}.source", []).append(_("Choose one of: %(choices)s.", choices=", ".join(SOURCES)))
        rule = check_rule(row.get("rule"), f"{prefix}.rule", fields) if source == DATA else None
        if source == JUDGES and row.get("rule"):
            fields.setdefault(f"{prefix}.rule", []).append(_("Only an item whose source is data has a rule."))
        criteria.append(
            {
                "key": key,
                "name": name,
                "name_en": " ".join(str(row.get("name_en") or "").split())[:60],
                "description": str(row.get("description") or "").strip(),
                "max": maximum,
                "weight": weight,
                "step": step,
                "source": source,
                "rule": rule,
                "position": index,
            }
        )
    return criteria


def check_rule(rule: Any, name: str, fields: dict[str, list[str]]) -> dict[str, str] | None:
    """A data item's rule as stored ({"kind": "rank"} or {"kind": "linear", "floor": "…", "cap": "…"}, the
    numbers as text so that they stay exact in JSON), or None with its problem added to `fields`: no rule,
    an unknown kind, a floor or cap missing, not a number or beyond ±10^14, or a cap equal to the floor
    (a cap below the floor means lower is better)."""
    if not isinstance(rule, Mapping) or rule.get("kind") not in RULE_KINDS:
        fields.setdefault(f"{name}.kind", []).append(_("A data item needs a rule: linear (with a floor and a cap) or rank."))
        return None
    if rule["kind"] == RANK:
        return {"kind": RANK}
    bounds = {}
    for part in ("floor", "cap"):
        number = decimal_of(rule.get(part))
        if number is None or abs(number) >= RULE_BOUND or places(number) > 4:
            fields.setdefault(f"{name}.{part}", []).append(
                _("A linear rule's floor and cap are numbers below 10^14, with at most 4 decimals.")
            )
        else:
            bounds[part] = number
    if len(bounds) < 2:
        return None
    if bounds["floor"] == bounds["cap"]:
        fields.setdefault(f"{name}.cap", []).append(
            _("The cap must differ from the floor (a cap below the floor means lower is better).")
        )
        return None
    return {"kind": LINEAR, "floor": format(bounds["floor"].normalize(), "f"), "cap": format(bounds["cap"].normalize(), "f")}


def data_item(criterion: Criterion) -> DataItem:
    """A data criterion as `scoring.data` applies it."""
    rule = criterion.rule or {}
    floor, cap = decimal_of(rule.get("floor")), decimal_of(rule.get("cap"))
    return DataItem(criterion.key, criterion.max, criterion.weight, rule.get("kind", RANK), floor, cap)


def rule_text(rule: Mapping[str, Any] | None) -> str:
    """A data item's rule in words, for the organizers' and the team's pages and the workbook's About sheet."""
    if not rule:
        return ""
    if rule.get("kind") == RANK:
        return _("by rank among the round's teams: the best gets the maximum, the last 0, evenly between")
    floor, cap = decimal_of(rule.get("floor")), decimal_of(rule.get("cap"))
    words = _("linear: %(floor)s or less gives 0, %(cap)s or more the maximum, evenly between")
    if floor is not None and cap is not None and cap < floor:
        words = _("linear, lower is better: %(floor)s or more gives 0, %(cap)s or less the maximum, evenly between")
    return words % {"floor": _plain(floor), "cap": _plain(cap)}


def _plain(number: Decimal | None) -> str:
    return "" if number is None else format(number.normalize(), "f")


def criterion_snapshot(criterion: Criterion | Mapping[str, Any]) -> dict[str, Any]:
    """An item as the audit trail and the sheet's lock compare it."""
    get = criterion.get if isinstance(criterion, Mapping) else lambda name: getattr(criterion, name)
    snapshot = {
        name: str(get(name)) if name in ("max", "weight", "step") else get(name)
        for name in ("key", "name", "max", "weight", "step")
    }
    if (get("source") or JUDGES) == DATA:
        snapshot.update(source=DATA, rule=get("rule"))
    return snapshot


def keep_metric_values(round_: Round) -> list[dict[str, Any]]:
    """The round's imported values by item key, read before its criteria are replaced (which deletes them),
    for `restore_metric_values` to put back on the new items of the same key that still take data."""
    rows = db.session.execute(
        select(Criterion.key, MetricValue.team_id, MetricValue.value, MetricValue.imported_at, MetricValue.imported_by_id)
        .join(Criterion, Criterion.id == MetricValue.criterion_id)
        .where(MetricValue.round_id == round_.id)
    ).all()
    return [row._asdict() for row in rows]


def restore_metric_values(round_: Round, kept: list[dict[str, Any]]) -> None:
    """Put the values `keep_metric_values` read back on the round's data items of the same key."""
    by_key = {criterion.key: criterion.id for criterion in round_.data_criteria}
    for row in kept:
        if row["key"] in by_key:
            db.session.add(
                MetricValue(
                    round_id=round_.id,
                    criterion_id=by_key[row["key"]],
                    team_id=row["team_id"],
                    value=row["value"],
                    imported_at=row["imported_at"],
                    imported_by_id=row["imported_by_id"],
                )
            )
