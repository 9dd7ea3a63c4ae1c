"""A child's name in the team or worker column of a case list, found and left out.

Team and worker names are what qaf puts in folder names (``for-managers/<team>/``), e-mail file
names and greetings, the tracker, reports and ``qaf status`` warnings, because they are staff
names. A column shifted in the export, or a name typed in the wrong cell, puts a child's name
there instead; nothing downstream can tell it apart from a worker's. The case list is the one
place that can: where it has a child name column, a team or worker that is one of the list's
child names is reported by sheet, row and column (without quoting it) and left blank, so the case
is still sampled, with no team or worker, and the name goes nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from qaf_docs.cases.case import Case, RowProblem
from qaf_docs.cases.rows import SheetColumns

_FIELDS = {"team": "team", "worker": "worker"}


def _fold(text: str | None) -> str:
    """A name as compared: case, spacing and non-breaking spaces ignored."""
    return " ".join((text or "").split()).casefold()


@dataclass
class StaffCells:
    """Where each team and worker value was first seen, and how many rows carry it."""

    first: dict[tuple[str, str], tuple[str, int, str | None]] = field(default_factory=dict)
    rows: dict[tuple[str, str], int] = field(default_factory=dict)

    def note(self, case: Case, sheet: str, row: int, columns: SheetColumns) -> None:
        """Remember where ``case``'s team and worker were read (once per distinct value)."""
        for name in _FIELDS:
            value = _fold(getattr(case, name))
            if not value:
                continue
            key = (name, value)
            if key not in self.first:
                col = columns.index.get(name)
                header = columns.headers[col] if col is not None else None
                self.first[key] = (sheet, row, header or None)
            self.rows[key] = self.rows.get(key, 0) + 1

    def clear_child_names(self, cases: Iterable[Case], problems: list[RowProblem]) -> list[Case]:
        """Return ``cases`` with any team or worker that is a child's name on the list left
        blank, adding one problem per such value to ``problems``."""
        cases = list(cases)
        children = {_fold(c.child_name) for c in cases if c.child_name}
        children.discard("")
        misplaced = {key for key in self.first if key[1] in children}
        if not misplaced:
            return cases
        for key in sorted(misplaced, key=lambda k: self.first[k][:2]):
            sheet, row, header = self.first[key]
            others = self.rows[key] - 1
            problems.append(
                RowProblem(
                    sheet,
                    row,
                    header,
                    f"the {_FIELDS[key[0]]} is a child's name from this list's child name column "
                    "(a column shifted in the export?); left blank"
                    + (f" here and on {others} other row(s)" if others else "")
                    + ", so it is never written into a file name, an e-mail or a report. "
                    f"Put the {_FIELDS[key[0]]} in the cell and read the list again",
                    "warning",
                )
            )
        return [_cleared(c, misplaced) for c in cases]


def _cleared(case: Case, misplaced: set[tuple[str, str]]) -> Case:
    blank = {n: None for n in _FIELDS if (n, _fold(getattr(case, n))) in misplaced}
    return replace(case, **blank) if blank else case  # type: ignore[arg-type]
