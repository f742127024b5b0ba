"""Handing in works and extending a team's deadline. Functions flush, never commit."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import IO, Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.errors import InvalidDataError, NotFoundError, StateConflictError, TooLargeError
from app.extensions import db
from app.models import DRAFT, Entry, Round, Team, User, Work, WorkExtension
from app.storage import TooLarge, storage
from app.templating import local_time
from app.works.checks import ContentRefused, check_work_file
from app.works.queries import deadlines
from app.works.requirements import requirement_of

MB = 1024 * 1024
FILENAME_MAX = 120
URL_MAX = 500


def clean_filename(raw: str | None) -> str:
    """The name a file is shown by, never a path: the last part after any / or \\, without control or
    invisible characters, at most FILENAME_MAX characters with its extension kept.

    >>> clean_filename("../../etc/passwd"), clean_filename("C:\\\\x\\\\y.pdf"), clean_filename("\\x00\\u202e.pdf")
    ('passwd', 'y.pdf', 'work.pdf')
    """
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    stem, dot, extension = " ".join(name.split()).rpartition(".")
    if not dot:
        stem, extension = extension, ""
    stem, extension = stem.strip(" ."), extension.strip()[:10]
    suffix = f".{extension}" if extension else ""
    return (stem or "work")[: FILENAME_MAX - len(suffix)].rstrip() + suffix


def _check_window(round_: Round, team: Team, now: datetime) -> None:
    """A team hands in while it is an entry of the round, the round is a draft, and its deadline is ahead."""
    entered = db.session.scalar(select(Entry.id).where(Entry.round_id == round_.id, Entry.team_id == team.id))
    if entered is None:
        raise StateConflictError(
            _("Team %(number)s is not among the teams of %(round)s.", number=team.number, round=round_.name), code="not_in_round"
        )
    if round_.status != DRAFT:
        raise StateConflictError(
            _("%(round)s is open: its works are frozen and no longer change.", round=round_.name), code="works_frozen"
        )
    deadline = deadlines(round_, [team.id])[team.id]
    if deadline is not None and now > deadline:
        raise StateConflictError(
            _(
                "The deadline for %(round)s passed on %(deadline)s.",
                round=round_.name,
                deadline=local_time(deadline, round_.contest.timezone),
            ),
            code="deadline_passed",
            details={"deadline": deadline.isoformat()},
        )


def _clean_url(raw: Any) -> str:
    url = str(raw or "").strip()
    parts = urlsplit(url) if len(url) <= URL_MAX else None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(ch.isspace() or ord(ch) < 32 for ch in url)
    ):
        raise InvalidDataError(
            _("Give an address starting with http:// or https://, of at most %(n)s characters.", n=URL_MAX),
            fields={"url": [_("Not a web address.")]},
        )
    return url


def _refused(message: str, problem: str, field: str = "file") -> InvalidDataError:
    return InvalidDataError(message, fields={field: [message]}, details={"problem": problem})


def submit_work(
    round_: Round,
    team: Team,
    key: str,
    *,
    stream: IO[bytes] | None = None,
    url: str | None = None,
    filename: str | None = None,
    user: User,
    now: datetime,
) -> Work:
    """Hand in a new version of the round's item `key` for `team`: version n + 1, every earlier one kept.

    Only while the team is in the round, the round is a draft and the team's deadline (its extension's, else
    the round's) is ahead (409 `not_in_round`, `works_frozen`, `deadline_passed` naming the deadline in the
    contest's time zone). A file streams into the store bounded by the item's max_mb (413, nothing kept), then
    is checked by its content (`app.works.checks`: 422 naming type, pages or content; the stored bytes are
    deleted unless another work holds them). A link is an http(s) address. Who may hand in is the view's
    check (`can_hand_in`)."""
    requirement = requirement_of(round_.requirements, key)
    if requirement is None:
        raise NotFoundError(_("%(round)s asks for no item %(key)s.", round=round_.name, key=key))
    _check_window(round_, team, now)
    values: dict[str, Any]
    if requirement["kind"] == "link":
        if stream is not None:
            raise _refused(_("%(item)s is a link: give its address, not a file.", item=requirement["name"]), "type", "url")
        values = {"kind": "link", "url": _clean_url(url), "filename": ""}
    else:
        if stream is None:
            raise _refused(_("%(item)s is a file: upload it.", item=requirement["name"]), "type")
        values = {"kind": "file", "filename": clean_filename(filename), **_store_checked(stream, requirement)}
    previous = db.session.scalar(
        select(func.max(Work.version)).where(Work.round_id == round_.id, Work.team_id == team.id, Work.key == key)
    )
    work = Work(
        round_id=round_.id,
        team_id=team.id,
        key=key,
        version=(previous or 0) + 1,
        submitted_at=now,
        submitted_by_id=user.id,
        **values,
    )
    try:
        with db.session.begin_nested():
            db.session.add(work)
    except IntegrityError as error:  # the same item handed in twice at once: the other took this version
        raise StateConflictError(
            _("Another hand-in of this item arrived at the same moment; try again."), code="conflict"
        ) from error
    audit.record(
        actor=user,
        action="work.submit",
        object_type="team",
        object_id=team.id,
        now=now,
        after={
            "round_id": round_.id,
            "key": key,
            "version": work.version,
            **{name: values.get(name) for name in ("filename", "url", "sha256", "size", "pages")},
        },
    )
    return work


def _store_checked(stream: IO[bytes], requirement: Mapping[str, Any]) -> dict[str, Any]:
    limit_mb = int(requirement["max_mb"])
    store = storage()
    try:
        stored = store.put(stream, max_bytes=limit_mb * MB)
    except TooLarge as error:
        raise TooLargeError(
            _("The file is larger than %(mb)s MB, the limit of this item; nothing was kept.", mb=limit_mb),
            details={"problem": "size"},
        ) from error
    try:
        checked = check_work_file(store.path(stored.sha256), list(requirement["types"]), requirement.get("max_pages"))
    except ContentRefused as refused:
        if db.session.scalar(select(Work.id).where(Work.sha256 == stored.sha256).limit(1)) is None:
            store.delete(stored.sha256)
        raise _refused(refused.message, refused.problem) from refused
    return {"sha256": stored.sha256, "size": stored.size, "content_type": checked.content_type, "pages": checked.pages}


def grant_extension(
    round_: Round, team: Team, until: datetime, reason: str | None, *, user: User, now: datetime
) -> WorkExtension:
    """Give one team of the round a later deadline, with a reason (audited). One per team and round: a second
    grant moves it. `until` is in the future and after the round's deadline (422); the round is still a
    draft (409 `works_frozen`), as its works freeze when it opens. Only organizers: the view's check."""
    reason = audit.reason_text(reason, required=_("Give the reason for the extension."))
    entered = db.session.scalar(select(Entry.id).where(Entry.round_id == round_.id, Entry.team_id == team.id))
    if entered is None:
        raise InvalidDataError(
            _("Team %(number)s is not among the teams of %(round)s.", number=team.number, round=round_.name),
            fields={"team_id": [_("Not a team of this round.")]},
        )
    if round_.status != DRAFT:
        raise StateConflictError(
            _("%(round)s is open: its works are frozen and no longer change.", round=round_.name), code="works_frozen"
        )
    if until.tzinfo is None or until <= now or (round_.works_due_at is not None and until <= round_.works_due_at):
        zone = round_.contest.timezone
        raise InvalidDataError(
            _(
                "An extension ends after the round's deadline (%(deadline)s) and in the future.",
                deadline=local_time(round_.works_due_at, zone) if round_.works_due_at else _("none set"),
            ),
            fields={"until": [_("Give a later time.")]},
        )
    extension = db.session.scalar(
        select(WorkExtension).where(WorkExtension.round_id == round_.id, WorkExtension.team_id == team.id)
    )
    before = {"round_id": round_.id, "until": extension.until.isoformat(), "reason": extension.reason} if extension else None
    if extension is None:
        extension = WorkExtension(round_id=round_.id, team_id=team.id, created_at=now)
        db.session.add(extension)
    extension.until, extension.reason, extension.granted_by_id = until, reason, user.id
    db.session.flush()
    audit.record(
        actor=user,
        action="work.extend",
        object_type="team",
        object_id=team.id,
        now=now,
        before=before,
        after={"round_id": round_.id, "until": until.isoformat()},
        reason=reason,
    )
    return extension
