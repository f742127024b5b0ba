"""Institutions that are not on the list: an applicant proposes one, usable at once for their own
registration (`app.permissions.can_use_college`); an organizer verifies it, or merges it into one on the
list (`app.colleges.merge`). Functions flush, never commit.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit, countries
from app.colleges.services import NAME_MAX, ensure_provinces
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.models import PROVINCES_CN, College, User
from app.text import text_problem

#: How many proposals one person may have waiting for an organizer: enough for an honest applicant (a
#: typo corrected, a second institution), few enough that nobody fills the list.
MAX_OPEN_PROPOSALS = 5
WEBSITE_MAX = 200


def comparable_name(name: str) -> str:
    """A name as two spellings of one institution compare: NFKC (full-width letters, compatibility forms),
    case folded, every run of white space one space.

    >>> comparable_name("  ＭＩＴ   Sloan ") == comparable_name("mit sloan")
    True
    """
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _clean_fields(raw: Mapping[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The proposal's fields, trimmed, and each field's problem. With `partial` (a correction), only the
    fields given are checked."""
    values: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    if not partial or raw.get("name") is not None:
        name = " ".join(str(raw.get("name") or "").split())
        problem = text_problem(name) if name else _("Enter the institution's name.")
        if problem is None and len(name) > NAME_MAX:
            problem = _("The name has %(len)s characters; at most %(n)s fit.", len=len(name), n=NAME_MAX)
        if problem:
            problems["name"] = [problem]
        values["name"] = name
    if not partial or raw.get("country") is not None:
        country = countries.normalized(raw.get("country"))
        if not country:
            problems["country"] = [_("Choose the institution's country.")]
        elif not countries.is_country(country):
            problems["country"] = [
                _("%(code)s is not a country's ISO 3166-1 code; write two letters, as CN or GB.", code=country)
            ]
        values["country"] = country
    if not partial or raw.get("website") is not None:
        website = str(raw.get("website") or "").strip()
        if website:
            parts = urlsplit(website)
            if len(website) > WEBSITE_MAX:
                problems["website"] = [_("At most %(n)s characters.", n=WEBSITE_MAX)]
            elif parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in website):
                problems["website"] = [_("Give the website's address, starting with https:// or http://.")]
        values["website"] = website
    if raw.get("province"):
        values["province"] = str(raw["province"]).strip()
    return values, problems


def _province_id(values: Mapping[str, Any], country: str, problems: dict[str, list[str]]) -> int | None:
    """The province of a Chinese institution, when one is given (one of the 31); none abroad."""
    province = values.get("province")
    if not province or country != "CN":
        return None
    if province not in PROVINCES_CN:
        problems["province"] = [_("Unknown province %(name)s; write it in full, as 浙江省.", name=province)]
        return None
    return ensure_provinces()[province].id


def listed_twin(name: str, country: str, *, exclude_id: int | None = None) -> College | None:
    """The college on the list (verified) of this country whose name is this one, as `comparable_name`
    compares them."""
    wanted = comparable_name(name)
    statement = select(College).where(College.country == country, College.verified.is_(True))
    if exclude_id is not None:
        statement = statement.where(College.id != exclude_id)
    return next((college for college in db.session.scalars(statement) if comparable_name(college.name) == wanted), None)


def _refuse_listed_twin(name: str, country: str, *, exclude_id: int | None = None) -> None:
    """409 college_exists when the list already has this institution: people pick the listed one."""
    twin = listed_twin(name, country, exclude_id=exclude_id)
    if twin is not None:
        raise StateConflictError(
            _("%(name)s is already on the list (code %(code)s): choose it there.", name=twin.name, code=twin.code),
            code="college_exists",
            fields={"name": [_("Already on the list as %(name)s.", name=twin.name)]},
            details={"college": {"id": twin.id, "code": twin.code, "name": twin.name}},
        )


def _snapshot(college: College) -> dict[str, Any]:
    return {
        "code": college.code,
        "name": college.name,
        "country": college.country,
        "province": college.province_name,
        "website": college.website,
        "verified": college.verified,
    }


def open_proposals(user: User) -> int:
    """How many of `user`'s proposals wait for an organizer."""
    return db.session.scalar(select(func.count(College.id)).where(College.proposed_by_id == user.id, College.verified.is_(False)))


def propose_college(raw: Mapping[str, Any], *, actor: User, now: datetime) -> College:
    """Add an institution that is not on the list, unverified and proposed by `actor`, who may name it at
    once in their registration (nobody else but organizers may).

    Refused: a name and country the list already has (409 college_exists, naming it), and more than
    MAX_OPEN_PROPOSALS waiting proposals of one person (409 too_many_proposals). Its code is "P" and its id,
    which no national code (10 digits) can be.
    """
    values, problems = _clean_fields(raw)
    province_id = _province_id(values, values.get("country", ""), problems)
    if problems:
        raise InvalidDataError(_("The institution cannot be proposed."), fields=problems)
    _refuse_listed_twin(values["name"], values["country"])
    if open_proposals(actor) >= MAX_OPEN_PROPOSALS:
        raise StateConflictError(
            _(
                "You have %(n)s institutions waiting for an organizer's check; wait until they are checked before proposing another.",
                n=MAX_OPEN_PROPOSALS,
            ),
            code="too_many_proposals",
        )
    # A unique code the id then replaces: the id is known only once the row is written.
    college = College(
        code=f"P-{secrets.token_hex(8)}",
        name=values["name"],
        country=values["country"],
        website=values["website"],
        province_id=province_id,
        verified=False,
        proposed_by_id=actor.id,
    )
    db.session.add(college)
    db.session.flush()
    code = f"P{college.id}"
    # An imported list abroad may use any code; P and an id too, in theory.
    if db.session.scalar(select(College.id).where(College.code == code)) is None:
        college.code = code
    db.session.flush()
    audit.record(
        actor=actor, action="college.propose", object_type="college", object_id=college.id, now=now, after=_snapshot(college)
    )
    return college


def verify_college(college: College, corrections: Mapping[str, Any], *, actor: User, now: datetime) -> College:
    """Put a proposed institution on the list, with the organizer's corrections of its name, country,
    website or province. Refused: one already on the list (409 college_verified), and a name and country the
    list already has (409 college_exists: merge it into that one instead)."""
    if college.verified:
        raise StateConflictError(_("%(name)s is already on the list.", name=college.name), code="college_verified")
    values, problems = _clean_fields(corrections, partial=True)
    country = values.get("country", college.country)
    province_id = _province_id(values, country, problems)
    if problems:
        raise InvalidDataError(_("The institution cannot be verified."), fields=problems)
    name = values.get("name", college.name)
    _refuse_listed_twin(name, country, exclude_id=college.id)
    before = _snapshot(college)
    college.name, college.country = name, country
    college.website = values.get("website", college.website)
    if country != "CN":
        college.province_id = None
    elif province_id is not None:
        college.province_id = province_id
    college.verified = True
    db.session.flush()
    db.session.refresh(college, ["province"])
    audit.record(
        actor=actor,
        action="college.verify",
        object_type="college",
        object_id=college.id,
        now=now,
        before=before,
        after=_snapshot(college),
    )
    return college


def proposals_waiting() -> list[College]:
    """Every proposal no organizer has checked yet, oldest first."""
    return list(db.session.scalars(select(College).where(College.verified.is_(False)).order_by(College.id)))


def merge_targets(country: str) -> list[College]:
    """The colleges on the list of `country`, by name: where a proposal of that country may be merged."""
    statement = select(College).where(College.country == country, College.verified.is_(True)).order_by(College.name)
    return list(db.session.scalars(statement))
