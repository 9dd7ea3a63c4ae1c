"""What the register keeps of each audit event's case note and messages: which are still to be
produced, and each one as it was produced (so an interrupted one is written again word for word)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class OutcomeEvent:
    """A recorded audit event whose case note and notifications are not yet produced.

    ``accepted_before``: an earlier form of the audit was accepted, so a form that arrives already
    moderated is the audit's acceptance only when this is False.
    """

    id: int
    audit_ref: str
    at: str  # ISO 8601 with offset
    event: str  # returned, moderated, escalated, tracker
    from_status: str | None
    to_status: str | None
    reason: str
    accepted_before: bool
    #: The audit was closed (every action signed off) before this event: its record said so.
    closed_before: bool = False


@dataclass(frozen=True)
class EventOutput:
    """One case note or notification for one event, as the register records it.

    ``file`` is where it goes under ``outbox/`` ("" when nobody could be addressed); ``content`` is
    what it says (JSON), so a file an interruption stopped is written again word for word.
    """

    event_id: int
    outcome: str  # accepted, reaudited, moderated, grade_changed, escalated, actions_closed
    kind: str  # "note" or "message"
    recipient: str  # "" for a note; the person or role for a message
    audit_ref: str
    case_id: str
    day: date  # the outbox folder's date
    file: str
    content: str
    problems: tuple[str, ...] = ()
    written_at: str | None = None
    done_at: str | None = None
