"""Rounds changed after they were drawn: open audits, cancelling, reassigning and adding audits.

Every change is one transaction that updates the audits and records the change (who, when, why)
in ``round_changes``; each audit keeps its ``origin`` ("drawn", "added", "swap") so a round's random
part can still be re-drawn and checked.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Collection, Sequence
from datetime import date

from qaf_docs.case_ids import case_key
from qaf_docs.errors import RegisterError
from qaf_docs.records import NewAudit, RoundChange
from qaf_docs.register.connection import Connection
from qaf_docs.register.dialect import Db, upsert
from qaf_docs.register.events import record_event
from qaf_docs.register.parts import insert_case_facts
from qaf_docs.register.values import case_spellings, iso_or_none, now_iso

# DESIGN.md: an audit is open from allocated until moderated. Not yet returned, it is open; once
# returned, it is open while it waits for moderation (only a framework that moderates makes it wait:
# the caller passes the moderation queue), so a child is never drawn while their audit awaits it.
NOT_RETURNED = ("allocated", "issued", "rejected")
CANCELLABLE_STATUSES = ("planned", "allocated", "issued", "rejected")


class ChangeBook(Connection):
    """Open audits and round changes (mixed into :class:`~qaf_docs.register.store.Register`)."""

    def open_audits(self, awaiting_moderation: Collection[str] = ()) -> dict[str, str]:
        """Return case id -> round id for every child with an open audit in any round: not yet
        returned, or one of ``awaiting_moderation`` (audit refs from the moderation queue)."""
        waiting = set(awaiting_moderation)
        rows = self._db.execute(
            "SELECT case_id, round_id, audit_ref, status FROM audits WHERE status <> 'cancelled' "
            "ORDER BY audit_ref"
        )
        spelt = case_spellings(self._db)  # one id per child, leading zeros or not
        return {
            spelt[case_key(r["case_id"])]: r["round_id"]
            for r in rows
            if r["status"] in NOT_RETURNED or r["audit_ref"] in waiting
        }

    def round_row(self, round_id: str) -> dict[str, object] | None:
        """Return a round's kind, seed, rules and framework, or None when it is unknown."""
        r = self._db.execute("SELECT * FROM rounds WHERE round_id = ?", (round_id,)).fetchone()
        if r is None:
            return None
        return {
            "round_id": r["round_id"],
            "kind": r["kind"],
            "seed": r["seed"],
            "rules": json.loads(r["rules_json"] or "{}"),
            "framework_id": r["framework_id"],
        }

    def keep_manifest(self, round_id: str, content: bytes) -> None:
        """Keep the round's manifest as ``qaf sample`` wrote it, to write it again if it is lost."""
        with self.transaction(counted=False) as db:
            db.execute(
                "UPDATE rounds SET manifest = ? WHERE round_id = ?",
                (base64.b64encode(content).decode("ascii"), round_id),
            )

    def kept_manifest(self, round_id: str) -> bytes | None:
        """The round's manifest as first written (None for a round drawn before qaf kept them)."""
        row = self._db.execute(
            "SELECT manifest FROM rounds WHERE round_id = ?", (round_id,)
        ).fetchone()
        return base64.b64decode(str(row[0])) if row and row[0] else None

    def round_ids(self) -> list[str]:
        """Return every round's id, oldest first."""
        return [r[0] for r in self._db.execute("SELECT round_id FROM rounds ORDER BY created_at")]

    def rounds_named(self, base: str, framework_id: str) -> list[tuple[str, str, int]]:
        """Rounds ``base`` and ``base-2``, ``base-3`` … (one month's rounds of one kind) drawn
        under ``framework_id``, oldest first: each one's id, when it was drawn, and how many of
        its audits are not cancelled."""
        rows = self._db.execute(
            "SELECT r.round_id, r.created_at, COUNT(a.audit_ref) AS live FROM rounds r "
            "LEFT JOIN audits a ON a.round_id = r.round_id AND a.status <> 'cancelled' "
            "WHERE r.round_id LIKE ? AND r.framework_id = ? "
            "GROUP BY r.round_id, r.created_at ORDER BY r.created_at",
            (base + "%", framework_id),
        )
        return [
            (r["round_id"], str(r["created_at"]), int(r["live"]))
            for r in rows
            if r["round_id"] == base or re.fullmatch(re.escape(base) + r"-\d+", r["round_id"])
        ]

    def round_frameworks(self) -> dict[str, list[str]]:
        """Return each framework rounds were drawn under -> those rounds' ids, oldest first."""
        drawn: dict[str, list[str]] = {}
        for r in self._db.execute("SELECT round_id, framework_id FROM rounds ORDER BY created_at"):
            drawn.setdefault(r["framework_id"], []).append(r["round_id"])
        return drawn

    def audit_origins(self, round_id: str) -> dict[str, str]:
        """Return audit ref -> how it came into the round ("drawn", "added", "swap")."""
        rows = self._db.execute(
            "SELECT audit_ref, origin FROM audits WHERE round_id = ?", (round_id,)
        )
        return {r["audit_ref"]: r["origin"] for r in rows}

    def cancel_audits(
        self, round_id: str, refs: Sequence[str], *, by_whom: str, reason: str, whole_round: bool
    ) -> None:
        """Mark ``refs`` cancelled and record why; nothing changes if any is past cancelling."""
        with self.transaction() as db:
            for ref in refs:
                row = db.execute("SELECT status FROM audits WHERE audit_ref = ?", (ref,)).fetchone()
                if row is None or row[0] not in CANCELLABLE_STATUSES:
                    raise RegisterError(f"Audit {ref} can no longer be cancelled.")
                # The audit's history (qaf history) shows the cancellation like any status change.
                why = f"{reason} (by {by_whom}, {'round' if whole_round else 'audit'} cancelled)"
                record_event(db, ref, "cancelled", to_status="cancelled", reason=why)
            self._change(
                db,
                round_id,
                None if whole_round else refs[0],
                "cancel round" if whole_round else "cancel audit",
                by_whom,
                reason,
                {"audits": ", ".join(refs)} if whole_round else {},
            )

    def reassign_audit(
        self, audit_ref: str, *, auditor: str, auditor_email: str, by_whom: str, reason: str
    ) -> None:
        """Give an audit to another auditor; an issued pack goes back to 'allocated' for reissue."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT round_id, auditor, issued_at, status FROM audits WHERE audit_ref = ?",
                (audit_ref,),
            ).fetchone()
            if row is None:
                raise RegisterError(f"Audit {audit_ref} is not in the register.")
            db.execute(
                "UPDATE audits SET auditor = ?, auditor_email = ? WHERE audit_ref = ?",
                (auditor, auditor_email, audit_ref),
            )
            record_event(
                db,
                audit_ref,
                "reassigned",
                # A planned audit given its first auditor is allocated, so qaf generate writes it;
                # so is one whose refused form awaited resubmission: its pack was withdrawn too.
                to_status="allocated"
                if row["status"] in ("issued", "planned", "rejected")
                else None,
                reason=f"from {row['auditor'] or 'nobody'} to {auditor}: {reason} (by {by_whom})",
            )
            self._change(
                db,
                row["round_id"],
                audit_ref,
                "reassign",
                by_whom,
                reason,
                {
                    "from": row["auditor"] or "",
                    "to": auditor,
                    # The pack issued before is withdrawn: its return is refused by this stamp.
                    **({"withdrawn_pack_issued_at": row["issued_at"]} if row["issued_at"] else {}),
                },
            )

    def add_audit(
        self,
        round_id: str,
        audit: NewAudit,
        *,
        origin: str,
        by_whom: str,
        reason: str,
        today: date,
        details: dict[str, str] | None = None,
        replaces: str | None = None,
    ) -> str:
        """Add one audit to a drawn round (chosen by hand, or a swap's replacement); return its ref.

        With ``replaces``, that audit is cancelled in the same transaction (a swap).
        """
        with self.transaction() as db:
            framework_id = _round_framework(db, round_id)
            if replaces is not None:
                old = db.execute(
                    "SELECT status FROM audits WHERE audit_ref = ?", (replaces,)
                ).fetchone()
                if old is None or old[0] not in ("allocated", "issued", "rejected"):
                    raise RegisterError(f"Audit {replaces} can no longer be swapped.")
                record_event(
                    db,
                    replaces,
                    "cancelled",
                    to_status="cancelled",
                    reason=f"swapped for another case: {reason} (by {by_whom})",
                )
            ref = _insert_audit(db, round_id, framework_id, audit, origin, today)
            how = f"swapped in for {replaces}" if replaces else "added by hand"
            record_event(
                db,
                ref,
                "allocated",
                to_status="allocated",
                reason=f"{how} in round {round_id} for {audit.auditor or 'no auditor'}: {reason}",
            )
            facts = {"case": audit.case_id, "auditor": audit.auditor, **(details or {})}
            if replaces is not None:
                facts["replaces"] = replaces
            self._change(db, round_id, ref, "swap" if replaces else "add", by_whom, reason, facts)
        return ref

    def allocate_drawn(
        self, round_id: str, audits: Sequence[NewAudit], *, by_whom: str, reason: str, today: date
    ) -> list[str]:
        """Record audits for cases the round drew at random but could not allocate at the draw
        (origin "drawn": how they were chosen does not change), in one transaction; return the
        refs. Each is a change of the round ("allocate"), with who and why."""
        refs: list[str] = []
        with self.transaction() as db:
            framework_id = _round_framework(db, round_id)
            for audit in audits:
                ref = _insert_audit(db, round_id, framework_id, audit, "drawn", today)
                record_event(
                    db,
                    ref,
                    "allocated",
                    to_status="allocated",
                    reason=f"drawn in round {round_id}, allocated after the draw to "
                    f"{audit.auditor}: {reason} (by {by_whom})",
                )
                insert_case_facts(db, ref, audit.facts)
                facts = {"case": audit.case_id, "auditor": audit.auditor}
                self._change(db, round_id, ref, "allocate", by_whom, reason, facts)
                refs.append(ref)
        return refs

    def round_changes(self, round_id: str | None = None) -> list[RoundChange]:
        """Return the recorded changes (of one round, or all), oldest first."""
        sql = "SELECT * FROM round_changes"
        args: tuple[str, ...] = ()
        if round_id:
            sql, args = sql + " WHERE round_id = ?", (round_id,)
        return [
            RoundChange(
                round_id=r["round_id"],
                audit_ref=r["audit_ref"],
                change=r["change"],
                by_whom=r["by_whom"],
                reason=r["reason"],
                at=r["at"],
                details=json.loads(r["details_json"] or "{}"),
            )
            for r in self._db.execute(sql + " ORDER BY id", args)
        ]

    def cancellation_of(self, audit_ref: str) -> RoundChange | None:
        """Return the change that cancelled ``audit_ref`` (itself, its round, or a swap), if any."""
        row = self._db.execute("SELECT round_id FROM audits WHERE audit_ref = ?", (audit_ref,))
        found = row.fetchone()
        if found is None:
            return None
        for change in reversed(self.round_changes(found["round_id"])):
            if (
                (change.change == "cancel audit" and change.audit_ref == audit_ref)
                or (change.change == "swap" and change.details.get("replaces") == audit_ref)
                or (
                    change.change == "cancel round"
                    and audit_ref in change.details.get("audits", "").split(", ")
                )
            ):
                return change
        return None

    def withdrawn_by_reassignment(self, audit_ref: str, issued_at: str) -> RoundChange | None:
        """Return the reassignment that withdrew the pack of ``audit_ref`` issued at ``issued_at``."""
        found = self._db.execute("SELECT round_id FROM audits WHERE audit_ref = ?", (audit_ref,))
        row = found.fetchone()
        if row is None:
            return None
        for change in self.round_changes(row["round_id"]):
            if (
                change.change == "reassign"
                and change.audit_ref == audit_ref
                and change.details.get("withdrawn_pack_issued_at") == issued_at
            ):
                return change
        return None

    @staticmethod
    def _change(
        db: Db,
        round_id: str,
        audit_ref: str | None,
        change: str,
        by_whom: str,
        reason: str,
        details: dict[str, str],
    ) -> None:

        db.execute(
            "INSERT INTO round_changes (round_id, audit_ref, change, by_whom, reason, "
            "details_json, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (round_id, audit_ref, change, by_whom, reason, json.dumps(details), now_iso()),
        )


def _insert_audit(
    db: Db, round_id: str, framework_id: str, audit: NewAudit, origin: str, today: date
) -> str:
    """Insert one allocated audit of a drawn round under the month's next reference; return it."""
    counter_key = f"ref_counter_{today:%y%m}"
    row = db.execute("SELECT value FROM meta WHERE key = ?", (counter_key,)).fetchone()
    n = (int(row[0]) if row else 0) + 1
    ref = f"QA{today:%y%m}-{n:04d}"
    db.execute(
        "INSERT INTO audits (audit_ref, round_id, case_id, team, worker, case_type, "
        "child_name, auditor, auditor_email, framework_id, status, due_on, created_at, "
        "origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'allocated', ?, ?, ?)",
        (
            ref,
            round_id,
            audit.case_id,
            audit.team,
            audit.worker,
            audit.case_type,
            audit.child_name,
            audit.auditor,
            audit.auditor_email,
            framework_id,
            iso_or_none(audit.due_on),
            now_iso(),
            origin,
        ),
    )
    db.execute(upsert("meta", ("key", "value"), ("key",)), (counter_key, str(n)))
    return ref


def _round_framework(db: Db, round_id: str) -> str:
    """The framework a round was drawn under; RegisterError when the register has no such round."""
    row = db.execute("SELECT framework_id FROM rounds WHERE round_id = ?", (round_id,)).fetchone()
    if row is None:
        raise RegisterError(f"Round {round_id} is not in the register.")
    return str(row[0])
