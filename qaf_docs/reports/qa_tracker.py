"""The QA team's consolidated tracker workbook, rebuilt from the register after each burst of files."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qaf_docs.frameworks import Framework, load_framework
from qaf_docs.office.printing import fit_row_height, fit_to_page
from qaf_docs.records import AuditResult
from qaf_docs.register.store import Register
from qaf_docs.safe_output import atomic_write, write_cell
from qaf_docs.workspace import Workspace

NAVY = "1F3A5F"
INADEQUATE_TARGET = 0.10
_GRADE_FILLS = {0: "C6EFCE", 1: "E2EFDA", 2: "FFEB9C", 3: "F8CBAD"}


def _sheet(wb: Workbook, title: str, headers: list[str], widths: list[int]) -> Worksheet:
    sheet = wb.create_sheet(title)
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=1, column=col, value=text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=NAVY)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _put(sheet: Worksheet, row: int, values: list[Any]) -> None:
    for col, value in enumerate(values, start=1):
        write_cell(sheet.cell(row=row, column=col), value)  # user text is never a formula


def _finish(sheet: Worksheet) -> None:
    fit_to_page(sheet, landscape=True)
    if sheet.max_row > 1:
        sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"


def build_tracker(workspace: Workspace, register: Register, today: date | None = None) -> Path:
    """Write ``outbox/QA_tracker.xlsx`` from the register; return where it went (a dated copy if locked)."""
    today = today or date.today()
    snapshot = register.results()
    settings = workspace.load_settings()
    framework = load_framework(settings.framework, base=workspace.root)
    # Each audit is judged by its own round's framework (a workspace may run several).
    frameworks = {settings.framework: framework}
    for fid in sorted({a.framework_id for a in snapshot} - frameworks.keys()):
        frameworks[fid] = load_framework(fid, base=workspace.root)
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb, snapshot, frameworks, settings.council_name, today)
    _audits(wb, snapshot, framework)
    _actions(wb, snapshot, today)
    _warnings(wb, snapshot)
    _indicators(wb, snapshot)
    return atomic_write(workspace.tracker_path, lambda tmp: wb.save(tmp))


def _summary(
    wb: Workbook,
    snapshot: list[AuditResult],
    frameworks: dict[str, Framework],
    council: str,
    today: date,
) -> None:
    framework = next(iter(frameworks.values()))  # the default: its scale orders the grade counts
    sheet = wb.create_sheet("Summary")
    sheet.column_dimensions["A"].width = 46
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 14
    sheet["A1"] = f"{council}: case file audit tracker"
    sheet["A1"].font = Font(bold=True, size=14, color=NAVY)
    sheet["A2"] = f"Built {today:%d/%m/%Y} from the register (latest return of each audit)."
    sheet["A2"].font = Font(italic=True, color="595959")
    returned = [a for a in snapshot if a.overall_grade]
    final = [a.moderated_grade or a.overall_grade for a in returned]
    good_flags = [
        a.final_grade in frameworks[a.framework_id].scale.good_or_better for a in returned
    ]
    inadequate_flags = [
        a.final_grade == frameworks[a.framework_id].scale.inadequate for a in returned
    ]
    actions = [x for a in snapshot for x in a.actions]
    rows: list[tuple[str, Any, Any]] = [
        ("How much did we do", None, None),
        ("Audits planned", len(snapshot), None),
        ("Audits returned", len(returned), None),
        ("Completion against plan", len(returned) / len(snapshot) if snapshot else None, None),
        ("Actions agreed", len(actions), None),
        ("How well did we do it", None, None),
        ("Good or better", sum(good_flags) / len(final) if final else None, None),
        (
            "Inadequate (target 10% or less)",
            sum(inadequate_flags) / len(final) if final else None,
            None,
        ),
        (
            "Grades changed at moderation",
            sum(1 for a in returned if a.moderated_grade and a.moderated_grade != a.overall_grade),
            None,
        ),
        ("Is anyone better off", None, None),
        (
            "Actions completed",
            sum(x.status == "Completed" for x in actions) / len(actions) if actions else None,
            None,
        ),
    ]
    r = 4
    for label, value, _ in rows:
        sheet.cell(row=r, column=1, value=label)
        if value is None and label[0].isupper() and label.split()[0] in ("How", "Is"):
            sheet.cell(row=r, column=1).font = Font(bold=True, color=NAVY)
        else:
            cell = sheet.cell(row=r, column=2, value=value if value is not None else "n/a")
            if isinstance(value, float):
                cell.number_format = "0%"
        r += 1
    r += 1
    sheet.cell(row=r, column=1, value="Overall grades (after moderation)").font = Font(
        bold=True, color=NAVY
    )
    counts = Counter(final)
    grades = [*framework.scale.grades]
    grades += [g for fw in frameworks.values() for g in fw.scale.grades if g not in grades]
    for i, grade in enumerate(grades):
        r += 1
        sheet.cell(row=r, column=1, value=grade).fill = PatternFill(
            "solid", fgColor=_GRADE_FILLS.get(i, "FFFFFF")
        )
        sheet.cell(row=r, column=2, value=counts.get(grade, 0))
    fit_to_page(sheet, landscape=False, title_rows=None)


def _audits(wb: Workbook, snapshot: list[AuditResult], framework: Framework) -> None:
    titles: list[str] = [d.title for d in framework.domains]
    for a in snapshot:
        for d in a.domains:
            if d.domain not in titles:
                titles.append(d.domain)
    headers = [
        "Audit ref", "Round", "Case ID", "Team", "Worker", "Auditor", "Status", "Issued", "Due",
        "Returned", "Audit date", "Overall grade", "Moderated grade", *titles,
    ]  # fmt: skip
    sheet = _sheet(
        wb,
        "Audits",
        headers,
        [13, 20, 11, 24, 18, 18, 11, 11, 11, 11, 11, 18, 18] + [16] * len(titles),
    )
    scale = framework.scale.grades
    for r, a in enumerate(snapshot, start=2):
        grades = {d.domain: d.grade for d in a.domains}
        values = [
            a.audit_ref, a.round_id, a.case_id, a.team or "", a.worker or "", a.auditor or "",
            a.status, a.issued_on, a.due_on, a.returned_on, a.audit_date,
            a.overall_grade or "", a.moderated_grade or "", *[grades.get(t) or "" for t in titles],
        ]  # fmt: skip
        _put(sheet, r, values)
        for col in range(12, len(values) + 1):
            value = sheet.cell(row=r, column=col).value
            if value in scale:
                sheet.cell(row=r, column=col).fill = PatternFill(
                    "solid", fgColor=_GRADE_FILLS.get(scale.index(value), "FFFFFF")
                )
    _finish(sheet)


def _actions(wb: Workbook, snapshot: list[AuditResult], today: date) -> None:
    headers = [
        "Audit ref",
        "Case ID",
        "Team",
        "No.",
        "Action",
        "Owner",
        "Due",
        "Status",
        "Completed on",
        "Overdue",
    ]
    sheet = _sheet(wb, "Actions", headers, [13, 11, 24, 6, 50, 20, 11, 13, 13, 9])
    r = 2
    for a in snapshot:
        for n, x in enumerate(a.actions, start=1):
            due = x.due_on
            overdue = bool(due and due < today and x.status != "Completed")
            _put(
                sheet,
                r,
                [
                    a.audit_ref,
                    a.case_id,
                    a.team or "",
                    n,
                    x.description,
                    x.owner,
                    due,
                    x.status,
                    x.completed_on,
                    "Overdue" if overdue else "",
                ],
            )
            sheet.cell(row=r, column=5).alignment = Alignment(wrap_text=True, vertical="top")
            fit_row_height(sheet, r, {5: x.description})
            if overdue:
                sheet.cell(row=r, column=10).fill = PatternFill("solid", fgColor="F8CBAD")
            r += 1
    _finish(sheet)


def _warnings(wb: Workbook, snapshot: list[AuditResult]) -> None:
    sheet = _sheet(wb, "Warnings", ["Audit ref", "Case ID", "Warning"], [13, 11, 90])
    r = 2
    for a in snapshot:
        for w in a.warnings:
            _put(sheet, r, [a.audit_ref, a.case_id, w])
            r += 1
    _finish(sheet)


def _indicators(wb: Workbook, snapshot: list[AuditResult]) -> None:
    """How often each indicator was ticked in the latest returns, most frequent first."""
    counts = Counter((d.domain, text) for a in snapshot for d in a.domains for text in d.indicators)
    sheet = _sheet(wb, "Indicators", ["Practice area", "Indicator", "Times ticked"], [30, 70, 13])
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    for r, ((domain, text), n) in enumerate(ranked, start=2):
        _put(sheet, r, [domain, text, n])
    _finish(sheet)
