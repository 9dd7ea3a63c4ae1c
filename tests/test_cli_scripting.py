"""The command line for scripts and first use: --json, exit codes, range checks, --workspace on
every command, and ``qaf init`` saying what to do next."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import complete_form, drop

from qaf_docs.cli import cli
from qaf_docs.cli.app import cli as group
from qaf_docs.workspace import Workspace, init_workspace

ANNEX_A = Path(__file__).parent / "data" / "annex_a_sample.xlsx"


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_init_takes_workspace_ships_an_example_roster_and_says_what_next(tmp_path: Path) -> None:
    root = tmp_path / "qa"
    result = run("init", "--workspace", root)
    assert result.exit_code == 0, result.output
    assert (root / "qaf.toml").is_file()
    example = root / "roster_example.xlsx"
    assert example.is_file()
    assert "Next:" in result.output and "roster_example.xlsx" in result.output
    assert "--dry-run" in result.output
    # Until the example is saved as roster.xlsx, sampling says where the example is.
    refused = run("sample", ANNEX_A, "--n", "3", "--workspace", root)
    assert refused.exit_code == 1 and "roster_example.xlsx" in refused.output
    example.rename(root / "roster.xlsx")
    drawn = run("sample", ANNEX_A, "--n", "3", "--seed", "4", "--workspace", root)
    assert drawn.exit_code == 0, drawn.output


def test_every_command_accepts_workspace() -> None:
    def commands(g: object, prefix: str = "") -> list[tuple[str, object]]:
        out = []
        for name, cmd in g.commands.items():  # type: ignore[attr-defined]
            if hasattr(cmd, "commands"):
                out += commands(cmd, f"{prefix}{name} ")
            else:
                out.append((f"{prefix}{name}", cmd))
        return out

    missing = [
        name
        for name, cmd in commands(group)
        if not any("--workspace" in p.opts for p in cmd.params)  # type: ignore[attr-defined]
    ]
    assert missing == []


@pytest.mark.parametrize(
    "args",
    [
        ("watch", "--interval", "-5"),
        ("watch", "--interval", "0"),
        ("sample", str(ANNEX_A), "--n", "0"),
        ("sample", str(ANNEX_A), "--percent", "150"),
        ("sample", str(ANNEX_A), "--seed", "-1"),
    ],
)
def test_out_of_range_options_are_refused(args: tuple[str, ...], tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    result = run(*args, "--workspace", tmp_path / "ws")
    assert result.exit_code == 2, result.output
    assert "Invalid value" in result.output


def sample_ws(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "ws")
    (ws.root / "roster_example.xlsx").rename(ws.root / "roster.xlsx")
    return ws


def test_sample_json_and_status_json(tmp_path: Path) -> None:
    ws = sample_ws(tmp_path)
    result = run("sample", ANNEX_A, "--n", "4", "--seed", "9", "--json", "--workspace", ws.root)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["allocated"] == 4 and len(data["audits"]) == 4 and not data["dry_run"]
    assert data["import_problems"] and Path(data["manifest"]).is_file()
    status = run("status", "--json", "--workspace", ws.root)
    assert status.exit_code == 0, status.output
    assert json.loads(status.output)["audits"] == {"allocated": 4}


def test_ingest_json_and_exit_code_3_when_a_file_is_rejected(tmp_path: Path) -> None:
    ws = sample_ws(tmp_path)
    assert run("sample", ANNEX_A, "--n", "2", "--seed", "9", "--workspace", ws.root).exit_code == 0
    assert run("generate", "--workspace", ws.root).exit_code == 0
    packs = sorted((ws.packs).rglob("*.docx"))
    good = ws.root / "good.docx"
    complete_form(packs[0], ws.load_framework()).save(good)
    drop(good, ws.inbox, "a.docx")
    accepted = run("ingest", "--json", "--workspace", ws.root)
    assert accepted.exit_code == 0, accepted.output
    assert json.loads(accepted.output)["counts"]["accepted"] == 1
    (ws.inbox / "b.docx").write_bytes(b"not a word file")
    rejected = run("ingest", "--json", "--workspace", ws.root)
    assert rejected.exit_code == 3, rejected.output
    data = json.loads(rejected.output)
    assert data["counts"]["rejected"] == 1 and data["files"][0]["problems"]


def test_the_manifest_lists_every_import_warning_the_summary_promises(tmp_path: Path) -> None:
    ws = sample_ws(tmp_path)
    result = run("sample", ANNEX_A, "--n", "3", "--seed", "2", "--workspace", ws.root)
    assert result.exit_code == 0, result.output
    assert "all listed on the manifest's Import warnings sheet" in result.output
    wb = openpyxl.load_workbook(next(ws.samples.glob("*.xlsx")))
    listed = wb["Import warnings"].max_row - 1
    summary = result.output.splitlines()[0]
    promised = int(summary.split(" values read with a warning")[0].rsplit(" ", 1)[-1])
    assert listed >= promised > 10
    # The summary counts children as the manifest does.
    round_page = {r[0]: r[1] for r in wb["Round"].iter_rows(values_only=True) if r[0]}
    assert f"for {round_page['Children on the list']} children" in summary


def test_the_readme_documents_every_exit_code() -> None:
    from qaf_docs.cli import exits

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    documented = {
        int(line.split("|")[1]) for line in table.splitlines()[2:] if line.startswith("|")
    }
    codes = {v for k, v in vars(exits).items() if k.isupper() and isinstance(v, int)}
    assert documented == codes


@pytest.mark.parametrize(
    "args", [("--cases", "-3"), ("--audits", "0"), ("--seed", "-2")], ids=lambda a: a[0]
)
def test_demo_options_are_range_checked(args: tuple[str, str], tmp_path: Path) -> None:
    result = run("demo", "--workspace", tmp_path / "demo", *args)
    assert result.exit_code == 2 and "Invalid value" in result.output
    assert not (tmp_path / "demo").exists()


@pytest.mark.parametrize("command", [["status"], ["moderation", "queue"], ["ingest"]])
def test_output_cut_short_by_head_stops_quietly_with_141(
    tmp_path: Path, command: list[str]
) -> None:
    """`qaf status | head`: the reader closed the pipe; not an error for anyone to act on."""
    import os
    import subprocess
    import sys

    from qaf_docs.cli.exits import CLOSED_PIPE

    ws = sample_ws(tmp_path)
    assert run("sample", ANNEX_A, "--n", "4", "--seed", "9", "--workspace", ws.root).exit_code == 0
    (ws.inbox / "b.docx").write_bytes(b"not a word file")  # ingest has something to say
    read, write = os.pipe()
    os.close(read)  # `head` has already read what it wanted and gone
    try:
        done = subprocess.run(
            [sys.executable, "-m", "qaf_docs", *command, "--workspace", str(ws.root)],
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=Path(__file__).parent.parent,
            timeout=120,
        )
    finally:
        os.close(write)
    assert done.stderr.decode() == ""
    assert done.returncode == CLOSED_PIPE
    if command == ["ingest"]:  # the work was done before the output was cut short
        assert not (ws.inbox / "b.docx").exists() and list(ws.rejected.glob("b*.docx"))
