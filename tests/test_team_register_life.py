"""A team register over a year: moved back to one computer, a database renamed, a login that may
only read. Computers are played by host identities (``QAF_HOST_ID``); every refusal is one line."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pg_server
import pytest
from conftest import complete_form, pack_docx, plan_audits
from test_team_register import ON_POSTGRES, as_computer, one_error_line, run, settle

from qaf_docs.errors import RegisterError
from qaf_docs.inbox.watch import watch_inbox
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace, set_register


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


@ON_POSTGRES
def test_a_team_register_moved_back_to_one_computer_is_not_called_lost_on_the_others(
    workspace: Workspace, register: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_audits(register, workspace, 2)
    register.close()
    as_computer(monkeypatch, "qa-server")
    local = tmp_path / "D" / "qaf" / "register.db"  # the server's own D: drive
    result = run("register", "move", "--to", local, "--workspace", workspace.root)
    assert result.exit_code == 0, result.output
    # A colleague's computer reads the same shared qaf.toml; its own D: drive has no register.
    local.rename(tmp_path / "on the server only.db")
    as_computer(monkeypatch, "qa-laptop")
    line = one_error_line(run("status", "--workspace", workspace.root))
    # Before: "the register is missing … restore it from a backup", which would have started a
    # second register on the laptop from an old copy.
    assert "kept on the computer 'qa-server'" in line and "Run qaf on 'qa-server'" in line
    assert "missing" not in line and "restore" not in line.lower()
    assert not local.exists()


def _issued_then_closed(workspace: Workspace, register: Register, audits: int) -> AuditRecord:
    """Plan ``audits`` audits with their packs, close this test's connection, and return the first."""
    plan_audits(register, workspace, audits)
    generate_packs(workspace, register)
    first = register.audits()[0]
    register.close()
    return first


def _database_name(workspace: Workspace) -> str:
    return str(workspace.load_settings().register_at).rsplit("/", 1)[1]


@ON_POSTGRES
def test_a_renamed_team_database_is_not_replaced_by_a_blank_one(
    workspace: Workspace,
    register: Register,
    pg: pg_server.PgServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    audit = _issued_then_closed(workspace, register, 2)
    assert run("status", "--workspace", workspace.root).exit_code == 0  # a year of use
    name = _database_name(workspace)
    renamed = f"{name}_2027"
    pg.terminate_connections(name)
    with pg.admin_connection() as conn:
        conn.execute(f'ALTER DATABASE "{name}" RENAME TO "{renamed}"')  # IT tidied up the server
    try:
        line = one_error_line(run("status", "--workspace", workspace.root))
        assert "does not exist" in line
        # Before: only "ask IT to create it", which makes the blank register refused below.
        assert "renamed" in line and "qaf.toml" in line
        pg.create_database(name)  # IT did as it was told: a new, empty database of that name
        complete_form(pack_docx(workspace, audit), workspace.load_framework()).save(
            workspace.inbox / "form.docx"
        )
        settle(workspace.inbox)
        line = one_error_line(run("ingest", "--workspace", workspace.root))
        # Before: a blank register was made in it, and the form was refused as an audit it did
        # not know (and every form after it).
        assert "empty" in line and "has been used" in line and "renamed" in line
        assert pg_server.APP_PASSWORD not in line
        assert [p.name for p in workspace.inbox.iterdir() if not p.name.startswith(".")] == [
            "form.docx"
        ]
        assert not any(workspace.rejected.iterdir()) if workspace.rejected.is_dir() else True
        with pg.admin_connection(name) as conn:
            tables = conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchall()
        assert tables == []  # nothing was created in it
        # Pointed at the database's new name, everything is there.
        set_register(workspace, str(workspace.load_settings().register_at).replace(name, renamed))
        result = run("ingest", "--workspace", workspace.root)
        assert result.exit_code == 0, result.output
        with open_register(workspace) as reg:
            assert reg.submission_count(audit.audit_ref) == 1
    finally:
        pg.drop_database(renamed)


READER = "qa_reader"


@contextmanager
def _reader_login(workspace: Workspace, pg: pg_server.PgServer, monkeypatch: Any) -> Iterator[None]:
    """Point the workspace at its register as a login IT allowed to read it, and no more, for the
    ``with`` block; the login is dropped after it."""
    name = _database_name(workspace)
    with pg.admin_connection(name) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {READER}")
        conn.execute(f"CREATE ROLE {READER} LOGIN PASSWORD 'reader-pw'")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER}")
    set_register(
        workspace, str(workspace.load_settings().register_at).replace("qaf@", f"{READER}@")
    )
    monkeypatch.setenv("PGPASSWORD", "reader-pw")
    try:
        yield
    finally:
        with pg.admin_connection(name) as conn:
            conn.execute(f"DROP OWNED BY {READER}")
            conn.execute(f"DROP ROLE {READER}")


@ON_POSTGRES
def test_a_login_that_may_only_read_the_team_register_is_told_so_and_nothing_is_lost(
    workspace: Workspace,
    register: Register,
    pg: pg_server.PgServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    audit = _issued_then_closed(workspace, register, 2)
    with _reader_login(workspace, pg, monkeypatch):
        assert run("status", "--workspace", workspace.root).exit_code == 0  # reading is fine
        complete_form(pack_docx(workspace, audit), workspace.load_framework()).save(
            workspace.inbox / "form.docx"
        )
        settle(workspace.inbox)
        line = one_error_line(run("ingest", "--workspace", workspace.root))
        # Before: "may not read or change the register's tables (restored from a backup as
        # another user, say): make that user the owner of the tables", and the server's words.
        assert f"may only be read by its login '{READER}'" in line
        assert "qaf login" in line and "Nothing was recorded" in line
        assert "permission denied" not in line and "restored from a backup" not in line
        assert [p.name for p in workspace.inbox.iterdir() if not p.name.startswith(".")] == [
            "form.docx"
        ]
        # Reports are what such a login is for: the tracker is written (and rebuilt by the next
        # run that may write, as it cannot record which state it reflects).
        workspace.tracker_path.unlink(missing_ok=True)
        result = run("report", "--workspace", workspace.root)
        assert result.exit_code == 0, result.output
        assert workspace.tracker_path.is_file()


@ON_POSTGRES
def test_a_login_whose_password_has_expired_is_told_it_may_have_and_whom_to_ask(
    workspace: Workspace, pg: pg_server.PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("status", "--workspace", workspace.root).exit_code == 0
    name = _database_name(workspace)
    with pg.admin_connection(name) as conn:
        conn.execute("DROP ROLE IF EXISTS qa_expired")
        conn.execute("CREATE ROLE qa_expired LOGIN PASSWORD 'right-pw' VALID UNTIL '2020-01-01'")
    try:
        url = str(workspace.load_settings().register_at).replace("qaf@", "qa_expired@")
        set_register(workspace, url)
        monkeypatch.setenv("PGPASSWORD", "right-pw")  # the right password, past its date
        line = one_error_line(run("status", "--workspace", workspace.root))
        # The server says only "password authentication failed" (its log says why), so the
        # line said to check the password, which was right.
        assert "refused the user name or password" in line
        assert "expired" in line and "ask IT" in line
        assert "right-pw" not in line
    finally:
        with pg.admin_connection(name) as conn:
            conn.execute("DROP ROLE qa_expired")


@ON_POSTGRES
def test_a_login_that_may_only_read_a_register_due_an_upgrade_is_told_who_can_upgrade_it(
    workspace: Workspace,
    register: Register,
    pg: pg_server.PgServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan_audits(register, workspace, 1)
    register.close()
    with pg.admin_connection(_database_name(workspace)) as conn:  # as an older qaf left it
        conn.execute(
            "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)"
        )
    with _reader_login(workspace, pg, monkeypatch):
        line = one_error_line(run("status", "--workspace", workspace.root))
        # Before: the upgrade's first step failed with "may not read or change the register's
        # tables (restored from a backup as another user, say)" and the server's words.
        assert f"may only be read by its login '{READER}'" in line
        assert "needs upgrading for this version of qaf" in line and "qaf login" in line
        assert "qaf status" not in line  # it does not work as it is either
        assert "permission denied" not in line


@ON_POSTGRES
def test_a_login_that_may_only_read_opens_a_register_that_does_not_yet_name_its_workspace(
    workspace: Workspace,
    register: Register,
    pg: pg_server.PgServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan_audits(register, workspace, 1)
    register.close()
    with pg.admin_connection(_database_name(workspace)) as conn:  # as a qaf before workspace ids
        conn.execute("DELETE FROM meta WHERE key = 'workspace_id'")
    with _reader_login(workspace, pg, monkeypatch):
        # Before: opening it tried to record the workspace, and the reader could not even look.
        result = run("status", "--workspace", workspace.root)
        assert result.exit_code == 0, result.output
        assert "1 issued" in result.output or "1 allocated" in result.output, result.output


@ON_POSTGRES
def test_qaf_watch_with_a_login_that_may_only_read_stops_at_once_saying_so(
    workspace: Workspace,
    register: Register,
    pg: pg_server.PgServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    audit = _issued_then_closed(workspace, register, 1)
    with _reader_login(workspace, pg, monkeypatch):  # the watcher stops before it ends
        complete_form(pack_docx(workspace, audit), workspace.load_framework()).save(
            workspace.inbox / "form.docx"
        )
        stop = threading.Event()
        stopped: list[BaseException] = []

        def watch() -> None:
            try:
                watch_inbox(workspace, poll=True, scan_interval_s=0.2, stop=stop)
            except BaseException as e:  # what qaf watch prints as its Error: line
                stopped.append(e)

        watcher = threading.Thread(target=watch)
        try:
            watcher.start()
            watcher.join(timeout=20)
            # Before: it ran on, logging each file as not processed, and could never record one.
            assert not watcher.is_alive(), "the watcher stops: waiting will never help"
            [error] = stopped
            assert isinstance(error, RegisterError)
            assert f"may only be read by its login '{READER}'" in str(error)
            assert [p.name for p in workspace.inbox.iterdir() if not p.name.startswith(".")] == [
                "form.docx"
            ]
        finally:
            stop.set()
            watcher.join(timeout=60)


@ON_POSTGRES
def test_moving_back_into_the_team_database_left_as_a_backup_says_so_and_what_to_do(
    workspace: Workspace, register: Register, pg: pg_server.PgServer, tmp_path: Path
) -> None:
    """The team moved to one computer for a while, and IT renamed the old database; moving back
    into it, the QA lead was told to set register = the file they were already using."""
    plan_audits(register, workspace, 2)
    register.close()
    name, team_url = _database_name(workspace), str(workspace.load_settings().register_at)
    local = tmp_path / "D" / "qaf" / "register.db"
    assert run("register", "move", "--to", local, "--workspace", workspace.root).exit_code == 0
    renamed = f"{name}_old"
    pg.terminate_connections(name)
    with pg.admin_connection() as conn:
        conn.execute(f'ALTER DATABASE "{name}" RENAME TO "{renamed}"')
    try:
        back = team_url.replace(name, renamed)
        line = one_error_line(run("register", "move", "--to", back, "--workspace", workspace.root))
        assert f"{back} holds an old copy of the register" in line
        assert f"moved to {local}, where this workspace keeps it now" in line
        assert "nothing was copied" in line and f"the workspace still uses {local}" in line
        assert "ask IT for a new, empty database" in line
        assert "set register" not in line.lower()  # before: 'set register = "<the file>"'
        assert workspace.load_settings().register_at == str(local)
        # A new, empty database takes it back.
        pg.create_database(f"{name}_new")
        again = team_url.replace(name, f"{name}_new")
        moved = run("register", "move", "--to", again, "--workspace", workspace.root)
        assert moved.exit_code == 0, moved.output
        with open_register(workspace) as reg:
            assert len(reg.audits()) == 2
        # And the file it came from is an old copy too, now.
        line = one_error_line(run("register", "move", "--to", local, "--workspace", workspace.root))
        assert f"{local} holds an old copy of the register" in line
        assert "choose a new file for it, or delete or rename that old copy first" in line
    finally:
        pg.drop_database(renamed)
        pg.drop_database(f"{name}_new")


@ON_POSTGRES
def test_moving_the_register_to_its_own_database_under_a_new_name_says_to_change_the_address(
    workspace: Workspace, register: Register, pg: pg_server.PgServer
) -> None:
    plan_audits(register, workspace, 3)
    register.close()
    name = _database_name(workspace)
    pg.terminate_connections(name)
    with pg.admin_connection() as conn:
        conn.execute(f'ALTER DATABASE "{name}" RENAME TO "{name}_2027"')
    try:
        to = str(workspace.load_settings().register_at).replace(name, f"{name}_2027")
        line = one_error_line(run("register", "move", "--to", to, "--workspace", workspace.root))
        # Before: only that the old name does not exist, as if the move had to be made.
        assert f"{to} already holds this workspace's register (3 audits)" in line
        assert "nothing to copy" in line and f'Set register = "{to}" in qaf.toml' in line
        set_register(workspace, to)
        assert run("status", "--workspace", workspace.root).exit_code == 0
    finally:
        pg.drop_database(f"{name}_2027")
