"""Evidence for an objection: a few files of a few MB, each a PDF, PNG or JPEG by its content.

The type is read from the file's first bytes, never from its name or the browser's word: a page that
claims to be a PDF and is not one is refused before it is stored. The bytes go to the content-addressed
store (`app.storage`), bounded while they stream in.
"""

from __future__ import annotations

import io
from typing import IO

from flask import Response, abort, current_app, send_file
from flask_babel import gettext as _

from app.errors import InvalidDataError
from app.extensions import db
from app.models import ObjectionFile
from app.storage import StoredFile, TooLarge, storage

#: The most files of evidence one objection carries.
MAX_FILES = 5
#: The first bytes of each accepted type, and the type it is stored as.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_HEAD_BYTES = 8


def content_type_of(head: bytes) -> str | None:
    """The accepted type whose signature `head` (the file's first bytes) starts with, or None.

    >>> content_type_of(b"%PDF-1.7"), content_type_of(b"\\xff\\xd8\\xff\\xe0"), content_type_of(b"GIF89a")
    ('application/pdf', 'image/jpeg', None)
    """
    return next((kind for signature, kind in SIGNATURES if head.startswith(signature)), None)


class _Rejoined(io.RawIOBase):
    """The head already read, then the rest of the stream: the store reads the file whole, once."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            chunk, self._head = (
                (self._head, b"") if size < 0 or size >= len(self._head) else (self._head[:size], self._head[size:])
            )
            return chunk
        return self._rest.read(size)


def store_evidence(stream: IO[bytes]) -> tuple[StoredFile, str]:
    """Check the file's type by its content and store it, at most LAUREL_EVIDENCE_MAX_MB; 422 at `file`
    naming what is wrong (an empty file, another type, too large). Returns what was stored and its type."""
    head = stream.read(_HEAD_BYTES)
    if not head:
        raise InvalidDataError(_("The file is empty."), fields={"file": [_("Choose a PDF, PNG or JPEG file.")]})
    kind = content_type_of(head)
    if kind is None:
        raise InvalidDataError(
            _("Evidence must be a PDF, PNG or JPEG file."), fields={"file": [_("This file is none of PDF, PNG or JPEG.")]}
        )
    megabytes = current_app.config["EVIDENCE_MAX_MB"]
    try:
        stored = storage().put(_Rejoined(head, stream), max_bytes=megabytes * 1024 * 1024)
    except TooLarge:
        raise InvalidDataError(
            _("The file is larger than %(mb)s MB.", mb=megabytes), fields={"file": [_("At most %(mb)s MB.", mb=megabytes)]}
        ) from None
    return stored, kind


def evidence_response(objection_id: int, file_id: int) -> Response:
    """A file of evidence of the objection, as a download (404 when it belongs to another objection); the
    caller has checked that the reader may see the objection."""
    evidence = db.get_or_404(ObjectionFile, file_id)
    if evidence.objection_id != objection_id:
        abort(404)
    return send_file(
        storage().path(evidence.sha256),
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence.filename or "evidence",
    )
