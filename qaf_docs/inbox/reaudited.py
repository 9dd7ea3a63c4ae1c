"""A form of an audit whose re-audit has gone out since: last round's form, sent again.

An auditor re-auditing a case often opens last round's form, changes it and sends it back. It
carries last round's audit reference, so it was accepted as a correction of that audit: the
re-audit stayed waiting, the earlier audit's grades changed under the re-audit written from them,
and the Inadequate pathway ran again for it as if it came after its own re-audit (it was escalated
as "Inadequate for the second time in a row", and the re-audit's escalation went). Such a form is
refused, kept in ``outbox/rejected/`` with a note saying which re-audit's form to fill in instead.

Only a form that judges otherwise (its grades or actions differ from the accepted one's) is
refused: the earlier audit's moderation arriving after its re-audit went out, or a rationale
corrected, is still taken (``returns.timeline`` and the pathway handle the order).
"""

from __future__ import annotations

from collections.abc import Callable

from qaf_docs.findings import Finding
from qaf_docs.records import AuditRecord
from qaf_docs.register.store import Register


def reaudited_findings(
    register: Register, audit: AuditRecord, differs: Callable[[], str]
) -> list[Finding]:
    """One error for a form of ``audit`` judging otherwise than the accepted one (``differs``:
    which judgements it changes, "" for none) once a re-audit of its case has been issued."""
    later = register.reaudits_of(audit.audit_ref)
    changed = differs() if later else ""
    if not changed:
        return []
    ref, round_id = later[-1]
    return [
        Finding(
            "error",
            "File",
            f"this is the form of audit {audit.audit_ref}, and the case has been re-audited since: "
            f"re-audit {ref} (round {round_id}) was issued with this audit's grades and actions, "
            f"so this form's change to the {changed} would not reach it",
            f"If this form is the re-audit, copy its answers into re-audit {ref}'s audit tool "
            f"(outbox/packs/{round_id}/{ref}.docx) and send that one. If audit "
            f"{audit.audit_ref} itself must be corrected, ask the QA team: nothing from this "
            "file has been recorded.",
            fixable=False,
        )
    ]
