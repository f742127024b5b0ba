"""The one place that reads and writes spreadsheets (.xlsx through openpyxl, and .csv).

Reading: `read_table` turns an upload into a header and numbered rows of text, refusing what is
not a spreadsheet with a message. Rows are numbered as the spreadsheet shows them (the header is
row 1), so that an import's error report points at the right line.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from flask_babel import gettext as _

from app.errors import InvalidDataError

#: Imports larger than this are refused before any row is checked.
MAX_IMPORT_ROWS = 100_000


@dataclass(frozen=True)
class Table:
    """An uploaded sheet: its column names (trimmed, lowercased) and rows as {column: text}."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed into Excel as a number comes back as 4111010001.0
    return str(value).strip()


def _header_key(value: object) -> str:
    # Bilingual headers such as "code 学校标识码" or "学校标识码 code" name their column by its English word.
    text = _cell_text(value).lower()
    for word in text.replace("/", " ").split():
        if word.isascii():
            return word
    return text


def _rows_to_table(raw_rows: Iterator[list[object]]) -> Table:
    header = next(raw_rows, None)
    if header is None:
        raise InvalidDataError(_("The file is empty; the first row must name the columns."), code="empty_file")
    columns = [_header_key(value) for value in header]
    rows: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(raw_rows, start=2):
        values = [_cell_text(value) for value in raw]
        if not any(values):
            continue  # blank lines in the middle or at the end are not rows
        if len(rows) >= MAX_IMPORT_ROWS:
            raise InvalidDataError(
                _("The file has more than %(n)s rows; split it into smaller files.", n=MAX_IMPORT_ROWS),
                code="too_many_rows",
            )
        rows.append((number, {column: values[i] if i < len(values) else "" for i, column in enumerate(columns) if column}))
    return Table(columns=[column for column in columns if column], rows=rows)


def _read_csv(data: bytes) -> Table:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030/GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InvalidDataError(_("The CSV file is neither UTF-8 nor GBK text."), code="unreadable_file")
    return _rows_to_table(iter(csv.reader(io.StringIO(text))))


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InvalidDataError(_("The file is not a valid .xlsx workbook."), code="unreadable_file")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise InvalidDataError(
            _("The workbook cannot be read: %(reason)s", reason=str(error) or type(error).__name__),
            code="unreadable_file",
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return _rows_to_table(iter(list(row) for row in sheet.iter_rows(values_only=True)))
    finally:
        workbook.close()


def read_table(stream: IO[bytes], filename: str) -> Table:
    """Read an uploaded .csv or .xlsx (its first sheet) into a `Table`.

    Macro-enabled workbooks (.xlsm), old .xls files and anything else are refused with a message.
    """
    name = (filename or "").lower()
    if name.endswith(".xlsm"):
        raise InvalidDataError(_("Macro-enabled workbooks (.xlsm) are not accepted; save as .xlsx."), code="unsupported_file")
    data = stream.read()
    if name.endswith(".csv"):
        return _read_csv(data)
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    raise InvalidDataError(_("Upload a .xlsx or .csv file."), code="unsupported_file")
