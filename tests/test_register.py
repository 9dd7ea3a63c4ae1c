"""Tests for qaf_docs.register.store: migrations, audit references, submissions and history."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import complete_form, drop, pack_docx, plan_audits

from qaf_docs.errors import RegisterError
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import NewAudit
from qaf_docs.register.migrations import MIGRATIONS
from qaf_docs.register.store import Register
from qaf_docs.returns.audit_form import read_audit_form
from qaf_docs.workspace import Workspace

NOV = date(2026, 11, 5)


def record(register: Register, today: date, count: int, kind: str = "simple") -> list[str]:
    """Record a round of ``count`` audits on ``today`` and return the refs given."""
    audits = [
        NewAudit(
            case_id=f"{today:%y%m}{i:03d}",
            team="Team A",
            worker=f"Worker {i}",
            case_type="CIN",
            auditor="Auditor",
            auditor_email="auditor@council.example",
            due_on=today + timedelta(days=20),
        )
        for i in range(count)
    ]
    return register.record_round(
        round_id=register.new_round_id(kind, today),
        kind=kind,
        seed=7,
        input_sha256=None,
        rules={},
        framework_id="collaborative-audit",
        audits=audits,
        today=today,
    )


def migrations(path: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(path) as db:
        return list(db.execute("SELECT version, name, applied_at FROM schema_migrations"))


# -- migrations ------------------------------------------------------------------------------------


def test_a_new_register_records_its_migrations(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    with Register.open(path) as register:
        assert register.schema_version() == len(MIGRATIONS)
    rows = migrations(path)
    assert [(v, n) for v, n, _ in rows] == [(i, name) for i, (name, _) in enumerate(MIGRATIONS, 1)]
    assert rows[0][1] == "initial schema"
    assert all(applied for _, _, applied in rows)  # applied_at is recorded


def test_a_register_from_an_older_qaf_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    with Register.open(path) as register:
        refs = record(register, NOV, 2)
    with sqlite3.connect(path) as db:  # make it look like a register written before migration 2
        db.execute("ALTER TABLE ingested_files DROP COLUMN note")
        # Undo migration 4 too (its tables and column).
        for table in ("domain_indicators", "agency_findings", "case_facts"):
            db.execute(f"DROP TABLE {table}")
        db.execute("ALTER TABLE submissions DROP COLUMN missing_history")
        db.execute("DROP TABLE round_changes")  # migration 4
        for (index,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND name NOT IN ('audits_case', 'submissions_audit')"
        ).fetchall():
            db.execute(f"DROP INDEX {index}")
        db.execute("ALTER TABLE audits DROP COLUMN origin")  # migration 4, once its index is gone
        db.execute("DROP TABLE register_state")
        db.execute("DROP TABLE derived_outputs")
        db.execute("ALTER TABLE ingested_files DROP COLUMN filed_at")
        # Undo the audit lifecycle's migrations (8 to 11): its tables and columns.
        for table in ("audit_events", "escalations", "moderations", "round_checkpoints"):
            db.execute(f"DROP TABLE {table}")
        for table, column in (
            ("actions", "immediate"),
            ("actions", "success_criteria"),
            ("actions", "impact_on_child"),
            ("action_updates", "signed_off_by"),
            ("action_updates", "signed_off_on"),
            ("domain_grades", "moderated_grade"),
        ):
            db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        db.execute("DELETE FROM schema_migrations WHERE version > 1")
    with Register.open(path) as register:
        assert [a.audit_ref for a in register.audits()] == refs
        assert register.schema_version() == len(MIGRATIONS)
        register.record_rejection(
            sha256="ab" * 32, file_name="x.docx", audit_ref=None, reason="r", note="n"
        )
        assert register.rejection_note("ab" * 32) == "n"


def test_reopening_does_not_run_migrations_again_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    with Register.open(path) as register:
        refs = record(register, NOV, 2)
    before = migrations(path)
    with Register.open(path) as register:
        assert [a.audit_ref for a in register.audits()] == refs
        assert register.schema_version() == len(MIGRATIONS)
    assert migrations(path) == before


NEXT = len(MIGRATIONS) + 1


@pytest.mark.parametrize(
    ("future_rows", "keep_known"),
    [
        pytest.param([(NEXT, "a later change")], True, id="one-newer-migration-added"),
        pytest.param(
            [(NEXT, "a later change"), (NEXT + 1, "another")], True, id="two-newer-migrations"
        ),
        pytest.param([(NEXT, "squashed schema")], False, id="newer-register-with-only-a-newer-row"),
    ],
)
def test_a_register_from_a_newer_qaf_is_refused(
    tmp_path: Path, future_rows: list[tuple[int, str]], keep_known: bool
) -> None:
    path = tmp_path / "register.db"
    Register.open(path).close()
    with sqlite3.connect(path) as db:
        if not keep_known:  # a newer qaf that squashed its migrations into one
            db.execute("DELETE FROM schema_migrations")
        db.executemany(
            "INSERT INTO schema_migrations VALUES (?, ?, '2030-01-01T00:00:00+00:00')", future_rows
        )
    db.close()
    with pytest.raises(RegisterError, match="newer version"):
        Register.open(path)


def test_wal_mode_is_on(register: Register, workspace: Workspace) -> None:
    with sqlite3.connect(workspace.register_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# -- rounds and references -------------------------------------------------------------------------


def test_record_round_gives_sequential_refs_for_the_month(register: Register) -> None:
    assert record(register, NOV, 3) == ["QA2611-0001", "QA2611-0002", "QA2611-0003"]


def test_a_second_round_in_the_month_continues_the_sequence(register: Register) -> None:
    record(register, NOV, 2)
    assert record(register, NOV + timedelta(days=9), 2) == ["QA2611-0003", "QA2611-0004"]


def test_a_new_month_starts_its_own_sequence(register: Register) -> None:
    record(register, NOV, 2)
    assert record(register, date(2026, 12, 1), 1) == ["QA2612-0001"]


def test_the_sequence_survives_reopening_the_register(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    with Register.open(path) as register:
        record(register, NOV, 2)
    with Register.open(path) as register:
        assert record(register, NOV, 1) == ["QA2611-0003"]


def test_new_round_id_numbers_repeated_rounds(register: Register) -> None:
    ids = []
    for _ in range(3):
        ids.append(register.new_round_id("simple", NOV))
        record(register, NOV, 1)
    assert ids == ["2026-11-simple", "2026-11-simple-2", "2026-11-simple-3"]
    # Another kind of round in the same month has its own name.
    assert register.new_round_id("thematic", NOV) == "2026-11-thematic"


def test_recording_an_existing_round_id_is_refused(register: Register) -> None:
    record(register, NOV, 1)
    with pytest.raises(RegisterError, match="already exists"):
        register.record_round(
            round_id="2026-11-simple",
            kind="simple",
            seed=1,
            input_sha256=None,
            rules={},
            framework_id="collaborative-audit",
            audits=[],
            today=NOV,
        )


# -- submissions -----------------------------------------------------------------------------------


def test_a_resubmission_supersedes_but_keeps_the_earlier_one(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    pack = pack_docx(workspace, audit)

    complete_form(pack, framework, grade="Good").save(workspace.root / "first.docx")
    drop(workspace.root / "first.docx", workspace.inbox)
    assert [o.result for o in ingest_inbox(workspace, settle_s=0.05)] == ["accepted"]
    first = register.submission(audit.audit_ref)
    assert first is not None

    complete_form(pack, framework, grade="Outstanding").save(workspace.root / "second.docx")
    drop(workspace.root / "second.docx", workspace.inbox)
    assert [o.result for o in ingest_inbox(workspace, settle_s=0.05)] == ["accepted"]

    assert register.submission_count(audit.audit_ref) == 2
    current = register.submission(audit.audit_ref)
    assert current is not None
    assert current.id > first.id
    assert current.file_name == "second.docx"
    assert current.overall_grade == "Outstanding"


def test_the_same_file_content_cannot_be_recorded_twice(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    path = complete_form(pack_docx(workspace, audit), framework).save()
    form = read_audit_form(path, framework)
    digest = "ab" * 32

    register.record_audit_submission(form, [], file_name="form.docx", sha256=digest)
    with pytest.raises(RegisterError, match="already been recorded"):
        register.record_audit_submission(form, [], file_name="copy of form.docx", sha256=digest)
    # The refused attempt left nothing behind.
    assert register.submission_count(audit.audit_ref) == 1


def test_database_failures_leave_the_register_as_register_errors(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    with Register.open(path) as register:
        record(register, NOV, 2)
    data = bytearray(path.read_bytes())
    data[4096:] = b"\0garbage" * ((len(data) - 4096) // 8) + b"\0" * ((len(data) - 4096) % 8)
    path.write_bytes(bytes(data))
    with pytest.raises(RegisterError) as info, Register.open(path) as register:
        register.audits()
    assert str(info.value).startswith("The register")
    assert "\n" not in str(info.value)


def test_the_change_counter_moves_once_per_commit_whatever_savepoints_it_holds(
    tmp_path: Path,
) -> None:
    with Register.open(tmp_path / "r.db") as register:
        start = register.changes()
        with register.transaction():  # a batch: three savepoints, one commit
            for _ in range(3):
                with register.transaction():
                    pass
        assert register.changes() == start + 1
        with register.transaction(counted=False), register.transaction(counted=False):
            pass  # stamps only: not a change
        assert register.changes() == start + 1
        with register.transaction(counted=False), register.transaction():
            pass  # a change inside makes the commit count
        assert register.changes() == start + 2
        # … unless it was undone
        with (
            register.transaction(counted=False),
            pytest.raises(RegisterError),
            register.transaction(),
        ):
            raise RegisterError("undone")
        assert register.changes() == start + 2
        with pytest.raises(RegisterError), register.transaction():  # nothing committed at all
            raise RegisterError("rolled back")
        assert register.changes() == start + 2
