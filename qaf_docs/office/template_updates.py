"""What qaf's default templates have gained that a workspace's own templates lack.

A workspace keeps the templates it was made with (they are the council's: logo, wording, extra
questions), so a section or a rule added to the default never reaches it, and nobody would know.
Each template is compared with the default by its own content, never by a date or a version the
council could not know: the tags it fills in (``{{ practitioners }}``), the conditions it tests
(``{% if action_days %}``: a limit the framework does not set is left out) and the page-number
fields of its footer; for the Excel action tracker, the ``{{ name }}`` cells and the columns of
its actions table. What the default has and the council's lacks is named in the report's or the
form's own words. Nothing is refused: an older template still makes its report or its packs.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from openpyxl import load_workbook

from qaf_docs.office.action_sheet import HEADERS, Column, column_positions, find_actions_header
from qaf_docs.workspace import (
    AUDIT_TEMPLATE,
    REPORT_TEMPLATE,
    TRACKER_TEMPLATE,
    before_restore,
    bundled_templates,
)

_PAGES = "page numbers in the footer ('Page X of Y')"
_WHO = {
    "council_name": "the council's name",
    "audit_ref": "the audit reference",
    "case_id": "the case ID",
    "team": "the team",
    "worker": "the allocated worker",
    "auditor": "the auditor",
    "round_id": "the round",
    "issued_on": "the date the pack was issued",
    "audit_date": "the audit date",
}
_HISTORY = "historical information missing (how many audits found it, and which)"
_THEMES = "the audits by theme"
_PRACTITIONERS = "What practitioners and their managers said"
_AGENCIES = "What agencies found"
_CHECKPOINTS = "Closing the loop: 6-week and 3-month checkpoints"
_ONE_TEAM = (
    "the sentence that replaces Grades by team's chart and table when every audit was of one team"
)
_ONE_WORKER = (
    "the sentence that replaces Variation between workers' table when every audit was of one worker"
)

# What each template's parts are called, in the order the default prints them. "if:NAME" is a
# condition the template tests; "field:CODE" a Word field; "column:HEADER" a tracker column.
_NAMES: dict[str, dict[str, str]] = {
    REPORT_TEMPLATE: {
        "title": "the report's title",
        "council": "the council's name",
        "built": "the date the report was written",
        "covers": "what the report covers",
        "report_questions": "the questions the framework asks the report to answer",
        "headline": "the Summary",
        "compared": "the Summary's comparison with the previous period or round",
        "period_title": "the Summary's sentence for a period without audits",
        "moderates": "the Moderation section left out where the framework does not moderate",
        "if:moderates": "the Moderation section left out where the framework does not moderate",
        "how_much": "How much did we do (completed against plan)",
        "how_much_same": "the sentence under How much did we do that says which tables of one "
        "row were left out (every audit of one team, case type or kind of round)",
        "if:how_much_same": "the sentence under How much did we do that says which tables of one "
        "row were left out (every audit of one team, case type or kind of round)",
        "tier_one": "Tier one audit activity (audits expected and returned by auditor role, and "
        "how many social workers had a case audited within their cycle), shown for a period "
        "with tier-one rounds",
        "tier_one.concerns": "what the tier one audits found and what is being done (grades "
        "below good, actions agreed, re-audits, safeguarding concerns)",
        "themes": _THEMES,
        "asks_theme": _THEMES,
        "theme_title": _THEMES,
        "chart_domains": "Grades by domain",
        "domains": "Grades by domain",
        "domains_total": "Grades by domain",
        "chart_teams": "Grades by team",
        "teams": "Grades by team",
        "workers": "Variation between workers",
        "teams_one": _ONE_TEAM,
        "if:teams_one": _ONE_TEAM,
        "workers_one": _ONE_WORKER,
        "if:workers_one": _ONE_WORKER,
        "moderation_changes": "the grades the moderator changed",
        "escalation_changed": "the grades an escalation changed",
        "scope": "the wording that says period or round",
        "chart_trend": "Trend against earlier periods",
        "trend": "Trend against earlier periods",
        "trend_note": "the sentence that replaces a trend of one period (nothing earlier to "
        "compare with)",
        "trend_covers": "what the trend counts (routine audits drawn as a sample; re-audits, "
        "deep dives, audits at closure and other frameworks' audits are left out)",
        "own_rounds": "Rounds reported on their own (each deep dive, round of audits at closure "
        "and round of another framework, left out of the trend)",
        "reaudit_summary": "Cases audited again (improved, same or worse)",
        "reaudits": "Cases audited again (improved, same or worse)",
        "voices": "What children and families said",
        "practitioners": _PRACTITIONERS,
        "asks_practitioners": _PRACTITIONERS,
        "practitioners_title": _PRACTITIONERS,
        "agency_findings": _AGENCIES,
        "asks_agencies": _AGENCIES,
        "strengths": "Strengths and areas for development",
        "below_good": "Strengths and areas for development",
        "strengths_note": "Strengths and areas for development",
        "development": "for each area for development, the framework's questions (why it is a "
        "priority, what was proposed …) with what the audits record towards each",
        "examples": "Good practice to share",
        "reaudits_due": "the re-audits due",
        "reaudits_missed": "the re-audits that fell due and were not done",
        "missed_reaudits": "the re-audits that fell due and were not done, as a table",
        "escalations": "the open escalations",
        "concerns": "the safeguarding concerns raised",
        "missing_history": _HISTORY,
        "asks_history": _HISTORY,
        "history_title": _HISTORY,
        "history_checked": _HISTORY,
        "close_loop": _CHECKPOINTS,
        "checkpoints": _CHECKPOINTS,
        "checkpoints_note": _CHECKPOINTS,
        "next_steps": "Actions for the next period",
        "noun": "the heading 'Actions for the next quarter' (half-year, year or round)",
        "field:PAGE": _PAGES,
        "field:NUMPAGES": _PAGES,
    },
    AUDIT_TEMPLATE: {
        **_WHO,
        "framework_name": "the framework's name",
        "audit_period": "the audit period",
        "child_name": "the child's name (where qaf.toml prints it)",
        "ref_field": "the audit reference",
        "case_type": "the case type",
        "due_on": "the date the form is due back",
        "f": "the boxes qaf reads back (date of audit, overall grade, moderation)",
        "case_facts": "the case facts (days since, timescale flags)",
        "has_indicators": "'tick each indicator' only where the framework has indicators",
        "if:has_indicators": "'tick each indicator' only where the framework has indicators",
        "not_applicable": "how to answer an area that does not apply ('Not applicable')",
        "if:not_applicable": "how to answer an area that does not apply ('Not applicable')",
        "action_days": "the due-date limit for actions",
        "if:action_days": "no due-date limit printed where the framework sets none (yours "
        "prints 'within an agreed number of days')",
        "immediate_days": "the working-day limit for immediate actions",
        "if:immediate_days": "no Immediate rule printed where the framework sets no working-day "
        "limit (yours prints 'within an agreed number of working days')",
        "grade_note": "where the grades come from when the framework sets none of its own",
        "if:grade_note": "where the grades come from when the framework sets none of its own",
        "guidance": "the framework's guidance to auditors, in its words",
        "if:guidance": "the framework's guidance to auditors, in its words",
        "descriptors": "What each grade means",
        "concern_roles": "who an immediate safeguarding concern goes to",
        "previous": "the earlier audit's grades and actions on a re-audit",
        "domains": "the practice areas",
        "text_sections": "the framework's sections (voice of the child …)",
        "missing_history": "the box for historical information missing",
        "agencies": "a section for each agency",
        "agency_wording": "a section for each agency",
        "asks_immediate": "the actions table without the Immediate column, for a framework "
        "that has no immediate actions",
        "if:asks_immediate": "the actions table without the Immediate column, for a framework "
        "that has no immediate actions",
        "actions_marker": "the SMART actions table",
        "actions": "the SMART actions table",
        "sections": "the moderation section",
        "moderation": "the moderation section",
        "moderation.kind": "the type of moderation in the moderation section (reflective or "
        "group, where the framework names kinds)",
        "field:PAGE": _PAGES,
        "field:NUMPAGES": _PAGES,
    },
    TRACKER_TEMPLATE: {
        **_WHO,
        "action_guidance": "what the framework says about actions, in its words (above the "
        "actions table)",
        **{f"column:{h}": f"the '{h}' column" for h in HEADERS},
    },
}


# Parts added inside a section the audit template already has, named as the report's are.
_INSIDE_AUDIT = ("moderation.kind",)


def older_template_note(template: Path, root: Path, outcome: str) -> str | None:
    """Say what the default ``template`` (by its file name) has that the workspace's lacks, and
    how to get it without losing the council's own changes; None when it lacks nothing.

    ``outcome`` says what was made all the same ("The report was written from it as it is.").
    """
    default = bundled_templates() / template.name
    try:
        if template.read_bytes() == default.read_bytes():
            return None
        theirs, ours = parts_of(template), parts_of(default)
    except Exception:  # a template qaf cannot read is the command's own error to report, not here
        return None
    names = _NAMES.get(template.name, {})
    lacks = ours - theirs
    order = list(names)
    missing: list[str] = []
    for part in sorted(lacks, key=lambda p: (order.index(p) if p in order else len(order), p)):
        if part.startswith("if:") and part[3:] in lacks:
            continue  # a section that is missing is named once, not again for its condition
        name = _name(part, names)
        if name not in missing:
            missing.append(name)
    if not missing:
        return None
    app = "Excel" if template.suffix == ".xlsx" else "Word"
    it = "them" if len(missing) > 1 else "it"
    kept = before_restore(template).name
    return (
        f"Note: templates/{template.name} lacks what qaf's default has: {'; '.join(missing)}. "
        f"{outcome} To add {it} and keep your own changes, copy {it} in {app} from the default "
        f'({default}) into yours, or put qaf\'s defaults back with: qaf init "{root}" '
        "--restore-templates (it replaces all three templates and keeps each one you changed "
        f"beside it, this one as templates/{kept}, to copy your logo and wording across). If "
        f"you left {it} out on purpose, nothing needs doing."
    )


def _name(part: str, names: dict[str, str]) -> str:
    """What ``part`` is called where the report or the form shows it."""
    if part in names:
        return names[part]
    kind, _, what = part.rpartition(":")
    if kind == "if" and what in names:
        return f"{names[what]} (shown only where it applies)"
    return f"the part that uses {{{{ {what} }}}}" if not kind else f"the {what} field"


def parts_of(template: Path) -> set[str]:
    """The parts ``template`` has: its tags' names, its conditions ("if:NAME"), its fields
    ("field:PAGE") or, for a tracker, its columns ("column:HEADER")."""
    if template.suffix == ".xlsx":
        return _tracker_parts(template)
    return _word_parts(template)


_XML_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
_FIELD = re.compile(r'w:instr="\s*(\w+)|<w:instrText[^>]*>\s*(\w+)')


def _word_parts(template: Path) -> set[str]:
    """A Word template's tags, conditions and fields, as docxtpl reads its body, headers and
    footers (the letters of {%p … %} and {%tr … %} taken out)."""
    reader = DocxTemplate(str(template))
    with zipfile.ZipFile(template) as z:
        xml = "".join(
            reader.patch_xml(z.read(n).decode("utf-8"))
            for n in z.namelist()
            if _XML_PARTS.fullmatch(n)
        )
    tree = jinja2.Environment().parse(xml)
    names = meta.find_undeclared_variables(tree)
    found = set(names)
    for test in (n.test for n in tree.find_all(nodes.If)):
        tested = [test, *test.find_all(nodes.Name)]
        found |= {f"if:{t.name}" for t in tested if isinstance(t, nodes.Name) and t.name in names}
    found |= {f"field:{a or b}" for a, b in _FIELD.findall(xml)}
    # A part added inside a section the template already has ("tier_one.concerns") is named too.
    found |= {
        part
        for g in tree.find_all(nodes.Getattr)
        if isinstance(g.node, nodes.Name)
        and (part := f"{g.node.name}.{g.attr}") in (*_NAMES[REPORT_TEMPLATE], *_INSIDE_AUDIT)
    }
    return found


_PLACEHOLDER = re.compile(r"{{\s*([a-z_]+)\s*}}")


def _tracker_parts(template: Path) -> set[str]:
    """An Excel tracker's ``{{ name }}`` cells above its actions table, and the table's columns."""
    wb = load_workbook(template)
    try:
        sheet = wb.worksheets[0]
        header = find_actions_header(sheet) or 0
        found: set[str] = set()
        for row in sheet.iter_rows(min_row=1, max_row=header):
            for cell in row:
                if isinstance(cell.value, str):
                    found |= set(_PLACEHOLDER.findall(cell.value))
        if header:
            heads = [c.value for c in sheet[header]]
            columns, _ = column_positions(heads)
            found |= {f"column:{HEADERS[c - 1]}" for c in columns}
            # Overdue is never read back, so only its own wording finds it.
            overdue = HEADERS[Column.OVERDUE - 1]
            if any(str(h or "").strip().lower().startswith(overdue.lower()) for h in heads):
                found.add(f"column:{overdue}")
        return found
    finally:
        wb.close()
