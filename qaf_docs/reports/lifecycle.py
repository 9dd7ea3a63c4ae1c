"""What is waiting on whom after audits come back: concerns, escalations, moderation, overdue packs
and actions, as plain lines for ``qaf status`` and the demo (every list puts escalations first)."""

from __future__ import annotations

from datetime import date, timedelta

from qaf_docs.dates import add_months, uk
from qaf_docs.frameworks import Framework
from qaf_docs.records import EscalationRecord
from qaf_docs.register.lifecycle import CONCERN_LEVEL
from qaf_docs.register.store import Register
from qaf_docs.reports.reaudits import audited_on
from qaf_docs.workspace import Workspace, frameworks_of


def follow_up_due(
    escalation: EscalationRecord, framework: Framework, audit_day: date | None = None
) -> date | None:
    """When the case's next audit is due under the Inadequate pathway, or None (not a pathway step).

    The first step is the re-audit (``reaudit_after_months``); after an escalation the follow-up
    audit comes ``escalate_after_months`` later — West Sussex: "a follow-up audit three months after
    the re-audit", and if still not improved, the next level. Counted from ``audit_day``, the day of
    the audit that raised the step (as sampling and the tracker count it), else from the day it was
    raised.
    """
    keys = [level.key for level in framework.escalation.levels]
    if escalation.level not in keys:
        return None
    months = framework.months_to_next_audit(escalation.level)
    return add_months(audit_day or escalation.raised_on, months)


def unallocated(audit_ref: str) -> str:
    """Why an overdue audit with no auditor is listed, and who acts: it counts as overdue (the plan
    missed it as much as a late return), but there is nobody to remind, so the QA lead gives it an
    auditor — ``qaf round reassign`` (the register holds the audit; ``qaf round allocate`` is for
    cases a draw left off the register)."""
    return (
        f"and no auditor is allocated, so nobody can be reminded: the QA lead gives it one with "
        f'qaf round reassign {audit_ref} --to "NAME"'
    )


def lifecycle_lines(ws: Workspace, register: Register, today: date) -> list[str]:
    """Return what needs someone's attention, most urgent first, one line each."""
    lines: list[str] = []
    for e in sorted(register.escalations(open_only=True), key=lambda e: e.level != CONCERN_LEVEL):
        if e.level == CONCERN_LEVEL:
            lines.append(
                f"SAFEGUARDING CONCERN {e.audit_ref} (case {e.case_id}) since {uk(e.raised_on)}: "
                # As its ingest line says it: a framework that names nobody leaves it to the QA team.
                f"to {', '.join(e.roles) or 'the QA team'}"
            )
            continue
        lines.append(
            f"ESCALATION {e.audit_ref} (case {e.case_id}): {e.title} since {uk(e.raised_on)} "
            f"to {', '.join(e.roles)}; {e.reason}"
        )
    frameworks = frameworks_of(ws)
    results = register.results(today=today)
    by_ref = {r.audit_ref: r for r in results}
    for e in register.escalations(open_only=True):
        audit = by_ref.get(e.audit_ref)
        # From the audit's day, else the day it first came back (a corrected copy does not move it).
        day = audited_on(audit) if audit else None
        due = follow_up_due(e, frameworks(audit.framework_id), day) if audit else None
        if due is not None and due <= today + timedelta(days=7):
            late = " OVERDUE" if due < today else ""
            lines.append(
                f"follow-up audit of case {e.case_id} due {uk(due)}{late} ({e.title}, {e.audit_ref})"
            )
    rule = ws.load_settings().lifecycle.moderate
    for m in register.moderation_queue(frameworks_of(ws), today, rule):
        when = "at once (Inadequate)" if m.at_once else f"by {uk(m.deadline)}"
        late = " OVERDUE" if m.deadline and m.deadline < today else ""
        lines.append(f"moderation {m.audit_ref} (case {m.case_id}): due {when}{late}")
    for c in register.checkpoints(frameworks_of(ws)):
        if c.done_on is None and c.recordable_from <= today:
            late = " OVERDUE" if c.due_on < today else ""
            lines.append(
                f"close the loop {c.round_id} ({c.key}): {c.title} due {uk(c.due_on)}{late}"
            )
    for r in results:
        if r.overdue:
            lines.append(
                f"overdue pack {r.audit_ref} (case {r.case_id}): was due {uk(r.due_on)} "
                + (f"from {r.auditor}" if r.auditor else unallocated(r.audit_ref))
            )
    for r in results:
        past_due = [a.due_on for a in r.actions if a.overdue and a.due_on]
        if past_due and r.status != "cancelled":
            lines.append(
                f"overdue actions {r.audit_ref} (case {r.case_id}): {len(past_due)} past due, "
                f"the earliest on {uk(min(past_due))}"
            )
    return lines
