"""The moderation section read back: a moderator's changed practice-area grade needs a name and a
reason, like a changed overall grade (West Sussex: "a changed grade and the reason are recorded")."""

from __future__ import annotations

from qaf_docs.findings import Finding
from qaf_docs.records import AuditForm


def moderation_findings(form: AuditForm) -> list[Finding]:
    """Errors for per-area moderated grades given without a moderator, or changed without a reason."""
    moderated = [d for d in form.domains if d.moderated_grade]
    if not moderated:
        return []
    found: list[Finding] = []
    if not form.moderator:
        found.append(
            Finding(
                "error",
                "Moderation: moderator",
                "practice areas have moderated grades but no moderator is named",
                "Type the moderator's name.",
            )
        )
    changed = [d for d in moderated if d.grade and d.moderated_grade != d.grade]
    if changed and not form.moderation_reason:
        names = ", ".join(f"{d.title} ('{d.grade}' to '{d.moderated_grade}')" for d in changed)
        found.append(
            Finding(
                "error",
                "Moderation: reason",
                f"grades were changed without a reason: {names}",
                "The moderator should record why each grade changed.",
            )
        )
    return found
