"""Writing the tracker with XlsxWriter: safe cells, real Excel tables, and pages that print.

XlsxWriter writes native charts and conditional formats and is several times faster than openpyxl for
large sheets; openpyxl stays the reader. Every string goes through ``write_string``, so text an auditor
typed is never taken for a formula or a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from qaf_docs.safe_output import may_start_formula

NAVY = "#1F3A5F"
GREEN, AMBER, RED, GREY = "#C6EFCE", "#FFEB9C", "#F8CBAD", "#EDEDED"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CELL_MAX = 32_767
_EXCEL_DAY_ZERO = date(1899, 12, 30)  # a date from March 1900 on is its days since this in Excel
_MAX_WIDTH, _WRAP_WIDTH = 60, 45


def clean(text: str) -> str:
    """Return text Excel will accept: no control characters, not over a cell's limit."""
    text = _ILLEGAL.sub(lambda m: "\n" if m.group() == "\x0b" else "", text)
    return text if len(text) <= _CELL_MAX else text[: _CELL_MAX - 1] + "…"


class Book:
    """One workbook being written, with the formats every sheet shares."""

    def __init__(self, path: str, on_sheet: Callable[[], None] | None = None) -> None:
        self.on_sheet = on_sheet  # told as each sheet is begun (a progress bar's step)
        self.wb = Workbook(
            path,
            {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
        )
        self._made: dict[int, dict[str, Any]] = {}  # each format's properties, by id
        self._quoted: dict[int, Any] = {}

        def add(properties: dict[str, Any]) -> Any:
            made = self.wb.add_format(properties)
            self._made[id(made)] = properties
            return made

        self.title = add({"bold": True, "font_size": 14, "font_color": NAVY})
        self.note = add({"italic": True, "font_color": "#595959"})
        self.heading = add({"bold": True, "font_color": NAVY, "font_size": 12})
        self.text = add({"valign": "top"})
        self.wrap = add({"valign": "top", "text_wrap": True})
        self.date = add({"valign": "top", "num_format": "dd/mm/yyyy"})
        self.pct = add({"valign": "top", "num_format": "0%"})
        self.number = add({"valign": "top"})
        self.aside = add({"italic": True, "font_color": "#595959", "indent": 1})
        self.header = add(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": NAVY, "text_wrap": True,
             "valign": "top", "border": 1, "border_color": "#FFFFFF"}
        )  # fmt: skip
        self.fills = {
            c: add({"bg_color": c, "valign": "top", "text_wrap": True})
            for c in (GREEN, AMBER, RED, GREY)
        }
        self.pct_fills = {
            c: add({"bg_color": c, "num_format": "0%", "bold": True}) for c in (GREEN, RED)
        }

    def close(self) -> None:
        """Save the workbook; a failed save (a full disk, a read-only folder) raises OSError.

        XlsxWriter wraps the OSError in its own FileCreateError, which no caller would take for a
        file problem: it is unwrapped, so the user is told what happened, as for any other file.
        """
        try:
            self.wb.close()
        except FileCreateError as e:
            cause = e.args[0] if e.args and isinstance(e.args[0], OSError) else e.__context__
            if isinstance(cause, OSError):
                raise cause from None
            raise OSError(str(e)) from None

    def sheet(self, name: str) -> Worksheet:
        """Add a sheet that prints landscape, one page wide, A4."""
        if self.on_sheet is not None:
            self.on_sheet()
        ws = self.wb.add_worksheet(name)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&L&A&RPage &P of &N")
        return ws

    def put(self, ws: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Write one value with the right type: text stays text, dates are dates."""
        if type(value) is str and value:  # most cells: printable text needs no cleaning
            plain = value.isprintable() and len(value) <= _CELL_MAX
            if may_start_formula(value):  # stays text when someone edits the cell in Excel
                fmt = self.quoted(fmt or self.text)
            ws.write_string(row, col, value if plain else clean(value), fmt or self.text)
        elif value is None or value == "":
            ws.write_blank(row, col, None, fmt or self.text)
        elif isinstance(value, bool):
            ws.write_string(row, col, "Yes" if value else "No", fmt or self.text)
        elif type(value) is date:  # Excel's day number, as write_datetime stores it, found faster
            ws.write_number(row, col, (value - _EXCEL_DAY_ZERO).days, fmt or self.date)
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, fmt or self.date)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, fmt or self.number)
        else:
            ws.write_string(row, col, clean(str(value)), fmt or self.text)

    def quoted(self, fmt: Any) -> Any:
        """``fmt`` with Excel's quote prefix: text that looks like a formula stays text when the
        cell is edited (as ``set_text_cell`` does for the workbooks openpyxl writes)."""
        if id(fmt) not in self._quoted:
            made = {**self._made.get(id(fmt), {"valign": "top"}), "quote_prefix": True}
            self._quoted[id(fmt)] = self.wb.add_format(made)
        return self._quoted[id(fmt)]

    def table(
        self,
        name: str,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        intro: str = "",
        wrap: Sequence[int] = (),
        pct: Sequence[int] = (),
        empty: str = "Nothing to list yet.",
        widths: dict[int, float] | None = None,
        fills: Mapping[int, Callable[[Any], Any]] | None = None,
    ) -> Worksheet:
        """Add a sheet holding one real Excel table with frozen headers and fitted widths.

        ``wrap`` columns wrap their text; ``widths`` fixes some columns narrower than their text;
        ``fills[c](value)`` gives column ``c``'s cell its format (a colour for a grade, say).
        """
        ws = self.sheet(name)
        top = 0
        if intro:
            ws.write_string(0, 0, intro, self.note)
            top = 2
        formats = [
            self.wrap if c in wrap else self.pct if c in pct else None
            for c in range(max([len(headers), *(len(row) for row in rows)]))
        ]
        put = self.put
        fill = fills or {}
        for r, row in enumerate(rows, start=top + 1):
            for c, value in enumerate(row):
                put(ws, r, c, value, fill[c](value) if c in fill else formats[c])
        last = top + max(len(rows), 1)
        table_name = re.sub(r"\W", "", name.title()) or "Table"
        ws.add_table(
            top,
            0,
            last,
            len(headers) - 1,
            {
                "name": table_name,
                "style": "Table Style Medium 2",
                # LibreOffice ignores table styles, so the header carries its own format.
                "columns": [{"header": h, "header_format": self.header} for h in headers],
            },
        )
        if not rows:
            ws.write_string(top + 1, 0, empty, self.note)
        ws.freeze_panes(top + 1, 0)
        ws.repeat_rows(top)
        fitted = [fit_width(h, (row[c] for row in rows), c in wrap) for c, h in enumerate(headers)]
        fitted = [min(w, (widths or {}).get(c, w)) for c, w in enumerate(fitted)]
        for c, width in enumerate(fitted):
            ws.set_column(c, c, width)
        self.fit_rows(ws, top, headers, rows, {c: fitted[c] for c in wrap})
        return ws

    def fit_rows(
        self,
        ws: Worksheet,
        top: int,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        wrapped: dict[int, float],
    ) -> None:
        """Set row heights for wrapped text: LibreOffice does not grow rows by itself."""
        header_widths = {c: wrapped.get(c, len(h) + 3) for c, h in enumerate(headers)}
        ws.set_row(top, 15 * max(1, *(lines(h, header_widths[c]) for c, h in enumerate(headers))))
        for r, row in enumerate(rows, start=top + 1):
            n = max([1, *(lines(row[c], w) for c, w in wrapped.items() if c < len(row))])
            if n > 1:
                ws.set_row(r, 15 * min(n, 27))


def lines(value: Any, width: float) -> int:
    """Return how many lines ``value`` takes wrapped in a column ``width`` characters wide."""
    text = value if type(value) is str else str(value or "")
    per_line = max(1, int(width * 1.05))
    if len(text) <= per_line and "\n" not in text:
        return 1  # most cells: one line, nothing to count
    return sum(_wrapped_lines(part, per_line) for part in text.split("\n"))


def _wrapped_lines(part: str, per_line: int) -> int:
    """Lines one paragraph takes when wrapped at spaces, as Excel and LibreOffice wrap it ("Demo
    Team Manager 24/11/2026" is three lines of 15: a word that does not fit starts the next)."""
    if len(part) <= per_line:
        return 1
    n, used = 1, -1  # -1: nothing on the line yet
    for word in part.split():
        size = len(word)
        if used >= 0 and used + 1 + size <= per_line:
            used += 1 + size
            continue
        if used >= 0:
            n += 1
        extra = (size - 1) // per_line  # a word longer than a line runs on over the next
        n += extra
        used = size - extra * per_line
    return n


def fit_width(header: str, values: Any, wrapped: bool) -> float:
    """Return a column width that shows the header and the longest value (wrapped text capped)."""
    longest = len(header) + 3  # room for the table's filter button
    for value in values:
        if isinstance(value, date):
            width = 11  # dd/mm/yyyy and a space
        else:
            text = value if isinstance(value, str) else str(value or "")
            width = (len(text) if "\n" not in text else max(map(len, text.splitlines()))) + 1
        if width > longest:
            longest = width
            if longest >= _MAX_WIDTH:
                break
    return float(min(longest, _WRAP_WIDTH if wrapped else _MAX_WIDTH))
