"""Read a completed Word audit tool: grades, rationales, the other sections and the actions table.

Works on forms filled in Word (content controls with tags) and on forms re-saved by LibreOffice
(tags gone: fields found by bookmark; the actions table by its header). A value that cannot be read is
a finding naming the field, never a silent blank.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from lxml import etree

from qaf_docs.dates import shown_date
from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework, Scale
from qaf_docs.frameworks.base import NOT_APPLICABLE_SPELLINGS, fold_grade
from qaf_docs.office import field_names as tags
from qaf_docs.office import form_fields as ff
from qaf_docs.office.content_controls import W_NS
from qaf_docs.office.gc_pause import gc_paused
from qaf_docs.office.identity import read_identity, saved_at
from qaf_docs.office.parts import DEFAULT_LIMITS, Limits, Package
from qaf_docs.office.shown_text import visible_text
from qaf_docs.records import ActionRow, AuditForm, DomainGrade
from qaf_docs.returns.deleted_boxes import (
    date_typed_in_place,
    grade_typed_in_place,
    text_in_place,
    typed_in_place,
)
from qaf_docs.returns.form_parts import (
    agency_findings,
    areas_not_in_framework,
    not_applicable_refused,
    several_grades,
    ticked_indicators,
    unsettled_grade,
)
from qaf_docs.returns.margin_comments import comments_beside_empty_boxes
from qaf_docs.returns.moderation_kind import settled_kind

# Sections read as their own parts (agency sections, the moderation table), not as one text box.
_NOT_TEXT = ("agency_contributions", "moderation")
_DOCUMENT = "word/document.xml"


def read_document_xml(path: Path, limits: Limits = DEFAULT_LIMITS) -> etree._Element:
    """Return the parsed main document part of a .docx (bounded, no entities)."""
    with Package(path, limits) as package:
        return package.xml(_DOCUMENT)


def _section_texts(framework: Framework, text: Callable[[str], str]) -> dict[str, str]:
    """Each free-text section's text, keyed by the framework's section name."""
    texts = {
        name: text(tags.section_field(name))
        for name in framework.sections.enabled()
        if name not in _NOT_TEXT
    }
    # A council's older template may still have one box for every agency's contribution.
    legacy = text(tags.section_field("agency_contributions"))
    if legacy:
        texts["agency_contributions"] = legacy
    return texts


_CASE_LABELS = {"case id", "case id:", "case reference", "case number"}


def labelled_value(root: etree._Element, labels: set[str] = _CASE_LABELS) -> str | None:
    """Return the text of the table cell right of a cell labelled "Case ID" (None if no label)."""
    for row in root.iter(f"{{{W_NS}}}tr"):
        cells = [" ".join(visible_text(c).split()) for c in row.iter(f"{{{W_NS}}}tc")]
        for label, value in itertools.pairwise(cells):
            if label.casefold() in labels:
                return value
    return None


@gc_paused()  # a read makes no reference cycles, but enough objects to set the collector off
def read_audit_form(
    source: Path | Package, framework: Framework, limits: Limits = DEFAULT_LIMITS
) -> AuditForm:
    """Read a completed audit tool; reading problems come back as error findings on the form.

    ``source`` is the file, or a ``Package`` already open (the inbox has checked it as one).
    """
    if not isinstance(source, Package):
        with Package(source, limits) as package:
            return read_audit_form(package, framework, limits)
    root = source.xml(_DOCUMENT)
    scan = ff.scan_form(root)
    fields = scan.fields
    # An empty string, not None, when the reference was deleted: the check then needs the case id.
    visible_ref = fields["qaf_ref"].text if "qaf_ref" in fields else ""
    identity = read_identity(source, visible_ref, limits, visible_case_id=labelled_value(root))
    findings: list[Finding] = []

    in_place = typed_in_place(root, scan, framework)  # what stands where a deleted box was

    def text(name: str, where: str = "") -> str:
        if where and name in in_place:
            return text_in_place(in_place[name], where, findings)
        value = fields.get(name)
        return value.text if value else ""

    def grade(name: str, where: str, scale: Scale, *, may_be_na: bool = False) -> str | None:
        raw = text(name)
        if name in in_place:  # the box deleted, the grade typed where it was
            typed = in_place[name]
            return grade_typed_in_place(typed, where, scale, may_be_na=may_be_na, findings=findings)
        if not raw:
            return None
        parsed = scale.parse(raw) if may_be_na else scale.parse_grade(raw)
        several = scale.grades_in(raw) if parsed is None else scale.hedged(raw, parsed)
        if parsed is None and fold_grade(raw) in NOT_APPLICABLE_SPELLINGS:
            findings.append(not_applicable_refused(where, scale, may_be_na=may_be_na))
        elif several:
            findings.append(several_grades(where, raw, several))
            return None
        elif parsed is None:
            findings.append(
                Finding(
                    "error",
                    where,
                    f"'{raw}' is not a grade on this framework's scale",
                    f"Choose one of: {', '.join(scale.choices if may_be_na else scale.grades)}.",
                )
            )
        elif "?" in raw:  # "Inadequate?": a grade not settled, never recorded as if it were
            findings.append(unsettled_grade(where, raw))
            return None
        return parsed

    def when(name: str, where: str) -> date | None:
        if name in in_place:
            return date_typed_in_place(in_place[name], where, findings)
        value = fields.get(name)
        if value is None:
            return None
        try:
            return shown_date(value.text, value.date_value)
        except ValueError as e:
            findings.append(Finding("error", where, str(e), "Pick the date with the date picker."))
            return None

    domains = [
        DomainGrade(
            key=d.key,
            title=d.title,
            grade=grade(f"qaf_grade_{d.key}", f"{d.title}: grade", framework.scale, may_be_na=True),
            rationale=text(f"qaf_rationale_{d.key}", f"{d.title}: rationale"),
            indicators=ticked_indicators(fields, framework, d.key),
            moderated_grade=grade(
                f"qaf_modgrade_{d.key}",
                f"{d.title}: moderated grade",
                framework.scale,
                may_be_na=True,
            ),
        )
        for d in framework.domains
    ]
    findings += areas_not_in_framework(fields, framework)
    overall_rationale = text("qaf_overall_rationale", "Overall rationale")
    findings += comments_beside_empty_boxes(scan, domains, overall_rationale)
    sections = framework.sections
    missing = fields.get(tags.MISSING_HISTORY) if sections.missing_historical_information else None
    present = fields.get("qaf_practitioner_present")
    concern = fields.get("qaf_concern")
    return AuditForm(
        identity=identity,
        domains=domains,
        overall_grade=grade("qaf_overall_grade", "Overall grade", framework.scale),
        overall_rationale=overall_rationale,
        audit_date=when("qaf_audit_date", "Date of audit"),
        practitioner_present=present.checked if present else None,
        texts=_section_texts(framework, text),
        moderator=text("qaf_moderator", "Moderator"),
        moderated_grade=grade("qaf_moderated_grade", "Moderated grade", framework.scale),
        moderation_reason=text("qaf_moderation_reason", "Moderation: reason"),
        moderation_date=when("qaf_moderation_date", "Date moderated"),
        actions=_read_actions(root, scan, findings),
        findings=findings,
        agencies=agency_findings(fields) if sections.agency_contributions else [],
        missing_history=(bool(missing.checked) if missing else False)
        if sections.missing_historical_information
        else None,
        concern=bool(concern and concern.checked),
        concern_text=text("qaf_concern_text"),
        saved_at=saved_at(source),
        moderation_kind=settled_kind(text(tags.MODERATION_KIND), framework),
    )


_COLUMNS = {
    "description": ("action", "description", "what"),
    "owner": ("owner", "who", "responsible", "lead"),
    "due": ("due", "by when", "date", "timescale"),
    # SMART columns (issue 10); a council's older tool without them reads as before.
    "immediate": ("immediate",),
    "success": ("success", "measur"),
    "impact": ("impact",),
}
# "by 12/10/2026": a due date said as one, the word before it harmless (the date is the same).
_DUE_BY = re.compile(r"^\s*(?:due\s+)?(?:by|on or before|no later than)\s+", re.IGNORECASE)


def as_due_date(typed: str) -> str:
    """The date in a due date typed as "by 12/10/2026" (the word before it dropped)."""
    return _DUE_BY.sub("", typed, count=1)


_TICKED = {
    "☒",
    "☑",
    "✓",
    "✔",
    "x",
    "y",
    "yes",
    "true",
    "immediate",
    "immediately",
    "tick",
    "ticked",
}
_NOT_TICKED = {"☐", "n", "no", "false", "not", "na", "none"}
_FIRST_WORD = re.compile(r"[a-z]+|[☒☑✓✔☐]")


def _immediate(typed: str) -> bool | None:
    """Whether the Immediate column says so: a tick, or words typed in a row added without the
    check box ("Yes.", "Yes - within 5 days", "No"); None when it says neither."""
    folded = typed.strip().lower()
    if not folded or folded in _NOT_TICKED:
        return False
    if folded in _TICKED:
        return True
    first = _FIRST_WORD.search(folded)
    if first is None:
        return False  # a dash or a stroke: the column's way of saying no
    word = first.group(0)
    return True if word in _TICKED else False if word in _NOT_TICKED else None


def _actions_table(root: etree._Element, scan: ff.FormScan) -> etree._Element | None:
    for start in scan.bookmarks.get(tags.ACTIONS_TABLE, []):
        around = list(start.iterancestors(ff.TABLE))
        if around:
            return around[-1]  # the outermost table holding the bookmark, as the page shows it
    for table in scan.tables:
        header = ff.header_row(table)
        if header and _column_map(header) is not None:
            return table
    return None


def _column_map(header: list[str]) -> dict[str, int] | None:
    """Map description/owner/due to columns by the header's wording; None if it is not the header."""
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        words = cell.lower()
        for key, names in _COLUMNS.items():
            if key not in found and any(words.startswith(n) for n in names):
                found[key] = i
                break
    return found if {"description", "owner"} <= found.keys() else None


def _more_actions_tables(
    tables: list[etree._Element], first: etree._Element, header: list[str]
) -> list[etree._Element]:
    """Further tables headed as the actions table is: a copy of it pasted below to make room for
    more actions (Word drops the copy's bookmark). Their rows are actions too, never left out."""
    wanted = [_heading(h) for h in header]
    found: list[etree._Element] = []
    for other in tables:
        # Only the header row is read, and only where it has as many cells: a form has a dozen
        # tables, most of them long, and this is asked of every form.
        if other is first or [_heading(h) for h in ff.header_row(other, len(wanted))] != wanted:
            continue
        if ff.inside(other, first) or ff.inside(first, other):
            continue
        if not any(ff.inside(other, earlier) for earlier in found):
            found.append(other)
    return found


def _heading(text: str) -> str:
    return " ".join(text.split()).casefold()


def _read_actions(
    root: etree._Element, scan: ff.FormScan, findings: list[Finding]
) -> list[ActionRow]:
    table = _actions_table(root, scan)
    if table is None:
        findings.append(
            Finding(
                "error",
                "SMART actions",
                "the actions table cannot be found (its header row 'Action | Owner | Due date' "
                "was removed or renamed)",
                "Restore the table's header row or copy the actions into a new audit tool.",
            )
        )
        return []
    rows, dates = ff.table_cells(table)
    columns = _column_map(rows[0]) or {"description": 1, "owner": 2, "due": 3}
    actions: list[ActionRow] = []
    seen: set[tuple[str, str, str]] = set()
    own = len(rows)  # the rows after these are the further tables'
    for more in _more_actions_tables(scan.tables, table, rows[0]):
        more_rows, more_dates = ff.table_cells(more)
        rows += more_rows[1:]  # its header is the first table's, and not an action
        dates += more_dates[1:]

    def cell(row: list[str], key: str) -> str:
        i = columns.get(key)
        return row[i] if i is not None and i < len(row) else ""

    for at, (row_cells, row_dates) in enumerate(zip(rows[1:], dates[1:], strict=True), start=1):
        description, owner, due_text = (cell(row_cells, k) for k in ("description", "owner", "due"))
        if not (description or owner or due_text):
            continue  # an unused row; a lone number in the No. column is not content
        if at >= own and (description, owner, due_text) in seen:
            continue  # a filled row copied with the table: one action, not two
        seen.add((description, owner, due_text))
        number = len(actions) + 1
        immediate = _immediate(cell(row_cells, "immediate"))
        if immediate is None:
            findings.append(
                Finding(
                    "error",
                    f"Action row {number}: immediate",
                    f"'{cell(row_cells, 'immediate')}' does not say whether the action is immediate",
                    "Tick the box, or type Yes, for an action to be done at once; else leave it "
                    "empty or type No.",
                )
            )
        due_index = columns.get("due")
        stored = (
            row_dates[due_index] if due_index is not None and due_index < len(row_dates) else None
        )
        try:
            due_on = shown_date(as_due_date(due_text), stored)
        except ValueError:
            due_on = None  # validation says why: "ASAP" and friends are a rule, not a read error
        actions.append(
            ActionRow(
                number,
                description,
                owner,
                due_on,
                due_text,
                immediate=immediate is True,
                success_criteria=cell(row_cells, "success"),
                impact_on_child=cell(row_cells, "impact"),
            )
        )
    return actions
