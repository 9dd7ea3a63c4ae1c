"""How qaf's workbooks print: A4, fitted to the page width, header rows repeated on every page."""

from __future__ import annotations

import math
from typing import Any


def fit_to_page(sheet: Any, *, landscape: bool, title_rows: str | None = "1:1") -> None:
    """Set a worksheet to print on A4, one page wide, repeating ``title_rows`` on each page."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if title_rows:
        sheet.print_title_rows = title_rows


def fit_row_height(sheet: Any, row: int, texts: dict[int, str]) -> None:
    """Make ``row`` tall enough for wrapped text (column number -> text); LibreOffice won't."""
    lines = 1
    for col, text in texts.items():
        width = sheet.column_dimensions[_letter(col)].width or 10
        per_line = max(1, int(width * 1.1))
        lines = max(
            lines, sum(math.ceil(max(1, len(part)) / per_line) for part in text.split("\n"))
        )
    if lines > 1:
        sheet.row_dimensions[row].height = 15 * lines


def fit_merged_row_height(sheet: Any, row: int, col: int, text: str) -> None:
    """Make ``row`` tall enough for ``text`` wrapped in a cell merged across one row (the
    tracker's instructions and guidance), never shorter than the template made it."""
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == merged.max_row == row and merged.min_col == col:
            width = sum(
                sheet.column_dimensions[_letter(c)].width or 10
                for c in range(merged.min_col, merged.max_col + 1)
            )
            per_line = max(1, int(width * 1.1))
            lines = sum(math.ceil(max(1, len(part)) / per_line) for part in text.split("\n"))
            height = sheet.row_dimensions[row].height or 15
            sheet.row_dimensions[row].height = max(height, 15 * lines)
            return


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))
