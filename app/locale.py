"""Which language a page speaks: the person's own choice, else its contest's.

A contest speaks one language first (`Contest.language`): the pages that belong to it, its mail and its
workbooks. A person who chose a language keeps it on every page: with the switch, in their account, or in
their browser's settings (Accept-Language) when it names a language Laurel speaks. So a reader's pages never
change language as they go from their dashboard to a contest and back, and an English browser reads the
national contest in English as before; the contest's language speaks to whoever stated none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import Assignment, Contest, Round, Team

#: The view arguments that name one contest's page, and how each leads to the contest's language.
CONTEST_LANGUAGE_QUERIES = {
    "contest_id": lambda id_: select(Contest.language).where(Contest.id == id_),
    "round_id": lambda id_: select(Contest.language).join(Round, Round.contest_id == Contest.id).where(Round.id == id_),
    "team_id": lambda id_: select(Contest.language).join(Team, Team.contest_id == Contest.id).where(Team.id == id_),
    "assignment_id": lambda id_: (
        select(Contest.language)
        .join(Round, Round.contest_id == Contest.id)
        .join(Assignment, Assignment.round_id == Round.id)
        .where(Assignment.id == id_)
    ),
}
API_PREFIX = "/api/"


def page_contest_language(view_args: Mapping[str, Any] | None) -> str | None:
    """The language of the contest a page belongs to (its URL names the contest, or one of its rounds,
    teams or score sheets), or None for a page of no one contest (and for an id that names nothing)."""
    for name, query in CONTEST_LANGUAGE_QUERIES.items():
        value = (view_args or {}).get(name)
        if isinstance(value, int):
            return db.session.scalar(query(value))
    return None


def select_locale() -> str:
    """The language chosen with the switch, else the signed-in user's, else the browser's best match among
    Laurel's languages, else (on a page of one contest) the contest's, else the default.

    The API answers as before (Accept-Language, else the default), whatever the contest. Outside a request
    (the command line) it is the default language.
    """
    languages = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    browser = request.accept_languages.best_match(languages)
    if browser or request.path.startswith(API_PREFIX):
        return browser or default
    contest_language = page_contest_language(request.view_args)
    return contest_language if contest_language in languages else default
