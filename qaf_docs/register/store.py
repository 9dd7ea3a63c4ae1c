"""The register: the single source of truth for rounds, audits, submissions, grades and actions.

SQLite in WAL mode, in one file beside the workspace. Every SQL statement of qaf lives in this module,
so a shared PostgreSQL can take its place for a multi-council partnership. Schema changes are
migrations, applied in order and recorded in the ``schema_migrations`` table.

History is never overwritten: each accepted file is a submission; a resubmission of the same audit
marks the earlier one superseded. Action status updates from trackers are rows of their own.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from qaf_docs.errors import RegisterError
from qaf_docs.findings import Finding
from qaf_docs.records import (
    ActionResult,
    AuditForm,
    AuditRecord,
    AuditResult,
    DomainResult,
    IngestedFile,
    NewAudit,
    Submission,
    TrackerRow,
)
from qaf_docs.register.migrations import MIGRATIONS

# ---------------------------------------------------------------------------------------------------
# Records


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def _merge_actions(
    agreed: Sequence[sqlite3.Row], updates: Sequence[sqlite3.Row]
) -> list[TrackerRow]:
    """Actions as agreed in the form, each replaced by the manager's latest tracker row if any."""
    merged = {
        r["number"]: TrackerRow(
            r["number"], r["description"], r["owner"], _date(r["due_on"]), "Not started", None, ""
        )
        for r in agreed
    }
    for r in updates:
        merged[r["number"]] = TrackerRow(
            r["number"],
            r["description"],
            r["owner"],
            _date(r["due_on"]),
            r["status"],
            _date(r["completed_on"]),
            r["evidence"],
        )
    return [merged[n] for n in sorted(merged)]


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def database_error(e: sqlite3.Error, path: Path | None) -> RegisterError:
    """Say what a database failure means for the person at the keyboard, and what to do."""
    text = str(e).lower()
    where = f" ({path})" if path else ""
    if "full" in text:
        advice = "The disk that holds it is full: free some space, then run the command again."
    elif "locked" in text or "busy" in text:
        advice = "Another qaf command is using it: wait a minute and run the command again."
    elif "readonly" in text or "read-only" in text or "permission" in text:
        advice = "qaf may not write to it: check the folder's permissions, or ask IT."
    elif "not a database" in text or "malformed" in text or "corrupt" in text:
        advice = (
            "The register file is damaged. Stop qaf and restore the register from its latest "
            "backup (README: Backups); nothing in the inbox has been lost."
        )
    elif "unable to open" in text:
        advice = "Its folder may be missing or on a disconnected drive: check the path in qaf.toml."
    else:
        advice = "Run the command again; if it keeps happening, tell IT and quote this message."
    return RegisterError(f"The register{where} could not be used: {e}. {advice}")


def _translating(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(self: Register, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:
            raise database_error(e, self.path) from e

    return run


class Register:
    """The register of one workspace; open with ``Register.open(path)`` and close when done.

    Every database failure leaves this class as a :class:`RegisterError` that says what to do.
    """

    def __init__(self, db: sqlite3.Connection, path: Path | None = None) -> None:
        self._db = db
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Register:
        """Open (creating and migrating if needed) the register at ``path``."""
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=30)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=30000")
        except sqlite3.Error as e:
            raise database_error(e, path) from e
        register = cls(db, path)
        register._migrate()
        return register

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block as one transaction: all of it is recorded, or none of it."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise database_error(e, self.path) from e
        try:
            yield self._db
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):  # the database may already have rolled back
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise database_error(exc, self.path) from exc
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as e:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise database_error(e, self.path) from e

    def _migrate(self) -> None:
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {r[0] for r in self._db.execute("SELECT version FROM schema_migrations")}
        if done and max(done) > len(MIGRATIONS):
            raise RegisterError(
                "The register was written by a newer version of qaf; upgrade qaf to use it."
            )
        for version, (name, step) in enumerate(MIGRATIONS, start=1):
            if version in done:
                continue
            with self.transaction() as db:
                step(db)
                db.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, _now())
                )

    def schema_version(self) -> int:
        """Return the number of the last migration applied."""
        row = self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

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
            if db.execute("SELECT 1 FROM rounds WHERE round_id = ?", (round_id,)).fetchone():
                raise RegisterError(f"Round {round_id} already exists.")
            db.execute(
                "INSERT INTO rounds VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    round_id,
                    kind,
                    seed,
                    input_sha256,
                    json.dumps(rules, default=str),
                    framework_id,
                    _now(),
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
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'allocated', ?, ?)",
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
                        _iso(a.due_on),
                        _now(),
                    ),
                )
                refs.append(ref)
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (counter_key, str(n)))
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

    @staticmethod
    def _audit(r: sqlite3.Row) -> AuditRecord:
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
            due_on=_date(r["due_on"]),
            issued_at=r["issued_at"],
        )

    def mark_issued(
        self, audit_ref: str, *, framework_version: str, template_version: str, issued_at: str
    ) -> None:
        """Record that an audit's pack was generated (status 'issued' unless already returned)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE audits SET framework_version = ?, template_version = ?, issued_at = ?, "
                "status = CASE WHEN status = 'allocated' THEN 'issued' ELSE status END "
                "WHERE audit_ref = ?",
                (framework_version, template_version, issued_at, audit_ref),
            )

    def template_versions(self) -> set[str]:
        """Return every template version the register has issued packs from."""
        rows = self._db.execute(
            "SELECT DISTINCT template_version FROM audits WHERE template_version IS NOT NULL"
        )
        return {r[0] for r in rows}

    # -- ingest ------------------------------------------------------------------------------------

    def ingested(self, sha256: str) -> IngestedFile | None:
        """Return what happened to a file with this content hash before, if anything."""
        r = self._db.execute("SELECT * FROM ingested_files WHERE sha256 = ?", (sha256,)).fetchone()
        if r is None:
            return None
        return IngestedFile(r["sha256"], r["file_name"], r["outcome"], r["audit_ref"], r["reason"])

    def record_audit_submission(
        self, form: AuditForm, warnings: Sequence[Finding], *, file_name: str, sha256: str
    ) -> int:
        """Record an accepted audit tool in one transaction; supersede the audit's earlier submission."""
        ref = form.identity.audit_ref
        with self.transaction() as db:
            self._guard_not_ingested(db, sha256)
            cur = db.execute(
                "INSERT INTO submissions (audit_ref, kind, file_name, file_sha256, received_at, "
                "audit_date, overall_grade, overall_rationale, moderator, moderated_grade, "
                "moderation_reason, moderation_date, practitioner_present, texts_json) "
                "VALUES (?, 'audit_tool', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ref,
                    file_name,
                    sha256,
                    _now(),
                    _iso(form.audit_date),
                    form.overall_grade,
                    form.overall_rationale,
                    form.moderator,
                    form.moderated_grade,
                    form.moderation_reason,
                    _iso(form.moderation_date),
                    None if form.practitioner_present is None else int(form.practitioner_present),
                    json.dumps(form.texts),
                ),
            )
            sid = int(cur.lastrowid or 0)
            self._supersede(db, ref, "audit_tool", sid)
            db.executemany(
                "INSERT INTO domain_grades VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (sid, i, d.key, d.title, d.grade, d.rationale)
                    for i, d in enumerate(form.domains)
                ],
            )
            db.executemany(
                "INSERT INTO actions VALUES (?, ?, ?, ?, ?)",
                [(sid, a.row, a.description, a.owner, _iso(a.due_on)) for a in form.actions],
            )
            db.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?)",
                [(sid, f.severity, f.where, f.message) for f in warnings],
            )
            status = "moderated" if form.moderated_grade else "returned"
            db.execute("UPDATE audits SET status = ? WHERE audit_ref = ?", (status, ref))
            self._record_file(db, sha256, file_name, "processed", ref, sid, None)
        return sid

    def record_tracker_submission(
        self, audit_ref: str, rows: Sequence[TrackerRow], *, file_name: str, sha256: str
    ) -> int:
        """Record the action statuses from a returned tracker in one transaction."""
        with self.transaction() as db:
            self._guard_not_ingested(db, sha256)
            cur = db.execute(
                "INSERT INTO submissions (audit_ref, kind, file_name, file_sha256, received_at) "
                "VALUES (?, 'action_tracker', ?, ?, ?)",
                (audit_ref, file_name, sha256, _now()),
            )
            sid = int(cur.lastrowid or 0)
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
                        _iso(r.due_on),
                        r.status,
                        _iso(r.completed_on),
                        r.evidence,
                    )
                    for r in rows
                ],
            )
            self._record_file(db, sha256, file_name, "processed", audit_ref, sid, None)
        return sid

    def record_rejection(
        self, *, sha256: str, file_name: str, audit_ref: str | None, reason: str, note: str
    ) -> None:
        """Record that a file is rejected and its note, before the file is moved."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO ingested_files "
                "(sha256, file_name, outcome, audit_ref, submission_id, reason, at, note) "
                "VALUES (?, ?, 'rejected', ?, NULL, ?, ?, ?)",
                (sha256, file_name, audit_ref, reason, _now(), note),
            )

    def rejection_note(self, sha256: str) -> str | None:
        """Return the note recorded for a rejected file's content, if any."""
        row = self._db.execute(
            "SELECT note FROM ingested_files WHERE sha256 = ? AND outcome = 'rejected'", (sha256,)
        ).fetchone()
        return str(row[0]) if row and row[0] else None

    @staticmethod
    def _supersede(db: sqlite3.Connection, audit_ref: str, kind: str, newer: int) -> None:
        """Mark the audit's earlier current submission of ``kind`` as superseded by ``newer``."""
        db.execute(
            "UPDATE submissions SET superseded_by = ? WHERE audit_ref = ? AND kind = ? "
            "AND superseded_by IS NULL AND id <> ?",
            (newer, audit_ref, kind, newer),
        )

    @staticmethod
    def _guard_not_ingested(db: sqlite3.Connection, sha256: str) -> None:
        row = db.execute(
            "SELECT outcome FROM ingested_files WHERE sha256 = ? AND outcome = 'processed'",
            (sha256,),
        ).fetchone()
        if row:
            raise RegisterError("This exact file has already been recorded.")

    @staticmethod
    def _record_file(
        db: sqlite3.Connection,
        sha256: str,
        file_name: str,
        outcome: str,
        audit_ref: str | None,
        submission_id: int | None,
        reason: str | None,
    ) -> None:
        db.execute(
            "INSERT OR REPLACE INTO ingested_files "
            "(sha256, file_name, outcome, audit_ref, submission_id, reason, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (sha256, file_name, outcome, audit_ref, submission_id, reason, _now()),
        )

    # -- reading back ------------------------------------------------------------------------------

    def submission(self, audit_ref: str, kind: str = "audit_tool") -> Submission | None:
        """Return the latest, not superseded, submission of one kind for an audit."""
        r = self._current_submission(audit_ref, kind)
        if r is None:
            return None
        return Submission(
            id=int(r["id"]),
            audit_ref=r["audit_ref"],
            kind=r["kind"],
            file_name=r["file_name"],
            received_at=r["received_at"],
            audit_date=_date(r["audit_date"]),
            overall_grade=r["overall_grade"],
            moderated_grade=r["moderated_grade"],
        )

    def _current_submission(self, audit_ref: str, kind: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._db.execute(
            "SELECT * FROM submissions WHERE audit_ref = ? AND kind = ? AND superseded_by IS NULL",
            (audit_ref, kind),
        ).fetchone()
        return row

    def submission_count(self, audit_ref: str | None = None) -> int:
        """Return how many submissions were recorded (for one audit, or in all)."""
        if audit_ref:
            row = self._db.execute(
                "SELECT COUNT(*) FROM submissions WHERE audit_ref = ?", (audit_ref,)
            )
        else:
            row = self._db.execute("SELECT COUNT(*) FROM submissions")
        return int(row.fetchone()[0])

    def current_actions(self, audit_ref: str) -> list[TrackerRow]:
        """Return an audit's actions with their latest status (agreed in the form, updated by trackers)."""
        tool = self._current_submission(audit_ref, "audit_tool")
        tracker = self._current_submission(audit_ref, "action_tracker")
        agreed = (
            self._db.execute(
                "SELECT * FROM actions WHERE submission_id = ? ORDER BY number", (tool["id"],)
            ).fetchall()
            if tool
            else []
        )
        updates = (
            self._db.execute(
                "SELECT * FROM action_updates WHERE submission_id = ? ORDER BY number",
                (tracker["id"],),
            ).fetchall()
            if tracker
            else []
        )
        return _merge_actions(agreed, updates)

    def counts(self) -> dict[str, int]:
        """Return counts by audit status and by file outcome, for ``qaf status``."""
        out: dict[str, int] = {}
        for r in self._db.execute("SELECT status, COUNT(*) FROM audits GROUP BY status"):
            out[f"audits {r[0]}"] = int(r[1])
        for r in self._db.execute("SELECT outcome, COUNT(*) FROM ingested_files GROUP BY outcome"):
            out[f"files {r[0]}"] = int(r[1])
        return out

    def recent_rejections(self, limit: int = 10) -> list[IngestedFile]:
        """Return the latest rejected files, newest first."""
        rows = self._db.execute(
            "SELECT * FROM ingested_files WHERE outcome = 'rejected' ORDER BY at DESC LIMIT ?",
            (limit,),
        )
        return [
            IngestedFile(r["sha256"], r["file_name"], r["outcome"], r["audit_ref"], r["reason"])
            for r in rows
        ]

    def results(self) -> list[AuditResult]:
        """Return every audit with its current grades and actions, for reports and exports.

        Loaded set-wise (one query per table, not per audit), so the time grows with the register.
        """
        current = "s.superseded_by IS NULL AND s.kind = ?"

        def by_audit(sql: str, kind: str) -> dict[str, list[sqlite3.Row]]:
            grouped: dict[str, list[sqlite3.Row]] = {}
            for r in self._db.execute(sql, (kind,)):
                grouped.setdefault(r["audit_ref"], []).append(r)
            return grouped

        tools = {
            r["audit_ref"]: r
            for r in self._db.execute(
                f"SELECT * FROM submissions s WHERE {current}", ("audit_tool",)
            )
        }
        domains = by_audit(
            "SELECT s.audit_ref, d.* FROM domain_grades d JOIN submissions s ON s.id = d.submission_id "
            f"WHERE {current} ORDER BY d.submission_id, d.position",
            "audit_tool",
        )
        agreed = by_audit(
            "SELECT s.audit_ref, a.* FROM actions a JOIN submissions s ON s.id = a.submission_id "
            f"WHERE {current} ORDER BY a.submission_id, a.number",
            "audit_tool",
        )
        updates = by_audit(
            "SELECT u.* FROM action_updates u JOIN submissions s ON s.id = u.submission_id "
            f"WHERE {current} ORDER BY u.submission_id, u.number",
            "action_tracker",
        )
        found = by_audit(
            "SELECT s.audit_ref, f.* FROM findings f JOIN submissions s ON s.id = f.submission_id "
            f"WHERE {current}",
            "audit_tool",
        )
        out: list[AuditResult] = []
        for a in self.audits():
            tool = tools.get(a.audit_ref)
            out.append(
                AuditResult(
                    audit_ref=a.audit_ref,
                    case_id=a.case_id,
                    round_id=a.round_id,
                    framework_id=a.framework_id,
                    team=a.team or None,
                    worker=a.worker or None,
                    auditor=a.auditor or None,
                    status=a.status,
                    issued_on=_date(a.issued_at[:10]) if a.issued_at else None,
                    due_on=a.due_on,
                    returned_on=_date(tool["received_at"][:10]) if tool else None,
                    audit_date=_date(tool["audit_date"]) if tool else None,
                    overall_grade=tool["overall_grade"] if tool else None,
                    moderated_grade=tool["moderated_grade"] if tool else None,
                    domains=[
                        DomainResult(r["title"], r["grade"], r["rationale"])
                        for r in domains.get(a.audit_ref, [])
                    ],
                    actions=[
                        ActionResult(
                            t.description, t.owner, t.due_on, t.status, t.completed_on, t.evidence
                        )
                        for t in _merge_actions(
                            agreed.get(a.audit_ref, []), updates.get(a.audit_ref, [])
                        )
                    ],
                    warnings=[
                        f"{w['location']}: {w['message']}" for w in found.get(a.audit_ref, [])
                    ],
                )
            )
        return out

    def sampling_history(
        self, *, inadequate: str | None, reaudit_after_months: int
    ) -> dict[str, Any]:
        """Return what sampling needs to know of past audits, as ``AuditHistory`` fields.

        ``reaudit_due`` holds cases whose latest final grade (moderated, else overall) is
        ``inadequate``; ``half_cycle_taken`` the cases of the latest first-half round.
        """
        from qaf_docs.dates import add_months

        latest: dict[str, tuple[str, str | None]] = {}
        workers: dict[str, date] = {}
        for r in self._db.execute(
            "SELECT a.case_id, a.worker, COALESCE(s.audit_date, substr(s.received_at, 1, 10)) AS d, "
            "COALESCE(s.moderated_grade, s.overall_grade) AS g FROM submissions s "
            "JOIN audits a USING (audit_ref) WHERE s.kind = 'audit_tool' AND s.superseded_by IS NULL "
            "ORDER BY d"
        ):
            latest[r["case_id"]] = (r["d"], r["g"])
            if r["worker"]:
                workers[r["worker"]] = max(
                    workers.get(r["worker"], date.min), date.fromisoformat(r["d"])
                )
        reaudit = {
            case: add_months(date.fromisoformat(d), reaudit_after_months)
            for case, (d, g) in latest.items()
            if inadequate and g == inadequate
        }
        first_half = self._db.execute(
            "SELECT round_id FROM rounds WHERE kind = 'half-cycle' AND rules_json LIKE '%\"half\": \"first\"%' "
            "ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
        taken = (
            frozenset(
                r[0]
                for r in self._db.execute(
                    "SELECT case_id FROM audits WHERE round_id = ?", (first_half[0],)
                )
            )
            if first_half
            else frozenset()
        )
        return {
            "last_audited": {c: date.fromisoformat(d) for c, (d, _) in latest.items()},
            "reaudit_due": reaudit,
            "worker_last_audited": workers,
            "half_cycle_taken": taken,
        }

    def allocated_this_month(self, today: date) -> dict[str, int]:
        """Return, per auditor, how many audits were allocated to them in ``today``'s month."""
        rows = self._db.execute(
            "SELECT auditor, COUNT(*) FROM audits WHERE substr(created_at, 1, 7) = ? GROUP BY auditor",
            (f"{today:%Y-%m}",),
        )
        return {r[0]: int(r[1]) for r in rows if r[0]}


# Every public method (and migrating) translates database errors; transaction() does its own.
for _name, _member in list(vars(Register).items()):
    if (
        callable(_member)
        and _name not in {"transaction", "open", "close"}
        and (not _name.startswith("_") or _name == "_migrate")
    ):
        setattr(Register, _name, _translating(_member))
