"""What every HTML form shares: showing a service's field errors at their fields."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from app.errors import ContestError


def show_error_on_form(form: FlaskForm, error: ContestError) -> None:
    """Attach a service error's messages to the form's fields; the rest becomes a flash message.

    Dotted names (tracks.1.code) reach into FieldLists and FormFields.
    """
    unplaced: list[str] = []
    for name, messages in error.fields.items():
        field = _find_field(form, name)
        if field is None:
            unplaced.extend(messages)
        else:
            field.errors = list(field.errors) + list(messages)
    if unplaced or not error.fields:
        flash(" ".join([error.message, *unplaced]) if unplaced else error.message, "error")


def _find_field(form, dotted_name: str):
    node = form
    for part in dotted_name.split("."):
        if hasattr(node, "entries"):  # a FieldList: the part is an index
            if not part.isdigit() or int(part) >= len(node.entries):
                return None
            node = node.entries[int(part)]
            continue
        fields = getattr(getattr(node, "form", node), "_fields", None)  # a form, or a FormField's form
        if fields is None or part not in fields:
            return None
        node = fields[part]
    return node
