"""The round trip a QA team relies on: generate → fill as Word would → ingest → export equals what was filled."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from importlib import resources
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
from qaf_docs.frameworks import Framework, preset_names
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.office.action_sheet import find_actions_header
from qaf_docs.office.field_names import AGENCY_PARTS, MISSING_HISTORY, agency_field, section_field
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.reports.export import export_json
from qaf_docs.workspace import Workspace, init_workspace

pytestmark = pytest.mark.both_backends

GRADES = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]


def _fill_varied(path: Path, fw: Framework) -> dict[str, object]:
    """Fill a form with different values in every field; return what a person chose."""
    f = FormFiller(path)
    f.pick_date("qaf_audit_date", TODAY).tick("qaf_practitioner_present")
    chosen: dict[str, object] = {"domains": []}
    for i, d in enumerate(fw.domains):
        grade = GRADES[i % 4]
        if i == 1 and fw.scale.not_applicable:
            grade = "Not applicable"
        rationale = f"{d.title}: evidence line one & <two>\nline two for {d.key}"
        f.choose(f"qaf_grade_{d.key}", grade).text(f"qaf_rationale_{d.key}", rationale)
        listed = fw.domain(d.key).indicators
        texts = [t for g in fw.scale.grades for t in listed.get(g, [])]
        # Tick the first and the last indicator (they are in different grade columns).
        ticked = sorted({0, len(texts) - 1}) if texts else []
        for n in ticked:
            f.tick(f"qaf_ind_{d.key}_{n + 1}")
        chosen["domains"].append(  # type: ignore[union-attr]
            {
                "domain": d.title,
                "grade": grade,
                "rationale": rationale,
                "indicators": [texts[n] for n in ticked],
                "moderated_grade": None,
            }
        )
    sections = {}
    for name in fw.sections.enabled():
        if name in ("agency_contributions", "moderation"):
            continue
        sections[name] = f"{fw.sections.title(name)}: what we found\nand a second line"
        f.text(section_field(name), sections[name])
    chosen["sections"] = sections
    agencies = []
    if fw.sections.agency_contributions:
        slots = len(fw.agencies.default) + 2
        # The first default agency, and a blank slot the auditor names themself.
        for n, name in ((1, fw.agencies.default[0]), (slots, "Youth Offending Service")):
            if n == slots:
                f.text(agency_field(n, "name"), name)
            parts = [f"Lead of {name}", f"{name} contributed\nthis", f"{name} learned that"]
            for part, value in zip(("lead", "contribution", "finding"), parts, strict=True):
                f.text(agency_field(n, part), value)
            agencies.append(dict(zip(AGENCY_PARTS, (name, *parts), strict=True)))
    chosen["agencies"] = [
        {"agency" if k == "name" else k: v for k, v in a.items()} for a in agencies
    ]
    if fw.sections.missing_historical_information:
        f.tick(MISSING_HISTORY)
        chosen["missing_historical_information"] = True
    else:
        chosen["missing_historical_information"] = None
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
            "evidence": "",
            "overdue": False,
            "immediate": False,
            "success_criteria": "",
            "impact_on_child": "",
            "signed_off_by": "",
            "signed_off_on": None,
        }
        for w, o, d in actions
    ]
    return chosen


def _assert_same(exported: dict[str, object], chosen: dict[str, object]) -> None:
    for key in (
        "domains",
        "sections",
        "agencies",
        "missing_historical_information",
        "overall_grade",
        "actions",
    ):
        assert exported[key] == chosen[key], key


def _workspace(
    root: Path,
    preset: str,
    *,
    not_applicable: bool = False,
    make: Callable[..., Workspace] = init_workspace,
) -> Workspace:
    """A workspace on ``preset`` (``make``: the back end's ``make_workspace``, or SQLite)."""
    if not not_applicable:
        return make(root, framework=preset)
    # A council's copy of the preset that allows "Not applicable".
    root.mkdir(parents=True)
    text = (resources.files("qaf_docs") / "presets" / f"{preset}.toml").read_text("utf-8")
    assert "not_applicable = false" in text
    (root / "our-audit.toml").write_text(
        text.replace("not_applicable = false", "not_applicable = true"), "utf-8"
    )
    return make(root, framework="our-audit.toml")


def _issue_one(ws: Workspace) -> tuple[Workspace, Path, Framework]:
    with open_register(ws) as register:
        plan_audits(register, ws, 1)
        generate_packs(ws, register)
        audit = register.audits()[0]
    return ws, pack_docx(ws, audit), ws.load_framework()


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
    ws, source, fw = _issue_one(_workspace(tmp_path / preset, preset, make=make_workspace))
    chosen = _fill_varied(source, fw)
    exported = _ingest_and_export(ws, source)
    _assert_same(exported, chosen)
    assert exported["status"] == "returned"
    assert exported["returned_on"] == TODAY.isoformat()


@pytest.mark.libreoffice
@pytest.mark.parametrize("preset", preset_names())
def test_a_form_resaved_by_libreoffice_reads_back_the_same(tmp_path: Path, preset: str) -> None:
    ws, source, fw = _issue_one(_workspace(tmp_path / preset, preset))
    chosen = _fill_varied(source, fw)
    resaved = libreoffice_resave(source, tmp_path / "lo")
    # LibreOffice really did drop the tags: the reader must have found fields another way.
    assert b"w:tag" not in _document_xml(resaved)
    _assert_same(_ingest_and_export(ws, resaved), chosen)


@pytest.mark.parametrize("resave", [False, pytest.param(True, marks=pytest.mark.libreoffice)])
def test_not_applicable_is_read_back_where_the_framework_allows_it(
    tmp_path: Path, resave: bool
) -> None:
    ws, source, fw = _issue_one(
        _workspace(tmp_path / "ws", "collaborative-audit", not_applicable=True)
    )
    chosen = _fill_varied(source, fw)
    assert chosen["domains"][1]["grade"] == "Not applicable"  # type: ignore[index]
    form = libreoffice_resave(source, tmp_path / "lo") if resave else source
    _assert_same(_ingest_and_export(ws, form), chosen)


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
