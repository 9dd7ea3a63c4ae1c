"""A box the auditor or moderator deleted, or replaced, with the answer typed where it was.

Word lets a content control be deleted (select it, press Delete) and the answer typed as plain
text in its place; selecting a box's whole line (a triple click) and pasting replaces the box
with what is pasted. Its tag and bookmark go with it, so the reader finds no field; the page
still shows the answer. It is read from where the box stood: a practice area's grade from the
line of the rationale's cell just above the rationale box, its rationale from the lines of the
grade's cell below the grade box; a field in a labelled row ("Overall grade", "Date of audit",
"Moderated grade" …) from the cell right of its label; both of a practice area's boxes pasted
over, from the cell beside its "Grade" label (the grade its first line). What is read there is
kept with a warning; a required grade not there, or not a grade, is an error saying the box was
deleted, not "no grade chosen" (the person sees the grade they typed).
"""

from __future__ import annotations

import itertools
import re
from datetime import date

from lxml import etree

from qaf_docs.dates import parse_uk_date
from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework, Scale
from qaf_docs.office import field_names as tags
from qaf_docs.office import form_fields as ff
from qaf_docs.office.content_controls import PLACEHOLDERS, W_NS
from qaf_docs.office.shown_text import visible_text
from qaf_docs.returns.form_parts import several_grades, unsettled_grade

_P, _TC, _TR = (f"{{{W_NS}}}{name}" for name in ("p", "tc", "tr"))
_LABEL = re.compile(r"^\s*grade\s*[:\-]?\s*", re.IGNORECASE)
#: Fields in a row of their own, by the label the template prints left of them.
_LABELLED = {
    "qaf_overall_grade": ("overall grade",),
    "qaf_overall_rationale": ("overall rationale",),
    "qaf_audit_date": ("date of audit",),
    "qaf_moderator": ("moderator",),
    "qaf_moderated_grade": ("moderated grade",),
    "qaf_moderation_reason": ("reason for any change", "reason for change"),
    "qaf_moderation_date": ("date moderated",),
}
_MODERATION = {
    "qaf_moderator",
    "qaf_moderated_grade",
    "qaf_moderation_reason",
    "qaf_moderation_date",
}
#: Grades a form must give: their box deleted with nothing in its place is itself worth saying.
_REQUIRED = "qaf_overall_grade"


def typed_in_place(root: etree._Element, scan: ff.FormScan, framework: Framework) -> dict[str, str]:
    """What stands where each deleted box was, by the box's field name. A box that is there, or
    whose place cannot be found, is left out; so is an empty place, but for a required grade."""
    typed: dict[str, str] = {}
    for d in framework.domains:
        grade, rationale = f"qaf_grade_{d.key}", f"qaf_rationale_{d.key}"
        fields, marks = scan.fields, scan.bookmarks
        if (
            grade not in fields
            and rationale not in fields
            and not (grade in marks or rationale in marks)
        ):
            # Both boxes gone with their bookmarks (the cell's content pasted over): the cell's
            # first line is the grade, the rest the rationale, as the template lays them out.
            lines = _graded_cell_lines(scan, d.key)
            if lines is not None:
                typed[grade] = _LABEL.sub("", lines[0], count=1) if lines else ""
                if lines[1:]:
                    typed[rationale] = "\n".join(lines[1:])
            continue
        if grade not in scan.fields:
            above = _above(scan.bookmarks.get(rationale, []))
            if above is not None:
                typed[grade] = _unless_placeholder(above)
        if rationale not in scan.fields:
            below = _unless_placeholder(_below(scan.bookmarks.get(grade, [])))
            if below:
                typed[rationale] = below
    missing = {
        name: labels
        for name, labels in _LABELLED.items()
        if name not in scan.fields
        and (framework.sections.moderation or name not in _MODERATION)  # no such row otherwise
    }
    if missing:
        for name, shown in _beside_labels(root, missing).items():
            shown = _unless_placeholder(shown)
            if shown or name == _REQUIRED:
                typed[name] = shown
    return typed


def _graded_cell_lines(scan: ff.FormScan, domain: str) -> list[str] | None:
    """The lines of a practice area's grade-and-rationale cell, found beside its "Grade" label in
    the table that holds the area's indicator boxes (None where there is no such cell)."""
    prefix = tags.indicator_prefix(domain)
    mark = next((m for n, m in scan.bookmarks.items() if n.startswith(prefix)), None)
    table = next(mark[0].iterancestors(ff.TABLE), None) if mark else None
    for row in table if table is not None else ():
        cells = [c for c in row if c.tag == _TC]
        label = visible_text(cells[0]).strip().casefold() if len(cells) > 1 else ""
        if label.startswith("grade"):
            shown = (
                _unless_placeholder(line.strip()) for line in visible_text(cells[1]).split("\n")
            )
            return [line for line in shown if line]
    return None


def _unless_placeholder(shown: str) -> str:
    """``shown``, or "" when it is the box's own prompt ("Type here.", "Choose a grade."): Word's
    Remove Content Control keeps the words a box showed, typed or not."""
    return "" if shown.strip().lower() in PLACEHOLDERS else shown


def _above(starts: list[etree._Element]) -> str | None:
    """The text of the line above the rationale box in its own cell (None outside a table)."""
    if not starts:
        return None
    paragraph = next(starts[0].iterancestors(_P), None)
    cell = paragraph.getparent() if paragraph is not None else None
    if paragraph is None or cell is None or cell.tag != _TC:
        return None
    line = ""  # the line just above: where the box stood (a council's prompts may be higher up)
    for child in cell:
        if child is paragraph:
            break
        if child.tag == _P:
            line = visible_text(child)
    return _LABEL.sub("", " ".join(line.split()), count=1)


def _below(starts: list[etree._Element]) -> str:
    """The text of the lines below the grade box in its own cell ("" outside a table)."""
    paragraph = next(starts[0].iterancestors(_P), None) if starts else None
    cell = paragraph.getparent() if paragraph is not None else None
    if paragraph is None or cell is None or cell.tag != _TC:
        return ""
    lines = [visible_text(p) for p in paragraph.itersiblings() if p.tag == _P]
    return "\n".join(line.strip() for line in lines if line.strip())


def _beside_labels(root: etree._Element, wanted: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """The text of the cell right of each field's label (its first one), by field name."""
    by_label = {label: name for name, labels in wanted.items() for label in labels}
    found: dict[str, str] = {}
    for row in root.iter(_TR):
        cells = [c for c in row if c.tag == _TC]
        for label, value in itertools.pairwise(cells):
            said = " ".join(visible_text(label).split()).casefold().rstrip(":").strip()
            name = by_label.get(said)
            if name is not None and name not in found:
                lines = [" ".join(line.split()) for line in visible_text(value).split("\n")]
                found[name] = "\n".join(line for line in lines if line)
    return found


def grade_typed_in_place(
    typed: str, where: str, scale: Scale, *, may_be_na: bool, findings: list[Finding]
) -> str | None:
    """The grade ``typed`` where a deleted box was, a finding said either way."""
    choices = ", ".join(scale.choices if may_be_na else scale.grades)
    if not typed:
        findings.append(
            Finding(
                "error",
                where,
                "the grade box has been deleted from the form, and no grade is typed where it was",
                f"Type the grade where the box was (one of: {choices}), save the form and send "
                "it again.",
            )
        )
        return None
    parsed = scale.parse(typed) if may_be_na else scale.parse_grade(typed)
    if parsed is None:
        findings.append(
            Finding(
                "error",
                where,
                f"the grade box has been deleted from the form, and '{typed}', typed where it "
                "was, is not a grade on this framework's scale",
                f"Type one of these where the box was: {choices}.",
            )
        )
        return None
    several = scale.hedged(typed, parsed)
    if several:  # "Good (bordering on RI)": two grades, as in a box
        findings.append(several_grades(where, typed, several, deleted_box=True))
        return None
    if "?" in typed:  # "Inadequate?" typed where the box was: not settled, as in a box
        findings.append(unsettled_grade(where, typed, deleted_box=True))
        return None
    findings.append(
        Finding(
            "warning",
            where,
            f"the grade box was deleted from the form; '{typed}', typed where it was, is "
            f"recorded as {parsed}",
        )
    )
    return parsed


def text_in_place(text: str, where: str, findings: list[Finding]) -> str:
    """``text``, found where a deleted box was, said with a warning."""
    findings.append(
        Finding(
            "warning",
            where,
            "the box was deleted, or replaced by text pasted over it; the text where it was is "
            "recorded",
        )
    )
    return text


def date_typed_in_place(typed: str, where: str, findings: list[Finding]) -> date | None:
    """The date ``typed`` where a deleted date picker was, a finding said either way."""
    try:
        day = parse_uk_date(typed)
    except ValueError as e:
        findings.append(
            Finding(
                "error",
                where,
                f"the date picker has been deleted from the form, and {e}",
                "Type the date where the box was as day/month/year, e.g. 03/12/2026.",
            )
        )
        return None
    findings.append(
        Finding(
            "warning",
            where,
            f"the date picker was deleted from the form; '{typed}', typed where it was, is "
            f"recorded as {day:%d/%m/%Y}",
        )
    )
    return day
