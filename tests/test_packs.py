"""Tests for qaf_docs.packs.generate: the Word audit tool and Excel action tracker each audit is issued with."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import docx
import pytest
from conftest import TODAY, pack_docx, pack_xlsx, plan_audits
from lxml import etree
from openpyxl import load_workbook
from openpyxl.styles.numbers import is_date_format

from qaf_docs.errors import TemplateError
from qaf_docs.frameworks import Framework, load_framework
from qaf_docs.office.action_sheet import find_actions_header
from qaf_docs.office.identity import read_custom_properties
from qaf_docs.packs.action_tracker import write_action_tracker
from qaf_docs.packs.details import PackAction, details_for
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord, NewAudit
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.workspace import AUDIT_TEMPLATE, TRACKER_TEMPLATE, Workspace, init_workspace

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
IDENTITY_KEYS = (
    "qaf_audit_ref",
    "qaf_case_id",
    "qaf_round_id",
    "qaf_framework_id",
    "qaf_framework_version",
    "qaf_template_version",
    "qaf_issued_at",
    "qaf_workspace_id",
)


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def document_root(path: Path) -> etree._Element:
    return etree.fromstring(document_xml(path).encode("utf-8"))


def visible_text(root: etree._Element) -> str:
    return "".join(t.text or "" for t in root.iter(f"{W}t"))


def control(root: etree._Element, tag: str) -> etree._Element | None:
    """The content control whose w:tag is ``tag``, or None."""
    for sdt in root.iter(f"{W}sdt"):
        found = sdt.find(f"{W}sdtPr/{W}tag")
        if found is not None and found.get(f"{W}val") == tag:
            return sdt
    return None


def set_show_child_names(workspace: Workspace, show: bool) -> None:
    text = workspace.settings_path.read_text(encoding="utf-8")
    assert "show_child_names = false" in text
    workspace.settings_path.write_text(
        text.replace("show_child_names = false", f"show_child_names = {str(show).lower()}"),
        encoding="utf-8",
    )


def rewrite_template_text(template: Path, old: str, new: str) -> None:
    """Change text inside word/document.xml, as a council editing its template in Word would."""
    tmp = template.with_name(template.name + ".new")
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text, f"{old!r} is not in the template"
                data = text.replace(old, new, 1).encode("utf-8")
            dst.writestr(item, data)
    tmp.replace(template)


# -- the Word audit tool: identity -------------------------------------------------------------------


def test_audit_tool_carries_the_audit_identity_as_custom_properties(
    workspace: Workspace, framework: Framework, issued: list[AuditRecord]
) -> None:
    audit = issued[0]
    props = read_custom_properties(pack_docx(workspace, audit))
    assert set(IDENTITY_KEYS) <= set(props)
    assert props["qaf_audit_ref"] == audit.audit_ref
    assert props["qaf_case_id"] == audit.case_id
    assert props["qaf_round_id"] == audit.round_id
    assert props["qaf_framework_id"] == "collaborative-audit"
    assert props["qaf_framework_version"] == framework.version
    assert props["qaf_template_version"] == audit.template_version
    assert props["qaf_issued_at"] == audit.issued_at
    assert props["qaf_workspace_id"] == workspace.load_settings().workspace_id


def test_each_audit_tool_carries_its_own_reference(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    refs = [read_custom_properties(pack_docx(workspace, a))["qaf_audit_ref"] for a in issued]
    assert refs == [a.audit_ref for a in issued]
    assert len(set(refs)) == 3


def test_audit_reference_is_visible_in_the_document(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    audit = issued[0]
    assert audit.audit_ref in visible_text(document_root(pack_docx(workspace, audit)))


def test_packs_are_named_by_audit_reference_only(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    names = sorted(p.name for p in workspace.packs.rglob("*") if p.is_file())
    expected = sorted(f"{a.audit_ref}{ext}" for a in issued for ext in (".docx", ".xlsx"))
    assert names == expected


# -- the Word audit tool: what is printed -------------------------------------------------------------


def test_team_names_with_xml_characters_render_without_corrupting_the_file(
    workspace: Workspace, register: Register
) -> None:
    team = "Child Protection <North> & Partners"
    register.record_round(
        round_id=register.new_round_id("simple", TODAY),
        kind="simple",
        seed=1,
        input_sha256=None,
        rules={},
        framework_id="collaborative-audit",
        audits=[
            NewAudit(
                case_id="900001",
                team=team,
                worker="O'Brien & Smith",
                case_type="CP",
                auditor="A <Auditor>",
                auditor_email="a@council.example",
                due_on=TODAY + timedelta(days=20),
            )
        ],
        today=TODAY,
    )
    generate_packs(workspace, register)
    audit = register.audits()[0]

    document = docx.Document(str(pack_docx(workspace, audit)))  # a corrupt file would not open
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert team in cells
    assert "O'Brien & Smith" in cells
    assert "A <Auditor>" in cells
    assert "&amp;" not in "".join(cells)  # escaped once, not twice


def test_fixture_team_with_ampersand_is_shown_as_typed(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    document = docx.Document(str(pack_docx(workspace, issued[0])))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "Locality 1 Team & Partners" in cells


def test_child_name_is_left_out_by_default(workspace: Workspace, register: Register) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    assert audit.child_name == "Childname0 Surname"
    for path in (pack_docx(workspace, audit), pack_xlsx(workspace, audit)):
        with zipfile.ZipFile(path) as z:
            for member in z.namelist():
                assert b"Childname0" not in z.read(member), f"child name in {path.name}:{member}"


def test_child_name_is_printed_when_the_settings_allow_it(
    workspace: Workspace, register: Register
) -> None:
    set_show_child_names(workspace, True)
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    assert "Childname0 Surname" in document_xml(pack_docx(workspace, audit))
    assert "Childname0" not in pack_docx(workspace, audit).name


# -- the Word audit tool: form fields -----------------------------------------------------------------


def test_every_domain_has_a_grade_drop_down_and_a_rationale_box(
    workspace: Workspace, framework: Framework, issued: list[AuditRecord]
) -> None:
    root = document_root(pack_docx(workspace, issued[0]))
    assert len(framework.domains) == 5
    for d in framework.domains:
        grade = control(root, f"qaf_grade_{d.key}")
        assert grade is not None, f"no grade drop-down for {d.title}"
        drop_down = grade.find(f"{W}sdtPr/{W}dropDownList")
        assert drop_down is not None, f"grade of {d.title} is not a drop-down"
        values = [i.get(f"{W}value") for i in drop_down.iter(f"{W}listItem")]
        assert [v for v in values if v] == [
            "Outstanding",
            "Good",
            "Requires improvement to be good",
            "Inadequate",
        ]
        assert control(root, f"qaf_rationale_{d.key}") is not None, f"no rationale for {d.title}"


@pytest.mark.parametrize("preset", ["live-case-audit", "tier-one-manager-audit"])
def test_domains_follow_the_framework_in_use(tmp_path: Path, preset: str) -> None:
    workspace = init_workspace(tmp_path / "ws", framework=preset)
    framework = load_framework(preset)
    with open_register(workspace) as register:
        plan_audits(register, workspace, 1)
        generate_packs(workspace, register)
        audit = register.audits()[0]
    root = document_root(pack_docx(workspace, audit))
    text = visible_text(root)
    for d in framework.domains:
        assert control(root, f"qaf_grade_{d.key}") is not None
        assert d.title in text


def test_there_are_at_least_six_action_rows_each_with_a_date_picker(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    root = document_root(pack_docx(workspace, issued[0]))
    actions_table = next(
        tbl
        for tbl in root.iter(f"{W}tbl")
        if any(b.get(f"{W}name") == "qaf_actions" for b in tbl.iter(f"{W}bookmarkStart"))
    )
    rows_with_picker = [
        tr for tr in actions_table.findall(f"{W}tr") if next(tr.iter(f"{W}date"), None) is not None
    ]
    assert len(rows_with_picker) >= 6
    for n in range(1, 7):
        assert control(root, f"qaf_action_{n}") is not None
        assert control(root, f"qaf_action_{n}_owner") is not None
        due = control(root, f"qaf_action_{n}_due")
        assert due is not None and due.find(f"{W}sdtPr/{W}date") is not None


def test_collaborative_audit_has_a_moderation_section(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    root = document_root(pack_docx(workspace, issued[0]))
    assert "Moderation" in visible_text(root)
    for tag in ("qaf_moderator", "qaf_moderation_reason"):
        assert control(root, tag) is not None
    moderated = control(root, "qaf_moderated_grade")
    assert moderated is not None and moderated.find(f"{W}sdtPr/{W}dropDownList") is not None
    moderated_on = control(root, "qaf_moderation_date")
    assert moderated_on is not None and moderated_on.find(f"{W}sdtPr/{W}date") is not None


def test_a_framework_without_moderation_has_no_moderation_section(
    workspace: Workspace, register: Register
) -> None:
    preset = resources.files("qaf_docs") / "presets" / "collaborative-audit.toml"
    text = preset.read_text(encoding="utf-8")
    assert "moderation = true" in text
    (workspace.root / "our-framework.toml").write_text(
        text.replace("moderation = true", "moderation = false"), encoding="utf-8"
    )
    settings = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(
        settings.replace(
            'frameworks = ["collaborative-audit"]', 'frameworks = ["our-framework.toml"]'
        ),
        encoding="utf-8",
    )
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    root = document_root(pack_docx(workspace, register.audits()[0]))
    assert control(root, "qaf_moderated_grade") is None
    assert control(root, "qaf_grade_assessment") is not None


# -- the Excel action tracker -----------------------------------------------------------------------


def test_tracker_carries_the_identity_and_a_visible_audit_reference(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    audit = issued[0]
    path = pack_xlsx(workspace, audit)
    props = read_custom_properties(path)
    assert set(IDENTITY_KEYS) <= set(props)
    assert props["qaf_audit_ref"] == audit.audit_ref
    assert props["qaf_case_id"] == audit.case_id
    assert props["qaf_kind"] == "action_tracker"

    ws = load_workbook(path).worksheets[0]
    labelled = {
        str(row[0].value).strip(): row[1].value
        for row in ws.iter_rows(min_row=1, max_row=12, max_col=2)
        if row[0].value
    }
    assert labelled["Audit reference"] == audit.audit_ref
    assert labelled["Case ID"] == audit.case_id
    assert labelled["Team"] == "Locality 1 Team & Partners"


def test_tracker_has_no_template_placeholders_left(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    ws = load_workbook(pack_xlsx(workspace, issued[0])).worksheets[0]
    leftovers = [
        c.coordinate
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "{{" in c.value
    ]
    assert leftovers == []


def test_tracker_status_column_offers_the_three_statuses(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    ws = load_workbook(pack_xlsx(workspace, issued[0])).worksheets[0]
    first = find_actions_header(ws) + 1
    status_cell = f"E{first}"
    lists = [
        dv
        for dv in ws.data_validations.dataValidation
        if dv.type == "list" and status_cell in dv.sqref
    ]
    assert len(lists) == 1
    assert lists[0].formula1.strip('"').split(",") == ["Not started", "In progress", "Completed"]


def test_tracker_has_frozen_panes_and_an_autofilter(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    ws = load_workbook(pack_xlsx(workspace, issued[0])).worksheets[0]
    header = find_actions_header(ws)
    assert ws.freeze_panes is not None
    assert ws.auto_filter.ref
    assert ws.auto_filter.ref.startswith(f"A{header}:")


def test_tracker_due_and_completion_columns_are_formatted_as_dates(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    audit = issued[0]
    settings = workspace.load_settings()
    out = workspace.root / "tracker.xlsx"
    write_action_tracker(
        workspace.templates / TRACKER_TEMPLATE,
        details_for(audit, settings, kind="action_tracker"),
        [
            PackAction(1, "Visit", "SW", date(2026, 12, 3), "Completed", date(2026, 12, 1)),
            PackAction(2, "Review", "TM", date(2026, 12, 10)),
        ],
        out,
    )
    ws = load_workbook(out).worksheets[0]
    first = find_actions_header(ws) + 1
    assert ws.cell(row=first, column=4).value.date() == date(2026, 12, 3)
    # Filled rows and the empty rows a manager may add to: Due (D) and Completion (F) are dates.
    for row in (first, first + 1, first + 5):
        for col in (4, 6):
            fmt = ws.cell(row=row, column=col).number_format
            assert is_date_format(fmt), f"{ws.cell(row=row, column=col).coordinate}: {fmt}"


@pytest.mark.parametrize(
    "description", ["=SUM(1,2)", '=HYPERLINK("http://x","click")', "+1 visit", "@manager"]
)
def test_an_action_typed_like_a_formula_is_stored_as_text(
    workspace: Workspace, issued: list[AuditRecord], description: str
) -> None:
    audit = issued[0]
    out = workspace.root / "tracker.xlsx"
    write_action_tracker(
        workspace.templates / TRACKER_TEMPLATE,
        details_for(audit, workspace.load_settings(), kind="action_tracker"),
        [PackAction(1, description, "=owner", TODAY + timedelta(days=7))],
        out,
    )
    ws = load_workbook(out).worksheets[0]
    row = find_actions_header(ws) + 1
    for col, expected in ((2, description), (3, "=owner")):
        cell = ws.cell(row=row, column=col)
        assert cell.value == expected
        assert cell.data_type == "s"


# -- broken templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        pytest.param("{{ d.title }}", "{{ d.gradee }}", "gradee", id="misspelt-field"),
        pytest.param("{{ worker }}", "{{ nonsense }}", "nonsense", id="unknown-name"),
        pytest.param("{{ worker }}", "{% for %}", "{% for %}", id="syntax-error"),
    ],
)
def test_a_broken_template_is_refused_with_an_error_naming_the_tag(
    workspace: Workspace, register: Register, old: str, new: str, named: str
) -> None:
    rewrite_template_text(workspace.templates / AUDIT_TEMPLATE, old, new)
    plan_audits(register, workspace, 2)
    with pytest.raises(TemplateError) as caught:
        generate_packs(workspace, register)
    message = str(caught.value)
    assert named in message
    assert AUDIT_TEMPLATE in message
    # Nothing half-done: no pack written, every audit still waiting to be issued.
    assert [p for p in workspace.packs.rglob("*") if p.is_file()] == []
    assert {a.status for a in register.audits()} == {"allocated"}


@pytest.mark.parametrize(
    ("old", "new", "nearby"),
    [
        pytest.param("{{ worker }}", "{% for %}", "Allocated worker", id="syntax-error"),
        pytest.param("{{ worker }}", "{{ nonsense }}", "Allocated worker", id="unknown-name"),
        pytest.param(
            "{{ d.title }}", "{{ d.gradee }}", "What good looks like", id="misspelt-field"
        ),
    ],
)
def test_a_broken_template_error_says_where_the_tag_is(
    workspace: Workspace, register: Register, old: str, new: str, nearby: str
) -> None:
    rewrite_template_text(workspace.templates / AUDIT_TEMPLATE, old, new)
    plan_audits(register, workspace, 1)
    with pytest.raises(TemplateError) as caught:
        generate_packs(workspace, register)
    # "Where" for a council editing in Word: the words printed around the bad tag.
    assert nearby in str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        pytest.param(
            "How to complete this audit",
            "Child: {{ child name }}",
            "the tag {{ child name }} in the paragraph “Child: {{ child name }}” is not one qaf "
            "can fill: a tag's name has no spaces",
            id="space-in-a-name",
        ),
        pytest.param(
            "Complete the audit with the practitioner where you can.",
            "Discuss {% of cases %} with the team.",
            "the tag {% of cases %} in the paragraph “Discuss {% of cases %} with the team. Click "
            "a grey box to type in it.” is not one qaf can fill: 'of' is not an instruction qaf "
            "knows",
            id="braces-in-guidance",
        ),
        pytest.param(
            "{{ worker }}",
            "{% for %}",
            "the tag {% for %} in the table row “Allocated worker | {% for %}” is not one qaf "
            "can fill",
            id="in-a-table-row",
        ),
        pytest.param(
            "{%p for s in text_sections %}",
            "Sections",
            # Of the many {%p endfor %}, the one left without its opening tag.
            "the tag {%p endfor %} in its own paragraph (after “{{r s.box }}”, before "
            "“{%p if missing_history %}”) is not one qaf can fill: it closes a part that no tag "
            "before it opens",
            id="opening-tag-deleted",
        ),
        pytest.param(
            "How to complete this audit",
            "Council logo note {{ case_id ",
            # Not closed: Jinja reads on into later paragraphs, and named no tag and no place.
            "the paragraph “Council logo note {{ case_id” opens a tag with '{{' that is never "
            "closed with '}}'",
            id="tag-never-closed",
        ),
        pytest.param(
            "How to complete this audit",
            "Start {% if case_id %} never closed",
            "the tag {% if case_id %} in the paragraph “Start {% if case_id %} never closed” opens "
            "a part that is never closed (its closing tag, {% endif %}, may have been deleted",
            id="part-never-closed",
        ),
    ],
)
def test_a_malformed_tag_is_quoted_in_its_own_paragraph_in_plain_words(
    workspace: Workspace, register: Register, old: str, new: str, said: str
) -> None:
    rewrite_template_text(workspace.templates / AUDIT_TEMPLATE, old, new)
    plan_audits(register, workspace, 1)
    with pytest.raises(TemplateError) as caught:
        generate_packs(workspace, register)
    message = str(caught.value)
    assert said in message
    # Jinja's words, and the paragraphs before the tag, are not what a council needs.
    for jargon in ("print statement", "Encountered", "token", "malformed", "Near:"):
        assert jargon not in message
    assert [p for p in workspace.packs.rglob("*") if p.is_file()] == []


def test_a_tag_qaf_does_not_fill_is_named_without_python_words(
    workspace: Workspace, register: Register
) -> None:
    rewrite_template_text(workspace.templates / AUDIT_TEMPLATE, "{{ d.title }}", "{{ d.gradee }}")
    plan_audits(register, workspace, 1)
    with pytest.raises(TemplateError) as caught:
        generate_packs(workspace, register)
    message = str(caught.value)
    assert "a tag uses 'gradee', which is not something qaf fills in" in message
    assert "dict object" not in message and "attribute" not in message


def test_a_broken_tracker_template_names_the_unknown_placeholder(
    workspace: Workspace, register: Register
) -> None:
    path = workspace.templates / TRACKER_TEMPLATE
    wb = load_workbook(path)
    wb.worksheets[0]["B4"] = "{{ case_idd }}"
    wb.save(path)
    plan_audits(register, workspace, 1)
    with pytest.raises(TemplateError, match="case_idd"):
        generate_packs(workspace, register)
