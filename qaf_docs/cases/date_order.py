"""Whether a case-list column writes its dates month first ("4/13/2025"), US-style.

A date that can only be month first is refused cell by cell (``dates.parse_date``), but one that
reads either way ("4/3/2025") is read day first, as the UK writes it. In a column that elsewhere
writes dates month first, that reading is probably wrong (3 April read as 4 March), so each such
date is written down for the person to check, naming the row that shows the column's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from qaf_docs.cases.case import RowProblem
from qaf_docs.dates import numeric_order


@dataclass
class DateOrders:
    """What one sheet's date cells written as numbers say about each column's order."""

    month_first: dict[int, tuple[int, str]] = field(default_factory=dict)  # col -> first such
    day_first: set[int] = field(default_factory=set)
    either: dict[int, list[tuple[int, str, date]]] = field(default_factory=dict)

    def note(self, col: int, row: int, value: object, parsed: date | None) -> None:
        """Remember a date cell's order (called for every date cell, so cheap for the rest)."""
        if col in self.day_first or not isinstance(value, str):
            return  # a column shown to write day first needs nothing more: the usual UK list
        order = numeric_order(value)
        if order == "month":
            self.month_first.setdefault(col, (row, value.strip()))
        elif order == "day":
            self.day_first.add(col)
            self.either.pop(col, None)
        elif order == "either" and parsed is not None:
            self.either.setdefault(col, []).append((row, value.strip(), parsed))

    def problems(self, sheet: str, headers: list[str]) -> list[RowProblem]:
        """A warning for each date read day first in a column that writes dates month first and
        never day first (a column with both is a mix: each refused date is already said). A
        column with no date that shows its order takes the sheet's, when the sheet shows only
        month first: an export writes every date column the same way."""
        us = {col: first for col, first in self.month_first.items() if col not in self.day_first}
        sheet_us = bool(us) and not self.day_first
        found = []
        for col, dates in self.either.items():
            if col in us:
                row, text = us[col]
                where = f"this column writes dates month first (row {row}: '{text}')"
            elif sheet_us and col not in self.month_first:
                us_col, (row, text) = min(us.items(), key=lambda item: item[1][0])
                where = (
                    f"this sheet writes dates month first (row {row}, column "
                    f"'{_header(headers, us_col)}': '{text}')"
                )
            else:
                continue
            for date_row, date_text, read in dates:
                found.append(
                    RowProblem(
                        sheet,
                        date_row,
                        _header(headers, col) or None,
                        f"'{date_text}' was read as {_long(read)}, but {where}, so it may mean "
                        f"{_long(_swapped(read))}; check it and write dates day/month/year",
                        "warning",
                    )
                )
        return sorted(found, key=lambda p: p.row)


def _header(headers: list[str], col: int) -> str:
    return headers[col] if col < len(headers) else ""


def _long(when: date) -> str:
    return f"{when.day} {when:%B %Y}"


def _swapped(when: date) -> date:
    """The date with day and month exchanged (both are 12 or less, so it exists)."""
    return date(when.year, when.day, when.month)
