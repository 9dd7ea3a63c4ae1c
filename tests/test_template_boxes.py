"""A council's audit tool template must keep every box its framework's forms need (issue 21).

A template without the overall grade, the actions table, a section's box or the moderation fields
made forms nobody could complete: every one came back and was refused, blaming the auditor. Now
``qaf generate`` (and ``--moderation``) refuses such a template up front, naming each missing box in
the form's words, and writes nothing. The boxes it asks for are the ones the reader needs: the last
tests here check that list against what reading and validating a returned form really do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY, complete_form, edit_template_body, pack_docx, plan_audits
from lifecycle_helpers import return_form
from lxml import etree

from qaf_docs.demo.filling import FormFiller
from qaf_docs.errors import TemplateError
from qaf_docs.frameworks import Framework
from qaf_docs.office.field_names import ACTIONS_TABLE, agency_field, needed_boxes
from qaf_docs.packs import audit_tool
from qaf_docs.packs.generate import generate_packs
from qaf_docs.packs.moderation import MODERATION_FOLDER, write_moderation_forms
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.returns.audit_form import read_audit_form
from qaf_docs.returns.validation import validate
from qaf_docs.workspace import AUDIT_TEMPLATE, Workspace

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
PRESETS = [
    "collaborative-audit",
    "live-case-audit",
    "tier-one-manager-audit",
    "independent-cycle-audit",
    "multi-agency-audit",
]


def _text(el: etree._Element) -> str:
    return " ".join("".join(t.text or "" for t in el.iter(f"{W}t")).split())


def delete_blocks(template: Path, first: str, last: str) -> None:
    """Delete the paragraphs and tables from the one starting ``first`` to the next holding ``last``."""

    def edit(body: etree._Element) -> None:
        blocks = list(body)
        start = next(i for i, b in enumerate(blocks) if _text(b).startswith(first))
        end = next(i for i in range(start, len(blocks)) if last in _text(blocks[i]))
        for block in blocks[start : end + 1]:
            body.remove(block)

    edit_template_body(template, edit)


def untagged(template: Path) -> None:
    """The council's old form pasted over the template: its words, none of qaf's tags."""

    def edit(body: etree._Element) -> None:
        for t in body.iter(f"{W}t"):
            if "{" in (t.text or ""):
                t.text = "Write here."

    edit_template_body(template, edit)


def nothing_written(workspace: Workspace, register: Register) -> None:
    assert [p for p in workspace.packs.rglob("*") if p.is_file()] == []
    assert {a.status for a in register.audits()} == {"allocated"}


# -- qaf generate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "named"),
    [
        pytest.param(
            "Overall judgement",
            "Overall rationale",
            ["'Overall grade'", "'Overall rationale'"],
            id="overall-judgement",
        ),
        # The section, both its tables (with and without the Immediate column) and their switch.
        pytest.param("SMART actions", "{%p endif %}", ["'SMART actions'"], id="actions"),
        pytest.param(
            "{{r s.box }}",
            "{{r s.box }}",
            ["'Voice of the child'", "'Practitioner self assessment'"],
            id="section-boxes",
        ),
        pytest.param(
            "{%p if sections.moderation %}",
            "{%p endif %}",
            ["'Moderator'", "'Moderated grade'", "'Reason for change'", "'Date moderated'"],
            id="moderation",
        ),
        pytest.param(
            "What good looks like",
            "{{r d.rationale }}",
            ["'Assessment: grade'", "'Assessment: rationale'", "'Review: grade'"],
            id="practice-areas",
        ),
    ],
)
def test_a_template_without_a_box_the_forms_need_is_refused_naming_it_and_nothing_is_written(
    workspace: Workspace, register: Register, first: str, last: str, named: list[str]
) -> None:
    delete_blocks(workspace.templates / AUDIT_TEMPLATE, first, last)
    plan_audits(register, workspace, 2)
    with pytest.raises(TemplateError) as caught:
        generate_packs(workspace, register)
    message = str(caught.value)
    for label in named:
        assert f"{label}" in message
    assert "has no box for" in message and "bundled template" in message
    assert "--restore-templates" in message and "Nothing was written" in message
    nothing_written(workspace, register)


def test_the_message_names_only_the_boxes_that_are_missing(
    workspace: Workspace, register: Register
) -> None:
    delete_blocks(workspace.templates / AUDIT_TEMPLATE, "Overall judgement", "Overall rationale")
    plan_audits(register, workspace, 1)
    with pytest.raises(TemplateError) as caught:
        generate_packs(workspace, register)
    message = str(caught.value)
    assert "no box for 'Overall grade' or 'Overall rationale', so" in message
    assert "Restore them from the bundled template" in message


def test_a_template_with_no_tags_at_all_is_refused_as_an_old_form(
    workspace: Workspace, register: Register
) -> None:
    untagged(workspace.templates / AUDIT_TEMPLATE)
    plan_audits(register, workspace, 2)
    with pytest.raises(TemplateError, match="none of the boxes qaf fills in and reads back"):
        generate_packs(workspace, register)
    nothing_written(workspace, register)


def test_a_tag_that_lost_a_brace_is_refused_before_it_prints_on_every_form(
    workspace: Workspace, register: Register
) -> None:
    # "case_id }}" (its opening braces lost) is no tag: it printed as typed on every form.
    def edit(body: etree._Element) -> None:
        t = next(t for t in body.iter(f"{W}t") if (t.text or "").startswith("How to complete"))
        t.text = "How to complete this audit for case case_id }}"

    edit_template_body(workspace.templates / AUDIT_TEMPLATE, edit)
    plan_audits(register, workspace, 2)
    with pytest.raises(TemplateError) as caught:
        generate_packs(workspace, register)
    message = str(caught.value)
    assert "“How to complete this audit for case case_id }}”" in message
    assert "still shows '}}'" in message and "Nothing was written" in message
    nothing_written(workspace, register)


def test_a_framework_without_moderation_does_not_need_the_moderation_block(
    tmp_path: Path, make_workspace: Callable[..., Workspace]
) -> None:
    ws = make_workspace(tmp_path / "ws", framework="multi-agency-audit")
    assert not ws.load_framework().sections.moderation
    delete_blocks(ws.templates / AUDIT_TEMPLATE, "{%p if sections.moderation %}", "{%p endif %}")
    with open_register(ws) as register:
        plan_audits(register, ws, 2)
        assert len(generate_packs(ws, register)) == 2


def test_the_template_is_checked_once_per_run_not_once_per_pack(
    workspace: Workspace, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    check = audit_tool.AuditToolWriter.check

    def counted(self: audit_tool.AuditToolWriter, *args: object, **kw: object) -> None:
        calls.append("check")
        check(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(audit_tool.AuditToolWriter, "check", counted)
    plan_audits(register, workspace, 5)
    assert len(generate_packs(workspace, register)) == 5
    assert calls == ["check"]


# -- qaf generate --moderation --------------------------------------------------------------------


def test_moderation_forms_are_refused_when_the_template_has_no_moderation_block(
    workspace: Workspace, register: Register, framework: Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Packs issued by an older qaf, which did not check the template.
    delete_blocks(
        workspace.templates / AUDIT_TEMPLATE, "{%p if sections.moderation %}", "{%p endif %}"
    )
    monkeypatch.setattr(audit_tool.AuditToolWriter, "check", lambda *a, **k: None)
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    assert return_form(workspace, audit, framework, grade="Inadequate").result == "accepted"
    monkeypatch.undo()
    with pytest.raises(TemplateError) as caught:
        write_moderation_forms(workspace, register, [audit.audit_ref])
    message = str(caught.value)
    assert "'Moderator', 'Moderated grade', 'Reason for change', 'Date moderated'" in message
    assert not (workspace.outbox / MODERATION_FOLDER).exists() or not any(
        (workspace.outbox / MODERATION_FOLDER).iterdir()
    )


# -- the list of boxes is the reader's --------------------------------------------------------------


def _controls(root: etree._Element) -> dict[str, etree._Element]:
    found = {}
    for sdt in root.iter(f"{W}sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag")
        if tag is not None:
            found.setdefault(str(tag.get(f"{W}val")), sdt)
    return found


def _fill_everything(filler: FormFiller, framework: Framework) -> None:
    """Give every needed box an answer (complete_form does the required ones)."""
    controls = _controls(filler.root)
    for box in needed_boxes(framework):
        name = next((n for n in box.names if n in controls), None)
        done = ("qaf_grade_", "qaf_rationale_", "qaf_overall_", "qaf_audit_date", "qaf_action_")
        if name is None or name.startswith(done) or name == "qaf_voice_of_child":
            continue
        props = controls[name].find(f"{W}sdtPr")
        assert props is not None
        if props.find(f"{W}date") is not None:
            filler.pick_date(name, TODAY)
        elif props.find(f"{W14}checkbox") is not None:
            filler.tick(name)
        elif props.find(f"{W}dropDownList") is not None:
            filler.choose(name, "Good")
        else:
            filler.text(name, f"Written in {box.label}.")
    if framework.sections.agency_contributions:  # an agency's section counts once written in
        filler.text(agency_field(1, "contribution"), "Shared the health visitor's notes.")


def _read(path: Path, framework: Framework, workspace: Workspace) -> tuple[str, list[str]]:
    form = read_audit_form(path, framework)
    rules = workspace.load_settings().validation
    findings = form.findings + validate(form, framework, rules, received_on=TODAY)
    return form.answers_digest(), sorted(f"{f.severity} {f.where}: {f.message}" for f in findings)


def _without(source: Path, out: Path, names: tuple[str, ...]) -> Path:
    """A copy of the filled form with the boxes ``names`` deleted (the actions table: whole)."""
    filler = FormFiller(source)
    if ACTIONS_TABLE in names:
        mark = next(m for m in filler.root.iter(f"{W}bookmarkStart") if m.get(f"{W}name") in names)
        table = list(mark.iterancestors(f"{W}tbl"))[-1]
        table.getparent().remove(table)
    for sdt in list(filler.root.iter(f"{W}sdt")):
        tag = sdt.find(f"{W}sdtPr/{W}tag")
        if tag is not None and tag.get(f"{W}val") in names and sdt.getparent() is not None:
            sdt.getparent().remove(sdt)
    # The bookmark around each box goes with it (LibreOffice finds a box by it).
    ids = set()
    for mark in list(filler.root.iter(f"{W}bookmarkStart")):
        if mark.get(f"{W}name") in names:
            ids.add(mark.get(f"{W}id"))
            mark.getparent().remove(mark)
    for end in list(filler.root.iter(f"{W}bookmarkEnd")):
        if end.get(f"{W}id") in ids:
            end.getparent().remove(end)
    return filler.save(out)


@pytest.mark.parametrize("preset", PRESETS)
def test_every_box_listed_is_one_the_reader_needs_and_the_bundled_template_has_them_all(
    tmp_path: Path, make_workspace: Callable[..., Workspace], preset: str
) -> None:
    ws = make_workspace(tmp_path / "ws", framework=preset)
    framework = ws.load_framework()
    with open_register(ws) as register:
        plan_audits(register, ws, 1)
        generate_packs(ws, register)  # the bundled template passes the check
        [audit] = register.audits()
    filled = complete_form(pack_docx(ws, audit), framework)
    _fill_everything(filled, framework)
    filled.save()
    source = pack_docx(ws, audit)
    controls = _controls(FormFiller(source).root)
    baseline = _read(source, framework, ws)
    assert [f for f in baseline[1] if f.startswith("error")] == []
    for box in needed_boxes(framework):
        # The label is the title Word shows on the box (the writer's), where there is a box.
        shown = [
            controls[n].find(f"{W}sdtPr/{W}alias").get(f"{W}val")  # type: ignore[union-attr]
            for n in box.names
            if n in controls and n.startswith(("qaf_grade", "qaf_rationale", "qaf_moder"))
        ]
        assert all(label == box.label for label in shown), (box, shown)
        # Without it, what is read back changes: an answer is lost, or the form is refused.
        without = _without(source, tmp_path / "without.docx", box.names)
        assert _read(without, framework, ws) != baseline, box.label


@pytest.mark.parametrize("preset", ["collaborative-audit", "multi-agency-audit"])
def test_a_box_not_listed_is_one_a_form_can_lose_without_being_refused(
    tmp_path: Path, make_workspace: Callable[..., Workspace], preset: str
) -> None:
    ws = make_workspace(tmp_path / "ws", framework=preset)
    framework = ws.load_framework()
    with open_register(ws) as register:
        plan_audits(register, ws, 1)
        generate_packs(ws, register)
        [audit] = register.audits()
    complete_form(pack_docx(ws, audit), framework).save()
    source = pack_docx(ws, audit)
    listed = {n for box in needed_boxes(framework) for n in box.names}
    # The actions table's cells are the 'SMART actions' box: rows come and go as people edit.
    controls = _controls(FormFiller(source).root)
    others = [n for n in controls if n not in listed and not n.startswith("qaf_action_")]
    assert others  # indicators, the concern box, the other action cells ...
    for name in others:
        without = _without(source, tmp_path / "without.docx", (name,))
        errors = [f for f in _read(without, framework, ws)[1] if f.startswith("error")]
        assert errors == [], (name, errors)
