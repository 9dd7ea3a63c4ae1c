"""Cells a manager merged in a returned action tracker, and how qaf says so.

Excel and Calc keep only the first (top left) cell of a merged block. A cell merged into the one to
its left is hidden: what it held is gone, and it reads blank. A cell merged down shows the value of
the block's top row: a Status, Evidence, completion date or sign-off merged over two actions is each
one's (Excel shows it beside both), but an action's No. or wording is its own, and an agreed owner or
due date that Excel now shows as another action's is hidden too. Where a merge hides what qaf must
record, the note says which cells are merged, how to unmerge them and what to type back, never the
symptom qaf would otherwise read ("Completed but has no completion date").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qaf_docs.findings import Finding
from qaf_docs.office.action_sheet import HEADERS, Column

_UNMERGE = (
    "Unmerge the cells (Excel: Home > Merge & Center; Calc: Format > Merge and Unmerge Cells > "
    "Unmerge Cells)"
)

# Columns a block merged down does not share with the rows below its top: each action has its own.
_OWN = {HEADERS[Column.NUMBER - 1], HEADERS[Column.DESCRIPTION - 1]}

# A column as the tracker's notes name it ("Signed off by", not its heading's "(manager)").
_SHORT = re.compile(r"\s*\(.*\)$")


def short_name(column: str) -> str:
    return _SHORT.sub("", column)


@dataclass
class Merges:
    """The blocks merged over a tracker's actions (below its header row)."""

    # (row, column) -> the block's value, for each cell of a block merged down that takes it.
    filled: dict[tuple[int, int], object] = field(default_factory=dict)
    # (row, column) -> the heading of the cell it is merged into, for each cell hidden by a block
    # merged across from the left.
    hidden: dict[tuple[int, int], str] = field(default_factory=dict)
    # (row, column) -> (first row, last row) of the block, for each cell below a block's top.
    over: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)


def find_merges(
    sheet: Any, header: int, heads: Sequence[object], read_at: dict[int, str]
) -> Merges:
    """The merged blocks below the ``header`` row; ``read_at`` names the columns qaf reads by
    their 1-based position."""
    found = Merges()
    last = sheet.max_row
    for block in sheet.merged_cells.ranges:
        if block.min_row <= header:
            continue
        top = sheet.cell(row=block.min_row, column=block.min_col).value
        head = heads[block.min_col - 1] if block.min_col <= len(heads) else None
        heading = " ".join(str(head or "").split())
        for row in range(block.min_row, min(block.max_row, last) + 1):
            if row > block.min_row:
                found.over[(row, block.min_col)] = (block.min_row, block.max_row)
                if read_at.get(block.min_col) not in _OWN:
                    found.filled[(row, block.min_col)] = top
            for column in range(block.min_col + 1, block.max_col + 1):
                found.hidden[(row, column)] = heading or "next"
    return found


def merged_away(where: str, column: str, into: str, what: str = "", agreed: str = "") -> Finding:
    """The error for a cell merged into the one to its left (an Action merged across the Owner):
    Excel and Calc show only that cell's text, so what the cell held is hidden. ``what`` names
    it ("the owner"), ``agreed`` what it should say."""
    what = what or f"the {column.lower()}"
    shown = f"{what} ({agreed})" if agreed else what
    return Finding(
        "error",
        f"{where}: {column}",
        f"the {column} cell is merged with the {into} cell beside it, so {shown} is hidden",
        f"{_UNMERGE} and type {what} back in" + (f" ({agreed})." if agreed else "."),
    )


def _span(rows: tuple[int, int]) -> str:
    first, last = rows
    return f"rows {first} and {last}" if last == first + 1 else f"rows {first} to {last}"


def merged_over(
    row: int, column: str, rows: tuple[int, int], what: str, agreed: str = ""
) -> Finding:
    """The error for a cell below the top of a block merged down (action 1's Action merged over
    action 2's row): Excel shows the top row's value there, so ``what`` the row held is hidden."""
    shown = f"{what} ({agreed})" if agreed else what
    return Finding(
        "error",
        f"Row {row}: {column}",
        f"the {column} cell is merged over {_span(rows)}, so {shown} is hidden (Excel shows row "
        f"{rows[0]}'s there)",
        f"{_UNMERGE} and type {shown} back in row {row}.",
    )


# What a cell hidden under a merge held, as the note names it, and whether a row needs it only
# once its action is Completed (a completion date or sign-off stays blank until then; evidence is
# what shows it was done, and may be typed before, so a hidden Evidence cell is warned of).
_HIDDEN = {
    HEADERS[Column.STATUS - 1]: ("the status", False),
    HEADERS[Column.COMPLETED - 1]: ("the completion date", True),
    HEADERS[Column.EVIDENCE - 1]: ("the evidence", True),
    HEADERS[Column.SIGNED_OFF_BY - 1]: ("the name of the manager who signed the action off", True),
    HEADERS[Column.SIGNED_OFF_ON - 1]: ("the sign-off date", True),
}


def hidden_update_findings(
    row: int, hidden: dict[str, str], status: str | None, signed_by: str
) -> list[Finding]:
    """Errors for the manager's cells of a row (Status to Signed off on) hidden under the cell to
    their left, as ``hidden`` (column -> heading of the cell it is merged into) says. ``status``
    is what the row reads as (None when the Status itself is hidden). A completion date, evidence
    or sign-off hidden on an action not Completed is not needed yet (it is blank until then),
    unless a sign-off name is given beside a hidden sign-off date; a hidden Evidence cell is a
    warning then, as progress notes typed in it are not read. Evidence already recorded for the
    action and now hidden is the lifecycle checks' to refuse (``timeline``)."""
    found = []
    done = status in (None, "Completed")
    for column, into in hidden.items():
        if column not in _HIDDEN:
            continue
        what, once_done = _HIDDEN[column]
        name = short_name(column)
        needed = done or (column == HEADERS[Column.SIGNED_OFF_ON - 1] and bool(signed_by))
        if not once_done or needed:
            found.append(merged_away(f"Row {row}", name, into, what))
        elif column == HEADERS[Column.EVIDENCE - 1]:
            found.append(
                Finding(
                    "warning",
                    f"Row {row}: {name}",
                    f"the {name} cell is merged with the {into} cell beside it, so anything "
                    "typed in it is hidden and not recorded",
                    f"{_UNMERGE} before typing the evidence: it is needed once the action is "
                    "Completed.",
                )
            )
    return found


# The cells of a completed action a block merged down may show beside an action not done.
_DONE_CELLS = (
    (HEADERS[Column.COMPLETED - 1], "completion date"),
    (HEADERS[Column.SIGNED_OFF_BY - 1], "sign-off"),
    (HEADERS[Column.SIGNED_OFF_ON - 1], "sign-off"),
)


def merged_onto_not_done(
    row: int, over: dict[tuple[int, str], tuple[int, int]], status: str, shown: dict[str, object]
) -> Finding | None:
    """The error for a completion date or sign-off merged down from a completed action onto one
    whose status is ``status`` (not Completed): Excel shows it beside this row too, though nobody
    typed it there. ``shown`` is what each of those cells reads as on this row."""
    if status == "Completed":
        return None
    for column, what in _DONE_CELLS:
        rows = over.get((row, column))
        if rows is None or not str(shown.get(column) or "").strip():
            continue
        name = short_name(column)
        return Finding(
            "error",
            f"Row {row}: {name}",
            f"the {name} cell is merged over {_span(rows)}, so row {row} shows row {rows[0]}'s "
            f"{what}, but its status is {status}",
            f"{_UNMERGE} and leave row {row}'s {what} blank until the action is Completed.",
        )
    return None
