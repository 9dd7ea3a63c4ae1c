"""A summary of counts beside the list: its "Child ID" column counts children, it names none.

A pivot table or a report's summary block counts the children of each team under the header it
counted ("Allocated Team | Child ID", then "Locality 1 | 23") and ends with a total row whose
number is the sum of those above it ("Grand Total | 312"). Read as a list, each count would be a
child ("23", of Locality 1) who could be drawn for audit. A child's id never sums to a total row's
number, so a sheet whose total row is the sum of its "ids" is a summary: skipped beside the list,
said once, and refused when it is the only sheet. A summary made by hand adds its counts up with a
formula ("Grand Total | =SUM(B2:B9)"): a total row summing every "id" above it (none of them
written with a leading zero nor of six digits or more, as no count is) is the same sum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import column_index_from_string

from qaf_docs.cases.case import Case

# =SUM(B2:B9), =SUBTOTAL(9,B2:B9) or =SUBTOTAL(109,…): the column's cells added up.
_SUM = re.compile(
    r"=\s*(?:_xlfn\.)?(?:sum\(|subtotal\(\s*(?:9|109)\s*,)\s*\$?([a-z]{1,3})\$?(\d+)\s*:"
    r"\s*\$?([a-z]{1,3})\$?(\d+)\s*\)\s*",
    re.IGNORECASE,
)


@dataclass
class IdSums:
    """The ids of one sheet's rows, summed, and the total row that equals their sum."""

    total: int = 0
    ids: int = 0
    row: int | None = None  # the total row whose number is the sum of the ids above it
    held: list[tuple[Case, int]] | None = None  # the sheet's cases, added once it is read
    first: int = 0  # the first and last rows of the ids summed, and whether one is no count (a
    last: int = 0  # leading 0, or six digits or more: no team has 100,000 children)
    zeros: bool = False

    def add(self, case: Case, row: int) -> None:
        if self.held is None:
            self.held = []
        self.held.append((case, row))
        if case.case_id.isdigit() and len(case.case_id) <= 15:
            self.total += int(case.case_id)
            self.ids += 1
            self.first, self.last = self.first or row, row
            self.zeros = self.zeros or case.case_id[0] == "0" or len(case.case_id) > 5

    def total_row(self, row: int, value: object, id_col: int) -> None:
        """A total row (``value`` in its id cell, column ``id_col`` counted from 0): a summary's
        when it is the sum of the ids, as a number or a formula adding them all up."""
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        elif isinstance(value, str) and (added := _SUM.fullmatch(value)):
            column = column_index_from_string(added[1].upper()) - 1
            if (
                added[1].upper() == added[3].upper()
                and column == id_col
                and int(added[2]) <= self.first
                and int(added[4]) >= self.last
                and not self.zeros
            ):
                value = self.total
        if (
            self.row is None
            and self.ids > 1
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and value == self.total
        ):
            self.row = row

    def reason(self, header: str) -> str:
        return (
            f"not a case list: its '{header}' column holds counts, not case ids (the total on "
            f"row {self.row} is their sum), as a pivot table or a report's summary does"
        )
