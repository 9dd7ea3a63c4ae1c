"""The blank action tracker of a pack, sent back with its audit tool.

An auditor often returns the whole pack: the completed audit tool and the action tracker that came
with it, untouched. That tracker was written before any action was agreed, so it holds none. It was
refused as if a manager had deleted every agreed action ("this agreed action's row has been deleted
from the tracker. Put the row back"), or, when it was read before its audit tool, with "keep the
tracker until the audit has been returned": either way the admin officer was sent after a manager
for nothing. It is said for what it is, with nothing to do: the manager's tracker with the agreed
actions is the one qaf writes when the audit tool is accepted.
"""

from __future__ import annotations

from datetime import datetime

from qaf_docs.findings import Finding
from qaf_docs.packs.handoff import FOR_MANAGERS, folder_name
from qaf_docs.records import AWAITING_RETURN, AuditRecord
from qaf_docs.register.store import Register
from qaf_docs.returns.action_tracker import TrackerForm


def _moment(iso: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(iso or "").astimezone()
    except ValueError:
        return None


def blank_pack_tracker_findings(
    register: Register, audit: AuditRecord, tracker: TrackerForm
) -> list[Finding]:
    """One finding, with nothing to put right, for the pack's tracker sent back blank; none for
    any other tracker."""
    if tracker.rows or audit.status == "cancelled":
        return []
    ref = audit.audit_ref
    if audit.status in AWAITING_RETURN:
        return [
            Finding(
                "error",
                "File",
                f"this is the blank action tracker that came with audit {ref}'s pack; the actions "
                "are agreed on the audit tool, which has not been accepted yet, so there is "
                "nothing in this tracker to record",
                "Nothing is needed: you may delete it. Once the audit tool is accepted, qaf "
                f"writes the manager's tracker with the agreed actions in {FOR_MANAGERS}/"
                f"{folder_name(audit.team)}/, and the manager fills in that one.",
                fixable=False,
            )
        ]
    agreed = register.agreed_actions(ref)
    issued = _moment(tracker.identity.issued_at)
    accepted = [t for t in map(_moment, register.forms_accepted_at(ref)) if t is not None]
    if not agreed or issued is None or not accepted or issued > accepted[0]:
        return []  # a tracker sent after the form: an emptied one is the manager's to explain
    return [
        Finding(
            "error",
            "File",
            f"this is the blank action tracker that came with audit {ref}'s pack, written before "
            f"the {len(agreed)} action(s) on the audit tool were agreed, so it holds none of them "
            "and there is nothing in it to record",
            "Nothing is needed: you may delete it. The manager's tracker with the agreed actions "
            f"is {FOR_MANAGERS}/{folder_name(audit.team)}/{ref}.xlsx in the outbox folder; the "
            "manager fills in that one.",
            fixable=False,
        )
    ]
