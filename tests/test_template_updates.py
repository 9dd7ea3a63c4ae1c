"""A workspace keeps the templates it was made with (they are the council's), so what qaf's default
templates gain later never reaches it: ``qaf report`` and ``qaf generate`` say once a run what the
workspace's template lacks and how to get it without losing the council's own edits, still writing
the report or the packs, and say nothing while the template has everything the default has."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import TODAY, edit_template_body, record_test_round
from docx import Document
from lxml import etree
from openpyxl import Workbook, load_workbook

from qaf_docs.cli import cli
from qaf_docs.office.action_sheet import find_actions_header
from qaf_docs.office.template_updates import older_template_note
from qaf_docs.records import NewAudit
from qaf_docs.register.store import Register
from qaf_docs.workspace import TEMPLATE_FILES, Workspace, bundled_templates, init_workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The report's sections added after the first workspaces were made, as their opening tags.
NEW_SECTIONS = (
    "{%p if tier_one %}",
    "{%p if themes or asks_theme %}",
    "{%p if practitioners or asks_practitioners %}",
    "{%p if agency_findings or asks_agencies %}",
    "{%p if missing_history or asks_history %}",
)
OLD_SENTENCE = (  # the audit tool's words before a limit could be left out
    "Agree SMART actions: what will be done, by whom and by when (a real date within "
    "{{ action_days }} days of the audit, never 'ASAP'), how you will know it worked, and its "
    "impact on the child. Tick Immediate for an action due within {{ immediate_days }} "
    "working days. Add rows to the actions table if you need more."
)


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def old_report_template(target: Path) -> None:
    """The default report template with the sections added since taken out, and its footer's
    page numbers: what a workspace made before them still has."""
    doc = Document(str(bundled_templates() / "quarterly_report.docx"))
    body = doc.element.body
    children = list(body.iterchildren())
    depth, cutting = 0, False
    for child in children:
        text = "".join(t.text or "" for t in child.iter(f"{W}t")).strip()
        if child.tag == f"{W}p" and text in NEW_SECTIONS and not cutting:
            cutting, depth = True, 0
        if cutting:
            depth += text.startswith("{%p if") - text.startswith("{%p endif")
            body.remove(child)
            if depth == 0:
                cutting = False
    for section in doc.sections:
        for p in section.footer.paragraphs:
            if p._p.findall(f".//{W}fldSimple"):
                p._p.getparent().remove(p._p)
    doc.save(str(target))


def restyled_report_template(target: Path) -> None:
    """The default report template as a council restyles it: its own words, nothing left out."""
    doc = Document(str(bundled_templates() / "quarterly_report.docx"))
    doc.paragraphs[0].insert_paragraph_before("Northshire Children's Services: Quality Assurance")
    doc.add_paragraph("Questions about this report: qa-team@northshire.example")
    doc.save(str(target))


def test_an_older_report_template_gets_one_note_naming_what_it_lacks(tmp_path: Path) -> None:
    # The sections added to the default never reached a workspace made before them, and nobody
    # was told: its reports simply had no practitioners', agencies' or missing-history parts.
    ws = init_workspace(tmp_path / "ws", framework="multi-agency-audit")
    template = ws.templates / "quarterly_report.docx"
    old_report_template(template)
    mine = template.read_bytes()
    result = run("report", "quarter", "2026Q3", "-w", ws.root)
    assert result.exit_code == 0, result.output
    assert (ws.reports_dir / "QA_report_2026Q3.docx").is_file()  # written all the same
    assert result.output.count("Note:") == 1
    [note] = [line for line in result.output.splitlines() if line.startswith("Note:")]
    assert "templates/quarterly_report.docx lacks what qaf's default has: " in note
    for part in (
        "Tier one audit activity (audits expected and returned by auditor role",
        "the audits by theme",
        "What practitioners and their managers said",
        "What agencies found",
        "historical information missing",
        "page numbers in the footer ('Page X of Y')",
    ):
        assert part in note, part
    assert "Grades by domain" not in note and "What children and families said" not in note
    assert f'qaf init "{ws.root}" --restore-templates' in note
    assert "quarterly_report (before restore " in note and "keeps each one you changed" in note
    assert "{{" not in note and "Traceback" not in result.output
    _allocate(ws, 2, "multi-agency-audit")
    round_report = run("report", "round", "r1", "-w", ws.root)
    assert round_report.exit_code == 0, round_report.output
    assert [line for line in round_report.output.splitlines() if line.startswith("Note:")] == [note]
    assert template.read_bytes() == mine  # the council's file is never touched by a report


def test_a_current_report_template_says_nothing_even_when_restyled(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    assert "Note:" not in run("report", "quarter", "2026Q3", "-w", ws.root).output
    restyled_report_template(ws.templates / "quarterly_report.docx")
    result = run("report", "quarter", "2026Q3", "-w", ws.root)
    assert result.exit_code == 0, result.output
    assert "Note:" not in result.output and "lacks" not in result.output


@pytest.mark.parametrize("name", TEMPLATE_FILES)
def test_everything_a_default_template_has_is_named_as_a_person_sees_it(
    tmp_path: Path, name: str
) -> None:
    # A template with none of qaf's tags lacks every part of the default: each is named in the
    # report's or the form's words, never by a tag's name.
    template = tmp_path / "templates" / name
    template.parent.mkdir()
    if name.endswith(".xlsx"):
        Workbook().save(template)
    else:
        Document().save(str(template))
    note = older_template_note(template, tmp_path, "Written all the same.")
    assert note is not None
    assert "{{" not in note and "the part that uses" not in note and " field" not in note
    listed = note.split("default has: ")[1].split(". Written all the same.")[0].split("; ")
    assert len(listed) == len(set(listed)) > 3


def _allocate(ws: Workspace, n: int, framework: str) -> None:
    with Register.open(ws.register_path) as register:
        record_test_round(
            register, framework, round_id="r1",
            audits=[NewAudit(f"C{i}", "Locality 1", f"Worker {i}", "CP", "Auditor 1",
                             "a1@council.example", TODAY + timedelta(days=20))
                    for i in range(1, n + 1)],
        )  # fmt: skip


def _old_audit_tool(template: Path) -> None:
    """The audit tool as it was before a limit the framework does not set could be left out."""

    def edit(body: etree._Element) -> None:
        for paragraph in body.iter(f"{W}p"):
            texts = list(paragraph.iter(f"{W}t"))
            whole = "".join(t.text or "" for t in texts)
            if whole.startswith("Agree SMART"):
                texts[0].text = OLD_SENTENCE
                for t in texts[1:]:
                    t.text = ""
            elif "{% if has_indicators %}" in whole:
                # Nor did it say how to answer an area that does not apply.
                whole = re.sub(r"\{% if not_applicable %\}.*?\{% endif %\}", "", whole)
                texts[0].text = whole.replace("{% if has_indicators %}", "").replace(
                    "{% endif %}", ""
                )
                for t in texts[1:]:
                    t.text = ""

    edit_template_body(template, edit)


def test_generate_says_once_what_older_audit_tool_and_tracker_templates_lack(
    tmp_path: Path,
) -> None:
    # An audit tool made before limits could be left out prints "within an agreed number of
    # days" under B&NES (which sets none), and a tracker without the sign-off columns cannot be
    # signed off: neither was ever mentioned.
    ws = init_workspace(tmp_path / "ws", framework="tier-one-manager-audit")
    _old_audit_tool(ws.templates / "audit_tool.docx")
    tracker = ws.templates / "action_tracker.xlsx"
    wb = load_workbook(tracker)
    header = find_actions_header(wb.worksheets[0])
    for cell in (f"I{header}", f"J{header}"):
        wb.worksheets[0][cell].value = None
    wb.save(tracker)
    _allocate(ws, 3, "tier-one-manager-audit")
    result = run("generate", "-w", ws.root)
    assert result.exit_code == 0, result.output
    assert len(list((ws.packs / "r1").glob("*.docx"))) == 3  # written all the same
    notes = [line for line in result.output.splitlines() if line.startswith("Note:")]
    assert len(notes) == 2, result.output  # one for each template, never one for each pack
    tool, sheet = notes
    assert tool.startswith("Note: templates/audit_tool.docx lacks what qaf's default has: ")
    assert (
        "no due-date limit printed where the framework sets none (yours prints 'within an "
        "agreed number of days')" in tool
    )
    assert "'tick each indicator' only where the framework has indicators" in tool
    assert "how to answer an area that does not apply ('Not applicable')" in tool
    assert "The packs were written from it as it is." in tool
    assert "copy them in Word" in tool
    assert sheet.startswith("Note: templates/action_tracker.xlsx lacks what qaf's default has: ")
    assert "the 'Signed off by (manager)' column; the 'Signed off on' column." in sheet
    assert "copy them in Excel" in sheet and "Overdue" not in sheet


def test_generate_with_the_default_templates_says_nothing(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", framework="tier-one-manager-audit")
    _allocate(ws, 1, "tier-one-manager-audit")
    result = run("generate", "-w", ws.root)
    assert result.exit_code == 0, result.output
    assert "Note:" not in result.output and "lacks" not in result.output
