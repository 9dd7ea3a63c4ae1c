"""A rationale written as a comment in the margin, its box left empty.

Word's comments (Review > New Comment) live apart from the page's text, and qaf reads only what is
in the boxes: a comment anchored beside an empty rationale box is most likely the rationale. Its
box being empty is refused as ever ("the grade has no rationale"); this says why the rationale on
screen was not read, and what to do, beside it.
"""

from __future__ import annotations

from lxml import etree

from qaf_docs.findings import Finding
from qaf_docs.office import form_fields as ff
from qaf_docs.office.content_controls import W_NS
from qaf_docs.records import DomainGrade

_TC = f"{{{W_NS}}}tc"
_ANCHORS = (f"{{{W_NS}}}commentRangeStart", f"{{{W_NS}}}commentReference")


def comments_beside_empty_boxes(
    scan: ff.FormScan, domains: list[DomainGrade], overall_rationale: str
) -> list[Finding]:
    """A warning for each empty rationale box whose cell holds a comment's anchor."""
    boxes = [(f"qaf_rationale_{d.key}", f"{d.title}: rationale", d.rationale) for d in domains]
    boxes.append(("qaf_overall_rationale", "Overall rationale", overall_rationale))
    return [
        Finding(
            "warning",
            where,
            "a comment is attached here in the margin, but comments are not read: the rationale "
            "is what is typed in the box",
            "Copy the rationale from the comment into the box, then delete the comment.",
        )
        for name, where, said in boxes
        if not said.strip() and _commented(scan.bookmarks.get(name, []))
    ]


def _commented(starts: list[etree._Element]) -> bool:
    cell = next(starts[0].iterancestors(_TC), None) if starts else None
    return cell is not None and next(cell.iter(*_ANCHORS), None) is not None
