"""Tests for qaf_docs.inbox.watcher: the inbox loop under bursts, bad files, litter, locks and lost shares.

Watchers run in a thread with short intervals; tests wait for conditions (never fixed sleeps alone)
and use generous deadlines so a loaded 2-core machine does not make them flaky.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hostile_files as hf
import pytest

from qaf_docs.errors import (
    FileInUseError,
    QafError,
    RegisterError,
    RegisterUnavailableError,
    RegisterUnreachableError,
    UnsafeFileError,
)
from qaf_docs.inbox.lock import WatcherLock
from qaf_docs.inbox.moves import move_without_clobber
from qaf_docs.inbox.watcher import TOGETHER_FROM, InboxWatcher
from qaf_docs.office.parts import sha256_file

DEADLINE_S = 45.0
LOG = logging.getLogger("qaf_docs.test_watch")


def wait_for(condition: Callable[[], bool], timeout: float = DEADLINE_S) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` passes; return whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


class Harness:
    """A watcher on a tmp inbox that records what it processed and how many bursts ended."""

    def __init__(
        self,
        root: Path,
        *,
        poll: bool,
        process: Callable[[Path], None] | None = None,
        move: bool = True,
        lock_path: Path | None = None,
        together: Callable[[list[Path]], list[Path]] | None = None,
        on_start: Callable[[], None] | None = None,
        check_register: Callable[[], None] | None = None,
        **options: float,
    ) -> None:
        self.inbox = root / "inbox"
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.done = root / "processed"
        self.processed: list[str] = []
        self.bursts = 0
        self.move = move
        self.stop = threading.Event()
        self._guard = threading.Lock()
        self._extra = process
        settings: dict[str, float] = {
            "scan_interval_s": 0.1,
            "debounce_s": 0.5,
            "min_stable_s": 0.05,
            "heartbeat_s": 0.2,
            "retry_locked_s": 0.2,
        }
        settings.update(options)
        self.watcher = InboxWatcher(
            self.inbox,
            self._process,
            self._burst_end,
            process_files=together,
            on_start=on_start,
            check_register=check_register,
            poll=poll,
            lock_path=lock_path or root / "watch.lock",
            log=LOG,
            **settings,  # type: ignore[arg-type]
        )
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            self.watcher.run(self.stop)
        except BaseException as exc:
            self.error = exc

    def _process(self, path: Path) -> None:
        if self._extra is not None:
            self._extra(path)
        with self._guard:
            self.processed.append(path.name)
        if self.move:
            move_without_clobber(path, self.done)

    def _burst_end(self) -> None:
        with self._guard:
            self.bursts += 1

    def count(self) -> int:
        with self._guard:
            return len(self.processed)

    @contextmanager
    def running(self) -> Iterator[Harness]:
        self.thread.start()
        try:
            assert wait_for(lambda: self.watcher.lock.held or self.error is not None)
            yield self
        finally:
            self.stop.set()
            self.thread.join(timeout=DEADLINE_S)
            assert not self.thread.is_alive(), "the watcher did not stop"


def drop(folder: Path, name: str, data: bytes | None = None) -> Path:
    """Write a file into the inbox the way a copy does: in place, in two pieces."""
    data = hf.valid_docx_bytes() if data is None else data
    path = folder / name
    with path.open("wb") as handle:
        handle.write(data[: len(data) // 2])
        handle.flush()
        handle.write(data[len(data) // 2 :])
    return path


MODES = [pytest.param(True, id="poll"), pytest.param(False, id="events")]


@pytest.mark.parametrize("poll", MODES)
def test_a_burst_is_processed_once_each_with_few_rebuilds(tmp_path: Path, poll: bool) -> None:
    harness = Harness(tmp_path, poll=poll)
    before = [f"before-{i:02d}.docx" for i in range(5)]
    for name in before:
        drop(harness.inbox, name)  # already there at start
    names = [f"form-{i:03d}.docx" for i in range(500)]  # the burst size admins produce

    def admin_officer() -> None:
        for name in names:
            drop(harness.inbox, name)

    with harness.running():
        dropper = threading.Thread(target=admin_officer)
        dropper.start()
        dropper.join()
        expected = len(before) + len(names)
        assert wait_for(lambda: harness.count() >= expected), f"{harness.count()} of {expected}"
        assert wait_for(lambda: harness.bursts >= 1)
    assert harness.error is None
    assert sorted(harness.processed) == sorted(before + names)  # each exactly once
    assert harness.bursts < 20, harness.bursts  # debounced, not one per file
    assert list(harness.inbox.iterdir()) == []


def test_files_left_in_the_inbox_are_not_processed_twice(tmp_path: Path) -> None:
    harness = Harness(tmp_path, poll=True, move=False)
    for i in range(10):
        drop(harness.inbox, f"f{i}.docx")
    with harness.running():
        assert wait_for(lambda: harness.count() >= 10)
        time.sleep(1.0)  # many scans later …
        assert harness.count() == 10
        # … but a changed file (a resubmission under the same name) is taken again.
        drop(harness.inbox, "f3.docx", hf.valid_docx_bytes() + b"")
        os.utime(harness.inbox / "f3.docx", ns=(time.time_ns(), time.time_ns() + 5 * 10**9))
        assert wait_for(lambda: harness.count() >= 11)
    assert sorted(harness.processed).count("f3.docx") == 2


@pytest.mark.parametrize("poll", MODES)
def test_one_bad_file_does_not_stop_the_others(
    tmp_path: Path, poll: bool, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Jane Doe lives at 1 Secret Street"

    def picky(path: Path) -> None:
        if path.name == "crash.docx":
            raise ValueError(secret)  # an unexpected bug whose text quotes file content
        if path.name == "evil.docx":
            raise UnsafeFileError("The file contains macros.")

    harness = Harness(tmp_path, poll=poll, process=picky)
    names = ["crash.docx", "evil.docx", *(f"ok-{i}.docx" for i in range(20))]
    for name in names:
        drop(harness.inbox, name)
    with caplog.at_level(logging.DEBUG, logger=LOG.name), harness.running():
        assert wait_for(lambda: harness.count() >= 20)
        assert wait_for(lambda: harness.bursts >= 1)
    assert sorted(harness.processed) == sorted(f"ok-{i}.docx" for i in range(20))
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    text = "\n".join(r.getMessage() for r in errors)
    label = f"file #{sha256_file(harness.inbox / 'crash.docx')[:8]}"  # as rejections name files
    assert f"could not process {label} (an unexpected problem in qaf)" in text
    assert f"could not process {label}: The file contains macros (tried again" in text
    assert "crash.docx" not in text and "evil.docx" not in text, "a name may be a child's"
    assert "ValueError" not in text, "plain words, not Python's"
    assert secret not in text  # content never reaches the log above debug level
    assert (harness.inbox / "crash.docx").exists()  # left where it was, not lost


def test_ignored_files_are_never_passed(tmp_path: Path) -> None:
    harness = Harness(tmp_path, poll=True)
    # (An owner file of this form itself would hold it back: Word or LibreOffice has it open.
    # These are another's.)
    litter = ["~$port.docx", ".~lock.report.docx#", "~WRL0003.tmp", "Thumbs.db", ".hidden.docx"]
    for name in litter:
        drop(harness.inbox, name)
    drop(harness.inbox, "form.docx")
    with harness.running():
        assert wait_for(lambda: harness.count() >= 1)
        time.sleep(0.8)
    assert harness.processed == ["form.docx"]
    assert sorted(p.name for p in harness.inbox.iterdir()) == sorted(litter)


def test_a_folder_dropped_in_the_inbox_is_warned_of_once_without_its_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    harness = Harness(tmp_path, poll=True)
    folder = harness.inbox / "Childname Surname forms"
    folder.mkdir()
    drop(folder, "form.docx")
    drop(folder, "~$form.docx")  # litter is not counted
    with caplog.at_level(logging.WARNING, logger=LOG.name), harness.running():
        assert wait_for(lambda: "folders inside the inbox" in caplog.text)
        time.sleep(0.6)  # several heartbeats: warned once while nothing changes
        drop(folder, "second.docx")
        assert wait_for(lambda: caplog.text.count("folders inside the inbox") == 2)
    assert "1 file(s) sit in folders" in caplog.text and "2 file(s) sit in folders" in caplog.text
    assert "Childname" not in caplog.text
    assert harness.processed == [] and (folder / "form.docx").exists()


def test_a_file_open_in_word_is_retried(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    attempts: list[str] = []

    def word_has_it(path: Path) -> None:
        attempts.append(path.name)
        if len(attempts) < 3:
            raise FileInUseError(path)

    harness = Harness(tmp_path, poll=True, process=word_has_it)
    label = f"file #{sha256_file(drop(harness.inbox, 'Zelda128 Childname audit.docx'))[:8]}"
    with caplog.at_level(logging.INFO, logger=LOG.name), harness.running():
        assert wait_for(lambda: harness.count() >= 1)
    assert harness.processed == ["Zelda128 Childname audit.docx"] and len(attempts) == 3
    said = [r.getMessage() for r in caplog.records if "open in another program" in r.getMessage()]
    assert said == [f"{label} is open in another program; will retry when it is closed"]
    assert "Childname" not in caplog.text


def test_a_form_held_back_by_words_owner_file_is_said_once_then_taken_when_closed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Explorer hides Word's owner file (~$...): the log is the only place that says why a form
    sits in the inbox untouched. Said once, by the file's content, never by its name."""
    harness = Harness(tmp_path, poll=True)
    label = f"file #{sha256_file(drop(harness.inbox, 'QA Zelda128 Childname.docx'))[:8]}"
    owner = drop(harness.inbox, "~$ Zelda128 Childname.docx")
    with caplog.at_level(logging.INFO, logger=LOG.name), harness.running():
        assert wait_for(lambda: "owner file" in caplog.text)
        time.sleep(0.6)  # several scans while it stays open: said once, not at every look
        assert harness.processed == []
        owner.unlink()  # Word closed it
        assert wait_for(lambda: harness.count() >= 1)
    said = [r.getMessage() for r in caplog.records if "owner file" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith(f"{label}: left for the next run: Word or")
    assert "read once it is closed" in said[0]
    assert "Childname" not in caplog.text


def test_a_folder_qaf_may_not_write_is_told_from_a_file_in_use(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """outbox/processed made read-only (chattr +i: root's writes fail too) is not Word at work."""
    harness = Harness(tmp_path / "outbox", poll=True)
    real_open = os.open

    def protected(path: Any, flags: int, *args: Any) -> int:
        if Path(path).parent == harness.done:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr("qaf_docs.inbox.moves.os.open", protected)
    label = f"file #{sha256_file(drop(harness.inbox, 'Zelda128 Childname audit.docx'))[:8]}"
    with caplog.at_level(logging.INFO, logger=LOG.name), harness.running():
        assert wait_for(lambda: "may not write" in caplog.text)
        time.sleep(0.5)  # tried again meanwhile, quietly
        monkeypatch.undo()
        assert wait_for(lambda: (harness.done / "Zelda128 Childname audit.docx").exists())
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert (
        f"{label}: qaf may not write to outbox/processed: check the folder's permissions; "
        "the file is recorded and waits in the inbox (tried again by itself)"
    ) in said
    assert sum("may not write" in line for line in said) == 1, "said once, not at every try"
    assert "open in another program" not in caplog.text
    assert "Childname" not in caplog.text and "PermissionError" not in caplog.text


def test_a_file_the_register_could_not_take_yet_is_retried_not_set_aside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    attempts: list[str] = []

    def server_restarting(path: Path) -> None:
        attempts.append(path.name)
        if len(attempts) < 3:
            raise RegisterUnavailableError("The register could not be used: server restarting.")

    harness = Harness(tmp_path, poll=True, process=server_restarting)
    drop(harness.inbox, "form.docx")
    with caplog.at_level(logging.INFO, logger=LOG.name), harness.running():
        assert wait_for(lambda: harness.count() >= 1)
    assert harness.processed == ["form.docx"] and len(attempts) == 3
    assert sum("stays in the inbox" in r.getMessage() for r in caplog.records) == 1


# --- a team register out of reach -----------------------------------------------------------------

TEAM = "postgresql://qaf@db-server:5432/qa_audits"


def _unreachable() -> RegisterUnreachableError:
    return RegisterUnreachableError(
        f"The register ({TEAM}) could not be used: The database server cannot be reached.",
        where=TEAM,
        server_said='connection to server at "db-server", port 5432 failed: Connection refused',
    )


class Server:
    """A team's database server that is away until ``back`` is set; counts who asked."""

    def __init__(self) -> None:
        self.back = threading.Event()
        self.asked: list[float] = []

    def ask(self, *args: object) -> None:
        self.asked.append(time.monotonic())
        if not self.back.is_set():
            raise _unreachable()


def _said(caplog: pytest.LogCaptureFixture, words: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if words in r.getMessage()]


def test_a_register_out_of_reach_at_start_is_waited_for_then_what_arrived_is_recorded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = Server()
    harness = Harness(
        tmp_path, poll=True, on_start=server.ask, register_retry_s=0.05, register_retry_max_s=0.2
    )
    with caplog.at_level(logging.DEBUG, logger=LOG.name), harness.running():
        assert wait_for(lambda: len(server.asked) >= 4), "it keeps asking, it does not stop"
        drop(harness.inbox, "form.docx")
        assert wait_for(lambda: len(server.asked) >= 8)
        assert harness.count() == 0 and (harness.inbox / "form.docx").exists()
        assert harness.error is None
        server.back.set()
        assert wait_for(lambda: harness.processed == ["form.docx"])
    [away] = _said(caplog, "cannot be reached")  # once, however many tries
    assert f"The team register ({TEAM}) cannot be reached" in away
    assert "Files dropped in the inbox meanwhile stay there safely" in away
    assert "Trying again in 0.1 seconds, then less often: at least once a minute" in away
    assert _said(caplog, f"The team register ({TEAM}) can be reached again") != []
    assert harness.bursts >= 1, "the outputs catch up once it is back"


def test_a_register_lost_mid_run_is_waited_for_as_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = Server()
    server.back.set()
    tried: list[str] = []

    def record(path: Path) -> None:
        tried.append(path.name)
        server.ask()

    harness = Harness(
        tmp_path,
        poll=True,
        process=record,
        on_start=server.ask,
        check_register=server.ask,
        register_retry_s=0.05,
        register_retry_max_s=0.2,
    )
    with caplog.at_level(logging.INFO, logger=LOG.name), harness.running():
        server.back.clear()  # the server goes away while the watcher is idle
        for i in range(3):
            drop(harness.inbox, f"form-{i}.docx")
        assert wait_for(lambda: len(server.asked) >= 8)
        assert harness.count() == 0 and len(tried) == 1, "no file is tried while it is away"
        server.back.set()
        assert wait_for(lambda: harness.count() == 3)
    assert len(_said(caplog, "cannot be reached")) == 1, "said once, not for every file"
    assert _said(caplog, "stays in the inbox") == []
    assert len(_said(caplog, "can be reached again")) == 1


def test_the_wait_for_the_register_doubles_up_to_its_cap(tmp_path: Path) -> None:
    server = Server()
    harness = Harness(
        tmp_path, poll=True, on_start=server.ask, register_retry_s=0.1, register_retry_max_s=0.4
    )
    with harness.running():
        assert wait_for(lambda: len(server.asked) >= 6)
    gaps = [b - a for a, b in zip(server.asked, server.asked[1:], strict=False)][:5]
    assert gaps[0] >= 0.1 and gaps[1] >= 0.2 and gaps[2] >= 0.4  # 0.1, 0.2, 0.4, 0.4, 0.4
    assert all(gap < 0.4 + 0.8 for gap in gaps), gaps  # capped (else 0.8, then 1.6)


def test_settings_that_will_never_work_still_stop_the_watcher(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    refused = RegisterError("The register could not be used: The server refused the password.")

    def wrong_password() -> None:
        raise refused

    harness = Harness(tmp_path, poll=True, on_start=wrong_password, register_retry_s=0.05)
    harness.thread.start()
    harness.thread.join(timeout=DEADLINE_S)
    assert harness.error is refused
    assert _said(caplog, "cannot be reached") == []
    assert not (tmp_path / "watch.lock").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to itself")
def test_ctrl_c_while_waiting_for_the_register_stops_cleanly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = Server()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher = InboxWatcher(
        inbox,
        lambda path: None,
        lambda: None,
        on_start=server.ask,
        poll=True,
        register_retry_s=30.0,
        lock_path=tmp_path / "watch.lock",
        log=LOG,
    )

    def press_ctrl_c() -> None:
        if wait_for(lambda: bool(server.asked)):
            time.sleep(0.2)
            os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=press_ctrl_c, daemon=True).start()
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger=LOG.name):
        watcher.run()  # in the main thread, as the CLI runs it: returns, raises nothing
    assert time.monotonic() - started < 10, "it did not wait for the next try to stop"
    assert _said(caplog, "stopped watching") != []
    assert not (tmp_path / "watch.lock").exists()


def test_slow_copy_is_only_processed_when_complete(tmp_path: Path) -> None:
    data = hf.mutate(hf.valid_docx_bytes(), add={"word/media/big.bin": os.urandom(3 * hf.MiB)})
    seen: list[str] = []
    harness = Harness(tmp_path, poll=False, process=lambda p: seen.append(_sha(p)))

    def slow_copy() -> None:
        chunk = len(data) // 10
        with (harness.inbox / "slow.docx").open("wb") as handle:
            for start in range(0, len(data), chunk):
                handle.write(data[start : start + chunk])
                handle.flush()
                time.sleep(0.25)  # longer than the scan interval and the stability window

    with harness.running():
        copier = threading.Thread(target=slow_copy)
        copier.start()
        copier.join()
        assert wait_for(lambda: harness.count() >= 1)
    assert seen == [hashlib.sha256(data).hexdigest()]


def test_empty_placeholder_waits_until_filled(tmp_path: Path) -> None:
    harness = Harness(tmp_path, poll=True)
    (harness.inbox / "placeholder.docx").write_bytes(b"")
    with harness.running():
        time.sleep(0.8)
        assert harness.count() == 0
        drop(harness.inbox, "placeholder.docx")
        assert wait_for(lambda: harness.count() >= 1)


@pytest.mark.parametrize("poll", MODES)
def test_inbox_removed_and_recreated(
    tmp_path: Path, poll: bool, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # The lock sits in the inbox, as on a share: it vanishes with the folder and comes back.
    harness = Harness(tmp_path, poll=poll, lock_path=inbox / ".qaf-watch.lock")
    with caplog.at_level(logging.INFO, logger=LOG.name), harness.running():
        drop(inbox, "before.docx")
        assert wait_for(lambda: harness.count() >= 1)

        # The lock's heartbeat may recreate its file while the folder is being removed (the
        # folder was still there): remove it again, as someone deleting the share's folder would.
        def removed() -> bool:
            shutil.rmtree(inbox, ignore_errors=True)
            return not inbox.exists()

        assert wait_for(removed)
        assert wait_for(lambda: "inbox not reachable" in caplog.text)
        time.sleep(0.3)
        assert not inbox.exists()  # the watcher does not recreate a missing share
        inbox.mkdir()
        drop(inbox, "after.docx")
        assert wait_for(lambda: harness.count() >= 2)
        assert wait_for(lambda: (inbox / ".qaf-watch.lock").exists())
    assert harness.processed == ["before.docx", "after.docx"]
    assert caplog.text.count("inbox not reachable") == 1
    assert "inbox reachable again" in caplog.text


def test_burst_end_failure_is_logged_and_watching_continues(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    harness = Harness(tmp_path, poll=True)

    def broken() -> None:
        harness.bursts += 1
        raise OSError("tracker is open in Excel")

    harness.watcher._on_burst_end = broken
    drop(harness.inbox, "a.docx")
    with caplog.at_level(logging.ERROR, logger=LOG.name), harness.running():
        assert wait_for(lambda: harness.bursts >= 1)
        drop(harness.inbox, "b.docx")
        assert wait_for(lambda: harness.count() >= 2 and harness.bursts >= 2)
    assert "end-of-burst update failed (a file could not be written or read)" in caplog.text
    assert "OSError" not in caplog.text


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to itself")
def test_ctrl_c_stops_after_the_file_in_hand(tmp_path: Path) -> None:
    started, finished = threading.Event(), []
    bursts: list[int] = []

    def slow(path: Path) -> None:
        started.set()
        time.sleep(0.5)
        finished.append(path.name)

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(3):
        drop(inbox, f"f{i}.docx")
    watcher = InboxWatcher(
        inbox,
        slow,
        lambda: bursts.append(1),
        poll=True,
        scan_interval_s=0.1,
        min_stable_s=0.05,
        lock_path=tmp_path / "watch.lock",
        log=LOG,
    )

    def press_ctrl_c() -> None:
        if started.wait(DEADLINE_S):
            os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=press_ctrl_c, daemon=True).start()
    watcher.run()  # in the main thread, as the CLI runs it
    assert len(finished) == 1  # the file in hand was finished, no further file was started
    assert bursts == [1]  # the tracker is brought up to date before stopping
    assert not (tmp_path / "watch.lock").exists()


# --- the lock ---------------------------------------------------------------------------------


def test_second_watcher_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    harness = Harness(tmp_path, poll=True)
    with harness.running():
        second = InboxWatcher(
            harness.inbox, print, print, lock_path=tmp_path / "watch.lock", log=LOG
        )
        with pytest.raises(QafError) as caught:
            second.run(threading.Event())
    message = str(caught.value)
    assert message.startswith(f"Another watcher (on this computer, pid {os.getpid()}, since")
    assert "since" in message and "already working on this inbox" in message


def test_lock_is_released_and_can_be_taken_again(tmp_path: Path) -> None:
    path = tmp_path / "watch.lock"
    with WatcherLock(path) as lock:
        assert lock.held and path.exists()
    assert not path.exists()
    with WatcherLock(path):
        pass


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _write_lock(path: Path, *, pid: int, host: str, age_s: float) -> None:
    when = time.time() - age_s
    record = {"pid": pid, "host": host, "started_at": when, "heartbeat": when, "token": "old"}
    path.write_text(json.dumps(record))
    os.utime(path, (when, when))


def test_lock_of_a_dead_process_is_taken_over(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "watch.lock"
    _write_lock(path, pid=_dead_pid(), host=socket.gethostname(), age_s=5)
    with caplog.at_level(logging.WARNING), WatcherLock(path, log=LOG) as lock:
        assert lock.holder() is not None and lock.holder().pid == os.getpid()  # type: ignore[union-attr]
    assert "took over the inbox lock" in caplog.text
    assert "no longer running" in caplog.text
    assert list(tmp_path.iterdir()) == []  # no stale leftovers


def test_lock_with_an_old_heartbeat_on_another_host_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "watch.lock"
    _write_lock(path, pid=4242, host="other-pc", age_s=3600)
    with WatcherLock(path, stale_after_s=600) as lock:
        assert lock.held


def test_live_lock_on_another_host_is_respected(tmp_path: Path) -> None:
    path = tmp_path / "watch.lock"
    _write_lock(path, pid=4242, host="other-pc", age_s=30)
    with pytest.raises(QafError) as refused:
        WatcherLock(path, stale_after_s=600).acquire()
    # The computer, plainly; a process number on another computer tells the admin officer nothing.
    assert str(refused.value).startswith("Another watcher (on the computer 'other-pc', since ")
    assert "stop the watcher on 'other-pc' first" in str(refused.value)
    assert "4242" not in str(refused.value)
    assert json.loads(path.read_text())["token"] == "old"


def test_the_inbox_lock_names_computers_as_the_register_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two computers cloned from one image share a Windows name; QAF_HOST_ID tells them apart for
    the register, and must for the inbox too. Before, the lock recorded the shared name, so the
    second computer took the first one's process for a crashed one of its own (its number is not
    running here) and took the inbox over: two watchers on one inbox."""
    path = tmp_path / "watch.lock"
    monkeypatch.setenv("QAF_HOST_ID", "QA-Server")
    first = WatcherLock(path)
    first.acquire()
    record = json.loads(path.read_text())
    assert record["host"] == "qa-server"  # as qaf register claim and the register's owner say it
    record["pid"] = _dead_pid()  # its process is not one of this computer's
    path.write_text(json.dumps(record))
    monkeypatch.setenv("QAF_HOST_ID", "qa-laptop")
    with pytest.raises(QafError) as refused:
        WatcherLock(path, stale_after_s=600).acquire()
    assert str(refused.value).startswith("Another watcher (on the computer 'qa-server', since ")
    assert json.loads(path.read_text())["token"] == record["token"]
    # On its own computer, a dead process's lock is taken over at once (a name in capitals, as a
    # lock written before names were lower-cased holds it, is the same computer).
    record["host"] = "QA-SERVER"
    path.write_text(json.dumps(record))
    monkeypatch.setenv("QAF_HOST_ID", "qa-server")
    with WatcherLock(path, stale_after_s=600) as lock:
        assert lock.held


def test_half_written_lock_file_is_not_stolen_until_old(tmp_path: Path) -> None:
    path = tmp_path / "watch.lock"
    path.write_text("")  # another watcher between its create and its write
    with pytest.raises(QafError, match="just starting"):
        WatcherLock(path).acquire()
    old = time.time() - 3600
    os.utime(path, (old, old))  # … or a crash right there, long ago
    with WatcherLock(path, stale_after_s=600) as lock:
        assert lock.held


def test_heartbeat_notices_a_takeover_and_recreates_a_vanished_lock(tmp_path: Path) -> None:
    path = tmp_path / "watch.lock"
    lock = WatcherLock(path)
    lock.acquire()
    first = json.loads(path.read_text())["heartbeat"]
    time.sleep(0.01)
    lock.heartbeat()
    assert json.loads(path.read_text())["heartbeat"] > first
    path.unlink()
    lock.heartbeat()  # the folder was recreated: the lock comes back
    assert path.exists()
    _write_lock(path, pid=4242, host="other-pc", age_s=0)
    with pytest.raises(QafError, match="lost its lock"):
        lock.heartbeat()
    lock.release()
    assert path.exists()  # never deletes somebody else's lock


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_file_dropped_again_after_a_move_is_taken_again(tmp_path: Path) -> None:
    # Windows copies keep the modified time, so the second copy has the same size and mtime.
    harness = Harness(tmp_path, poll=True, scan_interval_s=5.0)
    path = drop(harness.inbox, "again.docx")
    mtime = path.stat().st_mtime_ns
    with harness.running():
        assert wait_for(lambda: harness.count() >= 1)
        path = drop(harness.inbox, "again.docx")
        os.utime(path, ns=(mtime, mtime))
        assert wait_for(lambda: harness.count() >= 2)
    assert harness.processed == ["again.docx", "again.docx"]


def test_many_files_ready_at_once_are_handed_over_together(tmp_path: Path) -> None:
    batches: list[list[str]] = []
    harness: Harness

    def together(paths: list[Path]) -> list[Path]:
        batches.append(sorted(p.name for p in paths))
        again = [p for p in paths if p.name == "open.docx" and len(batches) == 1]
        for path in paths:
            if path not in again:
                harness._process(path)
        return again  # Word still has this one: the watcher tries it again later

    harness = Harness(tmp_path, poll=True, together=together)
    names = [f"form-{i:02d}.docx" for i in range(TOGETHER_FROM + 3)] + ["open.docx"]
    for name in names:
        drop(harness.inbox, name)  # a folder of forms copied in before the watcher looks
    with harness.running():
        assert wait_for(lambda: harness.count() >= len(names))
    assert harness.error is None
    assert batches[0] == sorted(names)  # one hand-over for the lot
    assert sorted(harness.processed) == sorted(names)  # each once, the open one after a retry
    assert harness.processed[-1] == "open.docx"


def test_files_that_fail_together_are_tried_one_by_one(tmp_path: Path) -> None:
    def together(paths: list[Path]) -> list[Path]:
        raise RuntimeError("something unexpected")

    harness = Harness(tmp_path, poll=True, together=together)
    names = [f"form-{i:02d}.docx" for i in range(TOGETHER_FROM)]
    for name in names:
        drop(harness.inbox, name)
    with harness.running():
        assert wait_for(lambda: harness.count() >= len(names))
    assert sorted(harness.processed) == names  # nothing lost to the failed hand-over


def test_status_says_which_computer_is_watching_the_inbox(tmp_path: Path) -> None:
    """Before a second computer starts a watcher, qaf status tells its user where the inbox is
    already watched from (before: nothing, until the second watcher was refused)."""
    from click.testing import CliRunner

    from qaf_docs.cli import cli
    from qaf_docs.inbox.ingest import WATCH_LOCK
    from qaf_docs.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")

    def watcher_line() -> str:
        result = CliRunner().invoke(cli, ["status", "--workspace", str(ws.root)])
        assert result.exit_code == 0, result.output
        return "".join(line for line in result.output.splitlines() if "watcher:" in line)

    assert watcher_line() == ""
    _write_lock(ws.inbox / WATCH_LOCK, pid=4242, host="qa-server", age_s=30)
    assert watcher_line().strip().startswith("watcher:   on the computer 'qa-server', since ")
    _write_lock(ws.inbox / WATCH_LOCK, pid=4242, host="qa-server", age_s=3600)
    line = watcher_line()
    assert "none running (its lock, on the computer 'qa-server'" in line
    assert "no heartbeat for 60 minutes; the next one takes it over)" in line
