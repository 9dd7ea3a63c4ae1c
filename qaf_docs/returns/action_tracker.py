"""Read a returned Excel action tracker: each action's status, completion date and evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from qaf_docs.dates import parse_date
from qaf_docs.errors import SubmissionError
from qaf_docs.findings import Finding, errors
from qaf_docs.office.action_sheet import (
    HEADERS,
    STATUSES,
    Column,
    column_positions,
    find_actions_header,
)
from qaf_docs.office.identity import read_identity, saved_at
from qaf_docs.office.parts import DEFAULT_LIMITS, Limits, Package
from qaf_docs.records import Identity, TrackerRow
from qaf_docs.returns.status_words import read_status
from qaf_docs.returns.tracker_merges import (
    find_merges,
    hidden_update_findings,
    merged_away,
    merged_onto_not_done,
    merged_over,
)
from qaf_docs.returns.validation import VAGUE_DATES

# The columns read from each row, in the order unpacked below (Overdue is worked out, never read).
_READ = (
    Column.NUMBER, Column.DESCRIPTION, Column.OWNER, Column.DUE, Column.STATUS, Column.COMPLETED,
    Column.EVIDENCE, Column.SIGNED_OFF_BY, Column.SIGNED_OFF_ON,
)  # fmt: skip


# A row with any of these typed in is an action (a due date or No. alone is not).
_CONTENT = (
    Column.DESCRIPTION, Column.OWNER, Column.STATUS, Column.COMPLETED, Column.EVIDENCE,
    Column.SIGNED_OFF_BY,
)  # fmt: skip


@dataclass
class TrackerForm:
    """Everything read from one returned action tracker."""

    identity: Identity
    rows: list[TrackerRow]
    findings: list[Finding] = field(default_factory=list)
    excel_rows: list[int] = field(default_factory=list)  # the sheet row each of ``rows`` came from
    saved_at: datetime | None = None  # when Excel or Calc last saved it, as its properties say
    # Sheet rows whose No. qaf could not read as an action's number (so it numbered them as rows
    # the manager added), with what the No. said ("" when blank).
    numbered_by_qaf: dict[int, str] = field(default_factory=dict)
    # (sheet row, column as qaf names it: "Owner") of each cell merged into the one to its left,
    # with that cell's heading: what the cell held is hidden, and read as blank.
    merged_into: dict[tuple[int, str], str] = field(default_factory=dict)
    # (sheet row, column as qaf names it) of each cell below the top of a block merged down, with
    # the block's first and last rows: Excel shows the top row's value there.
    merged_over: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)
    # Sheet rows whose Due date is a word in place of a date ("ASAP", "TBC"), with the word: read
    # as no due date, for the lifecycle checks to judge (an agreed date changed, or an added
    # action that is not SMART), rather than refused as a date qaf cannot read.
    due_words: dict[int, str] = field(default_factory=dict)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\u00a0", " ").split())


def _cell_date(
    value: object, where: str, findings: list[Finding], received_on: date | None = None
) -> date | None:
    parsed, reason = parse_date(value)
    if isinstance(value, str) and value.strip().startswith("="):
        # =TODAY() says a different day each time the tracker is opened: only a date typed counts.
        reason = f"'{_text(value)}' is a formula, not a date"
    if reason:
        findings.append(Finding("error", where, reason, "Type the date like 03/12/2026."))
    elif parsed is not None and received_on is not None and parsed > received_on:
        findings.append(
            Finding(
                "error",
                where,
                f"{parsed:%d/%m/%Y} is in the future (the tracker arrived on "
                f"{received_on:%d/%m/%Y})",
                "Give the date it actually happened; update the tracker again once it has.",
            )
        )
    return parsed


# A whole action's number in the manager's words: "A2", "Action 2", "No. 2", "#2", "2.".
_WORDED_NUMBER = re.compile(r"(?:(?:action|a)\s*)?(?:(?:no|number)\s*\.?|#)?\s*(\d+)\s*\.?", re.I)


def _number(value: object) -> int | None:
    """The action number in the No. column, or None for a row the manager added without one
    (blank, "NEW", "-") or numbered as a step of another ("1.1", "1a"): qaf numbers only whole
    actions."""
    text = _text(value)
    worded = _WORDED_NUMBER.fullmatch(text)
    if worded:
        return int(worded[1])
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _table(sheet: Any, header: int) -> list[tuple[object, ...]]:
    """What a sheet's actions table holds, from its header row down, to compare two copies by."""
    rows = sheet.iter_rows(min_row=header, values_only=True)
    return [tuple(_text(v) for v in row) for row in rows if any(_text(v) for v in row)]


def _tracker_sheet(sheets: list[Any], path: Path) -> Any:
    """The sheet holding the actions table: a manager may add sheets of their own, even in front.
    A copy of the actions sheet (last month's, kept by Excel's Move or Copy in front of the one
    updated) that says something else is refused naming both: qaf cannot tell which is current."""
    tables = [(s, h) for s in sheets if (h := find_actions_header(s)) is not None]
    if not tables:
        return sheets[0]
    first, header = tables[0]
    others = [s for s, h in tables[1:] if _table(s, h) != _table(first, header)]
    if others:
        names = [first.title] + [s.title for s in others]
        count = "two" if len(names) == 2 else str(len(names))
        listed = ", ".join(f"'{n}'" for n in names[:-1]) + f" and '{names[-1]}'"
        raise SubmissionError(
            f"The actions table is on {count} sheets, {listed}, and they say different things, "
            "so qaf cannot tell which one is up to date.",
            path=path,
            what_to_do="Keep the actions table on one sheet, with every update in it: delete "
            "the other copies (or move them into another workbook), save, and drop the tracker "
            "in the inbox again.",
        )
    return first


def read_tracker(
    path: Path, limits: Limits = DEFAULT_LIMITS, *, received_on: date | None = None
) -> TrackerForm:
    """Read a returned action tracker; problems come back as findings naming row and column.

    A completion or sign-off date after ``received_on`` (the day the tracker arrived) is an error.
    A row without an action number (blank, "NEW") is an action the manager added: it is numbered
    after the tracker's other actions, wherever the row was inserted.
    """
    # Formulas are never evaluated or trusted: a formula typed in a text column ("=cmd|…") is kept
    # as the literal text the person typed, one in a date column is an error naming the cell.
    # Opened as a file, not by name: a tracker someone renamed (".docx") is still the workbook.
    with path.open("rb") as handle:
        wb = load_workbook(handle, data_only=False)
    sheet = _tracker_sheet(wb.worksheets, path)
    visible_ref = visible_case = None
    for row in sheet.iter_rows(min_row=1, max_row=12, max_col=2, values_only=True):
        if _text(row[0]).lower() == "audit reference":
            visible_ref = _text(row[1])
        elif _text(row[0]).lower() == "case id":
            visible_case = _text(row[1])
    with Package(path, limits) as package:
        identity = read_identity(package, visible_ref, visible_case_id=visible_case)
        saved = saved_at(package)
    findings: list[Finding] = []
    header = find_actions_header(sheet)
    if header is None:
        raise SubmissionError(
            "The actions table's header row (No. | Action | Owner | …) is missing from the "
            "tracker, so its actions cannot be read.",
            path=path,
            what_to_do="Ask the manager to update the tracker qaf issued for this audit without "
            "deleting its header row, and drop that copy in the inbox.",
        )
    heads = next(sheet.iter_rows(min_row=header, max_row=header, values_only=True))
    at, missing = column_positions(heads)
    if missing:
        raise SubmissionError(
            f"The actions table has no column headed {' or '.join(repr(m) for m in missing)} "
            "(it was deleted or renamed), so its actions cannot be read safely.",
            path=path,
            what_to_do="Put the column back with its heading as qaf issued it (columns may be "
            "hidden, moved or added, not deleted or renamed), or update a fresh copy of the "
            "tracker, and drop it in the inbox.",
        )
    width = max(at.values()) + 1
    # The columns read, by their 1-based position in this sheet, named as qaf names them.
    read_at = {i + 1: HEADERS[c - 1] for c, i in at.items()}
    merges = find_merges(sheet, header, heads, read_at)
    merged, hidden = merges.filled, merges.hidden
    merged_into: dict[tuple[int, str], str] = {}
    over = {(r, read_at[c]): rows for (r, c), rows in merges.over.items() if c in read_at}
    rows: list[TrackerRow] = []
    excel_rows: list[int] = []
    due_words: dict[int, str] = {}
    unnumbered: list[int] = []  # positions in ``rows`` of rows added without a number
    numbered_by_qaf: dict[int, str] = {}
    for excel_row, cells in enumerate(
        sheet.iter_rows(min_row=header + 1, max_col=width, values_only=True), start=header + 1
    ):
        values = (list(cells) + [None] * width)[:width]
        if not any(_text(values[at[c]]) for c in _CONTENT if c in at):
            continue  # a blank row, also one beside a block merged down from a row above
        if merged:
            values = [merged.get((excel_row, i), v) for i, v in enumerate(values, start=1)]
        number, description, owner, due, status, done, evidence, signer, signed = (
            values[at[c]] if c in at else None for c in _READ
        )
        where_row = f"Row {excel_row}"
        hid = {
            read_at[c]: into for (r, c), into in hidden.items() if r == excel_row and c in read_at
        }
        merged_into.update({(excel_row, column): into for column, into in hid.items()})
        num = _number(number)
        if (excel_row, "Action") in over:  # action 1's wording shown beside action 2
            what = f"action {num}'s wording" if num else "this row's action"
            findings.append(merged_over(excel_row, "Action", over[(excel_row, "Action")], what))
        elif (excel_row, "Action") in merged_into:
            findings.append(merged_away(where_row, "Action", merged_into[(excel_row, "Action")]))
        elif not _text(description):
            findings.append(
                Finding(
                    "error",
                    f"{where_row}: Action",
                    "the row has no action",
                    "Type the action back in, or clear the row if it was added by mistake.",
                )
            )
        status_text = _text(status)
        # Read as status_words' table says: "Completed.", "WIP" and "Done - see notes" all count.
        parsed, hint = read_status(status_text)
        # A status qaf cannot read is the row's one reason: the checks of a completion date and
        # a sign-off against the status would say it "is Not started", which nobody wrote.
        understood = parsed is not None
        # A cell of the manager's hidden under the one to its left is the row's one reason too.
        merged_findings = hidden_update_findings(
            excel_row, hid, None if "Status" in hid else parsed, _text(signer)
        )
        findings += merged_findings
        if errors(merged_findings):
            understood = False
        elif parsed is None:
            findings.append(
                Finding(
                    "error",
                    f"{where_row}: Status",
                    f"'{status_text}' is not a status{hint}",
                    f"Choose one of: {', '.join(STATUSES)}.",
                )
            )
        parsed = parsed or "Not started"
        # Action 1's completion date merged down beside action 2, not done: the row's one reason.
        shown = {"Completion date": done, HEADERS[Column.SIGNED_OFF_BY - 1]: signer}
        shown["Signed off on"] = signed
        shared = understood and merged_onto_not_done(excel_row, over, parsed, shown)
        if shared:
            findings.append(shared)
            understood = False
        before = len(findings)
        completed_on = _cell_date(done, f"{where_row}: Completion date", findings, received_on)
        if len(findings) > before and understood and parsed != "Completed":
            findings[-1] = replace(findings[-1], what_to_do=_NOT_DONE_YET)
        if understood:
            findings += _completion_findings(
                parsed, status_text, completed_on, where_row, done, _text(evidence)
            )
        if _text(due).casefold().rstrip(".!") in VAGUE_DATES:
            due_words[excel_row], due = _text(due), None
        if num is None:
            unnumbered.append(len(rows))
            numbered_by_qaf[excel_row] = _text(number)
        rows.append(
            TrackerRow(
                number=num or 0,
                description=_text(description),
                owner=_text(owner),
                due_on=_cell_date(due, f"{where_row}: Due date", findings),
                status=parsed,
                completed_on=completed_on,
                evidence=str(evidence or "").strip(),
                signed_off_by=_text(signer),
                signed_off_on=_cell_date(
                    signed, f"{where_row}: Signed off on", findings, received_on
                ),
            )
        )
        excel_rows.append(excel_row)
        if understood:
            findings += _sign_off_findings(rows[-1], where_row)
    last = max((r.number for i, r in enumerate(rows) if i not in unnumbered), default=0)
    for n, i in enumerate(unnumbered, start=last + 1):
        rows[i] = replace(rows[i], number=n)
    numbers = [r.number for r in rows]
    for n in sorted({n for n in numbers if numbers.count(n) > 1}):
        used = [str(x) for x, r in zip(excel_rows, rows, strict=True) if r.number == n]
        findings.append(
            Finding(
                "error",
                "No. column",
                f"action number {n} is used more than once (rows {', '.join(used)})",
                "Give each action its own number; leave No. blank on a row you added.",
            )
        )
    return TrackerForm(
        identity=identity,
        rows=rows,
        findings=findings,
        excel_rows=excel_rows,
        saved_at=saved,
        numbered_by_qaf=numbered_by_qaf,
        merged_into=merged_into,
        merged_over=over,
        due_words=due_words,
    )


_NOT_DONE_YET = (
    "Leave Completion date blank until the action is completed, then type the date like 03/12/2026."
)


def _completion_findings(
    status: str, typed: str, completed_on: date | None, where: str, cell: object, evidence: str
) -> list[Finding]:
    """A completion date belongs to a Completed action: one on an action left blank, Not started
    or In progress would be recorded as not done yet, and the date read as when it was done. A
    Completed action without a completion date or evidence is warned of."""
    if completed_on is not None and status != "Completed":
        shown = f"blank (read as {status})" if not typed else status
        return [
            Finding(
                "error",
                f"{where}: Status",
                f"the action has a completion date ({completed_on:%d/%m/%Y}) but its status is "
                f"{shown}",
                "Choose Completed if the action is done; otherwise clear the Completion date.",
            )
        ]
    found = []
    if status == "Completed" and completed_on is None and not _text(cell):
        found.append(
            Finding(
                "warning",
                f"{where}: Completion date",
                "the action is Completed but has no completion date",
            )
        )
    if status == "Completed" and not evidence.strip():
        found.append(
            Finding(
                "warning",
                f"{where}: Evidence",
                "the action is Completed but no evidence is given of what was done",
                "Say in the Evidence column where it shows (a case note, a plan, a meeting) "
                "when the tracker is next updated.",
            )
        )
    return found


def _sign_off_findings(row: TrackerRow, where: str) -> list[Finding]:
    """A sign-off belongs to a completed action, on or after its completion."""
    if not row.signed_off_by and row.signed_off_on is None:
        return []
    if row.status != "Completed":
        return [
            Finding(
                "error",
                f"{where}: Signed off by",
                f"the action is signed off but its status is {row.status}",
                "Sign an action off only once it is Completed.",
            )
        ]
    if row.completed_on and row.signed_off_on and row.signed_off_on < row.completed_on:
        return [
            Finding(
                "error",
                f"{where}: Signed off on",
                f"{row.signed_off_on:%d/%m/%Y} is before the action was completed on "
                f"{row.completed_on:%d/%m/%Y}",
                "Give the date you signed the action off.",
            )
        ]
    if not row.signed_off_by:
        return [
            Finding(
                "error",
                f"{where}: Signed off by",
                "a sign-off date is given without the manager's name",
                "Type the name of the manager who signed the action off.",
            )
        ]
    if row.signed_off_on is None:  # it counts (the name signs it off), but a sign-off is dated
        return [
            Finding(
                "warning",
                f"{where}: Signed off on",
                "the action is signed off without a date",
                "Type the date it was signed off, like 03/12/2026, when the tracker is next "
                "updated.",
            )
        ]
    return []
