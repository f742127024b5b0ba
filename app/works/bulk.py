"""Every work of a round as one zip, written while it is sent: the organizers' bulk download.

Python's own zipfile writes to a stream it cannot seek (each entry's sizes and CRC follow its data), so no
library is needed: `RoundZip` hands the generator each piece as soon as zipfile has written it. Entries are
stored, not deflated (PDFs and videos do not compress; storing keeps the zip at the disk's speed), with zip64
sizes so that a round past 4 GB, or a video past it, is still one valid archive. Each file is read from the
store a chunk at a time: memory stays flat however large the round.

The entries are the versions judged (`judged_works`), named `<team number>/<key>.<ext>`; on a blind round
the zip is what the organizers pass to the judges, so its entries are named `<code>/<code>-<key>.<ext>` and
its PDFs lose their metadata, as a judge's own download does.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Entry, Round, Team
from app.storage import CHUNK_BYTES, storage
from app.works.queries import judged_works
from app.works.serving import PDF, blind_copy, blind_filename, extension_of

#: Teams read per query: a provincial round's thousand entries in a few queries, never all at once.
TEAMS_PER_BATCH = 500


class _Pieces:
    """The unseekable file zipfile writes into: it keeps what was written until the generator takes it."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []
        self._written = 0

    def write(self, data: bytes) -> int:
        self._pieces.append(bytes(data))
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written  # zipfile asks where an entry starts; seek() is absent, so it never goes back

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        taken, self._pieces = b"".join(self._pieces), []
        return taken


def zip_name(round_: Round) -> str:
    return f"round-{round_.id}-works.zip"


def zip_entries(round_: Round) -> Iterator[tuple[str, str, datetime]]:
    """(name in the zip, stored digest, time handed in) of every file judged in the round, by team number."""
    entries = db.session.execute(
        select(Entry.team_id, Entry.code, Team.number).join(Team, Team.id == Entry.team_id).where(Entry.round_id == round_.id)
    ).all()
    entries.sort(key=lambda entry: entry.number)
    for start in range(0, len(entries), TEAMS_PER_BATCH):
        batch = entries[start : start + TEAMS_PER_BATCH]
        judged = judged_works(round_, [entry.team_id for entry in batch])
        for entry in batch:
            for key in (requirement["key"] for requirement in round_.requirements or []):
                work = judged.get((entry.team_id, key))
                if work is None or work.sha256 is None:
                    continue  # nothing handed in, or a link: no bytes to put in the zip
                if round_.blind:
                    sha256 = blind_copy(work.sha256) if work.content_type == PDF else work.sha256
                    yield f"{entry.code}/{blind_filename(entry.code, key, work.filename)}", sha256, work.submitted_at
                else:
                    yield f"{entry.number}/{key}.{extension_of(work.filename)}", work.sha256, work.submitted_at


def stream_round_zip(round_: Round) -> Iterator[bytes]:
    """The zip of the round's works, piece by piece. Every entry is chosen (and every blind copy made) before
    the first byte goes out, so that a refusal is an error answer, not a cut-off zip."""
    chosen = list(zip_entries(round_))
    store = storage()

    def pieces() -> Iterator[bytes]:
        out = _Pieces()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            for name, sha256, submitted_at in chosen:
                info = zipfile.ZipInfo(name, date_time=submitted_at.timetuple()[:6])
                info.compress_type = zipfile.ZIP_STORED
                with store.open(sha256) as source, archive.open(info, "w", force_zip64=True) as target:
                    _read_ahead(source)
                    while chunk := source.read(CHUNK_BYTES):
                        target.write(chunk)
                        yield out.take()
                yield out.take()
        yield out.take()  # the central directory, written as the archive closes

    return pieces()


def _read_ahead(source) -> None:
    """Ask the kernel to read the whole file in the background now, so that the disk works while the zip is
    written and sent, not only between pieces (a file from another kind of store has no descriptor to ask)."""
    if hasattr(os, "posix_fadvise") and hasattr(source, "fileno"):
        os.posix_fadvise(source.fileno(), 0, 0, os.POSIX_FADV_WILLNEED)
