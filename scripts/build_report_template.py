"""Build templates/quarterly_report.docx, the council-editable period and round report.

It is an ordinary Word document with docxtpl / Jinja tags: a council changes the wording, adds a logo
or restyles headings in Word. Tables repeat rows with ``{%tr for … %}``; charts arrive as pictures.

    python scripts/build_report_template.py            # rewrites templates/quarterly_report.docx
    python scripts/build_report_template.py /tmp/out   # writes /tmp/out/quarterly_report.docx

The committed template must be what this script writes (tests/test_template_builders.py checks
it): change the design here, not in Word.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "templates" / "quarterly_report.docx"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)


def _shade(cell, fill: str) -> None:  # type: ignore[no-untyped-def]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def table(  # type: ignore[no-untyped-def]
    doc,
    headers: list[str],
    loop: str,
    cells: list[str],
    total: list[str] | None = None,
    *,
    otherwise: str | None = None,
    end_if: bool = False,
    named: bool = False,
) -> None:
    """Add a table: header row, one repeated row per item of ``loop``, and a totals row.

    The table may end a ``{%p if … %}`` opened before it: ``otherwise`` is the sentence printed
    in its place (``{%p else %}``), and with ``end_if`` (or ``otherwise``) a ``{%p endif %}``
    follows the table, before the blank line that ends it. ``named``: the first column holds
    names (teams, domains, periods) and the others figures, so the names get the room.
    """
    t = doc.add_table(rows=4 + (1 if total else 0), cols=len(headers))
    t.style = "Table Grid"
    if named:
        _name_column_wide(t, len(headers))
    for i, h in enumerate(headers):
        cell = t.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(h)
        run.bold = True
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, "1F3A5F")
    _repeat_header(t.rows[0])
    t.rows[1].cells[0].text = "{%tr for r in " + loop + " %}"
    for i, c in enumerate(cells):
        t.rows[2].cells[i].text = "{{ " + c + " }}"
    t.rows[3].cells[0].text = "{%tr endfor %}"
    if total:
        for i, c in enumerate(total):
            cell = t.rows[4].cells[i]
            cell.text = ""
            cell.paragraphs[0].add_run(c).bold = True
            _shade(cell, "DCE6F0")
    if otherwise is not None:
        doc.add_paragraph("{%p else %}")
        doc.add_paragraph(otherwise)
    if end_if or otherwise is not None:
        doc.add_paragraph("{%p endif %}")
    doc.add_paragraph()


#: The page's text width (A4 less 2 cm margins each side) and the share a name column takes: a
#: name such as "Children in Care Team 1" or "Intervention and visiting" stays on one line
#: where equal columns broke it, and the figures' columns still fit their headings.
_TEXT_WIDTH = Cm(17)
_NAME_SHARE = 0.4


def _name_column_wide(t, columns: int) -> None:  # type: ignore[no-untyped-def]
    """Give a table's first column ``_NAME_SHARE`` of the width and share the rest evenly."""
    t.autofit = False
    first = int(_TEXT_WIDTH * _NAME_SHARE)
    widths = [first] + [int((_TEXT_WIDTH - first) / (columns - 1))] * (columns - 1)
    for column, width in zip(t.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _field(paragraph, code: str) -> None:  # type: ignore[no-untyped-def]
    """Add a Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in as they lay out pages."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {code} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def page_numbers(paragraph) -> None:  # type: ignore[no-untyped-def]
    """Write "Page X of Y" in ``paragraph``, right-aligned."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")


def build(path: Path) -> None:
    """Write the report template."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2"):
        doc.styles[name].font.color.rgb = NAVY
        doc.styles[name].font.name = "Arial"
    section.footer.paragraphs[0].text = "{{ council }} · {{ title }} · OFFICIAL-SENSITIVE"
    page_numbers(section.footer.add_paragraph())

    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph(
        "{{ council }} · quality assurance of children's social care case files · built {{ built }}"
    )
    doc.add_paragraph(
        "This report covers {{ covers }}. Practitioners are not named: workers "
        "appear as Worker A, Worker B … within this report only. Figures agree with the QA tracker."
    )
    doc.add_paragraph("{%p if report_questions %}")
    doc.add_paragraph("The framework asks this report to answer:")
    doc.add_paragraph("{%p for q in report_questions %}")
    doc.add_paragraph("{{ q }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph(
        "The sections below give what answers them: how much was audited and returned; how good "
        "practice was (grades, moderation, actions); what children, families, practitioners "
        "and agencies said; and "
        "whether anyone is better off (the trend over earlier periods and re-audit outcomes)."
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("Summary", level=1)
    doc.add_paragraph("{%p if not headline.planned %}")
    doc.add_paragraph("There were no audits in {{ period_title }}, so there is nothing to report.")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{{ headline.returns_line }}", style="List Bullet")
    doc.add_paragraph("{%p if headline.graded %}")
    # The sentences are written in reports/summary.py: their wording depends on the figures.
    doc.add_paragraph("{{ headline.grades_line }}", style="List Bullet")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("No audit has a final grade yet.", style="List Bullet")
    doc.add_paragraph("{%p endif %}")
    # Against the previous quarter or round, where there is one to compare with.
    doc.add_paragraph("{%p if compared %}")
    doc.add_paragraph("{{ compared }}", style="List Bullet")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if headline.moderated %}")
    doc.add_paragraph("{{ headline.moderation_line }}", style="List Bullet")
    doc.add_paragraph("{%p elif moderates %}")
    doc.add_paragraph("No audit has been moderated yet.", style="List Bullet")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph(
        "These audits are not moderated: the framework's audit tool has no moderation step.",
        style="List Bullet",
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if headline.actions_due %}")
    doc.add_paragraph(
        "{{ headline.on_time_share }} of actions due ({{ headline.actions_on_time }} of "
        "{{ headline.actions_due }}) were completed on time.",
        style="List Bullet",
    )
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("No agreed action has fallen due yet.", style="List Bullet")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")

    doc.add_heading("How much did we do", level=1)
    # No tables of noughts for a period without audits: the Summary has said so.
    doc.add_paragraph("{%p if not headline.planned %}")
    doc.add_paragraph("No audit was planned or returned in this {{ scope }}.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for b in how_much %}")
    doc.add_heading("Completed against plan by {{ b.label | lower }}", level=2)
    table(
        doc,
        ["{{ b.label }}", "Planned", "Returned", "Completion"],
        "b.rows",
        ["r.name", "r.planned", "r.returned", "r.completion"],
        ["Total", "{{ b.total.planned }}", "{{ b.total.returned }}", "{{ b.total.completion }}"],
        named=True,
    )
    doc.add_paragraph("{%p endfor %}")
    # A table of one row (every audit of one team, case type or kind of round) is left out: say so.
    doc.add_paragraph("{%p if how_much_same %}")
    doc.add_paragraph("{{ how_much_same }}")
    doc.add_paragraph("{%p endif %}")
    # Only for a period with audits of tier-one rounds (B&NES: "a quarterly report to CLT
    # summarising tier one audit activity"); the figures and sentences come from reports/tier_one.py.
    doc.add_paragraph("{%p if tier_one %}")
    doc.add_heading("Tier one audit activity", level=2)
    doc.add_paragraph("{{ tier_one.how }}")
    table(
        doc,
        ["Auditor role", "Monthly number each", "People on the roster", "Expected", "Returned",
         "Share"],
        "tier_one.rows",
        ["r.role", "r.monthly", "r.people", "r.expected", "r.returned", "r.share"],
        ["Total", "", "{{ tier_one.total.people }}", "{{ tier_one.total.expected }}",
         "{{ tier_one.total.returned }}", "{{ tier_one.total.share }}"],
    )  # fmt: skip
    doc.add_paragraph("{{ tier_one.cycle }} {{ tier_one.coverage }}")
    doc.add_paragraph("{%p if tier_one.concerns %}")  # B&NES: what is done about the concerns
    found = doc.add_paragraph()  # a label never left alone at the foot of a page
    found.add_run("What these audits found and what is being done").bold = True
    found.paragraph_format.keep_with_next = True
    doc.add_paragraph("{%p for s in tier_one.concerns %}")
    doc.add_paragraph("{{ s }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if themes or asks_theme %}")
    doc.add_heading("{{ theme_title }}", level=2)
    doc.add_paragraph("{%p if themes %}")
    table(doc, ["{{ theme_title }}", "Audits"], "themes", ["r.name", "r.audits"])
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("No returned audit in this {{ scope }} records its theme.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")

    doc.add_heading("How well did we do it", level=1)
    # A period with nothing graded says so in a sentence, not in tables of 0 and n/a.
    doc.add_heading("Grades by domain", level=2)
    doc.add_paragraph("{%p if domains_total.graded %}")
    doc.add_paragraph("{{ chart_domains }}")
    table(
        doc,
        ["Domain", "Graded", "Good or better", "Below good", "Good or better %"],
        "domains",
        ["r.name", "r.graded", "r.good", "r.below", "r.good_share"],
        [
            "Total",
            "{{ domains_total.graded }}",
            "{{ domains_total.good }}",
            "{{ domains_total.below }}",
            "{{ domains_total.good_share }}",
        ],
        otherwise="No practice area has a grade in this {{ scope }} yet, so there is nothing to "
        "chart or count by domain.",
        named=True,
    )
    doc.add_heading("Grades by team", level=2)
    # Every graded audit of one team: a chart of one bar and a table of one row compare nothing.
    doc.add_paragraph("{%p if teams_one %}")
    doc.add_paragraph("{{ teams_one }}")
    doc.add_paragraph("{%p elif headline.graded %}")
    doc.add_paragraph("{{ chart_teams }}")
    table(
        doc,
        ["Team", "Graded", "Good or better", "Inadequate"],
        "teams.rows",
        ["r.name", "r.graded", "r.good", "r.inadequate"],
        [
            "Total",
            "{{ teams.total.graded }}",
            "{{ teams.total.good }}",
            "{{ teams.total.inadequate }}",
        ],
        otherwise="No audit in this {{ scope }} has a final grade yet, so there is nothing to "
        "show by team.",
        named=True,
    )
    doc.add_heading("Variation between workers", level=2)
    doc.add_paragraph("{%p if workers_one %}")
    doc.add_paragraph("{{ workers_one }}")
    doc.add_paragraph("{%p elif headline.graded %}")
    table(
        doc,
        ["Worker", "Graded", "Good or better", "Inadequate"],
        "workers.rows",
        ["r.name", "r.graded", "r.good", "r.inadequate"],
        [
            "Total",
            "{{ workers.total.graded }}",
            "{{ workers.total.good }}",
            "{{ workers.total.inadequate }}",
        ],
        otherwise="No audit in this {{ scope }} has a final grade yet, so there is nothing to "
        "show by worker.",
    )
    # A framework without moderation has said so in the summary: no empty Moderation section.
    doc.add_paragraph("{%p if moderates or headline.moderated %}")
    doc.add_heading("Moderation", level=2)
    doc.add_paragraph("{%p if headline.moderated %}")
    doc.add_paragraph(
        "Audits moderated: {{ headline.moderated }}. Grades the moderator changed: "
        "{{ headline.changed }} (the auditor's grade was kept in {{ headline.agreement }} of "
        "them). {{ headline.beyond_chance }}"
    )
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("No audit in this {{ scope }} has been moderated yet.")
    doc.add_paragraph("{%p endif %}")
    # A grade an escalation changed is listed with its decision beside the moderator's changes.
    doc.add_paragraph("{%p if escalation_changed %}")
    doc.add_paragraph(
        "Grades changed after an escalation (a disputed moderation, or the Inadequate pathway): "
        "{{ escalation_changed }}; each is in the table below with the decision."
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if moderation_changes %}")
    table(
        doc,
        ["Audit ref", "Case ID", "Auditor's grade", "Moderated grade", "Reason"],
        "moderation_changes",
        ["r.ref", "r.case", "r.from", "r.to", "r.reason"],
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("Trend against earlier {{ scope }}s", level=2)
    # A trend of one point is a sentence ('No earlier quarter has audits to compare with').
    doc.add_paragraph("{%p if trend_note %}")
    doc.add_paragraph("{{ trend_note }}")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{{ chart_trend }}")
    table(
        doc,
        ["{{ trend.label }}", "Graded", "Good or better", "Inadequate"],
        "trend.rows",
        ["r.name", "r.graded", "r.good", "r.inadequate"],
        end_if=True,
        named=True,
    )
    doc.add_paragraph("{%p if trend_covers %}")  # re-audits are not samples: left out, and said
    doc.add_paragraph("{{ trend_covers }}")
    doc.add_paragraph("{%p endif %}")
    # Deep dives and audits at closure chose their cases on a theme or as they closed, and
    # another framework's audits answer its own questions: left out of the trend, each is
    # reported as its own (B&NES: each deep dive has "an audit report").
    doc.add_paragraph("{%p if own_rounds %}")
    doc.add_heading("Rounds reported on their own", level=2)
    doc.add_paragraph(
        "Each deep dive, round of audits at closure and round of another framework in this "
        "{{ scope }} is reported here as its own: their cases were chosen on a theme or as they "
        "closed, or audited with another framework's tool, so the trend leaves them out (the "
        "Summary's figures count them). Each round has its own round report."
    )
    table(
        doc,
        ["Round", "Planned", "Returned", "Graded", "Good or better", "Inadequate"],
        "own_rounds",
        ["r.name", "r.planned", "r.returned", "r.graded", "r.good", "r.inadequate"],
        end_if=True,
        named=True,
    )

    doc.add_heading("Is anyone better off", level=1)
    doc.add_paragraph("{{ headline.actions_line }}")
    doc.add_heading("Cases audited again", level=2)
    doc.add_paragraph("{{ reaudit_summary }}")
    doc.add_paragraph("{%p if reaudits %}")
    table(
        doc,
        ["Case ID", "Audit ref", "Earlier grade", "Grade now", "Outcome"],
        "reaudits",
        ["r.case", "r.ref", "r.from", "r.to", "r.outcome"],
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("What children and families said", level=2)
    doc.add_paragraph("{%p for v in voices %}")
    doc.add_paragraph("{{ v.who }}: “{{ v.text }}”", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if not voices %}")
    doc.add_paragraph(
        "No returned audit in this {{ scope }} records what children or families said."
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if practitioners or asks_practitioners %}")
    doc.add_heading("What practitioners and their managers said", level=2)
    doc.add_paragraph("{%p for v in practitioners %}")
    doc.add_paragraph("{{ practitioners_title }}: “{{ v }}”", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if not practitioners %}")
    doc.add_paragraph(
        "No returned audit in this {{ scope }} records what practitioners or their managers said."
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if agency_findings or asks_agencies %}")
    doc.add_heading("What agencies found", level=2)
    doc.add_paragraph("{%p for x in agency_findings %}")
    doc.add_paragraph("{{ x.agency }}: {{ x.text }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if not agency_findings %}")
    doc.add_paragraph(
        "No returned audit in this {{ scope }} records an agency's contribution or finding."
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")

    doc.add_heading("Strengths and areas for development", level=1)
    doc.add_paragraph("{%p for d in strengths %}")
    doc.add_paragraph(
        "Strength: {{ d.name }}, {{ d.good_share }} good or better ({{ d.good }} of {{ d.graded }}).",
        style="List Bullet",
    )
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p for d in below_good %}")
    doc.add_paragraph(
        "To develop: {{ d.name }}, {{ d.below_line }}.",
        style="List Bullet",
    )
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if strengths_note %}")
    doc.add_paragraph("{{ strengths_note }}")
    doc.add_paragraph("{%p endif %}")
    # Practice areas graded, none below good and too few to be strengths, are not "not graded".
    doc.add_paragraph("{%p if not domains_total.graded %}")
    doc.add_paragraph("No domain was graded in this {{ scope }}.")
    doc.add_paragraph("{%p elif not below_good %}")
    doc.add_paragraph("No practice area had an audit graded below good in this {{ scope }}.")
    doc.add_paragraph("{%p endif %}")
    # The framework's questions for each area for development (West Sussex's five): what the
    # audits record towards each, written in reports/development.py.
    doc.add_paragraph("{%p if development %}")
    doc.add_paragraph(
        "For each area for development the framework asks the report to explain the questions "
        "below. Beside each is what this {{ scope }}'s audits record towards it, to build on."
    ).paragraph_format.keep_with_next = True
    doc.add_paragraph("{%p for d in development %}")
    doc.add_paragraph().add_run("{{ d.name }}: {{ d.below_line }}").bold = True
    table(
        doc, ["The framework asks", "What the audits record"], "d.rows", ["r.question", "r.answer"]
    )
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("Good practice to share", level=2)
    doc.add_paragraph("{%p for e in examples %}")
    doc.add_paragraph("{{ e.domain }}: “{{ e.text }}”", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if not examples %}")
    doc.add_paragraph("No rationale for a good or better grade in this {{ scope }} yet.")
    doc.add_paragraph("{%p endif %}")

    doc.add_heading("Escalations and concerns", level=1)
    doc.add_paragraph(
        "Re-audits due (final grade inadequate, not yet re-audited): {{ reaudits_due }}.",
        style="List Bullet",
    )
    doc.add_paragraph("Open escalations: {{ escalations }}.", style="List Bullet")
    doc.add_paragraph("Safeguarding concerns raised: {{ concerns }}.", style="List Bullet")
    # A table, not a sentence of "QA-00026 (case C00026, due 06/07/2026); …" in brackets.
    doc.add_paragraph("{%p if missed_reaudits %}")
    doc.add_paragraph(
        "Re-audits that fell due in this period and have not been done: "
        "{{ missed_reaudits | length }}.",
        style="List Bullet",
    )
    table(
        doc,
        ["Audit ref", "Case ID", "Re-audit due"],
        "missed_reaudits",
        ["r.ref", "r.case", "r.due"],
        end_if=True,
    )
    doc.add_paragraph("{%p if missing_history or asks_history %}")
    doc.add_paragraph(
        "{{ history_title }}: {{ missing_history | length }} of {{ history_checked }} returned "
        "audits found historical information missing or hard to reach.",
        style="List Bullet",
    )
    doc.add_paragraph("{%p if missing_history %}")
    table(
        doc,
        ["Audit ref", "Case ID", "What was missing"],
        "missing_history",
        ["r.ref", "r.case", "r.what"],
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")

    doc.add_paragraph("{%p if close_loop %}")
    doc.add_heading("Closing the loop: 6-week and 3-month checkpoints", level=1)
    doc.add_paragraph("{%p if checkpoints %}")
    table(
        doc,
        ["Checkpoint", "Due", "Actions agreed", "Completed by then", "Share", "State", "Found"],
        "checkpoints",
        ["r.name", "r.date", "r.actions", "r.done", "r.share", "r.state", "r.found"],
    )
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{{ checkpoints_note }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")

    doc.add_heading("Actions for the next {{ noun }}", level=1)
    doc.add_paragraph("{%p for s in next_steps %}")
    doc.add_paragraph("{{ s }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.core_properties.title = "Case file audit report"
    doc.save(str(path))


if __name__ == "__main__":
    out = Path(sys.argv[1]) / OUT.name if len(sys.argv) > 1 else OUT  # a folder: to compare first
    out.parent.mkdir(parents=True, exist_ok=True)
    build(out)
    print(f"wrote {out}")
