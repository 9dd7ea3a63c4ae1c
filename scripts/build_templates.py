"""Build the default council templates in templates/ (run after changing this file).

The output files are ordinary Word and Excel documents with docxtpl / Jinja tags. A council restyles
them in Word or Excel (logo, wording, colours, extra text) without touching Python; this script only
exists so the default design can be reviewed and regenerated.

    python scripts/build_templates.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from qaf_docs.office.printing import fit_to_page

OUT = Path(__file__).resolve().parent.parent / "templates"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
LABEL_FILL = "DCE6F0"
ACTION_ROWS = 60


def _shade(cell, fill: str) -> None:  # type: ignore[no-untyped-def]
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _label(cell, text: str) -> None:  # type: ignore[no-untyped-def]
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    run.bold = True
    _shade(cell, LABEL_FILL)


def _widths(table, widths_cm: list[float]) -> None:  # type: ignore[no-untyped-def]
    # Word reads the cell widths, LibreOffice the table grid: set both.
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
        col.set(qn("w:w"), str(int(Cm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(w)


def _para(doc, text: str, style: str | None = None):  # type: ignore[no-untyped-def]
    return doc.add_paragraph(text, style=style) if style else doc.add_paragraph(text)


def build_audit_tool(path: Path) -> None:
    """Write the Word audit tool template."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = section.bottom_margin = Cm(1.8)

    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        st = doc.styles[name]
        st.font.name = "Arial"
        st.font.size = Pt(size)
        st.font.color.rgb = NAVY
        st.font.bold = True

    header = section.header.paragraphs[0]
    header.text = "{{ council_name }} · Children's Services Quality Assurance"
    header.runs[0].font.size = Pt(8)
    header.runs[0].font.color.rgb = NAVY
    footer = section.footer.paragraphs[0]
    footer.text = (
        "Audit {{ audit_ref }} · {{ framework_name }} (v{{ framework_version }}) · "
        "template {{ template_version }} · OFFICIAL-SENSITIVE"
    )
    footer.runs[0].font.size = Pt(7.5)
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    council = _para(doc, "{{ council_name }}")
    council.runs[0].font.color.rgb = NAVY
    council.runs[0].bold = True
    doc.add_paragraph("Case file audit tool", style="Title")
    _para(doc, "{{ framework_name }}").runs[0].italic = True

    details = [
        ("Audit reference", "{{r ref_field }}"),
        ("Case ID", "{{ case_id }}"),
        ("Team", "{{ team }}"),
        ("Allocated worker", "{{ worker }}"),
        ("Case type", "{{ case_type }}"),
        ("Auditor", "{{ auditor }}"),
        ("Sampling round", "{{ round_id }}"),
        ("Issued on", "{{ issued_on }}"),
        ("Return by", "{{ due_on }}"),
        ("Date of audit", "{{r f.audit_date }}"),
        ("Practitioner took part", "{{r f.practitioner_present }}"),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    child_row = table.add_row()
    child_row.cells[0].text = "{%tr if child_name %}"
    for label, value in [("Child", "{{ child_name }}"), *details]:
        row = table.add_row()
        _label(row.cells[0], label)
        row.cells[1].text = value
        if label == "Child":
            end = table.add_row()
            end.cells[0].text = "{%tr endif %}"
    _widths(table, [5, 12])

    doc.add_heading("How to complete this audit", level=1)
    for line in (
        "Complete the audit with the practitioner where you can. Click a grey box to type in it.",
        "For each area, read what good looks like, choose a grade from the drop-down and explain "
        "why: every grade needs a rationale that refers to evidence on the file.",
        "Agree SMART actions: what will be done, by whom and by when (a real date within "
        "{{ action_days }} days of the audit, never 'ASAP'), how you will know it worked, and its "
        "impact on the child. Tick Immediate for an action due within {{ immediate_days }} "
        "working days. Add rows to the actions table if you need more.",
        "Save the file as a Word document (.docx) and send it to the QA admin team. Do not rename "
        "or retype the audit reference.",
    ):
        _para(doc, line, style="List Bullet")

    _add_concern_block(doc)
    _add_previous_audit_block(doc)

    doc.add_heading("Practice areas", level=1)
    _para(doc, "{%p for d in domains %}")
    doc.add_heading("{{ loop.index }}. {{ d.title }}", level=2)
    dt = doc.add_table(rows=3, cols=2)
    dt.style = "Table Grid"
    _label(dt.cell(0, 0), "What good looks like")
    cell = dt.cell(0, 1)
    cell.paragraphs[0].text = "{%p for prompt in d.prompts %}"
    cell.add_paragraph("• {{ prompt }}")
    cell.add_paragraph("{%p endfor %}")
    _label(dt.cell(1, 0), "Grade")
    dt.cell(1, 1).text = "{{r d.grade }}"
    _label(dt.cell(2, 0), "Rationale and evidence")
    dt.cell(2, 1).text = "{{r d.rationale }}"
    _widths(dt, [5, 12])
    _para(doc, "{%p endfor %}")

    def free_text_section(flag: str, title: str, intro: str, field: str) -> None:
        _para(doc, "{%p if sections." + flag + " %}")
        doc.add_heading(title, level=1)
        _para(doc, intro).runs[0].italic = True
        box = doc.add_table(rows=1, cols=1)
        box.style = "Table Grid"
        box.cell(0, 0).text = "{{r f." + field + " }}"
        _para(doc, "{%p endif %}")

    free_text_section(
        "theme", "Theme of this audit", "The theme or question this audit looks at.", "theme"
    )
    free_text_section(
        "voice_of_child",
        "Voice of the child",
        "How are the child's wishes, feelings and lived experience shown on the file and in the plan?",
        "voice_of_child",
    )
    free_text_section(
        "practitioner_self_assessment",
        "Practitioner self-assessment",
        "The practitioner's own view of the work on this case, in their words.",
        "self_assessment",
    )
    free_text_section(
        "family_feedback",
        "Family feedback",
        "What the child, young person or family said about the help they receive.",
        "family_feedback",
    )
    free_text_section(
        "agency_contributions",
        "Each agency's contribution",
        "What each agency involved contributed, and where joint working helped or fell short.",
        "agency_contributions",
    )

    doc.add_heading("Overall judgement", level=1)
    ot = doc.add_table(rows=2, cols=2)
    ot.style = "Table Grid"
    _label(ot.cell(0, 0), "Overall grade")
    ot.cell(0, 1).text = "{{r f.overall_grade }}"
    _label(ot.cell(1, 0), "Overall rationale")
    ot.cell(1, 1).text = "{{r f.overall_rationale }}"
    _widths(ot, [5, 12])

    doc.add_heading("SMART actions", level=1)
    _para(
        doc,
        "One action per row: specific and measurable, with a named owner and a due date. "
        "Add or delete rows as needed.",
    ).runs[0].italic = True
    at = doc.add_table(rows=3, cols=4 + len(_SMART_COLUMNS))
    at.style = "Table Grid"
    for i, title in enumerate(("No.", "Action", "Owner", "Due date", *_SMART_COLUMNS)):
        _label(at.cell(0, i), title)
    at.cell(0, 1).paragraphs[0].add_run("{{r actions_marker }}")
    at.cell(1, 0).text = "{%tr for a in actions %}"
    at.cell(2, 0).text = "{{ a.number }}"
    at.cell(2, 1).text = "{{r a.description }}"
    at.cell(2, 2).text = "{{r a.owner }}"
    at.cell(2, 3).text = "{{r a.due }}"
    for i, tag in enumerate(_SMART_TAGS, start=4):
        at.cell(2, i).text = tag
    end_row = at.add_row()
    end_row.cells[0].text = "{%tr endfor %}"
    _widths(at, [1.0, 3.8, 2.3, 2.3, 2.5, 2.7, 2.4])

    _para(doc, "{%p if sections.moderation %}")
    doc.add_heading("Moderation", level=1)
    _para(
        doc,
        "For the moderator: confirm or change the auditor's overall grade. If you change it, say why.",
    ).runs[0].italic = True
    mt = doc.add_table(rows=4, cols=2)
    mt.style = "Table Grid"
    for i, (label, value) in enumerate(
        (
            ("Moderator", "{{r f.moderator }}"),
            ("Moderated grade", "{{r f.moderated_grade }}"),
            ("Reason for any change", "{{r f.moderation_reason }}"),
            ("Date moderated", "{{r f.moderation_date }}"),
        )
    ):
        _label(mt.cell(i, 0), label)
        mt.cell(i, 1).text = value
    _widths(mt, [5, 12])
    _add_moderated_domains_block(doc)
    _para(doc, "{%p endif %}")

    doc.core_properties.title = "Case file audit tool"
    doc.core_properties.author = "qaf_docs"
    doc.save(str(path))


# SMART actions (issue 10): Bracknell's immediate actions, West Sussex's success criteria and
# "an analysis of the impact on the child of the actions proposed".
_SMART_COLUMNS = ("Immediate", "Success criterion", "Impact on the child")
_SMART_TAGS = ("{{r a.immediate }}", "{{r a.success }}", "{{r a.impact }}")


def _add_moderated_domains_block(doc) -> None:  # type: ignore[no-untyped-def]
    """The moderator's grade for each practice area, beside the overall one (issue 10)."""
    _para(doc, "")
    _para(doc, "Moderated grade for each practice area (leave blank where you agree):").runs[
        0
    ].italic = True
    dt = doc.add_table(rows=3, cols=2)
    dt.style = "Table Grid"
    _label(dt.cell(0, 0), "Practice area")
    _label(dt.cell(0, 1), "Moderated grade")
    dt.cell(1, 0).text = "{%tr for d in domains %}"
    dt.cell(2, 0).text = "{{ d.title }}"
    dt.cell(2, 1).text = "{{r d.moderated_grade }}"
    dt.add_row().cells[0].text = "{%tr endfor %}"
    _widths(dt, [9, 8])


def _add_concern_block(doc) -> None:  # type: ignore[no-untyped-def]
    """The immediate safeguarding concern: a box to tick and what it is (issue 10)."""
    doc.add_heading("Immediate safeguarding concern", level=1)
    _para(
        doc,
        "If you find a concern for the child's safety that needs action now, tick the box and say "
        "what it is. Raise it today with {{ concern_roles }}; do not wait for this form to be "
        "returned. qaf records it even if something else on the form has to be corrected.",
    ).runs[0].italic = True
    ct = doc.add_table(rows=2, cols=2)
    ct.style = "Table Grid"
    _label(ct.cell(0, 0), "Immediate safeguarding concern")
    ct.cell(0, 1).text = "{{r f.concern }}"
    _label(ct.cell(1, 0), "What the concern is and who was told")
    ct.cell(1, 1).text = "{{r f.concern_text }}"
    _widths(ct, [5, 12])


def _add_previous_audit_block(doc) -> None:  # type: ignore[no-untyped-def]
    """On a re-audit: the earlier audit's grades, rationales and actions with their status (issue 10)."""
    _para(doc, "{%p if previous %}")
    doc.add_heading("Three Month Review of Actions and Progress", level=1)
    _para(
        doc,
        "This is a re-audit of {{ previous.audit_ref }} (audited {{ previous.audit_date }}, "
        "graded {{ previous.grade }}). Review progress on each earlier action with the "
        "practitioner before grading the practice areas again.",
    ).runs[0].italic = True
    gt = doc.add_table(rows=3, cols=3)
    gt.style = "Table Grid"
    for i, title in enumerate(("Practice area", "Earlier grade", "Earlier rationale")):
        _label(gt.cell(0, i), title)
    gt.cell(1, 0).text = "{%tr for d in previous.domains %}"
    gt.cell(2, 0).text = "{{ d.domain }}"
    gt.cell(2, 1).text = "{{ d.grade }}"
    gt.cell(2, 2).text = "{{ d.rationale }}"
    gt.add_row().cells[0].text = "{%tr endfor %}"
    _widths(gt, [4.5, 3.5, 9])
    _para(doc, "")
    pt = doc.add_table(rows=3, cols=4)
    pt.style = "Table Grid"
    for i, title in enumerate(("Earlier action", "Held by", "Was due", "Status at re-audit")):
        _label(pt.cell(0, i), title)
    pt.cell(1, 0).text = "{%tr for a in previous.actions %}"
    pt.cell(2, 0).text = "{{ a.description }}"
    pt.cell(2, 1).text = "{{ a.owner }}"
    pt.cell(2, 2).text = "{{ a.due_on }}"
    pt.cell(2, 3).text = "{{ a.status }}"
    pt.add_row().cells[0].text = "{%tr endfor %}"
    _widths(pt, [8, 3.5, 2.5, 3])
    _para(doc, "{%p endif %}")


# The manager's sign-off (issue 10): an action closes only when completed and signed off.
_SIGN_OFF_HEADERS = ("Signed off by (manager)", "Signed off on")


def build_action_tracker(path: Path) -> None:
    """Write the Excel action tracker template."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Actions"
    navy = "1F3A5F"
    ws["A1"] = "Action tracker · {{ council_name }}"
    ws["A1"].font = Font(bold=True, size=14, color=navy)
    labels = [
        ("Audit reference", "{{ audit_ref }}"),
        ("Case ID", "{{ case_id }}"),
        ("Team", "{{ team }}"),
        ("Auditor", "{{ auditor }}"),
        ("Audit date", "{{ audit_date }}"),
    ]
    for i, (label, value) in enumerate(labels, start=3):
        ws.cell(row=i, column=1, value=label).font = Font(bold=True)
        ws.cell(row=i, column=1).fill = PatternFill("solid", fgColor=LABEL_FILL)
        ws.cell(row=i, column=2, value=value)
    ws["A8"] = (
        "Managers: update Status, Completion date and Evidence for each action, sign off each "
        "completed action (your name and the date), save, and send the file back to the QA "
        "admin team. Overdue is worked out for you."
    )
    ws["A8"].font = Font(italic=True, color="595959")
    ws.merge_cells("A8:J8")
    header_row = 9
    headers = [
        "No.",
        "Action",
        "Owner",
        "Due date",
        "Status",
        "Completion date",
        "Evidence",
        "Overdue",
        *_SIGN_OFF_HEADERS,
    ]
    thin = Side(style="thin", color="A6A6A6")
    for col, title in enumerate(headers, start=1):
        c = ws.cell(row=header_row, column=col, value=title)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor=navy)
        c.alignment = Alignment(vertical="center", wrap_text=True)
        c.border = Border(bottom=thin)
    ws.cell(row=header_row + 1, column=1, value="{{ actions }}")
    for row in range(header_row + 1, header_row + 1 + ACTION_ROWS):
        ws.cell(row=row, column=4).number_format = "DD/MM/YYYY"
        ws.cell(row=row, column=6).number_format = "DD/MM/YYYY"
        ws.cell(row=row, column=10).number_format = "DD/MM/YYYY"
        for col in (2, 7):
            ws.cell(row=row, column=col).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(
            row=row,
            column=8,
            value=f'=IF(AND(B{row}<>"",D{row}<>"",E{row}<>"Completed",D{row}<TODAY()),"Overdue","")',
        )
    last = header_row + ACTION_ROWS
    status = DataValidation(
        type="list",
        formula1='"Not started,In progress,Completed"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Status",
        error="Choose Not started, In progress or Completed. Overdue is worked out for you.",
    )
    ws.add_data_validation(status)
    status.add(f"E{header_row + 1}:E{last}")
    dates = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="36526",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Date",
        error="Type a date, for example 03/12/2026.",
    )
    ws.add_data_validation(dates)
    dates.add(f"D{header_row + 1}:D{last}")
    dates.add(f"F{header_row + 1}:F{last}")
    ws.conditional_formatting.add(
        f"A{header_row + 1}:H{last}",
        FormulaRule(
            formula=[f'$H{header_row + 1}="Overdue"'], fill=PatternFill("solid", fgColor="F8CBAD")
        ),
    )
    ws.conditional_formatting.add(
        f"A{header_row + 1}:H{last}",
        FormulaRule(
            formula=[f'$E{header_row + 1}="Completed"'], fill=PatternFill("solid", fgColor="C6EFCE")
        ),
    )
    # Column A holds both the identity labels and the action numbers.
    for col, width in zip("ABCDEFGHIJ", (17, 48, 20, 12, 14, 15, 40, 10, 20, 13), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:J{last}"
    fit_to_page(ws, landscape=True, title_rows=f"{header_row}:{header_row}")
    wb.properties.title = "Action tracker"
    wb.save(path)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    build_audit_tool(OUT / "audit_tool.docx")
    build_action_tracker(OUT / "action_tracker.xlsx")
    print(f"wrote {OUT / 'audit_tool.docx'} and {OUT / 'action_tracker.xlsx'}")
