"""One holder at a time (a watcher per inbox, a qaf generate per workspace), from any computer: a lock
file that says who holds it and is taken over when its holder has crashed.

The lock is created exclusively and records the holder's host, process and a heartbeat, so a
crashed watcher's lock is taken over (with a log line) instead of blocking the inbox for ever.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from qaf_docs.computer import same_computer, this_computer
from qaf_docs.errors import QafError, os_error_advice
from qaf_docs.safe_output import process_alive

__all__ = ["LockHolder", "WatcherLock"]

_EMPTY_GRACE_S = 5.0


@dataclass(frozen=True)
class LockHolder:
    """Who holds an inbox lock, as recorded in the lock file."""

    pid: int
    host: str
    started_at: float
    heartbeat: float
    token: str

    def describe(self) -> str:
        """Return "on this computer, pid 123, since 10:02" or "on the computer 'qa-server', since
        10:02" for messages: computers named as qaf names them everywhere (``QAF_HOST_ID``)."""
        started = datetime.fromtimestamp(self.started_at)
        since = f"{started:%H:%M}"
        if started.date() != datetime.now().date():
            since = f"{started:%d %b} {since}"
        if self.here():
            return f"on this computer, pid {self.pid}, since {since}"
        return f"on the computer '{self.host}', since {since}"

    def here(self) -> bool:
        """Whether the holder is on this computer."""
        return same_computer(self.host, this_computer())


class WatcherLock:
    """A lock file that lets only one watcher work on an inbox, and survives crashes.

    Created with O_CREAT | O_EXCL, which is atomic on local disks and on SMB shares (unlike fcntl
    locks, which SMB does not carry between computers). A lock is stale, and taken over with a log
    line, when its process is gone from this computer or its heartbeat is older than
    ``stale_after_s`` (a crash on another computer).
    """

    def __init__(
        self,
        path: Path,
        *,
        stale_after_s: float = 600.0,
        log: logging.Logger | None = None,
        clock: Callable[[], float] = time.time,
        refusal: Callable[[str], str] | None = None,
        name: str = "the inbox lock of a stopped watcher",
    ) -> None:
        """Prepare (not take) the lock at ``path``.

        ``refusal(who)`` words the refusal for a lock that guards something other than an inbox
        (``qaf generate``'s packs), and ``name`` what a takeover's log line calls the lock.
        """
        self.path = path
        self._refusal_for = refusal
        self._name = name
        self.stale_after_s = stale_after_s
        self._log = log or logging.getLogger(__name__)
        self._clock = clock
        self._host = this_computer()
        self._token = secrets.token_hex(8)
        self._started_at = clock()
        self._held = False

    @property
    def held(self) -> bool:
        """Return whether this object holds the lock (as far as it knows)."""
        return self._held

    def holder(self) -> LockHolder | None:
        """Return who holds the lock according to the file, or None if absent or unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return LockHolder(
                pid=int(data["pid"]),
                host=str(data["host"]),
                started_at=float(data["started_at"]),
                heartbeat=float(data["heartbeat"]),
                token=str(data["token"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def who_holds(self) -> str | None:
        """Who holds the lock, in words for ``qaf status`` ("on the computer 'qa-server', since
        09:02"), or that its holder has stopped; None when nobody holds it."""
        if not self.path.exists():
            return None
        holder = self.holder()
        stale = self._stale_reason(holder)
        who = holder.describe() if holder else "just starting"
        if stale is None:
            return who
        return (
            f"none running (its lock, {who}, is left behind: {stale}; the next one takes it over)"
        )

    def acquire(self) -> None:
        """Take the lock (or take over a stale one); raise QafError naming a live holder, or
        saying in plain words why the lock file cannot be written (a read-only inbox, a full disk).
        """
        try:
            self._acquire()
        except OSError as e:
            e.filename = str(self.path.parent)  # the inbox the user knows, not the lock's temp file
            raise QafError(os_error_advice(e)) from e

    def _acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(3):
            if self._create():
                self._held = True
                return
            holder = self.holder()
            reason = self._stale_reason(holder)
            if reason is None:
                raise QafError(self._refusal(holder))
            if self._remove_stale(holder):
                who = holder.describe() if holder else "unreadable lock file"
                self._log.warning("took over %s (%s): %s", self._name, who, reason)
        raise QafError(self._refusal(self.holder()))

    def release(self) -> None:
        """Give the lock up, if it is still ours (a taken-over lock is left to its new owner)."""
        if not self._held:
            return
        self._held = False
        holder = self.holder()
        if holder is not None and holder.token == self._token:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def heartbeat(self) -> None:
        """Record that this watcher is alive; raise QafError if another watcher has taken over.

        A lock file that vanished (the inbox folder was recreated) is recreated. OSError from an
        unreachable share propagates; the caller logs it and tries again at the next beat.
        """
        holder = self.holder()
        if holder is None:
            if not self.path.exists() and self._create():
                self._log.warning("the inbox lock file had gone; it has been recreated")
                return
            holder = self.holder()
        if holder is None or holder.token != self._token:
            self._held = False
            who = holder.describe() if holder else "an unknown watcher"
            raise QafError(f"This watcher lost its lock on the inbox to another watcher ({who}).")
        temp = self.path.with_name(f"{self.path.name}.{self._token}.tmp")
        temp.write_text(json.dumps(self._record()), encoding="utf-8")
        try:
            os.replace(temp, self.path)
        finally:
            temp.unlink(missing_ok=True)

    def __enter__(self) -> WatcherLock:
        """Acquire the lock for a ``with`` block."""
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Release the lock at the end of a ``with`` block."""
        self.release()

    def _record(self) -> dict[str, Any]:
        holder = LockHolder(os.getpid(), self._host, self._started_at, self._clock(), self._token)
        return asdict(holder)

    def _create(self) -> bool:
        """Create the lock file, complete or not at all: a full disk never leaves it empty."""
        # No mkdir here: a heartbeat must not recreate an inbox folder that has gone away.
        temp = self.path.with_name(f"{self.path.name}.{self._token}.tmp")
        try:
            with temp.open("w", encoding="utf-8") as handle:
                json.dump(self._record(), handle)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                # link() is exclusive and atomic: the lock appears whole, or not at all.
                os.link(temp, self.path)
            except FileExistsError:
                return False
            except OSError:
                return self._create_exclusive()  # a share without hard links
            return True
        finally:
            temp.unlink(missing_ok=True)

    def _create_exclusive(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._record(), handle)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            self.path.unlink(missing_ok=True)  # never leave an empty lock behind
            raise
        return True

    def _stale_reason(self, holder: LockHolder | None) -> str | None:
        try:
            modified = self.path.stat().st_mtime
        except FileNotFoundError:
            return "it has just been released"
        now = self._clock()
        if holder is None:
            # Being written this instant, or left half-written by a crash: age tells them apart.
            # Locks appear whole (see _create), so an empty one is a leftover once it is seconds old.
            if self._empty() and now - modified > _EMPTY_GRACE_S:
                return "its lock file was empty (left by a full disk or a crash)"
            if now - modified > self.stale_after_s:
                return "its lock file was unreadable and old"
            return None
        if same_computer(holder.host, self._host) and not process_alive(holder.pid):
            return "its process is no longer running"
        # The file's modified time comes from the file server, so it guards against clock skew.
        last_sign = max(holder.heartbeat, modified)
        if now - last_sign > self.stale_after_s:
            minutes = (now - last_sign) / 60
            return f"no heartbeat for {minutes:.0f} minutes"
        return None

    def _empty(self) -> bool:
        try:
            return self.path.stat().st_size == 0
        except OSError:
            return False

    def _remove_stale(self, holder: LockHolder | None) -> bool:
        """Move the stale lock aside and delete it, unless it changed hands meanwhile."""
        grave = self.path.with_name(f"{self.path.name}.stale-{self._token}")
        try:
            os.replace(self.path, grave)
        except FileNotFoundError:
            return False  # someone else removed it: just try to create ours
        except PermissionError:
            return False
        try:
            data = json.loads(grave.read_text(encoding="utf-8"))
            moved_token = str(data.get("token")) if isinstance(data, dict) else None
        except (OSError, ValueError):
            moved_token = None
        expected = holder.token if holder else None
        if moved_token != expected and not self.path.exists():
            # Another watcher took over between our look and our move: give its lock back.
            os.replace(grave, self.path)
            return False
        grave.unlink(missing_ok=True)
        return True

    def _refusal(self, holder: LockHolder | None) -> str:
        if self._refusal_for is not None:
            return self._refusal_for(holder.describe() if holder else "just starting")
        who = holder.describe() if holder else "a watcher that is just starting"
        there = "" if holder is None or holder.here() else f" on '{holder.host}'"
        minutes = self.stale_after_s / 60
        return (
            f"Another watcher ({who}) is already working on this inbox: a qaf watch, or an "
            "ingest, backup or register move that holds it while it runs. Wait a moment and run "
            f"the command again, or stop the watcher{there} first. If it has crashed, its lock is "
            f"taken over automatically {minutes:.0f} minutes after its last sign of life (lock "
            f"file: {self.path.name})."
        )
