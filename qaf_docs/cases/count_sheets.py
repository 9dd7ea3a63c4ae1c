"""A summary of counts beside the list: its "Child ID" column counts children, it names none.

A pivot table or a report's summary block counts the children of each team under the header it
counted ("Allocated Team | Child ID", then "Locality 1 | 23") and ends with a total row whose
number is the sum of those above it ("Grand Total | 312"). Read as a list, each count would be a
child ("23", of Locality 1) who could be drawn for audit. A child's id never sums to a total row's
number, so a sheet whose total row is the sum of its "ids" is a summary: skipped beside the list,
said once, and refused when it is the only sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from qaf_docs.cases.case import Case


@dataclass
class IdSums:
    """The ids of one sheet's rows, summed, and the total row that equals their sum."""

    total: int = 0
    ids: int = 0
    row: int | None = None  # the total row whose number is the sum of the ids above it
    held: list[tuple[Case, int]] | None = None  # the sheet's cases, added once it is read

    def add(self, case: Case, row: int) -> None:
        if self.held is None:
            self.held = []
        self.held.append((case, row))
        if case.case_id.isdigit() and len(case.case_id) <= 15:
            self.total += int(case.case_id)
            self.ids += 1

    def total_row(self, row: int, value: object) -> None:
        """A total row (``value`` in its id cell): a summary's when it is the sum of the ids."""
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
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
