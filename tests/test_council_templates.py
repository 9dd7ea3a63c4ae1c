"""Edits councils make to their templates in Word, tried against ``qaf generate``.

Each one either generates packs that read back, or stops before any pack is written with a
message naming the template, the tag or paragraph, and what to do. These are the edits that did
neither: they wrote packs every returned form of which was refused, or stopped half-way, or
showed Python's words.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import TODAY, edit_template_body, pack_docx, plan_audits, record_test_round
from lxml import etree
from openpyxl import load_workbook

from qaf_docs.errors import TemplateError
from qaf_docs.office.action_sheet import find_actions_header
from qaf_docs.office.content_controls import W_NS
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import CaseFact, NewAudit
from qaf_docs.register.store import Register
from qaf_docs.workspace import AUDIT_TEMPLATE, Workspace


def rewrite(template: Path, old: str, new: str, part: str = "word/document.xml") -> None:
    """Change the text of one part of the template, as an edit in Word would."""
    tmp = template.with_name(template.name + ".new")
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                text = data.decode("utf-8")
                assert old in text, f"{old!r} is not in {part}"
                data = text.replace(old, new, 1).encode("utf-8")
            dst.writestr(item, data)
    tmp.replace(template)


def refused(workspace: Workspace, register: Register) -> str:
    """Generate, expecting a refusal before any pack is written; return the message."""
    with pytest.raises(TemplateError) as caught:
        generate_packs(workspace, register)
    assert [p for p in workspace.packs.rglob("*") if p.is_file()] == []
    assert {a.status for a in register.audits()} == {"allocated"}
    message = str(caught.value)
    assert AUDIT_TEMPLATE in message
    for python in ("Traceback", "content type", "dict object", "application/vnd"):
        assert python not in message
    return message


def test_an_extra_brace_after_a_tag_is_refused_before_every_form_fails_its_identity_check(
    workspace: Workspace, register: Register
) -> None:
    # It printed "100200}" as the case ID: every returned form was refused as another audit's.
    rewrite(workspace.templates / AUDIT_TEMPLATE, "{{ case_id }}", "{{ case_id }}}")
    plan_audits(register, workspace, 2)
    message = refused(workspace, register)
    assert "the table row “Case ID | {{ case_id }}}” has a '}' that is not part of a tag" in message


def test_a_tag_that_lost_its_last_brace_is_refused_before_it_swallows_the_rows_after_it(
    workspace: Workspace, register: Register
) -> None:
    # "{{ case_id }" read on to the next "}}": the Case ID and Team rows vanished from every form.
    rewrite(workspace.templates / AUDIT_TEMPLATE, "{{ case_id }}", "{{ case_id }")
    plan_audits(register, workspace, 2)
    message = refused(workspace, register)
    assert "“Case ID | {{ case_id }” opens a tag with '{{' that is never closed" in message


def test_a_broken_tag_in_the_case_facts_panel_stops_the_run_before_the_first_pack(
    workspace: Workspace, register: Register
) -> None:
    # The first case had no facts, so the check did not see the panel: the first pack was
    # written, then the run stopped at the second.
    rewrite(workspace.templates / AUDIT_TEMPLATE, "{{ c.flag }}", "{{ c.flagg }}")
    facts = ((), (CaseFact("cp_start", "CP start", "2026-01-02"),))  # the second case's only
    _round_of(register, workspace, [("CP", "Locality 1"), ("CP", "Locality 1")], facts)
    message = refused(workspace, register)
    assert "a tag uses 'flagg'" in message and "{{ c.flagg }}" in message


def test_a_broken_tag_in_the_re_audit_review_is_refused_in_an_ordinary_round(
    workspace: Workspace, register: Register
) -> None:
    rewrite(
        workspace.templates / AUDIT_TEMPLATE,
        "{{ previous.audit_ref }}",
        "{{ previous.audit_reference }}",
    )
    plan_audits(register, workspace, 2)
    assert "a tag uses 'audit_reference'" in refused(workspace, register)


def _round_of(
    register: Register,
    workspace: Workspace,
    cases: list[tuple[str, str]],
    facts: tuple[tuple[CaseFact, ...], ...] = (),
) -> None:
    """Record a round of one audit per (case type, team), in that order, each with its ``facts``."""
    audits = [
        NewAudit(
            case_id=f"10030{i}",
            team=team,
            worker="Worker",
            case_type=case_type,
            auditor="Auditor",
            auditor_email="auditor@council.example",
            due_on=TODAY + timedelta(days=20),
            facts=facts[i] if i < len(facts) else (),
        )
        for i, (case_type, team) in enumerate(cases)
    ]
    record_test_round(register, workspace.load_settings().framework, audits)


def test_a_broken_tag_only_one_case_type_shows_stops_the_run_before_the_first_pack(
    workspace: Workspace, register: Register
) -> None:
    # The check rendered the first case (CIN) only: the run stopped at the first CP case.
    rewrite(
        workspace.templates / AUDIT_TEMPLATE,
        "{{ case_id }}",
        '{{ case_id }}{% if case_type == "CP" %}{{ oops }}{% endif %}',
    )
    _round_of(register, workspace, [("CIN", "Locality 1"), ("CIN", "Locality 1"), ("CP", "L1")])
    message = refused(workspace, register)
    assert "a tag uses 'oops'" in message


def test_a_broken_tag_only_one_team_shows_stops_the_run_before_the_first_pack(
    workspace: Workspace, register: Register
) -> None:
    rewrite(
        workspace.templates / AUDIT_TEMPLATE,
        "{{ case_id }}",
        '{{ case_id }}{% if "North" in team %}{{ oops }}{% endif %}',
    )
    _round_of(register, workspace, [("CP", "South Locality"), ("CP", "North Locality")])
    assert "a tag uses 'oops'" in refused(workspace, register)


def test_a_broken_tag_only_a_case_without_a_team_shows_stops_the_run_before_the_first_pack(
    workspace: Workspace, register: Register
) -> None:
    # A case list may leave a team blank: the part a template shows only then is checked too.
    rewrite(
        workspace.templates / AUDIT_TEMPLATE,
        "{{ case_id }}",
        "{{ case_id }}{% if not team %}{{ oops }}{% endif %}",
    )
    _round_of(register, workspace, [("CP", "South Locality"), ("CP", "North Locality")])
    assert "a tag uses 'oops'" in refused(workspace, register)


def test_a_template_that_branches_on_case_type_and_team_still_writes_every_pack(
    workspace: Workspace, register: Register
) -> None:
    # Checking more audits refuses nothing a good template does.
    rewrite(
        workspace.templates / AUDIT_TEMPLATE,
        "{{ case_id }}",
        '{{ case_id }}{% if case_type == "CP" and "North" in team %} (North CP){% endif %}',
    )
    _round_of(register, workspace, [("CIN", "South"), ("CP", "North"), ("CP", "South")])
    assert len(generate_packs(workspace, register)) == 3
    north_cp = next(a for a in register.audits() if a.team == "North")
    assert "100301 (North CP)" in _body_text(pack_docx(workspace, north_cp))


def _body_text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        return re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))


@pytest.mark.parametrize(
    ("content_type", "said"),
    [
        pytest.param("wordprocessingml.template.main+xml", "a Word Template (.dotx)", id="dotx"),
        pytest.param(
            "ms-word.document.macroEnabled.main+xml", "a macro-enabled document (.docm)", id="docm"
        ),
    ],
)
def test_a_template_saved_in_another_word_format_and_renamed_is_named_in_plain_words(
    workspace: Workspace, register: Register, content_type: str, said: str
) -> None:
    rewrite(
        workspace.templates / AUDIT_TEMPLATE,
        "wordprocessingml.document.main+xml",
        content_type,
        part="[Content_Types].xml",
    )
    plan_audits(register, workspace, 1)
    message = refused(workspace, register)
    assert f"Template audit_tool.docx is {said}" in message
    assert "Save As, choose 'Word Document (.docx)'" in message


def test_an_excel_workbook_in_the_audit_tool_s_place_is_named_as_such(
    workspace: Workspace, register: Register
) -> None:
    shutil.copyfile(
        workspace.templates / "action_tracker.xlsx", workspace.templates / AUDIT_TEMPLATE
    )
    plan_audits(register, workspace, 1)
    assert "is an Excel workbook, not a Word document" in refused(workspace, register)


def test_a_form_qaf_made_saved_as_the_template_is_refused_before_it_shows_one_child_everywhere(
    workspace: Workspace, register: Register
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [first] = register.audits()
    shutil.copyfile(pack_docx(workspace, first), workspace.templates / AUDIT_TEMPLATE)
    shutil.rmtree(workspace.packs)
    workspace.packs.mkdir()
    plan_audits(register, workspace, 2)
    with pytest.raises(TemplateError) as caught:
        generate_packs(workspace, register)
    assert "is an audit tool qaf made for one audit" in str(caught.value)
    assert [p for p in workspace.packs.rglob("*") if p.is_file()] == []
    assert [a.status for a in register.audits()] == ["issued", "allocated", "allocated"]


def _edit_tracker(workspace: Workspace, cells: dict[str, str]) -> None:
    path = workspace.templates / "action_tracker.xlsx"
    wb = load_workbook(path)
    for where, value in cells.items():
        wb.worksheets[0][where] = value
    wb.save(path)


def test_tracker_columns_moved_in_the_template_are_refused_before_managers_get_them(
    workspace: Workspace, register: Register
) -> None:
    # Owners were written under "Due date": every manager's tracker came back refused.
    header = find_actions_header(load_workbook(workspace.templates / "action_tracker.xlsx").active)
    _edit_tracker(workspace, {f"C{header}": "Due date", f"D{header}": "Owner"})
    plan_audits(register, workspace, 2)
    with pytest.raises(TemplateError) as caught:
        generate_packs(workspace, register)
    assert "action_tracker.xlsx" in str(caught.value)
    assert "'Owner' in column C" in str(caught.value)
    assert [p for p in workspace.packs.rglob("*") if p.is_file()] == []


def test_a_tracker_placeholder_that_lost_a_brace_is_refused_before_it_prints(
    workspace: Workspace, register: Register
) -> None:
    # "{{ case_id }" printed as typed: the visible case no longer matched the tracker's identity.
    _edit_tracker(workspace, {"B4": "{{ case_id }"})
    plan_audits(register, workspace, 2)
    with pytest.raises(TemplateError) as caught:
        generate_packs(workspace, register)
    assert "cell B4 (“{{ case_id }”) still shows a brace" in str(caught.value)
    assert [p for p in workspace.packs.rglob("*") if p.is_file()] == []


def test_a_tracker_template_saved_as_an_excel_template_still_makes_trackers_managers_can_return(
    workspace: Workspace, register: Register
) -> None:
    # Saved with Excel's "Excel Template (.xltx)" type and renamed .xlsx, every tracker made from
    # it was an Excel template too, and every manager's returned copy was refused as one.
    from openpyxl import load_workbook

    from qaf_docs.office.safety import inspect_office_file

    path = workspace.templates / "action_tracker.xlsx"
    wb = load_workbook(path)
    wb.template = True
    wb.save(path)
    plan_audits(register, workspace, 2)
    generate_packs(workspace, register)
    trackers = sorted(workspace.packs.rglob("*.xlsx"))
    assert len(trackers) == 2
    for tracker in trackers:
        with zipfile.ZipFile(tracker) as z:
            assert b"template.main" not in z.read("[Content_Types].xml")
        inspect_office_file(tracker)  # the check every returned tracker goes through


def test_a_template_edited_between_two_runs_in_one_process_is_used_as_edited(
    workspace: Workspace, register: Register
) -> None:
    # Templates are compiled once per process and kept by their bytes (a watcher, the demo and
    # these tests generate more than once): an edit must still show in the next run's packs.
    _round_of(register, workspace, [("CP", "Locality 1")])
    [(first, _)] = generate_packs(workspace, register)
    template = workspace.templates / "audit_tool.docx"

    def reword(body: etree._Element) -> None:
        for t in body.iter(f"{{{W_NS}}}t"):
            if t.text and "Overall" in t.text:
                t.text = t.text.replace("Overall", "Northshire overall")
                return
        raise AssertionError("no 'Overall' heading in the default template")

    edit_template_body(template, reword)
    _round_of(register, workspace, [("CP", "Locality 1")])
    second = [docx for docx, _ in generate_packs(workspace, register) if docx != first]
    assert len(second) == 1
    assert "Northshire overall" not in _text(first)
    assert "Northshire overall" in _text(second[0])


def _text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        return "".join(etree.fromstring(z.read("word/document.xml")).itertext())
