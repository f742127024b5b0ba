"""Where uploaded files live: a content-addressed store behind a small interface.

A file is stored once under its SHA-256 (`objects/ab/cdef…`), whatever its name, so a name never becomes a
path and the same bytes handed in twice take the room of one. It is written to a temporary file beside its
place, hashed and counted while it streams in, and renamed into place only when whole: a reader never sees
half a file, and a refused or broken upload leaves nothing behind.

`LocalStorage` keeps the files in a folder (by default `<instance>/files`), which several instances share as
a network volume. Another store (an S3-compatible bucket) would implement the same three methods: `put`
(stream in, return what was stored), `open` (stream out) and `delete`, with the digest as the object's key;
and the two notes of a derived copy (`derived`, `remember_derived`: a small object keyed by purpose and digest).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app

#: Read and written a chunk at a time: memory stays flat whatever the file's size.
CHUNK_BYTES = 1024 * 1024
_DIGEST = re.compile(r"[0-9a-f]{64}")


class TooLarge(Exception):
    """The stream went past the size allowed; nothing was kept."""

    def __init__(self, limit: int):
        super().__init__(f"larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int


class LocalStorage:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _place(self, sha256: str) -> Path:
        if not _DIGEST.fullmatch(sha256):  # a key is only ever a digest: never a name, never a path
            raise ValueError(f"not a SHA-256 digest: {sha256!r}")
        return self.root / "objects" / sha256[:2] / sha256[2:]

    def put(self, stream: IO[bytes], *, max_bytes: int | None = None) -> StoredFile:
        """Store what `stream` holds; refuse (TooLarge) past `max_bytes`, keeping nothing."""
        incoming = self.root / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        descriptor, partial = tempfile.mkstemp(dir=incoming, suffix=".partial")
        try:
            with os.fdopen(descriptor, "wb") as out:
                while chunk := stream.read(CHUNK_BYTES):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLarge(max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            stored = StoredFile(digest.hexdigest(), size)
            place = self._place(stored.sha256)
            place.parent.mkdir(parents=True, exist_ok=True)
            os.replace(partial, place)  # the same bytes again replace themselves
            return stored
        finally:
            if os.path.exists(partial):
                os.unlink(partial)

    def open(self, sha256: str) -> IO[bytes]:
        return self._place(sha256).open("rb")

    def path(self, sha256: str) -> Path:
        """The file on disk, for `send_file` (a local store only)."""
        return self._place(sha256)

    def exists(self, sha256: str) -> bool:
        return self._place(sha256).is_file()

    def delete(self, sha256: str) -> None:
        self._place(sha256).unlink(missing_ok=True)

    def derived(self, purpose: str, sha256: str) -> str | None:
        """The digest of the copy of `sha256` made for `purpose` (a blind round's stripped PDF), if one was made
        and is still stored."""
        note = self._note(purpose, sha256)
        made = note.read_text().strip() if note.is_file() else ""
        return made if _DIGEST.fullmatch(made) and self.exists(made) else None

    def remember_derived(self, purpose: str, sha256: str, made: str) -> None:
        """Remember that `made` is `sha256`'s copy for `purpose`: a small note beside the objects, renamed into
        place like them, so that two instances making the same copy at once both leave a whole note."""
        self._place(made)  # a digest, or ValueError
        note = self._note(purpose, sha256)
        note.parent.mkdir(parents=True, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=note.parent, suffix=".partial")
        with os.fdopen(descriptor, "w") as out:
            out.write(made)
        os.replace(partial, note)

    def _note(self, purpose: str, sha256: str) -> Path:
        if not re.fullmatch(r"[a-z]+", purpose):
            raise ValueError(f"not a purpose: {purpose!r}")
        return self.root / "derived" / purpose / self._place(sha256).relative_to(self.root / "objects")


def storage() -> LocalStorage:
    """The app's store of uploaded files."""
    return LocalStorage(Path(current_app.instance_path) / "files")
