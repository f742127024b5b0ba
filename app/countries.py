"""Countries: the ISO 3166-1 alpha-2 codes that institutions, rounds and counts use, and their names in the
reader's language. The one place that knows countries: everything else keeps the code and asks here for
the name, so no list of country names is written anywhere else.

The codes and the English names are pycountry's (ISO 3166-1, kept up to date by its maintainers); the
Chinese names are its gettext catalogue for zh_CN.
"""

from __future__ import annotations

import functools
import gettext

import pycountry
from flask import has_request_context
from flask_babel import get_locale

#: Every ISO 3166-1 alpha-2 code.
CODES: frozenset[str] = frozenset(country.alpha_2 for country in pycountry.countries)


def normalized(code: str | None) -> str:
    """A code as stored: upper case, without surrounding spaces ("cn " → "CN")."""
    return (code or "").strip().upper()


def is_country(code: str | None) -> bool:
    """Whether `code` is an ISO 3166-1 alpha-2 code, in either case ("GB", "gb"; not "UK", "ZZ")."""
    return normalized(code) in CODES


@functools.cache
def _chinese() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)


@functools.cache
def _name(code: str, chinese: bool) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    if chinese:
        return _chinese().gettext(country.name)
    # "Taiwan" rather than "Taiwan, Province of China", "Bolivia" rather than "Bolivia, Plurinational State of"
    return getattr(country, "common_name", None) or country.name


def _reader_reads_chinese() -> bool:
    return has_request_context() and str(get_locale() or "en").startswith("zh")


def country_name(code: str | None, *, chinese: bool | None = None) -> str:
    """The country's name in the reader's language (the request's locale, unless `chinese` says), or the code
    itself when it is not an ISO code (an institution imported before codes were checked)."""
    code = normalized(code)
    if not code:
        return ""
    return _name(code, _reader_reads_chinese() if chinese is None else chinese)


def country_choices(codes: list[str] | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name in the reader's language: of `codes`, or of every country."""
    chinese = _reader_reads_chinese()
    pairs = [(code, _name(code, chinese)) for code in (CODES if codes is None else codes)]
    return sorted(pairs, key=lambda pair: pair[1])
