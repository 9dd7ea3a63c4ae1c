"""The one place reports read data that other work is still adding to ``AuditResult``.

Moderation kinds and disputes, escalations, safeguarding concerns, action sign-off and re-audit links
arrive with the lifecycle work; until a field exists on ``AuditResult`` each accessor answers ``None``
(meaning "no data yet", shown as such), never an invented zero. Wiring a real field is a line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from qaf_docs.records import NOT_BACK, ActionResult, AuditResult
from qaf_docs.register.lifecycle import CONCERN_LEVEL

# What auditors write beside the grades, in the order reports show them.
SECTION_TITLES = {
    "voice_of_child": "Voice of the child",
    "family_feedback": "Family feedback",
    "practitioner_self_assessment": "Practitioner self-assessment",
    "agency_contributions": "Agencies' contributions",
}

STATUS_WORDS = {
    "planned": "Planned",
    "allocated": "Allocated to auditor",
    "issued": "Issued, awaiting return",
    "returned": "Returned",
    "rejected": "Return refused, awaiting resubmission",
    "moderated": "Moderated",
    "actions open": "Actions open",
    "closed": "Closed",
    "cancelled": "Cancelled",
}
#: Statuses where the audit tool has not come back yet.
AWAITING = set(NOT_BACK)


def status_words(status: str) -> str:
    """Return an audit status in plain words."""
    return STATUS_WORDS.get(status, status.capitalize())


@dataclass(frozen=True)
class Escalation:
    """An escalation of an audit's findings (Assistant Director, Executive Director …)."""

    level: str
    raised_on: date | None
    reason: str
    resolved_on: date | None


@dataclass(frozen=True)
class Concern:
    """A safeguarding concern raised during an audit."""

    raised_on: date | None
    text: str
    escalated_to: str
    # Open until ``qaf escalations --resolve`` closes it: when, by whom (None: not recorded) and how.
    resolved_on: date | None = None
    resolved_by: str | None = None
    resolution: str = ""


def _value(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def sections(a: AuditResult) -> dict[str, str]:
    """Return what the audit records of the child's voice, family feedback and self-assessment."""
    found = getattr(a, "sections", None) or {}
    out: dict[str, str] = {}
    for key, text in found.items():
        norm = key.strip().lower().replace(" ", "_").replace("-", "_")
        norm = {
            "voice_of_the_child": "voice_of_child",
            "self_assessment": "practitioner_self_assessment",  # older registers' name
        }.get(norm, norm)
        if str(text).strip():
            out[norm] = str(text).strip()
    return out


def theme(a: AuditResult) -> str:
    """Return the audit's theme (thematic rounds and multi-agency audits), or ""."""
    return str(getattr(a, "theme", None) or sections(a).get("theme", ""))


def escalations(a: AuditResult) -> list[Escalation] | None:
    """Return the audit's escalations, or None while the register does not record them."""
    raw = getattr(a, "escalations", None)
    if raw is None:
        return None
    return [
        Escalation(
            # The framework's words for the level ("Assistant Director"), not its key.
            str(_value(e, "title", "") or _value(e, "level", "") or ""),
            _date(_value(e, "raised_on")),
            str(_value(e, "reason", "") or ""),
            _date(_value(e, "resolved_on")),
        )
        for e in raw
        if _value(e, "level") != CONCERN_LEVEL
    ]


def open_concerns(a: AuditResult) -> int | None:
    """How many of the audit's safeguarding concerns are still open: the register keeps each as an
    escalation to the framework's roles, open until ``qaf escalations --resolve`` closes it (None
    while the register does not record escalations)."""
    raw = getattr(a, "escalations", None)
    if raw is None:
        return None
    return sum(
        1 for e in raw if _value(e, "level") == CONCERN_LEVEL and _value(e, "resolved_on") is None
    )


def concerns(a: AuditResult) -> list[Concern] | None:
    """Return safeguarding concerns raised in the audit, or None while not recorded."""
    raw = getattr(a, "concerns", None)
    if raw is None:
        # The register keeps a safeguarding concern as an escalation to the framework's roles.
        routed = getattr(a, "escalations", None)
        if routed is None:
            return None
        return [
            Concern(
                _date(_value(e, "raised_on")),
                str(_value(e, "reason", "") or ""),
                ", ".join(_value(e, "roles", []) or []),
                _date(_value(e, "resolved_on")),
                _value(e, "resolved_by") or None,
                str(_value(e, "resolution", "") or ""),
            )
            for e in routed
            if _value(e, "level") == CONCERN_LEVEL
        ]
    return [
        Concern(
            _date(_value(c, "raised_on")),
            str(_value(c, "text", "") or ""),
            str(_value(c, "escalated_to", "") or ""),
            _date(_value(c, "resolved_on")),
            _value(c, "resolved_by") or None,
            str(_value(c, "resolution", "") or ""),
        )
        for c in raw
    ]


def reaudit_of(a: AuditResult) -> str | None:
    """Return the audit reference this audit re-audits, or None."""
    value = getattr(a, "reaudit_of", None)
    return str(value) if value else None


def moderation_kind(a: AuditResult) -> str:
    """Return how the audit was moderated (e.g. "desk", "dispute"), or "" where not recorded."""
    m = getattr(a, "moderation", None)
    return str(_value(m, "kind", "") or "") if m is not None else ""


def moderation_date(a: AuditResult) -> date | None:
    """Return when the audit was moderated, where recorded."""
    m = getattr(a, "moderation", None)
    return _date(_value(m, "moderated_on")) if m is not None else None


def signed_off(x: ActionResult) -> str:
    """Return who signed the action off and when, or "" where not recorded."""
    who = str(getattr(x, "signed_off_by", "") or "")
    when = _date(getattr(x, "signed_off_on", None))
    return f"{who} {when:%d/%m/%Y}".strip() if when else who


def success_criteria(x: ActionResult) -> str:
    """Return the action's success criteria, or "" where not recorded."""
    return str(getattr(x, "success_criteria", "") or "")


def impact(x: ActionResult) -> str:
    """Return the recorded impact of the action on the child, or "" where not recorded."""
    return str(getattr(x, "impact_on_child", "") or "")
