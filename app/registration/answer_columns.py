"""The import's and the exports' columns for a contest's own questions: one column per question, headed by
its label (`read_table` finds it by that header: `answer_headers`), with a drop-down for a choice or a
yes/no, and a line of the template's instructions per question."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpyxl.utils import get_column_letter

from app.models import Contest, RegistrationField
from app.registration.answers import CHOICE, YES_NO, answer_text
from app.spreadsheets import Column

YES_NO_CHOICES = ["是 yes", "否 no"]


def question_instructions(questions: list[RegistrationField]) -> list[list[str]]:
    """One instruction row per question of the contest: its column, type, whether required, its track."""
    if not questions:
        return []
    rows = [
        [
            "本赛事的问题各占一列（列名为问题），写在团队的第一行：",
            "The contest's questions have a column each (headed by the question), filled on the team's first row:",
        ]
    ]
    for q in questions:
        track = f"{q.track.code} " if q.track is not None else ""
        required = "必填 required" if q.required else "选填 optional"
        rows.append(
            [
                f"{q.label}：{TYPE_HINTS[q.type][0]}，{required}{'，赛道 ' + track if track else ''}",
                f"{q.label}: {TYPE_HINTS[q.type][1]}, {required}{', track ' + track if track else ''}",
            ]
        )
    return rows


TYPE_HINTS = {
    "text": ("文本（至多 200 字）", "text (at most 200 characters)"),
    "long_text": ("长文本（至多 2000 字）", "long text (at most 2000 characters)"),
    "choice": ("从下拉列表中选择", "one of the drop-down's choices"),
    "number": ("数字，如 12.5", "a number such as 12.5"),
    "date": ("日期 YYYY-MM-DD，如 2026-05-01", "a date as YYYY-MM-DD, such as 2026-05-01"),
    "yes_no": ("是 或 否", "yes or no"),
    "url": ("网址，以 http:// 或 https:// 开头", "a web address starting with http:// or https://"),
}


def answer_headers(contest: Contest) -> dict[str, str]:
    """The import's question columns: each question's label (lower-cased) -> its column, `answers.<key>`."""
    return {question.label.strip().casefold(): f"answers.{question.key}" for question in contest.registration_fields}


def template_columns(
    questions: list[RegistrationField], *, first: int, last_row: int
) -> tuple[list[Column], list[tuple[str, list[str]]]]:
    """The questions' columns of a sheet, the first at column number `first`, and their drop-downs."""
    columns = [Column(question.label, max(12, len(question.label) + 2)) for question in questions]
    choices = []
    for index, question in enumerate(questions, start=first):
        offered = question.choices if question.type == CHOICE else YES_NO_CHOICES if question.type == YES_NO else None
        if offered:
            letter = get_column_letter(index)
            choices.append((f"{letter}2:{letter}{last_row}", list(offered)))
    return columns, choices


def answer_cells(questions: list[RegistrationField], track_id: int, answers: Mapping[str, Any] | None) -> list[str]:
    """An exported team's cells for the questions: its answer to each one its track asks, else empty."""
    stored = answers or {}
    return [answer_text(q, stored.get(q.key)) if q.track is None or q.track.id == track_id else "" for q in questions]
