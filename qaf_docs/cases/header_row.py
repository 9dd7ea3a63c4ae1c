"""Where a case list sheet's header is: the first row naming the case id column, within the first
50 rows (under a title, notes and a report's parameters), and the columns it names.

A report's filters block above the list may name the case id column too ("Child ID | is not
blank", "Allocated Team | in list"): a row naming no field but the case id is a header only when
no better one follows before the first child's row, so the list's own header, which names its
team, worker and dates, is the one read.
"""

from __future__ import annotations

import itertools

from qaf_docs.case_ids import ID_CHARACTERS
from qaf_docs.cases.case import RowProblem
from qaf_docs.cases.columns import ColumnMapping, clean_text, header_key
from qaf_docs.cases.rows import SheetColumns
from qaf_docs.office.sheets import Cell, Sheet

# How far down a sheet its header is looked for: under a title, notes and a report's parameters.
HEADER_ROWS = 50


def find_header(sheet: Sheet, mapping: ColumnMapping) -> tuple[int, list[str], SheetColumns] | None:
    id_keys = {header_key(s) for s in mapping.case_id}
    for row_no, cells in sheet.rows:
        headers = _header_texts(cells)
        if any(header_key(h) in id_keys for h in headers if h):
            # A filter naming the id?
            if len(locate_columns(headers, mapping, sheet.hidden_columns).index) == 1:
                row_no, headers = _better_header(sheet, row_no, headers, mapping, id_keys)
            return _second_header_row(sheet, row_no, headers, mapping)
        if row_no >= HEADER_ROWS:
            break
    return None


def _better_header(
    sheet: Sheet, row_no: int, headers: list[str], mapping: ColumnMapping, id_keys: set[str]
) -> tuple[int, list[str]]:
    """The row and texts of a header below the one at ``row_no`` (which names no field but the
    case id) that names the case id and more fields, before the first row under it with an id;
    else ``row_no``'s, with the rows read ahead put back."""
    id_col = locate_columns(headers, mapping, sheet.hidden_columns).index["case_id"]
    ahead: list[tuple[int, list[Cell]]] = []
    for later_no, cells in sheet.rows:
        ahead.append((later_no, cells))
        texts = _header_texts(cells)
        if (
            any(header_key(h) in id_keys for h in texts if h)
            and len(locate_columns(texts, mapping, sheet.hidden_columns).index) > 1
        ):
            return later_no, texts  # the list's own header: the rows before it were filters
        if later_no >= HEADER_ROWS or (id_col < len(cells) and _id_like(cells[id_col].value)):
            break  # a child's row: the first header was the list's
    sheet.rows = itertools.chain(ahead, sheet.rows)
    return row_no, headers


def _id_like(value: object) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    return (
        isinstance(value, str)
        and any(ch.isdigit() for ch in value)
        and bool(ID_CHARACTERS.fullmatch(value.strip()))
    )


def _header_texts(cells: list[Cell]) -> list[str]:
    return [clean_text(str(c.value)) if c.value is not None else "" for c in cells]


def _second_header_row(
    sheet: Sheet, row_no: int, headers: list[str], mapping: ColumnMapping
) -> tuple[int, list[str], SheetColumns]:
    """A header of two rows, a merged group label ("Allocated") over its columns ("Team" |
    "Worker"): the lower row names each column, the upper one where the lower is blank (the id
    cell merged down). Taken only when the lower row is all text and names more fields."""
    columns = locate_columns(headers, mapping, sheet.hidden_columns)
    following = next(sheet.rows, None)
    if following is None:
        return row_no, headers, columns
    below = _header_texts(following[1])
    id_col = columns.index["case_id"]
    if (
        (id_col >= len(below) or not below[id_col])
        and all(c.value is None or isinstance(c.value, str) for c in following[1])
        and any(below)
    ):
        width = max(len(headers), len(below))
        merged = [
            (below[i] if i < len(below) else "") or (headers[i] if i < len(headers) else "")
            for i in range(width)
        ]
        both = locate_columns(merged, mapping, sheet.hidden_columns)
        if len(both.index) > len(columns.index):
            return following[0], merged, both
    sheet.rows = itertools.chain([following], sheet.rows)
    return row_no, headers, columns


def locate_columns(
    headers: list[str], mapping: ColumnMapping, hidden: frozenset[int] = frozenset()
) -> SheetColumns:
    """Where each field's header is. A field headed twice is read from a column Excel shows
    before one it hides (the old "Allocated Worker" hidden beside the new one), then the first."""
    where: dict[str, list[int]] = {}
    for col, header in enumerate(headers):
        where.setdefault(header_key(header), []).append(col)
    index: dict[str, int] = {}
    for name, spellings in mapping.fields().items():
        found = [where[key] for s in spellings if (key := header_key(s)) in where]
        if found:
            shown = [col for cols in found for col in cols if col not in hidden]
            index[name] = shown[0] if shown else found[0][0]
    return SheetColumns(index, headers)


def repeated_headers(
    sheet: str, header_row: int, columns: SheetColumns, hidden: frozenset[int]
) -> list[RowProblem]:
    """One warning for each header on more than one column, saying which column is read."""
    where: dict[str, list[int]] = {}
    for col, header in enumerate(columns.headers):
        if key := header_key(header):
            where.setdefault(key, []).append(col)
    read = set(columns.index.values())
    problems = []
    for cols in where.values():
        if len(cols) < 2:
            continue
        used = next((c for c in cols if c in read), cols[0])
        letters = " and ".join(column_letter(c) for c in cols)
        why = (
            f", as column{'s' if len(hid) > 1 else ''} {' and '.join(map(column_letter, hid))} "
            f"{'are' if len(hid) > 1 else 'is'} hidden in Excel"
            if (hid := [c for c in cols if c in hidden and c != used]) and used not in hidden
            else ""
        )
        problems.append(
            RowProblem(
                sheet,
                header_row,
                columns.headers[used],
                f"this header is on more than one column ({letters}); column "
                f"{column_letter(used)} is read{why}. Delete the column not wanted, or rename its "
                "header, and read the list again",
                "warning",
            )
        )
    return problems


def column_letter(col: int) -> str:
    """Excel's letters for column ``col`` counted from 0: 0 is A, 26 is AA."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
