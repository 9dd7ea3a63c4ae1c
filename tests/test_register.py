"""Tests for qaf_docs.register.store: migrations, audit references, submissions and history.

Run on both back ends (SQLite and a fresh PostgreSQL database per test).
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import complete_form, drop, pack_docx, plan_audits

from qaf_docs.errors import AlreadyRecordedError, RegisterError
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import NewAudit
from qaf_docs.register.location import open_register
from qaf_docs.register.migrations import MIGRATIONS
from qaf_docs.register.store import Register
from qaf_docs.returns.audit_form import read_audit_form
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

NOV = date(2026, 11, 5)


def record(
    register: Register, today: date, count: int, kind: str = "simple", round_id: str | None = None
) -> list[str]:
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
        round_id=round_id or register.new_round_id(kind, today),
        kind=kind,
        seed=7,
        input_sha256=None,
        rules={},
        framework_id="collaborative-audit",
        audits=audits,
        today=today,
    )


def raw(location: Path | str, *statements: str) -> list[list[Any]]:
    """Run statements on the database itself, behind the register's back; each one's rows."""
    out: list[list[Any]] = []
    if isinstance(location, Path):
        with closing(sqlite3.connect(location)) as db:
            out = [db.execute(sql).fetchall() for sql in statements]
            db.commit()
        return out
    with psycopg.connect(location, autocommit=True) as conn:
        for sql in statements:
            cur = conn.execute(sql)
            out.append(cur.fetchall() if cur.description else [])
    return out


def migrations(location: Path | str) -> list[tuple[int, str, str]]:
    [rows] = raw(location, "SELECT version, name, applied_at FROM schema_migrations ORDER BY 1")
    return [tuple(r) for r in rows]  # type: ignore[misc]


# -- migrations ------------------------------------------------------------------------------------


def test_a_new_register_records_its_migrations(register_location: Path | str) -> None:
    with Register.open(register_location) as register:
        assert register.schema_version() == len(MIGRATIONS)
    rows = migrations(register_location)
    assert [(v, n) for v, n, _ in rows] == [(i, name) for i, (name, _) in enumerate(MIGRATIONS, 1)]
    assert rows[0][1] == "initial schema"
    assert all(applied for _, _, applied in rows)  # applied_at is recorded


LATER_INDEXES = (  # those of migrations 3, 5 and 12 on tables that stay
    "domain_grades_submission",
    "action_updates_submission",
    "findings_submission",
    "submissions_current",
    "audits_status",
    "submissions_file",
)


def test_a_register_from_an_older_qaf_is_upgraded_and_keeps_its_data(
    register_location: Path | str,
) -> None:
    with Register.open(register_location) as register:
        refs = record(register, NOV, 2)
    raw(  # make it look like a register written before migration 2: undo every later one
        register_location,
        *(f"DROP INDEX {index}" for index in LATER_INDEXES),
        "DROP TABLE event_outputs",  # migration 13
        "DROP TABLE event_outcomes",
        "ALTER TABLE ingested_files DROP COLUMN recorded_by",  # migration 12
        "ALTER TABLE domain_grades DROP COLUMN moderated_grade",  # migration 11
        "DROP TABLE round_checkpoints",  # migration 10
        *(  # migration 9
            f"ALTER TABLE {table} DROP COLUMN {column}"
            for table, column in (
                ("actions", "immediate"),
                ("actions", "success_criteria"),
                ("actions", "impact_on_child"),
                ("action_updates", "signed_off_by"),
                ("action_updates", "signed_off_on"),
            )
        ),
        *(f"DROP TABLE {t}" for t in ("audit_events", "escalations", "moderations")),  # 8
        "ALTER TABLE ingested_files DROP COLUMN filed_at",  # migration 7
        "DROP TABLE register_state",  # migration 6
        "DROP TABLE derived_outputs",
        "DROP TABLE round_changes",  # migration 5
        "ALTER TABLE audits DROP COLUMN origin",
        *(f"DROP TABLE {t}" for t in ("domain_indicators", "agency_findings", "case_facts")),
        "ALTER TABLE submissions DROP COLUMN missing_history",  # migration 4
        "ALTER TABLE ingested_files DROP COLUMN note",  # migration 2
        "DELETE FROM schema_migrations WHERE version > 1",
    )
    with Register.open(register_location) as register:
        assert [a.audit_ref for a in register.audits()] == refs
        assert register.schema_version() == len(MIGRATIONS)
        register.record_rejection(
            sha256="ab" * 32, file_name="x.docx", audit_ref=None, reason="r", note="n"
        )
        assert register.rejection_note("ab" * 32) == "n"


def test_a_file_two_watchers_recorded_twice_before_the_rule_does_not_stop_the_upgrade(
    register_location: Path | str,
) -> None:
    # Before migration 12 nothing stopped two watchers on a team register recording one file at
    # once; the upgrade that adds the rule used to stop every command with the database's words.
    with Register.open(register_location) as register:
        [ref] = record(register, NOV, 1)
    insert = (
        "INSERT INTO submissions (audit_ref, kind, file_name, file_sha256, received_at) "
        f"VALUES ('{ref}', 'audit_tool', 'form.docx', '{'cd' * 32}', '2026-11-06T10:00:00')"
    )
    raw(
        register_location,
        "DROP INDEX submissions_file",
        insert,
        insert,  # the same file, recorded by a second watcher in the same second
        "DROP TABLE event_outputs",  # migration 13, made again
        "DROP TABLE event_outcomes",
        "ALTER TABLE ingested_files DROP COLUMN recorded_by",  # migration 12
        "DELETE FROM schema_migrations WHERE version >= 12",
    )
    with Register.open(register_location) as register:
        assert register.schema_version() == len(MIGRATIONS)
        assert register.submission_count(ref) == 2  # both rows kept
        hashes = register.submission_hashes()
    assert hashes.count("cd" * 32) == 1  # the file is still known by its own hash


def test_reopening_does_not_run_migrations_again_and_keeps_data(
    register_location: Path | str,
) -> None:
    with Register.open(register_location) as register:
        refs = record(register, NOV, 2)
    before = migrations(register_location)
    with Register.open(register_location) as register:
        assert [a.audit_ref for a in register.audits()] == refs
        assert register.schema_version() == len(MIGRATIONS)
    assert migrations(register_location) == before


def test_each_committed_change_is_counted_once_on_both_back_ends(
    register_location: Path | str,
) -> None:
    # Derived files compare this counter with the count they were written from (issue 12).
    with Register.open(register_location) as register:
        before = register.changes()
        record(register, NOV, 2)
        assert register.changes() == before + 1  # one transaction, one change
        register.record_derived("qa_tracker", register.changes())  # not a change itself
        with register.snapshot():
            pass
        with pytest.raises(RuntimeError), register.transaction() as db:
            db.execute("UPDATE audits SET status = 'issued'")
            raise RuntimeError("rolled back")
        assert register.changes() == before + 1
        assert register.derived_stamps() == {"qa_tracker": before + 1}
    with Register.open(register_location) as register:  # opening again changes nothing
        assert register.changes() == before + 1


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
    register_location: Path | str, future_rows: list[tuple[int, str]], keep_known: bool
) -> None:
    Register.open(register_location).close()
    raw(
        register_location,
        *([] if keep_known else ["DELETE FROM schema_migrations"]),  # a newer qaf that squashed
        *(
            f"INSERT INTO schema_migrations VALUES ({v}, '{n}', '2030-01-01T00:00:00+00:00')"
            for v, n in future_rows
        ),
    )
    with pytest.raises(RegisterError, match="newer version of qaf") as info:
        Register.open(register_location)
    assert "upgrade qaf" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("register_backend", ["sqlite"], indirect=True)
def test_wal_mode_is_on(register: Register, workspace: Workspace) -> None:
    with closing(sqlite3.connect(workspace.register_path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_register_of_another_workspace_is_refused(register_location: Path | str) -> None:
    with Register.open(register_location, workspace_id="a" * 32) as register:
        record(register, NOV, 1)
    with pytest.raises(RegisterError, match="belongs to another qaf workspace") as info:
        Register.open(register_location, workspace_id="b" * 32)
    assert "two workspaces cannot share one database" in str(info.value)
    with Register.open(register_location, workspace_id="a" * 32) as register:
        assert len(register.audits()) == 1  # nothing was touched


def test_a_database_of_another_application_is_refused(register_location: Path | str) -> None:
    raw(register_location, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)")
    with pytest.raises(RegisterError, match="not a qaf register"):
        Register.open(register_location)
    [tables] = raw(
        register_location,
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        if isinstance(register_location, Path)
        else "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    )
    assert [t[0] for t in tables] == ["invoices"]  # and nothing was added to it


def test_writers_take_turns_so_references_never_collide(register_location: Path | str) -> None:
    Register.open(register_location).close()
    refs: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(3)

    def allocate(who: int) -> None:
        with Register.open(register_location) as register:
            start.wait()
            try:
                for n in range(4):
                    refs.extend(record(register, NOV, 2, round_id=f"2026-11-by-{who}-{n}"))
            except BaseException as e:  # reported below
                failures.append(e)

    threads = [threading.Thread(target=allocate, args=(who,)) for who in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    assert sorted(refs) == [f"QA2611-{n:04d}" for n in range(1, 25)]


# -- rounds and references -------------------------------------------------------------------------


def test_record_round_gives_sequential_refs_for_the_month(register: Register) -> None:
    assert record(register, NOV, 3) == ["QA2611-0001", "QA2611-0002", "QA2611-0003"]


def test_a_second_round_in_the_month_continues_the_sequence(register: Register) -> None:
    record(register, NOV, 2)
    assert record(register, NOV + timedelta(days=9), 2) == ["QA2611-0003", "QA2611-0004"]


def test_a_new_month_starts_its_own_sequence(register: Register) -> None:
    record(register, NOV, 2)
    assert record(register, date(2026, 12, 1), 1) == ["QA2612-0001"]


def test_the_sequence_survives_reopening_the_register(register_location: Path | str) -> None:
    with Register.open(register_location) as register:
        record(register, NOV, 2)
    with Register.open(register_location) as register:
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


def test_two_computers_recording_the_same_file_at_once_record_it_once(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    form = read_audit_form(complete_form(pack_docx(workspace, audit), framework).save(), framework)
    start = threading.Barrier(4)
    results: list[object] = []

    def record_it(n: int) -> None:
        with open_register(workspace) as own:  # each its own connection, as on its own computer
            start.wait()
            try:
                results.append(
                    own.record_audit_submission(
                        form, [], file_name=f"copy {n}.docx", sha256="cd" * 32, recorded_by=f"pc{n}"
                    )
                )
            except AlreadyRecordedError as e:
                results.append(e)

    threads = [threading.Thread(target=record_it, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(isinstance(r, int) for r in results) == 1
    assert sum(isinstance(r, AlreadyRecordedError) for r in results) == 3
    assert register.submission_count() == 1
    assert register.submission_hashes() == ["cd" * 32]


def test_a_damaged_sqlite_file_is_a_register_error(tmp_path: Path) -> None:
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
