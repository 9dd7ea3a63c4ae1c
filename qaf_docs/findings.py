"""Findings: what is wrong with a submission, where, and what the person should do about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem in a submitted file; errors reject the file, warnings are kept with the audit."""

    severity: Severity
    where: str  # e.g. "Assessment: grade", "Action row 3: due date"
    message: str  # what is wrong, in plain English
    what_to_do: str = ""
    # False where putting the file right is not the remedy (a cancelled audit, an older copy): the
    # note then gives only the advice, not "send it back to be put right".
    fixable: bool = True

    def line(self) -> str:
        """Return the finding as one line for a note or a log."""
        advice = f" {self.what_to_do}" if self.what_to_do else ""
        return f"{self.where}: {self.message}.{advice}"


def errors(findings: list[Finding]) -> list[Finding]:
    """Return only the findings that reject a file."""
    return [f for f in findings if f.severity == "error"]


def warnings(findings: list[Finding]) -> list[Finding]:
    """Return only the findings kept as warnings."""
    return [f for f in findings if f.severity == "warning"]
