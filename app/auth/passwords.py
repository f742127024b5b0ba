"""The password rule, after NIST SP 800-63B: long enough, and not among the first guesses an attacker
tries. No composition rules (a digit, a capital, a symbol): they make passwords harder to remember, not
to guess.

zxcvbn judges the guesses: it knows the common and breached passwords, words, names, dates, repeats,
sequences and keyboard patterns, and takes the user's own words (their email, their name) and the
site's name as the first things an attacker would try. Every way of setting a password goes through
`password_problem`: sign-up, the password change, createUser, `flask users create`, the judges' import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
#: zxcvbn's score: 3 is "safely unguessable" (at least 10^8 guesses), beyond an online attack held
#: back by the sign-in limits, and a fair way into an offline one against the slow hash.
MIN_SCORE = 3
#: zxcvbn looks at this much of a password; a longer one whose first 72 characters are hard to guess is
#: harder still, and one whose first 72 are easy is refused (a repeat, a pasted pattern).
JUDGED_LENGTH = 72
#: Words of the site itself, which an attacker tries first, as the user's own.
SITE_WORDS = ("laurel",)


def context_words(*values: str | None) -> list[str]:
    """The user's own words, for `password_problem`: each value whole, and its parts (an email's name and
    domain, a name's words), with the site's words."""
    words: list[str] = list(SITE_WORDS)
    for value in values:
        value = (value or "").strip().lower()
        if value:
            words.append(value)
            words.extend(part for part in re.split(r"[\s@._+-]+", value) if len(part) >= 3)
    return list(dict.fromkeys(words))


def _reason(matches: list[dict[str, Any]]) -> str:
    """Why zxcvbn found a password easy: the first of these that its matches show."""
    dictionaries = {match.get("dictionary_name") for match in matches if match["pattern"] == "dictionary"}
    patterns = {match["pattern"] for match in matches}
    if "user_inputs" in dictionaries:
        return _("It contains your name, your email or the name of the site, which an attacker tries first.")
    if "passwords" in dictionaries:
        return _("It is one of the most common passwords, which an attacker tries first.")
    if patterns & {"repeat", "sequence", "spatial"}:
        return _("It is a repeat, a sequence or a keyboard pattern (aaaa, 1234, qwerty), which is easy to guess.")
    if "date" in patterns:
        return _("It is mostly a date, which is easy to guess.")
    return _("It is too easy to guess: add a word or two that are not common.")


def _without(password: str, words: Iterable[str]) -> str:
    """`password` with each of `words` taken out, longest first, whatever their case."""
    for word in sorted(words, key=len, reverse=True):
        password = re.sub(re.escape(word), "", password, flags=re.IGNORECASE)
    return password


def _strong(password: str, context: list[str]) -> tuple[bool, list[dict[str, Any]]]:
    if not password:
        return False, []
    result = zxcvbn(password[:JUDGED_LENGTH], user_inputs=context)
    return result["score"] >= MIN_SCORE, result["sequence"]


def password_problem(password: str, context: Iterable[str] = ()) -> str | None:
    """What is wrong with `password`, as a sentence for its field, or None when it may be used.

    It needs 8 to 200 characters, and a zxcvbn score of at least 3 with `context` (the user's words, from
    `context_words`) taken as known to the attacker; what is left once those words are taken out must
    score 3 as well, so that a name with a year (zhangwei2024, Laurel-2024!) is refused. "password",
    "12345678", eight spaces and "qwertyuiop" are refused; a few uncommon words together pass.
    """
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(n)s characters.", n=MAX_PASSWORD_LENGTH)
    words = list(context) or list(SITE_WORDS)
    strong, matches = _strong(password, words)
    if not strong:
        return _reason(matches)
    remainder = _without(password, words)
    if remainder != password and not _strong(remainder, words)[0]:
        return _reason([{"pattern": "dictionary", "dictionary_name": "user_inputs"}])
    return None
