"""The language a workbook speaks first: sheet names, headers, bilingual labels and lists, in the order of its
contest's language. The one place that decides it; `app.spreadsheets` writes what the exporters give it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from app.countries import country_name
from app.spreadsheets import Column, Sheet

T = TypeVar("T")
#: Chinese characters and the full-width punctuation around them (CJK blocks, 。、「」（）).
_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
#: A bilingual label as Laurel writes it: the Chinese (no Latin letter in it), one space, the English (no Chinese).
_BILINGUAL = re.compile(rf"(?P<chinese>[^A-Za-z]*?[{_CJK}][^A-Za-z]*?) (?P<english>[A-Za-z][^{_CJK}]*)")


@dataclass(frozen=True)
class WorkbookLanguage:
    """The language a workbook speaks first, decided once per workbook from its contest's language
    (`workbook_language`) and passed down to the sheets: exporters ask it for sheet names, headers, the
    bilingual labels in cells and the joining of lists, and never decide the order themselves.

    Exporters write every bilingual label Chinese first, one space, then English ("团队编号 Number"), as the
    Chinese workbook shows it; an English workbook turns each around ("Number 团队编号") and joins lists
    with ", " where a Chinese one uses "、". A header keeps its English word in either order, and that word
    is what an import reads (`app.spreadsheets._header_key`), so a template of either language reads back. Text that is not
    such a label (a name, a judge's code, English alone) is left as it is.

    >>> ENGLISH.text("团队编号 Number"), ENGLISH.text("学校/单位 College or organization"), ENGLISH.text("J3")
    ('Number 团队编号', 'College or organization 学校/单位', 'J3')
    >>> CHINESE.text("团队编号 Number"), CHINESE.join(["张三", "李四"]), ENGLISH.join(["Ada", "Grace"])
    ('团队编号 Number', '张三、李四', 'Ada, Grace')
    """

    code: str
    separator: str

    def text(self, label: str) -> str:
        """A bilingual label in this language's order."""
        if self.code != "en":
            return label
        match = _BILINGUAL.fullmatch(label)
        return f"{match['english']} {match['chinese']}" if match else label

    def join(self, items: Iterable[str]) -> str:
        """A list in one cell (a team's members, its advisors), joined as this language joins lists."""
        return self.separator.join(items)

    def country(self, code: str | None) -> str:
        """A country's name in both languages, this one first, as the workbook's other labels ("英国 United
        Kingdom"); the code itself when it is not one of ISO 3166's."""
        chinese, english = country_name(code, chinese=True), country_name(code, chinese=False)
        return chinese if chinese == english else " ".join(self.pair(chinese, english))

    def pair(self, chinese: T, english: T) -> list[T]:
        """The two versions of something, side by side in this language's order (two cells of a row, two
        columns)."""
        return [english, chinese] if self.code == "en" else [chinese, english]

    def sheet(self, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], **options: Any) -> Sheet:
        """A sheet whose name and headers, written Chinese first, are in this language's order."""
        headed = [dataclasses.replace(column, header=self.text(column.header)) for column in columns]
        return Sheet(self.text(title), headed, rows, **options)


CHINESE = WorkbookLanguage("zh", "、")
ENGLISH = WorkbookLanguage("en", ", ")


def workbook_language(language: str | None) -> WorkbookLanguage:
    """The workbook language of a contest's language code (`Contest.language`): English for "en", Chinese for
    every other, and for a workbook that belongs to no one contest (None)."""
    return ENGLISH if language == "en" else CHINESE
