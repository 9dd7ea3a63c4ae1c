"""Recording what came back through the inbox: each accepted file, each rejection, exactly once.

Exactly once holds by the database's own rules, however many inboxes feed one team register: the
check for an earlier record runs inside the writing transaction (writers take turns), and the
content hash of every submission is unique in the schema besides.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from qaf_docs.errors import AlreadyRecordedError
from qaf_docs.findings import Finding
from qaf_docs.records import (
    AuditForm,
    IngestedFile,
    TrackerRow,
)
from qaf_docs.register.connection import Connection
from qaf_docs.register.dialect import Db, upsert
from qaf_docs.register.events import moderation_reason, record_event, resolution_change
from qaf_docs.register.parts import insert_form_parts
from qaf_docs.register.values import date_or_none, iso_or_none, now_iso, same_action

# An audit's progress once its form is back; a form sent again never moves it back down.
_PROGRESS = ("returned", "moderated", "actions open", "closed")


def _status_after_form(db: Db, audit_ref: str, sid: int, *, moderated: bool) -> str:
    """The status an accepted audit tool leaves: returned or moderated, unless the managers'
    trackers took the audit further — and a closed audit whose new form adds an action has
    actions open again."""
    now = db.execute("SELECT status FROM audits WHERE audit_ref = ?", (audit_ref,)).fetchone()[0]
    status = "moderated" if moderated else "returned"
    if now not in _PROGRESS or _PROGRESS.index(now) <= _PROGRESS.index(status):
        return status
    if now == "closed" and _adds_an_action(db, audit_ref, sid):
        return "actions open"
    return str(now)


def _adds_an_action(db: Db, audit_ref: str, sid: int) -> bool:
    rows = db.execute(
        "SELECT a.submission_id, a.description FROM actions a JOIN submissions s "
        "ON s.id = a.submission_id WHERE s.audit_ref = ? AND s.kind = 'audit_tool'",
        (audit_ref,),
    ).fetchall()
    earlier = {same_action(d) for s, d in rows if s != sid}
    return any(same_action(d) not in earlier for s, d in rows if s == sid)


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
        answers = form.answers_digest()  # what this copy says, before any moderation kept
        with self.transaction() as db:
            self._guard_not_ingested(db, sha256)
            form, kept = self._moderation_kept(db, ref, form)
            sid = db.insert(
                "INSERT INTO submissions (audit_ref, kind, file_name, file_sha256, received_at, "
                "audit_date, overall_grade, overall_rationale, moderator, moderated_grade, "
                "moderation_reason, moderation_date, practitioner_present, texts_json, saved_at, "
                "answers_sha, framework_sha256) "
                "VALUES (?, 'audit_tool', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    form.saved_at.isoformat() if form.saved_at else None,
                    answers,
                    form.identity.framework_sha256 or None,
                ),
            )
            self._supersede(db, ref, "audit_tool", sid)
            db.executemany(
                "INSERT INTO domain_grades (submission_id, position, domain, title, grade, "
                "rationale, moderated_grade) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (sid, i, d.key, d.title, d.grade, d.rationale, d.moderated_grade)
                    for i, d in enumerate(form.domains)
                ],
            )
            insert_form_parts(db, sid, form)
            db.executemany(
                "INSERT INTO actions (submission_id, number, description, owner, due_on, "
                "immediate, success_criteria, impact_on_child) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        sid,
                        a.row,
                        a.description,
                        a.owner,
                        iso_or_none(a.due_on),
                        int(a.immediate),
                        a.success_criteria,
                        a.impact_on_child,
                    )
                    for a in form.actions
                ],
            )
            db.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?)",
                [(sid, f.severity, f.where, f.message) for f in warnings],
            )
            stands = kept + self._escalation_grade_stands(db, ref, sid, form)
            status = _status_after_form(db, ref, sid, moderated=bool(form.moderated_grade))
            if form.moderated_grade and not kept:
                why = moderation_reason(form.moderator, form.overall_grade, form.moderated_grade)
                record_event(db, ref, "moderated", to_status=status, reason=why + stands)
            else:
                record_event(
                    db, ref, "returned", to_status=status, reason="audit tool accepted" + stands
                )
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
        saved_at: datetime | None = None,
        warnings: Sequence[Finding] = (),
    ) -> int:
        """Record the action statuses from a returned tracker in one transaction (as above);
        ``saved_at`` is when the manager last saved it, so an older copy can be told apart, and
        ``warnings`` are kept with it (an action the manager added that is not SMART)."""
        with self.transaction() as db:
            self._guard_not_ingested(db, sha256)
            sid = db.insert(
                "INSERT INTO submissions (audit_ref, kind, file_name, file_sha256, received_at, "
                "saved_at) VALUES (?, 'action_tracker', ?, ?, ?, ?)",
                (
                    audit_ref,
                    file_name,
                    sha256,
                    now_iso(),
                    saved_at.isoformat() if saved_at else None,
                ),
            )
            self._supersede(db, audit_ref, "action_tracker", sid)
            db.executemany(
                "INSERT INTO action_updates (submission_id, audit_ref, number, description, owner, "
                "due_on, status, completed_on, evidence, signed_off_by, signed_off_on) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                        r.signed_off_by,
                        iso_or_none(r.signed_off_on),
                    )
                    for r in rows
                ],
            )
            db.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?)",
                [(sid, f.severity, f.where, f.message) for f in warnings],
            )
            # An action is closed only when completed and signed off by the manager.
            done = sum(1 for r in rows if r.status.lower() == "completed")
            signed = sum(1 for r in rows if r.status.lower() == "completed" and r.signed_off_by)
            record_event(
                db,
                audit_ref,
                "tracker",
                to_status="closed" if rows and signed == len(rows) else "actions open",
                reason=f"manager's tracker accepted: {done} of {len(rows)} actions completed, "
                f"{signed} signed off",
            )
            self._record_file(db, sha256, file_name, "processed", audit_ref, sid, recorded_by)
        return sid

    def record_rejection(
        self,
        *,
        sha256: str,
        file_name: str,
        audit_ref: str | None,
        reason: str,
        note: str,
        refuses_return: bool = False,
    ) -> None:
        """Record that a file is rejected and its note, before the file is moved.

        ``refuses_return``: the file was the audit's form; an audit still awaiting its first
        accepted form becomes 'rejected' (awaiting resubmission). An accepted one keeps its status.
        """
        with self.transaction() as db:
            if audit_ref and refuses_return:
                row = db.execute("SELECT status FROM audits WHERE audit_ref = ?", (audit_ref,))
                status = row.fetchone()
                waiting = status is not None and status[0] in ("allocated", "issued", "rejected")
                record_event(
                    db,
                    audit_ref,
                    "rejected",
                    to_status="rejected" if waiting else None,
                    reason=reason[:500],
                )
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
    def _moderation_kept(db: Db, audit_ref: str, form: AuditForm) -> tuple[AuditForm, str]:
        """A form sent again without its moderation section filled keeps the moderation recorded
        for the audit, while it shows the grade that was moderated (a later copy from the auditor
        must not undo the moderator's decision). A form showing another grade is a new judgement,
        due for moderation again. Returns the form to record and what the event's reason adds."""
        if form.moderated_grade:
            return form, ""
        before = db.execute(
            "SELECT id, overall_grade, moderator, moderated_grade, moderation_reason, "
            "moderation_date FROM submissions WHERE audit_ref = ? AND kind = 'audit_tool' "
            "AND superseded_by IS NULL",
            (audit_ref,),
        ).fetchone()
        if before is None or not before["moderated_grade"]:
            return form, ""
        if before["overall_grade"] != form.overall_grade:
            return form, (
                f"; the overall grade changed from '{before['overall_grade']}' to "
                f"'{form.overall_grade}' since it was moderated, so it is due for moderation again"
            )
        by_domain = dict(
            db.execute(
                "SELECT domain, moderated_grade FROM domain_grades WHERE submission_id = ?",
                (before["id"],),
            ).fetchall()
        )
        kept = replace(
            form,
            moderator=before["moderator"] or "",
            moderated_grade=before["moderated_grade"],
            moderation_reason=before["moderation_reason"] or "",
            moderation_date=date_or_none(before["moderation_date"]),
            domains=[
                d if d.moderated_grade else replace(d, moderated_grade=by_domain.get(d.key))
                for d in form.domains
            ],
        )
        who = before["moderator"] or "the moderator"
        return kept, f"; the moderation by {who} recorded before stands"

    @staticmethod
    def _escalation_grade_stands(db: Db, audit_ref: str, sid: int, form: AuditForm) -> str:
        """Keep the grade an escalation decided on a form sent again that still shows the grade
        the escalation changed (a corrected copy); a form showing another grade is a new judgement.
        Returns what the event's reason adds ("" when nothing is kept)."""
        rows = db.execute(
            "SELECT reason FROM audit_events WHERE audit_ref = ? AND event = 'escalation resolved' "
            "ORDER BY id DESC",
            (audit_ref,),
        ).fetchall()
        change = next((c for row in rows if (c := resolution_change(row[0] or ""))), None)
        if change is None or (form.moderated_grade or form.overall_grade) != change[0]:
            return ""
        db.execute("UPDATE submissions SET escalation_grade = ? WHERE id = ?", (change[1], sid))
        return f"; the grade '{change[1]}' an escalation decided stands"

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
