"""The national colleges list: provinces, importing the list, and searching it. Institutions proposed by
applicants are `app.colleges.proposals`; merging one into the list, `app.colleges.merge`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, insert, or_, select
from sqlalchemy.orm import contains_eager

from app import audit, countries
from app.errors import InvalidRowsError, problems_message
from app.extensions import db
from app.models import PROVINCES_CN, College, Province, User
from app.spreadsheets import Table

#: The copy of the Ministry of Education's list that ships with Laurel.
NATIONAL_LIST = Path(__file__).resolve().parent.parent / "data" / "colleges_cn.csv"

REQUIRED_COLUMNS = ("code", "name", "province", "city", "level")
LEVELS_CN = ("本科", "专科")
OWNERSHIPS = ("公办", "民办", "")
_MAINLAND_PROVINCES = frozenset(PROVINCES_CN)
NAME_MAX = 80
CITY_MAX = 40
CODE_MAX = 20


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


def ensure_provinces() -> dict[str, Province]:
    """Make sure the 31 mainland provinces exist; return every province by name."""
    provinces = {province.name: province for province in db.session.scalars(select(Province))}
    missing = [name for name in PROVINCES_CN if name not in provinces]
    if missing:
        db.session.execute(insert(Province), [{"name": name, "country": "CN"} for name in missing])
        provinces = {province.name: province for province in db.session.scalars(select(Province))}
    return provinces


def _row_errors(row: dict[str, str]) -> list[tuple[str, str]]:
    """What is wrong with one row of a colleges file, as (column, message) pairs.

    A Chinese college (country CN, the default) has a 10-digit code, one of the 31 provinces
    and a level of 本科 or 专科; a college abroad has a code of at most 20 characters, and a province
    (a region, a state) only if the file gives one.
    """
    errors: list[tuple[str, str]] = []
    country = countries.normalized(row.get("country")) or "CN"
    code, name, province = row.get("code", ""), row.get("name", ""), row.get("province", "")
    if not code:
        errors.append(("code", _("The code is missing.")))
    elif country == "CN" and not (len(code) == 10 and code.isdigit()):
        errors.append(("code", _("A Chinese college's code has 10 digits; %(code)s does not.", code=code)))
    elif len(code) > CODE_MAX:
        errors.append(("code", _("The code is longer than %(n)s characters.", n=CODE_MAX)))
    if not name:
        errors.append(("name", _("The name is missing.")))
    elif len(name) > NAME_MAX:
        errors.append(("name", _("The name has %(len)s characters; at most %(n)s fit.", len=len(name), n=NAME_MAX)))
    if not province and country == "CN":  # abroad a college may have no province
        errors.append(("province", _("The province is missing.")))
    elif country == "CN" and province not in _MAINLAND_PROVINCES:
        errors.append(("province", _("Unknown province %(name)s; write it in full, as 浙江省.", name=province)))
    elif len(province) > 40:
        errors.append(("province", _("The province is longer than 40 characters.")))
    if len(row.get("city", "")) > CITY_MAX:
        errors.append(("city", _("The city is longer than %(n)s characters.", n=CITY_MAX)))
    if country == "CN" and row.get("level", "") not in LEVELS_CN:
        errors.append(("level", _("The level must be 本科 or 专科.")))
    if row.get("ownership", "") not in OWNERSHIPS:
        errors.append(("ownership", _("The ownership must be 公办 or 民办.")))
    if not countries.is_country(country):
        errors.append(
            ("country", _("%(code)s is not a country's ISO 3166-1 code; write two letters, as CN or GB.", code=country))
        )
    return errors


def import_colleges(table: Table, *, now: datetime, actor: User | None = None) -> ImportSummary:
    """Import a colleges list: validate every row first, then save all of it or nothing.

    Colleges are matched by code: a known code is updated when a field differs, a new code is
    created, and colleges missing from the file are kept. Importing the same file twice changes
    nothing the second time.
    """
    provinces = ensure_provinces()
    missing_columns = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing_columns:
        raise InvalidRowsError(
            _("The file lacks the columns %(columns)s.", columns=", ".join(missing_columns)),
            rows=[{"row": 1, "column": column, "message": _("This column is missing.")} for column in missing_columns],
        )
    bad_rows: list[dict[str, object]] = []
    first_row_of_code: dict[str, int] = {}
    for number, row in table.rows:
        for column, message in _row_errors(row):
            bad_rows.append({"row": number, "column": column, "message": message})
        code = row.get("code", "")
        if code and code in first_row_of_code:
            bad_rows.append(
                {
                    "row": number,
                    "column": "code",
                    "message": _("The code %(code)s is already in row %(first)s.", code=code, first=first_row_of_code[code]),
                }
            )
        first_row_of_code.setdefault(code, number)
    if bad_rows:
        raise InvalidRowsError(problems_message(len(bad_rows)), rows=bad_rows)

    for _number, row in table.rows:  # provinces abroad are created as they come
        if row["province"] and row["province"] not in provinces:
            province = Province(name=row["province"], country=countries.normalized(row.get("country")) or "CN")
            db.session.add(province)
            provinces[province.name] = province
    db.session.flush()

    existing = {college.code: college for college in db.session.scalars(select(College))}
    new_rows: list[dict[str, object]] = []
    updated = 0
    for _number, row in table.rows:
        values = {
            "code": row["code"],
            "name": row["name"],
            "province_id": provinces[row["province"]].id if row["province"] else None,
            "city": row.get("city", ""),
            "level": row.get("level", ""),
            "ownership": row.get("ownership", ""),
            "country": countries.normalized(row.get("country")) or "CN",
        }
        college = existing.get(row["code"])
        if college is None:
            new_rows.append(values)
        elif any(getattr(college, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(college, key, value)
            updated += 1
    if new_rows:
        db.session.execute(insert(College), new_rows)
    db.session.flush()
    summary = ImportSummary(created=len(new_rows), updated=updated)
    if new_rows or updated:
        audit.record(
            actor=actor,
            action="colleges.import",
            object_type="college",
            object_id=None,
            now=now,
            after={"created": summary.created, "updated": summary.updated, "rows": len(table.rows)},
        )
    return summary


def colleges_query(
    q: str | None = None,
    province: str | None = None,
    country: str | None = None,
    *,
    verified: bool | None = None,
    visible: ColumnElement[bool] | None = None,
) -> Select:
    """Colleges whose name contains `q` or whose code starts with it, in one province and one country
    (an ISO 3166-1 alpha-2 code, in either case) if given; only those on the list (`verified`) or only the
    proposals, if asked; only those `visible` selects (`app.permissions.usable_colleges`) if given."""
    statement = select(College).outerjoin(College.province).options(contains_eager(College.province)).order_by(College.code)
    if q and q.strip():
        term = q.strip()
        statement = statement.where(
            or_(College.name.contains(term, autoescape=True), College.code.startswith(term, autoescape=True))
        )
    if province:
        statement = statement.where(Province.name == province)
    if country:
        statement = statement.where(College.country == countries.normalized(country))
    if verified is not None:
        statement = statement.where(College.verified.is_(verified))
    if visible is not None:
        statement = statement.where(visible)
    return statement


def province_exists(name: str) -> bool:
    """One of the 31 mainland provinces, or a province abroad that a colleges list brought in."""
    return name in _MAINLAND_PROVINCES or db.session.scalar(select(Province.id).where(Province.name == name)) is not None


def college_countries() -> list[str]:
    """The countries that have a college on the list, as codes."""
    return list(db.session.scalars(select(College.country).distinct()))


def province_names() -> list[str]:
    return list(db.session.scalars(select(Province.name).order_by(Province.id)))


def find_college(text: str | None) -> College | None:
    """The college a person typed: its code (alone or after the name, as the search suggests: 浙江大学
    4133010335, or a proposal's P17) or its exact name, a college on the list before a proposal."""
    text = (text or "").strip()
    if not text:
        return None
    last = text.split()[-1]
    college = db.session.scalar(select(College).where(College.code == last))
    if college is not None or last.isdigit():
        return college
    return db.session.scalar(select(College).where(College.name == text).order_by(College.verified.desc(), College.id).limit(1))
