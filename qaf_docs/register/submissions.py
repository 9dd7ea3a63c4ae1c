"""Recording what came back through the inbox: each accepted file, each rejection, exactly once.

Exactly once holds by the database's own rules, however many inboxes feed one team register: the
check for an earlier record runs inside the writing transaction (writers take turns), and the
content hash of every submission is unique in the schema besides.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from qaf_docs.errors import AlreadyRecordedError
from qaf_docs.findings import Finding
from qaf_docs.records import (
    AuditForm,
    IngestedFile,
    TrackerRow,
)
from qaf_docs.register.connection import Connection
from qaf_docs.register.dialect import Db, upsert
from qaf_docs.register.parts import insert_form_parts
from qaf_docs.register.values import iso_or_none, now_iso


class SubmissionBook(Connection):
    """The register's submissions (mixed into :class:`~qaf_docs.register.store.Register`)."""

    # -- ingest ------------------------------------------------------------------------------------

    def ingested(self, sha256: str) -> IngestedFile | None:
        """Return what happened to a file with this content hash before, if anything."""
        r = self._db.execute("SELECT * FROM ingested_files WHERE sha256 = ?", (sha256,)).fetchone()
        if r is None:
            return None
        return IngestedFile(
            r["sha256"], r["file_name"], r["outcome"], r["audit_ref"], r["reason"], r["recorded_by"]
        )

    def record_audit_submission(
        self,
        form: AuditForm,
        warnings: Sequence[Finding],
        *,
        file_name: str,
        sha256: str,
        recorded_by: str | None = None,
    ) -> int:
        """Record an accepted audit tool in one transaction; supersede the audit's earlier submission.

        ``recorded_by`` names the computer that read the file. Raises AlreadyRecordedError (recording
        nothing) when this exact content is recorded already.
        """
        ref = form.identity.audit_ref
        with self.transaction() as db:
            self._guard_not_ingested(db, sha256)
            sid = db.insert(
                "INSERT INTO submissions (audit_ref, kind, file_name, file_sha256, received_at, "
                "audit_date, overall_grade, overall_rationale, moderator, moderated_grade, "
                "moderation_reason, moderation_date, practitioner_present, texts_json) "
                "VALUES (?, 'audit_tool', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ref,
                    file_name,
                    sha256,
                    now_iso(),
                    iso_or_none(form.audit_date),
                    form.overall_grade,
                    form.overall_rationale,
                    form.moderator,
                    form.moderated_grade,
                    form.moderation_reason,
                    iso_or_none(form.moderation_date),
                    None if form.practitioner_present is None else int(form.practitioner_present),
                    json.dumps(form.texts),
                ),
            )
            self._supersede(db, ref, "audit_tool", sid)
            db.executemany(
                "INSERT INTO domain_grades VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (sid, i, d.key, d.title, d.grade, d.rationale)
                    for i, d in enumerate(form.domains)
                ],
            )
            insert_form_parts(db, sid, form)
            db.executemany(
                "INSERT INTO actions VALUES (?, ?, ?, ?, ?)",
                [(sid, a.row, a.description, a.owner, iso_or_none(a.due_on)) for a in form.actions],
            )
            db.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?)",
                [(sid, f.severity, f.where, f.message) for f in warnings],
            )
            status = "moderated" if form.moderated_grade else "returned"
            db.execute("UPDATE audits SET status = ? WHERE audit_ref = ?", (status, ref))
            self._record_file(db, sha256, file_name, "processed", ref, sid, recorded_by)
        return sid

    def record_tracker_submission(
        self,
        audit_ref: str,
        rows: Sequence[TrackerRow],
        *,
        file_name: str,
        sha256: str,
        recorded_by: str | None = None,
    ) -> int:
        """Record the action statuses from a returned tracker in one transaction (as above)."""
        with self.transaction() as db:
            self._guard_not_ingested(db, sha256)
            sid = db.insert(
                "INSERT INTO submissions (audit_ref, kind, file_name, file_sha256, received_at) "
                "VALUES (?, 'action_tracker', ?, ?, ?)",
                (audit_ref, file_name, sha256, now_iso()),
            )
            self._supersede(db, audit_ref, "action_tracker", sid)
            db.executemany(
                "INSERT INTO action_updates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        sid,
                        audit_ref,
                        r.number,
                        r.description,
                        r.owner,
                        iso_or_none(r.due_on),
                        r.status,
                        iso_or_none(r.completed_on),
                        r.evidence,
                    )
                    for r in rows
                ],
            )
            self._record_file(db, sha256, file_name, "processed", audit_ref, sid, recorded_by)
        return sid

    def record_rejection(
        self, *, sha256: str, file_name: str, audit_ref: str | None, reason: str, note: str
    ) -> None:
        """Record that a file is rejected and its note, before the file is moved."""
        with self.transaction() as db:
            db.execute(
                upsert("ingested_files", _FILE_COLUMNS, ("sha256",)),
                (
                    sha256,
                    file_name,
                    "rejected",
                    audit_ref,
                    None,
                    reason,
                    now_iso(),
                    note,
                    None,
                    None,
                ),
            )

    def rejection_note(self, sha256: str) -> str | None:
        """Return the note recorded for a rejected file's content, if any."""
        row = self._db.execute(
            "SELECT note FROM ingested_files WHERE sha256 = ? AND outcome = 'rejected'", (sha256,)
        ).fetchone()
        return str(row[0]) if row and row[0] else None

    @staticmethod
    def _supersede(db: Db, audit_ref: str, kind: str, newer: int) -> None:
        """Mark the audit's earlier current submission of ``kind`` as superseded by ``newer``."""
        db.execute(
            "UPDATE submissions SET superseded_by = ? WHERE audit_ref = ? AND kind = ? "
            "AND superseded_by IS NULL AND id <> ?",
            (newer, audit_ref, kind, newer),
        )

    @staticmethod
    def _guard_not_ingested(db: Db, sha256: str) -> None:
        row = db.execute(
            "SELECT outcome FROM ingested_files WHERE sha256 = ? AND outcome = 'processed'",
            (sha256,),
        ).fetchone()
        if row:
            raise AlreadyRecordedError()

    @staticmethod
    def _record_file(
        db: Db,
        sha256: str,
        file_name: str,
        outcome: str,
        audit_ref: str | None,
        submission_id: int | None,
        recorded_by: str | None,
    ) -> None:
        db.execute(
            upsert("ingested_files", _FILE_COLUMNS, ("sha256",)),
            (
                sha256,
                file_name,
                outcome,
                audit_ref,
                submission_id,
                None,
                now_iso(),
                None,
                recorded_by,
                None,
            ),
        )


# Every column of ingested_files, so recording a file replaces all of an earlier rejection's row.
_FILE_COLUMNS = (
    "sha256",
    "file_name",
    "outcome",
    "audit_ref",
    "submission_id",
    "reason",
    "at",
    "note",
    "recorded_by",
    "filed_at",
)
