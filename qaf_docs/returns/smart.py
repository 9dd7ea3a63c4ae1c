"""SMART actions beyond owner and date: an immediate action is due within the framework's working
days (weekends and England and Wales bank holidays do not count), and a vague action is flagged.

Bracknell: "immediate actions within 5 working days"; West Sussex: "MEASURABLE: what are your
success criteria?" — a description like "Improve practice" says neither what nor how we will know.
"""

from __future__ import annotations

import re
from typing import Literal

from qaf_docs.dates import working_days_after
from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditForm

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
            found.append(
                Finding(
                    vague,
                    f"{where}: action",
                    f"'{a.description}' is too vague to be SMART",
                    "Say specifically what will be done for the child, and how you will know it "
                    "has worked (the success criterion).",
                )
            )
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
