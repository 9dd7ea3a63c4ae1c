"""A child's name typed (or pasted from the wrong column) into the roster goes nowhere.

The roster's names and teams are staff names: qaf writes them into e-mail file names
(``reminders/<date>/<name>.eml``), greetings, manifests and the QA tracker. Before, a roster row
whose name was a child's on the case list was allocated audits like any auditor: the child's name
reached the manifest, the register, the reminders' file names and ``qaf status``. The case list a
round is drawn from has the children's names, so the draw leaves that row out and says which row.
"""

from __future__ import annotations

import logging
from pathlib import Path

import openpyxl
import pytest
from privacy_checks import assert_named_nowhere, return_every_form_and_compile, run

from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

CHILDREN = ("Zebedee Quixley", "Ottoline Brackenbury", "Ptolemy Vantongeren")
NAME_PARTS = {part.casefold() for name in CHILDREN for part in name.split()}


def named(text: str) -> list[str]:
    """The parts of a child's name that ``text`` carries."""
    folded = text.casefold()
    return sorted(part for part in NAME_PARTS if part in folded)


def case_list(folder: Path) -> Path:
    rows = [
        "Child ID,Child Name,Allocated Team,Allocated Worker,Start Date",
        "7001,Zebedee Quixley,Locality 1,Sam Worker,01/02/2025",
        "7002,Ottoline Brackenbury,Locality 1,Sam Worker,01/02/2025",
        "7003,Ptolemy Vantongeren,Locality 2,Kim Worker,01/02/2025",
    ]
    path = folder / "cases.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def roster(ws: Workspace) -> None:
    """Row 2 is a colleague; row 3 is a child's name (with a non-breaking space, as pasted),
    so that a draw that kept it would share the audits with it."""
    book = openpyxl.Workbook()
    book.active.append(["Name", "Email", "Role", "Team", "Monthly capacity"])
    book.active.append(["Qa One", "qa1@c.example", "QA Auditor", "Quality Assurance", 3])
    book.active.append(
        ["Zebedee\u00a0Quixley", "zq@c.example", "QA Auditor", "Quality Assurance", 5]
    )
    book.save(ws.root / "roster.xlsx")


@pytest.mark.parametrize("show_child_names", [False, True])
def test_a_roster_row_that_is_a_childs_name_is_left_out_and_said_by_its_row(
    workspace: Workspace, tmp_path: Path, caplog: pytest.LogCaptureFixture, show_child_names: bool
) -> None:
    if show_child_names:
        text = workspace.settings_path.read_text(encoding="utf-8")
        workspace.settings_path.write_text(
            text.replace("show_child_names = false", "show_child_names = true"), encoding="utf-8"
        )
    roster(workspace)
    caplog.set_level(logging.DEBUG)
    ws = str(workspace.root)
    sample = run("sample", case_list(tmp_path), "--n", "3", "-w", ws)
    assert sample.exit_code == 0, sample.output
    assert "Roster row(s) 3: the name or team is a child's name" in sample.output, sample.output
    with open_register(workspace) as register:
        assert {a.auditor for a in register.audits() if a.auditor} == {"Qa One"}
    outputs = [sample, run("generate", "-w", ws), *return_every_form_and_compile(workspace)]
    lines = [r.output for r in outputs] + [r.getMessage() for r in caplog.records]
    assert_named_nowhere(workspace, lines, named)
    manifest = next((workspace.outbox / "samples").glob("*.xlsx"))
    cells = [
        str(v)
        for sheet in openpyxl.load_workbook(manifest).worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    assert [c for c in cells if named(c)] == []
