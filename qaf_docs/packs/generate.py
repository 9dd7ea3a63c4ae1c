"""Audit packs: a pre-filled Word audit tool and an Excel action tracker for each allocated audit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qaf_docs.frameworks import Framework, load_framework
from qaf_docs.packs.action_tracker import write_action_tracker
from qaf_docs.packs.audit_tool import write_audit_tool
from qaf_docs.packs.details import details_for, issued_at_now, pack_paths
from qaf_docs.packs.templates import template_version
from qaf_docs.records import AuditRecord, AuditResult
from qaf_docs.register.store import Register
from qaf_docs.workspace import AUDIT_TEMPLATE, TRACKER_TEMPLATE, Workspace


def generate_packs(
    ws: Workspace,
    register: Register,
    *,
    round_id: str | None = None,
    reissue: bool = False,
    on_pack: Callable[[str], None] | None = None,
) -> list[tuple[Path, Path]]:
    """Write the Word tool and Excel tracker for every allocated audit (or a round's, or reissue)."""
    settings = ws.load_settings()
    docx_template, xlsx_template = ws.template(AUDIT_TEMPLATE), ws.template(TRACKER_TEMPLATE)
    version = template_version(docx_template, xlsx_template)
    frameworks: dict[str, Framework] = {}
    written: list[tuple[Path, Path]] = []
    statuses = ("allocated", "issued") if reissue else ("allocated",)
    audits = [a for a in register.audits(round_id=round_id) if a.status in statuses]
    earlier = earlier_audits(register, audits)
    for audit in audits:
        if audit.framework_id not in frameworks:
            frameworks[audit.framework_id] = load_framework(audit.framework_id, base=ws.root)
        framework = frameworks[audit.framework_id]
        issued_at = issued_at_now()
        record = AuditRecord(
            **{
                **audit.__dict__,
                "framework_version": framework.version,
                "template_version": version,
                "issued_at": issued_at,
            }
        )
        docx_path, xlsx_path = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
        days = (
            settings.validation.action_due_within_days
            or framework.timescales.action_due_within_days
        )
        facts = tuple(register.case_facts(audit.audit_ref))
        write_audit_tool(
            docx_template,
            details_for(record, settings, kind="audit_tool", case_facts=facts),
            framework,
            days,
            docx_path,
            earlier.get(audit.audit_ref),
        )
        write_action_tracker(
            xlsx_template, details_for(record, settings, kind="action_tracker"), [], xlsx_path
        )
        register.mark_issued(
            audit.audit_ref,
            framework_version=framework.version,
            template_version=version,
            issued_at=issued_at,
        )
        written.append((docx_path, xlsx_path))
        if on_pack:
            on_pack(audit.audit_ref)
    return written


def earlier_audits(register: Register, audits: list[AuditRecord]) -> dict[str, AuditResult]:
    """For each re-audit among ``audits``, the case's earlier audit as the register knows it."""
    previous = {
        a.audit_ref: ref
        for a in audits
        if register.round_kind(a.round_id) == "reaudit"
        and (ref := register.previous_audit(a.audit_ref))
    }
    if not previous:
        return {}
    results = {r.audit_ref: r for r in register.results()}
    return {ref: results[before] for ref, before in previous.items() if before in results}
