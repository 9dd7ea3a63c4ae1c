"""The register's schema, as migrations applied in order and recorded in the database itself.

A migration is a function of one connection, run inside one transaction; ``MIGRATIONS`` lists them
in order and their position is their version. Add new ones at the end; never edit an applied one.
The same migrations build a SQLite and a PostgreSQL register: scripts are written in SQLite's
spelling and :meth:`~qaf_docs.register.dialect.Db.ddl` translates them (row ids, 64-bit integers).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from qaf_docs.register.dialect import Db
from qaf_docs.register.events import resolution_change


def run_script(db: Db, script: str) -> None:
    """Run several statements inside the current transaction."""
    # Not executescript(): it commits first, which would split a migration across transactions.
    for statement in db.ddl(script):
        db.execute(statement)


def _m1_initial(db: Db) -> None:
    run_script(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE rounds (
            round_id TEXT PRIMARY KEY, kind TEXT NOT NULL, seed INTEGER, input_sha256 TEXT,
            rules_json TEXT NOT NULL DEFAULT '{}', framework_id TEXT NOT NULL, created_at TEXT NOT NULL
        );
        CREATE TABLE audits (
            audit_ref TEXT PRIMARY KEY, round_id TEXT NOT NULL REFERENCES rounds(round_id),
            case_id TEXT NOT NULL, team TEXT, worker TEXT, case_type TEXT, child_name TEXT,
            auditor TEXT, auditor_email TEXT, framework_id TEXT NOT NULL,
            framework_version TEXT, template_version TEXT, status TEXT NOT NULL,
            due_on TEXT, issued_at TEXT, created_at TEXT NOT NULL
        );
        CREATE INDEX audits_case ON audits(case_id);
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY, audit_ref TEXT NOT NULL REFERENCES audits(audit_ref),
            kind TEXT NOT NULL, file_name TEXT NOT NULL, file_sha256 TEXT NOT NULL,
            received_at TEXT NOT NULL, superseded_by INTEGER REFERENCES submissions(id),
            audit_date TEXT, overall_grade TEXT, overall_rationale TEXT,
            moderator TEXT, moderated_grade TEXT, moderation_reason TEXT, moderation_date TEXT,
            practitioner_present INTEGER, texts_json TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX submissions_audit ON submissions(audit_ref);
        CREATE TABLE domain_grades (
            submission_id INTEGER NOT NULL REFERENCES submissions(id), position INTEGER NOT NULL,
            domain TEXT NOT NULL, title TEXT NOT NULL, grade TEXT, rationale TEXT NOT NULL
        );
        CREATE TABLE actions (
            submission_id INTEGER NOT NULL REFERENCES submissions(id), number INTEGER NOT NULL,
            description TEXT NOT NULL, owner TEXT NOT NULL, due_on TEXT,
            PRIMARY KEY (submission_id, number)
        );
        CREATE TABLE action_updates (
            submission_id INTEGER NOT NULL REFERENCES submissions(id), audit_ref TEXT NOT NULL,
            number INTEGER NOT NULL, description TEXT NOT NULL, owner TEXT NOT NULL, due_on TEXT,
            status TEXT NOT NULL, completed_on TEXT, evidence TEXT NOT NULL
        );
        CREATE TABLE findings (
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            severity TEXT NOT NULL, location TEXT NOT NULL, message TEXT NOT NULL
        );
        CREATE TABLE ingested_files (
            sha256 TEXT PRIMARY KEY, file_name TEXT NOT NULL, outcome TEXT NOT NULL,
            audit_ref TEXT, submission_id INTEGER, reason TEXT, at TEXT NOT NULL
        );
        """,
    )


def _m2_rejection_notes(db: Db) -> None:
    # The note is committed before the file is moved, so a note lost to a crash can be rewritten.
    db.execute("ALTER TABLE ingested_files ADD COLUMN note TEXT")


def _m3_read_indexes(db: Db) -> None:
    # Reports read every current submission's grades, actions and warnings set-wise.
    run_script(
        db,
        """
        CREATE INDEX domain_grades_submission ON domain_grades(submission_id);
        CREATE INDEX action_updates_submission ON action_updates(submission_id);
        CREATE INDEX findings_submission ON findings(submission_id);
        CREATE INDEX submissions_current ON submissions(kind, superseded_by);
        """,
    )


def _m4_framework_parts(db: Db) -> None:
    # What the richer audit tool records (ticked indicators, agency sections, the missing-history
    # flag) and the case list's facts kept when a case is sampled, so packs need no case list.
    run_script(
        db,
        """
        CREATE TABLE domain_indicators (
            submission_id INTEGER NOT NULL REFERENCES submissions(id), domain TEXT NOT NULL,
            position INTEGER NOT NULL, text TEXT NOT NULL
        );
        CREATE INDEX domain_indicators_submission ON domain_indicators(submission_id);
        CREATE TABLE agency_findings (
            submission_id INTEGER NOT NULL REFERENCES submissions(id), position INTEGER NOT NULL,
            agency TEXT NOT NULL, lead TEXT NOT NULL, contribution TEXT NOT NULL,
            finding TEXT NOT NULL
        );
        CREATE INDEX agency_findings_submission ON agency_findings(submission_id);
        ALTER TABLE submissions ADD COLUMN missing_history INTEGER;
        CREATE TABLE case_facts (
            audit_ref TEXT NOT NULL REFERENCES audits(audit_ref), position INTEGER NOT NULL,
            name TEXT NOT NULL, label TEXT NOT NULL, value TEXT NOT NULL,
            caselist_sha256 TEXT NOT NULL, PRIMARY KEY (audit_ref, name)
        );
        """,
    )


def _m5_round_changes(db: Db) -> None:
    # A round changed after it was drawn keeps the random draw provable: each audit says how it
    # came into the round, and every change is kept with who, when and why.
    run_script(
        db,
        """
        ALTER TABLE audits ADD COLUMN origin TEXT NOT NULL DEFAULT 'drawn';
        CREATE TABLE round_changes (
            id INTEGER PRIMARY KEY, round_id TEXT NOT NULL REFERENCES rounds(round_id),
            audit_ref TEXT, change TEXT NOT NULL, by_whom TEXT NOT NULL, reason TEXT NOT NULL,
            details_json TEXT NOT NULL DEFAULT '{}', at TEXT NOT NULL
        );
        CREATE INDEX round_changes_round ON round_changes(round_id);
        CREATE INDEX audits_status ON audits(status)
        """,
    )


def _m6_derived_outputs(db: Db) -> None:
    # A counter bumped by every committed transaction, and which count (or, for a manager's
    # tracker, which submission) each derived file reflects: a file behind it is rebuilt.
    run_script(
        db,
        """
        CREATE TABLE register_state (changes INTEGER NOT NULL);
        INSERT INTO register_state VALUES (0);
        CREATE TABLE derived_outputs (
            output TEXT PRIMARY KEY, reflects INTEGER NOT NULL, written_at TEXT NOT NULL
        );
        """,
    )


def _m7_filed_files(db: Db) -> None:
    # When an accepted file's move finished: a copy dropped again later is then told apart from a
    # move cut short. Files accepted before this column are taken as moved (nearly all were).
    db.execute("ALTER TABLE ingested_files ADD COLUMN filed_at TEXT")
    db.execute("UPDATE ingested_files SET filed_at = at WHERE outcome = 'processed'")


def _m8_lifecycle(db: Db) -> None:
    # Every status change is kept with when and why; escalations stay open until resolved.
    # IF NOT EXISTS: a register rewound to an older version in tests keeps these tables.
    run_script(
        db,
        """
        CREATE TABLE IF NOT EXISTS audit_events (
            id INTEGER PRIMARY KEY, audit_ref TEXT NOT NULL REFERENCES audits(audit_ref),
            at TEXT NOT NULL, event TEXT NOT NULL, from_status TEXT, to_status TEXT,
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS audit_events_audit ON audit_events(audit_ref, id);
        CREATE TABLE IF NOT EXISTS escalations (
            id INTEGER PRIMARY KEY, audit_ref TEXT NOT NULL REFERENCES audits(audit_ref),
            case_id TEXT NOT NULL, level TEXT NOT NULL, title TEXT NOT NULL,
            roles_json TEXT NOT NULL DEFAULT '[]', raised_on TEXT NOT NULL,
            reason TEXT NOT NULL, resolved_on TEXT, resolution TEXT,
            UNIQUE (audit_ref, level)
        );
        CREATE INDEX IF NOT EXISTS escalations_case ON escalations(case_id);
        CREATE TABLE IF NOT EXISTS moderations (
            audit_ref TEXT PRIMARY KEY REFERENCES audits(audit_ref), kind TEXT,
            disputed_on TEXT, dispute_reason TEXT
        )
        """,
    )


def _add_column(db: Db, table: str, column: str, declaration: str) -> None:
    # Skipped when present: a register rewound to an older version in tests keeps its columns.
    if column not in db.columns(table):
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")


def _m9_smart_actions(db: Db) -> None:
    # SMART actions: immediate ones, success criteria, impact on the child; the manager's sign-off.
    _add_column(db, "actions", "immediate", "INTEGER NOT NULL DEFAULT 0")
    _add_column(db, "actions", "success_criteria", "TEXT NOT NULL DEFAULT ''")
    _add_column(db, "actions", "impact_on_child", "TEXT NOT NULL DEFAULT ''")
    _add_column(db, "action_updates", "signed_off_by", "TEXT NOT NULL DEFAULT ''")
    _add_column(db, "action_updates", "signed_off_on", "TEXT")


def _m10_close_the_loop(db: Db) -> None:
    # Thematic rounds' close-the-loop checkpoints, recorded when someone has done them.
    db.execute(
        "CREATE TABLE IF NOT EXISTS round_checkpoints (round_id TEXT NOT NULL REFERENCES "
        "rounds(round_id), checkpoint TEXT NOT NULL, done_on TEXT NOT NULL, note TEXT NOT NULL, "
        "PRIMARY KEY (round_id, checkpoint))"
    )


def _m11_moderated_domains(db: Db) -> None:
    # The moderator's grade for each practice area, beside the auditor's.
    _add_column(db, "domain_grades", "moderated_grade", "TEXT")


def _m12_one_file_once(db: Db) -> None:
    # Exactly once by the database's own rule, whoever records it (two watchers on a team server);
    # and which computer recorded a file, so only that one may finish an interrupted move.
    _label_files_recorded_twice(db)
    run_script(
        db,
        """
        CREATE UNIQUE INDEX submissions_file ON submissions(file_sha256);
        ALTER TABLE ingested_files ADD COLUMN recorded_by TEXT;
        """,
    )


def _label_files_recorded_twice(db: Db) -> None:
    """Before the rule: two watchers on a team register could record one file twice at once. Both
    rows stay as they are (nothing recorded is lost); the later copies' hashes get a suffix, so the
    rule can be made and the file itself is still known by its own hash, on its first row."""
    twice = db.execute(
        "SELECT id, file_sha256 FROM submissions WHERE file_sha256 IN (SELECT file_sha256 FROM "
        "submissions GROUP BY file_sha256 HAVING COUNT(*) > 1) ORDER BY file_sha256, id"
    ).fetchall()
    seen: set[str] = set()
    for row_id, sha in twice:
        if sha in seen:
            db.execute(
                "UPDATE submissions SET file_sha256 = ? WHERE id = ?",
                (f"{sha} recorded again as {row_id}", row_id),
            )
        seen.add(sha)


def _m13_event_outputs(db: Db) -> None:
    # Which case notes and notifications each audit event produced, and whether they were put on
    # the child's record: produced once, and again only where an interruption stopped them. The
    # events of an upgraded register count as handled already (their notes were made by hand).
    run_script(
        db,
        """
        CREATE TABLE event_outcomes (
            event_id INTEGER PRIMARY KEY REFERENCES audit_events(id),
            audit_ref TEXT NOT NULL, handled_at TEXT NOT NULL
        );
        CREATE TABLE event_outputs (
            event_id INTEGER NOT NULL REFERENCES event_outcomes(event_id),
            outcome TEXT NOT NULL, kind TEXT NOT NULL, recipient TEXT NOT NULL,
            audit_ref TEXT NOT NULL, case_id TEXT NOT NULL, day TEXT NOT NULL,
            file TEXT NOT NULL, content TEXT NOT NULL, problems TEXT NOT NULL DEFAULT '',
            written_at TEXT, done_at TEXT,
            PRIMARY KEY (event_id, outcome, kind, recipient)
        );
        CREATE INDEX event_outputs_file ON event_outputs(file);
        CREATE INDEX event_outputs_waiting ON event_outputs(done_at);
        INSERT INTO event_outcomes (event_id, audit_ref, handled_at)
            SELECT id, audit_ref, 'before case notes' FROM audit_events
        """,
    )


def _m14_escalation_outcomes(db: Db) -> None:
    # An escalation's outcome now makes a case note (West Sussex); resolutions recorded before
    # count as handled, as every event did when case notes began.
    db.execute(
        "INSERT INTO event_outcomes (event_id, audit_ref, handled_at) SELECT e.id, e.audit_ref, "
        "'before escalation outcome notes' FROM audit_events e LEFT JOIN event_outcomes o "
        "ON o.event_id = e.id WHERE e.event = 'escalation resolved' AND o.event_id IS NULL"
    )


def _m15_escalation_grade(db: Db) -> None:
    # The grade an escalation decided was written over the moderator's grade, so moderation
    # figures counted the escalation as the moderator's change. It now has its own column; a
    # resolution recorded before is moved there, and the moderator's grade put back (the grade
    # before the first change, where a moderator had given one).
    _add_column(db, "submissions", "escalation_grade", "TEXT")
    changes: dict[str, list[tuple[str, str]]] = {}
    for ref, reason in db.execute(
        "SELECT audit_ref, reason FROM audit_events WHERE event = 'escalation resolved' ORDER BY id"
    ).fetchall():
        change = resolution_change(reason or "")
        if change:
            changes.setdefault(ref, []).append(change)
    for ref, found in changes.items():
        for sid, moderator, moderated in db.execute(
            "SELECT id, moderator, moderated_grade FROM submissions WHERE audit_ref = ? "
            "AND kind = 'audit_tool'",
            (ref,),
        ).fetchall():
            if moderated and moderated == found[-1][1]:
                before = found[0][0] if (moderator or "").strip() else None
                db.execute(
                    "UPDATE submissions SET escalation_grade = ?, moderated_grade = ? WHERE id = ?",
                    (moderated, before, sid),
                )


def _m16_saved_at(db: Db) -> None:
    # When each accepted form was last saved (its document properties): a copy saved before the
    # one already accepted is set aside, not recorded over it.
    _add_column(db, "submissions", "saved_at", "TEXT")


def _m17_answers(db: Db) -> None:
    # A fingerprint of what each accepted form said: a copy saved again unchanged (LibreOffice
    # rewrites the bytes) is set aside, not accepted as a correction with new notes and messages.
    _add_column(db, "submissions", "answers_sha", "TEXT")


def _m18_framework_texts(db: Db) -> None:
    # The exact framework text each pack was generated from, by its fingerprint (which the pack
    # carries): a form is read against the framework it was made with, even after the file changed.
    run_script(
        db,
        """
        CREATE TABLE IF NOT EXISTS framework_texts (
            sha256 TEXT PRIMARY KEY, framework_id TEXT NOT NULL, text TEXT NOT NULL,
            kept_at TEXT NOT NULL
        );
        """,
    )


def _m19_form_framework(db: Db) -> None:
    # The fingerprint of the framework text each accepted form was read against (its pack's): a
    # moderation form made from it is read against the same text. NULL: read against the file.
    _add_column(db, "submissions", "framework_sha256", "TEXT")


def _m20_resolved_by(db: Db) -> None:
    # Who resolved an escalation or safeguarding concern, for the export and the listing; NULL for
    # one resolved before it was asked (or without --by).
    _add_column(db, "escalations", "resolved_by", "TEXT")


def _m21_form_framework_at_18(db: Db) -> None:
    # A register at 18 kept each pack's framework text and read each form against it, but did not
    # record which (19 began that), so those forms were moderated against the file as it is now.
    # Every pack issued since 18 keeps its text first: where one text of the audit's framework was
    # kept by the time its pack was issued, that is the text. Never guessed where two were, nor for
    # a form with a moderation on it (moderation copies were then read against the file).
    kept: dict[str, list[tuple[str, datetime]]] = {}
    for sha, framework_id, at in db.execute(
        "SELECT sha256, framework_id, kept_at FROM framework_texts"
    ).fetchall():
        when = _instant(at)
        if when is not None:
            kept.setdefault(str(framework_id), []).append((str(sha), when))
    if not kept:
        return
    for sid, framework_id, issued_at in db.execute(
        "SELECT s.id, a.framework_id, a.issued_at FROM submissions s JOIN audits a "
        "ON a.audit_ref = s.audit_ref WHERE s.kind = 'audit_tool' AND s.framework_sha256 IS NULL "
        "AND COALESCE(s.moderator, '') = '' AND COALESCE(s.moderated_grade, '') = ''"
    ).fetchall():
        issued = _instant(issued_at)
        if issued is None:
            continue
        before = [sha for sha, at in kept.get(str(framework_id), []) if at <= issued]
        if len(before) == 1:
            db.execute("UPDATE submissions SET framework_sha256 = ? WHERE id = ?", (before[0], sid))


def _m22_reopened_notes(db: Db) -> None:
    # Reopening an action of a closed audit now makes a case note (the record said its actions
    # were closed); reopenings recorded before count as handled, as every event did when case
    # notes began.
    db.execute(
        "INSERT INTO event_outcomes (event_id, audit_ref, handled_at) SELECT e.id, e.audit_ref, "
        "'before reopened action notes' FROM audit_events e LEFT JOIN event_outcomes o "
        "ON o.event_id = e.id WHERE e.event = 'action reopened' AND o.event_id IS NULL"
    )


def _m23_reminders_sent(db: Db) -> None:
    # Each thing a person was reminded of (a line of their reminder: its audit, what is due and
    # by when), and the day it was first written: a later day's reminder does not repeat it.
    db.execute(
        "CREATE TABLE IF NOT EXISTS reminders_sent (recipient TEXT NOT NULL, item TEXT NOT NULL, "
        "day TEXT NOT NULL, PRIMARY KEY (recipient, item))"
    )


def _instant(text: object) -> datetime | None:
    """An ISO 8601 time with its offset, as a comparable instant (None if it is not one)."""
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def _m24_round_manifests(db: Db) -> None:
    # Each round's manifest as qaf sample wrote it, so one deleted or damaged is written again
    # (with the round's changes since) from the register, as every derived file is.
    _add_column(db, "rounds", "manifest", "TEXT")


MIGRATIONS: list[tuple[str, Callable[[Db], None]]] = [
    ("initial schema", _m1_initial),
    ("keep each rejection's note", _m2_rejection_notes),
    ("indexes for reading back", _m3_read_indexes),
    ("indicators, agency sections and case facts", _m4_framework_parts),
    ("round changes: how each audit was chosen, and who changed what", _m5_round_changes),
    ("derived outputs and the change counter", _m6_derived_outputs),
    ("when each accepted file reached processed", _m7_filed_files),
    ("audit lifecycle: status events, escalations, moderation", _m8_lifecycle),
    ("SMART actions and the manager's sign-off", _m9_smart_actions),
    ("close-the-loop checkpoints of thematic rounds", _m10_close_the_loop),
    ("moderated grade per practice area", _m11_moderated_domains),
    ("each file recorded once, and by which computer", _m12_one_file_once),
    ("case notes and notifications produced for each audit event", _m13_event_outputs),
    ("case notes for escalation outcomes", _m14_escalation_outcomes),
    ("the grade an escalation decided, apart from the moderator's", _m15_escalation_grade),
    ("when each accepted form was last saved", _m16_saved_at),
    ("what each accepted form said, as a fingerprint", _m17_answers),
    ("the framework text each pack was made from", _m18_framework_texts),
    ("the framework text each accepted form was read against", _m19_form_framework),
    ("who resolved each escalation", _m20_resolved_by),
    ("the framework text forms recorded at 18 were read against", _m21_form_framework_at_18),
    ("case notes for actions reopened", _m22_reopened_notes),
    ("what each person was reminded of, and when", _m23_reminders_sent),
    ("each round's manifest, to write it again if it is lost", _m24_round_manifests),
]
