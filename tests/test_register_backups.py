"""Backups over a register's life: a backup folder whose disk is full or read-only, the backup
taken before an upgrade, and a backup taken while the watcher records."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import pytest
from conftest import plan_audits
from test_register_safety import no_workspace_from_environment, one_line_error, run, used

from qaf_docs.register import backup as backups
from qaf_docs.register.location import open_register
from qaf_docs.register.migrations import MIGRATIONS
from qaf_docs.workspace import Workspace

__all__ = ["no_workspace_from_environment", "used"]  # fixtures shared with test_register_safety

FULL = "database or disk is full"
READ_ONLY = "attempt to write a readonly database"


def backups_folder_says(monkeypatch: pytest.MonkeyPatch, problem: str) -> None:
    """Make the disk that holds the backups folder fail as SQLite says it does (full, read-only),
    while the register's own disk is fine."""
    real: Callable[..., sqlite3.Connection] = sqlite3.connect

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if ".tmp" in str(database):  # the copy being written into the backups folder
            raise sqlite3.OperationalError(problem)
        return real(database, *args, **kwargs)

    monkeypatch.setattr(backups.sqlite3, "connect", connect)


@pytest.mark.parametrize("problem", [FULL, READ_ONLY])
def test_a_backup_folder_on_a_full_or_read_only_disk_is_named_not_the_register(
    used: Workspace, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    before = used.register_path.read_bytes()
    backups_folder_says(monkeypatch, problem)
    message = one_line_error(run("backup", "--workspace", used.root))
    # Before: "The register (…qaf_register.db) could not be used: … The disk that holds it is
    # full", which sent people to free space on the wrong disk, or to check the register.
    folder = used.root / "backups"
    assert f"The backup could not be written to {folder}" in message
    assert "register itself is unchanged" in message and "[backup]" in message
    assert "could not be used" not in message
    assert ("disk that holds it is full" in message) == (problem == FULL)
    assert used.register_path.read_bytes() == before
    assert not [p for p in folder.iterdir()] if folder.is_dir() else True  # no half a backup


def test_an_upgrade_whose_backup_cannot_be_written_is_not_made_and_says_why(
    used: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = len(MIGRATIONS)
    MIGRATIONS.append(("a newer qaf's step", lambda db: db.execute("CREATE TABLE newer (x INT)")))
    try:
        backups_folder_says(monkeypatch, FULL)
        message = one_line_error(run("status", "--workspace", used.root))
        assert "before upgrading" in message.lower() and "backups" in message
        assert "register itself is unchanged" in message and "could not be used" not in message
        monkeypatch.undo()  # the disk has room again
        with open_register(used) as register:
            assert register.schema_version() == before + 1
            assert len(register.audits()) == 2
    finally:
        del MIGRATIONS[before:]
    (copy,) = backups.backups(used.root / "backups")
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == before


def test_a_backup_taken_while_the_watcher_records_is_whole_and_holds_whole_transactions(
    used: Workspace,
) -> None:
    # qaf backup from one window while qaf watch records in another: each copy is one moment of
    # the register, never half a transaction, and the writer is never stopped by it.
    stop = threading.Event()
    failures: list[BaseException] = []

    def watcher() -> None:
        try:
            with open_register(used) as register:
                while not stop.is_set():
                    plan_audits(register, used, 5)  # one transaction of five audits
        except BaseException as e:  # reported below
            failures.append(e)

    writer = threading.Thread(target=watcher)
    writer.start()
    try:
        taken = []
        for _ in range(5):
            result = run("backup", "--workspace", used.root)
            assert result.exit_code == 0, result.output
            taken.append(Path(result.output.split("Backup: ", 1)[1].strip()))
    finally:
        stop.set()
        writer.join(timeout=60)
    assert failures == []
    counts = []
    for copy in taken:
        backups.verify(copy, used.load_settings().workspace_id)
        with closing(sqlite3.connect(copy)) as db:
            audits, rounds = db.execute(
                "SELECT COUNT(*), COUNT(DISTINCT round_id) FROM audits"
            ).fetchone()
        assert audits == 2 + 5 * (rounds - 1)  # the first round's two, then whole rounds of five
        counts.append(audits)
    assert counts == sorted(counts)


def test_a_backup_a_newer_qaf_made_is_not_restored_over_a_working_register(
    used: Workspace,
) -> None:
    assert run("backup", "--workspace", used.root).exit_code == 0
    (newer,) = backups.backups(used.root / "backups")
    with closing(sqlite3.connect(newer)) as db:  # as a newer qaf on another computer left it
        db.execute(
            "INSERT INTO schema_migrations VALUES (?, 'a later change', '2027-01-01T00:00:00+00:00')",
            (len(MIGRATIONS) + 1,),
        )
        db.commit()
    before = used.register_path.read_bytes()
    message = one_line_error(run("backup", "--restore", newer, "--workspace", used.root))
    # Before: it was restored, and then every command refused the register as a newer qaf's.
    assert "newer version of qaf" in message and "nothing was restored" in message
    assert used.register_path.read_bytes() == before
    assert run("status", "--workspace", used.root).exit_code == 0


def test_a_restore_whose_copy_of_the_register_cannot_be_kept_first_restores_nothing(
    used: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("backup", "--workspace", used.root).exit_code == 0
    (saved,) = backups.backups(used.root / "backups")
    with open_register(used) as register:
        plan_audits(register, used, 3)  # recorded after the backup: only the register has them
    before = used.register_path.read_bytes()
    backups_folder_says(monkeypatch, FULL)
    message = one_line_error(run("backup", "--restore", saved, "--workspace", used.root))
    # Before: the copy's failure was taken for a damaged register's, and the register (with the
    # three audits recorded since) was deleted and replaced without a copy kept.
    assert "nothing was restored" in message.lower() and "disk that holds it is full" in message
    assert used.register_path.read_bytes() == before
    monkeypatch.undo()
    with open_register(used) as register:
        assert len(register.audits()) == 5


def test_an_upgrade_that_keeps_failing_takes_one_backup_not_one_a_run(
    used: Workspace,
) -> None:
    # Task Scheduler restarts a stopped watcher every minute: each start tried the upgrade again
    # and took another "before upgrade" copy, and the newest 14 kept pushed every older backup out.
    assert run("backup", "--workspace", used.root).exit_code == 0
    before = len(MIGRATIONS)

    def fails(db: object) -> None:
        raise ValueError("a newer step's bug")

    MIGRATIONS.append(("a step that fails", fails))
    try:
        for _ in range(3):
            message = one_line_error(run("status", "--workspace", used.root))
            assert "could not be upgraded" in message
    finally:
        del MIGRATIONS[before:]
    names = [p.name for p in backups.backups(used.root / "backups")]
    assert sorted(n.split()[-1] for n in names) == ["hand.db", "upgrade.db"], names
    with open_register(used) as register:  # something recorded: the next upgrade is backed up
        plan_audits(register, used, 1)
    MIGRATIONS.append(("a step that fails", fails))
    try:
        one_line_error(run("status", "--workspace", used.root))
    finally:
        del MIGRATIONS[before:]
    assert len(backups.backups(used.root / "backups")) == 3


class _OneSecond(datetime):
    """A clock stopped at one second: backups taken in it, as a restore's and an upgrade's are."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _OneSecond:
        return cls(2026, 11, 2, 9, 30, 0, tzinfo=tz)


def test_backups_taken_in_one_second_are_newest_last_whatever_their_reasons(
    used: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: sorted by name, "by hand" came before "daily" and "daily (2)" before "daily", so the
    # newest backup named (and the one kept when old ones go) was an older register.
    monkeypatch.setattr(backups, "datetime", _OneSecond)
    folder = used.root / "backups"
    audits = []
    for reason in ("daily", "daily", "by hand"):
        backups.back_up(used.register_path, folder, reason=reason, keep=14)
        with open_register(used) as register:
            audits.append(len(register.audits()))
            plan_audits(register, used, 1)
    assert [p.name for p in backups.backups(folder)] == [
        "qaf_register 2026-11-02 093000 daily.db",
        "qaf_register 2026-11-02 093000-2 daily.db",
        "qaf_register 2026-11-02 093000-3 by hand.db",
    ]
    used.register_path.unlink()
    newest = backups.backups(folder)[-1]
    message = one_line_error(run("status", "--workspace", used.root))
    assert f'Restore the newest backup: qaf backup --restore "{newest}"' in message
    assert run("backup", "--restore", newest, "--workspace", used.root).exit_code == 0
    with open_register(used) as register:
        assert len(register.audits()) == audits[-1]  # the register as it was last backed up
    # Keeping the newest two drops the oldest, not the last one taken.
    backups.back_up(used.register_path, folder, reason="by hand", keep=2)
    assert [p.name for p in backups.backups(folder)] == [
        "qaf_register 2026-11-02 093000-3 by hand.db",
        "qaf_register 2026-11-02 093000-4 by hand.db",
    ]
