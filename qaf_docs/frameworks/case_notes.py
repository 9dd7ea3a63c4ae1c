"""Which audit events put a note on the child's record, under which heading, and in what form.

Three of the frameworks say so in their own words: B&NES records every audit "on CareFirst under
observations: audit quality case file"; West Sussex records an upgraded grade "as a Mosaic case
note" (and places "a case note" on file for an escalation's outcome); Bracknell places the actions "on the case file under heading Audit
Action Plan - 'Month'". A framework names such a heading once (``audit_findings``, ``action_plan``,
``moderation_outcome``) and each event takes the first of those that fits it; ``headings`` gives one
event a heading of its own. An event no heading fits gets a plain one ("Case file audit - Accepted"):
the note is still made, because nothing goes on a record unless a person puts it there, and an
outcome left off the record is the failure those frameworks name. ``events = []`` turns notes off.
"""

from __future__ import annotations

import string
from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from qaf_docs.frameworks.base import HEADING_FIELDS, KeyProblem, StrictModel

NOTE_EVENTS: dict[str, str] = {
    "accepted": "accepted",
    "reaudited": "re-audited",
    "moderated": "moderated",
    "grade_changed": "grade changed",
    "escalated": "escalated",
    "escalation_resolved": "escalation resolved",
    "upgraded": "upgraded after escalation",
    "actions_closed": "actions closed",
    "actions_reopened": "actions reopened",
}
"""Every event that can put a note on the child's record (key -> the words file names use)."""

# The named headings an event's note may take, the first one the framework gives winning.
_KINDS: dict[str, tuple[str, ...]] = {
    "accepted": ("audit_findings", "action_plan"),
    "reaudited": ("audit_findings", "action_plan"),
    "moderated": ("moderation_outcome", "audit_findings"),
    "grade_changed": ("moderation_outcome", "audit_findings"),
    "escalated": ("audit_findings",),  # the Inadequate pathway or a concern: no moderation outcome
    "escalation_resolved": ("moderation_outcome", "audit_findings"),
    "upgraded": ("moderation_outcome", "audit_findings"),
    "actions_closed": ("action_plan", "audit_findings"),
    "actions_reopened": ("action_plan", "audit_findings"),
}
_NAMED = ("audit_findings", "action_plan", "moderation_outcome")

HeadingKind = Literal["audit_findings", "action_plan", "moderation_outcome"]


def _check_heading(path: tuple[str | int, ...], value: str) -> None:
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError as e:
        raise KeyProblem(path, f"has an unmatched brace: {e}") from e
    unknown = fields - HEADING_FIELDS
    if unknown:
        raise KeyProblem(
            path, f"uses {{{sorted(unknown)[0]}}}; a heading may use only {{month}} and {{year}}"
        )


def _unknown_event(name: str) -> str:
    return f"'{name}' is not an audit event (use one of: {', '.join(NOTE_EVENTS)})"


class CaseNotes(StrictModel):
    """Headings under which audit records go on the child's file; {month} and {year} fill in."""

    audit_findings: str | None = None
    action_plan: str | None = None
    moderation_outcome: str | None = None
    events: list[str] = Field(
        default_factory=lambda: list(NOTE_EVENTS),
        description="the audit events that put a note on the child's record",
    )
    headings: dict[str, str] = Field(
        default_factory=dict, description="an event -> a heading of its own"
    )
    docx: bool = Field(
        default=False, description="also write each note as a one-page .docx to attach"
    )

    @model_validator(mode="after")
    def _known(self) -> CaseNotes:
        for name in _NAMED:
            value = getattr(self, name)
            if value is not None:
                _check_heading((name,), value)
        for i, event in enumerate(self.events):
            if event not in NOTE_EVENTS:
                raise KeyProblem(("events", i), _unknown_event(event))
        for event, value in self.headings.items():
            if event not in NOTE_EVENTS:
                raise KeyProblem(("headings", event), _unknown_event(event))
            _check_heading(("headings", event), value)
        return self

    def heading(self, kind: HeadingKind, on: date) -> str | None:
        """Return the heading for a case note of ``kind`` written on ``on``, or None if not named."""
        value: str | None = getattr(self, kind)
        if value is None:
            return None
        return value.format(month=f"{on:%B}", year=f"{on:%Y}")

    def makes_note(self, event: str) -> bool:
        """True when ``event`` (a key of ``NOTE_EVENTS``) puts a note on the child's record."""
        return event in self.events

    def heading_for(self, event: str, on: date, *, called: str | None = None) -> str:
        """The heading of ``event``'s note for an audit of ``on``'s month (never empty).

        ``called``: what the plain heading calls the event where it is more than its key says (a
        safeguarding concern is an "escalated" event); the framework's own headings stand.
        """
        value = self.headings.get(event)
        for kind in _KINDS[event]:
            if value is None:
                value = getattr(self, kind)
        if value is None:
            return f"Case file audit - {(called or NOTE_EVENTS[event]).capitalize()}"
        return value.format(month=f"{on:%B}", year=f"{on:%Y}")
