"""Change events from the inbox folder (watchdog): only ever a wake-up call for the watcher's scan.

Events are lost on network shares and when the event buffer overflows, so the watcher's periodic
scan stays the truth; events only make it look sooner. An observer that dies, or watches a folder
that was removed and made again (its old watch is orphaned), is started anew; where none can be
started the watcher falls back to scanning on its timer alone.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

__all__ = ["ChangeEvents"]


class _Wake(FileSystemEventHandler):
    """Turn every file-system event into a wake-up call; the scan decides what happened."""

    def __init__(self, wake: threading.Event) -> None:
        super().__init__()
        self._wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._wake.set()


class ChangeEvents:
    """Keep one observer on ``inbox`` that sets ``wake``; ``poll`` turns True if none can run."""

    def __init__(
        self,
        inbox: Path,
        wake: threading.Event,
        *,
        poll: bool,
        scan_interval_s: float,
        log: logging.Logger,
    ) -> None:
        self.inbox = inbox
        self.poll = poll
        self._wake = wake
        self._scan_interval_s = scan_interval_s
        self._log = log
        self._observer: Any = None
        self._watched_identity: tuple[int, int] | None = None

    def ensure(self) -> None:
        """Have a live observer on the inbox as it is now (unless polling)."""
        if self.poll:
            return
        try:
            info = self.inbox.stat()
            identity = (info.st_dev, info.st_ino)
        except OSError:
            return
        alive = self._observer is not None and self._observer.is_alive()
        if alive and identity == self._watched_identity:
            return
        # First start, a dead observer, or a recreated inbox folder (the old watch is orphaned).
        self.stop()
        try:
            observer = Observer()
            observer.schedule(_Wake(self._wake), str(self.inbox), recursive=False)
            observer.start()
        except Exception as exc:
            self._log.info(
                "change events unavailable for %s; scanning every %.0f s",
                self.inbox,
                self._scan_interval_s,
            )
            self._log.debug("why change events are unavailable", exc_info=exc)
            self.poll = True
            return
        self._observer = observer
        self._watched_identity = identity

    def stop(self) -> None:
        """Stop the observer, if one runs (the inbox went away, or the watcher stops)."""
        observer, self._observer = self._observer, None
        self._watched_identity = None
        if observer is None:
            return
        with contextlib.suppress(Exception):
            observer.stop()
            observer.join(timeout=5)
