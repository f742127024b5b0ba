"""A contest's own registration questions (`RegistrationField`): checking them and saving them with the contest.

Given in createContest or updateContest as `registration_fields`, a list of `{key, label, type, required?,
choices?, help?, track?}`; left out of an update, they are kept; given, the list replaces them, matched by
key, so that a question kept is the same row (teams' answers are stored by key).

Removing a question or changing its type is allowed even after teams answered it: the answers stay stored
in the teams (unseen once the question is gone; shown as they were saved after a change of type, and checked
again by the new type when the team is next changed). Refusing would stop an organizer from fixing a
question once a single team has answered it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from flask_babel import gettext as _

from app.models import Contest, RegistrationField
from app.registration.answers import CHOICE, FIELD_TYPES, clean_choice

KEY = re.compile(r"^[a-z0-9_]{1,40}$")
LABEL_MAX = 80
HELP_MAX = 200
CHOICES_MAX = 50
CHOICE_MAX = 100
QUESTIONS_MAX = 50


def validate_questions(items: Any, track_codes: Collection[str], fail: Callable[[str, str], None]) -> None:
    """Report each problem of `items` (the `registration_fields` of a contest's data; None: none given) at
    `registration_fields.N.<field>`: a key of 1 to 40 of a-z, 0-9 and _, unique; a label of 1 to
    LABEL_MAX characters; a type of FIELD_TYPES; for a choice, 1 to CHOICES_MAX different non-empty texts
    (and none for other types); help up to HELP_MAX characters; a track among `track_codes`, or none for
    every track."""
    if items is None:
        return
    if len(items) > QUESTIONS_MAX:
        fail("registration_fields", _("At most %(n)s questions.", n=QUESTIONS_MAX))
    seen: set[str] = set()
    for index, item in enumerate(items):
        prefix = f"registration_fields.{index}"
        key = (item.get("key") or "").strip()
        if not KEY.match(key):
            fail(f"{prefix}.key", _("A key is 1 to 40 of a-z, 0-9 and _, such as business_stage."))
        elif key in seen:
            fail(f"{prefix}.key", _("The key %(key)s is used twice.", key=key))
        seen.add(key)
        label = (item.get("label") or "").strip()
        if not label:
            fail(f"{prefix}.label", _("Enter the question as people will read it."))
        elif len(label) > LABEL_MAX:
            fail(f"{prefix}.label", _("At most %(n)s characters.", n=LABEL_MAX))
        kind = item.get("type")
        if kind not in FIELD_TYPES:
            fail(f"{prefix}.type", _("Choose one of: %(choices)s.", choices=", ".join(FIELD_TYPES)))
        _validate_choices(item.get("choices") or [], kind, f"{prefix}.choices", fail)
        if len((item.get("help") or "").strip()) > HELP_MAX:
            fail(f"{prefix}.help", _("At most %(n)s characters.", n=HELP_MAX))
        track = (item.get("track") or "").strip().upper()
        if track and track not in track_codes:
            fail(
                f"{prefix}.track",
                _("Choose one of the contest's tracks (%(choices)s), or none for every track.", choices=", ".join(track_codes)),
            )


def _validate_choices(choices: Sequence[Any], kind: Any, name: str, fail: Callable[[str, str], None]) -> None:
    if kind != CHOICE:
        if choices:
            fail(name, _("Only a choice question offers choices."))
        return
    texts = [clean_choice(choice) if isinstance(choice, str) else None for choice in choices]
    if not texts:
        fail(name, _("A choice question offers 1 to %(n)s choices.", n=CHOICES_MAX))
    elif len(texts) > CHOICES_MAX:
        fail(name, _("At most %(n)s choices.", n=CHOICES_MAX))
    if any(not text for text in texts):
        fail(name, _("A choice is a non-empty text."))
    elif any(len(text) > CHOICE_MAX for text in texts):
        fail(name, _("A choice has at most %(n)s characters.", n=CHOICE_MAX))
    elif len(set(texts)) != len(texts):
        fail(name, _("Each choice is offered once."))


def apply_questions(contest: Contest, data: Mapping[str, Any]) -> None:
    """Save the checked `registration_fields` of `data` on the contest, after its tracks: given, they replace
    the questions (matched by key); left out, the questions are kept, but those of a track the contest no
    longer has go with it."""
    tracks = {track.code: track for track in contest.tracks}
    if "registration_fields" not in data or data["registration_fields"] is None:
        contest.registration_fields = [q for q in contest.registration_fields if q.track is None or q.track in tracks.values()]
        return
    by_key = {question.key: question for question in contest.registration_fields}
    kept: list[RegistrationField] = []
    for position, item in enumerate(data["registration_fields"]):
        key = item["key"].strip()
        question = by_key.get(key) or RegistrationField(key=key)
        question.label, question.type, question.position = item["label"].strip(), item["type"], position
        question.required = bool(item.get("required"))
        question.choices = [clean_choice(choice) for choice in item.get("choices") or []]
        question.help = (item.get("help") or "").strip()
        question.track = tracks.get((item.get("track") or "").strip().upper())
        kept.append(question)
    contest.registration_fields = kept


def question_data(question: RegistrationField) -> dict[str, Any]:
    """A question as the API gives it (and the audit trail keeps it)."""
    return {
        "key": question.key,
        "label": question.label,
        "type": question.type,
        "required": question.required,
        "choices": list(question.choices or []),
        "help": question.help,
        "track": question.track.code if question.track is not None else None,
    }


def questions_snapshot(contest: Contest) -> list[dict[str, Any]]:
    return [question_data(question) for question in contest.registration_fields]
