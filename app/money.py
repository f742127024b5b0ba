"""Amounts of money as Laurel keeps them: exact decimals to the cent, in a currency named by its ISO 4217
code, which babel (with CLDR's data, brought by Flask-Babel) knows and formats in the reader's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import is_currency
from flask_babel import format_currency, format_decimal
from flask_babel import gettext as _

#: Amounts are kept to the cent (the columns' scale) and below a thousand trillion (their precision).
AMOUNT_PLACES, AMOUNT_LIMIT = 2, Decimal(10) ** 15


def known_currency(code: Any) -> bool:
    """An ISO 4217 code that CLDR knows, written in capitals: CNY, USD, EUR."""
    return isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper() and is_currency(code)


def currency_problem(code: Any) -> str:
    return _("Unknown currency %(code)s: give an ISO 4217 code such as CNY or USD.", code=str(code)[:10])


def amount_problem(amount: Decimal | None) -> str | None:
    """Why `amount` cannot be stored exactly, or None."""
    if amount is None:
        return None
    if amount < 0 or amount >= AMOUNT_LIMIT:
        return _("Give an amount of 0 or more, below 1,000,000,000,000,000.")
    if amount.as_tuple().exponent < -AMOUNT_PLACES:  # type: ignore[operator]
        return _("Give an amount with at most 2 decimals.")
    return None


def amount_text(amount: Decimal) -> str:
    """An amount's number in the reader's language, cents only when there are some: 6,100,000."""
    return format_decimal(amount, format="#,##0.##")


def money_text(amount: Decimal | None, currency: str | None) -> str:
    """An amount with its currency in the reader's language (CN¥6,100,000.00, ¥6,100,000.00), or nothing."""
    if amount is None or currency is None:
        return ""
    return format_currency(amount, currency)


def to_cents(amount: Decimal) -> Decimal:
    """An amount (checked by `amount_problem`) as the columns keep it, to the cent: 300000 → 300000.00."""
    return amount.quantize(Decimal(1).scaleb(-AMOUNT_PLACES))
