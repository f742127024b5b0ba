"""What a round asks its entrants to hand in: the shape of `Round.requirements`, checked in one place.

A requirement is `{key, name, kind: "file"|"link", types, max_mb, max_pages, required}`. Its key names the
item across versions and rounds: a later round that lists the same key reuses the work the team handed in
for the round before it (`app.works.queries.judged_works`) unless the team hands in a new one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.errors import StateConflictError
from app.extensions import db
from app.models import DRAFT, WORK_KINDS, Round, Work

REQUIREMENT_KEY = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
MAX_REQUIREMENTS = 10
#: A page limit above this is no limit a judge can read to; and the page walk stops here.
MAX_PAGES = 2000


@dataclass(frozen=True)
class FileType:
    """A kind of file a requirement may accept, and how its content is recognised (`app.works.checks`)."""

    key: str
    label: Any
    content_type: str
    #: How the bytes are recognised (`app.works.checks`), for the docs and the round form's help.
    recognised_by: Any


#: The accepted types. No bare zip (nothing in it could be checked) and no legacy .doc/.xls/.ppt (their
#: OLE files carry macros that cannot be told apart without a full parser).
FILE_TYPES: dict[str, FileType] = {
    t.key: t
    for t in (
        FileType("pdf", _l("PDF"), "application/pdf", _l("starts with %PDF- and parses")),
        FileType(
            "docx",
            _l("Word document (.docx)"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _l("a zip whose main part is a Word document"),
        ),
        FileType(
            "pptx",
            _l("PowerPoint slides (.pptx)"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            _l("a zip whose main part is a presentation"),
        ),
        FileType(
            "xlsx",
            _l("Excel workbook (.xlsx)"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _l("a zip whose main part is a workbook"),
        ),
        FileType("png", _l("PNG image"), "image/png", _l("the PNG signature")),
        FileType("jpg", _l("JPEG image"), "image/jpeg", _l("the JPEG signature")),
        FileType("mp4", _l("MP4 video"), "video/mp4", _l("an ISO media ftyp box of an MP4 brand")),
    )
}


def works_ceiling_mb() -> int:
    """The largest work the app accepts, in MB (`LAUREL_MAX_WORK_MB`): every requirement's max_mb is within it."""
    return int(current_app.config["MAX_WORK_MB"])


def _positive_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return -1
    try:
        number = int(str(value).strip())
    except ValueError:
        return -1
    return number


def check_requirements(rows: Sequence[Mapping[str, Any]], fields: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The requirements as stored, each problem added to `fields` at `requirements.<i>.<name>`.

    Keys are unique, lowercase letters, digits and _ (starting with a letter); a name is at most 80
    characters; a file item names one or more known types (`FILE_TYPES`), a max_mb from 1 to the works
    ceiling (default: the ceiling) and max_pages (1 to MAX_PAGES) only when PDF is its one type; a link
    item takes no types and no limits."""
    ceiling = works_ceiling_mb()
    if len(rows) > MAX_REQUIREMENTS:
        fields.setdefault("requirements", []).append(_("A round asks for at most %(n)s items.", n=MAX_REQUIREMENTS))
    requirements, seen = [], set()

    def fail(index: int, name: str, message: str) -> None:
        fields.setdefault(f"requirements.{index}.{name}", []).append(message)

    for index, row in enumerate(rows):
        key = str(row.get("key") or "").strip()
        if not REQUIREMENT_KEY.match(key):
            fail(index, "key", _("A key is lowercase letters, digits and _, starting with a letter."))
        elif key in seen:
            fail(index, "key", _("The key %(key)s is used twice.", key=key))
        seen.add(key)
        name = " ".join(str(row.get("name") or "").split())
        if not name or len(name) > 80:
            fail(index, "name", _("Enter a name of at most 80 characters."))
        kind = row.get("kind") or "file"
        if kind not in WORK_KINDS:
            fail(index, "kind", _("Choose one of: %(choices)s.", choices=", ".join(WORK_KINDS)))
        types = [str(t).strip().lower() for t in (row.get("types") or []) if str(t).strip()]
        max_mb, max_pages = _positive_int(row.get("max_mb")), _positive_int(row.get("max_pages"))
        requirement: dict[str, Any] = {"key": key, "name": name, "kind": kind, "required": bool(row.get("required", True))}
        if kind == "link":
            if types or max_mb is not None or max_pages is not None:
                fail(index, "types", _("A link takes no file types, size or page limit."))
        elif kind == "file":
            unknown = [t for t in types if t not in FILE_TYPES]
            if not types or unknown:
                fail(index, "types", _("Choose file types among: %(choices)s.", choices=", ".join(FILE_TYPES)))
            if max_mb is not None and not 1 <= max_mb <= ceiling:
                fail(index, "max_mb", _("Enter a whole number of MB from 1 to %(n)s.", n=ceiling))
            if max_pages is not None and not 1 <= max_pages <= MAX_PAGES:
                fail(index, "max_pages", _("Enter a whole number of pages from 1 to %(n)s.", n=MAX_PAGES))
            elif max_pages is not None and types != ["pdf"]:
                fail(index, "max_pages", _("A page limit applies only to an item whose one type is PDF."))
            requirement.update(types=list(dict.fromkeys(types)), max_mb=max_mb or ceiling)
            if max_pages is not None:
                requirement["max_pages"] = max_pages
        requirements.append(requirement)
    return requirements


def requirement_of(requirements: Sequence[Mapping[str, Any]], key: str) -> Mapping[str, Any] | None:
    return next((r for r in requirements or [] if r.get("key") == key), None)


def type_labels(requirement: Mapping[str, Any]) -> str:
    """The accepted types as people read them: "PDF, PowerPoint slides (.pptx)"."""
    return ", ".join(str(FILE_TYPES[t].label) for t in requirement.get("types", []) if t in FILE_TYPES)


def check_requirements_change(round_: Round, requirements: list[dict[str, Any]], works_due_at: Any) -> None:
    """What a round's requirements may become. Once the round opens its works are frozen, so neither the
    items nor the deadline change (409 `works_frozen`): the deadline decides which version is judged. An
    item a team has handed in keeps its key and kind (409 `requirement_has_works`), so no work is lost;
    its name, types and limits may change and apply to the next hand-in."""
    unchanged = requirements == (round_.requirements or []) and works_due_at == round_.works_due_at
    if unchanged:
        return
    if round_.status != DRAFT:
        raise StateConflictError(
            _("The round is open: its works are frozen, so what it asks for and its deadline no longer change."),
            code="works_frozen",
        )
    kinds = {r["key"]: r["kind"] for r in requirements}
    handed_in = db.session.execute(select(Work.key, Work.kind).where(Work.round_id == round_.id).distinct()).all()
    lost = sorted({key for key, kind in handed_in if kinds.get(key) != kind})
    if lost:
        raise StateConflictError(
            _(
                "Teams have handed in %(keys)s: keep these items, with the same key and kind, so that no work is lost.",
                keys=", ".join(lost),
            ),
            code="requirement_has_works",
        )
