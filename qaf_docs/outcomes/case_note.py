"""A case note for the child's record: short, plain text, under the framework's heading.

It says what happened and when, the grades, the findings in a few lines, the actions with their
owners and due dates, and the audit reference, so whoever reads the record can find the audit. It
names the child only where the workspace prints children's names.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date

from qaf_docs.dates import uk
from qaf_docs.outcomes.facts import AuditFacts
from qaf_docs.outcomes.names import called
from qaf_docs.register.reopening import reopened_numbers

FINDINGS_CHARS = 600  # a few lines: the whole rationale is in the audit tool
MOST_DOMAINS = 10


@dataclass(frozen=True)
class CaseNote:
    """One note: heading, a line saying what happened, labelled facts, sections and actions."""

    heading: str
    happened: str
    day: str  # ISO 8601: the day of the event
    facts: list[tuple[str, str]] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    actions: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # what, owner, due, state
    reference: str = ""
    docx: bool = False

    def body(self) -> str:
        """Everything under the heading, as plain text to paste (the batch file's text)."""
        lines = [self.happened, ""]
        width = max((len(label) for label, _ in self.facts), default=0) + 2
        lines += [f"{label + ':':<{width}}{value}" for label, value in self.facts]
        for title, items in self.sections:
            lines += ["", title, *items]
        if self.actions:
            lines += ["", "Actions (owner, due date)"]
            for n, (what, owner, due, state) in enumerate(self.actions, start=1):
                extra = f" - {state}" if state else ""
                lines.append(f"{n}. {what} - {owner or 'no owner'}, due {due or 'no date'}{extra}")
        lines += ["", self.reference]
        return "\n".join(lines)

    def text(self) -> str:
        """The whole note: heading, then body."""
        return f"{self.heading}\n\n{self.body()}\n"

    def to_json(self) -> str:
        """What the register keeps, so the note can be written again word for word."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> CaseNote:
        """The note the register kept."""
        data = json.loads(text)
        return cls(
            heading=data["heading"],
            happened=data["happened"],
            day=data["day"],
            facts=[(a, b) for a, b in data["facts"]],
            sections=[(t, list(items)) for t, items in data["sections"]],
            actions=[(a, b, c, d) for a, b, c, d in data["actions"]],
            reference=data["reference"],
            docx=bool(data.get("docx")),
        )


def happened(outcome: str, facts: AuditFacts) -> str:
    """One sentence: what happened to the audit, and when."""
    a, on = facts.audit, uk(facts.event_on)
    e = facts.escalation
    title = f": {e.title}" if e is not None else ""
    # The moderator's date, as the tracker and the export give it; the day it was read if none.
    moderated = uk(facts.moderated_on or facts.event_on)
    if facts.replaces and outcome in ("accepted", "reaudited"):
        kind = "re-audit" if outcome == "reaudited" else "case file audit"
        return (
            f"A corrected copy of {kind} {a.audit_ref} was accepted on {on}. It replaces the "
            "audit's earlier record and note: use this one."
        )
    said = {
        "accepted": f"Case file audit {a.audit_ref} completed and accepted on {on}.",
        "reaudited": f"Re-audit {a.audit_ref} completed and accepted on {on}.",
        "moderated": f"Audit {a.audit_ref} moderated on {moderated}: the grade was agreed.",
        "grade_changed": f"Audit {a.audit_ref} moderated on {moderated}: the grade was changed.",
        "escalated": f"Audit {a.audit_ref} escalated on {on}{title}.",
        "escalation_resolved": f"The escalation of audit {a.audit_ref} was resolved on {on}.",
        "upgraded": f"Audit {a.audit_ref} was upgraded after escalation on {on}"
        + (f": from {facts.regraded[0]} to {facts.regraded[1]}." if facts.regraded else "."),
        "actions_closed": (
            f"All actions from audit {a.audit_ref} completed and signed off by {on}."
        ),
        "actions_reopened": (
            f"The actions from audit {a.audit_ref} are open again from {on}, after they were "
            f"recorded as closed: {facts.reopened or 'an action was reopened'}."
        ),
    }
    return said[outcome]


def build_note(outcome: str, facts: AuditFacts, *, child_name: str | None) -> CaseNote:
    """The note for ``outcome`` (a key of ``NOTE_EVENTS``) of the audit ``facts`` describe; a
    safeguarding concern's says so in its plain heading and its reference line (the register
    keeps it as an escalation, and the Inadequate pathway's escalation may be beside it)."""
    a, notes = facts.audit, facts.framework.case_notes
    rows: list[tuple[str, str]] = [("Case", a.case_id)]
    if child_name:
        rows.append(("Child", child_name))
    rows += [("Audit date", uk(facts.audit_date) if facts.audit_date else "not recorded")]
    rows += [("Auditor", a.auditor or "not recorded")]
    worker = a.worker or "not recorded"
    rows += [("Practitioner", f"{worker} ({a.team})" if a.team else worker)]
    rows += [("Grade", facts.grade or "not graded yet")]
    if facts.moderated_grade:
        changed = facts.moderated_grade != facts.grade
        rows.append(("Moderated grade", facts.moderated_grade + (" (changed)" if changed else "")))
        rows.append(("Moderated by", facts.moderator or "not named"))
        if facts.moderation_reason:
            rows.append(("Reason", facts.moderation_reason))
    if facts.reaudit_of:
        earlier = f", graded {facts.earlier_grade}" if facts.earlier_grade else ""
        rows.append(("Re-audit of", f"{facts.reaudit_of}{earlier}"))
    e = facts.escalation
    if outcome == "escalated" and e is not None:
        rows.append(("Escalated", f"{e.title}, {uk(e.raised_on)}, to {', '.join(e.roles)}"))
        rows.append(("Why", e.reason))
        if facts.responsible:
            rows.append(("To resolve it", ", ".join(facts.responsible)))
        if facts.next_audit_due:
            rows.append(("Next audit due by", uk(facts.next_audit_due)))
        if e.resolved_on:
            rows.append(("Resolved", f"{uk(e.resolved_on)}: {e.resolution or ''}"))
    if outcome == "actions_reopened":
        # Which actions, by number and what they are: the record said they were done.
        by_number = {t.number: " ".join(t.description.split()) for t in facts.actions}
        rows += [
            ("Open again", f"action {n}" + (f": {by_number[n]}" if by_number.get(n) else ""))
            for n in reopened_numbers(facts.reopened)
        ]
    if facts.escalation_grade:
        rows.append(("Grade after escalation", facts.escalation_grade))
    if facts.resolution:
        rows.append(("Escalation outcome", facts.resolution))
    sections: list[tuple[str, list[str]]] = []
    if facts.domains:
        shown = facts.domains[:MOST_DOMAINS]
        sections.append(
            (
                "Grades by practice area",
                [
                    f"- {title}: {grade or 'not graded'}"
                    + (f" (moderated: {moderated})" if moderated and moderated != grade else "")
                    for title, grade, moderated in shown
                ],
            )
        )
    if facts.findings.strip():
        sections.append(("Findings", [_short(facts.findings)]))
    what = called(outcome, facts)  # a concern is "safeguarding concern", not "escalated"
    return CaseNote(
        heading=notes.heading_for(outcome, facts.month, called=what),
        happened=happened(outcome, facts),
        day=facts.event_on.isoformat(),
        facts=rows,
        sections=sections,
        actions=[
            (
                t.description,
                t.owner,
                uk(t.due_on) if t.due_on else "",
                _state(t.status, t.completed_on, t.signed_off_by, t.immediate),
            )
            for t in facts.actions
        ],
        reference=(
            f"Audit reference {a.audit_ref} ({facts.framework.name}); "
            f"recorded as '{what}' in the QA register."
        ),
        docx=notes.docx,
    )


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= FINDINGS_CHARS:
        return text
    return text[:FINDINGS_CHARS].rsplit(" ", 1)[0] + " … (the audit tool has the rest)"


def _state(status: str, completed_on: date | None, signed_off_by: str, immediate: bool) -> str:
    parts = ["immediate"] if immediate else []
    if status and status != "Not started":
        done = f" {uk(completed_on)}" if status == "Completed" and completed_on else ""
        parts.append(f"{status.lower()}{done}")
    if signed_off_by:
        parts.append(f"signed off by {signed_off_by}")
    return "; ".join(parts)
