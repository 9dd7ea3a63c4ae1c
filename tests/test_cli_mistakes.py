"""What a QA officer meets at the command line when a file qaf rewrites is open in Excel or Word:
the new file is never lost, it goes beside the open one under a dated name, and the officer is told
which file to open and what updates the usual one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_failures import ready_form

from qaf_docs import safe_output
from qaf_docs.cli import cli
from qaf_docs.workspace import Workspace


def qaf(ws: Workspace, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--workspace", str(ws.root)])


@pytest.fixture
def held_open(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """File names Windows refuses to replace, as when Excel or Word has them open."""
    names: set[str] = set()
    real = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name in names:
            raise PermissionError(13, "The process cannot access the file", str(dst))
        real(src, dst)

    monkeypatch.setattr(safe_output, "_REPLACE_PAUSE_S", 0)
    monkeypatch.setattr(os, "replace", replace)
    yield names


def the_copy(folder: Path, original: str) -> Path:
    stem, suffix = os.path.splitext(original)
    [copy] = [p for p in folder.iterdir() if p.name.startswith(f"{stem} (") and p.suffix == suffix]
    return copy


@pytest.mark.parametrize(
    "args, name",
    [
        (("report", "quarter", "2026q4"), "QA_report_2026Q4.docx"),
        (("report", "round", "{round}"), "round_{round}.docx"),
    ],
)
def test_a_report_open_in_word_is_kept_and_the_new_one_is_written_beside_it_and_named(
    workspace: Workspace, held_open: set[str], args: tuple[str, ...], name: str
) -> None:
    round_id = ready_form(workspace).round_id
    args = tuple(a.format(round=round_id) for a in args)
    name = name.format(round=round_id)
    assert qaf(workspace, "ingest").exit_code == 0
    old = workspace.reports_dir / name
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"the report the officer has open")
    held_open.add(name)
    result = qaf(workspace, *args)
    assert result.exit_code == 0, result.output
    copy = the_copy(workspace.reports_dir, name)
    assert old.read_bytes() == b"the report the officer has open", "the open one is left alone"
    assert copy.stat().st_size > 1000, "the new report is written in full"
    assert f"{name} is open in another program" in result.output
    assert f"written beside it as '{copy.name}'" in result.output
    again = " ".join(args).replace("2026q4", "2026Q4")
    assert f"close {name} and run qaf {again} again to update it" in result.output
    assert f"Report: {copy}" in result.output


def test_an_ingest_with_the_tracker_open_in_excel_points_at_the_new_tracker(
    workspace: Workspace, held_open: set[str]
) -> None:
    audit = ready_form(workspace)
    assert qaf(workspace, "report").exit_code == 0
    held_open.add(workspace.tracker_path.name)
    result = qaf(workspace, "ingest")
    assert result.exit_code == 0, result.output
    assert f"audit {audit.audit_ref}: accepted" in result.output
    said = result.output.splitlines()[-1]
    assert said.startswith("Tracker: ") and said != f"Tracker: {workspace.tracker_path}"
    newest = Path(said.removeprefix("Tracker: "))
    assert newest.is_file() and newest.parent == workspace.outbox
    # One copy for one ingest: the batch and the catch-up at its end both found the tracker
    # behind, and each wrote a copy beside the open one.
    assert the_copy(workspace.outbox, workspace.tracker_path.name) == newest
    assert "QA_tracker.xlsx is open in another program" in result.output
    assert f"as '{newest.name}'" in result.output and "run qaf report to update it" in result.output
    assert [p.name for p in workspace.processed.iterdir()] == ["form.docx"]


def test_a_csv_export_open_in_excel_is_kept_and_the_new_one_is_named(
    workspace: Workspace, held_open: set[str]
) -> None:
    folder = workspace.root / "exports"
    assert qaf(workspace, "export", "--format", "csv", "--output", str(folder)).exit_code == 0
    before = (folder / "audits.csv").read_bytes()
    held_open.add("audits.csv")
    result = qaf(workspace, "export", "--format", "csv", "--output", str(folder))
    assert result.exit_code == 0, result.output
    copy = the_copy(folder, "audits.csv")
    assert (folder / "audits.csv").read_bytes() == before
    assert "audits.csv is open in another program" in result.output
    assert f"as '{copy.name}'" in result.output and "run qaf export again" in result.output
    assert "domains.csv is open" not in result.output


def test_a_json_export_open_elsewhere_is_kept_and_the_new_one_is_named(
    workspace: Workspace, held_open: set[str]
) -> None:
    out = workspace.root / "register.json"
    out.write_text("{}", encoding="utf-8")
    held_open.add(out.name)
    result = qaf(workspace, "export", "--output", str(out))
    assert result.exit_code == 0, result.output
    copy = the_copy(workspace.root, "register.json")
    assert out.read_text(encoding="utf-8") == "{}"
    assert "register.json is open in another program" in result.output
    assert f"Wrote {copy}" in result.output


def test_a_file_where_an_export_folder_should_be_is_named_as_such(workspace: Workspace) -> None:
    # It said "A file could not be written or read (…): File exists", or that a folder was missing.
    in_the_way = workspace.root / "exports"
    in_the_way.write_text("notes", encoding="utf-8")
    for args in (("--output", str(in_the_way / "register.json")),
                 ("--format", "csv", "--output", str(in_the_way / "csv"))):  # fmt: skip
        result = qaf(workspace, "export", *args)
        assert result.exit_code == 1, result.output
        assert result.output == (
            f"Error: {in_the_way} is a file, where qaf needs a folder. Move or rename that file "
            "(or give another folder), then run the command again.\n"
        )
    assert in_the_way.read_text(encoding="utf-8") == "notes"


def test_an_inbox_that_is_a_file_is_named_as_such(workspace: Workspace) -> None:
    workspace.inbox.rmdir()
    workspace.inbox.write_text("", encoding="utf-8")
    for command in ("status", "ingest"):
        result = qaf(workspace, command)
        assert result.exit_code == 1, result.output
        assert f"Error: {workspace.inbox} is a file, where qaf needs a folder." in result.output
