"""The cases read so far from a case list: one per child and start date, merged as rows repeat.

A child on two lists (or twice on one) with the same start date is one episode that remembers both
lists, keeping the later, more serious stage of the process; a different team or worker between the
rows is a warning naming both. Each id is shown as the list spells it most often.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from qaf_docs.case_ids import case_key
from qaf_docs.cases.case import CASE_TYPE_PRIORITY, Case, RowProblem, merge_sources
from qaf_docs.cases.id_cells import WordyIds
from qaf_docs.cases.misplaced_names import StaffCells
from qaf_docs.cases.rows import SheetColumns


@dataclass
class Accumulator:
    """Everything read from a case list so far, sheet by sheet."""

    problems: list[RowProblem] = field(default_factory=list)
    episodes: dict[tuple[str, date | None], Case] = field(default_factory=dict)
    order: list[tuple[str, date | None]] = field(default_factory=list)
    rows_read: int = 0
    rows_merged: int = 0
    rows_rejected: int = 0
    personal: dict[str, None] = field(default_factory=dict)  # headers left out, in order seen
    free_text: dict[str, None] = field(default_factory=dict)  # notes columns left out, likewise
    spellings: dict[str, Counter[str]] = field(default_factory=dict)  # case_key -> ids as written
    first_rows: dict[tuple[str, date | None], tuple[str, int]] = field(default_factory=dict)
    hidden_rows: Counter[str] = field(default_factory=Counter)  # sheet -> rows read though hidden
    staff: StaffCells = field(default_factory=StaffCells)  # where each team / worker was read
    wordy: WordyIds = field(default_factory=WordyIds)  # case ids with no digit: names?
    # sheet -> its group heading rows, and the rows given their team and their worker
    grouped: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    on_rows: Callable[[int], None] | None = None  # told how many rows were read since last time
    hidden: frozenset[str] = frozenset()  # sheets hidden in Excel: what they say yields to shown


def one_spelling(acc: Accumulator) -> tuple[list[Case], dict[str, list[str]]]:
    """Show each child's id as the list spells it most often; on a tie, with its leading zeros
    (Excel drops zeros from a number, never adds them). Returns the cases and, for each id written
    more than one way, its other spellings."""
    shown: dict[str, str] = {}
    others: dict[str, list[str]] = {}
    for key, counts in acc.spellings.items():
        ranked = sorted(counts, key=lambda s: (-counts[s], -len(s), s))
        shown[key] = ranked[0]
        if len(ranked) > 1:
            others[ranked[0]] = ranked[1:]
    cases = []
    for k in acc.order:
        case = acc.episodes[k]
        best = shown[case_key(case.case_id)]
        cases.append(case if case.case_id == best else replace(case, case_id=best))
    return cases, others


def add_rows(
    acc: Accumulator, rows: list[tuple[Case, int]], sheet: str, columns: SheetColumns
) -> None:
    """Add a sheet's cases, each with its row, to ``acc``, in the order they were read."""
    for case, row in rows:
        acc.spellings.setdefault(case_key(case.case_id), Counter())[case.case_id] += 1
        acc.staff.note(case, sheet, row, columns)
        add_episode(acc, case, sheet, row)


def add_episode(acc: Accumulator, case: Case, sheet: str, row: int) -> None:
    """Add one row's case to ``acc``: a new episode, or merged into the one it repeats."""
    key = (case_key(case.case_id), case.start_date)
    existing = acc.episodes.get(key)
    if existing is None:
        acc.episodes[key] = case
        acc.order.append(key)
        acc.first_rows[key] = (sheet, row)
        return
    first_sheet, first_row = acc.first_rows[key]
    # Twice on one list: which row is which, since the list's name says nothing.
    same_list = existing.sources == (sheet,) == case.sources and first_sheet == sheet
    acc.rows_merged += 1
    # Keep the later, more serious stage of the process (a S47 over the referral it came from).
    keep, other = (
        (case, existing)
        if CASE_TYPE_PRIORITY[case.case_type] >= CASE_TYPE_PRIORITY[existing.case_type]
        else (existing, case)
    )
    # The team and worker a sheet Excel shows gives, over a hidden one's (last period's list).
    staff, rest = keep, other
    if acc.hidden and _shown(existing, acc.hidden) != _shown(case, acc.hidden):
        staff, rest = (existing, case) if _shown(existing, acc.hidden) else (case, existing)
    for name in ("team", "worker"):
        a, b = getattr(staff, name), getattr(rest, name)
        if a and b and a != b:
            acc.problems.append(
                RowProblem(
                    sheet,
                    row,
                    None,
                    f"case {case.case_id} is also on "
                    + (f"row {first_row} of {sheet}" if same_list else ", ".join(existing.sources))
                    + f" with the same start date but a different {name}; kept the {name} from "
                    + (
                        f"row {row if keep is case else first_row}"
                        if same_list
                        else _from(staff, rest, acc.hidden)
                    ),
                    "warning",
                )
            )
    merged_attrs = {**other.attributes, **keep.attributes}
    merged_attrs["list"] = ", ".join(merge_sources([existing.sources, case.sources]))
    acc.episodes[key] = replace(
        keep,
        team=staff.team or rest.team,
        worker=staff.worker or rest.worker,
        sources=merge_sources([existing.sources, case.sources]),
        is_open=keep.is_open,
        end_date=keep.end_date or other.end_date if not keep.is_open else keep.end_date,
        restricted=keep.restricted or other.restricted,
        attributes=merged_attrs,
        child_name=keep.child_name or other.child_name,
    )


def _shown(case: Case, hidden: frozenset[str]) -> bool:
    return any(s not in hidden for s in case.sources)


def _from(staff: Case, rest: Case, hidden: frozenset[str]) -> str:
    shown = [s for s in staff.sources if s not in hidden] or list(staff.sources)
    if hidden and _shown(staff, hidden) and not _shown(rest, hidden):
        return f"{shown[-1]}, the sheet Excel shows ({', '.join(rest.sources)} is hidden)"
    return shown[-1]
