"""Reopening an action the manager signed off: the QA team's decision, never a tracker's.

A tracker that takes back a completion or a sign-off is refused (it looks like an older copy), and
its note tells the manager to ask the QA team. This is what the QA team then does: the action goes
back to In progress, its completion date and sign-off are cleared (the evidence is kept), the
audit has actions open again, and who reopened it and why are kept in its history. It is recorded
as an update of the tracker of its own, so nothing the manager sent before is overwritten, and a
copy of the tracker the manager saved before it is set aside as older.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from hashlib import sha256
from typing import TYPE_CHECKING

from qaf_docs.dates import uk
from qaf_docs.errors import RegisterError
from qaf_docs.records import TrackerRow
from qaf_docs.register.events import record_event
from qaf_docs.register.values import iso_or_none

if TYPE_CHECKING:
    from qaf_docs.register.store import Register

REOPENED = "action reopened"


def reopen_action(
    register: Register, audit_ref: str, number: int, *, by_whom: str, reason: str
) -> TrackerRow:
    """Reopen action ``number`` of an audit, completed and signed off; return it as it was."""
    [found] = reopen_actions(register, audit_ref, [number], by_whom=by_whom, reason=reason)
    return found


def reopen_actions(
    register: Register, audit_ref: str, numbers: Sequence[int], *, by_whom: str, reason: str
) -> list[TrackerRow]:
    """Reopen actions ``numbers`` of an audit, each completed and signed off, as one event (one
    case note names them all); return them as they were. None is reopened if any cannot be."""
    by_whom, reason = " ".join(by_whom.split()), " ".join(reason.split())
    numbers = list(dict.fromkeys(numbers))
    which = _numbers(numbers)
    if not by_whom or not reason:
        raise RegisterError(
            f"Say who is reopening {which} of audit {audit_ref} and why (--by and "
            "--reason): both are kept in its history. Nothing was changed."
        )
    with register.transaction() as db:
        audit = register.audit(audit_ref)
        if audit is None:
            raise RegisterError(f"Audit {audit_ref} is not in the register.")
        if audit.status == "cancelled":
            raise RegisterError(f"Audit {audit_ref} was cancelled: its actions cannot be reopened.")
        rows = register.current_actions(audit_ref)
        found = [_completed(rows, n, audit_ref, audit.case_id) for n in numbers]
        now = datetime.now(UTC).replace(microsecond=0)
        reopened = [
            replace(
                r, status="In progress", completed_on=None, signed_off_by="", signed_off_on=None
            )
            if r.number in numbers
            else r
            for r in rows
        ]
        name = f"{which} reopened by {by_whom}"
        sid = db.insert(
            "INSERT INTO submissions (audit_ref, kind, file_name, file_sha256, received_at, "
            "saved_at) VALUES (?, 'action_tracker', ?, ?, ?, ?)",
            (
                audit_ref,
                name,
                sha256(f"{audit_ref} {name} {now.isoformat()}".encode()).hexdigest(),
                now.astimezone().isoformat(timespec="seconds"),
                now.isoformat(),
            ),
        )
        db.execute(
            "UPDATE submissions SET superseded_by = ? WHERE audit_ref = ? AND "
            "kind = 'action_tracker' AND superseded_by IS NULL AND id <> ?",
            (sid, audit_ref, sid),
        )
        db.executemany(
            "INSERT INTO action_updates (submission_id, audit_ref, number, description, owner, "
            "due_on, status, completed_on, evidence, signed_off_by, signed_off_on) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (sid, audit_ref, r.number, r.description, r.owner, iso_or_none(r.due_on),
                 r.status, iso_or_none(r.completed_on), r.evidence, r.signed_off_by,
                 iso_or_none(r.signed_off_on))
                for r in reopened
            ],
        )  # fmt: skip
        record_event(
            db,
            audit_ref,
            REOPENED,
            to_status="actions open",
            reason=f"{_and(_was(r) for r in found)} reopened by {by_whom}: {reason}",
        )
    return found


def _completed(rows: Sequence[TrackerRow], number: int, audit_ref: str, case: str) -> TrackerRow:
    """Action ``number`` of the audit's current actions, refused unless it is completed."""
    found = next((r for r in rows if r.number == number), None)
    if found is None:
        have = ", ".join(str(r.number) for r in rows) or "none recorded yet"
        raise RegisterError(
            f"Audit {audit_ref} (case {case}) has no action {number} (its actions: "
            f"{have}). Nothing was changed."
        )
    if found.status != "Completed":
        raise RegisterError(
            f"Action {number} of audit {audit_ref} (case {case}) is "
            f"{found.status}, not completed: there is nothing to reopen. Nothing was changed."
        )
    return found


def _was(row: TrackerRow) -> str:
    """An action reopened, as its event names it: its number and how it was closed ('action 2
    (completed on 03/12/2026, signed off by T. Manager)'). Never its description: the event is the
    audit's history, which quotes nothing typed in a form; the case note names it."""
    was = f"completed on {uk(row.completed_on)}" if row.completed_on else "completed"
    if row.signed_off_by:
        was += f", signed off by {row.signed_off_by}"
    return f"action {row.number} ({was})"


def reopened_numbers(reason: str) -> list[int]:
    """The numbers of the actions an "action reopened" event's ``reason`` reopened."""
    which = reason.split(" reopened by ", 1)[0]
    return [int(n) for n in re.findall(r"(?:^|\) and |\), )action (\d+) \(", which)]


def _numbers(numbers: Sequence[int]) -> str:
    """'action 2', or 'actions 1, 2 and 4'."""
    if len(numbers) == 1:
        return f"action {numbers[0]}"
    return "actions " + _and(str(n) for n in numbers)


def _and(parts: Iterable[str]) -> str:
    items = list(parts)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
