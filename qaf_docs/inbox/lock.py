"""One watcher per inbox: the lock itself is ``qaf_docs.file_lock``, shared with ``qaf generate``."""

from __future__ import annotations

from qaf_docs.file_lock import LockHolder, WatcherLock

__all__ = ["LockHolder", "WatcherLock"]
