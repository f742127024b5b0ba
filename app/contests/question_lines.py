"""The contest form's small syntax for its questions: one question per line, as an organizer types it.

    key | label | type [| required] [| track: CODE] [| choices: a; b; c] [| help: text]

`stage | Business stage | choice | required | choices: idea; prototype; revenue`. The words may be written in
Chinese too (必填, 赛道, 选项, 说明), and full-width ｜ ： ； work as their ASCII forms. Empty lines and lines
starting with # are skipped. The parser checks only the line's shape; the rules are `app.contests.questions`'.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _

from app.models import RegistrationField

WIDE = str.maketrans({"｜": "|", "：": ":", "；": ";"})
REQUIRED_WORDS = ("required", "必填")
OPTIONS = {"track": "track", "赛道": "track", "choices": "choices", "选项": "choices", "help": "help", "说明": "help"}


def parse_question_lines(text: str) -> tuple[list[dict[str, Any]], list[int], list[str]]:
    """The questions of `text` in the API's shape, the line number of each, and the problems of lines
    that are not in the syntax (each naming its line)."""
    questions: list[dict[str, Any]] = []
    numbers: list[int] = []
    problems: list[str] = []
    for number, line in enumerate(text.translate(WIDE).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 3:
            problems.append(_("Line %(n)s: write at least key | label | type.", n=number))
            continue
        question: dict[str, Any] = {"key": parts[0], "label": parts[1], "type": parts[2], "required": False}
        for part in parts[3:]:
            word, _colon, value = part.partition(":")
            option = OPTIONS.get(word.strip().lower()) if _colon else None
            if part.lower() in REQUIRED_WORDS:
                question["required"] = True
            elif option == "choices":
                question["choices"] = [choice.strip() for choice in value.split(";") if choice.strip()]
            elif option is not None:
                question[option] = value.strip() or None
            elif part:
                problems.append(
                    _(
                        "Line %(n)s: “%(part)s” is none of required, track:, choices:, help:.",
                        n=number,
                        part=part,
                    )
                )
        questions.append(question)
        numbers.append(number)
    return questions, numbers, problems


def question_lines(questions: Iterable[RegistrationField]) -> str:
    """The contest's questions written in the syntax, for the form to show."""
    lines = []
    for q in questions:
        parts = [q.key, q.label, q.type]
        if q.required:
            parts.append("required")
        if q.track is not None:
            parts.append(f"track: {q.track.code}")
        if q.choices:
            parts.append("choices: " + "; ".join(q.choices))
        if q.help:
            parts.append(f"help: {q.help}")
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def question_errors_by_line(fields: Mapping[str, list[str]], numbers: list[int]) -> dict[str, list[str]]:
    """A service error's fields, with each `registration_fields.N.<field>` put at the form's `questions`
    and named by its line."""
    placed: dict[str, list[str]] = {}
    for name, messages in fields.items():
        parts = name.split(".")
        if parts[0] != "registration_fields":
            placed[name] = list(messages)
            continue
        if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(numbers):
            messages = [_("Line %(n)s: %(message)s", n=numbers[int(parts[1])], message=message) for message in messages]
        placed.setdefault("questions", []).extend(messages)
    return placed
