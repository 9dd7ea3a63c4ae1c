"""What case systems write in a date column for "no date": never a date, and never a warning a row.

An export fills a date it does not have with a word ("N/A", "-", "None"), with "Open" or "Ongoing"
where a case has not ended, or with a date that stands for nothing: SQL Server's 01/01/1900,
Excel's day 0 (00/01/1900, read as 30/12/1899), 01/01/1753, 01/01/0001. Read as the date it
looks like, 01/01/1900 in an end date closes an open case, so it could never be sampled; read as
a bad date, a list of 5,000 open cases with "Open" in the closure date gives 5,000 warnings.

So a word is blank, said nowhere (it is what a blank cell says), and a stand-in date is blank
too, said once a column with how many rows and what it means for an end date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from qaf_docs.cases.case import RowProblem
from qaf_docs.cases.columns import fold_value

# Words for "no date", folded: blank in any date column. Not "Not known": a date there may be
# lost, not absent (a closed case whose closure date is unknown), so it is still said.
_NONE = frozenset(
    {"", "n a", "na", "none", "nil", "null", "not applicable", "no date", "blank", "00 00 0000",
     "0000 00 00"}
)  # fmt: skip
# Words for "not ended", folded: blank in an end date column, where blank means the case is open.
_NOT_ENDED = frozenset(
    {"open", "still open", "ongoing", "current", "active", "not closed", "not ended", "tbc", "tba",
     "in progress", "live", "allocated", "open case"}
)  # fmt: skip
# Dates that stand for none: Excel's day 0 and 1, SQL Server's and .NET's first days.
_STAND_INS = frozenset(
    {date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1), date(1753, 1, 1), date(1, 1, 1)}
)


def no_date_word(text: str, *, end: bool) -> bool:
    """Whether ``text`` (a date cell that is not a date) says there is no date: "N/A", "-", or,
    in an end date column (``end``), "Open"."""
    folded = fold_value(text)
    return folded in _NONE or (end and folded in _NOT_ENDED)


@dataclass
class StandInDates:
    """The stand-in dates of one sheet's date columns, counted to be said once a column."""

    found: dict[int, tuple[int, date]] = field(default_factory=dict)  # col -> first row, date
    rows: Counter[int] = field(default_factory=Counter)

    def blank(self, col: int, row: int, parsed: date) -> bool:
        """Whether ``parsed`` stands for no date (remembered); called for dates before 1901 only."""
        if parsed not in _STAND_INS:
            return False
        self.found.setdefault(col, (row, parsed))
        self.rows[col] += 1
        return True

    def problems(self, sheet: str, headers: list[str], end_col: int | None) -> list[RowProblem]:
        found = []
        for col, (row, when) in sorted(self.found.items()):
            n = self.rows[col]
            closes = "; with no end date, those cases are taken as open" if col == end_col else ""
            found.append(
                RowProblem(
                    sheet,
                    row,
                    (headers[col] if col < len(headers) else "") or None,
                    f"{n} row{'s' if n != 1 else ''} (the first: row {row}) "
                    f"hold{'' if n != 1 else 's'} "
                    f"{when:%d/%m/%Y}, which case systems write for no date: read as blank"
                    f"{closes}",
                    "warning",
                )
            )
        return found
