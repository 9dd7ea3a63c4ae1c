"""The manager's action tracker says what the audit's framework says about actions.

A manager updating actions opens only the tracker; before, it told them which columns to fill and
nothing of the framework: not that actions must be SMART, the four-week limit, that actions stay
in supervision until the manager signs them off. Now the framework's own words sit above the
actions table, and the tracker still comes back and is read as before.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, pack_xlsx, plan_audits
from lifecycle_helpers import (
    SAVED_BY,
    current_actions,
    edit_tracker,
    return_form,
    run,
    set_cell,
)
from openpyxl import load_workbook

from qaf_docs.frameworks import Framework, load_framework
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.office.template_updates import older_template_note
from qaf_docs.packs.action_tracker import write_action_tracker
from qaf_docs.packs.details import PackAction, details_for
from qaf_docs.packs.fast_tracker import TrackerWriter
from qaf_docs.packs.generate import generate_packs
from qaf_docs.packs.tracker_guidance import action_guidance
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.workspace import TRACKER_TEMPLATE, Workspace, init_workspace


def _above_the_table(path: Path) -> list[str]:
    """Every text above the actions table, as the manager reads it, with its row's height."""
    sheet = load_workbook(path).worksheets[0]
    header = find_actions_header(sheet)
    assert header is not None
    return [
        str(c.value)
        for row in sheet.iter_rows(min_row=1, max_row=header - 1)
        for c in row
        if c.value is not None
    ]


def _guidance_cell(path: Path) -> tuple[str, float]:
    """The framework's words in the tracker and the height of their row."""
    sheet = load_workbook(path).worksheets[0]
    for row in sheet.iter_rows(max_row=find_actions_header(sheet)):
        for c in row:
            if isinstance(c.value, str) and "says about actions" in c.value:
                return c.value, float(sheet.row_dimensions[c.row].height or 15)
    raise AssertionError(f"no framework words in {path.name}: {_above_the_table(path)}")


def test_an_issued_tracker_quotes_what_the_framework_says_about_actions(
    issued: list[AuditRecord], workspace: Workspace
) -> None:
    text, height = _guidance_cell(pack_xlsx(workspace, issued[0]))
    lines = text.split("\n")
    assert lines[0] == "What the Collaborative audit framework says about actions:"
    # West Sussex's words: SMART, the four weeks, and the manager's sign-off.
    assert "• Actions must be timebound and SMART." in lines
    assert any("a date for completion (maximum 4 weeks)" in line for line in lines)
    assert any("signed off by the manager" in line for line in lines)
    # Tall enough to read every line, not cut off after the first.
    assert height >= 15 * len(lines)


def test_each_framework_prints_its_own_words_and_one_with_none_prints_nothing(
    tmp_path: Path,
) -> None:
    live = action_guidance(load_framework("live-case-audit"))
    assert "completed by the responsible manager within 5 working days" in live
    assert "Actions timescales should not be 'ASAP'" in live
    assert "maximum 4 weeks" not in live
    # The City of London framework says nothing of a case's actions: qaf adds nothing of its own.
    assert action_guidance(load_framework("independent-cycle-audit")) == ""
    ws = init_workspace(tmp_path / "ws", framework="independent-cycle-audit")
    with open_register(ws) as register:
        plan_audits(register, ws, 1)
        generate_packs(ws, register)
        [audit] = register.audits()
    above = _above_the_table(pack_xlsx(ws, audit))
    assert not [t for t in above if "says about actions" in t or "{{" in t]
    assert any(t.startswith("Managers: update Status") for t in above)


@pytest.mark.parametrize("saved_by", SAVED_BY)
def test_a_tracker_with_the_frameworks_words_still_comes_back_and_is_read(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, saved_by: str
) -> None:
    """Re-saved by Excel or Calc, the tracker with the framework's words above its table is read:
    the status typed is recorded, and the re-issued tracker carries the words too."""
    audit = issued[0]
    return_form(workspace, audit, framework)

    def edit(sheet: object, first: int) -> None:
        set_cell(sheet, first, Column.STATUS, "In progress")

    edit_tracker(workspace, audit, edit, saved_by)
    [outcome] = run(workspace)
    assert outcome.result == "accepted", outcome.line()
    assert current_actions(workspace, audit.audit_ref)[0].status == "In progress"
    # The tracker qaf writes again from the register (and hands to the manager) says it still.
    text, _ = _guidance_cell(pack_xlsx(workspace, audit))
    assert "signed off by the manager" in text


def test_the_fast_tracker_prints_the_words_as_the_plain_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = init_workspace(tmp_path / "ws")
    template = ws.template(TRACKER_TEMPLATE)
    words = action_guidance(load_framework("collaborative-audit"))
    record = AuditRecord(
        "R-0002", "2026-06", "100200", "Team", "Jo", "CP", None, "A. Auditor", "a@x.example",
        "collaborative-audit", "2", "abc123", "allocated", date(2026, 7, 1),
        "2026-06-01T09:00:00+01:00",
    )  # fmt: skip
    details = details_for(record, ws.load_settings(), kind="action_tracker", action_guidance=words)
    actions = [PackAction(1, "Update the plan", "Team manager", TODAY)]
    plain = write_action_tracker(template, details, actions, tmp_path / "plain.xlsx")
    # The words are the same on every tracker of the framework: never a reason for the slow path.
    monkeypatch.setattr("qaf_docs.packs.fast_tracker.write_action_tracker", None)
    fast = TrackerWriter(template, details).write(details, tmp_path / "fast.xlsx", actions)
    assert _guidance_cell(fast) == _guidance_cell(plain)
    assert _guidance_cell(fast)[0] == words


def test_an_older_tracker_template_is_told_it_lacks_the_frameworks_words(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    template = ws.template(TRACKER_TEMPLATE)
    wb = load_workbook(template)
    sheet = wb.worksheets[0]
    for row in sheet.iter_rows():
        for c in row:
            if c.value == "{{ action_guidance }}":
                c.value = None
    wb.save(template)
    note = older_template_note(template, ws.root, "The trackers were written from it as it is.")
    assert note is not None
    assert "what the framework says about actions, in its words" in note
