"""West Sussex's type of moderation, asked in the audit tool's moderation section.

The seed: "There are two types of moderation, reflective moderation and a monthly group moderators'
meeting"; Step 6, "Moderation meeting with auditor and practitioner or group moderation". The
moderator chooses the type in the form; qaf reads it back (from Word, and from a copy LibreOffice
saved again, which drops the boxes' tags), records it as the audit's moderation kind and shows it in
the QA tracker's Moderation sheet and the export.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from conftest import (
    TODAY,
    complete_form,
    drop,
    edit_template_body,
    libreoffice_resave,
    pack_docx,
    plan_audits,
)
from lifecycle_helpers import run
from lxml import etree
from openpyxl import load_workbook
from test_framework_seeds import SEEDS

from qaf_docs.frameworks import Framework
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.store import Register
from qaf_docs.reports.export import export_json
from qaf_docs.reports.qa_tracker import build_tracker
from qaf_docs.returns.audit_form import read_audit_form, read_document_xml
from qaf_docs.returns.validation import validate
from qaf_docs.workspace import ValidationRules, Workspace

SEED = SEEDS / "003_40601b0ddcb97fb1.txt"  # the seeds beside the repository (QAF_SEEDS elsewhere)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _moderated(
    ws: Workspace, register: Register, framework: Framework, kind: str, tmp: Path, resave: bool
) -> str:
    [ref] = plan_audits(register, ws, 1)
    generate_packs(ws, register)
    audit = register.audit(ref)
    form = complete_form(pack_docx(ws, audit), framework)  # type: ignore[arg-type]
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", "Good")
    form.pick_date("qaf_moderation_date", TODAY).choose("qaf_moderation_kind", kind).save()
    source = pack_docx(ws, audit)  # type: ignore[arg-type]
    sent = libreoffice_resave(source, tmp / "lo") if resave else source
    if resave:  # LibreOffice dropped the tags: the box is found by its bookmark
        with zipfile.ZipFile(sent) as z:
            assert b"w:tag" not in z.read("word/document.xml")
    drop(sent, ws.inbox, "moderated.docx")
    return ref


@pytest.mark.skipif(not SEED.exists(), reason="the framework seeds are not here")
def test_the_preset_asks_the_type_the_seed_names(
    workspace: Workspace, framework: Framework
) -> None:
    seed = " ".join(SEED.read_text("utf-8").split())
    assert "There are two types of moderation, reflective moderation and a monthly group" in seed
    assert "Step 6 Moderation meeting with auditor and practitioner or group moderation" in seed
    assert framework.moderation.kinds == ["reflective", "group"]


def test_the_moderation_section_offers_the_frameworks_types(
    workspace: Workspace, register: Register
) -> None:
    [ref] = plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    root = read_document_xml(pack_docx(workspace, register.audit(ref)))  # type: ignore[arg-type]
    text = " ".join(root.itertext())
    assert "Type of moderation" in text
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    offered = [
        item.get(f"{w}displayText")
        for sdt in root.iter(f"{w}sdt")
        if any(t.get(f"{w}val") == "qaf_moderation_kind" for t in sdt.iter(f"{w}tag"))
        for item in sdt.iter(f"{w}listItem")
    ]
    assert offered[1:] == ["Reflective moderation", "Group moderation"]


@pytest.mark.parametrize("resave", [False, pytest.param(True, marks=pytest.mark.libreoffice)])
def test_the_type_chosen_is_recorded_and_shown_in_the_tracker_and_export(
    workspace: Workspace, register: Register, framework: Framework, tmp_path: Path, resave: bool
) -> None:
    ref = _moderated(workspace, register, framework, "Group moderation", tmp_path, resave)
    [outcome] = run(workspace)
    assert outcome.result == "accepted", outcome.detail
    assert register.moderation_extras()[ref][0] == "group"
    [item] = json.loads(export_json(register))["audits"]
    assert item["moderation"]["kind"] == "group"
    assert "moderation_kind" not in item["sections"]  # a kind, not a section's text
    sheet = load_workbook(build_tracker(workspace, register, today=TODAY))["Moderation"]
    rows = [[c.value for c in r] for r in sheet.iter_rows() if r[0].value == ref]
    assert rows and rows[0][5] == "group"


def test_a_type_the_framework_does_not_have_is_refused_naming_its_types(
    workspace: Workspace, register: Register, framework: Framework, tmp_path: Path
) -> None:
    _moderated(workspace, register, framework, "Peer moderation", tmp_path, resave=False)
    [outcome] = run(workspace)
    assert outcome.result == "rejected"
    note = (workspace.rejected / "moderated.docx.rejected.txt").read_text("utf-8")
    assert "'Peer moderation' is not a type of moderation this framework has" in note
    assert "Choose one of: Reflective moderation, Group moderation." in note


def test_a_type_chosen_with_no_moderation_is_warned_of_and_not_recorded(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    [ref] = plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    path = pack_docx(workspace, register.audit(ref))  # type: ignore[arg-type]
    complete_form(path, framework).choose("qaf_moderation_kind", "Group moderation").save()
    form = read_audit_form(path, framework)
    found = validate(form, framework, ValidationRules(), received_on=TODAY)
    [said] = [f for f in found if f.where == "Moderation: type of moderation"]
    assert said.severity == "warning" and "so it is not recorded" in said.message
    drop(path, workspace.inbox, "audit.docx")
    [outcome] = run(workspace)
    assert outcome.result == "accepted", outcome.detail
    assert ref not in register.moderation_extras()


def test_an_older_audit_tool_without_the_type_is_told_of_it_and_its_forms_still_read(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    from qaf_docs.office.template_updates import older_template_note

    template = workspace.templates / "audit_tool.docx"

    def drop_type_row(body: etree._Element) -> None:  # the moderation table as it was before
        rows = list(body.iter(f"{W}tr"))
        at = next(i for i, r in enumerate(rows) if "moderation.kind %}" in "".join(r.itertext()))
        for row in rows[at : at + 3]:  # {%tr if moderation.kind %}, the row, {%tr endif %}
            row.getparent().remove(row)

    edit_template_body(template, drop_type_row)
    note = older_template_note(template, workspace.root, "The packs were written from it.")
    assert note is not None
    assert "the type of moderation in the moderation section (reflective or group" in note
    [ref] = plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audit(ref)
    form = complete_form(pack_docx(workspace, audit), framework)  # type: ignore[arg-type]
    form.text("qaf_moderator", "M. Oderator").choose("qaf_moderated_grade", "Good")
    form.pick_date("qaf_moderation_date", TODAY).save()
    drop(pack_docx(workspace, audit), workspace.inbox)  # type: ignore[arg-type]
    [outcome] = run(workspace)
    assert outcome.result == "accepted", outcome.detail
    assert ref not in register.moderation_extras()  # no type given, none recorded
