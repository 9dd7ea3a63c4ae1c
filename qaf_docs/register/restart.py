"""A step of the Inadequate pathway that an audit's own better grade stood down, started again.

An auditor who sends a corrected copy graded better stands down the step the audit's Inadequate
raised (``PathwayBook._resolve_case`` records "audit <ref> graded '<grade>'"); a later copy of the
same audit graded Inadequate again is the same judgement as the first, so the pathway starts again
(West Sussex: case files "remain on a re-audit cycle until we are assured that the practice is no
longer inadequate"). A step a person resolved, or a later audit of the case ended, stays resolved.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from qaf_docs.dates import uk
from qaf_docs.records import EscalationRecord
from qaf_docs.register.dialect import Db
from qaf_docs.register.events import record_event
from qaf_docs.register.values import date_or_none

#: What the reason of a step started again says, so the ingest line can tell it plainly.
STARTS_AGAIN = "starts again"


def stood_down_resolution(step: EscalationRecord) -> str | None:
    """What a step's resolution says where its own audit's better grade stood it down (compare
    with ``step.resolution``); None for a step still open."""
    if step.resolved_on is None or not (step.resolution or "").startswith(
        f"audit {step.audit_ref} graded '"
    ):
        return None
    return step.resolution


def stood_down_by_itself(db: Db, audit_ref: str, level: str) -> str | None:
    """The reason a step of ``level`` raised on ``audit_ref`` is raised again, or None.

    None when the audit has no such step (raise it as the first), or when its latest is open or
    was resolved by anything but the audit's own better grade (it is raised once)."""
    row = db.execute(
        "SELECT resolved_on, resolution, resolved_by FROM escalations WHERE audit_ref = ? "
        "AND level = ? ORDER BY id DESC",
        (audit_ref, level),
    ).fetchone()
    own = f"audit {audit_ref} graded '"
    if row is None or not row[0] or row[2] or not str(row[1] or "").startswith(own):
        return None
    better = str(row[1])[len(own) :].rstrip("'")
    return (
        f"the step stood down on {uk(date_or_none(row[0]))}, when a copy of this audit graded "
        f"'{better}' was accepted, {STARTS_AGAIN}"
    )


def restart_step(
    db: Db, audit_ref: str, level: str, roles: Sequence[str], on: date, reason: str
) -> int:
    """Open the stood-down step again, raised ``on`` for ``reason`` (an audit has one step of each
    level), and record it as an "escalated" event: its case note and messages are written as the
    first step's were. The first raising and its standing down stay in the audit's events."""
    row = db.execute(
        "SELECT id, title FROM escalations WHERE audit_ref = ? AND level = ?", (audit_ref, level)
    ).fetchone()
    db.execute(
        "UPDATE escalations SET raised_on = ?, reason = ?, roles_json = ?, resolved_on = NULL, "
        "resolution = NULL, resolved_by = NULL WHERE id = ?",
        (on.isoformat(), reason, json.dumps(list(roles)), row[0]),
    )
    record_event(db, audit_ref, "escalated", reason=f"{row[1]}: {reason}")
    return int(row[0])
