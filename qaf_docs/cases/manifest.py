"""Write a round's manifest (``outbox/samples/<round>.xlsx``) and prove it can be drawn again.

The manifest is what the QA lead sends out: an "Audits" sheet (case, team, worker, auditor, due
date),
"Unallocated" and "Excluded" sheets with reasons, and a "Round" sheet with the seed, the rules, the
input hash and counts by team and case type. A hidden "_record" sheet keeps the exact rules, roster
and audit history as JSON, so :func:`verify_manifest` can re-draw the round from the case list alone
and say in plain English whether, and why not, it comes out the same.

Text that a user typed (team, worker and auditor names) is always stored as text, never a formula.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.columns import ColumnMapping
from qaf_docs.cases.plan import AuditHistory, RoundPlan, RoundSpec
from qaf_docs.cases.roster import Auditor, read_roster
from qaf_docs.cases.sampling import plan_round, roster_sha256
from qaf_docs.errors import CaseListError, SamplingError
from qaf_docs.office.printing import fit_to_page
from qaf_docs.safe_output import write_cell

__all__ = ["VerifyResult", "read_manifest_record", "safe_cell", "verify_manifest", "write_manifest"]

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
    for r, values in enumerate(rows, start=top + 1):
        for c, value in enumerate(values, start=1):
            safe_cell(sheet.cell(row=r, column=c), value)  # type: ignore[attr-defined]
    return top + len(rows) + 1


def _list_sheet(
    wb: openpyxl.Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    sheet = wb.create_sheet(title)
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


def write_manifest(plan: RoundPlan, path: Path) -> None:
    """Write ``plan`` as the round's manifest workbook at ``path`` (folders are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    audits = [
        [
            a.case.case_id,
            a.case.case_type.value,
            a.case.team or "",
            a.case.worker or "",
            a.auditor.name if a.auditor else "(unallocated)",
            a.auditor.email if a.auditor else "",
            a.auditor.role if a.auditor else "",
            a.due_on,
            ", ".join(a.case.sources),
            "yes" if a.case.restricted else "",
        ]
        for a in plan.audits
    ]
    _list_sheet(
        wb,
        "Audits",
        [
            "Case ID", "Case type", "Team", "Worker", "Auditor", "Auditor email", "Auditor role",
            "Due date", "From list", "Restricted",
        ],
        audits,
    )  # fmt: skip
    _list_sheet(
        wb,
        "Unallocated",
        ["Case ID", "Case type", "Team", "Worker", "Reason"],
        [
            [c.case_id, c.case_type.value, c.team or "", c.worker or "", reason]
            for c, reason in plan.unallocated
        ],
    )
    _list_sheet(wb, "Excluded", ["Case ID", "Reason"], [list(e) for e in plan.excluded])
    _round_sheet(wb, plan)
    _record_sheet(wb, plan)
    wb.active = 0
    wb.properties.title = f"Sampling round {plan.round_id}"
    wb.properties.creator = "qaf_docs"
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)


def _round_sheet(wb: openpyxl.Workbook, plan: RoundPlan) -> None:
    sheet = wb.create_sheet("Round")
    spec = plan.rules.get("spec", {})
    assert isinstance(spec, dict)
    allocated = sum(1 for a in plan.audits if a.auditor)
    facts: list[list[object]] = [
        ["Round", plan.round_id],
        ["Kind", plan.kind],
        ["Seed", plan.seed],
        ["Planned on", plan.planned_on],
        ["Case list", str(plan.rules.get("case_list", ""))],
        ["Input SHA-256", plan.input_sha256],
        ["Cases sampled", len(plan.audits)],
        ["Allocated", allocated],
        ["Unallocated", len(plan.unallocated)],
        ["Excluded", len(plan.excluded)],
        ["Eligible cases", plan.rules.get("eligible", "")],
        ["Recent-audit exclusion (months)", plan.rules.get("exclusion_months_applied", "")],
        ["Return within (days)", plan.rules.get("return_days", "")],
    ]
    for key, value in spec.items():
        if key in {"kind", "seed"} or value in (None, [], {}, False):
            continue
        shown = (
            ", ".join(f"{k}: {v}" for k, v in value.items())
            if isinstance(value, dict)
            else ", ".join(str(v) for v in value)
            if isinstance(value, list)
            else value
        )
        facts.append([f"Rule: {key}", shown])
    facts.append(["Rules (JSON)", json.dumps(plan.rules, sort_keys=True)])
    row = _table(sheet, 1, ["Item", "Value"], facts) + 1
    if plan.warnings:
        row = _table(sheet, row, ["Warnings"], [[w] for w in plan.warnings]) + 1
    teams = plan.counts_by("team")
    row = _table(sheet, row, ["Team", "Cases"], [[k, v] for k, v in teams.items()]) + 1
    types = plan.counts_by("case_type")
    row = _table(sheet, row, ["Case type", "Cases"], [[k, v] for k, v in types.items()]) + 1
    auditors = plan.counts_by("auditor")
    _table(sheet, row, ["Auditor", "Cases"], [[k, v] for k, v in auditors.items()])
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 80
    for cells in sheet.iter_rows(min_col=2, max_col=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=False, vertical="top")
    sheet.freeze_panes = "A2"


def _record_sheet(wb: openpyxl.Workbook, plan: RoundPlan) -> None:
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
            }
            for a in plan.roster
        ],
        "history": plan.history.to_json(),
    }
    safe_cell(sheet.cell(row=1, column=1), RECORD_TITLE)
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


def read_manifest_record(path: Path) -> ManifestRecord:
    """Read the hidden record and the Audits sheet of a manifest from :func:`write_manifest`."""
    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise SamplingError(f"Manifest {path} does not exist.") from None
    except Exception as e:
        raise SamplingError(f"Manifest {path.name} cannot be opened ({type(e).__name__}).") from e
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
        audits: list[tuple[str, str | None]] = []
        for row in list(wb["Audits"].iter_rows(values_only=True))[1:]:
            if row and row[0] is not None:
                auditor = row[4] if len(row) > 4 else None
                audits.append(
                    (
                        str(row[0]),
                        None if auditor in (None, "", "(unallocated)") else str(auditor),
                    )
                )
    except (ValueError, KeyError, TypeError) as e:
        raise SamplingError(f"{path.name} has a damaged round record ({e}).") from e
    finally:
        wb.close()
    rules = data.get("rules")
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
            )
            for a in roster
        ],
        history=AuditHistory.from_json(history),
        audits=audits,
    )


@dataclass
class VerifyResult:
    """The outcome of re-drawing a round: whether it matched, and a plain-English explanation."""

    ok: bool
    same_input: bool
    differences: list[str]
    explanation: str

    def __bool__(self) -> bool:
        """Return True when the round was reproduced exactly."""
        return self.ok


def verify_manifest(
    manifest: Path,
    case_list: Path,
    roster: Path | None = None,
    history: AuditHistory | None = None,
    *,
    mapping: ColumnMapping | None = None,
    sheets: Sequence[str] | None = None,
) -> VerifyResult:
    """Re-draw the round recorded in ``manifest`` from ``case_list`` and compare with what it lists.

    The roster and audit history recorded in the manifest are used unless ``roster``/``history``
    are given, in which case they are compared with the recorded ones and used instead.
    """
    record = read_manifest_record(manifest)
    rules = record.rules
    spec_data = rules.get("spec")
    if not isinstance(spec_data, dict):
        raise SamplingError(f"{Path(manifest).name} records no round rules; it cannot be verified.")
    spec = RoundSpec.from_rules(spec_data)
    planned_on = date.fromisoformat(str(rules["planned_on"]))
    differences: list[str] = []
    notes: list[str] = []

    try:
        cases = read_case_list(Path(case_list), mapping=mapping, sheets=sheets, today=planned_on)
    except CaseListError as e:
        return VerifyResult(False, False, [str(e)], f"The case list cannot be read: {e}")
    recorded_sha = str(rules.get("input_sha256", ""))
    same_input = cases.input_sha256 == recorded_sha
    if not same_input:
        if cases.content_sha256() == rules.get("cases_sha256"):
            notes.append(
                "The case list file is not byte-for-byte the one recorded (perhaps re-saved), but "
                "it holds the same cases."
            )
        else:
            differences.append(
                f"The case list is not the one this round was drawn from: its SHA-256 is "
                f"{cases.input_sha256[:12]}…, the manifest records {recorded_sha[:12]}…."
            )

    auditors = record.roster
    if roster is not None:
        auditors = read_roster(Path(roster))
        if roster_sha256(auditors) != rules.get("roster_sha256"):
            differences.append(
                _roster_difference(record.roster, auditors)
                + " The round was re-drawn with the roster you gave."
            )
    used_history = record.history
    if history is not None:
        if history.sha256() != rules.get("history_sha256"):
            differences.append(
                "The audit history you gave differs from the one recorded when the round was drawn "
                "(audits registered since change exclusions); the round was re-drawn with yours."
            )
        used_history = history

    load = rules.get("auditor_load") or {}
    assert isinstance(load, Mapping)
    try:
        again = plan_round(
            cases,
            auditors,
            spec,
            round_id=str(rules.get("round_id", "round")),
            history=used_history,
            today=planned_on,
            return_days=int(str(rules.get("return_days", 20))),
            auditor_load={str(k): int(v) for k, v in load.items()},
        )
    except SamplingError as e:
        differences.append(f"The round cannot be drawn again from this input: {e}")
        return _result(False, same_input, differences, notes, spec, 0)

    listed = dict(record.audits)
    drawn = {a.case.case_id: (a.auditor.name if a.auditor else None) for a in again.audits}
    missing = sorted(set(listed) - set(drawn))
    extra = sorted(set(drawn) - set(listed))
    if missing:
        differences.append(
            f"{len(missing)} case(s) in the manifest were not drawn again: {_few(missing)}."
        )
    if extra:
        differences.append(
            f"{len(extra)} case(s) were drawn that the manifest does not list: {_few(extra)}."
        )
    moved = sorted(k for k in set(listed) & set(drawn) if listed[k] != drawn[k])
    if moved:
        differences.append(
            f"{len(moved)} case(s) went to a different auditor than the manifest says: "
            f"{_few(moved)}."
        )
    reproduced = not (missing or extra or moved)
    return _result(reproduced and not differences, same_input, differences, notes, spec, len(drawn))


def _few(ids: Sequence[str], limit: int = 8) -> str:
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _roster_difference(recorded: Sequence[Auditor], given: Sequence[Auditor]) -> str:
    before = {a.name for a in recorded}
    after = {a.name for a in given}
    parts = []
    if after - before:
        parts.append(f"added {_few(sorted(after - before), 4)}")
    if before - after:
        parts.append(f"removed {_few(sorted(before - after), 4)}")
    changed = sorted(a.name for a in given if a.name in before and a not in set(recorded))
    if changed:
        parts.append(f"changed {_few(changed, 4)}")
    return "The roster differs from the one recorded (" + ("; ".join(parts) or "reordered") + ")."


def _result(
    ok: bool,
    same_input: bool,
    differences: list[str],
    notes: list[str],
    spec: RoundSpec,
    n: int,
) -> VerifyResult:
    if ok:
        text = (
            f"Reproduced: re-drawing the {spec.kind} round from seed {spec.seed} gives the same "
            f"{n} case(s) and auditors as the manifest."
        )
        if notes:
            text += " " + " ".join(notes)
        elif same_input:
            text += " The case list is the one recorded (same SHA-256)."
    else:
        text = "Not reproduced. " + " ".join(differences)
        if notes:
            text += " " + " ".join(notes)
    return VerifyResult(ok, same_input, differences, text)
