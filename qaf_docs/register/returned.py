"""What the register holds of an audit's returned form and its place in the case's history, for
its case notes and messages: the form's own words, the round's kind, the audit a re-audit follows."""

from __future__ import annotations

import json
from typing import Any

from qaf_docs.register.connection import Connection
from qaf_docs.register.values import date_or_none


class ReturnedBook(Connection):
    """The returned form as notes read it (mixed into :class:`~qaf_docs.register.store.Register`)."""

    def returned_form(self, audit_ref: str) -> dict[str, Any] | None:
        """The current form's date, attendance, overall rationale, text sections, missing
        history box (None: the form has none) and the fingerprint of the framework text it was
        read against ("": the framework file as it was then), or None."""
        row = self._db.execute(
            "SELECT audit_date, practitioner_present, overall_rationale, texts_json, "
            "missing_history, framework_sha256 FROM submissions WHERE audit_ref = ? AND "
            "kind = 'audit_tool' AND superseded_by IS NULL",
            (audit_ref,),
        ).fetchone()
        if row is None:
            return None
        present, missing = row["practitioner_present"], row["missing_history"]
        return {
            "audit_date": date_or_none(row["audit_date"]),
            "practitioner_present": None if present is None else bool(present),
            "overall_rationale": row["overall_rationale"] or "",
            "texts": dict(json.loads(row["texts_json"] or "{}")),
            "missing_history": None if missing is None else bool(missing),
            "framework_sha256": row["framework_sha256"] or "",
        }

    def round_kind(self, round_id: str) -> str | None:
        """Return a round's kind (simple, reaudit, thematic …), or None when it is unknown."""
        row = self._db.execute("SELECT kind FROM rounds WHERE round_id = ?", (round_id,)).fetchone()
        return str(row[0]) if row else None

    def previous_audit(self, audit_ref: str) -> str | None:
        """Return the case's latest earlier audit with an accepted form, for a re-audit's history."""
        row = self._db.execute(
            "SELECT b.audit_ref FROM audits a JOIN audits b ON b.case_id = a.case_id AND "
            "b.audit_ref < a.audit_ref JOIN submissions s ON s.audit_ref = b.audit_ref AND "
            "s.kind = 'audit_tool' AND s.superseded_by IS NULL WHERE a.audit_ref = ? "
            "ORDER BY b.audit_ref DESC LIMIT 1",
            (audit_ref,),
        ).fetchone()
        return str(row[0]) if row else None

    def reaudits_of(self, audit_ref: str) -> list[tuple[str, str]]:
        """The later audits of the same case in re-audit rounds whose packs went out (issued or
        further on, not cancelled), as (audit ref, round id): each was written from this audit's
        grades and actions."""
        rows = self._db.execute(
            "SELECT b.audit_ref, b.round_id FROM audits a JOIN audits b ON b.case_id = a.case_id "
            "AND b.audit_ref > a.audit_ref JOIN rounds r ON r.round_id = b.round_id AND "
            "r.kind = 'reaudit' WHERE a.audit_ref = ? AND b.status NOT IN "
            "('planned', 'allocated', 'cancelled') ORDER BY b.audit_ref",
            (audit_ref,),
        )
        return [(str(r[0]), str(r[1])) for r in rows]
