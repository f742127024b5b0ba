"""Text Laurel refuses wherever it comes from: what no column can hold, and what would disguise a name.

- The NUL character (\\x00): PostgreSQL text cannot hold it (the driver fails: a 500).
- A lone surrogate (U+D800 to U+DFFF, unpaired): not a character at all; no encoder writes it.
- Bidirectional controls (U+202A-202E, U+2066-2069, U+200E, U+200F, U+061C): a right-to-left override
  shows a name as other text, and reorders what follows it on the page.
- Text made only of invisible characters (zero-width spaces and joiners, the byte-order mark, fillers): a
  name the page shows as nothing. White space alone is blank, not refused here: a field left empty.

`text_problem` says which, as a message. It is applied at each door, before anything reads the text: the
API's parser (`app.api.blueprint`), the pages' before-request check (`refuse_bad_text`, below), every
imported file's cells (`app.spreadsheets.read_table`), and the registration rules (`registration.rules`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, request
from flask_babel import gettext as _

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Letters that draw nothing (Hangul fillers, the blank braille pattern); the other invisible characters
#: are format, control and separator characters, found by their category.
FILLERS = "\u115f\u1160\u3164\uffa0\u2800"
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def text_problem(text: str) -> str | None:
    """Why `text` is refused (a sentence to show at its field), or None when it is fine.

    >>> text_problem("星火队"), text_problem("   "), text_problem("a\\u200db") is None
    (None, None, True)
    >>> text_problem("\\u200b\\u200b") == text_problem(" \\u3164") != None
    True
    """
    if text.isprintable():  # most text: no control, format or separator character but the space
        invisible = text.strip(" " + FILLERS) == "" and text.strip(" ") != ""
    elif UNSTORABLE.search(text):
        if "\x00" in text:
            return _("Remove the NUL character (\\0): text cannot contain it.")
        return _("Remove the broken character (a lone UTF-16 surrogate): text cannot contain it.")
    elif BIDI_CONTROLS.search(text):
        return _("Remove the text direction control (such as a right-to-left override): it makes text show as other text.")
    else:
        stripped = "".join(text.split())
        invisible = bool(stripped) and all(
            char in FILLERS or unicodedata.category(char) in INVISIBLE_CATEGORIES for char in stripped
        )
    if invisible:
        return _("Type visible characters: this is made only of invisible ones, such as zero-width spaces.")
    return None


def fields_with_text_problems(data: Any, prefix: str = "") -> dict[str, str]:
    """Each dotted name in `data` (its keys included) whose text `text_problem` refuses, with the reason.

    >>> list(fields_with_text_problems({"name": "a\\x00b", "members": [{"email": "ok"}, {"major": "\\u202e"}]}))
    ['name', 'members.1.major']
    """
    if isinstance(data, str):
        problem = text_problem(data)
        return {prefix or "_schema": problem} if problem else {}
    found: dict[str, str] = {}
    if isinstance(data, Mapping):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            problem = text_problem(key) if isinstance(key, str) else None
            if problem:
                found[name] = problem
            found.update(fields_with_text_problems(value, name))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            found.update(fields_with_text_problems(value, f"{prefix}.{index}" if prefix else str(index)))
    return found


def _pairs_with_problems(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in pairs:
        problem = text_problem(key) or (text_problem(value) if isinstance(value, str) else None)
        if problem:
            found.setdefault(key, problem)
    return found


def refuse_bad_text() -> None:
    """Before a page reads its query or its form: refuse (422, the error page) text `text_problem` refuses.

    The API is left to its parser, which refuses the same text after the permission check, naming each
    field in its JSON envelope (api.md: 401, then 404, then 403, then 422).
    """
    from app.errors import InvalidDataError

    if request.path.startswith("/api/"):
        return
    found = _pairs_with_problems(request.args.items(multi=True))
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        found.update(_pairs_with_problems(request.form.items(multi=True)))
    if found:
        name, problem = next(iter(found.items()))
        raise InvalidDataError(
            _("%(problem)s (%(field)s)", problem=problem, field=name), fields={k: [v] for k, v in found.items()}
        )


def register_text_check(app: Flask) -> None:
    app.before_request(refuse_bad_text)
