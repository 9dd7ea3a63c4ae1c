"""``qaf sample`` given the files people really pick: what it says, never a traceback."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from qaf_docs.cli import cli
from qaf_docs.workspace import init_workspace


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    init_workspace(root)
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Email", "Role", "Team", "Monthly capacity"])
    wb.active.append(["Qa One", "qa1@c.example", "QA Auditor", "Quality Assurance", 5])
    wb.save(root / "roster.xlsx")
    return root


def case_list(folder: Path, name: str = "cases.csv", rows: int = 5) -> Path:
    lines = ["Child ID,Allocated Team,Allocated Worker,Start Date"]
    lines += [f"{7000 + i},Locality 1,W {i},01/02/2025" for i in range(rows)]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sample(workspace: Path, *args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["sample", *map(str, args), "-w", str(workspace)])


def one_line_error(result: Result) -> str:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "Error" in result.output
    return result.output


def test_a_seed_too_large_to_record_is_refused_as_an_option(workspace, tmp_path):
    result = sample(workspace, case_list(tmp_path), "--n", "1", "--seed", str(2**63))
    assert result.exit_code == 2, result.output
    assert "--seed" in result.output and "Traceback" not in result.output
    ok = sample(workspace, case_list(tmp_path), "--n", "1", "--seed", str(2**63 - 1))
    assert ok.exit_code == 0, ok.output
