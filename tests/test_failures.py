"""Failures a user can meet — a full disk, a read-only folder, a file held open by Word, a crashed or
refused watcher — end in one ``Error:`` line and a non-zero exit, or are retried by the watcher by
itself; nothing already recorded is lost and nothing is left half-done."""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import complete_form, pack_docx, plan_audits

from qaf_docs.cli import cli
from qaf_docs.errors import QafError, RegisterError, os_error_advice
from qaf_docs.inbox import derived, ingest, watch
from qaf_docs.inbox.ingest import WATCH_LOCK, ingest_inbox
from qaf_docs.inbox.lock import WatcherLock
from qaf_docs.inbox.watch import watch_inbox
from qaf_docs.inbox.watcher import InboxWatcher
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.store import Register
from qaf_docs.safe_output import process_alive, remove_leftover_temp_files
from qaf_docs.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("Error:"), result.output
    assert result.output.strip().count("\n") == 0, result.output
    return result.output


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def ready_form(ws: Workspace, name: str = "form.docx") -> AuditRecord:
    """Issue one audit and drop its completed form in the inbox, already settled."""
    with Register.open(ws.register_path) as register:
        plan_audits(register, ws, 1)
        generate_packs(ws, register)
        audit = register.audits()[-1]
    complete_form(pack_docx(ws, audit), ws.load_framework()).save()
    shutil.copyfile(pack_docx(ws, audit), ws.inbox / name)
    old = time.time() - 3600
    os.utime(ws.inbox / name, (old, old))
    return audit


def sharing_violation() -> OSError:
    """What Windows raises for a file Word holds open (Linux cannot produce it)."""
    error = PermissionError(errno.EACCES, "The process cannot access the file", "QA_tracker.xlsx")
    error.winerror = 32  # type: ignore[attr-defined]
    return error


# -- one line of advice for every failure ------------------------------------------------------


@pytest.mark.parametrize(
    "error, words",
    [
        (OSError(errno.ENOSPC, "No space left on device", "x"), "disk is full"),
        (OSError(errno.EROFS, "Read-only file system", "outbox"), "read-only"),
        (PermissionError(errno.EACCES, "Permission denied", "outbox"), "permissions"),
        (sharing_violation(), "open in another program"),
    ],
)
def test_a_failed_write_is_one_error_line_with_advice(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, error: OSError, words: str
) -> None:
    def fail(*args: Any, **kwargs: Any) -> Path:
        raise error

    monkeypatch.setattr(derived.reports, "build_tracker", fail)
    message = one_line_error(CliRunner().invoke(cli, ["report", "-w", str(workspace.root)]))
    assert words in message


def test_a_full_disk_in_the_register_is_one_error_line_and_the_form_waits(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready_form(workspace)

    def full(*args: Any, **kwargs: Any) -> None:
        import sqlite3

        from qaf_docs.register.connection import database_error

        raise database_error(sqlite3.OperationalError("database or disk is full"), None)

    monkeypatch.setattr(Register, "record_audit_submission", full)
    message = one_line_error(CliRunner().invoke(cli, ["ingest", "-w", str(workspace.root)]))
    assert "disk that holds it is full" in message
    assert (workspace.inbox / "form.docx").exists(), "the form stays for the next run"
    monkeypatch.undo()
    result = CliRunner().invoke(cli, ["ingest", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in workspace.processed.iterdir()] == ["form.docx"]


def test_a_read_only_outbox_is_one_error_line_and_the_next_run_finishes(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = ready_form(workspace)

    def read_only(*args: Any, **kwargs: Any) -> Path:
        raise OSError(errno.EROFS, "Read-only file system", str(workspace.processed))

    monkeypatch.setattr(ingest, "move_without_clobber", read_only)
    message = one_line_error(CliRunner().invoke(cli, ["ingest", "-w", str(workspace.root)]))
    assert "read-only" in message
    monkeypatch.undo()
    result = CliRunner().invoke(cli, ["ingest", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in workspace.processed.iterdir()] == ["form.docx"]
    with Register.open(workspace.register_path) as register:
        assert register.submission(audit.audit_ref) is not None
        assert len(register.results()[0].actions) == 2


def tracker_save_fails(monkeypatch: pytest.MonkeyPatch, error: OSError) -> None:
    """XlsxWriter's save fails as on a full disk or a read-only outbox: it wraps the OSError in
    its own FileCreateError, which is not an OSError."""
    from xlsxwriter.workbook import Workbook

    def fail(self: Workbook) -> None:
        raise OSError(error.errno, error.strerror, self.filename)

    monkeypatch.setattr(Workbook, "_store_workbook", fail)


@pytest.mark.parametrize(
    "error, words",
    [
        (OSError(errno.ENOSPC, "No space left on device"), "The disk is full"),
        (PermissionError(errno.EPERM, "Operation not permitted"), "qaf may not write"),
    ],
)
def test_a_tracker_that_cannot_be_saved_is_one_error_line_naming_it(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, error: OSError, words: str
) -> None:
    tracker_save_fails(monkeypatch, error)
    message = one_line_error(CliRunner().invoke(cli, ["report", "-w", str(workspace.root)]))
    assert words in message
    assert f"({workspace.tracker_path})" in message, "the file the user knows, not a temp name"
    assert "FileCreateError" not in message and ".tmp" not in message
    assert not [p for p in workspace.outbox.iterdir() if ".tmp" in p.name]


def test_an_ingest_whose_tracker_cannot_be_saved_says_what_happened_to_each_file(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = ready_form(workspace)
    tracker_save_fails(monkeypatch, PermissionError(errno.EPERM, "Operation not permitted"))
    result = CliRunner().invoke(cli, ["ingest", "-w", str(workspace.root)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "FileCreateError" not in result.output
    *said, error = result.output.strip().splitlines()
    assert said[0].startswith(f"audit {audit.audit_ref}: accepted"), "each file's line comes first"
    assert "1 accepted, 0 rejected" in said[1]
    assert error.startswith("Error: 1 file(s) handled: 1 accepted, but these outputs could not")
    assert f"QA_tracker.xlsx: qaf may not write or read ({workspace.tracker_path})" in error
    assert error.endswith(". They are written at the next qaf ingest, qaf watch or qaf report.")
    assert ".." not in error
    assert [p.name for p in workspace.processed.iterdir()] == ["form.docx"]
    monkeypatch.undo()
    result = CliRunner().invoke(cli, ["report", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert workspace.tracker_path.exists()


def test_a_processed_folder_qaf_may_not_write_is_one_line_naming_the_folder_not_the_file(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready_form(workspace, "Zelda128 Childname audit.docx")
    real_open = os.open

    def protected(path: Any, flags: int, *args: Any) -> int:
        if Path(path).parent == workspace.processed:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr("qaf_docs.inbox.moves.os.open", protected)
    message = one_line_error(CliRunner().invoke(cli, ["ingest", "-w", str(workspace.root)]))
    assert message.strip() == (
        "Error: qaf may not write to outbox/processed: check the folder's permissions; the file "
        "is recorded and waits in the inbox"
    )
    monkeypatch.undo()
    assert CliRunner().invoke(cli, ["ingest", "-w", str(workspace.root)]).exit_code == 0
    assert [p.name for p in workspace.processed.iterdir()] == ["Zelda128 Childname audit.docx"]


# -- a real small filesystem (root may mount one; otherwise the simulations above stand) ----------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a small filesystem here (the simulated tests cover this)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def qaf(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qaf_docs", *args, "--workspace", str(ws.root)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=180,
    )


def assert_one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), proc.stderr
    return lines[0]


def test_a_full_disk_and_a_read_only_disk_for_real(small_disk: Path) -> None:
    from qaf_docs.workspace import init_workspace

    ws = init_workspace(small_disk / "ws")
    audit = ready_form(ws)
    filler = small_disk / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\1" * 4096):
            pass
    except OSError as full:
        assert full.errno == errno.ENOSPC
    finally:
        os.close(fd)
    line = assert_one_error_line(qaf(ws, "ingest"))
    assert "full" in line
    assert not (ws.inbox / WATCH_LOCK).exists(), "no lock left behind by a full disk"
    filler.unlink()
    done = qaf(ws, "ingest")
    assert done.returncode == 0, done.stderr
    with Register.open(ws.register_path) as register:
        assert register.submission(audit.audit_ref) is not None
    ready_form(ws, "second.docx")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    line = assert_one_error_line(qaf(ws, "ingest"))
    assert "read-only" in line or "may not write" in line
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert qaf(ws, "ingest").returncode == 0
    assert sorted(p.name for p in ws.processed.iterdir()) == ["form.docx", "second.docx"]


# -- locks -----------------------------------------------------------------------------------------


def test_a_full_disk_at_start_leaves_no_empty_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / WATCH_LOCK

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(json, "dump", full)
    with pytest.raises(QafError, match="The disk is full"):
        WatcherLock(path).acquire()
    assert list(tmp_path.iterdir()) == [], "neither a lock nor its temporary file is left"


@pytest.fixture
def root_log() -> Iterator[None]:
    """Put back the root logger as it was before a test's `qaf watch` (its level, its handlers)."""
    root = logging.getLogger()
    level, before = root.level, list(root.handlers)
    yield
    root.setLevel(level)
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()


@pytest.mark.parametrize("command", ["watch", "ingest"])
def test_a_read_only_inbox_is_one_plain_error_line_for_watch_as_for_ingest(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, root_log: None, command: str
) -> None:
    """chattr +i on the inbox: root's writes are refused there (chmod would not stop root)."""

    def read_only(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted", "x.lock.1234.tmp")

    monkeypatch.setattr(WatcherLock, "_create", read_only)
    result = CliRunner().invoke(cli, [command, "-w", str(workspace.root)])
    line = result.output.strip().splitlines()[-1]
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "PermissionError" not in result.output
    assert line == (
        f"Error: qaf may not write or read ({workspace.inbox}): it is read-only, protected, or "
        "open in another program. Close it or check the folder's permissions (ask IT), then run "
        "the command again."
    )
    if command == "watch":
        log = (workspace.root / "logs" / "qaf-watch.log").read_text(encoding="utf-8")
        assert f"qaf watch stopped: qaf may not write or read ({workspace.inbox})" in log
        assert "Traceback" not in log and "unexpected" not in log


def test_an_empty_lock_left_by_an_older_qaf_is_taken_over_at_once(tmp_path: Path) -> None:
    path = tmp_path / WATCH_LOCK
    path.write_text("")
    old = time.time() - 30
    os.utime(path, (old, old))
    with WatcherLock(path) as lock:
        assert lock.held
        assert json.loads(path.read_text())["pid"] == os.getpid()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_killed_but_unreaped_watcher_counts_as_dead(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        assert wait_for(lambda: "Z" in Path(f"/proc/{child.pid}/stat").read_text().split(")")[1])
        assert not process_alive(child.pid)
        path = tmp_path / WATCH_LOCK
        record = {"pid": child.pid, "host": os.uname().nodename, "token": "zombie"}
        path.write_text(json.dumps({**record, "started_at": time.time(), "heartbeat": time.time()}))
        with WatcherLock(path) as lock:
            assert lock.held
    finally:
        child.wait()


@pytest.mark.parametrize("run", ["watch", "ingest"])
def test_a_refused_second_watcher_touches_nothing(workspace: Workspace, run: str) -> None:
    (workspace.rejected / "form.docx").write_bytes(b"a rejected form")
    # A temporary file whose writer has gone: a run holding the lock would clean it up.
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    leftover = workspace.rejected / f".form.docx.rejected.{gone.pid}-0badcafe.tmp.txt"
    leftover.write_text("half a note")
    with WatcherLock(workspace.inbox / WATCH_LOCK):
        before = sorted(p.name for p in workspace.root.rglob("*"))
        with pytest.raises(QafError, match="Another watcher"):
            if run == "watch":
                watch_inbox(workspace, poll=True, stop=threading.Event())
            else:
                ingest_inbox(workspace, settle_s=0)
        assert sorted(p.name for p in workspace.root.rglob("*")) == before


def test_temporary_files_of_killed_writers_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    packs = tmp_path / "packs" / "round"
    packs.mkdir(parents=True)
    killed = packs / f".QA2611-0001.{dead.pid}-0123abcd.tmp.xlsx"
    mine = packs / f".QA2611-0002.{os.getpid()}-0123abcd.tmp.xlsx"
    killed.write_bytes(b"half")
    mine.write_bytes(b"being written")
    assert remove_leftover_temp_files(tmp_path / "packs", recursive=True) == 1
    assert not killed.exists() and mine.exists()


# -- the watcher retries by itself -------------------------------------------------------------


def test_the_watcher_retries_a_file_after_a_temporary_failure(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "form.docx").write_bytes(b"x" * 100)
    attempts: list[str] = []
    done: list[str] = []

    def process(path: Path) -> None:
        attempts.append(path.name)
        if len(attempts) < 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        done.append(path.name)
        path.unlink()

    stop = threading.Event()
    watcher = InboxWatcher(
        inbox,
        process,
        lambda: None,
        poll=True,
        scan_interval_s=0.05,
        debounce_s=0.05,
        min_stable_s=0.0,
        retry_locked_s=0.05,
        lock_path=tmp_path / "lock",
        log=logging.getLogger("test.retry"),
    )
    thread = threading.Thread(target=watcher.run, args=(stop,))
    thread.start()
    try:
        assert wait_for(lambda: done == ["form.docx"]), attempts
    finally:
        stop.set()
        thread.join(timeout=30)
    assert len(attempts) == 3, "retried by itself, without the file changing"


def test_the_watcher_retries_an_end_of_burst_update_that_could_not_finish(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    calls: list[float] = []

    def burst_end() -> bool:
        calls.append(time.monotonic())
        return len(calls) >= 3  # behind twice (disk full), then caught up

    stop = threading.Event()
    watcher = InboxWatcher(
        inbox,
        lambda p: None,
        burst_end,
        on_start=lambda: None,
        poll=True,
        scan_interval_s=0.05,
        retry_locked_s=0.05,
        lock_path=tmp_path / "lock",
        log=logging.getLogger("test.burst"),
    )
    thread = threading.Thread(target=watcher.run, args=(stop,))
    thread.start()
    try:
        assert wait_for(lambda: len(calls) >= 3)
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert len(calls) == 3, "caught up at start, retried until done, then quiet"


def test_a_watched_form_recorded_while_the_disk_was_full_and_its_note_come_through(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready_form(workspace)
    (workspace.inbox / "letter.docx").write_bytes(b"%PDF-1.4 not a form")
    real_record = Register.record_audit_submission
    real_note = ingest.write_note
    failures = {"record": 1, "note": 1}

    def record_once_full(self: Register, *args: Any, **kwargs: Any) -> None:
        if failures["record"]:
            failures["record"] -= 1
            raise RegisterError("The register could not be used: database or disk is full.")
        real_record(self, *args, **kwargs)

    def note_once_full(moved: Path, text: str) -> Path:
        if failures["note"]:
            failures["note"] -= 1
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_note(moved, text)

    monkeypatch.setattr(Register, "record_audit_submission", record_once_full)
    monkeypatch.setattr(ingest, "write_note", note_once_full)
    real_watcher = watch.InboxWatcher

    def quick(*args: Any, **kwargs: Any) -> InboxWatcher:
        return real_watcher(*args, **{**kwargs, "retry_locked_s": 0.1, "debounce_s": 0.1})

    monkeypatch.setattr(watch, "InboxWatcher", quick)
    stop = threading.Event()
    thread = threading.Thread(
        target=watch_inbox,
        args=(workspace,),
        kwargs={"poll": True, "scan_interval_s": 0.1, "stop": stop},
    )
    thread.start()
    try:
        assert wait_for(lambda: (workspace.processed / "form.docx").exists())
        assert wait_for(lambda: (workspace.rejected / "letter.docx.rejected.txt").exists())
    finally:
        stop.set()
        thread.join(timeout=30)
    assert failures == {"record": 0, "note": 0}


def drop_letter(ws: Workspace, name: str) -> None:
    """Drop a file that is not a form (it is rejected), already settled."""
    (ws.inbox / name).write_bytes(b"%PDF-1.4 not a form " + name.encode("utf-8"))
    old = time.time() - 3600
    os.utime(ws.inbox / name, (old, old))


def test_a_rejected_file_with_a_long_non_ascii_name_never_blocks_later_runs(
    workspace: Workspace,
) -> None:
    """81 Chinese characters and ".docx" are 248 bytes: the note's name (+13) used to be too long
    for the disk, and every later run failed on writing it."""
    long_name = "审核表" * 27 + ".docx"
    drop_letter(workspace, long_name)
    (outcome,) = ingest_inbox(workspace, settle_s=0.05)
    assert outcome.result == "rejected" and outcome.note is not None and outcome.note.exists()
    # One an older qaf set aside under its full name, whose note it could never write.
    (workspace.rejected / ("记录" + long_name)).write_bytes(b"%PDF-1.4 set aside earlier")
    audit = ready_form(workspace)
    outcomes = ingest_inbox(workspace, settle_s=0.05)
    assert [(o.audit_ref, o.result) for o in outcomes] == [(audit.audit_ref, "accepted")]
    notes = sorted(workspace.rejected.glob("*.rejected.txt"))
    assert len(notes) == 2, "the older file's note is written too, under a shorter name"
    assert all(len(n.name.encode("utf-8")) <= 255 for n in notes)
    assert "qaf stopped while setting this file aside" in notes[0].read_text(encoding="utf-8") + (
        notes[1].read_text(encoding="utf-8")
    )


def test_a_note_that_cannot_be_written_holds_up_no_other_file_and_comes_later(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qaf_docs.inbox import notes

    audit = ready_form(workspace)
    drop_letter(workspace, "letter one.docx")
    drop_letter(workspace, "letter two.docx")

    def full(*args: Any, **kwargs: Any) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(notes, "atomic_write", full)
    outcomes = ingest_inbox(workspace, settle_s=0.05)
    assert sorted(o.result for o in outcomes) == ["accepted", "rejected", "rejected"]
    assert not list(workspace.inbox.glob("*.docx")), "every file was dealt with"
    assert [p.name for p in workspace.processed.iterdir()] == ["form.docx"]
    assert not list(workspace.rejected.glob("*.rejected.txt"))
    monkeypatch.undo()
    ingest_inbox(workspace, settle_s=0.05)
    assert len(list(workspace.rejected.glob("*.rejected.txt"))) == 2, "written at the next run"
    with Register.open(workspace.register_path) as register:
        assert register.submission(audit.audit_ref) is not None


def test_os_error_advice_never_quotes_more_than_the_file_name() -> None:
    advice = os_error_advice(OSError(errno.ENOSPC, "No space left on device", "/ws/outbox/x.xlsx"))
    assert advice.count("\n") == 0 and "Free some space" in advice


def test_a_register_lost_after_the_files_were_recorded_says_they_were_handled(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server went away after the batch committed: the line must not say the files wait in
    the inbox (they were recorded and moved), or the admin drops them all again."""
    from qaf_docs.errors import RegisterUnavailableError
    from qaf_docs.register.connection import KEEPS

    ready_form(workspace)

    def server_gone(*args: Any, **kwargs: Any) -> None:
        raise RegisterUnavailableError(
            f"The register could not be used: the connection is closed. {KEEPS}"
        )

    monkeypatch.setattr(derived, "bring_up_to_date", server_gone)
    with pytest.raises(QafError) as caught:
        ingest_inbox(workspace, settle_s=0.05)
    message = str(caught.value)
    assert message.startswith("1 file(s) handled: 1 accepted (do not drop them again)")
    assert "the next qaf ingest" in message and "connection is closed" in message
    assert "stay in the inbox" not in message
    assert not list(workspace.inbox.glob("*.docx"))
    assert len(list(workspace.processed.glob("*.docx"))) == 1


def test_a_form_word_has_open_is_left_alone_until_it_is_closed(workspace: Workspace) -> None:
    """Word's owner file ("~$" and the name less its first two characters) beside a form means
    someone is still editing it: it is not read, nothing is recorded, and it goes in once closed."""
    audit = ready_form(workspace, name="QA form.docx")
    owner = workspace.inbox / "~$ form.docx"
    owner.write_bytes(b"\x0bSam Auditor")
    [held] = ingest_inbox(workspace, settle_s=0.05)
    assert (held.label, held.result) == ("a file open in Word or Excel", "waiting")
    # Explorer hides the owner file: the line says what holds the form back and when it goes in.
    assert "Word's owner file, named ~$" in held.detail and "once it is closed" in held.detail
    assert (workspace.inbox / "QA form.docx").exists()
    with Register.open(workspace.register_path) as register:
        assert register.submission(audit.audit_ref) is None
    owner.unlink()  # Word closed it
    assert [o.result for o in ingest_inbox(workspace, settle_s=0.05)] == ["accepted"]


def test_a_form_libreoffice_has_open_is_left_alone_until_it_is_closed(workspace: Workspace) -> None:
    """LibreOffice's lock file (".~lock.<name>#") says the same as Word's owner file. Before, the
    form was read (and moved out of the inbox, on a share without locks) while still being edited."""
    audit = ready_form(workspace, name="QA form.docx")
    lock = workspace.inbox / ".~lock.QA form.docx#"
    lock.write_text(",Sam Auditor,QA-LAPTOP,24.11.2026 09:02,file:///C:/Users/sam;", "utf-8")
    [held] = ingest_inbox(workspace, settle_s=0.05)
    assert (held.label, held.result) == ("a file open in Word or Excel", "waiting")
    assert "LibreOffice's .~lock...#" in held.detail
    assert (workspace.inbox / "QA form.docx").exists()
    with Register.open(workspace.register_path) as register:
        assert register.submission(audit.audit_ref) is None
    lock.unlink()  # LibreOffice closed it
    assert [o.result for o in ingest_inbox(workspace, settle_s=0.05)] == ["accepted"]


def test_an_owner_file_word_left_behind_long_ago_holds_nothing_back(workspace: Workspace) -> None:
    ready_form(workspace, name="QA2611-0001.docx")
    owner = workspace.inbox / "~$2611-0001.docx"
    owner.write_bytes(b"\x0bSam Auditor")
    old = time.time() - 24 * 3600  # Word crashed yesterday and never removed it
    os.utime(owner, (old, old))
    assert [o.result for o in ingest_inbox(workspace, settle_s=0.05)] == ["accepted"]
