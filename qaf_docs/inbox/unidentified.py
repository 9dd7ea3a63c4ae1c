"""A workbook that shows a tracker's audit reference but carries no identity: whose note it is.

qaf believes only the identity hidden in a file's document properties. A manager who copies the
tracker's sheet into a new workbook, or edits it in a program that drops those properties (as some
other spreadsheet programs and online editors do), sends a tracker without it: it is refused all
the same, but its note says which audit the sheet shows, that it goes back to the manager, and to
copy the updates into the tracker qaf sent (before, the note spoke of "the audit tool" and
"whoever sent it"). Nothing is recorded from what the sheet shows. A tracker saved as .xls, .csv
or .ods, which qaf does not read, is sent back to the manager too, by the audit its name gives.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from qaf_docs.errors import IdentityError

_REF = re.compile(r"QA\d{4}-\d{4}", re.IGNORECASE)
_ROWS = 12  # the reference sits at the top of the sheet, above the actions table


class UnidentifiedTrackerError(IdentityError):
    """A workbook without an identity whose sheet shows audit ``shown_ref``'s tracker."""

    def __init__(self, shown_ref: str, path: Path | None = None) -> None:
        super().__init__(
            f"This workbook shows the action tracker of audit {shown_ref}, but not the identity "
            "qaf hides in every tracker it sends (its document properties are missing): the "
            "sheet was copied into a new workbook, or saved by a program that drops them (as "
            "some other spreadsheet programs and online editors do), so qaf cannot confirm whose "
            "it is",
            path=path,
            what_to_do=f"Copy the updates (Status, Completion date, Evidence, sign-off) into "
            f"the tracker qaf sent for audit {shown_ref} ({shown_ref}.xlsx), save it in Excel "
            "or LibreOffice Calc as an Excel workbook, and send that one.",
        )
        self.shown_ref = shown_ref


def shown_ref(path: Path) -> str | None:
    """The audit reference a workbook shows beside "Audit reference" at the top of a sheet, or
    None. Read only to say whose a refused file seems to be: never to record it."""
    try:
        with path.open("rb") as handle:
            wb = load_workbook(handle, read_only=True, data_only=True)
            try:
                for sheet in wb.worksheets[:5]:
                    rows = sheet.iter_rows(min_row=1, max_row=_ROWS, max_col=2, values_only=True)
                    for row in rows:
                        label, value = [*row, None, None][:2]
                        if str(label or "").strip().lower() != "audit reference":
                            continue
                        ref = str(value or "").strip().upper()
                        if _REF.fullmatch(ref):
                            return ref
            finally:
                wb.close()
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile):
        return None
    return None


# What a tracker is called once saved in a format qaf does not read (its name is kept).
_SHEET_SUFFIXES = frozenset({".xls", ".xlsb", ".xlsm", ".ods", ".fods", ".csv", ".numbers"})


def tracker_named(path: Path) -> str | None:
    """The audit reference in the name of a spreadsheet qaf cannot read ("QA2611-0001.xls": a
    tracker saved as Excel 97-2003, CSV or LibreOffice's own format keeps its name), or None.
    Used only to send the refused file back to the manager."""
    if path.suffix.lower() not in _SHEET_SUFFIXES:
        return None
    found = _REF.search(path.name)
    return found[0].upper() if found else None
