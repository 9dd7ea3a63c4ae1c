"""Backups over a register's life: a backup folder whose disk is full or read-only, the backup
taken before an upgrade, and a backup taken while the watcher records."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
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
