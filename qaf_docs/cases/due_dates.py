"""An expected date of birth long past: the baby has been born and the record not updated.

A pre-birth case carries the baby's expected date of birth and no date of birth. Once the baby is
born, the worker should record the birth; until they do, the export still shows the expected date.
A baby can come up to two weeks after the date it was due (42 weeks), so an expected date more
than two weeks past means a child who has been born: taken as born, age unknown, never as unborn.
The rows are said once for the sheet, not once a row, and the date itself is never shown (it is as
personal as a date of birth).
"""

from __future__ import annotations

from datetime import date, timedelta

from qaf_docs.cases.case import RowProblem

# Past its due date by more than this, a baby has been born (a pregnancy runs to 42 weeks at most).
OVERDUE = timedelta(days=14)
_ROWS_SHOWN = 10


def born_by(due: date, today: date) -> bool:
    """Whether a baby due on ``due`` has been born by ``today``, whatever the record says."""
    return due < today - OVERDUE


def past_due_problem(sheet: str, header: str, rows: list[int]) -> RowProblem:
    """One warning for the sheet's rows whose expected date of birth is long past."""
    n = len(rows)
    shown = ", ".join(str(r) for r in rows[:_ROWS_SHOWN])
    if n > _ROWS_SHOWN:
        shown += f" and {n - _ROWS_SHOWN} more"
    these, have = ("these children are", "have") if n > 1 else ("this child is", "has")
    return RowProblem(
        sheet,
        rows[0],
        header or None,
        f"{n} row{'s' if n > 1 else ''} (row{'s' if n > 1 else ''} {shown}) {have} an expected "
        "date of birth more than two weeks past and no date of birth, so the baby has most likely "
        f"been born and the record not updated: {these} taken as born, age unknown, not as "
        "unborn. Record the date of birth in the case-management system and export the list "
        "again",
        "warning",
    )
