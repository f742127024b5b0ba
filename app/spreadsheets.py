"""The one place that reads and writes spreadsheets (.xlsx through openpyxl, and .csv).

Reading: `read_table` turns an upload into a header and numbered rows of text, refusing what is
not a spreadsheet with a message, and cells whose text Laurel refuses anywhere (`app.text`: a NUL, a
bidi control, only invisible characters) with every such cell listed. Rows are numbered as the
spreadsheet shows them (the header is row 1), so that an import's error report points at the right line.

Writing: `write_workbook` streams sheets in openpyxl's write-only mode (memory stays flat at any
size). Every string is written as text, never as a formula, whatever it begins with; headers are
frozen and filterable, columns fit Chinese text, and pages print landscape, fit to width, with
the header row repeated.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.errors import InvalidDataError, InvalidRowsError, problems_message
from app.text import text_problem

#: Imports larger than this are refused before any row is checked.
MAX_IMPORT_ROWS = 100_000
#: A workbook whose parts unpack to more than this is refused unread (a 10,000-team template is ~40 MB).
MAX_XLSX_UNPACKED_MB = 200


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


def _rows_to_table(raw_rows: Iterator[list[object]], headers: Mapping[str, str] | None = None) -> Table:
    header = next(raw_rows, None)
    if header is None:
        raise InvalidDataError(_("The file is empty; the first row must name the columns."), code="empty_file")
    # A header given in `headers` (whole, compared case-blind) names its column: a contest's own questions,
    # whose labels are any text.
    columns = [(headers or {}).get(_cell_text(value).casefold()) or _header_key(value) for value in header]
    rows: list[tuple[int, dict[str, str]]] = []
    refused: list[dict[str, Any]] = []
    for number, raw in enumerate(raw_rows, start=2):
        values = [_cell_text(value) for value in raw]
        if not any(values):
            continue  # blank lines in the middle or at the end are not rows
        if len(rows) >= MAX_IMPORT_ROWS:
            raise InvalidDataError(
                _("The file has more than %(n)s rows; split it into smaller files.", n=MAX_IMPORT_ROWS),
                code="too_many_rows",
            )
        row = {column: values[i] if i < len(values) else "" for i, column in enumerate(columns) if column}
        for column, value in row.items():
            problem = text_problem(value)
            if problem:
                refused.append({"row": number, "column": column, "message": problem})
        rows.append((number, row))
    if refused:
        raise InvalidRowsError(problems_message(len(refused)), refused)
    return Table(columns=[column for column in columns if column], rows=rows)


def _read_csv(data: bytes, headers: Mapping[str, str] | None = None) -> Table:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030/GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InvalidDataError(_("The CSV file is neither UTF-8 nor GBK text."), code="unreadable_file")
    return _rows_to_table(iter(csv.reader(io.StringIO(text))), headers)


def _read_xlsx(data: bytes, headers: Mapping[str, str] | None = None) -> Table:
    """The first sheet of a workbook, read with calamine (about ten times openpyxl's speed).

    Before anything is inflated, the archive's own directory is checked: a workbook that would
    unpack to more than MAX_XLSX_UNPACKED_MB (a zip bomb) or that carries macros is refused. A
    directory that understates a part's size does not get further: calamine stops reading a part at
    its declared size and refuses the file ("larger than its declared uncompressed size").
    """
    from python_calamine import CalamineWorkbook

    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise InvalidDataError(_("The file is not a valid .xlsx workbook."), code="unreadable_file")
    with zipfile.ZipFile(buffer) as archive:
        entries = archive.infolist()
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > MAX_XLSX_UNPACKED_MB * 1024 * 1024:
            raise InvalidDataError(
                _(
                    "The workbook would unpack to %(mb)s MB; at most %(limit)s MB are accepted.",
                    mb=unpacked // (1024 * 1024),
                    limit=MAX_XLSX_UNPACKED_MB,
                ),
                code="upload_too_large",
            )
        if any(entry.filename.lower().endswith("vbaproject.bin") for entry in entries):
            raise InvalidDataError(
                _("Workbooks with macros are not accepted; save it as a plain .xlsx."), code="unsupported_file"
            )
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        return _rows_to_table(iter(sheet.to_python(skip_empty_area=False)), headers)
    except InvalidDataError:
        raise
    except Exception as error:  # calamine raises its own kinds for a damaged file
        raise InvalidDataError(
            _("The workbook cannot be read: %(reason)s", reason=str(error) or type(error).__name__),
            code="unreadable_file",
        ) from error


def read_table(stream: IO[bytes], filename: str, *, headers: Mapping[str, str] | None = None) -> Table:
    """Read an uploaded .csv or .xlsx (its first sheet) into a `Table`. A column is named by its header's
    English word, or, for a header in `headers` (lower-cased header text -> column name), by that name.

    Macro-enabled workbooks (.xlsm), old .xls files and anything else are refused with a message.
    """
    name = (filename or "").lower()
    if name.endswith(".xlsm"):
        raise InvalidDataError(_("Macro-enabled workbooks (.xlsm) are not accepted; save as .xlsx."), code="unsupported_file")
    data = stream.read()
    if name.endswith(".csv"):
        return _read_csv(data, headers)
    if name.endswith(".xlsx"):
        return _read_xlsx(data, headers)
    raise InvalidDataError(_("Upload a .xlsx or .csv file."), code="unsupported_file")


# Writing ------------------------------------------------------------------------------------------

#: A string starting with one of these is what spreadsheet programs may run as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: What a worksheet cannot hold (openpyxl refuses it): control characters but tab, line feed and return.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
WIDTH_SAMPLE_ROWS = 500
#: Rows are read a batch at a time, then written, rather than in turns row by row: the query's cursor and the
#: workbook's writer each keep their place longer.
WRITE_BATCH_ROWS = 5000
MAX_COLUMN_WIDTH = 60


@dataclass(frozen=True)
class Column:
    """A column: its (bilingual) header, its width in characters (None: fit the content), its number format.

    `numeric` columns hold only numbers Laurel computed (or nothing): their cells are written as they
    are, with the number format if any, and never inspected as text. Every other column is inspected."""

    header: str
    width: int | None = None
    number_format: str | None = None
    numeric: bool = False


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: Iterable[Sequence[Any]]
    #: Drop-down lists: (cell range such as "B2:B5000", allowed values).
    choices: list[tuple[str, list[str]]] = field(default_factory=list)
    print_landscape: bool = True
    #: How many rows `rows` will give, when it is a generator that knows (a job's progress bar shows it).
    expected_rows: int | None = None

    @property
    def row_count(self) -> int:
        """The rows to write, as far as known beforehand (0: not known)."""
        if self.expected_rows is not None:
            return self.expected_rows
        return len(self.rows) if isinstance(self.rows, Sized) else 0


def display_width(value: Any) -> int:
    """How many character cells a value takes: Chinese and other wide characters count two."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _text_cell(worksheet, value: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(worksheet, value=value)
    cell.data_type = "s"  # text, even when it looks like a formula
    cell.quotePrefix = True  # and spreadsheet programs keep it text when the cell is edited
    return cell


class RowWriter:
    """Turns a sheet's rows into rows ready to append: in text columns, strings that a spreadsheet
    program could run as formulas become text cells and empty strings empty cells; in columns with a
    number format, numbers get it (its style looked up once per sheet)."""

    def __init__(self, worksheet, columns: Sequence[Column]):
        self.worksheet = worksheet
        self.text_columns = [index for index, column in enumerate(columns) if not column.numeric]
        self.formats = [(index, column.number_format) for index, column in enumerate(columns) if column.number_format]
        self.styles: dict[str, Any] = {}

    def row(self, values: Sequence[Any]) -> list[Any]:
        row = values if type(values) is list else list(values)  # a sheet's rows are its own: changed in place
        width = len(row)
        for index in self.text_columns:
            if index >= width:
                break
            value = row[index]
            if type(value) is str:
                if not value.isprintable():  # rare, and one fast scan: control characters no worksheet can hold
                    value = row[index] = ILLEGAL_CHARACTERS.sub("", value)
                if not value:
                    row[index] = None  # an empty cell, as a spreadsheet program leaves it
                elif value.startswith(FORMULA_TRIGGERS):
                    row[index] = _text_cell(self.worksheet, value)
        for index, number_format in self.formats:
            if index < width and isinstance(row[index], (int, float, Decimal)) and not isinstance(row[index], bool):
                row[index] = self._number_cell(row[index], number_format)
        return row

    def _number_cell(self, value: Any, number_format: str):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.worksheet, value=value)
        style = self.styles.get(number_format)
        if style is None:
            cell.number_format = number_format
            self.styles[number_format] = cell._style
        else:
            cell._style = style  # shared, never changed: a written cell only reads its style
        return cell


def _write_sheet(workbook, sheet: Sheet, on_rows: Callable[[int], None] | None = None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.properties import PageSetupProperties

    worksheet = workbook.create_sheet(title=sheet.title[:31])
    rows = iter(sheet.rows)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    for index, column in enumerate(sheet.columns, start=1):
        width = column.width
        if width is None:
            width = max(
                [display_width(column.header)] + [display_width(row[index - 1]) for row in sample if index - 1 < len(row)]
            )
        worksheet.column_dimensions[get_column_letter(index)].width = min(MAX_COLUMN_WIDTH, width + 2)
    last_column = get_column_letter(max(1, len(sheet.columns)))
    worksheet.freeze_panes = "A2"
    worksheet.print_title_rows = "1:1"
    worksheet.page_setup.orientation = "landscape" if sheet.print_landscape else "portrait"
    worksheet.page_setup.paperSize = "9"  # A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    for cell_range, values in sheet.choices:
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        validation.add(cell_range)
        worksheet.data_validations.append(validation)

    from openpyxl.cell import WriteOnlyCell

    header = []
    for column in sheet.columns:
        cell = (
            _text_cell(worksheet, column.header)
            if column.header.startswith(FORMULA_TRIGGERS)
            else WriteOnlyCell(worksheet, value=column.header)
        )
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    worksheet.append(header)
    writer = RowWriter(worksheet, sheet.columns)
    count = 0
    batch = sample
    while batch:  # the sampled rows, then the rest a batch at a time (never all at once)
        for row in batch:
            worksheet.append(writer.row(row))
        count += len(batch)
        if on_rows is not None:
            on_rows(len(batch))
        batch = list(islice(rows, WRITE_BATCH_ROWS))
    worksheet.auto_filter.ref = f"A1:{last_column}{count + 1}"


def write_workbook(target: IO[bytes] | str | Path, sheets: Sequence[Sheet], on_rows: Callable[[int], None] | None = None) -> None:
    """Write the sheets as one .xlsx workbook to a binary stream or a path; `on_rows(n)` hears of every
    batch of n rows written."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, sheet, on_rows)
    workbook.save(target)


def write_workbook_file(path: str | Path, sheets: Sequence[Sheet], on_rows: Callable[[int], None] | None = None) -> Path:
    """Write a workbook to `path` through a temporary file and a rename: never a half-written file."""
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(prefix=path.name + ".", suffix=".partial", dir=path.parent)
    os.close(descriptor)
    try:
        write_workbook(partial, sheets, on_rows)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return path


def workbook_response(sheets: Sequence[Sheet], filename: str):
    """An HTTP download of the workbook, spooled through a temporary file rather than held in memory."""
    from flask import send_file

    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    write_workbook(spool, sheets)
    spool.seek(0)
    return send_file(spool, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename, max_age=0)


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The OpenAPI description of a workbook download.
XLSX_RESPONSE_DOC = {
    200: {"description": "the workbook", "content": {XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}}
}


class LocalTimes:
    """Stored UTC times (naive, as text or datetime) as local times to the second, in a contest's zone.
    Zones change offset only by whole minutes (every zone has since 1972), so each minute of UTC is
    converted once and its seconds carried over as they are: 50,000 sheets, a few hundred conversions.

    >>> LocalTimes("Asia/Shanghai").text("2026-11-23 01:02:03.500000")
    '2026-11-23 09:02:03'
    >>> clock = LocalTimes("America/New_York")  # summer time starts at 07:00 UTC on 8 March 2026
    >>> clock.text("2026-03-08 06:59:59"), clock.text(datetime(2026, 3, 8, 7, 0, 0))
    ('2026-03-08 01:59:59', '2026-03-08 03:00:00')
    >>> LocalTimes("Asia/Kathmandu").text("2026-11-23 23:59:30")  # a quarter-hour zone, across midnight
    '2026-11-24 05:44:30'
    """

    def __init__(self, zone_name: str):
        self.zone = ZoneInfo(zone_name)
        self.minutes: dict[str, str] = {}

    def text(self, stored: str | datetime | None) -> str:
        if not stored:
            return ""
        if not isinstance(stored, str):  # PostgreSQL hands back datetimes, SQLite text
            stored = stored.replace(tzinfo=None).isoformat(" ", "seconds")
        minute = stored[:16]
        local = self.minutes.get(minute)
        if local is None:
            moment = datetime.fromisoformat(minute).replace(tzinfo=timezone.utc)
            local = self.minutes[minute] = moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")
        return local + stored[16:19]


class DataHash:
    """A SHA-256 over the rows that pass through it, each row as the repr of its list of values."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.rows = 0

    def through(self, rows: Iterable[Sequence]) -> Iterator[Sequence]:
        for row in rows:
            self.add(row)
            yield row

    def add(self, values: Sequence) -> None:
        self._hash.update(repr(values).encode())  # values' reprs are stable: Decimal('85.50'), text, ints
        self.rows += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
