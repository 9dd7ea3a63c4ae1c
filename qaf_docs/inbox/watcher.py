"""Watch the inbox until stopped: take each complete file once, in arrival order, and never stall.

How it works, and why:

* A periodic scan of the folder is the truth. Change events (watchdog) only wake the loop early:
  they are lost on network shares and when the event buffer overflows. With ``poll=True`` no
  observer is started at all — for shares where events never arrive, a watchdog PollingObserver
  would only repeat the scan the loop already does.
* A file is handed to ``process_file`` only when :class:`~qaf_docs.inbox.ReadinessMonitor` says
  it is complete. An exception from ``process_file`` (a full disk, a locked register, a bug) is
  logged with the file's name and the loop moves on; the file is tried again by itself, waiting
  longer after each failure (up to ``max_backoff_s``). A file Word holds open (locked, or its owner
  file beside it: said once) or not recorded because the register is out of reach is retried later.
* ``on_burst_end`` runs once when a burst has settled — nothing processed and nothing arriving for
  ``debounce_s`` — so 500 files dropped at once cause one tracker rebuild, not 500. If it fails
  or reports that something is still behind (returns False), it runs again after a back-off.
* ``on_start`` runs once the lock is held, before the first scan: a watcher refused the lock
  touches nothing.
* A team register whose server cannot be reached (``RegisterUnreachableError``, from ``on_start``
  or later from a file or the end-of-burst update) is waited for, alike at start and mid-run: said
  once, no file tried meanwhile, ``check_register`` (or ``on_start``, until it has run) asked
  again with a back-off (:mod:`~qaf_docs.inbox.outage`), then the files that arrived are taken.
* Ctrl+C finishes the file in hand, runs ``on_burst_end`` if files were processed, and returns;
  a second Ctrl+C stops at once.
* If the inbox disappears (share offline) the watcher logs it once and carries on when it returns.
* :class:`WatcherLock` keeps a second watcher off the same inbox, from any computer: an
  exclusively created lock file records who holds it and a heartbeat, so that a crashed watcher's
  lock is taken over (with a log line) instead of blocking the inbox for ever.

Logs name a file by its content's hash ("file #1a2b3c4d"), as the rejection lines do, never by
its name (a name someone typed may be a child's), and say why in plain words, never file content.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

from qaf_docs.errors import (
    FileInUseError,
    FolderNotWritableError,
    QafError,
    RegisterUnavailableError,
    RegisterUnreachableError,
    plain_reason,
)
from qaf_docs.inbox.change_events import ChangeEvents
from qaf_docs.inbox.lock import WatcherLock
from qaf_docs.inbox.outage import RegisterOutage
from qaf_docs.inbox.readiness import HELD_OPEN, ReadinessMonitor, folders_with_files, scan
from qaf_docs.office.parts import sha256_file

__all__ = ["InboxWatcher"]


#: From this many files ready at once, they are processed together (``process_files``).
TOGETHER_FROM = 8


def _label(path: Path) -> str:
    """Name an inbox file as the rejection lines do, by its content: "file #1a2b3c4d"."""
    try:
        return f"file #{sha256_file(path)[:8]}"
    except OSError:
        return "a file in the inbox"  # held open where it cannot even be read, or gone


class InboxWatcher:
    """Run the inbox loop: complete files go to ``process_file``, then ``on_burst_end`` once."""

    def __init__(
        self,
        inbox: Path,
        process_file: Callable[[Path], None],
        on_burst_end: Callable[[], bool | None],
        *,
        on_start: Callable[[], None] | None = None,
        check_register: Callable[[], object] | None = None,
        process_files: Callable[[list[Path]], list[Path]] | None = None,
        max_backoff_s: float = 300.0,
        poll: bool = False,
        scan_interval_s: float = 2.0,
        debounce_s: float = 2.0,
        lock_path: Path,
        log: logging.Logger,
        stable_checks: int = 2,
        min_stable_s: float | None = None,
        empty_timeout_s: float = 600.0,
        invalid_timeout_s: float = 120.0,
        retry_locked_s: float = 10.0,
        heartbeat_s: float = 30.0,
        lock_stale_after_s: float = 600.0,
        register_retry_s: float = 2.0,
        register_retry_max_s: float = 60.0,
    ) -> None:
        """Set up (not start) a watcher; see the module docstring for what each part does."""
        self.inbox = inbox
        self.scan_interval_s = scan_interval_s
        self.debounce_s = debounce_s
        self.retry_locked_s = retry_locked_s
        self.heartbeat_s = heartbeat_s
        self._in_folders = 0  # files in folders inside the inbox, as last warned of
        self._process_file = process_file
        # Many files ready at once (a folder of forms dropped in) go together: read on every core
        # and recorded in batches. It returns the files to try again later (open elsewhere).
        self._process_files = process_files
        self._on_burst_end = on_burst_end
        self._on_start = on_start
        self._check_register = check_register or (lambda: None)
        self._starting = False  # on_start has found the register out of reach, and waits
        self._outage = RegisterOutage(log, first_s=register_retry_s, max_s=register_retry_max_s)
        self.max_backoff_s = max_backoff_s
        self._failures: dict[Path, int] = {}
        self._burst_failures = 0
        self._burst_retry_at = 0.0
        self._log = log
        self.lock = WatcherLock(lock_path, stale_after_s=lock_stale_after_s, log=log)
        self._readiness = ReadinessMonitor(
            stable_checks=stable_checks,
            min_stable_s=min(1.0, scan_interval_s) if min_stable_s is None else min_stable_s,
            empty_timeout_s=empty_timeout_s,
            invalid_timeout_s=invalid_timeout_s,
        )
        self._wake = threading.Event()
        self._events = ChangeEvents(
            inbox, self._wake, poll=poll, scan_interval_s=scan_interval_s, log=log
        )
        self._handled: dict[Path, tuple[int, int]] = {}
        self._retry_at: dict[Path, float] = {}
        self._offline = False
        self._burst_pending = False
        self._last_processed = 0.0
        self.processed_count = 0

    def run(self, stop: threading.Event | None = None) -> None:
        """Watch until ``stop`` is set or Ctrl+C; raise QafError if another watcher holds it."""
        stop = stop or threading.Event()
        with self.lock, self._ctrl_c_sets(stop):
            mode = "polling" if self._events.poll else "change events and a periodic scan"
            self._log.info("watching %s (%s)", self.inbox, mode)
            try:
                self._start()
                self._loop(stop)
            except KeyboardInterrupt:
                self._log.info("stopped at once (Ctrl+C pressed twice)")
            finally:
                self._events.stop()
                if self._burst_pending and not self._outage.active:
                    self._end_burst()
            self._log.info("stopped watching %s", self.inbox)

    def _start(self) -> None:
        if self._on_start is None:
            return
        try:
            self._on_start()
        except RegisterUnreachableError as exc:  # waited for in the loop, as when lost mid-run
            self._outage.lost(exc)
            self._starting = True
            return
        # Catch up first: outputs left behind by an interrupted run need no new file.
        self._burst_pending = True

    def _register_away(self) -> bool:
        """While the register is out of reach: ask again when due; True until it answers."""
        if not self._outage.active:
            return False
        if not self._outage.due(time.monotonic()):
            return True
        ask = (self._on_start if self._starting else None) or self._check_register
        if not self._outage.probe(ask):
            return True
        self._starting = False
        self._burst_pending = True  # outputs catch up with what was recorded before it went
        return False

    # --- the loop ---------------------------------------------------------------------------------

    def _loop(self, stop: threading.Event) -> None:
        next_beat = time.monotonic() + self.heartbeat_s
        while not stop.is_set():
            paths = None if self._register_away() else self._scan()
            if paths is not None:
                self._events.ensure()
                ready = self._ready(paths)
                if self._process_files is not None and len(ready) >= TOGETHER_FROM:
                    self._process_together(ready)
                    ready = []
                for path in ready:
                    if stop.is_set() or self._outage.active:
                        break
                    self._process(path)
            now = time.monotonic()
            if (
                not self._outage.active
                and self._burst_pending
                and now - self._last_activity() >= self.debounce_s
                and now >= self._burst_retry_at
            ):
                self._end_burst()
            if now >= next_beat:
                next_beat = now + self.heartbeat_s
                if not self._beat():
                    stop.set()
                    break
            self._sleep(stop, self._next_timeout(now, next_beat))

    def _scan(self) -> list[Path] | None:
        try:
            paths = scan(self.inbox)
        except OSError as exc:
            if not self._offline:
                self._offline = True
                self._log.warning(
                    "inbox not reachable, will retry: %s (%s)", self.inbox, plain_reason(exc)
                )
                self._events.stop()
            return None
        if self._offline:
            self._offline = False
            self._log.info("inbox reachable again: %s", self.inbox)
        return paths

    def _ready(self, paths: list[Path]) -> list[Path]:
        present = set(paths)
        for known in list(self._handled):
            if known not in present:
                del self._handled[known]
        for known in list(self._retry_at):
            if known not in present:
                del self._retry_at[known]
        now = time.monotonic()
        result, ready = [], self._readiness.ready(paths)
        for path in sorted(self._readiness.newly_open):  # said once, like a file Word locks
            self._log.info("%s: %s", _label(path), HELD_OPEN[1])
        for path in ready:
            if self._handled.get(path) == self._readiness.signature(path):
                continue
            if self._retry_at.get(path, 0.0) > now:
                continue
            result.append(path)
        return result

    def _process(self, path: Path) -> None:
        signature = self._readiness.signature(path)
        try:
            self._process_file(path)
        except Exception as exc:
            self._not_processed(path, exc)
            return
        self._handled_now(path, signature)

    def _not_processed(self, path: Path, exc: Exception) -> None:
        """Say why ``path`` stays in the inbox and when it is tried again (by itself).

        A line names the file as rejections do ("file #1a2b3c4d"): a name someone typed may be a
        child's. An unexpected error may quote file content: plain words here, details at debug.
        """
        if isinstance(exc, RegisterUnreachableError):  # every file's problem: wait for the server
            self._outage.lost(exc)
            return
        first = path not in self._retry_at
        in_use = isinstance(exc, PermissionError) and exc.filename == str(path)
        if in_use or isinstance(exc, FileInUseError | RegisterUnavailableError):
            if first and isinstance(exc, RegisterUnavailableError):
                self._log.warning("%s stays in the inbox and is tried again: %s", _label(path), exc)
            elif first:
                what = _label(path)
                self._log.info("%s is open in another program; will retry when it is closed", what)
            self._retry_at[path] = time.monotonic() + self.retry_locked_s
            return
        label, wait = _label(path), self._backoff(path)
        if isinstance(exc, FolderNotWritableError):
            if first:  # the folder's permissions must change: said once, then tried quietly
                self._log.warning("%s: %s (tried again by itself)", label, exc)
        elif isinstance(exc, QafError):
            why = str(exc).rstrip(".")
            self._log.warning("could not process %s: %s (tried again in %.0f s)", label, why, wait)
        else:
            self._log.error(
                "could not process %s (%s); it stays in the inbox and is tried again in %.0f s",
                label,
                plain_reason(exc),
                wait,
            )
            self._log.debug("details for %s", label, exc_info=exc)
        self._failed(path)

    def _handled_now(self, path: Path, signature: tuple[int, int] | None) -> None:
        self._retry_at.pop(path, None)
        self._failures.pop(path, None)
        # Only a file still sitting here needs remembering. Forgetting a moved one matters: a copy
        # dropped again under the same name keeps its size and (on Windows) its modified time.
        if signature is not None and path.exists():
            self._handled[path] = signature
        self.processed_count += 1
        self._burst_pending = True
        self._last_processed = time.monotonic()

    def _process_together(self, paths: list[Path]) -> None:
        """Hand many ready files over at once; whatever goes wrong for all is retried per file."""
        assert self._process_files is not None
        signatures = {path: self._readiness.signature(path) for path in paths}
        try:
            again = set(self._process_files(paths))
        except RegisterUnreachableError as exc:
            self._outage.lost(exc)
            return
        except RegisterUnavailableError as exc:
            self._log.warning("%d files stay in the inbox and are tried again: %s", len(paths), exc)
            for path in paths:
                self._retry_at[path] = time.monotonic() + self.retry_locked_s
            return
        except Exception as exc:  # each file is then tried on its own, where its problem shows
            self._log.error(
                "could not process %d files together (%s); trying them one by one",
                len(paths),
                plain_reason(exc),
            )
            self._log.debug("details", exc_info=True)
            for path in paths:
                if path.exists():
                    self._process(path)
            return
        for path in paths:
            if path in again:
                self._retry_at[path] = time.monotonic() + self.retry_locked_s
            else:
                self._handled_now(path, signatures[path])

    def _backoff(self, path: Path | None) -> float:
        failures = self._failures.get(path, 0) if path else self._burst_failures
        return float(min(self.retry_locked_s * 2**failures, self.max_backoff_s))

    def _failed(self, path: Path) -> None:
        self._retry_at[path] = time.monotonic() + self._backoff(path)
        self._failures[path] = self._failures.get(path, 0) + 1
        # Something happened (notes, the register): let the end-of-burst catch-up run.
        self._burst_pending = True
        self._last_processed = time.monotonic()

    def _last_activity(self) -> float:
        last_change = self._readiness.last_change
        return max(self._last_processed, last_change if last_change is not None else 0.0)

    def _end_burst(self) -> None:
        self._burst_pending = False
        try:
            done = self._on_burst_end() is not False
        except RegisterUnreachableError as exc:  # run again once the server is back
            self._outage.lost(exc)
            self._burst_pending = True
            return
        except Exception as exc:
            self._log.error("the end-of-burst update failed (%s)", plain_reason(exc))
            self._log.debug("end-of-burst details", exc_info=True)
            done = False
        if done:
            self._burst_failures = 0
            return
        # Run it again later by itself: outputs behind the register must catch up without a file.
        delay = self._backoff(None)
        self._burst_failures += 1
        self._burst_pending = True
        self._burst_retry_at = time.monotonic() + delay
        self._log.info("the end-of-burst update will be tried again in %.0f s", delay)

    def _beat(self) -> bool:
        self._note_folders()
        try:
            self.lock.heartbeat()
        except QafError as exc:
            self._log.error("%s Stopping.", exc)
            return False
        except OSError as exc:
            self._log.debug("could not refresh the inbox lock (%s)", plain_reason(exc))
        return True

    def _note_folders(self) -> None:
        """Warn, once per change, of folders dropped in the inbox: qaf never reads their files.

        The log names no folder (a name someone typed may be a child's); ``qaf status`` does.
        """
        found = sum(count for _name, count in folders_with_files(self.inbox))
        if found and found != self._in_folders:
            self._log.warning(
                "%d file(s) sit in folders inside the inbox, where qaf does not read them: move "
                "them into the inbox itself (qaf status names the folders)",
                found,
            )
        self._in_folders = found

    def _next_timeout(self, now: float, next_beat: float) -> float:
        timeout = min(self.scan_interval_s, max(next_beat - now, 0.0))
        if self._outage.active:  # nothing to scan for: the next try, or the next heartbeat
            return max(min(next_beat, self._outage.next_try) - now, 0.01)
        if self._burst_pending:
            due = max(self._last_activity() + self.debounce_s, self._burst_retry_at)
            timeout = min(timeout, max(due - now, 0.0))
        if self._readiness.pending():
            # Files are arriving: look again as soon as a look could count as "stable".
            timeout = min(timeout, max(self._readiness.min_stable_s, 0.05))
        return max(timeout, 0.01)

    def _sleep(self, stop: threading.Event, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if self._wake.wait(min(remaining, 0.2)):
                self._wake.clear()
                # Let a storm of events (a 500-file drop) settle into one scan.
                stop.wait(min(0.25, self.scan_interval_s))
                return

    # --- Ctrl+C -----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _ctrl_c_sets(self, stop: threading.Event) -> Iterator[None]:
        """While running in the main thread, make Ctrl+C finish the file in hand, then stop."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def handler(signum: int, frame: FrameType | None) -> None:
            if stop.is_set():
                raise KeyboardInterrupt
            what = "stopping" if self._outage.active else "stopping after the file in hand"
            self._log.info("%s (Ctrl+C again to stop at once)", what)
            stop.set()
            self._wake.set()

        previous = signal.signal(signal.SIGINT, handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)
