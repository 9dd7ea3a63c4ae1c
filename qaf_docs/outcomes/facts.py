"""What the register holds about an event's audit, and which outcomes the event makes.

A register event becomes the outcomes the frameworks speak of: an accepted form is "accepted" (or
"re-audited" in a re-audit round); a moderation is "moderated", or "grade changed" when the
moderator changed the grade, and is the audit's acceptance too when its form came back already
moderated; an escalation is "escalated", and its resolution "escalation resolved", or "upgraded
after escalation" when the grade it decided is better than the one before (West Sussex); a manager's
tracker that signs off the last action is "actions closed", and the QA team reopening an action of
a closed audit (``qaf reopen``) "actions reopened".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from qaf_docs.frameworks import Framework
from qaf_docs.outcome_records import OutcomeEvent
from qaf_docs.records import AuditRecord, EscalationRecord, TrackerRow
from qaf_docs.register.events import grade_changed, resolution_change
from qaf_docs.register.reopening import REOPENED
from qaf_docs.register.store import Register
from qaf_docs.reports.lifecycle import follow_up_due
from qaf_docs.reports.names import Children

MISSING_HISTORY_TEXT = "missing_historical_information"  # the form's section of that name


def outcomes_of(event: OutcomeEvent, reaudit: bool, grades: Sequence[str]) -> list[str]:
    """The outcomes (keys of ``NOTE_EVENTS``) a register event makes, in the order they happened.

    ``grades``: the audit's scale, best first (an upgrade is a move up it).
    """
    accepted = "reaudited" if reaudit else "accepted"
    if event.event == "returned":
        return [accepted]
    if event.event == "moderated":
        moderated = "grade_changed" if grade_changed(event.reason) else "moderated"
        return [moderated] if event.accepted_before else [accepted, moderated]
    if event.event == "escalated":
        return ["escalated"]
    if event.event == "escalation resolved":
        change = resolution_change(event.reason)
        better = change is not None and _rank(change[1], grades) < _rank(change[0], grades)
        return ["upgraded" if better else "escalation_resolved"]
    if event.event == "tracker" and event.to_status == "closed" and event.from_status != "closed":
        return ["actions_closed"]
    if event.event == REOPENED and (event.from_status == "closed" or event.closed_before):
        # The record says the actions were closed: it is told which are not (once per reopening,
        # a later one too: the record still says the actions it names were done).
        return ["actions_reopened"]
    return []


def _rank(grade: str, grades: Sequence[str]) -> int:
    """Where ``grade`` stands on the scale (0 is best); a grade not on it ranks below every one."""
    return grades.index(grade) if grade in grades else len(grades)


@dataclass(frozen=True)
class AuditFacts:
    """An audit as its notes and messages describe it, as the register holds it now."""

    audit: AuditRecord
    framework: Framework
    event_on: date
    audit_date: date | None
    grade: str | None
    moderated_grade: str | None
    moderator: str
    moderation_reason: str
    findings: str
    domains: list[tuple[str, str | None, str | None]]  # title, grade, moderated grade
    actions: list[TrackerRow]
    escalation: EscalationRecord | None  # the one an "escalated" event raised
    resolution: str  # what an "escalation resolved" event says decided it ("" for other events)
    regraded: tuple[str, str] | None  # the grade before and after, when this resolution changed it
    escalation_grade: str | None  # the grade the latest escalation decided, where it changed it
    reaudit: bool  # the audit belongs to a re-audit round
    reaudit_of: str | None
    earlier_grade: str | None  # the final grade of the audit a re-audit follows
    on_case_list: bool  # the register holds the case's details from a case list
    replaces: bool = False  # a form sent again: this acceptance replaces the audit's earlier one
    missing_history: str | None = None  # ticked on the current form: what the auditor wrote there
    # An Inadequate pathway step's: when the case is audited again.
    next_audit_due: date | None = None
    # The moderation's own date, as the form gives it (the tracker and the export show this day).
    moderated_on: date | None = None
    # The other children the register holds under the child's surname: said as "another child"
    # in messages, as the child's own names are said as "the child".
    family: tuple[str, ...] = ()
    # What a reopening recorded: which action, as it was, who reopened it and why ("" otherwise).
    reopened: str = ""

    @property
    def final_grade(self) -> str | None:
        """The grade an escalation decided, else the moderated grade, else the auditor's."""
        return self.escalation_grade or self.moderated_grade or self.grade

    @property
    def responsible(self) -> list[str]:
        """The roles an escalation's level makes responsible for resolving it (none for other
        events, a dispute or a concern)."""
        e = self.escalation
        level = self.framework.escalation.level(e.level) if e is not None else None
        return list(level.responsible) if level is not None else []

    @property
    def month(self) -> date:
        """The date whose month a heading names: the audit's date, else the event's."""
        return self.audit_date or self.event_on


def gather(register: Register, event: OutcomeEvent, framework: Framework) -> AuditFacts | None:
    """Read what the notes and messages of ``event`` say (None when the audit is gone)."""
    audit = register.audit(event.audit_ref)
    if audit is None:
        return None
    tool = register.submission(audit.audit_ref)
    form = register.returned_form(audit.audit_ref) or {}
    moderation = register.moderation_given(audit.audit_ref)
    reaudit = register.round_kind(audit.round_id) == "reaudit"
    reaudit_of = register.previous_audit(audit.audit_ref) if reaudit else None
    earlier = register.submission(reaudit_of) if reaudit_of else None
    escalation = _escalation(register, event) if event.event == "escalated" else None
    # Counted from the audit's day, as sampling and ``qaf status`` count it.
    day = (tool.audit_date or date.fromisoformat(tool.received_at[:10])) if tool else None
    return AuditFacts(
        audit=audit,
        framework=framework,
        event_on=date.fromisoformat(event.at[:10]),
        audit_date=tool.audit_date if tool else None,
        grade=tool.overall_grade if tool else None,
        moderated_grade=tool.moderated_grade if tool else None,
        moderator=moderation[0] if moderation else "",
        moderation_reason=moderation[1] if moderation else "",
        moderated_on=moderation[2] if moderation else None,
        findings=str(form.get("overall_rationale") or ""),
        domains=register.domain_grades(audit.audit_ref),
        actions=register.current_actions(audit.audit_ref),
        escalation=escalation,
        resolution=event.reason if event.event == "escalation resolved" else "",
        regraded=resolution_change(event.reason) if event.event == "escalation resolved" else None,
        escalation_grade=tool.escalation_grade if tool else None,
        reaudit=reaudit,
        reaudit_of=reaudit_of,
        earlier_grade=(earlier.escalation_grade or earlier.moderated_grade or earlier.overall_grade)
        if earlier
        else None,
        on_case_list=bool(audit.team or audit.worker or register.case_facts(audit.audit_ref)),
        replaces=event.event == "returned" and event.accepted_before,
        missing_history=str(form.get("texts", {}).get(MISSING_HISTORY_TEXT) or "")
        if form.get("missing_history")
        else None,
        # Only while the step is open: one resolved (the case audited again since) is not due.
        next_audit_due=follow_up_due(escalation, framework, day)
        if escalation and escalation.open
        else None,
        family=tuple(Children(register.child_names()).family(audit.child_name))
        if audit.child_name
        else (),
        reopened=event.reason if event.event == REOPENED else "",
    )


def _escalation(register: Register, event: OutcomeEvent) -> EscalationRecord | None:
    raised = register.escalations(audit_ref=event.audit_ref)
    # The event's reason is "<title>: <reason>" of the escalation it records (once per level).
    exact = [e for e in raised if f"{e.title}: {e.reason}" == event.reason]
    found = exact or raised
    return found[-1] if found else None


def responsibility(facts: AuditFacts) -> str:
    """Who must resolve an escalation, as its level says (the framework's words where it gives
    them), or "" when the level names nobody."""
    e = facts.escalation
    level = facts.framework.escalation.level(e.level) if e is not None else None
    return level.who_resolves() if level is not None else ""
