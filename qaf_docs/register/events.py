"""Status changes with their history: every change of an audit's status is an event with a reason.

Used inside the register's own transactions, so a status and the event that explains it are
recorded together or not at all.
"""

from __future__ import annotations

import re

from qaf_docs.register.dialect import Db
from qaf_docs.register.values import now_iso


def record_event(
    db: Db,
    audit_ref: str,
    event: str,
    *,
    to_status: str | None = None,
    reason: str = "",
) -> None:
    """Record ``event`` for an audit, moving it to ``to_status`` when given and different."""
    row = db.execute("SELECT status FROM audits WHERE audit_ref = ?", (audit_ref,)).fetchone()
    before = row[0] if row else None
    if to_status is not None and to_status != before:
        db.execute("UPDATE audits SET status = ? WHERE audit_ref = ?", (to_status, audit_ref))
    db.execute(
        "INSERT INTO audit_events (audit_ref, at, event, from_status, to_status, reason) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (audit_ref, now_iso(), event, before, to_status or before, reason),
    )


_CHANGED = "changed to"


def moderation_reason(moderator: str, grade: str | None, moderated: str) -> str:
    """The reason a "moderated" event records: who moderated, and whether the grade changed."""
    return f"moderated by {moderator or 'an unnamed moderator'}: " + (
        f"grade '{grade}' agreed" if moderated == grade else f"'{grade}' {_CHANGED} '{moderated}'"
    )


def grade_changed(reason: str) -> bool:
    """True when a "moderated" event's reason says the moderator changed the grade."""
    return f"' {_CHANGED} '" in reason


_OUTCOME = " - outcome: "
_CHANGE = re.compile(rf"'(.*)' {_CHANGED} '(.*)'")


def escalation_resolution(resolution: str, before: str | None, decided: str | None) -> str:
    """What an "escalation resolved" event records: how, and the grade the escalation decided."""
    resolution = resolution.strip()
    if decided is None:
        return resolution
    if decided == before:
        return f"{resolution}{_OUTCOME}grade '{decided}' kept"
    return f"{resolution}{_OUTCOME}'{before or 'not graded'}' {_CHANGED} '{decided}'"


def resolution_change(reason: str) -> tuple[str, str] | None:
    """The grade before and after, when an "escalation resolved" event changed the grade."""
    _, found, outcome = reason.rpartition(_OUTCOME)
    match = _CHANGE.fullmatch(outcome) if found else None
    return (match[1], match[2]) if match else None
