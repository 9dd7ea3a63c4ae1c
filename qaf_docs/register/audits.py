"""Rounds and audits in the register: recording a drawn round, issuing packs, looking audits up."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from qaf_docs.errors import RegisterError
from qaf_docs.records import (
    AuditRecord,
    NewAudit,
)
from qaf_docs.register.connection import Connection
from qaf_docs.register.dialect import Row, upsert
from qaf_docs.register.events import record_event
from qaf_docs.register.parts import insert_case_facts
from qaf_docs.register.values import date_or_none, iso_or_none, now_iso


class AuditBook(Connection):
    """The register's rounds and audits (mixed into :class:`~qaf_docs.register.store.Register`)."""

    # -- rounds and audits -------------------------------------------------------------------------

    def new_round_id(self, kind: str, today: date) -> str:
        """Return an unused round id such as ``2026-11-simple`` (``-2``, ``-3`` … when taken)."""
        base = f"{today:%Y-%m}-{kind}"
        taken = {
            r[0]
            for r in self._db.execute(
                "SELECT round_id FROM rounds WHERE round_id LIKE ?", (base + "%",)
            )
        }
        if base not in taken:
            return base
        n = 2
        while f"{base}-{n}" in taken:
            n += 1
        return f"{base}-{n}"

    def record_round(
        self,
        *,
        round_id: str,
        kind: str,
        seed: int | None,
        input_sha256: str | None,
        rules: dict[str, Any],
        framework_id: str,
        audits: Sequence[NewAudit],
        today: date,
    ) -> list[str]:
        """Record a round and its audits (status 'allocated') in one transaction; return the refs."""
        refs: list[str] = []
        with self.transaction() as db:
            # Rounds name folders and files, and Windows does not tell "Q1" from "q1": one
            # round's packs and sample would land on the other's.
            same = db.execute(
                "SELECT round_id FROM rounds WHERE LOWER(round_id) = LOWER(?)", (round_id,)
            ).fetchone()
            if same is not None and same[0] == round_id:
                raise RegisterError(f"Round {round_id} already exists.")
            if same is not None:
                raise RegisterError(
                    f"Round {round_id} cannot be used: round {same[0]} already exists, and "
                    "Windows takes the two for the same folder and files. Choose another round id."
                )
            db.execute(
                "INSERT INTO rounds (round_id, kind, seed, input_sha256, rules_json, "
                "framework_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    round_id,
                    kind,
                    seed,
                    input_sha256,
                    json.dumps(rules, default=str),
                    framework_id,
                    now_iso(),
                ),
            )
            counter_key = f"ref_counter_{today:%y%m}"
            row = db.execute("SELECT value FROM meta WHERE key = ?", (counter_key,)).fetchone()
            n = int(row[0]) if row else 0
            for a in audits:
                n += 1
                ref = f"QA{today:%y%m}-{n:04d}"
                db.execute(
                    "INSERT INTO audits (audit_ref, round_id, case_id, team, worker, case_type, "
                    "child_name, auditor, auditor_email, framework_id, status, due_on, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?)",
                    (
                        ref,
                        round_id,
                        a.case_id,
                        a.team,
                        a.worker,
                        a.case_type,
                        a.child_name,
                        a.auditor,
                        a.auditor_email,
                        framework_id,
                        iso_or_none(a.due_on),
                        now_iso(),
                    ),
                )
                record_event(
                    db,
                    ref,
                    "allocated",
                    to_status="allocated",
                    reason=f"drawn in round {round_id} ({kind}) for {a.auditor or 'no auditor'}",
                )
                refs.append(ref)
                insert_case_facts(db, ref, a.facts)
            db.execute(upsert("meta", ("key", "value"), ("key",)), (counter_key, str(n)))
        return refs

    def audits(
        self, *, round_id: str | None = None, status: str | None = None
    ) -> list[AuditRecord]:
        """Return audits, optionally of one round and/or status, in reference order."""
        sql, args = "SELECT * FROM audits WHERE 1=1", list[str]()
        if round_id:
            sql, args = sql + " AND round_id = ?", [*args, round_id]
        if status:
            sql, args = sql + " AND status = ?", [*args, status]
        return [self._audit(r) for r in self._db.execute(sql + " ORDER BY audit_ref", args)]

    def audit(self, audit_ref: str) -> AuditRecord | None:
        """Return one audit, or None when the reference is unknown."""
        row = self._db.execute("SELECT * FROM audits WHERE audit_ref = ?", (audit_ref,)).fetchone()
        return self._audit(row) if row else None

    def child_names(self) -> list[str]:
        """Return every child's name the register holds (only where ``show_child_names`` was on
        when the child was drawn), to keep them out of what is quoted beyond the child's record."""
        rows = self._db.execute(
            "SELECT DISTINCT child_name FROM audits WHERE COALESCE(child_name, '') <> ''"
        )
        return [r[0] for r in rows]

    @staticmethod
    def _audit(r: Row) -> AuditRecord:
        return AuditRecord(
            audit_ref=r["audit_ref"],
            round_id=r["round_id"],
            case_id=r["case_id"],
            team=r["team"] or "",
            worker=r["worker"] or "",
            case_type=r["case_type"] or "",
            child_name=r["child_name"],
            auditor=r["auditor"] or "",
            auditor_email=r["auditor_email"] or "",
            framework_id=r["framework_id"],
            framework_version=r["framework_version"],
            template_version=r["template_version"],
            status=r["status"],
            due_on=date_or_none(r["due_on"]),
            issued_at=r["issued_at"],
        )

    def mark_issued(
        self, audit_ref: str, *, framework_version: str, template_version: str, issued_at: str
    ) -> None:
        """Record that an audit's pack was generated (status 'issued' unless already returned)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE audits SET framework_version = ?, template_version = ?, issued_at = ? "
                "WHERE audit_ref = ?",
                (framework_version, template_version, issued_at, audit_ref),
            )
            row = db.execute("SELECT status FROM audits WHERE audit_ref = ?", (audit_ref,))
            first = row.fetchone()[0] == "allocated"
            record_event(
                db,
                audit_ref,
                "issued" if first else "reissued",
                to_status="issued" if first else None,
                reason=f"pack generated from template {template_version}",
            )

    def mark_issued_many(self, issued: Sequence[tuple[str, str, str, str]]) -> None:
        """Record a batch of generated packs in one transaction.

        Each item is (audit ref, framework version, template version, issued at).
        """
        with self.transaction() as db:
            refs = [ref for ref, _, _, _ in issued]
            allocated = {
                r[0]
                for chunk in range(0, len(refs), 500)
                for r in db.execute(
                    "SELECT audit_ref FROM audits WHERE status = 'allocated' AND audit_ref IN ("
                    + ", ".join("?" * len(refs[chunk : chunk + 500]))
                    + ")",
                    refs[chunk : chunk + 500],
                )
            }
            db.executemany(
                "UPDATE audits SET framework_version = ?, template_version = ?, issued_at = ? "
                "WHERE audit_ref = ?",
                [(fv, tv, at, ref) for ref, fv, tv, at in issued],
            )
            # The same status change and event as mark_issued, for each pack of the batch.
            for ref, _, template_version, _ in issued:
                first = ref in allocated
                record_event(
                    db,
                    ref,
                    "issued" if first else "reissued",
                    to_status="issued" if first else None,
                    reason=f"pack generated from template {template_version}",
                )

    def template_versions(self) -> set[str]:
        """Return every template version the register has issued packs from."""
        rows = self._db.execute(
            "SELECT DISTINCT template_version FROM audits WHERE template_version IS NOT NULL"
        )
        return {r[0] for r in rows}

    # -- the framework text each pack was made from ----------------------------------------------

    def keep_framework_text(self, framework_id: str, text: str, sha256: str) -> None:
        """Keep a framework's exact text under its fingerprint (once; the same text is one row)."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO framework_texts (sha256, framework_id, text, kept_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                (sha256, framework_id, text, now_iso()),
            )

    def framework_texts(self) -> dict[str, str]:
        """Every framework text packs were made from, by fingerprint."""
        return {r[0]: r[1] for r in self._db.execute("SELECT sha256, text FROM framework_texts")}

    def framework_text_of(self, sha256: str) -> str | None:
        """The framework text kept under ``sha256``, or None when none was."""
        row = self._db.execute(
            "SELECT text FROM framework_texts WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return str(row[0]) if row else None
