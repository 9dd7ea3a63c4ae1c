"""Derived files follow the register: every manager's action tracker and QA_tracker.xlsx agree with
it after any interruption, at the next run, without anyone running ``qaf report``."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, complete_form, pack_docx, pack_xlsx, plan_audits
from openpyxl import load_workbook

from qaf_docs.errors import QafError
from qaf_docs.frameworks import Framework
from qaf_docs.inbox import bulk, derived
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.office.action_sheet import find_actions_header
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.derived import QA_TRACKER
from qaf_docs.register.store import Register
from qaf_docs.returns.action_tracker import read_tracker
from qaf_docs.workspace import Workspace

KILL_ROUNDS = int(os.environ.get("QAF_DERIVED_KILL_ROUNDS", "8"))


def tracker_cells(path: Path) -> set[str]:
    wb = load_workbook(path, read_only=True)
    return {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row}


def assert_outputs_agree_with_register(ws: Workspace) -> int:
    """Check every returned audit's manager tracker and QA_tracker.xlsx against the register."""
    with Register.open(ws.register_path) as register:
        returned = [a for a in register.audits() if register.submission(a.audit_ref)]
        for audit in returned:
            expected = [
                (a.description, a.status) for a in register.current_actions(audit.audit_ref)
            ]
            form = read_tracker(pack_xlsx(ws, audit))
            got = [(r.description, r.status) for r in form.rows]
            assert got == expected, f"the tracker of {audit.audit_ref} is behind the register"
        assert register.derived_stamps().get(QA_TRACKER) == register.changes()
    cells = tracker_cells(ws.tracker_path)
    for audit in returned:
        assert audit.audit_ref in cells, f"{audit.audit_ref} is missing from QA_tracker.xlsx"
    return len(returned)


def issue(ws: Workspace, count: int) -> list[AuditRecord]:
    with Register.open(ws.register_path) as register:
        plan_audits(register, ws, count)
        generate_packs(ws, register)
        return register.audits()


def form_for(
    ws: Workspace, framework: Framework, audit: AuditRecord, folder: Path, actions: list[str]
) -> Path:
    """A completed copy of the audit's form with these actions, saved in ``folder``."""
    folder.mkdir(exist_ok=True)
    copy = folder / f"{audit.audit_ref}-{len(list(folder.iterdir()))}.docx"
    shutil.copyfile(pack_docx(ws, audit), copy)
    f = complete_form(copy, framework, actions=0)
    for n, text in enumerate(actions, start=1):
        f.text(f"qaf_action_{n}", text).text(f"qaf_action_{n}_owner", "Team manager")
        f.pick_date(f"qaf_action_{n}_due", date_in(7 * n))
    f.save()
    return copy


def date_in(days: int) -> date:
    return TODAY + timedelta(days=days)


def test_a_tracker_not_written_by_an_interrupted_run_is_written_by_the_next(
    workspace: Workspace, framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (audit,) = issue(workspace, 1)
    form = form_for(workspace, framework, audit, tmp_path / "forms", ["Update the plan"])
    shutil.copyfile(form, workspace.inbox / "form.docx")

    def disk_full(*args: Any, **kwargs: Any) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    # A burst's trackers are written from the template filled once (fast_tracker), one tracker
    # alone plainly: the disk is full for both.
    monkeypatch.setattr(derived.tracker_pack, "write_action_tracker", disk_full)
    monkeypatch.setattr(derived.TrackerWriter, "write", disk_full)
    with pytest.raises(QafError, match="disk is full"):
        ingest_inbox(workspace, settle_s=0)
    # The form is recorded and moved: the inbox is empty, only the tracker is behind.
    assert list(workspace.processed.iterdir())
    assert read_tracker(pack_xlsx(workspace, audit)).rows == []
    monkeypatch.undo()
    assert ingest_inbox(workspace, settle_s=0) == []  # nothing new in the inbox …
    assert assert_outputs_agree_with_register(workspace) == 1  # … and yet it caught up


def test_a_missing_or_stale_qa_tracker_is_rebuilt_by_the_next_run(
    workspace: Workspace, framework: Framework, tmp_path: Path
) -> None:
    audits = issue(workspace, 2)
    shutil.copyfile(
        form_for(workspace, framework, audits[0], tmp_path / "f", ["Visit weekly"]),
        workspace.inbox / "a.docx",
    )
    ingest_inbox(workspace, settle_s=0)
    workspace.tracker_path.unlink()
    ingest_inbox(workspace, settle_s=0)
    assert workspace.tracker_path.exists()
    # Stale: the register moved on (another process recorded a form) after the tracker was built.
    with Register.open(workspace.register_path) as register:
        register.mark_issued(
            audits[1].audit_ref,
            framework_version="2",
            template_version="x",
            issued_at=TODAY.isoformat(),
        )
        assert register.derived_stamps()[QA_TRACKER] < register.changes()
    ingest_inbox(workspace, settle_s=0)
    assert_outputs_agree_with_register(workspace)


def test_a_resubmission_replaces_the_actions_and_keeps_updates_only_for_those_still_there(
    workspace: Workspace, framework: Framework, tmp_path: Path
) -> None:
    (audit,) = issue(workspace, 1)
    forms = tmp_path / "forms"
    first = form_for(workspace, framework, audit, forms, ["Update the plan", "Visit weekly"])
    shutil.copyfile(first, workspace.inbox / "first.docx")
    ingest_inbox(workspace, settle_s=0)
    # The manager marks both actions done in the re-issued tracker and sends it back.
    returned = tmp_path / "tracker.xlsx"
    shutil.copyfile(pack_xlsx(workspace, audit), returned)
    wb = load_workbook(returned)
    sheet = wb.worksheets[0]
    first_row = find_actions_header(sheet) + 1
    for row in (first_row, first_row + 1):
        sheet.cell(row=row, column=5, value="Completed")
        sheet.cell(row=row, column=6, value=date_in(0))
    wb.save(returned)
    shutil.copyfile(returned, workspace.inbox / "tracker.xlsx")
    ingest_inbox(workspace, settle_s=0)
    # The auditor then resubmits the form: action 1 reworded, action 2 kept, a new action 3.
    second = form_for(
        workspace,
        framework,
        audit,
        forms,
        ["Write a new safety plan", "Visit weekly", "Refer to the family hub"],
    )
    shutil.copyfile(second, workspace.inbox / "second.docx")
    ingest_inbox(workspace, settle_s=0)
    with Register.open(workspace.register_path) as register:
        actions = register.current_actions(audit.audit_ref)
        exported = register.results()[0].actions
    assert [(a.description, a.status) for a in actions] == [
        ("Write a new safety plan", "Not started"),
        ("Visit weekly", "Completed"),
        ("Refer to the family hub", "Not started"),
    ]
    assert [a.description for a in exported] == [a.description for a in actions]
    assert_outputs_agree_with_register(workspace)


def _drop_forms(ws: Workspace, framework: Framework, count: int, staging: Path) -> int:
    audits = issue(ws, count)
    staging.mkdir()
    for i, audit in enumerate(audits):
        form_for(ws, framework, audit, staging, [f"Action for case {i}", "Review in a month"])
    # A resubmission of the first audit with different actions, dropped in the same burst.
    form_for(ws, framework, audits[0], staging, ["A different action"])
    for path in sorted(staging.iterdir()):
        shutil.move(str(path), ws.inbox / path.name)
    old = time.time() - 3600
    for path in ws.inbox.iterdir():
        os.utime(path, (old, old))
    return count + 1


def _qaf(ws: Workspace, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.Popen(
        [sys.executable, "-m", "qaf_docs", *args, "--workspace", str(ws.root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )


def _settled(ws: Workspace) -> int:
    return sum(1 for p in ws.processed.iterdir()) + sum(
        1 for p in ws.rejected.iterdir() if not p.name.endswith(".txt")
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
def test_killing_ingest_during_processing_leaves_outputs_that_the_next_run_repairs(
    workspace: Workspace, framework: Framework, tmp_path: Path
) -> None:
    # Enough files that an idle machine is still busy with them when the kill comes. A burst is
    # recorded in batches (inbox/bulk.py) and nothing settles before its batch commits: three
    # batches, so a kill soon after the first files settle finds others still being recorded.
    dropped = _drop_forms(workspace, framework, 2 * bulk.BATCH + 16, tmp_path / "staging")
    rng = random.Random(int(os.environ.get("QAF_CRASH_SEED", "20261122")))
    kills = 0
    for _ in range(KILL_ROUNDS):
        if _settled(workspace) >= dropped:
            break
        before = _settled(workspace)
        proc = _qaf(workspace, "ingest")
        # Kill while files are being read, recorded, moved and trackers written — not in the wait.
        deadline = time.monotonic() + 30
        while proc.poll() is None and _settled(workspace) == before:
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        # Soon after: a burst is recorded in well under a second now, and the loop must interrupt
        # at least two runs before the last one finishes the job.
        time.sleep(rng.uniform(0.0, 0.05))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    assert kills >= 2, "the loop must actually interrupt processing"
    final = _qaf(workspace, "ingest")
    _, err = final.communicate(timeout=180)
    assert final.returncode == 0, err.decode()
    assert b"Traceback" not in err
    assert not list(workspace.inbox.glob("*.docx"))
    assert assert_outputs_agree_with_register(workspace) == dropped - 1
    leftovers = [p for p in [*workspace.outbox.glob(".*.tmp*"), *workspace.packs.rglob(".*.tmp*")]]
    assert leftovers == [], "temporary files of killed runs are cleaned"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
def test_killing_the_watcher_during_processing_is_repaired_when_it_starts_again(
    workspace: Workspace, framework: Framework, tmp_path: Path
) -> None:
    dropped = _drop_forms(workspace, framework, 6, tmp_path / "staging")
    rng = random.Random(7)
    for _ in range(3):
        before = _settled(workspace)
        if before >= dropped:
            break
        proc = _qaf(workspace, "watch", "--interval", "0.5")
        deadline = time.monotonic() + 60
        while _settled(workspace) == before and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    watcher = _qaf(workspace, "watch", "--interval", "0.5")
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if _settled(workspace) >= dropped:
                try:
                    assert_outputs_agree_with_register(workspace)
                    break
                except (AssertionError, OSError, KeyError):
                    pass
            time.sleep(0.3)
    finally:
        watcher.send_signal(signal.SIGINT)
        _, err = watcher.communicate(timeout=60)
    assert b"Traceback" not in err
    assert assert_outputs_agree_with_register(workspace) == dropped - 1
