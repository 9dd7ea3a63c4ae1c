"""A case note as a one-page Word document, for councils that attach documents to the record.

The same words as the text note: the heading, what happened, the facts as a two-column table, the
sections, and the actions as a table with their owners and due dates; the audit reference sits in
the footer of every page. The document's properties carry the heading and audit reference, never a
child's name.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Cm, Pt
from docx.table import Table

from qaf_docs.outcomes.case_note import CaseNote


def write_note_docx(note: CaseNote, path: Path) -> None:
    """Write ``note`` to ``path`` as a .docx (A4, compact enough for one page)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    doc.add_heading(note.heading, level=1)
    doc.add_paragraph(note.happened)
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in note.facts:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True
    _widths(facts, (4.0, 13.0))
    for title, items in note.sections:
        doc.add_heading(title, level=2)
        for item in items:
            doc.add_paragraph(
                item.removeprefix("- "), style="List Bullet" if item.startswith("- ") else None
            )
    if note.actions:
        doc.add_heading("Actions", level=2)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, title in zip(
            table.rows[0].cells, ("Action", "Owner", "Due", "Progress"), strict=True
        ):
            cell.text = title
            cell.paragraphs[0].runs[0].bold = True
        for what, owner, due, state in note.actions:
            cells = table.add_row().cells
            for cell, value in zip(cells, (what, owner, due, state), strict=True):
                cell.text = value
        _widths(table, (8.0, 3.5, 2.3, 3.2))
    reference = doc.add_paragraph(note.reference)
    reference.runs[0].italic = True
    reference.paragraph_format.space_before = Pt(8)
    section.footer.paragraphs[0].text = note.reference
    props = doc.core_properties
    props.title, props.subject, props.author = note.heading, note.reference, "qaf"
    props.comments = ""
    doc.save(str(path))


def _widths(table: Table, cm: tuple[float, ...]) -> None:
    """Fix the columns' widths (Word reads the cells', LibreOffice the grid's)."""
    table.autofit = False
    for column, width in zip(table.columns, cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
