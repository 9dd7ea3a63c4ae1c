"""Build the default council templates in templates/ (run after changing this file).

The output files are ordinary Word and Excel documents with docxtpl / Jinja tags. A council restyles
them in Word or Excel (logo, wording, colours, extra text) without touching Python; this script only
exists so the default design can be reviewed and regenerated.

    python scripts/build_templates.py            # rewrites templates/
    python scripts/build_templates.py /tmp/out   # writes the three files into /tmp/out instead

The committed templates must be what this script writes (tests/test_template_builders.py checks
it): change the design here, not in Word or Excel.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
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
# Pre-formatted action rows: enough for any audit, few enough that the empty rows fit on the first
# printed page (60 spilled a page holding only the repeated header).
ACTION_ROWS = 30


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


def _intro(doc, text: str):  # type: ignore[no-untyped-def]
    """An italic line that introduces the table below it and stays on its page."""
    p = _para(doc, text)
    p.runs[0].italic = True
    p.paragraph_format.keep_with_next = True
    return p


def _keep_rows(table, *, together: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Never split a row across pages; with ``together``, keep the whole table on one page."""
    rows = table.rows
    for i, row in enumerate(rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.insert(0, OxmlElement("w:cantSplit"))
        if together and i < len(rows) - 1:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True


def _header_row(table) -> None:  # type: ignore[no-untyped-def]
    """Repeat the first row at the top of each page the table runs onto, and never leave it
    alone at the foot of a page: it stays with the first row below it."""
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell in header.cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


def _min_height(row, cm: float) -> None:  # type: ignore[no-untyped-def]
    """Give a free-text row room to write: at least ``cm`` tall, growing with its text."""
    row.height = Cm(cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _grid(doc, rows: int, cols: int, widths: list[float]):  # type: ignore[no-untyped-def]
    table = doc.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    return table


def _page_number(paragraph) -> None:  # type: ignore[no-untyped-def]
    for text, instr in (("Page ", "PAGE"), (" of ", "NUMPAGES")):
        paragraph.add_run(text).font.size = Pt(7.5)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), instr)
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "1"
        run.append(t)
        field.append(run)
        paragraph._p.append(field)


def _header(section) -> None:  # type: ignore[no-untyped-def]
    """A two-cell header: an empty slot for the council's logo, then the council's name."""
    header = section.header
    header.paragraphs[0].text = ""
    table = header.add_table(rows=1, cols=2, width=Cm(17))
    _widths(table, [4, 13])
    logo = table.cell(0, 0)
    # The logo slot: a council pastes its logo here in Word (see README: Templates).
    logo.paragraphs[0].text = ""
    table.rows[0].height = Cm(1.6)
    table.rows[0].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    name = table.cell(0, 1).paragraphs[0]
    name.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = name.add_run("{{ council_name }}")
    run.bold = True
    run.font.size = Pt(11)
    run.font.color.rgb = NAVY
    sub = table.cell(0, 1).add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = sub.add_run("Children's Services Quality Assurance")
    run.font.size = Pt(8)
    run.font.color.rgb = NAVY


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
        st.paragraph_format.keep_with_next = True

    _header(section)
    footer = section.footer.paragraphs[0]
    footer.text = "Audit {{ audit_ref }} · {{ framework_name }} · OFFICIAL-SENSITIVE · "
    footer.runs[0].font.size = Pt(7.5)
    _page_number(footer)
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_paragraph("Case file audit tool", style="Title")
    _para(doc, "{{ framework_name }}").runs[0].italic = True
    _para(doc, "{%p if audit_period %}")
    period = doc.add_paragraph()
    period.add_run("Period covered: ").bold = True
    period.add_run("{{ audit_period }}")
    _para(doc, "{%p endif %}")

    details = [
        ("Audit reference", "{{r ref_field }}", None),
        ("Case ID", "{{ case_id }}", None),
        ("Team", "{{ team }}", "team"),
        ("Allocated worker", "{{ worker }}", "worker"),
        ("Case type", "{{ case_type }}", None),
        ("Auditor", "{{ auditor }}", None),
        ("Sampling round", "{{ round_id }}", None),
        ("Issued on", "{{ issued_on }}", None),
        ("Return by", "{{ due_on }}", None),
        ("Date of audit", "{{r f.audit_date }}", None),
        ("Practitioner took part", "{{r f.practitioner_present }}", None),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Rows for facts the case may lack (no child name shown, no team, no worker) are left out.
    for label, value, condition in [("Child", "{{ child_name }}", "child_name"), *details]:
        if condition:
            table.add_row().cells[0].text = "{%tr if " + condition + " %}"
        row = table.add_row()
        _label(row.cells[0], label)
        if value.startswith("{{r"):
            row.cells[1].paragraphs[0].add_run(value)
        else:
            row.cells[1].text = value
        if condition:
            table.add_row().cells[0].text = "{%tr endif %}"
    _widths(table, [5, 12])
    _keep_rows(table)

    _para(doc, "{%p if case_facts %}")
    doc.add_heading("What the case list says", level=1)
    _intro(
        doc,
        "Facts from the case list when the case was sampled, with the days since each date on "
        "the day this form was issued. Check them against the file.",
    )
    ft = _grid(doc, 3, 4, [5, 4.5, 2.5, 5])
    for i, title in enumerate(("Fact", "Date or value", "Days since", "Timescale")):
        _label(ft.cell(0, i), title)
    ft.cell(1, 0).text = "{%tr for c in case_facts %}"
    for i, key in enumerate(("label", "value", "since", "flag")):
        ft.cell(2, i).text = "{{ c." + key + " }}"
    ft.add_row().cells[0].text = "{%tr endfor %}"
    _keep_rows(ft)
    _header_row(ft)
    _para(doc, "{%p endif %}")

    doc.add_heading("How to complete this audit", level=1)
    for line in (
        "Complete the audit with the practitioner where you can. Click a grey box to type in it.",
        # A framework without indicators, or without a limit on due dates, gets no rule it lacks.
        "For each area, read what good looks like{% if has_indicators %}, tick each indicator "
        "that applies{% endif %}, choose a grade from the drop-down and explain why: every grade "
        "needs a rationale that refers to evidence on the file.{% if not_applicable %} Where an "
        "area does not apply to this case, choose 'Not applicable': it needs no rationale, but "
        "do not leave the area blank.{% endif %}",
        "Agree SMART actions: what will be done, by whom and by when (a real date{% if "
        "action_days %} within {{ action_days }} days of the audit{% endif %}, never 'ASAP'), how "
        "you will know it worked, and its impact on the child.{% if immediate_days %} Tick "
        "Immediate for an action due within {{ immediate_days }} working days.{% endif %} Add "
        "rows to the actions table if you need more.",
        "Save the file as a Word document (.docx) and send it to the QA admin team. Do not rename "
        "or retype the audit reference.",
    ):
        _para(doc, line, style="List Bullet")
    # Where the grades come from, when the framework sets none of its own.
    _para(doc, "{%p if grade_note %}")
    _para(doc, "{{ grade_note }}", style="List Bullet")
    _para(doc, "{%p endif %}")
    # What the council's own framework tells its auditors, in its words.
    _para(doc, "{%p if guidance %}")
    doc.add_heading("The framework's guidance", level=2)
    _para(doc, "{%p for line in guidance %}")
    _para(doc, "{{ line }}", style="List Bullet")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if descriptors %}")
    doc.add_heading("What each grade means", level=2)
    gt = _grid(doc, 3, 2, [5, 12])
    _label(gt.cell(0, 0), "Grade")
    _label(gt.cell(0, 1), "Descriptor")
    gt.cell(1, 0).text = "{%tr for g in descriptors %}"
    gt.cell(2, 0).text = "{{ g.grade }}"
    gt.cell(2, 0).paragraphs[0].runs[0].bold = True
    gt.cell(2, 1).text = "{{ g.text }}"
    gt.add_row().cells[0].text = "{%tr endfor %}"
    _keep_rows(gt, together=False)
    _header_row(gt)
    _para(doc, "{%p endif %}")

    _add_concern_block(doc)
    _add_previous_audit_block(doc)

    doc.add_heading("Practice areas", level=1)
    _para(doc, "{%p for d in domains %}")
    doc.add_heading("{{ loop.index }}. {{ d.title }}", level=2)
    dt = _grid(doc, 6, 2, [5, 12])  # the last row is removed below
    _label(dt.cell(0, 0), "What good looks like")
    cell = dt.cell(0, 1)
    cell.paragraphs[0].text = "{%p for prompt in d.prompts %}"
    cell.add_paragraph("• {{ prompt }}")
    cell.add_paragraph("{%p endfor %}")
    dt.cell(1, 0).text = "{%tr for g in d.indicators %}"
    _label(dt.cell(2, 0), "Indicators of {{ g.grade }}")
    ind = dt.cell(2, 1)
    ind.paragraphs[0].text = "{%p for i in g.boxes %}"
    p = ind.add_paragraph()
    # One line per box, no gap: an area's indicators, grade and rationale then fit on one page
    # (West Sussex's Assessment tool has 33 indicators).
    p.paragraph_format.space_after = Pt(0)
    p.add_run("{{r i.box }}")
    p.add_run(" {{ i.text }}")
    ind.add_paragraph("{%p endfor %}")
    dt.cell(3, 0).text = "{%tr endfor %}"
    # Grade and rationale share one row so a page never separates them.
    grade_label = dt.cell(4, 0)
    _label(grade_label, "Grade")
    grade_label.add_paragraph().add_run("Rationale and evidence").bold = True
    dt.cell(4, 1).paragraphs[0].add_run("{{r d.grade }}")
    dt.cell(4, 1).add_paragraph().add_run("{{r d.rationale }}")
    _min_height(dt.rows[4], 3.5)
    dt._tbl.remove(dt.rows[5]._tr)
    _keep_rows(dt)
    _para(doc, "{%p endfor %}")

    _para(doc, "{%p for s in text_sections %}")
    doc.add_heading("{{ s.title }}", level=1)
    _para(doc, "{%p for q in s.questions %}")
    _para(doc, "{{ q }}", style="List Bullet").paragraph_format.keep_with_next = True
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if s.hint %}")
    hint = _para(doc, "{{ s.hint }}")
    hint.runs[0].italic = True
    hint.paragraph_format.keep_with_next = True
    _para(doc, "{%p endif %}")
    box = _grid(doc, 1, 1, [17])
    box.cell(0, 0).paragraphs[0].add_run("{{r s.box }}")
    _min_height(box.rows[0], 3.5)
    _keep_rows(box)
    _para(doc, "{%p endfor %}")

    _para(doc, "{%p if missing_history %}")
    doc.add_heading("{{ missing_history.title }}", level=1)
    _para(doc, "{%p for q in missing_history.questions %}")
    question = _para(doc, "{{ q }}")
    question.runs[0].italic = True
    question.paragraph_format.keep_with_next = True
    _para(doc, "{%p endfor %}")
    mh = _grid(doc, 2, 2, [5, 12])
    _label(mh.cell(0, 0), "Historical information missing or not accessible")
    mh.cell(0, 1).paragraphs[0].add_run("{{r missing_history.box }}")
    mh.cell(0, 1).paragraphs[0].add_run(" Tick if so")
    _label(mh.cell(1, 0), "What was missing, and how it affected the work")
    mh.cell(1, 1).paragraphs[0].add_run("{{r missing_history.details }}")
    _min_height(mh.rows[1], 3)
    _keep_rows(mh)
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if agencies %}")
    doc.add_heading("Agency contributions", level=1)
    for label, key in (
        ("Lead", "lead"),
        ("Contribution", "contribution"),
        ("Finding", "finding"),
    ):
        _para(doc, "{%p if agency_wording." + key + " %}")
        p = doc.add_paragraph()
        p.paragraph_format.keep_with_next = True
        p.add_run(label + ": ").bold = True
        p.add_run("{{ agency_wording." + key + " }}").italic = True
        _para(doc, "{%p endif %}")
    _para(doc, "{%p for a in agencies %}")
    ag = _grid(doc, 4, 2, [5, 12])
    for i, (label, value) in enumerate(
        (
            ("Agency", "{{r a.name }}"),
            ("Agency lead", "{{r a.lead }}"),
            ("Contribution", "{{r a.contribution }}"),
            ("Finding", "{{r a.finding }}"),
        )
    ):
        _label(ag.cell(i, 0), label)
        ag.cell(i, 1).paragraphs[0].add_run(value)
    _min_height(ag.rows[2], 2)
    _min_height(ag.rows[3], 2)
    _keep_rows(ag)
    _para(doc, "")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")

    doc.add_heading("Overall judgement", level=1)
    ot = _grid(doc, 2, 2, [5, 12])
    _label(ot.cell(0, 0), "Overall grade")
    ot.cell(0, 1).paragraphs[0].add_run("{{r f.overall_grade }}")
    _label(ot.cell(1, 0), "Overall rationale")
    ot.cell(1, 1).paragraphs[0].add_run("{{r f.overall_rationale }}")
    _min_height(ot.rows[1], 4)
    _keep_rows(ot)

    doc.add_heading("SMART actions", level=1)
    _intro(
        doc,
        "One action per row: specific and measurable, with a named owner and a due date. "
        "Add or delete rows as needed.",
    )
    # Only a framework with immediate actions (Bracknell's) has the Immediate column; the other
    # table gives its width to the columns that are written in.
    _para(doc, "{%p if asks_immediate %}")
    _add_actions_table(doc, _SMART, [1.0, 3.8, 2.3, 2.3, 2.5, 2.7, 2.4])
    _para(doc, "{%p else %}")
    _add_actions_table(doc, _SMART[1:], [1.0, 4.6, 2.5, 2.8, 3.3, 2.8])
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if sections.moderation %}")
    doc.add_heading("{{ moderation.title }}", level=1)
    _para(doc, "{%p for q in moderation.questions %}")
    _para(doc, "{{ q }}", style="List Bullet").paragraph_format.keep_with_next = True
    _para(doc, "{%p endfor %}")
    _intro(
        doc,
        "For the moderator: confirm or change the auditor's overall grade. If you change it, say why.",
    )
    # West Sussex, Step 6: "Moderation meeting with auditor and practitioner or group
    # moderation": the type is asked where the framework names kinds of moderation.
    mt = _grid(doc, 7, 2, [5, 12])
    for i, (label, value) in enumerate(
        (
            ("Moderator", "{{r f.moderator }}"),
            ("{%tr if moderation.kind %}", None),
            ("Type of moderation", "{{r moderation.kind }}"),
            ("{%tr endif %}", None),
            ("Moderated grade", "{{r f.moderated_grade }}"),
            ("Reason for any change", "{{r f.moderation_reason }}"),
            ("Date moderated", "{{r f.moderation_date }}"),
        )
    ):
        if value is None:
            mt.cell(i, 0).text = label
            continue
        _label(mt.cell(i, 0), label)
        mt.cell(i, 1).paragraphs[0].add_run(value)
    _min_height(mt.rows[5], 2.5)
    _keep_rows(mt)
    _add_moderated_domains_block(doc)
    _para(doc, "{%p endif %}")

    doc.core_properties.title = "Case file audit tool"
    doc.core_properties.author = "qaf_docs"
    doc.save(str(path))


# SMART actions (issue 10): Bracknell's immediate actions, West Sussex's success criteria and
# "an analysis of the impact on the child of the actions proposed".
_SMART = (
    ("Immediate", "{{r a.immediate }}"),
    ("Success criterion", "{{r a.success }}"),
    ("Impact on the child", "{{r a.impact }}"),
)


def _add_actions_table(doc, smart, widths: list[float]) -> None:  # type: ignore[no-untyped-def]
    """The actions table: number, action, owner, due date and the ``smart`` (title, tag) columns."""
    at = doc.add_table(rows=3, cols=4 + len(smart))
    at.style = "Table Grid"
    for i, title in enumerate(("No.", "Action", "Owner", "Due date", *(t for t, _ in smart))):
        _label(at.cell(0, i), title)
    at.cell(0, 1).paragraphs[0].add_run("{{r actions_marker }}")
    at.cell(1, 0).text = "{%tr for a in actions %}"
    at.cell(2, 0).text = "{{ a.number }}"
    at.cell(2, 1).paragraphs[0].add_run("{{r a.description }}")
    at.cell(2, 2).paragraphs[0].add_run("{{r a.owner }}")
    at.cell(2, 3).paragraphs[0].add_run("{{r a.due }}")
    for i, (_, tag) in enumerate(smart, start=4):
        at.cell(2, i).paragraphs[0].add_run(tag)
    _min_height(at.rows[2], 1.2)
    end_row = at.add_row()
    end_row.cells[0].text = "{%tr endfor %}"
    _widths(at, widths)
    _keep_rows(at, together=False)
    _header_row(at)


def _add_moderated_domains_block(doc) -> None:  # type: ignore[no-untyped-def]
    """The moderator's grade for each practice area, beside the overall one (issue 10)."""
    _intro(doc, "Moderated grade for each practice area (leave blank where you agree):")
    dt = _grid(doc, 3, 2, [9, 8])
    _label(dt.cell(0, 0), "Practice area")
    _label(dt.cell(0, 1), "Moderated grade")
    dt.cell(1, 0).text = "{%tr for d in domains %}"
    dt.cell(2, 0).text = "{{ d.title }}"
    dt.cell(2, 1).paragraphs[0].add_run("{{r d.moderated_grade }}")
    dt.add_row().cells[0].text = "{%tr endfor %}"
    _keep_rows(dt, together=False)
    _header_row(dt)


def _add_concern_block(doc) -> None:  # type: ignore[no-untyped-def]
    """The immediate safeguarding concern: a box to tick and what it is (issue 10)."""
    doc.add_heading("Immediate safeguarding concern", level=1)
    _intro(
        doc,
        "If you find a concern for the child's safety that needs action now, tick the box and say "
        "what it is. Raise it today with {{ concern_roles }}; do not wait for this form to be "
        "returned. The QA team records it even if something else on the form has to be corrected.",
    )
    ct = _grid(doc, 2, 2, [5, 12])
    _label(ct.cell(0, 0), "Immediate safeguarding concern")
    ct.cell(0, 1).paragraphs[0].add_run("{{r f.concern }}")
    _label(ct.cell(1, 0), "What the concern is and who was told")
    ct.cell(1, 1).paragraphs[0].add_run("{{r f.concern_text }}")
    _min_height(ct.rows[1], 2.5)
    _keep_rows(ct)


def _add_previous_audit_block(doc) -> None:  # type: ignore[no-untyped-def]
    """On a re-audit: the earlier audit's grades, rationales and actions with their status (issue 10)."""
    _para(doc, "{%p if previous %}")
    doc.add_heading("{{ previous.title }}", level=1)
    _intro(
        doc,
        "This is a re-audit of {{ previous.audit_ref }} (audited {{ previous.audit_date }}, "
        "graded {{ previous.grade }}). Review progress on each earlier action with the "
        "practitioner before grading the practice areas again.",
    )
    gt = _grid(doc, 3, 3, [4.5, 3.5, 9])
    for i, title in enumerate(("Practice area", "Earlier grade", "Earlier rationale")):
        _label(gt.cell(0, i), title)
    gt.cell(1, 0).text = "{%tr for d in previous.domains %}"
    gt.cell(2, 0).text = "{{ d.domain }}"
    gt.cell(2, 1).text = "{{ d.grade }}"
    gt.cell(2, 2).text = "{{ d.rationale }}"
    gt.add_row().cells[0].text = "{%tr endfor %}"
    _keep_rows(gt, together=False)
    _header_row(gt)
    _intro(doc, "Earlier actions and their status at this re-audit:")
    pt = _grid(doc, 3, 4, [8, 3.5, 2.5, 3])
    for i, title in enumerate(("Earlier action", "Held by", "Was due", "Status at re-audit")):
        _label(pt.cell(0, i), title)
    pt.cell(1, 0).text = "{%tr for a in previous.actions %}"
    pt.cell(2, 0).text = "{{ a.description }}"
    pt.cell(2, 1).text = "{{ a.owner }}"
    pt.cell(2, 2).text = "{{ a.due_on }}"
    pt.cell(2, 3).text = "{{ a.status }}"
    pt.add_row().cells[0].text = "{%tr endfor %}"
    _keep_rows(pt, together=False)
    _header_row(pt)
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
        # Column A is the narrow "No." column, so a long label wraps rather than spilling over.
        ws.cell(row=i, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=i, column=2, value=value).alignment = Alignment(vertical="top")
    ws.row_dimensions[3].height = 27
    ws["A8"] = (
        "Managers: update Status, Completion date and Evidence for each action, sign off each "
        "completed action (your name and the date), save, and send the file back to the QA "
        "admin team. Overdue is worked out for you."
    )
    ws["A8"].font = Font(italic=True, color="595959")
    ws["A8"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A8:J8")
    ws.row_dimensions[8].height = 30
    # What the audit's framework says about actions, in its words (qaf sets the row's height to
    # fit them; a framework that says nothing leaves the row empty).
    ws["A9"] = "{{ action_guidance }}"
    ws["A9"].font = Font(color="1F3A5F")
    ws["A9"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A9:J9")
    header_row = 10
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
        # White rules between header cells so neighbouring headers never read as one.
        white = Side(style="thin", color="FFFFFF")
        c.border = Border(bottom=thin, left=white, right=white)
    ws.row_dimensions[header_row].height = 30
    ws.cell(row=header_row + 1, column=1, value="{{ actions }}")
    for row in range(header_row + 1, header_row + 1 + ACTION_ROWS):
        ws.cell(row=row, column=4).number_format = "DD/MM/YYYY"
        ws.cell(row=row, column=6).number_format = "DD/MM/YYYY"
        ws.cell(row=row, column=10).number_format = "DD/MM/YYYY"
        for col in range(1, 11):
            ws.cell(row=row, column=col).alignment = Alignment(
                wrap_text=col in (2, 3, 7, 9), vertical="top"
            )
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
    for col, width in zip("ABCDEFGHIJ", (11, 44, 18, 11, 13, 12, 36, 9, 18, 12), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:J{last}"
    fit_to_page(ws, landscape=True, title_rows=f"{header_row}:{header_row}")
    wb.properties.title = "Action tracker"
    wb.save(path)


# A made-up roster whose teams are those of the public Annex A sample, with every tier-one role,
# so `qaf sample` runs straight after `qaf init`; the council replaces the people. It is complete
# for those teams, as a council's own must be for its teams, so the README's walk-through reads
# no warning about the roster: everyone the default framework (collaborative-audit) writes to is
# on it. A team's Team Manager and Service Manager (one row per team they manage: qaf never sends
# one team's news to another team's manager); the council-wide roles with no team (Head of
# Service, the Assistant Directors, the Executive Director, QA Head of Service, the Quality
# Assurance Team's mailbox, Moderators); and the practitioners, named as the case list's
# Allocated Worker. A row with no monthly capacity is someone qaf writes to, never an auditor.
_C = "council.example"
_TEAM_MANAGERS = [
    ("Jo Exemplar", "Care Leavers Team"),
    ("Kit Mockup", "Children in Care Team 1"),
    ("Lou Prototype", "Children in Care Team 2"),
    ("Lou Prototype", "Children in Care Team 3"),
    ("Max Draft", "Children with Disabilities Team"),
    ("Nia Pattern", "Locality 2 Duty Team"),
    ("Ola Proxy", "Locality 2 Unit 1"),
    ("Pip Outline", "Locality 3 Duty Team"),
    ("Quin Replica", "Locality 3 Unit 2"),
    ("Ros Facsimile", "Locality 4 Unit 1"),
    ("Ros Facsimile", "Locality 4 Unit 2"),
]  # Locality 4 Duty Team's is Dee Specimen, who audits too
_SERVICE_MANAGERS = [
    ("Eli Model", "Locality 3 Unit 2"),  # and Locality 3 Duty Team, on the row where Eli audits
    ("Eli Model", "Locality 2 Duty Team"),
    ("Eli Model", "Locality 2 Unit 1"),
    ("Tam Stub", "Locality 4 Duty Team"),
    ("Tam Stub", "Locality 4 Unit 1"),
    ("Tam Stub", "Locality 4 Unit 2"),
    ("Val Sketch", "Care Leavers Team"),
    ("Val Sketch", "Children in Care Team 1"),
    ("Val Sketch", "Children in Care Team 2"),
    ("Val Sketch", "Children in Care Team 3"),
    ("Val Sketch", "Children with Disabilities Team"),
]
_COUNCIL_WIDE = [
    ("Wyn Outline", "Head of Service"),
    ("Xan Copy", "Assistant Director for Safeguarding, Quality and Practice"),
    ("Yas Mock", "Assistant Director"),
    ("Zed Filler", "Executive Director of Children, Young People and Learning"),
    ("Abi Standin", "QA Head of Service"),
    ("Bea Sampler", "Moderator"),
    ("Cal Trialist", "Moderator"),
]
_PRACTITIONERS = {  # the public Annex A sample's allocated workers, by team
    "Care Leavers Team": [
        "Aayan Wormald",
        "Brandon-Lee Hampton",
        "Cassius Mccarthy",
        "Emir Dyer",
        "Jae Vang",
        "Stefan Rees",
    ],
    "Children in Care Team 1": ["Eugene Swift", "Lexie Defore", "Wyatt Hammond"],
    "Children in Care Team 2": ["Fatimah Davison"],
    "Children in Care Team 3": ["Hallie Erwin", "Isis Chandler"],
    "Children with Disabilities Team": ["Delta Arthur"],
    "Locality 2 Duty Team": ["Janee Garwood"],
    "Locality 2 Unit 1": ["Verdell Arp"],
    "Locality 3 Duty Team": ["Oswaldo Gowin", "Reagan Mor"],
    "Locality 3 Unit 2": ["Franciszek Hampton"],
    "Locality 4 Duty Team": ["Mathilde Cutsforth"],
    "Locality 4 Unit 1": ["Ezra Leigh", "Petra Wills", "Rose Cunningham", "Stevie Greenwood"],
    "Locality 4 Unit 2": ["Marty Gonsalves"],
}


def _address(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{_C}"


SAMPLE_ROSTER: list[tuple[str, str, str, str | None, int | None]] = [
    ("Alex Example", f"alex.example@{_C}", "Deputy Team Manager", "Locality 4 Unit 1", 1),
    ("Bo Sample", f"bo.sample@{_C}", "Deputy Team Manager", "Care Leavers Team", 1),
    ("Cam Placeholder", f"cam.placeholder@{_C}", "Deputy Team Manager", "Children in Care Team 1", 1),
    ("Dee Specimen", f"dee.specimen@{_C}", "Team Manager", "Locality 4 Duty Team", 1),
    ("Eli Model", f"eli.model@{_C}", "Service Manager", "Locality 3 Duty Team", 2),
    ("Fay Instance", f"fay.instance@{_C}", "Principal Social Worker", None, 4),
    ("Gus Template", f"gus.template@{_C}", "Divisional Director", None, 2),
    ("Hal Dummy", f"hal.dummy@{_C}", "QA Auditor", "Quality Assurance", 8),
    ("Ivy Trial", f"ivy.trial@{_C}", "QA Auditor", "Quality Assurance", 8),
    *((name, _address(name), "Team Manager", team, None) for name, team in _TEAM_MANAGERS),
    *((name, _address(name), "Service Manager", team, None) for name, team in _SERVICE_MANAGERS),
    *((name, _address(name), role, None, None) for name, role in _COUNCIL_WIDE),
    ("Quality Assurance Team", f"quality.assurance@{_C}", "Quality Assurance Team", None, None),
    *(
        (name, _address(name), "Social Worker", team, None)
        for team, names in _PRACTITIONERS.items()
        for name in names
    ),
]  # fmt: skip


def build_roster(path: Path) -> None:
    """Write the sample roster: auditors and everyone qaf writes to, the columns qaf reads."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Roster"
    header = ["Name", "Email", "Role", "Team", "Monthly capacity"]
    for c, title in enumerate(header, start=1):
        cell = ws.cell(row=1, column=c, value=title)
        cell.font = Font(bold=True)
    for r, row in enumerate(SAMPLE_ROSTER, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    for letter, width in zip("ABCDE", (22, 34, 26, 26, 18), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    fit_to_page(ws, landscape=True)
    wb.properties.title = "Roster (example: replace with your own people)"
    wb.save(path)


if __name__ == "__main__":
    # A folder given on the command line gets the files instead of templates/ (to compare first).
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    build_audit_tool(out / "audit_tool.docx")
    build_action_tracker(out / "action_tracker.xlsx")
    build_roster(out / "roster.xlsx")
    print(
        f"wrote {out / 'audit_tool.docx'}, {out / 'action_tracker.xlsx'} and {out / 'roster.xlsx'}"
    )
