"""`qaf watch`: the inbox watcher (``watcher.py``: events, settling, the lock, a lost register)
driving the ingestor (``ingest.py``) file by file, with the derived files caught up once a burst."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from qaf_docs.inbox import derived
from qaf_docs.inbox.ingest import WATCH_LOCK, Ingestor
from qaf_docs.inbox.watcher import InboxWatcher
from qaf_docs.register.backup import back_up_if_due
from qaf_docs.register.location import open_register
from qaf_docs.register.presence import backup_folder
from qaf_docs.workspace import Workspace

log = logging.getLogger("qaf.ingest")  # the inbox's one logger, as `qaf watch` logs it


def watch_inbox(
    ws: Workspace,
    *,
    poll: bool = False,
    scan_interval_s: float = 5.0,
    stop: threading.Event | None = None,
    register_retry_s: float = 2.0,
) -> None:
    """Process files as they arrive until stopped; bring derived files up to date once per burst."""
    settings = ws.load_settings()
    opened: list[Ingestor] = []
    stop = stop or threading.Event()  # Ctrl+C sets it: no file is started after that

    def start() -> None:
        # Only once the lock is held: a watcher refused the lock touches nothing.
        register = open_register(ws, settings)
        if register.read_only_user is not None:  # it could never record a file: stop, saying so
            error = register.read_only_error()
            register.close()
            raise error
        opened.append(Ingestor(ws, register, settings))

    def process(path: Path) -> None:
        log.info("%s", opened[0].process(path).line())  # each file's one line, as qaf ingest's

    def process_many(paths: list[Path]) -> list[Path]:
        """Many files at once, as ``qaf ingest`` takes them; return those open elsewhere."""
        from qaf_docs.inbox.bulk import BulkIngestor

        ingestor = opened[0]
        bulk = BulkIngestor(ws, ingestor.register, settings)
        outcomes = bulk.ingest_files(paths, stop=stop.is_set)
        for outcome in outcomes:
            log.info("%s", outcome.line())
        return [p for p, o in zip(paths, outcomes, strict=True) if o.result == "waiting"]

    def burst_end() -> bool:
        """Write lost notes, catch derived files up, back up daily; False if something is behind."""
        ingestor = opened[0]
        ingestor.reconcile()
        caught_up = derived.bring_up_to_date(ws, ingestor.register, settings)
        if caught_up.tracker is not None:
            log.info("tracker rebuilt: %s", caught_up.tracker.name)
        # A SQLite register only: a team's PostgreSQL server is backed up by its own tools.
        if settings.backup.daily_while_watching and ingestor.register.path is not None:
            taken = back_up_if_due(
                ingestor.register.path, backup_folder(ws, settings), keep=settings.backup.keep
            )
            if taken is not None:
                log.info("daily register backup: %s", taken.name)
        return not caught_up.failed

    # The lock lives in the inbox itself: only there does it keep apart two PCs sharing it.
    try:
        InboxWatcher(
            ws.inbox,
            process,
            burst_end,
            on_start=start,
            check_register=lambda: opened[0].register.schema_version(),
            register_retry_s=register_retry_s,
            process_files=process_many,
            poll=poll,
            scan_interval_s=scan_interval_s,
            lock_path=ws.inbox / WATCH_LOCK,
            log=log,
        ).run(stop)
    finally:
        for ingestor in opened:
            ingestor.register.close()
