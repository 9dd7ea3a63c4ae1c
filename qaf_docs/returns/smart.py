"""SMART actions beyond owner and date: an immediate action is due within the framework's working
days (weekends and England and Wales bank holidays do not count), and a vague action is flagged.
An action a manager adds in the tracker is held to the same needs (an owner, a concrete due date,
something measurable), as warnings: it is recorded with the manager's other updates, never refused.

Bracknell: "immediate actions within 5 working days"; West Sussex: "MEASURABLE: what are your
success criteria?" — a description like "Improve practice" says neither what nor how we will know.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from qaf_docs import clock
from qaf_docs.dates import due_after, working_days_after
from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditForm
from qaf_docs.returns.action_tracker import TrackerForm
from qaf_docs.returns.placeholders import names_nobody
from qaf_docs.workspace import ValidationRules

_VAGUE = {
    "improve practice", "improve", "review", "review case", "review the case", "monitor",
    "ongoing", "continue", "as discussed", "see above", "n/a", "tbc", "update file",
    "improve recording", "improve planning", "improve practice on the case", "to be agreed",
}  # fmt: skip
MIN_WORDS = 3


def is_vague(description: str) -> bool:
    """True when an action is too short or too general to say what will be done."""
    words = re.findall(r"[a-z']+", description.lower())
    return len(words) < MIN_WORDS or " ".join(words) in _VAGUE


def _vague(
    where: str, description: str, severity: Literal["warning", "error"], what: str = ""
) -> Finding:
    return Finding(
        severity,
        where,
        f"'{description}'{what} is too vague to be SMART",
        "Say specifically what will be done for the child, and how you will know it has worked "
        "(the success criterion).",
    )


def smart_findings(
    form: AuditForm,
    framework: Framework,
    *,
    vague: Literal["warning", "error"] = "warning",
) -> list[Finding]:
    """Findings for immediate actions due too late and for vague descriptions."""
    found: list[Finding] = []
    start = form.audit_date
    days = framework.timescales.immediate_action_working_days
    for a in form.actions:
        where = f"Action row {a.row}"
        if a.description and is_vague(a.description):
            found.append(_vague(f"{where}: action", a.description, vague))
        if days is not None and a.immediate and a.due_on and start:
            latest = working_days_after(start, days)
            if a.due_on > latest:
                found.append(
                    Finding(
                        "error",
                        f"{where}: due date",
                        f"an immediate action must be due within {days} working days of the "
                        f"audit ({start:%d/%m/%Y}); {a.due_on:%d/%m/%Y} is later (weekends and "
                        "bank holidays do not count)",
                        f"Set a due date on or before {latest:%d/%m/%Y}, or untick Immediate.",
                    )
                )
    return found


_ADDED = "the action added in the tracker"
_NEXT_TIME = "when the tracker is next updated"


def added_action_findings(
    tracker: TrackerForm,
    agreed: set[int],
    rules: ValidationRules,
    *,
    within: int | None = None,
    agreed_on: date | None = None,
    added_on: dict[int, date] | None = None,
) -> list[Finding]:
    """Warnings for each action the manager added (its number not among the ``agreed`` ones) that
    lacks what a SMART action needs, as the audit form's rules say (``rules``), naming its row:
    no owner, no due date or a word for one ("ASAP"), a description too vague to measure, or a
    due date later than the ``within`` days the audit's actions are held to, counted as the audit
    form's are from the audit (``agreed_on``), or from the day the action was added when that is
    later (``added_on``: the day each action number first came back; this copy's day for a new
    one). West Sussex: "Each action will be given a date for completion (maximum 4 weeks)"."""
    found: list[Finding] = []
    for r, at in zip(tracker.rows, tracker.excel_rows, strict=True):
        if r.number in agreed or not r.description:
            continue
        where = f"Row {at}"
        if is_vague(r.description):
            found.append(_vague(f"{where}: Action", r.description, "warning", f", {_ADDED},"))
        if rules.action_needs_owner and not r.owner:
            found.append(
                Finding(
                    "warning",
                    f"{where}: Owner",
                    f"no owner named for {_ADDED} (a SMART action names who will do it)",
                    f"Type the name of the person responsible {_NEXT_TIME}.",
                )
            )
        elif rules.action_needs_owner and names_nobody(r.owner):
            found.append(
                Finding(
                    "warning",
                    f"{where}: Owner",
                    f"'{r.owner}' does not name anyone for {_ADDED} (a SMART action names who "
                    "will do it)",
                    f"Type the name or role of the person responsible {_NEXT_TIME}.",
                )
            )
        if r.due_on is not None and within is not None and agreed_on is not None:
            added = (added_on or {}).get(r.number, clock.today())
            found += _too_late(where, r.due_on, within, max(agreed_on, added), agreed_on)
        if not rules.action_needs_concrete_due_date or r.due_on is not None:
            continue
        word = tracker.due_words.get(at)
        found.append(
            Finding(
                "warning",
                f"{where}: Due date",
                f"'{word}' is not a concrete date (SMART actions need a real date), so {_ADDED} "
                "is recorded without a due date"
                if word
                else f"no due date for {_ADDED} (a SMART action has a concrete date)",
                f"Type the date it is due, like 03/12/2026, {_NEXT_TIME}.",
            )
        )
    return found


def _too_late(where: str, due: date, within: int, start: date, agreed_on: date) -> list[Finding]:
    """The audit form's limit on a due date (``validation``), as a warning for an added action."""
    latest = due_after(start, within)
    if due <= latest:
        return []
    since = (
        f"the audit ({start:%d/%m/%Y}), for {_ADDED}"
        if start <= agreed_on
        else f"the day the action was added to the tracker ({start:%d/%m/%Y})"
    )
    return [
        Finding(
            "warning",
            f"{where}: Due date",
            f"{due:%d/%m/%Y} is more than {within} days after {since}",
            f"Set a due date on or before {latest:%d/%m/%Y}, or split the action into steps, "
            f"{_NEXT_TIME}.",
        )
    ]
