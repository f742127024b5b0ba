"""Answers to a contest's own questions (`RegistrationField`): a project category, a business stage, a team's
social media account. The registration rules call `check_answers`; the API, the page and the import all
give answers the same shape, `{key: value}`.

How each type's answer is stored (in `Team.answers`, as JSON), the same whichever door it came in by:
text and long text as text, a choice as the chosen text, a number as the text of its digits ("12.5": exact,
never a float), a date as YYYY-MM-DD, yes/no as true or false, a URL as text. An optional question left
empty stores nothing.

A question removed from the contest (or one of another track, after the team moved) keeps its stored
answer, unseen: `shown_answers` gives only what the team's track asks now, and a change of the team writes
the new answers over the asked ones only (`kept_answers`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask_babel import gettext as _

from app.models import Contest, RegistrationField, Team, Track
from app.text import text_problem
from scoring.numbers import MAX_DIGITS, decimal_from_text, half_width

if TYPE_CHECKING:
    from app.registration.rules import _Problems

TEXT, LONG_TEXT, CHOICE, NUMBER, DATE, YES_NO, URL = "text", "long_text", "choice", "number", "date", "yes_no", "url"
FIELD_TYPES = (TEXT, LONG_TEXT, CHOICE, NUMBER, DATE, YES_NO, URL)
TEXT_MAX = 200
LONG_TEXT_MAX = 2000
URL_MAX = 500
ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?: 00:00:00)?$")  # a date cell of a workbook reads "2026-05-01 00:00:00"
#: Yes and no as people write them in a cell ("是 yes", "否", "TRUE", "1"), compared lower-cased.
YES_WORDS = frozenset({"yes", "y", "true", "1", "是", "对"})
NO_WORDS = frozenset({"no", "n", "false", "0", "否", "不是"})


def questions_for(contest: Contest, track: Track | None) -> list[RegistrationField]:
    """The questions an entrant of `track` answers, in order: the contest-wide ones and the track's own.
    Without a track (one the contest does not have) only the contest-wide ones."""
    return [q for q in contest.registration_fields if q.track is None or (track is not None and q.track.id == track.id)]


def shown_answers(team: Team) -> dict[str, Any]:
    """The team's answers to the questions its track asks now, by key: what the pages, the API and the
    exports show. Answers to removed questions stay stored but are not shown."""
    stored = team.answers or {}
    return {q.key: stored[q.key] for q in questions_for(team.contest, team.track) if q.key in stored}


def kept_answers(team: Team, new: Mapping[str, Any]) -> dict[str, Any]:
    """What a change of the team stores: the new answers, and the stored answers to questions the team's
    (new) track does not ask, left as they were (a removed question, another track's)."""
    asked = {q.key for q in questions_for(team.contest, team.track)}
    return {**{key: value for key, value in (team.answers or {}).items() if key not in asked}, **new}


def check_answers(contest: Contest, track: Track | None, raw: Mapping[str, Any] | None, problems: _Problems) -> dict[str, Any]:
    """The answers to the questions `track` asks, normalized (see the module's docstring), with each problem
    reported at `answers.<key>`: a required question left empty, a choice not offered, a number, date, yes/no
    or URL that is not one, text too long or refused by `app.text.text_problem`. A key no question of the
    contest has is refused at `answers`, naming it; an answer to another track's question is ignored, so
    that a team moving to another track keeps working."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.add("answers", _("Give the answers as an object of question keys and values."))
        return {}
    keys = {q.key for q in contest.registration_fields}
    unknown = sorted(str(key) for key in raw if key not in keys)
    if unknown:
        problems.add(
            "answers",
            _(
                "No question of this contest has the key %(keys)s; its questions are: %(asked)s.",
                keys=", ".join(unknown),
                asked=", ".join(sorted(keys)) or _("none"),
            ),
        )
    answers: dict[str, Any] = {}
    for question in questions_for(contest, track):
        value = _answer(question, raw.get(question.key), problems, f"answers.{question.key}")
        if value is not None:
            answers[question.key] = value
    return answers


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _answer(question: RegistrationField, value: Any, problems: _Problems, name: str) -> Any:
    """One answer, normalized, or None when it is empty (reported if required) or wrong (reported)."""
    if _is_empty(value):
        if question.required:
            problems.add(name, _("This is required."))
        return None
    if question.type == YES_NO:
        return _yes_no(value, problems, name)
    if question.type == NUMBER and not isinstance(value, str):
        value = str(value) if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else "?"
    if not isinstance(value, str):
        problems.add(name, _("Answer with text."))
        return None
    if problem := text_problem(value):
        problems.add(name, problem)
        return None
    if question.type == LONG_TEXT:
        text = "\n".join(" ".join(line.split()) for line in unicodedata.normalize("NFC", value).strip().splitlines())
        return problems.text(name, text, LONG_TEXT_MAX) or None
    text = clean_choice(value)
    if question.type == TEXT:
        return problems.text(name, text, TEXT_MAX) or None
    if question.type == CHOICE:
        if text not in question.choices:
            problems.add(name, _("Choose one of: %(choices)s.", choices=", ".join(question.choices)))
            return None
        return text
    if question.type == NUMBER:
        return _number(text, problems, name)
    if question.type == DATE:
        return _date(text, problems, name)
    return _url(text, problems, name)


def clean_choice(text: str) -> str:
    """A choice as it is offered and compared: NFC, trimmed, runs of white space made one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _number(text: str, problems: _Problems, name: str) -> str | None:
    number = decimal_from_text(half_width(text))
    digits = len(text.replace("-", "").replace("+", "").replace(".", ""))
    if number is None or digits > MAX_DIGITS:
        problems.add(name, _("Enter a number with the digits 0-9 and a point, such as 12.5."))
        return None
    return format(number.normalize(), "f")


def _date(text: str, problems: _Problems, name: str) -> str | None:
    match = ISO_DATE.match(text)
    try:
        return date.fromisoformat(match.group(1)).isoformat() if match else _bad_date(problems, name)
    except ValueError:
        return _bad_date(problems, name)


def _bad_date(problems: _Problems, name: str) -> None:
    problems.add(name, _("Enter a date as YYYY-MM-DD, such as 2026-05-01."))


def _yes_no(value: Any, problems: _Problems, name: str) -> bool | None:
    if isinstance(value, bool):
        return value
    words = set(str(value).lower().split()) if isinstance(value, str) else set()
    if words and words <= YES_WORDS:
        return True
    if words and words <= NO_WORDS:
        return False
    problems.add(name, _("Answer yes or no (true or false)."))
    return None


def _url(text: str, problems: _Problems, name: str) -> str | None:
    try:
        parts = urlsplit(text) if " " not in text else None
        host = parts.hostname if parts is not None else None
    except ValueError:  # "http://[" and other addresses urlsplit cannot read
        parts = host = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        problems.add(name, _("Enter a web address starting with http:// or https://."))
        return None
    if len(text) > URL_MAX:
        problems.add(name, _("At most %(n)s characters; this has %(len)s.", n=URL_MAX, len=len(text)))
        return None
    return text


def answered_questions(team: Team) -> list[tuple[RegistrationField, Any]]:
    """The questions the team's track asks that the team answered, with the answers: what its page lists."""
    stored = team.answers or {}
    return [(q, stored[q.key]) for q in questions_for(team.contest, team.track) if q.key in stored]


def answer_text(question: RegistrationField, value: Any) -> str:
    """An answer as a cell or a page shows it: yes/no in both languages, the rest as stored."""
    if value is None:
        return ""
    if question.type == YES_NO:
        return "是 yes" if value else "否 no"
    return str(value)
