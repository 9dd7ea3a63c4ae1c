"""What ingest asks of a returned action tracker against its audit's history: a returned, not
cancelled audit, every agreed action kept as agreed, not the pack's blank copy, not a copy saved
unchanged or before the one already accepted; a manager's added action held to the framework's rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from qaf_docs.dates import uk_time
from qaf_docs.findings import Finding, errors
from qaf_docs.inbox.pack_tracker import blank_pack_tracker_findings
from qaf_docs.records import AuditRecord, TrackerRow
from qaf_docs.register.store import Register
from qaf_docs.returns.action_tracker import TrackerForm
from qaf_docs.returns.smart import added_action_findings
from qaf_docs.returns.timeline import (
    agreed_action_findings,
    tracker_findings,
    tracker_status_findings,
)
from qaf_docs.workspace import ValidationRules


def tracker_checks(
    register: Register,
    audit: AuditRecord | None,
    tracker: TrackerForm,
    rules: ValidationRules,
    within: int | None = None,
) -> list[Finding]:
    """Everything found in a returned tracker: what reading it found, then its audit's history
    (``tracker_history_findings``). A warning about a cell that is refused is left out (a hidden
    Evidence cell "not needed yet" where evidence was recorded, "no owner" where it is hidden).
    ``within``: the days after the audit an action must be due within (None: no limit)."""
    found = tracker.findings + tracker_history_findings(register, audit, tracker, rules, within)
    refused = {f.where for f in errors(found)}
    return [f for f in found if f.severity == "error" or f.where not in refused]


def tracker_history_findings(
    register: Register,
    audit: AuditRecord | None,
    tracker: TrackerForm,
    rules: ValidationRules,
    within: int | None = None,
) -> list[Finding]:
    """A tracker counts only for a returned, not cancelled audit, shows every agreed action as the
    audit form agreed it, and is not a copy issued before the form was corrected; an action the
    manager added that is not SMART is warned of (``rules``: the audit form's)."""
    if audit is None:
        return []
    refused = (
        blank_pack_tracker_findings(register, audit, tracker)  # the pack's, sent back blank
        or tracker_status_findings(audit)
        or same_tracker_findings(register, audit, tracker)
    )
    if refused:
        return refused
    tool = register.submission(audit.audit_ref)
    agreed_actions = register.agreed_actions(audit.audit_ref)
    agreed = agreed_action_findings(
        tracker,
        agreed_actions,
        forms_accepted_at=register.forms_accepted_at(audit.audit_ref),
        auditor=audit.auditor,
    )
    if any(f.where == "File" for f in agreed):
        return agreed  # an older copy: the one thing to say
    agreed_on = (tool.audit_date or date.fromisoformat(tool.received_at[:10])) if tool else None
    current = register.current_actions(audit.audit_ref)
    numbers = {a.number for a in agreed_actions}
    added = frozenset(a.number for a in current if a.number not in numbers)
    found = agreed + tracker_findings(tracker, current, agreed_on=agreed_on, added=added)
    found = found or _older_tracker_findings(register, audit, tracker, current)
    if any(f.where == "File" for f in found):
        return found
    added_on = register.actions_first_recorded(audit.audit_ref) if within is not None else {}
    return found + added_action_findings(
        tracker, numbers, rules, within=within, agreed_on=agreed_on, added_on=added_on
    )


def same_tracker_findings(
    register: Register, audit: AuditRecord, tracker: TrackerForm
) -> list[Finding]:
    """A copy of the tracker saying exactly what the register holds from the one accepted (saved
    again unchanged: Calc rewrites the bytes) is set aside, as such a form is: accepted, it would
    record nothing new but another "tracker" event in the audit's history."""
    accepted = register.submission(audit.audit_ref, "action_tracker")
    if _said(tracker.rows) != _said(register.current_actions(audit.audit_ref)):
        return []
    if accepted is None:  # the tracker qaf issued, sent back as it came (recording it would say
        # the manager's work on the actions had begun: "actions open")
        return [
            Finding(
                "error",
                "File",
                f"this tracker says exactly what qaf issued for audit {audit.audit_ref} (every "
                "action Not started, with no completion date, evidence or sign-off), so there "
                "is nothing to record yet",
                "Nothing is needed: keep the tracker, and send it again once an action has "
                "moved on (its Status, Completion date, Evidence or sign-off).",
                fixable=False,
            )
        ]
    rows = tracker.rows
    closes = bool(rows) and all(r.status == "Completed" and r.signed_off_by for r in rows)
    if audit.status != ("closed" if closes else "actions open"):
        return []  # recording it would still move the audit on
    when = uk_time(datetime.fromisoformat(accepted.received_at))
    return [
        Finding(
            "error",
            "File",
            f"this copy says exactly what the tracker of audit {audit.audit_ref} accepted on "
            f"{when} says, so there is nothing new to record",
            "Nothing is needed: delete this copy. To update an action, change its row in the "
            "tracker and send it again.",
            fixable=False,
        )
    ]


def _said(rows: Sequence[TrackerRow]) -> Counter[tuple[object, ...]]:
    """Everything a tracker records of each action, spacing and capitals aside."""

    def words(text: str) -> str:
        return " ".join(text.split()).casefold()

    return Counter(
        (r.number, words(r.description), words(r.owner), r.due_on, r.status, r.completed_on,
         words(r.evidence), words(r.signed_off_by), r.signed_off_on)
        for r in rows
    )  # fmt: skip


def _older_tracker_findings(
    register: Register, audit: AuditRecord, tracker: TrackerForm, current: list[TrackerRow]
) -> list[Finding]:
    """A copy saved before the tracker already accepted, that would change what it recorded (an
    older note in Evidence, an earlier date), is set aside, as an older copy of a form is: it
    takes nothing back to blank, so only its saved time tells that it would replace newer work."""
    accepted = register.submission(audit.audit_ref, "action_tracker")
    if accepted is None or accepted.saved_at is None or tracker.saved_at is None:
        return []
    if tracker.saved_at >= accepted.saved_at or _updates(tracker.rows) == _updates(current):
        return []
    try:
        issued = datetime.fromisoformat(tracker.identity.issued_at)
    except ValueError:
        issued = None
    if issued is not None and issued.tzinfo and tracker.saved_at < issued:
        return []  # a time before qaf wrote the file is no editor's: it cannot say which is newer
    return [
        Finding(
            "error",
            "File",
            f"this copy was saved on {uk_time(tracker.saved_at, accepted.saved_at)}, before the "
            f"copy of the tracker of audit {audit.audit_ref} already accepted (saved on "
            f"{uk_time(accepted.saved_at, tracker.saved_at)}), so it would replace newer updates",
            "If the accepted copy is the right one, nothing is needed: delete this one. If this "
            "copy is the one to keep, open it, save it again and drop it in the inbox.",
            fixable=False,
        )
    ]


def _updates(rows: Sequence[TrackerRow]) -> set[tuple[object, ...]]:
    """What a manager records of each action, to compare two copies by."""
    return {
        (r.number, r.status, r.completed_on, " ".join(r.evidence.split()), r.signed_off_by,
         r.signed_off_on)
        for r in rows
    }  # fmt: skip
