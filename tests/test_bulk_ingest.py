"""A burst of files: read on every core, recorded in batches, each file still all-or-nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import complete_form, drop, pack_docx, pack_xlsx, plan_audits
from openpyxl import load_workbook

from qaf_docs.errors import RegisterError
from qaf_docs.frameworks import Framework
from qaf_docs.inbox import bulk, derived
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.office import parallel
from qaf_docs.office.action_sheet import find_actions_header
from qaf_docs.office.parts import sha256_file
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.derived import ACTION_TRACKER, QA_TRACKER
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace


@pytest.fixture
def burst(workspace: Workspace, framework: Framework) -> list[AuditRecord]:
    """Seven completed forms in the inbox, the fifth with an invalid due date, plus a duplicate."""
    with Register.open(workspace.register_path) as register:
        plan_audits(register, workspace, 7)
        generate_packs(workspace, register)
        audits = register.audits()
    for i, audit in enumerate(audits):
        form = complete_form(pack_docx(workspace, audit), framework)
        if i == 4:
            form.text("qaf_action_1_due", "ASAP")
        form.save()
        drop(pack_docx(workspace, audit), workspace.inbox, f"form {i}.docx")
    drop(pack_docx(workspace, audits[0]), workspace.inbox, "form 0 again.docx")
    return audits


@pytest.fixture(params=["one core", "two cores"])
def cores(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "BATCH", 3)  # several batches from a small burst
    if request.param == "two cores":
        monkeypatch.setenv("QAF_WORKERS", "2")
        monkeypatch.setattr(parallel, "POOL_FROM", 0)
    else:
        monkeypatch.setenv("QAF_WORKERS", "1")


def _recorded(ws: Workspace) -> dict[str, str]:
    with sqlite3.connect(ws.register_path) as db:
        return dict(db.execute("SELECT sha256, outcome FROM ingested_files").fetchall())


def test_a_burst_ends_with_every_file_recorded_once_or_rejected(
    workspace: Workspace, burst: list[AuditRecord], cores: None
) -> None:
    outcomes = ingest_inbox(workspace, settle_s=0.05)
    results = sorted(o.result for o in outcomes)
    assert results == ["accepted"] * 6 + ["duplicate", "rejected"]
    assert list(workspace.inbox.glob("*.docx")) == []
    assert len(list(workspace.processed.glob("*.docx"))) == 6
    assert (workspace.rejected / "form 4.docx.rejected.txt").exists()
    assert (workspace.rejected / "form 0 again.docx.rejected.txt").exists()
    with Register.open(workspace.register_path) as register:
        assert register.submission_count() == 6


def test_no_file_moves_before_its_batch_is_committed(
    workspace: Workspace, burst: list[AuditRecord], cores: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_move = bulk.move_without_clobber
    seen_committed: list[bool] = []

    def checked_move(path: Path, folder: Path) -> Path:
        # Another connection sees only committed data: the file's outcome must already be there.
        seen_committed.append(sha256_file(path) in _recorded(workspace))
        return real_move(path, folder)

    monkeypatch.setattr(bulk, "move_without_clobber", checked_move)
    monkeypatch.setattr("qaf_docs.inbox.ingest.move_without_clobber", checked_move)
    ingest_inbox(workspace, settle_s=0.05)
    assert seen_committed == [True] * 8


def test_one_file_that_cannot_be_recorded_leaves_the_rest_of_its_batch_recorded(
    workspace: Workspace, burst: list[AuditRecord], cores: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = burst[1].audit_ref
    real = Register.record_audit_submission

    def flaky(self: Register, form, warnings, **kwargs) -> int:  # type: ignore[no-untyped-def]
        row = real(self, form, warnings, **kwargs)
        if form.identity.audit_ref == victim:  # fails after writing: the savepoint must undo it
            raise RegisterError("simulated failure for one file")
        return row

    monkeypatch.setattr(Register, "record_audit_submission", flaky)
    outcomes = ingest_inbox(workspace, settle_s=0.05)
    waiting = [o for o in outcomes if o.result == "waiting"]
    assert [o.label for o in waiting] == [f"audit {victim}"]
    assert (workspace.inbox / "form 1.docx").exists()
    assert len(list(workspace.processed.glob("*.docx"))) == 5
    with Register.open(workspace.register_path) as register:
        assert register.submission_count() == 5
        assert register.ingested(sha256_file(workspace.inbox / "form 1.docx")) is None


def test_each_audit_tracker_is_written_once_per_burst(
    workspace: Workspace, burst: list[AuditRecord], cores: None
) -> None:
    ingest_inbox(workspace, settle_s=0.05)
    accepted = [a for i, a in enumerate(burst) if i != 4]
    for audit in accepted:
        tracker = pack_xlsx(workspace, audit)
        rows = [r for r in load_workbook(tracker).worksheets[0].iter_rows(values_only=True)]
        assert any("Action number 1" in [str(v) for v in r] for r in rows), audit.audit_ref
    rejected = pack_xlsx(workspace, burst[4])
    assert not any(
        "Action number 1" in [str(v) for v in r]
        for r in load_workbook(rejected).worksheets[0].iter_rows(values_only=True)
    )


def test_a_resubmitted_audit_gets_one_tracker_for_the_burst(
    workspace: Workspace, framework: Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QAF_WORKERS", "1")
    with Register.open(workspace.register_path) as register:
        plan_audits(register, workspace, 1)
        generate_packs(workspace, register)
        [audit] = register.audits()
    path = pack_docx(workspace, audit)
    complete_form(path, framework).save()
    drop(path, workspace.inbox, "first.docx")
    complete_form(path, framework, grade="Outstanding").save()
    drop(path, workspace.inbox, "second.docx")
    written: list[Path] = []
    real = derived.write_tracker_job  # the burst's trackers are written through inbox.derived

    def counting(job: derived.TrackerJob) -> str | None:
        written.append(job.out)
        return real(job)

    monkeypatch.setattr(derived, "write_tracker_job", counting)
    outcomes = ingest_inbox(workspace, settle_s=0.05)
    assert [o.result for o in outcomes] == ["accepted", "accepted"]
    assert written == [pack_xlsx(workspace, audit)]


def test_a_burst_records_what_each_tracker_reflects_and_counts_each_batch_once(
    workspace: Workspace, burst: list[AuditRecord], cores: None
) -> None:
    with Register.open(workspace.register_path) as register:
        before = register.changes()
    ingest_inbox(workspace, settle_s=0.05)
    with Register.open(workspace.register_path) as register:
        # Eight files in batches of three: three commits, however many savepoints they held.
        assert register.changes() - before == 3
        stamps = register.derived_stamps()
        states = register.action_tracker_states()
        assert len(states) == 6
        for audit_ref, state in states.items():
            assert stamps[ACTION_TRACKER + audit_ref] == state, "tracker stamped as derived expects"
        assert stamps[QA_TRACKER] == register.changes()
        # Nothing is behind: the catch-up after the burst has nothing left to write.
        assert (
            derived.bring_up_to_date(workspace, register, workspace.load_settings()).written == []
        )


def test_qafs_own_failure_on_one_file_leaves_it_in_the_inbox_and_the_rest_go_in(
    workspace: Workspace,
    burst: list[AuditRecord],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("QAF_WORKERS", "1")  # the stand-in failure lives in this process
    real = bulk.read_audit_form
    broken = sha256_file(workspace.inbox / "form 2.docx")

    def fails_on_one(package: object, *args: object) -> object:
        if sha256_file(package.path) == broken:  # type: ignore[attr-defined]
            raise RuntimeError("a bug in qaf, quoting Childname Surname")
        return real(package, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk, "read_audit_form", fails_on_one)
    outcomes = ingest_inbox(workspace, settle_s=0.05)
    waiting = [o for o in outcomes if o.result == "waiting" and "could not read it" in o.detail]
    assert len(waiting) == 1 and "(an unexpected problem in qaf)" in waiting[0].detail
    assert "RuntimeError" not in waiting[0].detail + caplog.text, "plain words, not Python's"
    assert "stays in the inbox" in waiting[0].detail
    assert (workspace.inbox / "form 2.docx").exists()  # nothing lost, nothing half-recorded
    assert broken not in _recorded(workspace)
    assert sum(o.result == "accepted" for o in outcomes) == 5  # the others, but the invalid one
    assert "Childname" not in caplog.text and "form 2" not in caplog.text


def _accepted_audit(workspace: Workspace, framework: Framework) -> AuditRecord:
    """One audit whose completed form is in: its manager's tracker is what comes back next."""
    with Register.open(workspace.register_path) as register:
        plan_audits(register, workspace, 1)
        generate_packs(workspace, register)
        [audit] = register.audits()
    complete_form(pack_docx(workspace, audit), framework, actions=2).save()
    drop(pack_docx(workspace, audit), workspace.inbox, "form.docx")
    ingest_inbox(workspace, settle_s=0.05)
    return audit


def test_a_tracker_renamed_docx_is_still_read_as_the_workbook_it_is(
    workspace: Workspace, framework: Framework
) -> None:
    audit = _accepted_audit(workspace, framework)
    tracker = pack_xlsx(workspace, audit)
    wb = load_workbook(tracker)  # an update (one sent back as issued records nothing)
    wb.worksheets[0].cell(row=find_actions_header(wb.worksheets[0]) + 1, column=5, value="WIP")
    wb.save(tracker)
    drop(tracker, workspace.inbox, "tracker saved with the wrong name.docx")
    [outcome] = ingest_inbox(workspace, settle_s=0.05)
    assert outcome.result == "accepted", outcome
    assert not (workspace.inbox / "tracker saved with the wrong name.docx").exists()


def test_a_tracker_with_a_managers_own_sheet_in_front_is_read_from_the_actions_sheet(
    workspace: Workspace, framework: Framework
) -> None:
    audit = _accepted_audit(workspace, framework)
    wb = load_workbook(pack_xlsx(workspace, audit))
    wb.worksheets[0].cell(
        row=find_actions_header(wb.worksheets[0]) + 1, column=5, value="In progress"
    )
    wb.create_sheet("My notes", 0)["A1"] = "Discussed in supervision"
    wb.save(workspace.inbox / "tracker.xlsx")
    [outcome] = ingest_inbox(workspace, settle_s=0.05)
    assert outcome.result == "accepted", outcome
    with Register.open(workspace.register_path) as register:
        statuses = [a.status for a in register.current_actions(audit.audit_ref)]
    assert statuses[0] == "In progress"
