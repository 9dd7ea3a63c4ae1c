"""What a returned file says against what already happened: dates that cannot be right, and a
manager's tracker that drops or back-dates the actions agreed in the audit.

These checks need the audit's history (when its pack was issued, which actions were agreed), so the
inbox passes it in; each problem is an error naming the field or row, for the person who fills it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework
from qaf_docs.records import AWAITING_RETURN, AuditForm, AuditRecord, TrackerRow


def issued_on(issued_at: str) -> date | None:
    """The date part of an ISO 8601 issue time, or None when it cannot be read."""
    try:
        return datetime.fromisoformat(issued_at).date()
    except ValueError:
        return None


def audit_date_findings(
    form: AuditForm, *, received_on: date, before_issue: Literal["warning", "error"] = "error"
) -> list[Finding]:
    """An audit dated after the form arrived is an error; one before its pack was issued is
    ``before_issue`` (a typed-up record of an earlier meeting is possible, so councils choose)."""
    when = form.audit_date
    if when is None:
        return []
    if when > received_on:
        return [
            Finding(
                "error",
                "Date of audit",
                f"{when:%d/%m/%Y} is in the future (the form arrived on {received_on:%d/%m/%Y})",
                "Give the date the audit meeting took place.",
            )
        ]
    issued = issued_on(form.identity.issued_at)
    if issued is not None and when < issued:
        return [
            Finding(
                before_issue,
                "Date of audit",
                f"{when:%d/%m/%Y} is before this audit tool was issued on {issued:%d/%m/%Y}",
                "Give the date the audit meeting took place, on or after the issue date.",
            )
        ]
    return []


def tracker_findings(
    rows: Sequence[TrackerRow], agreed: Sequence[TrackerRow], *, agreed_on: date | None
) -> list[Finding]:
    """Errors for a tracker that deletes an agreed action, completes one before it was agreed, or
    undoes a completion already recorded (an older copy arriving after a newer one)."""
    found: list[Finding] = []
    numbers = {r.number for r in rows}
    for action in agreed:
        if action.number not in numbers:
            found.append(
                Finding(
                    "error",
                    f"Action {action.number}",
                    "this agreed action's row has been deleted from the tracker",
                    "Put the row back and give its status; an action that no longer applies is "
                    "marked Completed with a note in the evidence column.",
                )
            )
    recorded = {a.number: a for a in agreed}
    for r in rows:
        before = recorded.get(r.number)
        if before is not None and before.status == "Completed" and r.status != "Completed":
            found.append(
                Finding(
                    "error",
                    f"Action {r.number}: status",
                    "already recorded as Completed"
                    + (f" on {before.completed_on:%d/%m/%Y}" if before.completed_on else "")
                    + f", but this tracker says {r.status}: it looks like an older copy",
                    "Send the latest copy of the tracker. If the action really has been reopened, "
                    "tell the QA team rather than changing its status.",
                )
            )
    if agreed_on is not None:
        for r in rows:
            if r.completed_on is not None and r.completed_on < agreed_on:
                found.append(
                    Finding(
                        "error",
                        f"Action {r.number}: date completed",
                        f"{r.completed_on:%d/%m/%Y} is before the action was agreed on "
                        f"{agreed_on:%d/%m/%Y}",
                        "Give the date the action was actually completed.",
                    )
                )
    return found


def form_status_findings(
    audit: AuditRecord, grade: str | None, moderated: str | None, framework: Framework
) -> list[Finding]:
    """A form for a cancelled audit is refused; an Inadequate one not yet moderated is flagged."""
    if audit.status == "cancelled":
        return [
            Finding(
                "error",
                "File",
                f"Audit {audit.audit_ref} was cancelled, so its form cannot be recorded",
                "Ask the QA team whether the audit should be re-opened.",
            )
        ]
    if framework.moderated_at_once(grade) and not moderated:
        return [
            Finding(
                "warning",
                "Moderation",
                f"graded {grade}: the framework has it moderated at once; it is first in the "
                "moderation queue",
            )
        ]
    return []


def tracker_status_findings(audit: AuditRecord) -> list[Finding]:
    """A tracker counts only for an audit whose form was accepted and that is not cancelled."""
    if audit.status != "cancelled" and audit.status not in AWAITING_RETURN:
        return []
    why = (
        "was cancelled"
        if audit.status == "cancelled"
        else "has no accepted audit form yet, so no actions have been agreed"
    )
    return [
        Finding(
            "error",
            "File",
            f"Audit {audit.audit_ref} {why}; its action tracker cannot be recorded",
            "Keep the tracker until the QA team confirms the audit has been returned.",
        )
    ]
