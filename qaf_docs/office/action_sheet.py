"""The action tracker's sheet layout: the one place that knows its columns.

The manager's action tracker is an ordinary worksheet whose actions table starts at a header row
reading "No. | Action | …". Packs write it, returns read it back and the demo fills it; all three
go through the column numbers here, so moving a column is one change.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    """Return the row number of the actions table's header, or None when the sheet has none.

    The template's header starts "No. | Action"; a manager's copy whose first columns were
    moved, renamed or had a column put in front is still found by the headings of the columns
    qaf reads, so that a note can name the one heading that is missing rather than the row.
    """
    rows = list(sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, search_rows)))
    for row in rows:
        texts = [str(c.value).strip().lower() if c.value is not None else "" for c in row[:3]]
        if len(texts) >= 2 and texts[1].startswith("action") and texts[0] in _NUMBER_HEADERS:
            return int(row[0].row)
    for row in rows:
        found, _ = column_positions([c.value for c in row[: COLUMN_COUNT * 2]])
        if len(found.keys() - OPTIONAL) >= _HEADINGS_THAT_MAKE_A_HEADER:
            return int(row[0].row)
    return None


# How a manager's copy may head each column qaf reads (after the template's own wording): a
# column deleted, inserted or moved in Excel or Calc is then still read by its header, not by
# where it used to be.
_HEADS: dict[Column, tuple[str, ...]] = {
    Column.NUMBER: _NUMBER_HEADERS,
    Column.DESCRIPTION: ("action", "agreed action"),
    Column.OWNER: ("owner", "who", "responsible"),
    Column.DUE: ("due", "by when", "target date"),
    Column.STATUS: ("status", "progress", "current status"),
    Column.COMPLETED: ("completion", "completed", "date completed", "done on", "date of completion"),
    Column.EVIDENCE: ("evidence", "notes", "comment"),
    Column.SIGNED_OFF_BY: ("signed off by", "sign off by", "sign-off by", "signed-off by"),
    Column.SIGNED_OFF_ON: (
        "signed off on", "sign off date", "signed off date", "date signed off", "sign-off date",
        "signed-off on",
    ),
}  # fmt: skip
# (wording, column), longest first so that "signed off by" is tried before shorter wordings.
_OWN = sorted(((ws[0], c) for c, ws in _HEADS.items()), key=lambda wc: -len(wc[0]))
_OTHER = sorted(((w, c) for c, ws in _HEADS.items() for w in ws[1:]), key=lambda wc: -len(wc[0]))
#: Columns a tracker may lack: the sign-off arrived after the first trackers were issued.
OPTIONAL = frozenset({Column.OVERDUE, Column.SIGNED_OFF_BY, Column.SIGNED_OFF_ON})
# A row heading this many of the columns qaf needs is the actions table's header, whatever
# became of the rest (a title or instruction above it names at most one or two).
_HEADINGS_THAT_MAKE_A_HEADER = 4


def _fold(value: object) -> str:
    return " ".join(str(value).replace("\u00a0", " ").split()).lower() if value is not None else ""


def column_positions(header: Sequence[object]) -> tuple[dict[Column, int], list[str]]:
    """Where each column qaf reads sits in this copy (0-based), found by its header's words,
    and the headers of the required columns that could not be found.

    The template's own layout is taken as it is; otherwise each header cell is matched to the
    first column whose wording it starts with ("Signed off by" before "Signed off on" is checked
    by the longer wordings first, so neither takes the other's place).
    """
    folded = [_fold(v) for v in header]
    if [h for h in folded[: len(HEADERS)]] == [h.lower() for h in HEADERS]:
        return {c: c - 1 for c in Column}, []
    found: dict[Column, int] = {}
    # The template's own wording first, then other wordings for what is still missing: a
    # "Notes" column a manager added beside "Evidence" never takes Evidence's place.
    for wordings in (_OWN, _OTHER):
        for i, text in enumerate(folded):
            if not text or i in found.values():
                continue
            for words, column in wordings:
                if column not in found and text.startswith(words):
                    found[column] = i
                    break
    missing = [HEADERS[c - 1] for c in Column if c not in found and c not in OPTIONAL]
    return found, missing
