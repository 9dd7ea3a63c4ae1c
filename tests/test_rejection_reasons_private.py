"""What a rejected file's problems leave in the register, ``qaf status`` and ``qaf history``.

The note beside the file quotes what was typed, so the manager can find it; the register's one-line
reason, which status and history print and the register keeps, leaves typed text out, since a
manager's tracker or an auditor's form may name the child in any cell.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import complete_form, drop, pack_docx, plan_audits
from lifecycle_helpers import edit_tracker, note_beside, return_form, run

from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Ingestor
from qaf_docs.office.action_sheet import Column
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

CHILD = "Zebedee Quixley"


def _named_by_manager(sheet: object, first: int) -> None:
    sheet.cell(row=first, column=Column.STATUS).value = f"{CHILD} says done"  # type: ignore[attr-defined]
    sheet.cell(row=first, column=Column.COMPLETED).value = f"when {CHILD} is back"  # type: ignore[attr-defined]


def test_a_childs_name_typed_in_a_tracker_stays_in_the_note_and_out_of_status_and_history(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    assert return_form(workspace, audit, framework).result == "accepted"
    edit_tracker(workspace, audit, _named_by_manager)
    [outcome] = run(workspace)
    assert outcome.result == "rejected"

    note = note_beside(workspace, "tracker.xlsx")
    assert f"'{CHILD} says done' is not a status" in note, "the note still quotes the cell"

    ws = str(workspace.root)
    status = CliRunner().invoke(cli, ["-v", "status", "-w", ws]).output
    history = CliRunner().invoke(cli, ["-v", "history", audit.audit_ref, "-w", ws]).output
    assert "Status: '…' is not a status" in status, status  # still says which cell and why
    with open_register(workspace) as reg:
        kept = [f.reason or "" for f in reg.recent_rejections(50)]
    for text in [status, history, *kept]:
        assert "Zebedee" not in text and "Quixley" not in text


@pytest.mark.parametrize("one_at_a_time", [False, True], ids=["ingest", "watch"])
def test_a_childs_name_typed_as_a_due_date_stays_out_of_the_audits_history(
    workspace: Workspace, register: Register, framework: Framework, one_at_a_time: bool
) -> None:
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    form = complete_form(pack_docx(workspace, audit), framework)
    dropped = drop(form.text("qaf_action_1_due", f"when {CHILD} is back").save(), workspace.inbox)
    if one_at_a_time:  # as qaf watch takes each file as it arrives
        outcome = Ingestor(workspace, register, workspace.load_settings()).process(dropped)
    else:
        [outcome] = run(workspace)
    assert outcome.result == "rejected"
    assert f"'when {CHILD} is back' is not a concrete date" in note_beside(
        workspace,
        outcome.moved_to.name,  # type: ignore[union-attr]
    )
    history = CliRunner().invoke(cli, ["history", audit.audit_ref, "-w", str(workspace.root)])
    assert "due date: '…' is not a concrete date" in history.output, history.output
    with open_register(workspace) as reg:
        reasons = [e.reason or "" for e in reg.events(audit.audit_ref)]
    for text in [history.output, *reasons]:
        assert "Zebedee" not in text and "Quixley" not in text


def test_a_long_reason_in_qaf_status_is_cut_at_a_word_and_says_the_note_has_the_rest(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """It was cut at 140 characters mid-word ("… Inadequa"), leaving a QA lead to guess the rest."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    form = complete_form(pack_docx(workspace, audit), framework)
    form.choose(f"qaf_grade_{framework.domains[0].key}", "Goodish").text("qaf_action_1_owner", "")
    drop(form.save(), workspace.inbox)
    assert [o.result for o in run(workspace)] == ["rejected"]
    [reason] = [r.reason or "" for r in register.recent_rejections(5)]
    assert len(reason) > 140

    status = CliRunner().invoke(cli, ["status", "-w", str(workspace.root)]).output
    [line] = [x for x in status.splitlines() if x.startswith(f"  {audit.audit_ref}: ")]
    shown, rest = line.removeprefix(f"  {audit.audit_ref}: ").split(" … ")
    assert rest == "(the note has the rest)"
    assert reason.startswith(shown) and not reason[len(shown)].isalnum(), "cut between two words"


def test_a_files_problems_read_as_numbered_sentences_in_status_and_history(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    # Joined with "; " after each problem's own full stop, they read "….; Action row 2: …".
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    form = complete_form(pack_docx(workspace, audit), framework)
    drop(
        form.text("qaf_action_1_due", "ASAP").text("qaf_action_2_owner", "").save(), workspace.inbox
    )
    [outcome] = run(workspace)
    assert outcome.result == "rejected"

    ws = str(workspace.root)
    history = CliRunner().invoke(cli, ["history", audit.audit_ref, "-w", ws]).output
    [line] = [x for x in history.splitlines() if "-> rejected" in x]
    said = line.split("-> rejected", 1)[1].strip()
    assert said.startswith("(1) Action row 1: due date: 'ASAP' is not a concrete date"), said
    assert " (2) Action row 2: owner: no owner named." in said, said
    status = CliRunner().invoke(cli, ["status", "-w", ws]).output
    assert f"{audit.audit_ref}: (1) Action row 1: due date:" in status, status
    for text in (history, status):
        assert ".;" not in text


def test_qaf_ingest_json_gives_a_problem_without_the_text_typed_in_the_file(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    """A scheduled script's ``qaf ingest --json`` goes to its log: its problems quoted the due
    date as typed ("'when Zebedee Quixley is back' is not a concrete date") where the printed
    line says "see the note" and qaf status puts '…'. A grade qaf offered is still quoted."""
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    audit = register.audits()[0]
    form = complete_form(pack_docx(workspace, audit), framework)
    form.text("qaf_action_1_due", f"when {CHILD} is back").text("qaf_overall_rationale", "")
    drop(form.save(), workspace.inbox, "form.docx")
    result = CliRunner().invoke(cli, ["ingest", "--json", "-w", str(workspace.root)])
    assert result.exit_code == 3, result.output
    [rejected] = json.loads(result.output)["files"]
    said = [f"{p['where']}: {p['message']}" for p in rejected["problems"]]
    assert "Action row 1: due date: '…' is not a concrete date" in said, said
    assert "Zebedee" not in result.output.replace(str(rejected["note"]), "")
    assert "Overall rationale: the overall grade 'Good' has no rationale" in said, said
    assert f"'when {CHILD} is back' is not a concrete date" in note_beside(workspace, "form.docx")
