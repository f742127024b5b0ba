"""The organization that enters in its own name (a company, or an institution applying): its legal name,
country, unified social credit code, contact person and address. Checked here, written by the services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from app import countries

ORGANIZATION_NAME_MAX = 120
ADDRESS_MAX = 200


@dataclass(frozen=True)
class OrganizationData:
    name: str
    country: str
    credit_code: str
    address: str
    contact_name: str
    contact_email: str
    contact_phone: str
    contact_nationality: str


def credit_code_problem(code: str) -> str | None:
    """Why `code` is not a unified social credit code (统一社会信用代码: 18 characters whose last is a check
    digit), or None when it is one."""
    try:
        uscc.validate(code)
    except InvalidChecksum:
        return _("This unified social credit code's check digit is wrong; check the 18 characters again.")
    except ValidationError:
        return _("A unified social credit code has 18 digits and capital letters, such as 91330106MA2B1C2D3E.")
    return None


def check_organization(raw: Any, problems, clean_text, clean_identifier, prefix: str = "organization") -> OrganizationData | None:
    """The organization of an organization entrant, normalized, reporting each problem to `problems` at its
    field (`organization.credit_code`). A Chinese organization gives its credit code; one abroad has none."""
    if not isinstance(raw, Mapping):
        problems.add(prefix, _("Give the organization: its name, country and contact person."))
        return None
    country = countries.normalized(raw.get("country"))
    if not country:
        problems.add(f"{prefix}.country", _("This is required."))
    elif not countries.is_country(country):
        problems.add(f"{prefix}.country", _("Choose a country by its ISO 3166 code, such as CN or GB."))
    credit_code = clean_identifier(raw.get("credit_code"))
    if credit_code:
        if problem := credit_code_problem(credit_code):
            problems.add(f"{prefix}.credit_code", problem)
    elif country == "CN":
        problems.add(f"{prefix}.credit_code", _("A Chinese organization gives its unified social credit code."))
    contact = raw.get("contact") if isinstance(raw.get("contact"), Mapping) else {}
    if not contact:
        problems.add(f"{prefix}.contact", _("Give the contact person: name and email."))
    contact_nationality = countries.normalized(contact.get("nationality")) or country
    if contact.get("nationality") and not countries.is_country(contact_nationality):
        problems.add(f"{prefix}.contact.nationality", _("Choose a country by its ISO 3166 code, such as CN or GB."))
    return OrganizationData(
        name=problems.text(f"{prefix}.name", clean_text(raw.get("name")), ORGANIZATION_NAME_MAX),
        country=country,
        credit_code=credit_code,
        address=problems.text(f"{prefix}.address", clean_text(raw.get("address")), ADDRESS_MAX, required=False),
        contact_name=problems.text(f"{prefix}.contact.name", clean_text(contact.get("name")), 50),
        contact_email=problems.email(f"{prefix}.contact.email", contact.get("email"), required=True),
        contact_phone=problems.phone(f"{prefix}.contact.phone", contact.get("phone")),
        contact_nationality=contact_nationality,
    )
