"""A team or worker column filled by formulas: said once for the column, with how to fix it.

Exports are often finished by hand with a VLOOKUP from a staff list (often in another workbook) to
fill the team or worker. qaf never trusts a formula's value, so each of those cells is read as
blank; said row by row that would be hundreds of the same warning, so it is said once per column:
how many rows, the first one's formula, and the fix (Paste Special › Values).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qaf_docs.cases.case import RowProblem


@dataclass
class StaffFormulas:
    """The formula cells of one sheet's team and worker columns."""

    columns: dict[int, str]  # column -> "team" / "worker"
    first: dict[int, tuple[int, str]] = field(default_factory=dict)  # column -> row, formula
    count: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, index: dict[str, int]) -> StaffFormulas:
        """For a sheet whose fields sit in columns ``index``."""
        return cls({index[n]: n for n in ("team", "worker") if n in index})

    def note(self, col: int, row: int, formula: object) -> None:
        self.first.setdefault(col, (row, str(formula)))
        self.count[col] = self.count.get(col, 0) + 1

    def problems(self, sheet: str, headers: list[str]) -> list[RowProblem]:
        """One warning per column that held a formula, at its first such row."""
        found = []
        for col, (row, formula) in sorted(self.first.items()):
            n, what = self.count[col], self.columns[col]
            cases = f"those {n} cases have" if n > 1 else "the case has"
            found.append(
                RowProblem(
                    sheet,
                    row,
                    headers[col] or None,
                    f"{n} row{'s hold' if n > 1 else ' holds'} a formula in this column, not a {what} "
                    f"(the first: '{formula}'); a formula's value is not trusted, so it is "
                    f"ignored and {cases} no {what}. To fix: in Excel select the column, Copy, "
                    "then Paste Special › Values, save the file and read it again",
                    "warning",
                )
            )
        return found
