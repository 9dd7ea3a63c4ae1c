"""``qaf history REF``: an audit's life, one line per recorded change, with its escalations'
resolutions in the same style.

The register records each status change as an event with when and why. An escalation closed with
``qaf escalations --resolve`` is an "escalation resolved" event whose reason is the note (and the
grade it decided), but who resolved it is kept with the escalation (``resolved_by``), and which
escalation it closed is not in the event: both are joined in here, so the line reads like the
"escalated" one that raised it ("<title>: <why>") and, like a reassignment, ends "(by NAME)". An
escalation the pathway closed itself (a later audit of the case graded better, or escalated
further) has no event on the audit that raised it, so its line is made from the escalation, dated
the day it was resolved.

An immediate safeguarding concern's line says it was raised, its number and who it went to, not
what the auditor wrote: that text names children as a matter of course, and the history is the
audit's log (copied into an e-mail or a ticket as it stands), which never quotes what was typed in
a form (a rejection's reason puts '…' for it too). ``qaf escalations`` lists the concern with its
text, for the QA officer who acts on it, and its case note goes on the child's record.
"""

from __future__ import annotations

from collections.abc import Sequence

from qaf_docs.dates import uk, uk_time
from qaf_docs.records import AuditEvent, EscalationRecord
from qaf_docs.register.lifecycle import CONCERN_LEVEL

RESOLVED = "escalation resolved"
#: Wide enough for "03/12/2026 at 14:05", so a line dated by day only lines up with the others.
_WHEN_WIDTH = 19


def history_lines(
    events: Sequence[AuditEvent], escalations: Sequence[EscalationRecord]
) -> list[str]:
    """Return the audit's history, oldest first, one line per event, resolutions included."""
    unmatched = [e for e in escalations if not e.open]
    # The "escalated" event of a concern records "<title>: <what the auditor wrote>".
    concerns = {f"{e.title}: {e.reason}": e for e in escalations if e.level == CONCERN_LEVEL}
    lines: list[tuple[str, str]] = []  # (day, line), in the register's order
    for ev in events:
        reason = ev.reason
        if ev.event == "escalated" and ev.reason in concerns:
            reason = _concern(concerns[ev.reason])
        elif ev.event == RESOLVED:
            found = next((e for e in unmatched if e.resolution == ev.reason), None)
            if found is not None:
                unmatched.remove(found)
                reason = _resolution(found, ev.reason)
        moved = f"{ev.from_status} -> {ev.to_status}" if ev.from_status != ev.to_status else ""
        lines.append((ev.at[:10], _line(uk_time(ev.at), ev.event, moved, reason)))
    for e in unmatched:  # closed by the pathway, not by a person: no event of its own here
        assert e.resolved_on is not None
        day = e.resolved_on.isoformat()
        # After everything recorded up to that day; the events keep the register's order.
        at = next((i for i, (d, _) in enumerate(lines) if d > day), len(lines))
        lines.insert(
            at, (day, _line(uk(e.resolved_on), RESOLVED, "", _resolution(e, e.resolution or "")))
        )
    return [line for _, line in lines]


def _line(when: str, event: str, moved: str, reason: str) -> str:
    return f"{when:<{_WHEN_WIDTH}}  {event:<20} {moved:<26} {reason}"


def _concern(e: EscalationRecord) -> str:
    """ "<title> (number N, to ROLES): …", without what the auditor wrote."""
    to = ", ".join(e.roles) or "the QA team"
    return (
        f"{e.title} (number {e.id}, to {to}): what the auditor wrote is in qaf escalations and "
        "the case note, not here"
    )


def _resolution(e: EscalationRecord, how: str) -> str:
    """ "<title> (number N, raised DATE): <how> (by NAME)", as a raised escalation reads."""
    by = f" (by {e.resolved_by})" if e.resolved_by else ""
    return f"{e.title} (number {e.id}, raised {uk(e.raised_on)}): {how}{by}"
