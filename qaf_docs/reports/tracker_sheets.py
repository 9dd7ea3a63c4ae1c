"""The tracker's listing sheets: one real Excel table each, statuses in plain words.

The tracker is read beyond the QA team (senior managers, boards), so no text typed in a form is
written here with a child's name in it: an action, its evidence, a moderator's reason, a concern,
what people said and a warning that quotes any of them are quoted with the child's names said as
"the child" and those of the other children the register holds under its surname as "another
child" (``names.Children``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from qaf_docs.frameworks import Framework
from qaf_docs.records import ActionResult, AuditResult, case_type_words
from qaf_docs.records import Checkpoint as RoundCheckpoint
from qaf_docs.reports import figures, said, sources
from qaf_docs.reports.names import Children
from qaf_docs.reports.reaudits import audited_on, reaudit_due, reaudited, settled_by_hand
from qaf_docs.reports.tracker_book import AMBER, GREEN, GREY, RED, Book, fit_width, lines

DOMAIN_SHEET = "Domain grades"
#: The listing sheets ``write_all`` writes after the Summary, in order.
SHEETS = (
    "Audits",
    DOMAIN_SHEET,
    "Actions",
    "Returns outstanding",
    "Moderation",
    "Re-audits & escalations",
    "Concerns",
    "Close-the-loop checkpoints",
    "What people said",
    "Indicators",
    "Warnings",
)
NO_DATA = "Not recorded by the register yet."
#: An audit not back with nobody to chase: still overdue once past its due date (the Summary's
#: note says why), and the QA lead is the one to act.
NO_AUDITOR = "None yet: QA lead to allocate (qaf round reassign)"


def write_all(
    book: Book,
    snapshot: list[AuditResult],
    framework: Framework,
    today: date,
    recorded: list[RoundCheckpoint] | None = None,
    load: Callable[[str], Framework] | None = None,
) -> tuple[str, int, int] | None:
    """Write every listing sheet; return where the domain-by-grade counts sit, for the chart.

    ``recorded``: the register's close-the-loop checkpoints (thematic rounds only); ``load``: an
    audit's own framework by id, where the workspace runs several (else ``framework``).
    """
    audits(book, snapshot, framework)
    where = domain_grades(book, snapshot, framework)
    quote = Children(a.child_name for a in snapshot).scrub
    actions(book, snapshot, today, quote)
    returns_outstanding(book, snapshot, today)
    moderation(book, snapshot, framework, quote)
    reaudits(book, snapshot, load or (lambda _: framework), quote)
    concerns(book, snapshot, quote)
    book.table(
        "Close-the-loop checkpoints",
        ["Round", "Checkpoint", "Due", "Actions agreed", "Completed by then", "Share",
         "Recorded on", "What was found"],
        [
            [c.round_id, c.name, c.due_on, c.actions, c.completed_by_then, c.share, c.done_on,
             c.note or ("Due, not recorded yet" if c.reached else "Not yet due")]
            for c in figures.checkpoints(snapshot, recorded or [], today)
        ],
        intro="Thematic rounds are checked 6 weeks and 3 months after their last audit came back, "
        "and a round a framework reviews at a meeting (City of London's Getting to Outstanding "
        "meeting) by that meeting (qaf checkpoints records what was found or signed off): how "
        "many agreed actions were done by then.",
        pct=(5,),
        wrap=(7,),
        empty="No thematic round, nor any round reviewed at a meeting, has every audit back yet, "
        "so no checkpoint is set.",
    )  # fmt: skip
    what_people_said(book, snapshot, quote)
    indicators(book, snapshot)
    book.table(
        "Warnings",
        ["Audit ref", "Case ID", "Warning"],
        # A warning may quote what was typed ("'See <name>' is too vague to be SMART").
        [[a.audit_ref, a.case_id, quote(w, a.child_name)] for a in snapshot for w in a.warnings],
        wrap=(2,),
    )
    return where


def audits(book: Book, snapshot: list[AuditResult], framework: Framework) -> None:
    """Every audit: who, when, status and grades, grades coloured (domain grades on their own sheet)."""
    headers = [
        "Audit ref", "Round", "Case ID", "Case type", "Team", "Worker", "Auditor", "Status",
        "Issued", "Due", "Returned", "Audit date", "Auditor's grade", "Moderated grade",
        "Final grade",
    ]  # fmt: skip
    rows = [
        [a.audit_ref, a.round_id, a.case_id, a.case_type and case_type_words(a.case_type), a.team, a.worker, a.auditor,
         sources.status_words(a.status), a.issued_on, a.due_on, a.returned_on, a.audit_date,
         a.overall_grade, a.moderated_grade, a.final_grade]
        for a in snapshot
    ]  # fmt: skip
    # Narrow wrapped columns keep the sheet readable when printed one page wide.
    narrow = {1: 15.0, 4: 18.0, 5: 14.0, 6: 14.0, 7: 16.0, 12: 14.0, 13: 14.0, 14: 14.0}
    fill = _grade_fill(book, framework, book.wrap)
    ws = book.table(
        "Audits",
        headers,
        rows,
        wrap=tuple(narrow),
        widths=narrow,
        fills=dict.fromkeys(range(12, 15), fill),
    )
    ws.freeze_panes(1, 1)


def _grade_fill(book: Book, framework: Framework, otherwise: Any) -> Callable[[Any], Any]:
    """A grade's cell format: coloured by the grade; ``otherwise`` for an empty cell."""
    return lambda grade: book.fills[_fill(framework, grade)] if grade else otherwise


def _fill(framework: Framework, grade: str | None) -> str:
    if grade in framework.scale.good_or_better:
        return GREEN
    if grade and grade == framework.scale.inadequate:
        return RED
    return AMBER if framework.scale.is_grade(grade) else GREY


def _header_height(headings: list[str]) -> int:
    """Points for a row of headings in columns 15 wide, each wrapped whole ("Impact of services
    on outcomes for children and young people" is five lines; it was cut off at three)."""
    return 15 * max([2, *(lines(h, 15) for h in headings)])


def domain_grades(
    book: Book, snapshot: list[AuditResult], framework: Framework
) -> tuple[str, int, int] | None:
    """Team x domain share good or better with a colour scale, then counts by domain and grade."""
    ws = book.sheet(DOMAIN_SHEET)
    teams, titles, shares = figures.team_domain_good(snapshot, framework)
    header = book.header
    ws.write_string(0, 0, "Share of domain grades good or better, by team", book.heading)
    ws.write_string(1, 0, "Team", header)
    for c, t in enumerate(titles, start=1):
        ws.write_string(1, c, t, header)
    for r, team in enumerate(teams, start=2):
        ws.write_string(r, 0, team, book.text)
        for c, t in enumerate(titles, start=1):
            book.put(ws, r, c, shares.get((team, t)), book.pct)
    if teams:
        ws.conditional_format(
            2, 1, 1 + len(teams), len(titles),
            {"type": "3_color_scale", "min_color": "#F8696B", "mid_color": "#FFEB84",
             "max_color": "#63BE7B", "min_type": "num", "min_value": 0, "mid_type": "num",
             "mid_value": 0.5, "max_type": "num", "max_value": 1},
        )  # fmt: skip
    else:
        ws.write_string(2, 0, "No graded audits yet.", book.note)
    r = 3 + max(len(teams), 1)
    counts = figures.domain_counts(snapshot, framework)
    ws.write_string(r, 0, "Domain grades (number of audits)", book.heading)
    grades = framework.scale.grades
    for c, text in enumerate(["Domain", *grades, "Total"]):
        ws.write_string(r + 1, c, text, book.header)
    first = r + 2
    ws.set_row(r + 1, _header_height(grades))
    for i, (title, by_grade) in enumerate(counts.items()):
        ws.write_string(first + i, 0, title, book.text)
        for c, g in enumerate(grades, start=1):
            ws.write_number(first + i, c, by_grade[g], book.number)
        ws.write_number(first + i, len(grades) + 1, sum(by_grade.values()), book.number)
    top = first + max(len(counts), 1) + 1
    ws.write_string(top, 0, "Domain grades by audit", book.heading)
    rows = []
    for a in snapshot:
        if a.domains:
            grades_of = {d.domain: d.final_grade for d in a.domains}
            rows.append([a.audit_ref, a.case_id, a.team, *[grades_of.get(t) for t in titles]])
    fill = _grade_fill(book, framework, book.wrap)
    for r, row in enumerate(rows, start=top + 2):
        for c, value in enumerate(row):
            book.put(ws, r, c, value, fill(value) if c >= 3 else book.wrap)
    ws.add_table(
        top + 1, 0, top + 1 + max(len(rows), 1), 2 + len(titles),
        {"name": "DomainGradesByAudit", "style": "Table Style Light 1",
         "columns": [{"header": h, "header_format": book.header}
                     for h in ["Audit ref", "Case ID", "Team", *titles]]},
    )  # fmt: skip
    if not rows:
        ws.write_string(top + 2, 0, "No returned audit yet.", book.note)
    ws.set_column(0, 0, fit_width("Team", [*teams, *titles], False))
    ws.set_column(1, max(len(titles) + 2, len(grades) + 1), 15)
    ws.set_row(1, _header_height(titles))
    book.fit_rows(ws, top + 1, ["Audit ref", "Case ID", "Team", *titles], rows,
                  dict.fromkeys(range(1, 3 + len(titles)), 15.0))  # fmt: skip
    ws.freeze_panes(2, 1)
    return (DOMAIN_SHEET, first, first + len(counts) - 1) if counts else None


def rag(x: ActionResult, today: date) -> str:
    """Return an action's RAG in words: Completed, Completed late, Completed (no date), Overdue,
    Due soon, On track. It follows the status: a completion date on an action in progress is not
    a completion."""
    on_time = figures.action_on_time(x, today)
    if figures.completed(x):
        if x.completed_on is None:
            return NO_DATE
        return "Completed late" if on_time is False else "Completed"
    if on_time is False:
        return "Overdue"
    if x.due_on and x.due_on <= today + timedelta(days=14):
        return "Due soon"
    return "On track"


#: Completed without a completion date: not known to be on time, so not counted as on time.
NO_DATE = "Completed (no date)"
_RAG_FILL = {"Completed": GREEN, "On track": GREEN, "Due soon": AMBER, "Completed late": AMBER,
             NO_DATE: AMBER, "Overdue": RED}  # fmt: skip


def actions(book: Book, snapshot: list[AuditResult], today: date, quote: said.Scrub) -> None:
    """Every agreed action with its latest update, evidence, sign-off and RAG."""
    headers = ["Audit ref", "Case ID", "Team", "No.", "Action", "Owner", "Due", "Status",
               "Completed on", "Evidence", "Success criteria", "Signed off", "RAG"]  # fmt: skip
    rows = [
        [a.audit_ref, a.case_id, a.team, n, quote(x.description, a.child_name), x.owner,
         x.due_on, x.status, x.completed_on, quote(x.evidence, a.child_name),
         quote(sources.success_criteria(x), a.child_name), sources.signed_off(x), rag(x, today)]
        for a in snapshot for n, x in enumerate(a.actions, start=1)
    ]  # fmt: skip
    narrow = {2: 16.0, 4: 40.0, 5: 16.0, 9: 32.0, 10: 22.0, 11: 14.0}
    ws = book.table(
        "Actions",
        headers,
        rows,
        wrap=tuple(narrow),
        widths=narrow,
        fills={12: lambda words: book.fills[_RAG_FILL.get(str(words), GREY)]},
    )
    ws.set_column(3, 3, 6)


def returns_outstanding(book: Book, snapshot: list[AuditResult], today: date) -> None:
    """Audits not back yet, most overdue first."""
    waiting = [a for a in figures.counted(snapshot) if a.status in sources.AWAITING]
    waiting.sort(key=lambda a: a.due_on or date.max)
    rows = [
        [a.audit_ref, a.case_id, a.team, a.auditor or NO_AUDITOR, sources.status_words(a.status),
         a.due_on,
         (today - a.due_on).days if a.due_on and a.due_on < today else None]
        for a in waiting
    ]  # fmt: skip
    ws = book.table(
        "Returns outstanding",
        ["Audit ref", "Case ID", "Team", "Auditor", "Status", "Due", "Days overdue"],
        rows,
        empty="Every audit tool has come back.",
    )
    for r, row in enumerate(rows, start=1):
        if row[6]:
            book.put(ws, r, 6, row[6], book.fills[RED])


def moderation(
    book: Book, snapshot: list[AuditResult], framework: Framework, quote: said.Scrub
) -> None:
    """Audits a moderator looked at: grade kept or changed, by whom and why."""
    rows = []
    for a in figures.counted(snapshot):
        if not (a.moderator or a.moderated_grade or sources.moderation_kind(a)):
            continue
        changed = bool(a.moderated_grade and a.moderated_grade != a.overall_grade)
        outcome = (
            "Changed" if changed else "Kept" if a.moderated_grade else "Awaiting moderated grade"
        )
        if figures.changed_on_escalation(a):  # the grade that counts is not the moderator's
            outcome += f"; {a.escalation_grade} after escalation"
        rows.append([
            a.audit_ref, a.case_id, a.team, a.auditor, a.moderator, sources.moderation_kind(a),
            sources.moderation_date(a), a.overall_grade, a.moderated_grade, outcome,
            quote(a.moderation_reason, a.child_name),
        ])  # fmt: skip
    book.table(
        "Moderation",
        [
            "Audit ref",
            "Case ID",
            "Team",
            "Auditor",
            "Moderator",
            "Kind",
            "Moderated on",
            "Auditor's grade",
            "Moderated grade",
            "Outcome",
            "Reason",
        ],
        rows,
        wrap=(10,),
        empty="No audit has been moderated yet.",
    )


def reaudits(
    book: Book,
    snapshot: list[AuditResult],
    load: Callable[[str], Framework],
    quote: said.Scrub,
) -> None:
    """Re-audits (final grade Inadequate on the audit's own framework: due its months on, done, or
    not needed where the QA team resolved its pathway by hand) and escalations where recorded."""
    done = reaudited(snapshot)
    rows: list[list[Any]] = []
    for a in figures.counted(snapshot):
        framework = load(a.framework_id)
        day = audited_on(a)
        if a.final_grade and a.final_grade == framework.scale.inadequate and day:
            later = done.get(a.audit_ref)
            when: date | None
            settled = settled_by_hand(a, framework)
            if later is not None:
                what = f"Re-audited in {later.audit_ref}: {later.final_grade or 'not graded'}"
                when = later.audit_date or later.returned_on
            elif settled is not None:
                by = f" by {settled.resolved_by}" if settled.resolved_by else ""
                what = f"No re-audit: escalation resolved{by} ({settled.resolution})"
                when = settled.resolved_on
            else:
                what, when = "Re-audit due", reaudit_due(a, framework)
            rows.append([a.audit_ref, a.case_id, a.team, a.final_grade, quote(what, a.child_name),
                         when, sources.reaudit_of(a) or "", ""])  # fmt: skip
        for e in sources.escalations(a) or []:
            rows.append([a.audit_ref, a.case_id, a.team, a.final_grade,
                         f"Escalated to {e.level}", e.raised_on, quote(e.reason, a.child_name),
                         "Resolved" if e.resolved_on else "Open"])  # fmt: skip
    book.table(
        "Re-audits & escalations",
        ["Audit ref", "Case ID", "Team", "Final grade", "What", "Date", "Detail", "Escalation"],
        rows,
        wrap=(6,),
        empty="No re-audit is due and no escalation is recorded.",
    )


def concerns(book: Book, snapshot: list[AuditResult], quote: said.Scrub) -> None:
    """Safeguarding concerns auditors raised (once the register records them), each Open (red)
    until ``qaf escalations --resolve`` closes it, then when, by whom and how, as the export says."""
    recorded = [sources.concerns(a) for a in snapshot]
    rows = [
        [a.audit_ref, a.case_id, a.team, c.raised_on, quote(c.text, a.child_name), c.escalated_to,
         "Resolved" if c.resolved_on else "Open", c.resolved_on, c.resolved_by or "",
         quote(c.resolution or "", a.child_name)]
        for a, found in zip(snapshot, recorded, strict=True)
        for c in found or []
    ]  # fmt: skip
    seen = any(found is not None for found in recorded)
    book.table(
        "Concerns",
        ["Audit ref", "Case ID", "Team", "Raised on", "Concern", "Escalated to", "Status",
         "Resolved on", "Resolved by", "Resolution"],
        rows,
        wrap=(4, 5, 9),
        empty="No concern raised." if seen else NO_DATA,
        fills={6: lambda state: book.fills[RED] if state == "Open" else book.text},
    )  # fmt: skip


def indicators(book: Book, snapshot: list[AuditResult]) -> None:
    """How often each indicator was ticked in the current returns, most frequent first."""
    ticked = Counter((d.domain, text) for a in snapshot for d in a.domains for text in d.indicators)
    graded = Counter(d.domain for a in snapshot for d in a.domains if d.grade)
    ranked = sorted(ticked.items(), key=lambda item: (-item[1], item[0]))
    book.table(
        "Indicators",
        ["Practice area", "Indicator", "Times ticked", "Share of audits graded in the area"],
        [[area, text, n, figures.ratio(n, graded[area])] for (area, text), n in ranked],
        intro="The framework's indicators the auditors ticked beside each grade, most frequent first.",
        wrap=(1,),
        pct=(3,),
        widths={1: 70.0},
        empty="No indicator has been ticked yet.",
    )


def what_people_said(book: Book, snapshot: list[AuditResult], quote: said.Scrub) -> None:
    """Voice of the child, family feedback, practitioners' views and each agency's findings, one
    row per audit that records any of them."""
    rows = []
    for a in snapshot:
        texts = said.sheet_row(a, quote)
        if any(texts):
            rows.append([a.audit_ref, a.case_id, a.team, a.practitioner_present, *texts])
    n = len(sources.SECTION_TITLES)
    ws = book.table(
        "What people said",
        ["Audit ref", "Case ID", "Team", "Practitioner present", *sources.SECTION_TITLES.values()],
        rows,
        wrap=tuple(range(4, 4 + n)),
        empty="No returned audit records what children, families, practitioners or agencies "
        "said yet.",
    )
    ws.set_column(4, 3 + n, 34)
