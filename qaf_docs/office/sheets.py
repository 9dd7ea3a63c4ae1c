"""Guarded reading of the tables a QA lead supplies: case lists and rosters (.xlsx or .csv).

One way in for every table: the file's size is checked, an .xlsx passes the same content checks as an
inbox file (``office.safety``: zip limits per part, macros, encryption, XML entity tricks) before
openpyxl sees it, and cells come back raw with a note of whether they held a formula or an Excel
error, never evaluated. Errors are raised as the caller's error class, worded with the caller's name
for the file ("Case list", "Roster"), so the person reads about the file they gave.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import openpyxl
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from qaf_docs.errors import QafError, SubmissionError
from qaf_docs.office.fast_sheets import (
    SheetLayout,
    calamine_rows,
    open_calamine,
    sheet_layout,
    sheets_needing_openpyxl,
)
from qaf_docs.office.parts import Limits
from qaf_docs.office.safety import FileKind, inspect_office_file
from qaf_docs.office.shown_cells import formula_text, padded, padded_width

MiB = 1024 * 1024

# Delimited text: a CSV, and what Excel saves as "Unicode Text" or "Text (Tab delimited)" (.txt).
DELIMITED = frozenset({".csv", ".txt", ".tsv"})

# A council's whole Annex A is tens of MB; its sheet XML unpacks to a few hundred. The per-part ratio
# and token limits stay those of inbox files: a real export never needs more.
TABLE_LIMITS = Limits(
    max_file_bytes=200 * MiB,
    max_total_uncompressed=1024 * MiB,
    max_member_uncompressed=1024 * MiB,
)

EXCEL_ERROR_TEXTS = {
    "#n/a",
    "#value!",
    "#ref!",
    "#div/0!",
    "#name?",
    "#null!",
    "#num!",
    "#getting_data",
}


@dataclass
class Cell:
    """A raw cell as the reader saw it: its value and whether it held a formula or an error."""

    value: object
    kind: Literal["value", "formula", "error"] = "value"


@dataclass
class Sheet:
    """One sheet's rows, numbered as Excel numbers them, read lazily."""

    name: str
    rows: Iterator[tuple[int, list[Cell]]]
    size: int | None = None  # about how many rows it has (header included), where cheap to know
    delimited: bool = False  # a CSV, where a row longer than its header was shifted by a delimiter
    hidden: bool = False  # hidden in the workbook (Excel's Hide), which does not remove its rows
    hidden_rows: frozenset[int] = frozenset()  # rows hidden by a filter or Hide, still in the file
    merged: tuple[tuple[int, int, int, int], ...] = ()  # merged cells: see fast_sheets.SheetLayout
    hidden_columns: frozenset[int] = frozenset()  # columns hidden in Excel, counted from 0


class TableFile:
    """An opened case list or roster: its sheets, its content hash; close it when done.

    Sheets without formulas or error cells are read by python-calamine (``fast_sheets``); the rest
    by openpyxl, opened only when such a sheet is asked for.
    """

    def __init__(
        self,
        path: Path,
        data: bytes,
        workbook: openpyxl.Workbook | None,
        what: str,
        *,
        fast: CalamineWorkbook | None = None,
        slow_sheets: set[str] | None = None,
        error: type[QafError] = QafError,
    ) -> None:
        self.path = path
        self.sha256 = hashlib.sha256(data).hexdigest()
        self._data = data
        self._workbook = workbook
        self._what = what
        self._fast = fast
        self._slow_sheets = slow_sheets or set()
        self._error = error
        # each sheet's hidden rows and merged cells, where the opening scan found them already
        self.layouts: dict[str, SheetLayout] = {}

    @property
    def data(self) -> bytes:
        """The file's bytes, as read once."""
        return self._data

    @property
    def sheet_names(self) -> list[str]:
        """Names of the sheets in file order (a CSV has one, named after the file)."""
        if self._fast is not None:
            return list(self._fast.sheet_names)
        if self._workbook is None:
            return [self.path.name]
        return list(self._workbook.sheetnames)

    @property
    def hidden_sheets(self) -> set[str]:
        """Names of the sheets hidden in the workbook (a CSV has none)."""
        if self._fast is not None:
            return {
                m.name for m in self._fast.sheets_metadata if m.visible != SheetVisibleEnum.Visible
            }
        if self._workbook is None:
            return set()
        return {s.title for s in self._workbook.worksheets if s.sheet_state != "visible"}

    def sheet(self, name: str) -> Sheet:
        """Return the rows of the sheet called ``name`` (exactly as in ``sheet_names``)."""
        if self._fast is None and self._workbook is None:
            return _csv_sheet(self.path.name, self._data, self._error)
        hidden = name in self.hidden_sheets
        layout = self.layouts.get(name) or sheet_layout(self._data, name, TABLE_LIMITS)
        if self._fast is not None and name not in self._slow_sheets:
            try:
                rows, size = calamine_rows(self._fast, name)
            except Exception as e:  # calamine's own error types: the sheet's XML is broken
                raise self._damaged(name) from e
            fast = _plain_rows(rows)
            return Sheet(
                name,
                fast,
                size,
                hidden=hidden,
                hidden_rows=layout.hidden_rows,
                merged=layout.merged,
                hidden_columns=layout.hidden_columns,
            )
        if self._workbook is None:
            self._workbook = _openpyxl(self.path, self._data, self._what, self._error)
        sheet = self._workbook[name]
        size = sheet.max_row  # an estimate for progress only: the dimension may be stale
        # A sheet's <dimension> is written by whoever saved it last, and read-only openpyxl trusts
        # it: a stale one drops rows and columns in silence. Read the cells themselves instead.
        sheet.reset_dimensions()
        pad = any(map(padded_width, getattr(self._workbook, "_number_formats", ())))
        rows_read = self._checked(name, _xlsx_rows(sheet, pad))
        return Sheet(
            name,
            rows_read,
            size,
            hidden=hidden,
            hidden_rows=layout.hidden_rows,
            merged=layout.merged,
            hidden_columns=layout.hidden_columns,
        )

    def _damaged(self, sheet: str) -> QafError:
        return self._error(
            f"{self.path.name} is damaged: its sheet '{sheet}' cannot be read. Open it in Excel "
            "and save it again as 'Excel Workbook (.xlsx)', or export it again."
        )

    def _checked(
        self, name: str, rows: Iterator[tuple[int, list[Cell]]]
    ) -> Iterator[tuple[int, list[Cell]]]:
        try:
            yield from rows
        except Exception as e:  # openpyxl raises XML and many unrelated types for broken sheets
            raise self._damaged(name) from e

    def close(self) -> None:
        """Release the workbook."""
        if self._workbook is not None:
            self._workbook.close()
        if self._fast is not None:
            self._fast.close()

    def __enter__(self) -> TableFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def fill_merged(sheet: Sheet, below: int) -> None:
    """Give each cell of a block merged down, under row ``below`` (the header), the block's value,
    as Excel shows it: a team merged over its children's rows is each child's team. Cells merged
    only across a row, and those of the header and above, are left as they are."""
    spans = sorted(m for m in sheet.merged if m[0] > below and m[2] > m[0])
    if spans:
        sheet.rows = _filled(sheet.rows, spans)


def _filled(
    rows: Iterator[tuple[int, list[Cell]]], spans: list[tuple[int, int, int, int]]
) -> Iterator[tuple[int, list[Cell]]]:
    waiting = iter(spans)  # by first row
    upcoming = next(waiting, None)
    active: list[tuple[tuple[int, int, int, int], Cell]] = []
    for row_no, cells in rows:
        active = [(span, top) for span, top in active if span[2] >= row_no]
        while upcoming is not None and upcoming[0] <= row_no:
            if upcoming[0] == row_no:
                c1 = upcoming[1]
                active.append((upcoming, cells[c1] if c1 < len(cells) else Cell(None)))
            upcoming = next(waiting, None)
        for (r1, c1, _, c2), top in active:
            if len(cells) <= c2:
                cells = cells + [Cell(None)] * (c2 + 1 - len(cells))
            for col in range(c1, c2 + 1):
                if (row_no, col) != (r1, c1):
                    cells[col] = top
        yield row_no, cells


def open_table_file(path: Path, *, what: str, error: type[QafError]) -> TableFile:
    """Open an .xlsx or a delimited text table (.csv, Excel's .txt) after the guarded checks;
    failures raise ``error``.

    ``what`` names the file to the person ("Case list", "Roster").
    """
    suffix = path.suffix.lower()
    if path.name.startswith("~$"):
        raise error(
            f"{path.name} is the lock file Excel keeps while {path.name[2:]} is open, not the "
            f"{what.lower()}; choose {path.name[2:]} itself."
        )
    if suffix in {".xlsm", ".xlsb", ".xls", ".xltm"}:
        raise error(
            f"{path.name}: {suffix} files are not read (old or macro-enabled format). "
            "Open it in Excel, choose File > Save As 'Excel Workbook (.xlsx)' or 'CSV', and use "
            "that."
        )
    if suffix in {".ods", ".fods"}:
        raise error(
            f"{path.name} is a LibreOffice (OpenDocument) spreadsheet, which is not read. Open it "
            "in LibreOffice Calc or Excel, choose File > Save As 'Excel 2007-365 (.xlsx)' or "
            "'Excel Workbook (.xlsx)', and use that."
        )
    if suffix not in {".xlsx", *DELIMITED}:
        raise error(
            f"{path.name}: a {what.lower()} must be an .xlsx workbook or a .csv file (or Excel's "
            f"tab-delimited .txt), not '{suffix or 'no extension'}'. Export it from the "
            "case-management system, or save it from Excel, as 'Excel Workbook (.xlsx)' or CSV."
        )
    data = _read_bytes(path, what, error)
    if not data.lstrip(codecs.BOM_UTF8).strip():
        raise error(f"{path.name} is empty. Export the {what.lower()} again and use that file.")
    if suffix in DELIMITED:
        return TableFile(path, data, None, what, error=error)
    try:
        kind = inspect_office_file(path, TABLE_LIMITS)
    except SubmissionError as e:
        if "password" in str(e):
            raise error(
                f"{path.name} is protected by a password, so it cannot be read. Open it in Excel, "
                "remove the password (File > Info > Protect Workbook > Encrypt with Password, "
                "clear the password), save it, and use that copy."
            ) from e
        raise error(
            f"{path.name} is not a real .xlsx workbook that can be read safely. {e} Open it in "
            "Excel and save it as 'Excel Workbook (.xlsx)', or export it again as .csv."
        ) from e
    except QafError as e:  # held open by another program
        raise error(f"{what} {path.name} cannot be read now: {e}") from e
    if kind is not FileKind.XLSX:
        raise error(
            f"{path.name} is a Word document, not a workbook. Export the {what.lower()} from the "
            "case-management system as .xlsx or .csv."
        )
    layouts: dict[str, SheetLayout] = {}
    slow = sheets_needing_openpyxl(data, TABLE_LIMITS, layouts)
    fast = open_calamine(data) if slow is not None else None
    if fast is not None and slow is not None:
        table = TableFile(path, data, None, what, fast=fast, slow_sheets=slow, error=error)
    else:
        table = TableFile(path, data, _openpyxl(path, data, what, error), what, error=error)
    table.layouts = layouts
    return table


def _openpyxl(
    path: Path, data: bytes, what: str, error: type[QafError] = QafError
) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many unrelated types for broken files
        raise error(
            f"{path.name} cannot be opened as a workbook: it is damaged. "
            "Open it in Excel and save it again as 'Excel Workbook (.xlsx)'."
        ) from e


def _plain_rows(rows: Iterator[tuple[int, list[object]]]) -> Iterator[tuple[int, list[Cell]]]:
    for row_no, values in rows:
        yield row_no, [Cell(v) for v in values]


def _read_bytes(path: Path, what: str, error: type[QafError]) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist.") from None
    except OSError as e:
        raise error(f"{what} {path} cannot be opened: {e.strerror or e}") from e
    if size > TABLE_LIMITS.max_file_bytes:
        raise error(
            f"{path.name} is {size // MiB} MB; files over {TABLE_LIMITS.max_file_bytes // MiB} MB "
            "are not read. Export only the lists you need."
        )
    try:
        return path.read_bytes()
    except OSError as e:
        raise error(
            f"{what} {path} cannot be read ({e.strerror or e}); close it in Excel and try again."
        ) from e


def _xlsx_rows(sheet: object, pad: bool) -> Iterator[tuple[int, list[Cell]]]:
    """Each row's cells; with ``pad``, a whole number in a format of zeros as Excel shows it."""
    for row_no, row in enumerate(sheet.iter_rows(), start=1):  # type: ignore[attr-defined]
        cells: list[Cell] = []
        for cell in row:
            value = getattr(cell, "value", None)
            data_type = getattr(cell, "data_type", "n")
            if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                text = value if isinstance(value, str) else getattr(value, "text", "formula")
                kept = formula_text(text)  # ="00123401": the id, its zeros kept for Excel
                cells.append(Cell(text, "formula") if kept is None else Cell(kept))
            elif pad and type(value) is int:
                cells.append(Cell(padded(value, getattr(cell, "number_format", ""))))
            elif data_type == "e":
                cells.append(Cell(value, "error"))
            else:
                cells.append(Cell(value))
        yield row_no, cells


def _csv_text(data: bytes) -> str:
    """The text of a CSV export, whichever encoding the exporting system chose.

    UTF-16 (Excel's "Unicode Text", some case-management exports) is known by its byte-order mark,
    or, without one, by a zero byte beside nearly every character; UTF-8 by decoding cleanly; and
    cp1252, which decodes almost any byte string, is the fallback for Excel's "CSV (Comma delimited)".
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    head = data[:4096]
    if len(head) >= 4 and b"\x00" in head:
        if head[1::2].count(0) > len(head) // 4:
            return data.decode("utf-16-le", errors="replace")
        if head[0::2].count(0) > len(head) // 4:
            return data.decode("utf-16-be", errors="replace")
    return data.decode("utf-8-sig") if _is_utf8(data) else data.decode("cp1252", errors="replace")


def _csv_sheet(name: str, data: bytes, error: type[QafError]) -> Sheet:
    text = _csv_text(data)
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    skipped = 0
    if hint := _SEP_LINE.match(text):
        # Excel's own "sep=;" first line: it says the delimiter, and Excel never shows the line.
        text, skipped = text[hint.end() :], 1
        sep = hint[1]
        dialect = type("Hinted", (csv.excel,), {"delimiter": sep})
    else:
        with contextlib.suppress(csv.Error):  # no delimiter found: a one-column list
            dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    # strict: a quote left open is an error at the end of the file, not the rest of the file
    # swallowed into one cell in silence.
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        row_no, line = 0, 1 + skipped
        try:
            for row_no, record in enumerate(reader, start=1):
                yield row_no, [_csv_cell(v) for v in record]
                line = reader.line_num + 1 + skipped
        except csv.Error as e:
            raise error(_csv_problem(name, str(e), line)) from e

    return Sheet(name, rows(), text.count("\n") + (not text.endswith("\n")), delimited=True)


_SEP_LINE = re.compile(r'"?sep=([^\r\n"])"?[^\r\n]*(?:\r\n|\n|\r|$)', re.IGNORECASE)


def _csv_problem(name: str, reason: str, line: int) -> str:
    """Say in plain words why the CSV cannot be read from ``line`` on (csv's own reason)."""
    if "end of data" in reason:
        what = "opens a quote that is never closed, so the rest of the file would be one cell"
    elif "field limit" in reason:
        what = f"holds a cell of more than {csv.field_size_limit():,} characters"
    elif "expected after" in reason:
        what = "has text straight after a closing quote"
    else:
        what = "cannot be read as CSV"
    return (
        f"{name}: the row starting on line {line} {what}. Correct it in a text editor, or export "
        "the list again, and try again."
    )


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _csv_cell(value: str) -> Cell:
    first = value[:1]
    if first == "=":  # ="00123401" keeps the zeros when Excel opens the CSV: the text itself
        text = formula_text(value)
        return Cell(value, "formula") if text is None else Cell(text)
    if first == "'" and value[1:].isdigit():
        return Cell(value[1:])  # '00123401: another way to keep Excel from dropping the zeros
    if value.strip().casefold() in EXCEL_ERROR_TEXTS:
        return Cell(value.strip(), "error")
    return Cell(value)
