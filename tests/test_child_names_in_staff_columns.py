"""A child's name typed (or shifted) into a case list's team or worker column goes nowhere.

Team and worker names become folder names, e-mail file names and greetings, and ``qaf status``
warnings; a child's name among them would reach all of those. The case list is where it is caught.
"""

from __future__ import annotations

import logging
from pathlib import Path

import openpyxl
import pytest
from privacy_checks import assert_named_nowhere, return_every_form_and_compile, run

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

CHILDREN = ("Zebedee Quixley", "Ottoline Brackenbury", "Ptolemy Vantongeren")
#: Any part of a child's name, as a grep over qaf's output would look for it.
NAME_PARTS = {part.casefold() for name in CHILDREN for part in name.split()}


def case_list(folder: Path) -> Path:
    """Three children; the first row's worker is its own child's name (nbsp and all), the second
    row's team is the first child's name in capitals: the two ways an export gets it wrong."""
    rows = [
        "Child ID,Child Name,Allocated Team,Allocated Worker,Start Date",
        "7001,Zebedee Quixley,Locality 1,Zebedee\u00a0Quixley,01/02/2025",
        "7002,Ottoline Brackenbury,ZEBEDEE QUIXLEY,Sam Worker,01/02/2025",
        "7003,Ptolemy Vantongeren,Locality 2,Kim Worker,01/02/2025",
    ]
    path = folder / "cases.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def named(text: str) -> list[str]:
    """The parts of a child's name that ``text`` carries."""
    folded = text.casefold()
    return sorted(part for part in NAME_PARTS if part in folded)


def test_a_team_or_worker_that_is_a_childs_name_is_left_blank_and_reported_without_it(
    tmp_path: Path,
) -> None:
    cases = read_case_list(case_list(tmp_path))
    by_id = {c.case_id: c for c in cases.cases}
    assert by_id["7001"].worker is None and by_id["7001"].team == "Locality 1"
    assert by_id["7002"].team is None and by_id["7002"].worker == "Sam Worker"
    assert (by_id["7003"].team, by_id["7003"].worker) == ("Locality 2", "Kim Worker")
    assert cases.rows_kept == 3, "the cases are still sampled, with no team or worker"

    said = {(p.row, p.column): p.reason for p in cases.problems}
    assert "the worker is a child's name" in said[(2, "Allocated Worker")]
    assert "the team is a child's name" in said[(3, "Allocated Team")]
    assert not [named(str(p)) for p in cases.problems if named(str(p))]


def test_a_worker_who_shares_no_name_with_a_child_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "Child ID,Child Name,Allocated Team,Allocated Worker\n7001,Zebedee Quixley,Locality 1,"
        "Zebedee Smith\n",
        encoding="utf-8",
    )
    cases = read_case_list(path)
    assert cases.cases[0].worker == "Zebedee Smith"
    assert not [p for p in cases.problems if "child" in p.reason]


@pytest.mark.parametrize("show_child_names", [False, True])
def test_a_childs_name_in_the_staff_columns_reaches_no_log_line_message_or_file_name(
    workspace: Workspace,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    show_child_names: bool,
) -> None:
    if show_child_names:  # the forms then print the name: the only place it belongs
        text = workspace.settings_path.read_text(encoding="utf-8")
        workspace.settings_path.write_text(
            text.replace("show_child_names = false", "show_child_names = true"), encoding="utf-8"
        )
    roster = openpyxl.Workbook()
    roster.active.append(["Name", "Email", "Role", "Team", "Monthly capacity"])
    roster.active.append(["Qa One", "qa1@c.example", "QA Auditor", "Quality Assurance", 5])
    roster.save(workspace.root / "roster.xlsx")
    caplog.set_level(logging.DEBUG)
    ws = str(workspace.root)
    outputs = [run("sample", case_list(tmp_path), "--n", "3", "-w", ws)]
    outputs.append(run("generate", "-w", ws))
    with open_register(workspace) as register:
        audits = register.audits()
        assert {a.worker or "" for a in audits} == {"", "Sam Worker", "Kim Worker"}
        assert {a.team or "" for a in audits} == {"", "Locality 1", "Locality 2"}
    outputs += return_every_form_and_compile(workspace)
    assert "3 accepted" in outputs[2].output, outputs[2].output
    assert all(r.exit_code in (0, 4) for r in outputs), [r.output for r in outputs]
    lines = [r.output for r in outputs] + [r.getMessage() for r in caplog.records]
    assert_named_nowhere(workspace, lines, named)
