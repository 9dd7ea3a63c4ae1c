"""The register as JSON or CSV for other tools (Power BI, a council's data warehouse)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from qaf_docs import clock
from qaf_docs.dates import written_date
from qaf_docs.records import AuditResult
from qaf_docs.register.lifecycle import CONCERN_LEVEL, DISPUTE_LEVEL
from qaf_docs.register.store import Register
from qaf_docs.reports import figures
from qaf_docs.safe_output import atomic_write, csv_safe

EXPORT_FIELDS = (
    "audit_ref", "case_id", "round", "framework", "team", "worker", "auditor", "status",
    "issued_on", "due_on", "returned_on", "overall_grade", "moderated_grade",
    # Added later, so at the end: a column is only ever added, never renamed or moved.
    "audit_date", "round_kind", "reaudit_of", "escalation_grade", "final_grade",
    "returned_late", "return_overdue",
)  # fmt: skip
DOMAIN_FIELDS = ("domain", "grade", "rationale", "moderated_grade")
ACTION_FIELDS = (
    "description", "owner", "due_on", "status", "completed_on", "overdue", "immediate",
    "success_criteria", "impact_on_child", "signed_off_by", "signed_off_on",
)  # fmt: skip
AGENCY_FIELDS = ("agency", "lead", "contribution", "finding")
# escalations.csv also lists each safeguarding concern, as the tracker's "Open escalations" and
# ``qaf escalations`` count it; ``kind`` tells them apart (see ``ESCALATION_KINDS``).
ESCALATION_FIELDS = (
    "level", "raised_on", "reason", "resolved_on", "resolution",
    "resolved_by", "kind", "escalated_to",
)  # fmt: skip
ESCALATION_KINDS = {CONCERN_LEVEL: "safeguarding concern", DISPUTE_LEVEL: "grade dispute"}
PATHWAY_KIND = "Inadequate pathway"  # any other level: a step of the framework's pathway
MODERATION_FIELDS = ("moderator", "moderated_on", "kind", "agreed", "reason")
CONCERN_FIELDS = ("raised_on", "text", "escalated_to", "resolved_on", "resolved_by", "resolution")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _fact_value(value: str) -> str:
    # A fact kept as the case list wrote it ("13/12/2025", before qaf read such text as a date).
    written = written_date(value)
    return written.isoformat() if written else value


def audit_document(a: AuditResult, today: date | None = None) -> dict[str, Any]:
    """Return one audit in the export's documented shape (ISO dates, None where unknown); an
    overdue return is as of ``today`` (default: the computer's date)."""
    today = today or clock.today()
    return {
        "audit_ref": a.audit_ref,
        "case_id": a.case_id,
        "round": a.round_id,
        "framework": a.framework_id,
        "team": a.team,
        "worker": a.worker,
        "auditor": a.auditor,
        "status": a.status,
        "issued_on": _iso(a.issued_on),
        "due_on": _iso(a.due_on),
        "returned_on": _iso(a.returned_on),
        "audit_date": _iso(a.audit_date),
        "round_kind": a.round_kind,
        "overall_grade": a.overall_grade,
        "moderated_grade": a.moderated_grade,
        # Added: the grade an escalation decided (null when none changed it), and the grade that
        # counts, so a reader need not know the order (escalation, moderator, auditor).
        "escalation_grade": a.escalation_grade,
        "final_grade": a.final_grade,
        # Added: the tracker's "Returned late" and "Returns overdue", by its own rules, so a
        # reader counts them as it does (a cancelled audit is in neither of its figures).
        "returned_late": figures.returned_late(a),
        "return_overdue": figures.return_overdue(a, today),
        "case_facts": {f.name: _fact_value(f.value) for f in a.case_facts},
        "domains": [
            {
                "domain": d.domain,
                "grade": d.grade,
                "rationale": d.rationale,
                "indicators": list(d.indicators),
                "moderated_grade": d.moderated_grade,
            }
            for d in a.domains
        ],
        "agencies": [
            {
                "agency": x.agency,
                "lead": x.lead,
                "contribution": x.contribution,
                "finding": x.finding,
            }
            for x in a.agencies
        ],
        "sections": dict(a.sections),
        "missing_historical_information": a.missing_history,
        "actions": [
            {
                "description": x.description,
                "owner": x.owner,
                "due_on": _iso(x.due_on),
                "status": x.status,
                "completed_on": _iso(x.completed_on),
                "evidence": x.evidence,
                "overdue": x.overdue,
                "immediate": x.immediate,
                "success_criteria": x.success_criteria,
                "impact_on_child": x.impact_on_child,
                "signed_off_by": x.signed_off_by,
                "signed_off_on": _iso(x.signed_off_on),
            }
            for x in a.actions
        ],
        **_lifecycle_document(a),
    }


def _lifecycle_document(a: AuditResult) -> dict[str, Any]:
    """The audit's moderation, re-audit link and escalations, in the documented shape."""
    m = a.moderation
    return {
        "moderation": {
            "moderator": m.moderator,
            "moderated_on": _iso(m.moderated_on),
            "kind": m.kind,
            "agreed": m.agreed,
            "reason": m.reason,
        }
        if m
        else None,
        "reaudit_of": a.reaudit_of,
        "escalations": [
            {
                "level": e.level,
                "raised_on": _iso(e.raised_on),
                "reason": e.reason,
                "resolved_on": _iso(e.resolved_on),
                "resolution": e.resolution,
                # Added: who closed it (null: open, or not recorded), its kind and to whom.
                "resolved_by": e.resolved_by,
                "kind": ESCALATION_KINDS.get(e.level, PATHWAY_KIND),
                "escalated_to": e.roles,
            }
            for e in a.escalations
            if e.level != CONCERN_LEVEL
        ],
        "concerns": [
            {
                "raised_on": _iso(e.raised_on),
                "text": e.reason,
                "escalated_to": e.roles,
                # Added: a concern is open until someone resolves it (null while open).
                "resolved_on": _iso(e.resolved_on),
                "resolved_by": e.resolved_by,
                "resolution": e.resolution,
            }
            for e in a.escalations
            if e.level == CONCERN_LEVEL
        ],
    }


def export_json(register: Register) -> str:
    """Return the register as the documented JSON document ``{"audits": [...]}``."""
    today = clock.today()
    audits = [audit_document(a, today) for a in register.results(today)]
    return json.dumps({"audits": audits}, indent=2, ensure_ascii=False)


def _csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else csv_safe(v) for v in row])
    return buffer.getvalue()


def export_csv(register: Register, folder: Path) -> list[Path]:
    """Write the :func:`csv_tables` (flat tables keyed by audit_ref) into ``folder``."""
    written = []
    today = clock.today()
    documents = [audit_document(a, today) for a in register.results(today)]
    for name, (header, rows) in csv_tables(documents).items():
        # utf-8-sig so Excel opens names with accents correctly.
        data = _csv_text(header, rows).encode("utf-8-sig")
        written.append(atomic_write(folder / name, lambda tmp, data=data: tmp.write_bytes(data)))  # type: ignore[misc]
    return written


def csv_tables(documents: list[dict[str, Any]]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The CSV export's files, by name: audits, domains, actions, escalations, moderation,
    concerns and the framework-shaped parts."""
    tables = {
        "audits.csv": (list(EXPORT_FIELDS), [[a[k] for k in EXPORT_FIELDS] for a in documents]),
        "domains.csv": (
            ["audit_ref", *DOMAIN_FIELDS],
            [
                [a["audit_ref"], *(d[k] for k in DOMAIN_FIELDS)]
                for a in documents
                for d in a["domains"]
            ],
        ),
        "actions.csv": (
            ["audit_ref", *ACTION_FIELDS],
            [
                [a["audit_ref"], *(x[k] for k in ACTION_FIELDS)]
                for a in documents
                for x in a["actions"]
            ],
        ),
        "escalations.csv": (["audit_ref", *ESCALATION_FIELDS], _escalation_rows(documents)),
    }
    tables.update(_part_tables(documents))
    tables["moderation.csv"] = (
        ["audit_ref", *MODERATION_FIELDS],
        [
            [a["audit_ref"], *(a["moderation"][k] for k in MODERATION_FIELDS)]
            for a in documents
            if a["moderation"]
        ],
    )
    tables["concerns.csv"] = (
        ["audit_ref", *CONCERN_FIELDS],
        [
            [a["audit_ref"], *(_flat(c[k]) for k in CONCERN_FIELDS)]
            for a in documents
            for c in a["concerns"]
        ],
    )
    return tables


def _flat(value: Any) -> Any:
    """A list (the roles an escalation went to) as one cell: "Team Manager, Head of Service"."""
    return ", ".join(value) if isinstance(value, list) else value


def _escalation_rows(documents: list[dict[str, Any]]) -> list[list[Any]]:
    """Every escalation, safeguarding concerns included (a concern's text is its ``reason``), so
    the rows with no ``resolved_on`` are the tracker's "Open escalations", as ``qaf escalations``
    lists them; an audit's escalations first, then its concerns."""
    rows = []
    for a in documents:
        concerns = [
            {
                **c,
                "level": CONCERN_LEVEL,
                "reason": c["text"],
                "kind": ESCALATION_KINDS[CONCERN_LEVEL],
            }
            for c in a["concerns"]
        ]
        for e in [*a["escalations"], *concerns]:
            rows.append([a["audit_ref"], *(_flat(e[k]) for k in ESCALATION_FIELDS)])
    return rows


def _part_tables(documents: list[dict[str, Any]]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The framework-shaped parts as flat tables: indicators, agencies, sections, case facts."""
    return {
        "indicators.csv": (
            ["audit_ref", "domain", "indicator"],
            [
                [a["audit_ref"], d["domain"], text]
                for a in documents
                for d in a["domains"]
                for text in d["indicators"]
            ],
        ),
        "agencies.csv": (
            ["audit_ref", *AGENCY_FIELDS],
            [
                [a["audit_ref"], *(x[k] for k in AGENCY_FIELDS)]
                for a in documents
                for x in a["agencies"]
            ],
        ),
        "sections.csv": (
            ["audit_ref", "section", "text"],
            [[a["audit_ref"], k, v] for a in documents for k, v in a["sections"].items()],
        ),
        "case_facts.csv": (
            ["audit_ref", "fact", "value"],
            [[a["audit_ref"], k, v] for a in documents for k, v in a["case_facts"].items()],
        ),
    }
