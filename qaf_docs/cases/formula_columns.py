"""A column filled by formulas: said once for the column, with how to fix it.

Exports are often finished by hand: a VLOOKUP from a staff list (often in another workbook) fills
the team or worker, a date is worked out from another (``=H2+5``). qaf never trusts a formula's
value, so each of those cells is read as blank; said row by row that would be hundreds of the same
warning, so it is said once per column: how many rows, the first one's formula, what reading them
as blank does, and the fix (Paste Special › Values). A formula in the case id column is not
noted here: that row is not used, which is said row by row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qaf_docs.cases.case import RowProblem
from qaf_docs.cases.columns import PRIVATE_FIELDS

# What a column's formulas, read as blank, leave the case without, for the columns where that
# matters most; any other column's cells are simply read as blank.
_LEFT_WITHOUT = {"team": "team", "worker": "worker", "end_date": "end date"}


@dataclass
class FormulaColumns:
    """The formula cells of one sheet, column by column."""

    fields: dict[int, str]  # column -> the field it is mapped to, where it is mapped
    private: frozenset[int]  # columns never quoted: a formula there may spell a child's name
    first: dict[int, tuple[int, str]] = field(default_factory=dict)  # column -> row, formula
    count: dict[int, int] = field(default_factory=dict)
    taken_open: dict[int, int] = field(default_factory=dict)  # end date column -> cases now open
    last: tuple[int, int] | None = None  # the column and row of the last formula noted

    @classmethod
    def of(cls, index: dict[str, int]) -> FormulaColumns:
        """For a sheet whose fields sit in columns ``index``."""
        private = frozenset(index[name] for name in PRIVATE_FIELDS if name in index)
        return cls({col: name for name, col in index.items()}, private)

    def note(self, col: int, row: int, formula: object) -> None:
        self.first.setdefault(col, (row, str(formula)))
        self.count[col] = self.count.get(col, 0) + 1
        self.last = (col, row)

    def was_formula(self, col: int | None, row: int) -> bool:
        """Whether the cell at ``col`` of ``row`` was just read as blank for holding a formula."""
        return col is not None and self.last == (col, row)

    def left_open(self, col: int) -> None:
        """A case taken as open because its end date (column ``col``) was a formula."""
        self.taken_open[col] = self.taken_open.get(col, 0) + 1

    def problems(self, sheet: str, headers: list[str]) -> list[RowProblem]:
        """One warning per column that held a formula, at its first such row."""
        return [
            RowProblem(sheet, row, headers[col] or None, self._reason(col, formula), "warning")
            for col, (row, formula) in sorted(self.first.items())
        ]

    def _reason(self, col: int, formula: str) -> str:
        n, name = self.count[col], self.fields.get(col, "")
        # A formula in a child's name column may spell the name: never quote it.
        quoted = "" if col in self.private else f" (the first: '{formula}')"
        without = _LEFT_WITHOUT.get(name)
        if without is None:
            outcome = f"{f'those {n} cells are' if n > 1 else 'the cell is'} read as blank"
        else:
            outcome = f"{f'those {n} cases have' if n > 1 else 'the case has'} no {without}"
        opened = self.taken_open.get(col, 0)
        if opened:
            outcome += (
                f"; {opened} of those cases {'are' if opened > 1 else 'is'} taken as open for "
                "want of one, and may be sampled"
            )
        return (
            f"{n} row{'s hold' if n > 1 else ' holds'} a formula in this column{quoted}; a "
            f"formula's value is not trusted, so it is ignored and {outcome}. To fix: in Excel "
            "select the column, Copy, then Paste Special › Values, save the file and read it again"
        )
