"""Ingest: every file ends up recorded once or rejected with a note; nothing is lost or read twice."""

from __future__ import annotations

import logging
import os
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import hostile_files as hf
import pytest
from conftest import TODAY, complete_form, drop, pack_docx, pack_xlsx
from openpyxl import load_workbook

from qaf_docs.frameworks import Framework
from qaf_docs.inbox import ingest
from qaf_docs.inbox.ingest import Ingestor, ingest_inbox
from qaf_docs.office.action_sheet import find_actions_header
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace, init_workspace

pytestmark = pytest.mark.both_backends


def _run(ws: Workspace) -> list[ingest.Outcome]:
    return ingest_inbox(ws, settle_s=0.05)


def _note(ws: Workspace, name: str) -> str:
    return (ws.rejected / f"{name}.rejected.txt").read_text(encoding="utf-8")


def _submissions(ws: Workspace) -> int:
    with open_register(ws) as register:
        return register.submission_count()


def test_a_valid_form_is_recorded_and_moved_to_processed(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    complete_form(pack_docx(workspace, issued[0]), framework).save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "done.docx")
    [outcome] = _run(workspace)
    assert outcome.result == "accepted" and outcome.audit_ref == issued[0].audit_ref
    assert (workspace.processed / "done.docx").exists() and not (
        workspace.inbox / "done.docx"
    ).exists()
    assert workspace.tracker_path.exists()
    assert _submissions(workspace) == 1


def test_a_rejected_file_is_kept_unchanged_beside_a_note_that_names_the_field(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).text("qaf_action_1_due", "ASAP").save()
    dropped = drop(path, workspace.inbox, "needs work.docx")
    original = dropped.read_bytes()
    [outcome] = _run(workspace)
    assert outcome.result == "rejected"
    assert (workspace.rejected / "needs work.docx").read_bytes() == original
    note = _note(workspace, "needs work.docx")
    assert "Action row 1: due date: 'ASAP' is not a concrete date" in note
    assert issued[0].audit_ref in note and "What to do" in note
    assert "Nothing from this file has been recorded" in note
    assert _submissions(workspace) == 0


def test_a_bad_file_does_not_stop_the_good_ones_behind_it(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    (workspace.inbox / "a scanned letter.docx").write_bytes(b"%PDF-1.7 this is not a Word file")
    for audit in issued[:2]:
        complete_form(pack_docx(workspace, audit), framework).save()
        drop(pack_docx(workspace, audit), workspace.inbox)
    results = sorted(o.result for o in _run(workspace))
    assert results == ["accepted", "accepted", "rejected"]
    note = _note(workspace, "a scanned letter.docx")
    assert "Traceback" not in note and "What to do" in note


def test_the_same_form_dropped_twice_is_recorded_once(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    complete_form(pack_docx(workspace, issued[0]), framework).save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "first.docx")
    _run(workspace)
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "copy of first.docx")
    [outcome] = _run(workspace)
    assert outcome.result == "duplicate"
    assert "exact copy of 'first.docx'" in _note(workspace, "copy of first.docx")
    assert _submissions(workspace) == 1


def test_a_resubmission_supersedes_and_keeps_history(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework, grade="Requires improvement").save()
    drop(path, workspace.inbox, "v1.docx")
    _run(workspace)
    complete_form(path, framework, grade="Good").save()
    drop(path, workspace.inbox, "v2.docx")
    assert [o.result for o in _run(workspace)] == ["accepted"]
    with open_register(workspace) as register:
        assert register.submission_count(issued[0].audit_ref) == 2
        current = register.submission(issued[0].audit_ref)
        assert current is not None and current.overall_grade == "Good"


def test_an_ingest_interrupted_after_commit_is_finished_without_recording_twice(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    complete_form(pack_docx(workspace, issued[0]), framework).save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "form.docx")

    def power_cut(*args: object, **kwargs: object) -> Path:
        raise KeyboardInterrupt  # the process dies after the commit, before the move

    with monkeypatch.context() as patched, pytest.raises(KeyboardInterrupt):
        patched.setattr(ingest, "move_without_clobber", power_cut)
        _run(workspace)
    assert (workspace.inbox / "form.docx").exists() and _submissions(workspace) == 1
    [outcome] = _run(workspace)
    assert outcome.result == "accepted" and outcome.detail == "finished an interrupted ingest"
    assert (workspace.processed / "form.docx").exists()
    assert _submissions(workspace) == 1


def _set_property(path: Path, name: str, value: str) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/custom.xml":
                text = data.decode()
                start = text.index(f'name="{name}"')
                v0 = text.index("<vt:lpwstr>", start) + len("<vt:lpwstr>")
                v1 = text.index("</vt:lpwstr>", v0)
                data = (text[:v0] + value + text[v1:]).encode()
            dst.writestr(item, data)
    tmp.replace(path)


@pytest.mark.parametrize(
    "prop, value, words",
    [
        ("qaf_audit_ref", "QA9999-0001", "is not in this workspace's register"),
        ("qaf_workspace_id", "another-council", "issued by another qaf workspace"),
        ("qaf_template_version", "0badc0ffee00", "template version"),
        ("qaf_case_id", "999", "is for case"),
    ],
)
def test_forms_that_do_not_belong_here_are_rejected_with_the_reason(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    prop: str,
    value: str,
    words: str,
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).save()
    _set_property(path, prop, value)
    drop(path, workspace.inbox, "form.docx")
    [outcome] = _run(workspace)
    assert outcome.result == "rejected"
    assert words in _note(workspace, "form.docx")
    assert _submissions(workspace) == 0


def test_a_form_from_another_workspace_is_rejected(
    tmp_path: Path, workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    complete_form(pack_docx(workspace, issued[0]), framework).save()
    other = init_workspace(tmp_path / "other-council")
    drop(pack_docx(workspace, issued[0]), other.inbox, "form.docx")
    [outcome] = _run(other)
    assert outcome.result == "rejected"
    # Not "audit QA…: rejected", which would alarm whoever holds this workspace's own QA… .
    assert outcome.label == f"audit {issued[0].audit_ref} of another workspace"
    note = _note(other, "form.docx")
    assert "another qaf workspace" in note and "own audits are not affected" in note
    assert "Send the file to the QA team that issued it" in note
    assert "Send the file back" not in note


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (hf.empty, "The file is empty (0 bytes)"),
        (hf.truncated, "damaged or incomplete"),
        (hf.plain_zip, "a zip archive"),
        (hf.xxe, "Do not open the file"),
        # What admin staff drop instead of the form. Before: "save it as a Word document" (an
        # e-mail, a shortcut) or "save the sheet as an Excel workbook" (a web link).
        (hf.outlook_message, "Open the e-mail, save the attached form"),
        (hf.saved_e_mail, "Open the e-mail, save the attached form"),
        (hf.shortcut, "Copy the form itself into the inbox"),
        (hf.web_link, "Open the link, download the form"),
    ],
)
@pytest.mark.parametrize("one_at_a_time", [False, True])
def test_a_file_with_nothing_for_its_author_to_correct_is_not_sent_back_to_them(
    workspace: Workspace, build: object, says: str, one_at_a_time: bool
) -> None:
    """An empty or cut-short copy, or a zip of the form, is for the admin officer to copy again or
    unzip, and a file that may have been tampered with must not be opened at all: the note does
    not go on to ask the author to open it in Word and put right 'each point above'."""
    dropped: Path = build(workspace.inbox)  # type: ignore[operator]
    long_ago = time.time() - 3600  # there long enough not to be taken for a copy still arriving
    os.utime(dropped, (long_ago, long_ago))
    if one_at_a_time:  # as `qaf watch` takes a single file
        with open_register(workspace) as register:
            outcome = Ingestor(workspace, register, workspace.load_settings()).process(dropped)
    else:
        [outcome] = _run(workspace)
    assert outcome.result == "rejected"
    note = _note(workspace, dropped.name)
    assert says in note and "nothing to put right in the file itself: follow the advice" in note
    assert "Send the file back" not in note and "put right each point" not in note


def test_a_rejection_note_dragged_back_into_the_inbox_is_said_to_be_qafs_own_note(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """Admin staff return a rejected form with its note, and drop both back in the inbox with
    the corrected form: the note is told apart from a CSV someone saved, with nothing to fix."""
    complete_form(pack_docx(workspace, issued[0]), framework).text(
        "qaf_action_1_due", "ASAP"
    ).save()
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "form.docx")
    assert [o.result for o in _run(workspace)] == ["rejected"]
    drop(
        workspace.rejected / "form.docx.rejected.txt", workspace.inbox, "form (2).docx.rejected.txt"
    )
    [outcome] = _run(workspace)
    assert outcome.result == "rejected"
    note = _note(workspace, "form (2).docx.rejected.txt")
    assert "one of qaf's own notes" in note and "Delete this copy of the note" in note
    assert "CSV" not in note and "Send the file back" not in note
    assert "ASAP" in _note(workspace, "form.docx")  # the note it was a copy of is still there


def test_an_empty_file_is_named_as_empty_while_it_waits_not_as_still_arriving(
    workspace: Workspace,
) -> None:
    """A 0-byte file may be a copy about to start, or a failed one: the line says which it may be
    and when it will be refused, rather than calling a copy that never started 'still arriving'."""
    (workspace.inbox / "QA2611-0005.docx").write_bytes(b"")
    [outcome] = _run(workspace)
    assert (outcome.label, outcome.result) == ("an empty file (0 bytes)", "waiting")
    assert "still empty 10 minutes after it appeared, it is refused with a note" in outcome.detail
    assert (workspace.inbox / "QA2611-0005.docx").exists()


def test_files_still_arriving_and_office_lock_files_are_left_alone(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    data = pack_docx(workspace, issued[0]).read_bytes()
    (workspace.inbox / "half copied.docx").write_bytes(data[: len(data) // 2])
    (workspace.inbox / "~$form.docx").write_bytes(b"owner file")
    outcomes = _run(workspace)
    assert [o.result for o in outcomes] == ["waiting"]
    assert (workspace.inbox / "half copied.docx").exists() and (
        workspace.inbox / "~$form.docx"
    ).exists()
    assert not any(workspace.rejected.iterdir())


def test_no_child_name_in_logs_notes_or_chosen_file_names(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    complete_form(pack_docx(workspace, issued[0]), framework).text(
        "qaf_action_1_due", "soon"
    ).save()
    complete_form(pack_docx(workspace, issued[1]), framework).save()
    for audit in issued[:2]:
        drop(pack_docx(workspace, audit), workspace.inbox)
    _run(workspace)
    notes = " ".join(p.read_text() for p in workspace.rejected.glob("*.txt"))
    chosen_names = " ".join(str(p) for p in workspace.outbox.rglob("*"))
    for text in (caplog.text, notes, chosen_names):
        assert "Childname" not in text


def _return_tracker(
    workspace: Workspace, audit: AuditRecord, framework: Framework, status: str, done: object
) -> Path:
    complete_form(pack_docx(workspace, audit), framework).save()
    drop(pack_docx(workspace, audit), workspace.inbox)
    _run(workspace)
    tracker = pack_xlsx(workspace, audit)
    wb = load_workbook(tracker)
    ws = wb.worksheets[0]
    row = find_actions_header(ws) + 1
    assert ws.cell(row=row, column=2).value == "Action number 1", (
        "the re-issued tracker lists the agreed actions"
    )
    ws.cell(row=row, column=5, value=status)
    ws.cell(row=row, column=6, value=done)
    ws.cell(row=row, column=7, value="=cmd|' /C calc'!A0")
    wb.save(tracker)
    return drop(tracker, workspace.inbox, "tracker.xlsx")


def test_a_returned_tracker_updates_action_status(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _return_tracker(workspace, issued[0], framework, "complete", TODAY)
    assert [o.result for o in _run(workspace)] == ["accepted"]
    with open_register(workspace) as register:
        first, second = register.current_actions(issued[0].audit_ref)
    assert (first.status, first.completed_on) == ("Completed", TODAY)
    assert first.evidence.startswith("=cmd")
    assert second.status == "Not started" and second.due_on == TODAY + timedelta(days=14)
    tracker = load_workbook(workspace.tracker_path)["Actions"]
    evidence_cells = [
        c
        for row in tracker.iter_rows()
        for c in row
        if isinstance(c.value, str) and "cmd" in c.value
    ]
    assert all(c.data_type == "s" for c in evidence_cells), "typed text must never become a formula"


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("Completed.", "Completed"),
        ("in-progress", "In progress"),
        ("Done (see notes)", "Completed"),
    ],
)
def test_a_status_typed_with_punctuation_or_a_remark_is_read(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str, status: str
) -> None:
    done = TODAY if status == "Completed" else None  # a date belongs to a Completed action only
    _return_tracker(workspace, issued[0], framework, typed, done)
    assert [o.result for o in _run(workspace)] == ["accepted"]
    with open_register(workspace) as register:
        assert register.current_actions(issued[0].audit_ref)[0].status == status


@pytest.mark.parametrize(
    "status, done, where, words",
    [
        ("Overdue", None, "Status", "Overdue is worked out by qaf"),
        ("Finished-ish", None, "Status", "'Finished-ish' is not a status"),
        ("Completed", "yesterday", "Completion date", "'yesterday' is not a date"),
    ],
)
def test_a_tracker_with_mistakes_is_rejected_naming_row_and_column(
    workspace: Workspace,
    issued: list[AuditRecord],
    framework: Framework,
    status: str,
    done: object,
    where: str,
    words: str,
) -> None:
    _return_tracker(workspace, issued[0], framework, status, done)
    [outcome] = _run(workspace)
    assert outcome.result == "rejected"
    note = _note(workspace, "tracker.xlsx")
    # The first action's row, as the manager sees it in Excel.
    first = find_actions_header(load_workbook(pack_xlsx(workspace, issued[0])).worksheets[0]) + 1
    assert f"Row {first}: {where}" in note and words in note


@pytest.mark.parametrize("one_at_a_time", [False, True], ids=["burst", "watcher"])
def test_a_file_without_an_identity_has_its_reference_in_its_note(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, one_at_a_time: bool
) -> None:
    """Admin staff match the ingest's "file #1a2b3c4d: rejected" line to the note beside it."""
    from docx import Document

    from qaf_docs.inbox.ingest import Ingestor
    from qaf_docs.office.parts import sha256_file

    stripped = pack_docx(workspace, issued[0])
    complete_form(stripped, framework).save()
    with (
        zipfile.ZipFile(stripped) as src,
        zipfile.ZipFile(workspace.inbox / "form.docx", "w") as dst,
    ):
        for item in src.infolist():  # its custom properties stripped by another program
            if item.filename != "docProps/custom.xml":
                dst.writestr(item, src.read(item.filename))
    Document().save(str(workspace.inbox / "minutes.docx"))  # a stray document
    labels = {p.name: f"file #{sha256_file(p)[:8]}" for p in workspace.inbox.glob("*.docx")}
    if one_at_a_time:
        with open_register(workspace) as register:
            ingestor = Ingestor(workspace, register, workspace.load_settings())
            outcomes = [ingestor.process(p) for p in sorted(workspace.inbox.glob("*.docx"))]
    else:
        outcomes = _run(workspace)
    assert sorted((o.label, o.result) for o in outcomes) == sorted(
        (label, "rejected") for label in labels.values()
    )
    for name, label in labels.items():
        note = _note(workspace, name)
        assert f"File:      {name}" in note and "Audit:     not identified" in note
        assert f"Reference: {label} (as qaf's output and log name this file)" in note
        assert "Childname" not in note
