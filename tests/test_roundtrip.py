"""The round trip a QA team relies on: generate → fill as Word would → ingest → export equals what was filled."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
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

from qaf_docs.demo.filling import FormFiller
from qaf_docs.frameworks import load_framework, preset_names
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.office.action_sheet import find_actions_header
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.reports.export import export_json
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

GRADES = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]


def _fill_varied(path: Path, framework_id: str) -> dict[str, object]:
    """Fill a form with different values in every field; return what a person chose."""
    fw = load_framework(framework_id)
    f = FormFiller(path)
    f.pick_date("qaf_audit_date", TODAY).tick("qaf_practitioner_present")
    chosen: dict[str, object] = {"domains": []}
    for i, d in enumerate(fw.domains):
        grade = GRADES[i % 4]
        rationale = f"{d.title}: evidence line one & <two>\nline two for {d.key}"
        f.choose(f"qaf_grade_{d.key}", grade).text(f"qaf_rationale_{d.key}", rationale)
        chosen["domains"].append({"domain": d.title, "grade": grade, "rationale": rationale})  # type: ignore[union-attr]
    f.choose("qaf_overall_grade", "Inadequate").text(
        "qaf_overall_rationale", "Overall: risk not assessed."
    )
    actions = [
        ("Update the chronology", "Team manager", TODAY + timedelta(days=7)),
        ("See the child alone", "Social worker", TODAY + timedelta(days=14)),
    ]
    for n, (what, who, due) in enumerate(actions, start=1):
        f.text(f"qaf_action_{n}", what).text(f"qaf_action_{n}_owner", who).pick_date(
            f"qaf_action_{n}_due", due
        )
    f.add_action_row(
        "Added row: convene a strategy discussion",
        "Service manager",
        (TODAY + timedelta(days=3)).strftime("%d/%m/%Y"),
    )
    actions.append(
        ("Added row: convene a strategy discussion", "Service manager", TODAY + timedelta(days=3))
    )
    f.save()
    chosen["overall_grade"] = "Inadequate"
    chosen["actions"] = [
        {
            "description": w,
            "owner": o,
            "due_on": d.isoformat(),
            "status": "Not started",
            "completed_on": None,
        }
        for w, o, d in actions
    ]
    return chosen


def _ingest_and_export(ws: Workspace, path: Path) -> dict[str, object]:
    drop(path, ws.inbox, "completed form.docx")
    outcomes = ingest_inbox(ws, settle_s=0.05)
    assert [o.result for o in outcomes] == ["accepted"], [
        f.line() for o in outcomes for f in o.findings
    ]
    with open_register(ws) as register:
        audits = json.loads(export_json(register))["audits"]
    returned = [a for a in audits if a["overall_grade"]]
    assert len(returned) == 1
    return returned[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize("preset", preset_names())
def test_what_was_filled_in_word_is_what_is_exported(
    tmp_path: Path, preset: str, make_workspace: Callable[..., Workspace]
) -> None:
    ws = make_workspace(tmp_path / preset, framework=preset)
    with open_register(ws) as register:
        plan_audits(register, ws, 1)
        generate_packs(ws, register)
        audit = register.audits()[0]
    chosen = _fill_varied(pack_docx(ws, audit), preset)
    exported = _ingest_and_export(ws, pack_docx(ws, audit))
    assert exported["domains"] == chosen["domains"]
    assert exported["overall_grade"] == chosen["overall_grade"]
    assert exported["actions"] == chosen["actions"]
    assert exported["status"] == "returned"
    assert exported["returned_on"] == TODAY.isoformat()


@pytest.mark.libreoffice
def test_a_form_resaved_by_libreoffice_reads_back_the_same(
    workspace: Workspace, issued: list, tmp_path: Path
) -> None:
    source = pack_docx(workspace, issued[0])
    chosen = _fill_varied(source, "collaborative-audit")
    resaved = libreoffice_resave(source, tmp_path / "lo")
    # LibreOffice really did drop the tags: the reader must have found fields another way.
    assert b"w:tag" not in _document_xml(resaved)
    exported = _ingest_and_export(workspace, resaved)
    assert exported["domains"] == chosen["domains"]
    assert exported["overall_grade"] == chosen["overall_grade"]
    assert exported["actions"] == chosen["actions"]


@pytest.mark.libreoffice
def test_a_tracker_resaved_by_libreoffice_updates_action_status(
    workspace: Workspace, issued: list, tmp_path: Path
) -> None:
    complete_form(pack_docx(workspace, issued[0]), workspace.load_framework()).save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox)
    ingest_inbox(workspace, settle_s=0.05)
    tracker = pack_xlsx(workspace, issued[0])
    wb = load_workbook(tracker)
    ws = wb.worksheets[0]
    row = find_actions_header(ws) + 1
    ws.cell(row=row, column=5, value="Completed")
    ws.cell(row=row, column=6, value=TODAY)
    ws.cell(row=row, column=7, value="Chronology updated, seen on file")
    wb.save(tracker)
    resaved = libreoffice_resave(tracker, tmp_path / "lo")
    drop(resaved, workspace.inbox, "tracker back.xlsx")
    assert [o.result for o in ingest_inbox(workspace, settle_s=0.05)] == ["accepted"]
    with open_register(workspace) as register:
        first = register.current_actions(issued[0].audit_ref)[0]
    assert (first.status, first.completed_on, first.evidence) == (
        "Completed",
        TODAY,
        "Chronology updated, seen on file",
    )


def _document_xml(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")
