"""The register is never silently replaced, is backed up, and a damaged one says so in one line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import plan_audits

from qaf_docs.cli import cli
from qaf_docs.errors import RegisterError
from qaf_docs.register import backup as backups
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("Error:"), result.output
    assert result.output.strip().count("\n") == 0, result.output
    return result.output


@pytest.fixture
def used(tmp_path: Path) -> Workspace:
    """A workspace made by `qaf init` that has drawn a round."""
    assert run("init", tmp_path / "ws").exit_code == 0
    ws = Workspace(tmp_path / "ws")
    with open_register(ws) as register:
        plan_audits(register, ws, 2)
    (ws.samples / "round.xlsx").write_bytes(b"manifest")
    return ws


@pytest.mark.parametrize("how", ["emptied", "deleted"])
@pytest.mark.parametrize("command", [["status"], ["report"], ["export"], ["ingest"]])
def test_a_lost_register_is_refused_not_replaced_by_a_blank_one(
    used: Workspace, how: str, command: list[str]
) -> None:
    tracker = used.tracker_path
    tracker.write_bytes(b"yesterday's tracker")
    if how == "emptied":
        used.register_path.write_bytes(b"")  # `: > qaf_register.db`
    else:
        used.register_path.unlink()
        for side in ("-wal", "-shm"):
            Path(f"{used.register_path}{side}").unlink(missing_ok=True)
    message = one_line_error(run(*command, "--workspace", used.root))
    assert ("empty" if how == "emptied" else "missing") in message
    assert "will not start a blank register" in message and "backup" in message
    # Nothing was overwritten: no blank register, yesterday's tracker untouched.
    assert not used.register_path.exists() or used.register_path.stat().st_size == 0
    assert tracker.read_bytes() == b"yesterday's tracker"


def test_the_message_names_the_newest_backup_and_restoring_it_works(used: Workspace) -> None:
    result = run("backup", "--workspace", used.root)
    assert result.exit_code == 0, result.output
    (saved,) = backups.backups(used.root / "backups")
    used.register_path.write_bytes(b"")
    message = one_line_error(run("status", "--workspace", used.root))
    assert str(saved) in message
    restored = run("backup", "--restore", saved, "--workspace", used.root)
    assert restored.exit_code == 0, restored.output
    with open_register(used) as register:
        assert len(register.audits()) == 2


def test_a_brand_new_folder_still_gets_a_register(tmp_path: Path) -> None:
    from qaf_docs.workspace import init_workspace

    ws = init_workspace(tmp_path / "fresh")
    with open_register(ws) as register:
        assert register.audits() == []


def test_a_damaged_register_is_one_error_line_with_a_non_zero_exit(used: Workspace) -> None:
    with Register.open(used.register_path) as register:
        register._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(used.register_path.read_bytes())
    page = 4096
    assert len(data) > 2 * page
    data[page : page + 200] = os.urandom(200)  # a damaged page, not the header
    used.register_path.write_bytes(bytes(data))
    message = one_line_error(run("status", "--workspace", used.root))
    assert "damaged" in message and "backup" in message


def test_a_file_that_is_not_a_database_is_one_error_line(used: Workspace) -> None:
    used.register_path.write_bytes(b"this is a Word document, honestly" * 200)
    message = one_line_error(run("report", "--workspace", used.root))
    assert "damaged" in message


def test_backups_keep_the_newest_n_and_are_complete_copies(used: Workspace) -> None:
    folder = used.root / "backups"
    for _ in range(4):
        backups.back_up(used.register_path, folder, reason="test", keep=3)
    kept = backups.backups(folder)
    assert len(kept) == 3
    for copy in kept:
        backups.verify(copy)
        with sqlite3.connect(copy) as db:
            assert db.execute("SELECT COUNT(*) FROM audits").fetchone()[0] == 2
    assert not list(folder.glob(".*.tmp*"))


def test_the_daily_backup_is_taken_once_a_day(used: Workspace) -> None:
    folder = used.root / "backups"
    first = backups.back_up_if_due(used.register_path, folder, keep=5)
    assert first is not None
    assert backups.back_up_if_due(used.register_path, folder, keep=5) is None
    old = time.time() - 25 * 3600
    os.utime(first, (old, old))
    assert backups.back_up_if_due(used.register_path, folder, keep=5) is not None


def test_an_upgrade_of_the_register_is_preceded_by_a_backup(used: Workspace) -> None:
    from qaf_docs.register.migrations import MIGRATIONS

    before = len(MIGRATIONS)
    # This qaf is one migration newer than the register it opens.
    MIGRATIONS.append(("a newer qaf's step", lambda db: db.execute("CREATE TABLE newer (x INT)")))
    try:
        with open_register(used) as register:
            assert len(register.audits()) == 2
            assert register.schema_version() == before + 1
    finally:
        MIGRATIONS.pop()
    (copy,) = backups.backups(used.root / "backups")
    assert "before upgrade" in copy.name
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == before


def test_restoring_a_backup_that_is_not_there_names_the_backups_to_choose_from(
    used: Workspace,
) -> None:
    message = one_line_error(run("backup", "--restore", "backups/qaf_register", "-w", used.root))
    assert "no backup has been taken yet (qaf backup takes one)" in message
    assert run("backup", "--workspace", used.root).exit_code == 0
    (saved,) = backups.backups(used.root / "backups")
    before = used.register_path.read_bytes()
    # A name with spaces typed without quotes arrives cut at its first space.
    message = one_line_error(run("backup", "--restore", "backups/qaf_register", "-w", used.root))
    assert "There is no file" in message and "(missing or empty)" not in message
    assert f'qaf backup --restore "{saved}"' in message and "Nothing was changed" in message
    assert used.register_path.read_bytes() == before


def test_restoring_a_damaged_backup_is_refused_and_changes_nothing(
    used: Workspace, tmp_path: Path
) -> None:
    bad = tmp_path / "qaf_register bad.db"
    bad.write_bytes(b"garbage" * 100)
    before = used.register_path.read_bytes()
    message = one_line_error(run("backup", "--restore", bad, "--workspace", used.root))
    assert "not a usable register backup" in message
    assert used.register_path.read_bytes() == before


def test_open_register_refuses_without_the_cli_too(used: Workspace) -> None:
    used.register_path.unlink()
    with pytest.raises(RegisterError, match="missing"):
        open_register(used)


def test_the_real_command_prints_no_traceback_for_an_emptied_register(used: Workspace) -> None:
    used.register_path.write_bytes(b"")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run(
        [sys.executable, "-m", "qaf_docs", "status", "--workspace", str(used.root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error:") and "Traceback" not in proc.stderr


def test_the_watcher_refuses_a_lost_register_with_one_error_line(used: Workspace) -> None:
    used.register_path.unlink()
    result = run("watch", "--poll", "--workspace", used.root)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "missing" in errors[0]
    assert not used.register_path.exists()
    assert not (used.inbox / ".qaf-watch.lock").exists(), "the lock is given back"


def test_a_register_kept_outside_the_workspace_is_guarded_the_same_way(tmp_path: Path) -> None:
    # register = "D:/qaf/register.db" (issue 13): the presence rules follow the configured file.
    local = tmp_path / "D" / "qaf" / "register.db"
    assert run("init", tmp_path / "ws", "--register", local).exit_code == 0
    ws = Workspace(tmp_path / "ws")
    assert local.is_file() and not ws.register_path.exists()
    with open_register(ws) as register:
        plan_audits(register, ws, 2)
    assert run("backup", "--workspace", ws.root).exit_code == 0
    (saved,) = backups.backups(ws.root / "backups")
    local.unlink()
    for side in ("-wal", "-shm"):
        Path(f"{local}{side}").unlink(missing_ok=True)
    message = one_line_error(run("status", "--workspace", ws.root))
    assert f"The register ({local}) is missing" in message
    assert "will not start a blank register" in message and str(saved) in message
    assert not local.exists() and not ws.register_path.exists()
    assert run("backup", "--restore", saved, "--workspace", ws.root).exit_code == 0
    with open_register(ws) as register:
        assert len(register.audits()) == 2
    assert not ws.register_path.exists()


@pytest.mark.parametrize("where", ["workspace", "elsewhere"])
def test_the_readmes_restore_with_a_relative_path_works_and_leaves_no_litter(
    used: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    assert run("backup", "--workspace", used.root).exit_code == 0
    (saved,) = backups.backups(used.root / "backups")
    with open_register(used) as register:
        plan_audits(register, used, 1)  # a third audit, after the backup
    # `qaf backup --restore "backups/qaf_register … by hand.db"`, typed in the workspace or, with
    # --workspace, from another folder.
    monkeypatch.chdir(used.root if where == "workspace" else tmp_path)
    restored = run("backup", "--restore", f"backups/{saved.name}", "--workspace", used.root)
    assert restored.exit_code == 0, restored.output
    assert f"Register restored from {saved}" in restored.output
    with open_register(used) as register:
        assert len(register.audits()) == 2
    left = sorted(p.name for p in (used.root / "backups").iterdir())
    assert not [n for n in left if not n.endswith(".db")], left
    assert len(left) == 2  # the backup and the register it replaced


def test_restoring_another_workspaces_register_is_refused_and_changes_nothing(
    used: Workspace, tmp_path: Path
) -> None:
    assert run("init", tmp_path / "other").exit_code == 0
    other = Workspace(tmp_path / "other")
    with open_register(other) as register:
        plan_audits(register, other, 1)
    assert run("backup", "--workspace", other.root).exit_code == 0
    (theirs,) = backups.backups(other.root / "backups")
    before = used.register_path.read_bytes()
    for stranger in (theirs, other.register_path):
        message = one_line_error(run("backup", "--restore", stranger, "--workspace", used.root))
        assert "another qaf workspace's register" in message and "nothing was restored" in message
    assert used.register_path.read_bytes() == before
    assert not (used.root / "backups").exists()  # not even a backup of the register kept
    with open_register(used) as register:
        assert len(register.audits()) == 2
