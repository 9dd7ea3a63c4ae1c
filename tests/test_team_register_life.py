"""A team register over a year: moved back to one computer, a database renamed, a login that may
only read. Computers are played by host identities (``QAF_HOST_ID``); every refusal is one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import plan_audits
from test_team_register import ON_POSTGRES, as_computer, one_error_line, run

from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace


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
