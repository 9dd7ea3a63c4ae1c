"""SMART actions: immediate ones within working days (bank holidays excluded), success criteria and
impact on the child carried through, vague descriptions flagged."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, complete_form, drop, pack_docx
from lxml import etree

from qaf_docs.dates import working_days_after
from qaf_docs.demo.filling import FormFiller
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Outcome, ingest_inbox
from qaf_docs.office.content_controls import W_NS
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.reports.export import export_json
from qaf_docs.returns.audit_form import read_audit_form
from qaf_docs.returns.smart import is_vague
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends
W = f"{{{W_NS}}}"


@pytest.fixture
def workspace(tmp_path: Path, make_workspace: Callable[..., Workspace]) -> Workspace:
    """Bracknell's live case audit: the preset whose document limits immediate actions."""
    return make_workspace(
        tmp_path / "ws", council_name="Testshire Council", framework="live-case-audit"
    )


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (date(2026, 11, 16), 5, date(2026, 11, 23)),  # Monday: the next Monday
        (date(2026, 8, 27), 5, date(2026, 9, 4)),  # across the late summer bank holiday
        (date(2026, 12, 23), 5, date(2027, 1, 4)),  # Christmas, Boxing Day observed, New Year
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday: a weekend does not count
    ],
)
def test_working_days_skip_weekends_and_england_and_wales_bank_holidays(
    start: date, days: int, expected: date
) -> None:
    assert working_days_after(start, days) == expected


@pytest.mark.parametrize(
    "text, vague",
    [
        ("Improve practice", True),
        ("Review", True),
        ("  improve   PRACTICE. ", True),
        ("Update the chronology by the next supervision", False),
        ("See the child alone", False),
    ],
)
def test_vague_actions_are_recognised(text: str, vague: bool) -> None:
    assert is_vague(text) is vague


def _return(
    ws: Workspace, audit: AuditRecord, framework: Framework, due: date, what: str
) -> Outcome:
    form = complete_form(pack_docx(ws, audit), framework, actions=1)
    form.text("qaf_action_1", what).pick_date("qaf_action_1_due", due)
    form.tick("qaf_action_1_immediate")
    form.text("qaf_action_1_success", "The child is seen alone at every visit.")
    form.text("qaf_action_1_impact", "The child's views shape the plan.").save()
    drop(pack_docx(ws, audit), ws.inbox, f"{audit.audit_ref}.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    return outcome


def test_an_immediate_action_within_the_working_days_is_kept_with_its_smart_columns(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    days = framework.timescales.immediate_action_working_days
    assert days == 5  # Bracknell: "Immediate actions ... within 5 working days"
    due = working_days_after(TODAY, days)
    outcome = _return(workspace, issued[0], framework, due, "See the child alone this week")
    assert outcome.result == "accepted", outcome.findings
    with open_register(workspace) as register:
        item = next(
            a
            for a in json.loads(export_json(register))["audits"]
            if a["audit_ref"] == issued[0].audit_ref
        )
    [action] = item["actions"]
    assert action["immediate"] is True and action["due_on"] == due.isoformat()
    assert action["success_criteria"] == "The child is seen alone at every visit."
    assert action["impact_on_child"] == "The child's views shape the plan."


def test_an_immediate_action_due_after_the_working_day_limit_is_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    days = framework.timescales.immediate_action_working_days
    assert days == 5
    late = working_days_after(TODAY, days + 1)
    outcome = _return(workspace, issued[0], framework, late, "See the child alone this week")
    assert outcome.result == "rejected"
    note = (workspace.rejected / f"{issued[0].audit_ref}.docx.rejected.txt").read_text("utf-8")
    assert f"within {days} working days" in note
    assert f"on or before {working_days_after(TODAY, days):%d/%m/%Y}" in note
    with open_register(workspace) as register:
        assert register.submission_count() == 0


def test_a_vague_action_is_a_warning_or_an_error_as_set(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    due = working_days_after(TODAY, 2)
    first = _return(workspace, issued[0], framework, due, "Improve practice")
    assert first.result == "accepted"
    assert [f.severity for f in first.findings if "too vague" in f.message] == ["warning"]
    settings = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(
        settings + '\n[lifecycle]\nvague_actions = "error"\n', encoding="utf-8"
    )
    second = _return(workspace, issued[1], framework, due, "Improve practice")
    assert second.result == "rejected"
    assert "'Improve practice' is too vague to be SMART" in (
        workspace.rejected / f"{issued[1].audit_ref}.docx.rejected.txt"
    ).read_text("utf-8")


def _add_plain_row(path: Path, cells: list[str]) -> None:
    """Add a row to the actions table as Word's Tab in the last cell does: the row's cells are
    plain text, without the boxes of the rows qaf wrote, and type ``cells`` into them."""
    filler = FormFiller(path)
    table = filler.actions_table()
    row = copy.deepcopy(table.findall(f"{W}tr")[-1])
    for cell, typed in zip(row.findall(f"{W}tc"), cells, strict=True):
        for child in [c for c in cell if c.tag != f"{W}tcPr"]:
            cell.remove(child)
        run = etree.SubElement(etree.SubElement(cell, f"{W}p"), f"{W}r")
        etree.SubElement(run, f"{W}t").text = typed
    table.append(row)
    filler.save()


@pytest.mark.parametrize(
    "typed, immediate",
    [
        ("Yes.", True),
        ("Yes - within 5 days", True),
        ("Y", True),
        ("No", False),
        ("-", False),
        ("", False),
    ],
)
def test_immediate_typed_in_a_row_added_without_its_box_is_read(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    typed: str,
    immediate: bool,
) -> None:
    """A row added with Tab has no check box: the auditor types in the Immediate column (before,
    anything but a bare 'Yes' or a tick read as not immediate, without a word)."""
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework, actions=1).save()
    due = f"{TODAY + timedelta(days=2):%d/%m/%Y}"
    _add_plain_row(path, ["2", "Visit the child at school", "Social worker", due, typed, "", ""])
    form = read_audit_form(path, framework)
    assert [a.immediate for a in form.actions] == [False, immediate]
    assert form.findings == []


def test_a_word_in_the_immediate_column_that_says_neither_is_named(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework, actions=1).save()
    due = f"{TODAY + timedelta(days=2):%d/%m/%Y}"
    _add_plain_row(path, ["2", "Visit the child at school", "Social worker", due, "Maybe", "", ""])
    [found] = read_audit_form(path, framework).findings
    assert (found.where, found.message) == (
        "Action row 2: immediate",
        "'Maybe' does not say whether the action is immediate",
    )
    assert "Tick the box" in found.what_to_do


@pytest.mark.parametrize(
    "font, char, immediate",
    [("Wingdings", "F0FC", True), ("Wingdings 2", "F052", True), ("Wingdings", "F0FB", False)],
    ids=["Wingdings tick", "Wingdings 2 ticked box", "Wingdings cross"],
)
def test_a_tick_inserted_as_a_symbol_in_an_added_row_is_read(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    font: str,
    char: str,
    immediate: bool,
) -> None:
    """Word's Insert > Symbol writes a tick as a symbol, not as text: it was read as nothing, and
    the action the auditor ticked as immediate was recorded as not immediate, without a word."""
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework, actions=1).save()
    due = f"{TODAY + timedelta(days=2):%d/%m/%Y}"
    _add_plain_row(path, ["2", "Visit the child at school", "Social worker", due, "", "", ""])
    filler = FormFiller(path)
    immediate_cell = filler.actions_table().findall(f"{W}tr")[-1].findall(f"{W}tc")[4]
    run = immediate_cell.find(f"{W}p/{W}r")
    run.remove(run.find(f"{W}t"))
    etree.SubElement(run, f"{W}sym", {f"{W}font": font, f"{W}char": char})
    filler.save()
    form = read_audit_form(path, framework)
    assert [a.immediate for a in form.actions] == [False, immediate]
    assert form.findings == []
