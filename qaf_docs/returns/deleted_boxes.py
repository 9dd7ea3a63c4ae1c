"""A grade box the auditor deleted, with the grade typed where it was.

Word lets a content control be deleted (select it, press Delete) and the grade typed as plain
text in its place. Its tag and bookmark go with it, so the reader finds no field; the page still
shows the grade. It is read from where the box stood: in a practice area, the line of the
rationale's cell just above the rationale box; overall, the cell right of the one labelled "Overall
grade". A grade read there is kept with a warning; none there, or one not on the scale, is an
error saying the box was deleted, not "no grade chosen" (the person sees the grade they typed).
"""

from __future__ import annotations

import itertools
import re

from lxml import etree

from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework, Scale
from qaf_docs.office import form_fields as ff
from qaf_docs.office.content_controls import W_NS

_P, _TC, _TR = (f"{{{W_NS}}}{name}" for name in ("p", "tc", "tr"))
_OVERALL = "qaf_overall_grade"
_OVERALL_LABELS = ("overall grade", "overall grade:")
_OVERALL_RATIONALE = "qaf_overall_rationale"
_OVERALL_RATIONALE_LABELS = ("overall rationale", "overall rationale:")
_LABEL = re.compile(r"^\s*grade\s*[:\-]?\s*", re.IGNORECASE)


def typed_grades(root: etree._Element, scan: ff.FormScan, framework: Framework) -> dict[str, str]:
    """What is typed where each deleted grade box was, by the box's field name ("" where nothing
    is). A box that is there, or whose place cannot be found, is left out."""
    typed: dict[str, str] = {}
    for d in framework.domains:
        name = f"qaf_grade_{d.key}"
        if name not in scan.fields:
            found = _above(scan.bookmarks.get(f"qaf_rationale_{d.key}", []))
            if found is not None:
                typed[name] = found
    if _OVERALL not in scan.fields:
        found = _beside_label(root)
        if found is not None:
            typed[_OVERALL] = found
    return typed


def typed_rationales(
    root: etree._Element, scan: ff.FormScan, framework: Framework
) -> dict[str, str]:
    """The text where each rationale box was, where the box is gone and text stands in its place:
    a rationale pasted over the whole box (a paragraph selected with a triple click, then pasted)
    replaces it. In a practice area, the lines of the grade's cell below the grade; overall, the
    cell right of "Overall rationale"."""
    typed: dict[str, str] = {}
    for d in framework.domains:
        name = f"qaf_rationale_{d.key}"
        if name not in scan.fields:
            found = _below(scan.bookmarks.get(f"qaf_grade_{d.key}", []))
            if found:
                typed[name] = found
    if _OVERALL_RATIONALE not in scan.fields:
        beside = _beside_label(root, _OVERALL_RATIONALE_LABELS)
        if beside:
            typed[_OVERALL_RATIONALE] = beside
    return typed


def rationale_in_place(text: str, where: str, findings: list[Finding]) -> str:
    """``text``, found where a deleted rationale box was, said with a warning."""
    findings.append(
        Finding(
            "warning",
            where,
            "the rationale box was replaced by pasted text; the text where it was is recorded "
            "as the rationale",
        )
    )
    return text


def _below(starts: list[etree._Element]) -> str:
    """The text of the lines below the grade box in its own cell ("" outside a table)."""
    paragraph = next(starts[0].iterancestors(_P), None) if starts else None
    cell = paragraph.getparent() if paragraph is not None else None
    if paragraph is None or cell is None or cell.tag != _TC:
        return ""
    lines = [ff.visible_text(p) for p in paragraph.itersiblings() if p.tag == _P]
    return "\n".join(line.strip() for line in lines if line.strip())


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
            line = ff.visible_text(child)
    return _LABEL.sub("", " ".join(line.split()), count=1)


def _beside_label(root: etree._Element, labels: tuple[str, ...] = ()) -> str | None:
    for row in root.iter(_TR):
        cells = [c for c in row if c.tag == _TC]
        for label, value in itertools.pairwise(cells):
            if " ".join(ff.visible_text(label).split()).casefold() in (labels or _OVERALL_LABELS):
                shown = ff.visible_text(value)
                lines = [" ".join(line.split()) for line in shown.split("\n")]
                return "\n".join(line for line in lines if line) if labels else " ".join(lines)
    return None


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
    findings.append(
        Finding(
            "warning",
            where,
            f"the grade box was deleted from the form; '{typed}', typed where it was, is "
            f"recorded as {parsed}",
        )
    )
    return parsed
