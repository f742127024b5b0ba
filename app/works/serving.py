"""Opening a work: who may, which bytes they get under which name, and the log of every open.

The same rule serves the API (`downloadWork`), the pages (`works.work_file`), the judge's sheet and the zip:
- the team (the account that registered it) and the contest's organizers open any version of the team's;
- a judge opens a version only while it is the one judged (`judged_works`) in a round where the judge holds
  an assignment in force (`Assignment.active`) for the team;
- anyone else, a coordinator of the team's college included, gets 403: a work is the team's own material,
  and the college's review is of the registration, not of what is judged.

A judge who reaches the work through a blind round gets it named by the team's code in that round and the
item's key (`R7-K3Q9-plan.pdf`), and a PDF without its document information and XMP metadata (`blind_copy`).
"""

from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from sqlalchemy import select

from app.errors import ForbiddenError, StateConflictError
from app.extensions import db
from app.models import Assignment, Entry, Round, User, Work, WorkOpen
from app.permissions import is_organizer
from app.storage import StoredFile, storage
from app.works.queries import judged_works

PDF = "application/pdf"
#: Shown in the page (an <iframe> for PDFs, an <img> for images); every other type is a download. SVG is not
#: here: it is a document that may carry scripts, not a picture.
INLINE_TYPES = frozenset({PDF, "image/png", "image/jpeg", "image/gif", "image/webp"})
#: The store's name for a PDF's copy without its metadata (`LocalStorage.derived`).
BLIND_PURPOSE = "blind"
#: A PDF is stripped in memory (pypdf reads it whole); bigger ones are spooled to disk while written.
SPOOL_BYTES = 8 * 1024 * 1024
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


@dataclass(frozen=True)
class Served:
    """What a viewer gets of a work: the stored object, the name to give it, and whether it opens in the page."""

    work: Work
    sha256: str
    filename: str
    content_type: str

    @property
    def inline(self) -> bool:
        return self.content_type in INLINE_TYPES


def judging_round(work: Work, viewer: User) -> Round | None:
    """The round in which `viewer` judges the work's team and the work is the version judged, or None."""
    if not viewer.is_authenticated:
        return None
    rounds = db.session.scalars(
        select(Round)
        .join(Assignment, Assignment.round_id == Round.id)
        .where(
            Assignment.judge_id == viewer.id,
            Assignment.team_id == work.team_id,
            Assignment.active,
            Round.contest_id == work.round.contest_id,
        )
        .order_by(Round.id)
    )
    for round_ in rounds:
        if judged_works(round_, [work.team_id]).get((work.team_id, work.key)) is work:
            return round_
    return None


def can_open_work(viewer: User, work: Work) -> bool:
    """The module's rule: the team, the contest's organizers, the judges for whom it is the version judged."""
    if not viewer.is_authenticated:
        return False
    if work.team.owner_id == viewer.id or is_organizer(viewer, work.round.contest):
        return True
    return judging_round(work, viewer) is not None


def served_work(work: Work, viewer: User) -> Served:
    """What `viewer` gets when opening `work`; ForbiddenError unless `can_open_work`. A link has no bytes."""
    if work.sha256 is None:
        raise StateConflictError(_("This item is a link, not a file: open %(url)s.", url=work.url), code="work_is_link")
    own = work.team.owner_id == viewer.id or is_organizer(viewer, work.round.contest)
    round_ = None if own else judging_round(work, viewer)
    if not own and round_ is None:
        raise ForbiddenError(_("Only the team, its judges and the organizers may open this work."))
    content_type = work.content_type or "application/octet-stream"
    if round_ is None or not round_.blind:
        return Served(work, work.sha256, safe_filename(work.filename, work.key), content_type)
    code = db.session.scalar(select(Entry.code).where(Entry.round_id == round_.id, Entry.team_id == work.team_id)) or "team"
    sha256 = blind_copy(work.sha256) if content_type == PDF else work.sha256
    return Served(work, sha256, blind_filename(code, work.key, work.filename), content_type)


def log_open(work: Work, viewer: User, *, now: datetime) -> None:
    """Who opened which work and when, for the organizers; flushed with the request's work."""
    db.session.add(WorkOpen(work_id=work.id, user_id=viewer.id, opened_at=now))
    db.session.flush()


def extension_of(filename: str, fallback: str = "bin") -> str:
    """The file's extension, letters and digits only, lowercased.

    >>> extension_of("计划书 final.PDF")
    'pdf'
    >>> extension_of("../../etc/passwd")
    'bin'
    """
    found = _EXTENSION.search(filename or "")
    return found.group(1).lower() if found else fallback


def blind_filename(code: str, key: str, filename: str) -> str:
    """The name a blind round's judge sees: the team's code in the round, the item's key, the extension.

    >>> blind_filename("R7-K3Q9", "plan", "Zhang San's plan.pdf")
    'R7-K3Q9-plan.pdf'
    """
    return f"{code}-{key}.{extension_of(filename)}"


def safe_filename(filename: str, key: str) -> str:
    """The entrant's name for the file without any folder, control or quote character; the key when nothing
    is left.

    >>> safe_filename("..\\\\..\\\\plan \\"v2\\".pdf", "plan")
    'plan v2.pdf'
    >>> safe_filename("", "slides")
    'slides.bin'
    """
    base = re.split(r"[\\/]", filename or "")[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in "\"'<>;").strip(" .")
    return cleaned or f"{key}.{extension_of(filename)}"


def blind_copy(sha256: str) -> str:
    """The digest of the PDF's copy without document information (Author, Creator, Producer, Title, Subject,
    Keywords) and XMP metadata, made once and kept in the store beside the original."""
    store = storage()
    made = store.derived(BLIND_PURPOSE, sha256)
    if made is not None:
        return made
    with store.open(sha256) as source:
        stripped = strip_pdf_metadata(source)
    with stripped:
        stored: StoredFile = store.put(stripped)
    store.remember_derived(BLIND_PURPOSE, sha256, stored.sha256)
    return stored.sha256


def strip_pdf_metadata(source: io.BufferedIOBase) -> tempfile.SpooledTemporaryFile:
    """A copy of the PDF with the objects reachable from its pages only (no earlier revisions), without its
    /Info dictionary and without XMP streams on the document or its pages; read from the start."""
    try:
        writer = PdfWriter(clone_from=PdfReader(source))
        writer.metadata = None
        writer._root_object.pop("/Metadata", None)
        for page in writer.pages:
            page.pop("/Metadata", None)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)  # the dropped objects go too
        out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        writer.write(out)
    except (PyPdfError, ValueError, KeyError) as error:
        # A PDF was checked when handed in; one that cannot be rewritten now is not sent with its author's name.
        raise StateConflictError(
            _("This PDF cannot be made anonymous for a blind round; ask the organizers."), code="pdf_not_anonymous"
        ) from error
    out.seek(0)
    return out


@dataclass(frozen=True)
class SheetItem:
    """One of the round's requirements as the judge's sheet shows it: how to show the version judged (`show`:
    pdf, image, video, file, link; None when nothing was handed in) and its name, unless the round is blind."""

    key: str
    name: str
    required: bool
    work: Work | None
    show: str | None
    filename: str | None


def sheet_items(round_: Round, team_id: int, *, blind: bool) -> list[SheetItem]:
    """The team's items for the sheet page, in the round's order, from one read of the versions judged."""
    judged = judged_works(round_, [team_id])
    items = []
    for requirement in round_.requirements or []:
        work = judged.get((team_id, requirement["key"]))
        items.append(
            SheetItem(
                key=requirement["key"],
                name=requirement.get("name") or requirement["key"],
                required=bool(requirement.get("required")),
                work=work,
                show=None if work is None else _how_to_show(work),
                filename=None if work is None or blind or work.url else safe_filename(work.filename, work.key),
            )
        )
    return items


def _how_to_show(work: Work) -> str:
    if work.url:
        return "link"
    if work.content_type == PDF:
        return "pdf"
    if work.content_type in INLINE_TYPES:
        return "image"
    return "video" if work.content_type.startswith("video/") else "file"
