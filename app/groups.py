"""The group a team is ranked in, or advances from, under a round's grouping (`app.models.GROUPINGS`)."""

from __future__ import annotations

from app.regions import region_of


def group_key(grouping: str, *, college_id: int | None, province: str | None, country: str | None = None) -> str:
    """The group a team is ranked in under `grouping`: its college's id, its province's name, its country code,
    its country's world region (M49 code, `app.regions`), or "" (one group for all; also the group of the
    entrants without a college, or without a province, in a grouping by either)."""
    if grouping == "college":
        return "" if college_id is None else str(college_id)
    if grouping == "province":
        return province or ""
    if grouping == "country":
        return country or ""
    if grouping == "region":
        return region_of(country)
    return ""
