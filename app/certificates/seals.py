"""A contest's certificate settings: who awards its certificates and the organizer's seal printed on them."""

from __future__ import annotations

from datetime import datetime
from typing import IO

from flask_babel import gettext as _

from app import audit
from app.errors import InvalidDataError
from app.models import Contest, User
from app.storage import TooLarge, storage

#: A seal is a small picture: a PNG (transparent around the seal) of at most this many bytes.
SEAL_MAX_BYTES = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ISSUER_MAX = 120


def save_certificate_settings(
    contest: Contest,
    *,
    issuer: str,
    seal: IO[bytes] | None,
    remove_seal: bool = False,
    actor: User | None,
    now: datetime,
) -> None:
    """Set who awards the contest's certificates (empty: the contest's name is printed) and its seal: a PNG
    (checked by its first bytes, whatever its name says) of at most 1 MB, kept in the file store. Certificates
    already issued keep the issuer and seal they were issued with. 422 for another kind of file or a larger one."""
    issuer = " ".join(issuer.split())
    if len(issuer) > ISSUER_MAX:
        raise InvalidDataError(
            _("The issuer's name is too long."), fields={"issuer": [_("At most %(n)s characters.", n=ISSUER_MAX)]}
        )
    before = {"issuer": contest.certificate_issuer, "seal": contest.certificate_seal}
    if seal is not None:
        if seal.read(len(PNG_SIGNATURE)) != PNG_SIGNATURE:
            raise InvalidDataError(_("The seal must be a PNG image."), fields={"seal": [_("Upload a .png file.")]})
        seal.seek(0)
        try:
            stored = storage().put(seal, max_bytes=SEAL_MAX_BYTES)
        except TooLarge as error:
            raise InvalidDataError(
                _("The seal is too large."), fields={"seal": [_("At most %(n)s KB.", n=SEAL_MAX_BYTES // 1024)]}
            ) from error
        contest.certificate_seal = stored.sha256
    elif remove_seal:
        contest.certificate_seal = None
    contest.certificate_issuer = issuer
    after = {"issuer": contest.certificate_issuer, "seal": contest.certificate_seal}
    if after != before:
        audit.record(
            actor=actor,
            action="contest.certificates",
            object_type="contest",
            object_id=contest.id,
            now=now,
            before=before,
            after=after,
        )
