"""All of a round's certificates in one zip, written as a job: each PDF is rendered, written into the zip and
let go before the next, so the worker's memory holds one certificate at a time, whatever the round's size."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from app.certificates.render import render_pdf
from app.certificates.services import round_certificates
from app.extensions import db
from app.models import Round


def certificate_filename(team_number: str, code: str) -> str:
    """A file in the zip is named by the team's number (what organizers sort and hand out by), then the code.

    >>> certificate_filename("A-0007", "ABCDE12345")
    'A-0007-ABCDE12345.pdf'
    """
    safe = "".join(character if character.isalnum() or character in "-_" else "_" for character in team_number)
    return f"{safe}-{code}.pdf"


def write_round_zip(round_: Round, path: Path, *, on_total: Callable[[int], None], on_file: Callable[[], None]) -> int:
    """Write the round's standing certificates (revoked ones left out) into a zip at `path`; how many."""
    certificates = round_certificates(round_)
    on_total(len(certificates))
    path.parent.mkdir(parents=True, exist_ok=True)
    # PDFs are compressed already: stored as they are, the zip costs no time deflating them again.
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            archive.writestr(certificate_filename(certificate.content["team_number"], certificate.code), render_pdf(certificate))
            db.session.expunge(certificate)  # the session need not keep what was written
            on_file()
    return len(certificates)
