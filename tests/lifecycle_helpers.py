"""Shared steps of the lifecycle tests: return a form or tracker as people would, read the outcome."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from conftest import (
    TODAY,
    complete_form,
    drop,
    libreoffice_resave,
    pack_docx,
    pack_xlsx,
    plan_audits,
)
from openpyxl import load_workbook

from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Outcome, ingest_inbox
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord, TrackerRow
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

INADEQUATE = "Inadequate"


def run(ws: Workspace) -> list[Outcome]:
    return ingest_inbox(ws, settle_s=0.05)


def set_cell(sheet: object, row: int, column: int, value: object) -> None:
    """Type ``value`` into a cell of an openpyxl sheet, as a manager would."""
    sheet.cell(row=row, column=column).value = value  # type: ignore[attr-defined]


def current_actions(ws: Workspace, ref: str) -> list[TrackerRow]:
    """The actions the register holds now for audit ``ref``."""
    with open_register(ws) as register:
        return register.current_actions(ref)


def tracker_note(ws: Workspace) -> str:
    """The rejection note beside ``tracker.xlsx``, on one line."""
    return " ".join(note_beside(ws, "tracker.xlsx").split())


def note_beside(ws: Workspace, name: str) -> str:
    return (ws.rejected / f"{name}.rejected.txt").read_text(encoding="utf-8")


def return_form(
    ws: Workspace,
    audit: AuditRecord,
    framework: Framework,
    name: str = "form.docx",
    moderated: str | None = None,
    **kw: object,
) -> Outcome:
    """Fill the audit's pack validly (``kw`` as ``complete_form`` takes), moderated to the grade
    ``moderated`` when given, drop it and ingest it."""
    form = complete_form(pack_docx(ws, audit), framework, **kw)  # type: ignore[arg-type]
    if moderated:
        form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", moderated)
        form.text("qaf_moderation_reason", "Moderated.").pick_date("qaf_moderation_date", TODAY)
    form.save()
    drop(pack_docx(ws, audit), ws.inbox, name)
    [outcome] = run(ws)
    return outcome


#: Who saved the manager's tracker last: Excel (as openpyxl writes it) or LibreOffice Calc.
SAVED_BY = ["openpyxl", pytest.param("LibreOffice", marks=pytest.mark.libreoffice)]


def edit_tracker(
    ws: Workspace, audit: AuditRecord, edit: object, saved_by: str = "openpyxl"
) -> Path:
    """Open the audit's re-issued tracker, let ``edit(sheet, first_row)`` change it, drop it;
    ``saved_by="LibreOffice"`` has Calc open the edited copy and save it again first."""
    path = pack_xlsx(ws, audit)
    wb = load_workbook(path)
    sheet = wb.worksheets[0]
    edit(sheet, find_actions_header(sheet) + 1)  # type: ignore[operator]
    wb.save(path)
    if saved_by == "LibreOffice":
        path = libreoffice_resave(path, ws.root / "calc")
    return drop(path, ws.inbox, "tracker.xlsx")


def complete_all(sheet: object, first: int, sign: bool = True) -> None:
    row = first
    while sheet.cell(row=row, column=Column.DESCRIPTION).value:  # type: ignore[attr-defined]
        sheet.cell(row=row, column=Column.STATUS, value="Completed")  # type: ignore[attr-defined]
        sheet.cell(row=row, column=Column.COMPLETED, value=TODAY)  # type: ignore[attr-defined]
        if sign:
            sheet.cell(row=row, column=Column.SIGNED_OFF_BY, value="T. Manager")  # type: ignore[attr-defined]
            sheet.cell(row=row, column=Column.SIGNED_OFF_ON, value=TODAY)  # type: ignore[attr-defined]
        row += 1


def statuses(ws: Workspace, ref: str) -> list[tuple[str, str | None]]:
    with open_register(ws) as register:
        return [(e.event, e.to_status) for e in register.events(ref)]


def moderate(ws: Workspace, audit: AuditRecord, framework: Framework, to: str, why: str) -> None:
    form = complete_form(pack_docx(ws, audit), framework, grade="Requires improvement to be good")
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", to)
    form.text("qaf_moderation_reason", why).pick_date("qaf_moderation_date", TODAY).save()
    drop(pack_docx(ws, audit), ws.inbox, f"{audit.audit_ref}.docx")
    assert [o.result for o in run(ws)] == ["accepted"]


def last_reason(ws: Workspace, ref: str) -> str:
    with open_register(ws) as register:
        return register.events(ref)[-1].reason


def reaudit(ws: Workspace, register: Register) -> list[AuditRecord]:
    plan_audits(register, ws, 1, round_kind="reaudit")
    generate_packs(ws, register)
    return [a for a in register.audits() if "reaudit" in a.round_id and a.status == "issued"]


def saved(path: Path, when: datetime | None) -> Path:
    """Rewrite the file's last-saved time as Word or Excel does when it saves (None: remove it)."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    core = parts["docProps/core.xml"].decode("utf-8")
    found = r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)"
    # Only the time changes: the element keeps the namespaces openpyxl declares on it.
    new = rf"\g<1>{when:%Y-%m-%dT%H:%M:%SZ}\g<2>" if when else ""
    core = re.sub(found, new, core)
    parts["docProps/core.xml"] = core.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path
