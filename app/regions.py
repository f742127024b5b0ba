"""World regions: the continents of the UN's M49 standard (Africa, the Americas, Asia, Europe, Oceania), so
that rounds group and advance by region as they do by country. Names come from Babel's CLDR data, in the
reader's language; which country lies in which region is M49's, written out here because neither pycountry
nor Babel ships that table (and the package that does needs pandas)."""

from __future__ import annotations

import functools

from babel import Locale
from flask import has_request_context
from flask_babel import get_locale

#: M49 region code → the ISO 3166-1 alpha-2 codes of its countries and territories (Antarctica, AQ, is in none).
MEMBERS = {
    "002": (  # Africa
        "DZ AO BJ BW IO BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET TF GA GM GH GN GW KE LS LR LY MG MW ML MR MU "
        "YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH ZM ZW"
    ),
    "019": (  # the Americas
        "AI AG AR AW BS BB BZ BM BO BQ BV BR CA KY CL CO CR CU CW DM DO EC SV FK GF GL GD GP GT GY HT HN JM MQ MX "
        "MS NI PA PY PE PR BL KN LC MF PM VC SX GS SR TT TC US UY VE VG VI"
    ),
    "142": (  # Asia
        "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KP KR KW KG LA LB MO MY MV MN MM NP OM PK PS "
        "PH QA SA SG LK SY TW TJ TH TL TR TM AE UZ VN YE"
    ),
    "150": (  # Europe
        "AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE LV LI LT LU MT MD MC ME NL "
        "MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB"
    ),
    "009": "AS AU CX CC CK FJ PF GU HM KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV UM VU WF",  # Oceania
}
REGION_OF: dict[str, str] = {country: region for region, members in MEMBERS.items() for country in members.split()}


def region_of(country: str | None) -> str:
    """The M49 region code of a country ("NG" → "002"), "" for none (Antarctica, or a code ISO does not know)."""
    return REGION_OF.get((country or "").upper(), "")


@functools.cache
def _name(code: str, language: str) -> str:
    return Locale(language).territories.get(code, code)


def region_name(code: str, *, chinese: bool | None = None) -> str:
    """A region's name in the reader's language (the request's locale, unless `chinese` says): 非洲, Africa."""
    if not code:
        return ""
    if chinese is None:
        chinese = has_request_context() and str(get_locale() or "en").startswith("zh")
    return _name(code, "zh" if chinese else "en")
