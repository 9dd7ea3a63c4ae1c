"""The action tracker's sheet layout: the one place that knows its columns.

The manager's action tracker is an ordinary worksheet whose actions table starts at a header row
reading "No. | Action | …". Packs write it, returns read it back and the demo fills it; all three
go through the column numbers here, so moving a column is one change.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

STATUSES = ("Not started", "In progress", "Completed")


class Column(IntEnum):
    """1-based column of each field in the actions table."""

    NUMBER = 1
    DESCRIPTION = 2
    OWNER = 3
    DUE = 4
    STATUS = 5
    COMPLETED = 6
    EVIDENCE = 7
    OVERDUE = 8  # a formula the template carries; never read back
    SIGNED_OFF_BY = 9  # the manager's sign-off: an action closes only when signed off
    SIGNED_OFF_ON = 10


COLUMN_COUNT = len(Column)
HEADERS = (
    "No.", "Action", "Owner", "Due date", "Status", "Completion date", "Evidence", "Overdue",
    "Signed off by (manager)", "Signed off on",
)  # fmt: skip
_NUMBER_HEADERS = ("no.", "no", "#", "number")


def find_actions_header(sheet: Any, search_rows: int = 40) -> int | None:
    """Return the row number of the actions table's header, or None when the sheet has none."""
    for row in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, search_rows)):
        texts = [str(c.value).strip().lower() if c.value is not None else "" for c in row[:3]]
        if len(texts) >= 2 and texts[1].startswith("action") and texts[0] in _NUMBER_HEADERS:
            return int(row[0].row)
    return None
