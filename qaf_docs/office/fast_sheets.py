"""Sheets read with python-calamine (Rust): a 50,000-child Annex A in a fraction of openpyxl's time.

Only ever called after ``sheets.open_table_file`` has checked the file's bytes. calamine returns a
formula's cached result and cannot say a cell held a formula or an Excel error, while case lists must
report both (a formula in a date column is an error naming the cell). So a sheet whose XML holds any
formula (``<f``) or error cell (``t="e"``) is left to openpyxl; every other sheet is read here, its
cells shaped as openpyxl shows them (blank is None, whole numbers are ints).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from python_calamine import CalamineWorkbook

from qaf_docs.office.parts import Limits, parse_xml
from qaf_docs.office.shown_cells import padding_styles, uses_styles

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_NEEDS_OPENPYXL = re.compile(rb'<(?:\w+:)?f[ >/]|\st="e"')
_PLAIN_MARKERS = (b"<f>", b"<f ", b"<f/", b't="e"')


@dataclass(frozen=True)
class SheetLayout:
    """What a sheet's XML says that neither reader does: rows hidden (by a filter or Excel's Hide)
    and merged cells, as (first row, first column, last row, last column), rows counted from 1
    as Excel does and columns from 0."""

    hidden_rows: frozenset[int] = frozenset()
    merged: tuple[tuple[int, int, int, int], ...] = ()
    hidden_columns: frozenset[int] = frozenset()  # counted from 0, as ``merged``'s columns


def sheets_needing_openpyxl(
    data: bytes, limits: Limits, layouts: dict[str, SheetLayout] | None = None
) -> set[str] | None:
    """Return the names of sheets holding a formula, an error cell or a number in a format of
    zeros (``shown_cells``); None when unsure (use openpyxl).

    Each sheet's :class:`SheetLayout` goes into ``layouts`` when given, from the same reading of
    its XML (a county's list is tens of MB of it: read once)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            found: set[str] = set()
            padding = padding_styles(z)  # ids in a 00000000 format: calamine drops the zeros
            for name, info in _sheet_parts(z).items():
                if info.file_size > limits.max_member_uncompressed:
                    return None
                xml = z.read(info)
                if _needs_openpyxl(xml) or (padding and uses_styles(xml, padding)):
                    found.add(name)
                if layouts is not None:
                    layouts[name] = _layout(xml)
            return found
    except Exception:  # anything unexpected: openpyxl reads every sheet, as before
        return None


def sheet_layout(data: bytes, name: str, limits: Limits) -> SheetLayout:
    """Return sheet ``name``'s hidden rows and merged cells; nothing when unsure.

    Neither calamine nor read-only openpyxl says which rows are hidden or which cells are merged:
    a filter left on hides rows still in the file, and a team merged down over its children
    leaves every row but the first blank. So the sheet's XML is searched for them.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = _sheet_parts(z).get(name)
            if info is None or info.file_size > limits.max_member_uncompressed:
                return SheetLayout()
            xml = z.read(info)
    except Exception:  # the reader itself reports a damaged file
        return SheetLayout()
    return _layout(xml)


def _layout(xml: bytes) -> SheetLayout:
    hidden = set()
    columns: set[int] = set()
    if b'hidden="' in xml:  # the usual sheet has none: no row-by-row search
        for row in _ROW_TAG.finditer(xml):
            if _HIDDEN.search(row[0]) and (number := _ROW_NUMBER.search(row[0])):
                hidden.add(int(number[1]))
        start = xml.find(b"<sheetData")  # the columns' widths and hiding come before the rows
        for col in _COL_TAG.finditer(xml, 0, start if start >= 0 else len(xml)):
            if _HIDDEN.search(col[0]) and (first := _COL_MIN.search(col[0])):
                last = _COL_MAX.search(col[0])
                span = range(int(first[1]) - 1, int(last[1]) if last else int(first[1]))
                columns.update(span if len(span) <= _MAX_COLUMNS else ())
    merged = tuple(
        (int(m[2]), _column(m[1]), int(m[4]), _column(m[3]))
        for m in _MERGE.finditer(xml if b"mergeCell" in xml else b"")
    )
    return SheetLayout(frozenset(hidden), merged, frozenset(columns))


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number - 1


_ROW_TAG = re.compile(rb"<(?:\w+:)?row\s[^>]*>")
_HIDDEN = re.compile(rb'\shidden="(?:1|true)"')
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_COL_TAG = re.compile(rb"<(?:\w+:)?col\s[^>]*>")
_COL_MIN = re.compile(rb'\smin="(\d+)"')
_COL_MAX = re.compile(rb'\smax="(\d+)"')
_MAX_COLUMNS = 16384  # Excel's last column, XFD: a hidden span to it is every column after
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)"')


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Each sheet's name and the zip member holding its XML, as the workbook's parts say."""
    book = parse_xml(z.read("xl/workbook.xml"))
    rels = parse_xml(z.read("xl/_rels/workbook.xml.rels"))
    targets = {
        r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{_PKG_REL_NS}}}Relationship")
    }
    parts: dict[str, zipfile.ZipInfo] = {}
    for sheet in book.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[str(sheet.get("name"))] = z.getinfo(posixpath.normpath(part))
    return parts


def _needs_openpyxl(xml: bytes) -> bool:
    head = xml[:2000]
    if b":worksheet" in head:  # prefixed element names: the slower, thorough search
        return _NEEDS_OPENPYXL.search(xml) is not None
    return any(marker in xml for marker in _PLAIN_MARKERS)


def open_calamine(data: bytes) -> CalamineWorkbook | None:
    """Return the workbook opened by calamine, or None when it cannot open it."""
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises its own types; openpyxl then reads (and reports) the file
        return None


def calamine_rows(book: CalamineWorkbook, name: str) -> tuple[Iterator[tuple[int, list[Any]]], int]:
    """Return (Excel row number, values) for each row of a sheet, values shaped as openpyxl returns
    them, and how many rows there are."""
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        for row_no, row in enumerate(rows, start=1):
            yield row_no, [_value(v) for v in row]

    return numbered(), len(rows)


def _value(v: Any) -> Any:
    kind = type(v)
    if kind is str:
        return v or None  # calamine's blank is "", openpyxl's None
    if kind is float:
        return int(v) if v.is_integer() and abs(v) < 2**53 else v
    if kind is date:
        return datetime(v.year, v.month, v.day)  # openpyxl gives a datetime for a date cell
    return v
