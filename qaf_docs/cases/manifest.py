"""Write a round's manifest (``outbox/samples/<round>.xlsx``) and prove it can be drawn again.

The manifest is what the QA lead prints and files: a "Round" page (what was drawn, the rules in
plain English, counts by team and auditor), an "Audits" sheet (case, team, worker, auditor, due
date, how each case was chosen and its status), "Unallocated", "Excluded" and "Import warnings"
sheets with reasons, and a "Changes" sheet once the round is changed. A hidden "_record" sheet
keeps the exact rules, roster, audit history and the random draw as JSON, so
:mod:`~qaf_docs.cases.verification` can re-draw the round from the case list alone.

Text that a user typed (team, worker and auditor names) is always stored as text, never a formula.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qaf_docs.cases.case import RowProblem
from qaf_docs.cases.plan import AuditHistory, RoundPlan, RoundSpec
from qaf_docs.cases.roster import Auditor
from qaf_docs.cases.rule_text import rule_sentences
from qaf_docs.errors import SamplingError
from qaf_docs.office.printing import fit_row_height, fit_to_page
from qaf_docs.records import case_type_words
from qaf_docs.safe_output import write_cell
from qaf_docs.workspace import ROUND_KIND_WORDS

__all__ = ["read_manifest_record", "safe_cell", "write_manifest"]

RECORD_SHEET = "_record"
RECORD_TITLE = "qaf_docs round manifest"
_CHUNK = 30_000  # Excel keeps at most 32,767 characters in a cell
_DATE_FORMAT = "dd/mm/yyyy"
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def safe_cell(cell: object, value: object) -> None:
    """Put ``value`` in an openpyxl cell; text beginning = + - @ stays text, never a formula."""
    write_cell(cell, value, date_format=_DATE_FORMAT)


def _table(sheet: object, top: int, header: Sequence[str], rows: Sequence[Sequence[object]]) -> int:
    """Write a header (bold, shaded) and rows starting at row ``top``; return the next free row."""
    for c, title in enumerate(header, start=1):
        cell = sheet.cell(row=top, column=c)  # type: ignore[attr-defined]
        safe_cell(cell, title)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    top_aligned = Alignment(vertical="top")  # a wrapped neighbour must not pull values down
    for r, values in enumerate(rows, start=top + 1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c)  # type: ignore[attr-defined]
            safe_cell(cell, value)
            cell.alignment = top_aligned
    return top + len(rows) + 1


def list_sheet(
    wb: openpyxl.Workbook,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    index: int | None = None,
) -> None:
    """Add a printable list sheet: bold header repeated on each page, filter, fitted widths."""
    sheet = wb.create_sheet(title, index)
    _table(sheet, 1, header, rows)
    sheet.freeze_panes = "A2"
    fit_to_page(sheet, landscape=True)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(rows)) + 1}"
    _fit_widths(sheet, header, rows)


def _fit_widths(sheet: object, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    for c, title in enumerate(header, start=1):
        longest = len(title)
        for values in rows[:2000]:
            value = values[c - 1] if c - 1 < len(values) else ""
            longest = max(longest, 10 if isinstance(value, date) else len(str(value or "")))
        width = min(60, max(8, longest + 2))
        sheet.column_dimensions[get_column_letter(c)].width = width  # type: ignore[attr-defined]
        if longest + 2 > width:
            # Long text wraps inside its column rather than running over the next one in print.
            for r, values in enumerate(rows[:2000], start=2):
                text = str(values[c - 1] if c - 1 < len(values) else "")
                cell = sheet.cell(row=r, column=c)  # type: ignore[attr-defined]
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if len(text) > width:
                    fit_row_height(sheet, r, {c: text})


_SETTING_HINT = re.compile(r"\s*\([^()]*\[sampling\][^()]*\)")

AUDIT_HEADER = [
    "Audit ref", "Case ID", "Case type", "Team", "Worker", "Auditor", "Auditor email",
    "Auditor role", "Due date", "From list", "Restricted", "How chosen", "Status",
]  # fmt: skip
DRAWN = "at random"
#: Why the round's own draw took each case where it took every case due, not a random draw
#: (``qaf round show`` says the same); a re-audit is due after an Inadequate grade.
DRAWN_BY_KIND = {"reaudit": "re-audit due", "closure": "closed, due its closure audit"}


def how_drawn(kind: str) -> str:
    """The "How chosen" of a case a round of ``kind`` drew (not added or swapped in by hand)."""
    return DRAWN_BY_KIND.get(kind, DRAWN)


def by_the_draw(how: str) -> bool:
    """True when a "How chosen" says the round's own draw took the case, whatever its kind (a
    manifest written before rounds said why reads "at random" throughout)."""
    return how == DRAWN or how in DRAWN_BY_KIND.values()


def write_manifest(
    plan: RoundPlan,
    path: Path,
    *,
    problems: Sequence[RowProblem] = (),
    refs: Mapping[str, str] | None = None,
) -> None:
    """Write ``plan`` as the round's manifest workbook at ``path`` (folders are created).

    ``problems`` are the case list's import warnings, all listed; ``refs`` maps case id to the
    audit reference the register gave it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    refs = refs or {}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _round_sheet(wb, plan, problems)
    audits = [
        [
            refs.get(a.case.case_id, ""),
            a.case.case_id,
            case_type_words(a.case.case_type.value),
            a.case.team or "",
            a.case.worker or "",
            a.auditor.name if a.auditor else "(unallocated)",
            a.auditor.email if a.auditor else "",
            a.auditor.role if a.auditor else "",
            a.due_on,
            ", ".join(a.case.sources),
            "yes" if a.case.restricted else "",
            how_drawn(plan.kind),
            "allocated" if a.auditor else "not allocated",
        ]
        for a in plan.audits
    ]
    list_sheet(wb, "Audits", AUDIT_HEADER, audits)
    list_sheet(
        wb,
        "Unallocated",
        ["Case ID", "Case type", "Team", "Worker", "Reason"],
        [
            [c.case_id, case_type_words(c.case_type.value), c.team or "", c.worker or "", reason]
            for c, reason in plan.unallocated
        ],
    )
    list_sheet(wb, "Excluded", ["Case ID", "Reason"], [list(e) for e in plan.excluded])
    list_sheet(
        wb,
        "Import warnings",
        ["Sheet", "Row", "Column", "Problem", "Kept?"],
        [
            [
                p.sheet,
                p.row,
                p.column or "",
                p.reason,
                "rejected" if p.severity == "error" else "kept",
            ]
            for p in problems
        ],
    )
    drawn: list[list[object]] = [
        [a.case.case_id, a.auditor.name if a.auditor else None] for a in plan.audits
    ]
    _record_sheet(wb, plan, drawn)
    wb.active = 0
    wb.properties.title = f"Sampling round {plan.round_id}"
    wb.properties.creator = "qaf_docs"
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)


def _round_sheet(wb: openpyxl.Workbook, plan: RoundPlan, problems: Sequence[RowProblem]) -> None:
    """One printed page: what the round is, its counts, its rules in plain English."""
    sheet = wb.create_sheet("Round")
    # Widths first: row heights for wrapped text are worked out from them.
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 62
    spec = RoundSpec.from_rules(plan.rules["spec"])  # type: ignore[arg-type]
    allocated = sum(1 for a in plan.audits if a.auditor)
    errors = sum(1 for p in problems if p.severity == "error")
    facts: list[list[object]] = [
        ["Round", plan.round_id],
        ["Kind of round", ROUND_KIND_WORDS.get(plan.kind, plan.kind)],
        ["Drawn on", plan.planned_on],
        ["Seed", plan.seed],
        ["Case list", str(plan.rules.get("case_list", ""))],
        ["Case list fingerprint (SHA-256)", f"{plan.input_sha256[:32]}\n{plan.input_sha256[32:]}"],
        ["Children on the list", plan.rules.get("children_on_list", "")],
        ["Eligible for this round", plan.rules.get("eligible", "")],
        ["Left out (see Excluded)", len(plan.excluded)],
        ["Cases drawn", len(plan.audits)],
        ["Allocated to an auditor", allocated],
        ["Not allocated (see Unallocated)", len(plan.unallocated)],
        [
            "Import warnings (see Import warnings)",
            f"{len(problems) - errors} value(s) kept with a warning, {errors} row(s) rejected",
        ],
    ]
    row = _pairs(sheet, 1, "About this round", facts)
    row = _pairs(
        sheet,
        row + 1,
        "Rules",
        [[f"{i}.", t] for i, t in enumerate(rule_sentences(spec, plan.rules), 1)],
    )
    if plan.warnings:
        # The page is for people: the settings to change are named on screen, not on paper.
        notes = [_SETTING_HINT.sub("", w) for w in plan.warnings]
        row = _pairs(sheet, row + 1, "Notes", [["•", w] for w in notes])
    for title, key in (
        ("Cases by team", "team"),
        ("Cases by case type", "case_type"),
        ("Cases by auditor", "auditor"),
    ):
        counts = plan.counts_by(key)  # type: ignore[arg-type]
        words = case_type_words if key == "case_type" else str
        row = _pairs(sheet, row + 1, title, [[words(k), v] for k, v in counts.items()])
    fit_to_page(sheet, landscape=False, title_rows=None)


def _pairs(sheet: Any, top: int, title: str, rows: Sequence[Sequence[object]]) -> int:
    """Write a titled block of label/value rows, values wrapped beside their labels."""
    cell = sheet.cell(row=top, column=1)
    safe_cell(cell, title)
    cell.font = Font(bold=True, size=12)
    for r, (label, value) in enumerate(rows, start=top + 1):
        left, right = sheet.cell(row=r, column=1), sheet.cell(row=r, column=2)
        safe_cell(left, label)
        safe_cell(right, value)
        left.font = Font(bold=True)
        left.alignment = Alignment(vertical="top", wrap_text=True)
        right.alignment = Alignment(vertical="top", wrap_text=True, horizontal="left")
        fit_row_height(sheet, r, {1: str(label), 2: str(value)})
    return top + len(rows) + 1


def _record_sheet(wb: openpyxl.Workbook, plan: RoundPlan, drawn: list[list[object]]) -> None:
    sheet = wb.create_sheet(RECORD_SHEET)
    sheet.sheet_state = "hidden"
    record = {
        "rules": plan.rules,
        "roster": [
            {
                "name": a.name,
                "email": a.email,
                "role": a.role,
                "team": a.team,
                "monthly_capacity": a.monthly_capacity,
                **({"also_teams": list(a.also_teams)} if a.also_teams else {}),
            }
            for a in plan.roster
        ],
        "history": plan.history.to_json(),
        "drawn": drawn,
        "changes": [],
    }
    safe_cell(sheet.cell(row=1, column=1), RECORD_TITLE)
    write_record(sheet, record)


def write_record(sheet: Any, record: Mapping[str, object]) -> None:
    """Write the hidden record's keys and JSON values (split into cells Excel can hold)."""
    for r, (key, value) in enumerate(record.items(), start=2):
        text = json.dumps(value, sort_keys=True)
        safe_cell(sheet.cell(row=r, column=1), key)
        for i in range(0, max(1, len(text)), _CHUNK):
            safe_cell(sheet.cell(row=r, column=2 + i // _CHUNK), text[i : i + _CHUNK])


@dataclass
class ManifestRecord:
    """What a manifest recorded: the rules, the roster and history used, and the audits it lists."""

    rules: dict[str, object]
    roster: list[Auditor]
    history: AuditHistory
    audits: list[tuple[str, str | None]] = field(default_factory=list)
    changes: list[dict[str, str]] = field(default_factory=list)
    listed: list[tuple[str, str | None, str, str]] = field(default_factory=list)


def read_manifest_record(path: Path) -> ManifestRecord:
    """Read the hidden record and the Audits sheet of a manifest from :func:`write_manifest`."""
    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise SamplingError(f"Manifest {path} does not exist.") from None
    except Exception as e:
        raise SamplingError(
            f"{path.name} is not a qaf sampling manifest (not a workbook qaf can open); verify "
            "the manifest qaf wrote to outbox/samples/."
        ) from e
    try:
        if RECORD_SHEET not in wb.sheetnames or "Audits" not in wb.sheetnames:
            raise SamplingError(
                f"{path.name} is not a qaf sampling manifest (it has no round record); verify the "
                "file qaf wrote to outbox/samples/."
            )
        rows = list(wb[RECORD_SHEET].iter_rows(values_only=True))
        if not rows or rows[0][0] != RECORD_TITLE:
            raise SamplingError(f"{path.name} has a damaged round record; it cannot be verified.")
        data: dict[str, object] = {}
        for row in rows[1:]:
            if row and row[0]:
                data[str(row[0])] = json.loads("".join(str(v) for v in row[1:] if v is not None))
        listed = _listed(list(wb["Audits"].iter_rows(values_only=True)))
        drawn = data.get("drawn")
        if isinstance(drawn, list):
            # The random draw as first recorded: later changes to the round do not alter it.
            audits = [(str(c), None if a is None else str(a)) for c, a in drawn]
        else:  # a manifest written before changes were recorded: its Audits sheet is the draw
            audits = [(case, auditor) for case, auditor, _, _ in listed]
    except (ValueError, KeyError, TypeError) as e:
        # The parser's words ("Expecting property name …") mean nothing to the person: say what
        # happened and what to use instead.
        raise SamplingError(
            f"{path.name} has a damaged round record (the hidden sheet qaf keeps it on was edited); "
            "verify an unedited copy of the manifest qaf wrote to outbox/samples/."
        ) from e
    finally:
        wb.close()
    rules = data.get("rules")
    changes = data.get("changes") or []
    if not isinstance(changes, list):
        raise SamplingError(f"{path.name} has a damaged round record.")
    roster = data.get("roster") or []
    history = data.get("history") or {}
    if not isinstance(rules, dict) or not isinstance(roster, list) or not isinstance(history, dict):
        raise SamplingError(f"{path.name} has a damaged round record.")
    return ManifestRecord(
        rules=rules,
        roster=[
            Auditor(
                str(a["name"]),
                str(a["email"]),
                str(a["role"]),
                None if a.get("team") is None else str(a["team"]),
                int(a["monthly_capacity"]),
                tuple(str(t) for t in a.get("also_teams") or ()),
            )
            for a in roster
        ],
        history=AuditHistory.from_json(history),
        audits=audits,
        changes=[c for c in changes if isinstance(c, dict)],
        listed=listed,
    )


def _listed(rows: list[tuple[Any, ...]]) -> list[tuple[str, str | None, str, str]]:
    """Return (case, auditor, how chosen, status) for each row of the visible Audits sheet."""
    header = [str(h) for h in rows[0]] if rows else []

    def at(name: str, default: int | None) -> int | None:
        return header.index(name) if name in header else default

    case_at, auditor_at = at("Case ID", 0), at("Auditor", 4)
    how_at, status_at = at("How chosen", None), at("Status", None)
    out: list[tuple[str, str | None, str, str]] = []
    for row in rows[1:]:
        if not row or case_at is None or row[case_at] is None:
            continue
        auditor = row[auditor_at] if auditor_at is not None and len(row) > auditor_at else None
        how = row[how_at] if how_at is not None and len(row) > how_at else None
        status = row[status_at] if status_at is not None and len(row) > status_at else None
        out.append(
            (
                str(row[case_at]),
                None if auditor in (None, "", "(unallocated)") else str(auditor),
                str(how or DRAWN),
                str(status or ""),
            )
        )
    return out
