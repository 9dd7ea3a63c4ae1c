"""The framework-shaped parts of the register: ticked indicators, agency sections and case facts.

Plain functions of a connection, used inside the transactions of the books that record a round or
a submission, and set-wise when results are read back.
"""

from __future__ import annotations

from collections.abc import Sequence

from qaf_docs.records import AgencyFinding, AuditForm, CaseFact
from qaf_docs.register.dialect import Db, upsert


def insert_form_parts(db: Db, submission_id: int, form: AuditForm) -> None:
    """Record a form's ticked indicators, agency sections, missing-history flag and the type of
    moderation the moderator chose (as ``qaf moderation kind`` records it; a form sent again
    without one leaves the kind recorded before)."""
    db.executemany(
        "INSERT INTO domain_indicators VALUES (?, ?, ?, ?)",
        [
            (submission_id, d.key, i, text)
            for d in form.domains
            for i, text in enumerate(d.indicators)
        ],
    )
    db.executemany(
        "INSERT INTO agency_findings VALUES (?, ?, ?, ?, ?, ?)",
        [
            (submission_id, i, a.agency, a.lead, a.contribution, a.finding)
            for i, a in enumerate(form.agencies)
        ],
    )
    if form.missing_history is not None:
        db.execute(
            "UPDATE submissions SET missing_history = ? WHERE id = ?",
            (int(form.missing_history), submission_id),
        )
    kind = form.moderation_kind
    if kind and (form.moderator or form.moderated_grade):
        db.execute(
            upsert("moderations", ("audit_ref", "kind"), ("audit_ref",)),
            (form.identity.audit_ref, kind),
        )


def insert_case_facts(db: Db, audit_ref: str, facts: Sequence[CaseFact]) -> None:
    """Keep the case list's facts for a sampled case, with the case list's hash."""
    db.executemany(
        "INSERT INTO case_facts VALUES (?, ?, ?, ?, ?, ?)",
        [(audit_ref, i, f.name, f.label, f.value, f.caselist_sha256) for i, f in enumerate(facts)],
    )


def case_facts(db: Db, audit_ref: str | None = None) -> dict[str, list[CaseFact]]:
    """Return the case facts kept per audit (of one audit, or of all), in the case list's order."""
    where, args = ("WHERE audit_ref = ?", (audit_ref,)) if audit_ref else ("", ())
    out: dict[str, list[CaseFact]] = {}
    for r in db.execute(f"SELECT * FROM case_facts {where} ORDER BY audit_ref, position", args):
        out.setdefault(r["audit_ref"], []).append(
            CaseFact(r["name"], r["label"], r["value"], r["caselist_sha256"])
        )
    return out


def current_indicators(db: Db) -> dict[tuple[str, str], tuple[str, ...]]:
    """Return (audit_ref, domain key) -> ticked indicators of every current audit tool."""
    out: dict[tuple[str, str], list[str]] = {}
    for r in db.execute(
        "SELECT s.audit_ref, i.domain, i.text FROM domain_indicators i "
        "JOIN submissions s ON s.id = i.submission_id "
        "WHERE s.superseded_by IS NULL AND s.kind = 'audit_tool' "
        "ORDER BY i.submission_id, i.domain, i.position"
    ):
        out.setdefault((r["audit_ref"], r["domain"]), []).append(r["text"])
    return {k: tuple(v) for k, v in out.items()}


def current_agencies(db: Db) -> dict[str, list[AgencyFinding]]:
    """Return audit_ref -> the agency sections of its current audit tool."""
    out: dict[str, list[AgencyFinding]] = {}
    for r in db.execute(
        "SELECT s.audit_ref, a.* FROM agency_findings a "
        "JOIN submissions s ON s.id = a.submission_id "
        "WHERE s.superseded_by IS NULL AND s.kind = 'audit_tool' "
        "ORDER BY a.submission_id, a.position"
    ):
        out.setdefault(r["audit_ref"], []).append(
            AgencyFinding(r["agency"], r["lead"], r["contribution"], r["finding"])
        )
    return out
