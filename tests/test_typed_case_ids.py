"""A case id or audit reference typed on the command line is checked as a case list's ids are.

Every case id a council's system gives, and every audit reference qaf gives, has a digit; a name
has none. A name typed where one belongs ("qaf round add ROUND 'SMITH Jayden' …", "qaf history
Jayden") is refused in plain words before anything is read or changed, and is never repeated: not
in the message, not in a log line (a scheduled task keeps both)."""

from __future__ import annotations

import logging
from pathlib import Path

import openpyxl
import pytest
from privacy_checks import run

from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

NAMES = ("SMITH Jayden", "Jayden", "O'Connor-Hughes")


def _said(result: object, caplog: pytest.LogCaptureFixture) -> str:
    output = getattr(result, "output", "")
    return (output + " ".join(r.getMessage() for r in caplog.records)).casefold()


def _named(said: str, name: str) -> bool:
    return any(part.casefold().strip("'") in said for part in name.replace("-", " ").split())


@pytest.fixture
def drawn(workspace: Workspace, tmp_path: Path) -> tuple[str, Path]:
    """A round of one audit drawn from a list of three; its id and the list."""
    roster = openpyxl.Workbook()
    roster.active.append(["Name", "Email", "Role", "Team", "Monthly capacity"])
    roster.active.append(["Qa One", "qa1@c.example", "QA Auditor", "Quality Assurance", 9])
    roster.save(workspace.root / "roster.xlsx")
    caselist = tmp_path / "cases.csv"
    caselist.write_text(
        "Child ID,Case Type,CIN Start Date,Allocated Team\n"
        "7001,CIN,05/01/2026,Locality 1\n7002,CIN,05/01/2026,Locality 2\n"
        "7003,CIN,05/01/2026,Locality 1\n",
        encoding="utf-8",
    )
    result = run("sample", caselist, "--n", "1", "--seed", "1", "-w", workspace.root)
    assert result.exit_code == 0, result.output
    with open_register(workspace) as register:
        [audit] = register.audits()
    return audit.round_id, caselist


@pytest.mark.parametrize("name", NAMES)
def test_a_name_typed_as_the_case_to_add_is_refused_unrepeated_and_changes_nothing(
    workspace: Workspace,
    drawn: tuple[str, Path],
    name: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    round_id, caselist = drawn
    caplog.set_level(logging.DEBUG)
    with open_register(workspace) as register:
        before = register.audits()
    result = run(
        "round", "add", round_id, name, caselist, "--auditor", "Qa One",
        "--by", "QA Lead", "--reason", "asked for", "-w", workspace.root,
    )  # fmt: skip
    assert result.exit_code != 0
    assert "the case id typed has no digit" in result.output.casefold(), result.output
    assert "nothing was changed" in result.output
    assert not _named(_said(result, caplog), name)
    with open_register(workspace) as register:
        assert register.audits() == before


@pytest.mark.parametrize(
    "command",
    [
        ["history", "{}"],
        ["cancel", "{}", "--by", "QA Lead", "--reason", "moved away"],
        ["moderation", "dispute", "{}", "--reason", "the evidence"],
        ["round", "reassign", "{}", "--to", "Qa One", "--by", "QA Lead", "--reason", "leave"],
        ["case-notes", "--done", "{}"],
    ],
)
def test_a_name_typed_as_an_audit_reference_is_refused_unrepeated(
    workspace: Workspace,
    drawn: tuple[str, Path],
    command: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    name = "SMITH Jayden"
    with open_register(workspace) as register:
        before = register.audits()
    result = run(*[part.format(name) for part in command], "-w", workspace.root)
    assert result.exit_code != 0
    assert "has no digit, so it is not an audit reference" in result.output, result.output
    assert not _named(_said(result, caplog), name)
    with open_register(workspace) as register:
        assert register.audits() == before


def test_a_case_id_typed_as_councils_write_them_is_still_looked_up(
    workspace: Workspace, drawn: tuple[str, Path]
) -> None:
    round_id, caselist = drawn
    result = run(
        "round", "add", round_id, "CH/0099", caselist, "--auditor", "Qa One",
        "--by", "QA Lead", "--reason", "asked for", "-w", workspace.root,
    )  # fmt: skip
    assert "Case CH/0099 is not on cases.csv" in result.output  # an id: said as typed
    assert run("history", "qa2611-9999", "-w", workspace.root).output.count("QA2611-9999") == 1
