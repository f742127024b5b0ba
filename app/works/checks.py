"""A stored work checked by its content, never by its name: what type its bytes are, whether that type is one
the requirement accepts, and whether it hides something a judge should never open.

Refused (`ContentRefused`, with a sentence naming what is wrong): executables and scripts; polyglots (a file
that is two things at once, such as a PDF that is also a zip); a PDF that does not parse, is encrypted, carries
JavaScript, embedded files, launch actions or rich media, inflates past `MAX_INFLATED_BYTES` (a bomb), or has
more pages than allowed; an Office file with macros (a macro-enabled content type, a vbaProject.bin) or too
many parts. Nothing here extracts a zip or renders a page: entries are listed from the central directory, a
PDF's streams are inflated a chunk at a time and thrown away, only to be counted.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from pypdf import PdfReader, apply_configuration
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from app.works.requirements import FILE_TYPES, MAX_PAGES

HEAD_BYTES = 8192
#: A PDF's streams together may inflate to this much; past it the file is refused as a bomb.
MAX_INFLATED_BYTES = 256 * 1024 * 1024
#: What pypdf itself may inflate at once (object and cross-reference streams, which it must read).
PYPDF_STREAM_LIMIT = 16 * 1024 * 1024
MAX_PDF_OBJECTS = 200_000
MAX_ZIP_ENTRIES = 5_000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
#: Names that make a PDF act rather than show: scripts, files inside it, programs it launches, embedded media.
ACTIVE_PDF_NAMES = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/GoToE"}
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash"}


class ContentRefused(Exception):
    """The file's content is not what the requirement accepts; the message says what is wrong."""

    def __init__(self, message: str, *, problem: str = "content"):
        super().__init__(message)
        self.message = message
        #: type, pages or content: what the API's answer names.
        self.problem = problem


@dataclass(frozen=True)
class CheckedFile:
    type: str
    content_type: str
    pages: int | None


def check_work_file(path: Path, accepted: list[str], max_pages: int | None = None) -> CheckedFile:
    """The file's type as its bytes say, if `accepted` takes it and nothing in it is refused (`ContentRefused`)."""
    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    if head.startswith(EXECUTABLE_MAGIC) or head.startswith(b"#!") or head[:4] == b"\xca\xfe\xba\xbe":
        raise ContentRefused(_("The file is a program or a script, which is never accepted."))
    detected = _detect(path, head)
    if detected is None:
        raise ContentRefused(
            _("The file's content is not of an accepted type (%(types)s).", types=", ".join(accepted)), problem="type"
        )
    if detected != "pdf" and b"%PDF-" in head[:1024]:
        raise ContentRefused(_("The file is both a PDF and something else, which is never accepted."))
    if detected in ("pdf", "png", "jpg", "mp4") and zipfile.is_zipfile(path):
        raise ContentRefused(_("The file is also a zip archive, which is never accepted."))
    if detected not in accepted:
        raise ContentRefused(
            _(
                "The file's content is %(found)s, not of an accepted type (%(types)s).",
                found=FILE_TYPES[detected].label,
                types=", ".join(accepted),
            ),
            problem="type",
        )
    pages = _check_pdf(path, max_pages) if detected == "pdf" else None
    return CheckedFile(detected, FILE_TYPES[detected].content_type, pages)


def _detect(path: Path, head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return "mp4"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(path)
    return None


def _office_type(path: Path) -> str | None:
    """An Office Open XML file's type from its [Content_Types].xml, read bounded; its entries are listed, not
    extracted. Macros anywhere refuse it."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise ContentRefused(_("The file holds too many parts (more than %(n)s).", n=MAX_ZIP_ENTRIES))
            names = {entry.filename.lower() for entry in entries}
            if any(name.rsplit("/", 1)[-1].startswith("vbaproject") for name in names):
                raise ContentRefused(_("The file carries macros, which are never accepted."))
            if "[content_types].xml" not in names:
                return None
            with archive.open("[Content_Types].xml") as part:
                types = part.read(MAX_CONTENT_TYPES_BYTES + 1)
    except (zipfile.BadZipFile, KeyError, OSError, zlib.error, NotImplementedError, RuntimeError) as error:
        raise ContentRefused(_("The file is damaged: it does not open as an Office document."), problem="type") from error
    if len(types) > MAX_CONTENT_TYPES_BYTES:
        raise ContentRefused(_("The file is damaged: it does not open as an Office document."), problem="type")
    lowered = types.lower()
    if b"macroenabled" in lowered or b"vbaproject" in lowered:
        raise ContentRefused(_("The file carries macros, which are never accepted."))
    for key in ("docx", "pptx", "xlsx"):
        if FILE_TYPES[key].content_type.encode().lower() + b".main+xml" in lowered:
            return key
    return None


def _check_pdf(path: Path, max_pages: int | None) -> int:
    """The PDF's page count, counted from its page tree (never from a /Count it claims), once it parses, holds
    nothing active and inflates within bounds."""
    broken = _("The PDF does not open: it is damaged or not a PDF.")
    with apply_configuration(
        zlib_maximum_output_length=PYPDF_STREAM_LIMIT,
        lzw_maximum_output_length=PYPDF_STREAM_LIMIT,
        run_length_maximum_output_length=PYPDF_STREAM_LIMIT,
        stream_decoding_work_maximum_length=4 * PYPDF_STREAM_LIMIT,
    ):
        try:
            reader = PdfReader(path, strict=False)
            if reader.is_encrypted:
                raise ContentRefused(_("The PDF is protected by a password; hand in one that opens without it."))
            inflated = 0
            for obj in _objects(reader):
                for name in _names(obj):
                    if name in ACTIVE_PDF_NAMES:
                        raise ContentRefused(
                            _(
                                "The PDF carries scripts, embedded files or actions (%(name)s), which are never accepted.",
                                name=name,
                            )
                        )
                if isinstance(obj, StreamObject):
                    inflated += _inflated_size(obj, MAX_INFLATED_BYTES - inflated)
            pages = _count_pages(reader.trailer["/Root"].get_object()["/Pages"], limit=min(max_pages or MAX_PAGES, MAX_PAGES))
        except ContentRefused:
            raise
        except Exception as error:  # pypdf raises many kinds on a hostile file: each means the same here
            raise ContentRefused(broken, problem="type") from error
    if pages == 0:
        raise ContentRefused(_("The PDF has no pages."), problem="pages")
    if max_pages is not None and pages > max_pages:
        raise ContentRefused(_("The PDF has more than %(max)s pages, the limit of this item.", max=max_pages), problem="pages")
    return pages


def _objects(reader: PdfReader) -> Iterator[Any]:
    """Every object the file's cross-reference tables list, those inside object streams too."""
    ids = {(idnum, generation) for generation, table in reader.xref.items() for idnum in table}
    ids |= {(idnum, 0) for idnum in reader.xref_objStm}
    if len(ids) > MAX_PDF_OBJECTS:
        raise ContentRefused(_("The PDF holds too many objects (more than %(n)s).", n=MAX_PDF_OBJECTS))
    for idnum, generation in sorted(ids):
        obj = reader.get_object(IndirectObject(idnum, generation, reader))
        if obj is not None:
            yield obj


def _names(obj: Any, depth: int = 0) -> Iterator[str]:
    """The names in an object's own dictionaries and arrays (not those it points to: they are listed too)."""
    if depth > 50:
        return
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            yield str(key)
            yield from _names(value, depth + 1)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            yield from _names(value, depth + 1)
    elif isinstance(obj, NameObject):
        yield str(obj)


def _inflated_size(stream: StreamObject, allowance: int) -> int:
    """How many bytes a Flate stream inflates to, a chunk at a time, each chunk dropped once counted; past
    `allowance` the file is a bomb. Other filters are left alone: they cannot inflate a thousandfold."""
    filters = stream.get("/Filter")
    first = filters[0] if isinstance(filters, ArrayObject) and filters else filters
    if first not in ("/FlateDecode", "/Fl"):
        return 0
    inflater, data, total = zlib.decompressobj(), stream._data, 0
    chunk = inflater.decompress(data, 1024 * 1024)
    while True:
        total += len(chunk)
        if total > allowance:
            raise ContentRefused(_("The PDF inflates to far more than its size (a compression bomb), so it is refused."))
        if not inflater.unconsumed_tail:
            return total
        chunk = inflater.decompress(inflater.unconsumed_tail, 1024 * 1024)


def _count_pages(root: Any, limit: int) -> int:
    """The leaves (/Page) of the page tree, each node visited once; counting stops past `limit`."""
    count, seen, pending = 0, set(), [root]
    while pending:
        node = pending.pop()
        key = id(node) if node.indirect_reference is None else (node.indirect_reference.idnum, node.indirect_reference.generation)
        if key in seen:
            continue
        seen.add(key)
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            pending.extend(kid.get_object() for kid in node.get("/Kids", []))
        else:
            count += 1
            if count > limit:
                return count
    return count
