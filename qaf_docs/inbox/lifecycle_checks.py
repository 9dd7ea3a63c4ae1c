"""What ingest asks of an audit's lifecycle before it records a form: a safeguarding concern on a
form is kept even when the form is refused; an older copy, one named for another audit or last
round's form after its re-audit went out is set aside; the Inadequate pathway said as it moves. A
returned tracker's checks are in ``tracker_checks``."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qaf_docs import clock
from qaf_docs.dates import uk_time
from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.reaudited import reaudited_findings
from qaf_docs.records import AuditForm, AuditRecord, EscalationRecord
from qaf_docs.register.restart import STARTS_AGAIN, stood_down_resolution
from qaf_docs.register.store import Register
from qaf_docs.register.values import same_action
from qaf_docs.returns.moderation import moderation_findings
from qaf_docs.returns.smart import smart_findings
from qaf_docs.returns.timeline import (
    audit_date_findings,
    form_status_findings,
)
from qaf_docs.workspace import Settings


def form_lifecycle_findings(
    register: Register,
    form: AuditForm,
    audit: AuditRecord,
    framework: Framework,
    settings: Settings,
    file_name: str = "",
) -> list[Finding]:
    """The audit date, SMART actions, moderation, the audit's status, and whether this copy is
    older than the one already accepted, or named for another audit, checked on a form."""
    same = same_answers_findings(register, audit, form)
    if same:
        return same  # nothing else about it matters: it records nothing
    return (
        reaudited_findings(register, audit, lambda: _differs(register, audit.audit_ref, form))
        + named_for_another_findings(register, audit, file_name)
        + older_copy_findings(register, audit, form)
        + stale_moderation_findings(register, audit, form)
        + audit_date_findings(
            form,
            received_on=clock.today(),
            before_issue=settings.lifecycle.audit_date_before_issue,
        )
        + smart_findings(form, framework, vague=settings.lifecycle.vague_actions)
        + moderation_findings(form)
        + form_status_findings(audit, form.overall_grade, form.moderated_grade, framework)
    )


def same_answers_findings(register: Register, audit: AuditRecord, form: AuditForm) -> list[Finding]:
    """A copy saying exactly what the accepted one says (saved again unchanged, or sent twice)
    is set aside: accepted, it would put the same outcome on the child's record again."""
    current = register.submission(audit.audit_ref)
    if current is None or current.answers_sha != form.answers_digest():
        return []
    when = uk_time(datetime.fromisoformat(current.received_at))
    return [
        Finding(
            "error",
            "File",
            f"this copy says exactly what the copy of audit {audit.audit_ref} accepted on {when} "
            "says, so there is nothing new to record",
            "Nothing is needed: delete this copy. To change the audit, edit the form and send it "
            "again.",
            fixable=False,
        )
    ]


_AUDIT_REF = re.compile(r"QA\d{4}-\d{4}", re.IGNORECASE)


def named_for_another_findings(
    register: Register, audit: AuditRecord, file_name: str
) -> list[Finding]:
    """A form of an audit already accepted, in a file named for another audit of the register
    (qaf names each pack by its audit reference), is refused: most likely the first audit's form
    was saved again under the second's name and the second child's answers typed over it, which
    would be recorded over the first child's audit. A first return is its header's audit's, and
    taken as it is, whatever its name."""
    named = {ref.upper() for ref in _AUDIT_REF.findall(file_name)}
    own = audit.audit_ref.upper()
    if not named or own in named or register.submission(audit.audit_ref) is None:
        return []
    other = next((a for ref in sorted(named) if (a := register.audit(ref)) is not None), None)
    if other is None:
        return []
    return [
        Finding(
            "error",
            "File",
            f"this is the form of audit {audit.audit_ref} (case {audit.case_id}), accepted once "
            f"already, but the file is named for audit {other.audit_ref} (case {other.case_id}): "
            f"it may be {audit.audit_ref}'s form saved again under {other.audit_ref}'s name, "
            f"with answers for case {other.case_id} typed over it",
            f"If its answers are for case {other.case_id}, copy them into audit "
            f"{other.audit_ref}'s own audit tool ({other.audit_ref}.docx, in the pack the QA team "
            f"sent) and drop that in the inbox. If they correct audit {audit.audit_ref}, rename "
            f"the file {audit.audit_ref}.docx and drop it in the inbox again.",
        )
    ]


def older_copy_findings(register: Register, audit: AuditRecord, form: AuditForm) -> list[Finding]:
    """A copy saved before the form already accepted for the audit is set aside, not recorded over
    it (two versions in the inbox, or an old copy found and sent again)."""
    current = register.submission(audit.audit_ref)
    if current is None or current.saved_at is None or form.saved_at is None:
        return []
    if form.saved_at >= current.saved_at:
        return []
    try:
        issued = datetime.fromisoformat(form.identity.issued_at)
    except ValueError:
        issued = None
    if issued is not None and issued.tzinfo and form.saved_at < issued:
        # A "last saved" time before qaf wrote the file is the template's (python-docx stamps
        # 2013): no editor saved this copy, only a program that leaves the time alone, so the
        # time cannot say which copy is newer. It is taken like a copy with no time at all.
        return []
    return [
        Finding(
            "error",
            "File",
            f"this copy was saved on {uk_time(form.saved_at, current.saved_at)}, before the copy "
            f"of audit {audit.audit_ref} already accepted (saved on "
            f"{uk_time(current.saved_at, form.saved_at)}), so it "
            "would replace newer work",
            "If the accepted copy is the right one, nothing is needed: delete this one. If this "
            "copy is the one to keep, open it, save it again and drop it in the inbox.",
            fixable=False,
        )
    ]


def stale_moderation_findings(
    register: Register, audit: AuditRecord, form: AuditForm
) -> list[Finding]:
    """A moderation filled in a copy of the audit tool made before the auditor's corrected form was
    accepted would record the old grades or actions over the correction: refused, saying so."""
    accepted = register.forms_accepted_at(audit.audit_ref)
    if not form.moderated_grade or len(accepted) < 2:
        return []
    try:
        made = datetime.fromisoformat(form.identity.issued_at).astimezone()
        corrected = datetime.fromisoformat(accepted[-1]).astimezone()
    except ValueError:
        return []
    if made >= corrected:
        return []  # written from the corrected form (qaf generate --moderation since)
    differs = _differs(register, audit.audit_ref, form)
    if not differs:
        return []
    return [
        Finding(
            "error",
            "File",
            f"this moderation was filled in a copy of the audit tool made before the auditor's "
            f"corrected form was accepted on {uk_time(corrected)}; its {differs} differ from the "
            "corrected form's, so recording it would undo the correction",
            "Copy the moderation into the latest copy of the audit tool (qaf generate "
            "--moderation writes one) and drop that in the inbox.",
            fixable=False,
        )
    ]


def _differs(register: Register, audit_ref: str, form: AuditForm) -> str:
    """Which of the auditor's judgements a form shows otherwise than the current one ("" if none)."""
    words = same_action
    current = register.submission(audit_ref)
    agreed = [
        (words(a.description), words(a.owner), a.due_on) for a in register.agreed_actions(audit_ref)
    ]
    shown = [(words(a.description), words(a.owner), a.due_on) for a in form.actions]
    grades = [g for _, g, _ in register.domain_grades(audit_ref)]
    found = []
    if current and current.overall_grade != form.overall_grade:
        found.append("overall grade")
    if grades != [d.grade for d in form.domains]:
        found.append("practice-area grades")
    if agreed != shown:
        found.append("actions")
    return " and ".join(found)


def replacing(register: Register, form: AuditForm) -> str:
    """What the ingest line says of a form that replaces one accepted before ("" for a first),
    and whether the moderation recorded for it is set aside (the register's rule: a copy showing
    another overall grade is a new judgement, due for moderation again)."""
    current = register.submission(form.identity.audit_ref)
    if current is None:
        return ""
    when = datetime.fromisoformat(current.received_at)
    said = f"replaces the copy accepted on {uk_time(when)}"
    moderated = current.moderated_grade and not form.moderated_grade
    if moderated and current.overall_grade != form.overall_grade:
        said += (
            "; the moderation recorded before no longer counts: the overall grade changed from "
            f"'{current.overall_grade}' to '{form.overall_grade}' since it was moderated, so it "
            "is due for moderation again"
        )
    return said


@dataclass(frozen=True)
class Concern:
    """A safeguarding concern a form raised: ``note`` is the rejection note's sentence (the form
    raised one); ``said`` the words of ``qaf ingest``'s line and the watch log when this file
    recorded it first (a copy sent again says nothing new), "" otherwise."""

    note: str = ""
    said: str = ""


def record_concern(
    register: Register, audit: AuditRecord, form: AuditForm, framework: Framework
) -> Concern:
    """A safeguarding concern is recorded before anything else, even if the file is refused.

    It is urgent, so the file's own line says it in capitals, in order with the other files,
    not a log line beside them."""
    ticked, text = form.concern, form.concern_text
    if not ticked and not text:
        return Concern()
    roles = [*framework.escalation.immediate_concerns]
    roles += framework.escalation.immediate_concerns_notify
    new = register.raise_concern(audit.audit_ref, text, roles=roles, on=clock.today())
    to = ", ".join(roles) or "the QA team"
    return Concern(
        f"The immediate safeguarding concern on this form HAS been recorded, for {to}.",
        f"IMMEDIATE SAFEGUARDING CONCERN recorded, for {to}: qaf status lists it first"
        if new
        else "",
    )


def redo_pathway(
    register: Register, audit_ref: str | None, path: Path, framework: Callable[[str], Framework]
) -> None:
    """Follow the Inadequate pathway of a form recorded but not yet moved (it is idempotent).

    Both ingest paths now record a form and its pathway together; a register where an earlier qaf
    stopped between its two transactions still holds the form without its pathway, and finishing
    the interrupted ingest makes that good."""
    audit = register.audit(audit_ref) if audit_ref else None
    form = register.submission(audit.audit_ref) if audit else None
    # The file was the audit's form if the register took it as one: its name may lack ".docx".
    if audit and form and form.file_name == path.name:
        register.apply_pathway(audit.audit_ref, framework(audit.framework_id), clock.today())


def pathway_said(audit: AuditRecord, raised: Sequence[EscalationRecord]) -> list[str]:
    """What an ingest line says of the Inadequate pathway steps a form raised; ``audit`` as it
    stood before the form. Where its managers had closed it (every action signed off) before the
    grade was confirmed, the QA team is told in so many words that the pathway starts all the
    same: the audit stays closed, as it would be had the moderation come first and the managers
    signed off after (the same events in either order end in the same state)."""
    stood = [e for e in raised if stood_down_resolution(e)]
    counted = [e for e in raised if e.audit_ref != audit.audit_ref]  # later audits' steps
    raised = [e for e in raised if e not in stood and e not in counted]
    said = [
        f"Inadequate pathway stood down: {e.title} ({e.resolution}); a later copy graded "
        "Inadequate again starts it again"
        for e in stood
    ]
    said += [
        f"{e.title} of audit {e.audit_ref} was raised counting audit {audit.audit_ref} as "
        "Inadequate, which it no longer is: it stays open until the QA team resolves it (qaf "
        f"escalations --resolve {e.id})"
        if f"audit {audit.audit_ref}, counted as" in e.reason
        else f"{e.title} of audit {e.audit_ref} counts audit {audit.audit_ref} as Inadequate "
        "again, as it was raised"
        for e in counted
    ]
    said += [
        f"escalated: {e.title}"
        + (f" ({e.reason})" if STARTS_AGAIN in e.reason else "")
        + (
            f", resolved at once: the case was audited again since ({e.resolution})"
            if e.resolved_on
            else ""
        )
        for e in raised
    ]
    if raised and audit.status == "closed":
        said.insert(
            0,
            f"audit {audit.audit_ref} was closed (every action signed off) before its Inadequate "
            "grade was confirmed: its actions stay closed, and the Inadequate pathway starts as "
            "it would have had the grade been confirmed first (" + "; ".join(
                f"{e.title}, to {', '.join(e.roles) or 'the QA team'}" for e in raised
            ) + ")",
        )  # fmt: skip
    return said
