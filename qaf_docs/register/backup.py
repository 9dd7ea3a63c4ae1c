"""Copies of the register that can be put back: ``qaf backup``, before every migration, and daily.

SQLite's online backup API copies a consistent snapshot even while the watcher writes. Each copy is
written to a temporary name and renamed into place, so a half-written backup never looks like a good
one; only the newest ``keep`` copies are kept. A PostgreSQL register is backed up by the server's own
tools (``pg_dump``), not by qaf.

A backup is only ever read as an unchanging file (SQLite's ``immutable``), so checking or restoring
one leaves no ``-wal`` or ``-shm`` file beside it; and a backup of another workspace's register is
refused before anything changes.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from datetime import datetime
from pathlib import Path

from qaf_docs.errors import RegisterError
from qaf_docs.register.connection import database_error
from qaf_docs.register.migrations import MIGRATIONS
from qaf_docs.register.ownership import WORKSPACE_KEY

PREFIX = "qaf_register "
SUFFIX = ".db"
DAY_S = 24 * 3600


# "qaf_register 2026-11-02 093000 daily.db"; a later one in the same second carries its place in
# that second after the time ("093000-2 by hand.db"), whatever its reason. Copies named before
# that (" daily (2).db") are still read in order.
_NAME = re.compile(
    r"^" + re.escape(PREFIX) + r"(?P<stamp>\d{4}-\d\d-\d\d \d{6})(?:-(?P<seq>\d+))?"
    r" (?P<reason>.*?)(?: \((?P<old_seq>\d+)\))?" + re.escape(SUFFIX) + r"$"
)


def _taken(path: Path) -> tuple[str, int, str]:
    """When a backup was taken, from its name: its second, then its place in that second."""
    found = _NAME.match(path.name)
    if found is None:
        return ("", 0, path.name)
    seq = found["seq"] or found["old_seq"] or "1"
    return (found["stamp"], int(seq), path.name)


def backups(folder: Path) -> list[Path]:
    """Return the backups in ``folder``, oldest first (by when each was taken, not by its name:
    two taken in one second sort as they were taken, whatever their reasons)."""
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.name.endswith(SUFFIX)),
        key=_taken,
    )


def _place(temp: Path, folder: Path, stamp: str, reason: str) -> Path:
    """Give the copy at ``temp`` its name: the next place in its second, taken exclusively, so two
    copies in one second (two processes even) never share a name or an order."""
    while True:
        same_second = [_taken(p)[1] for p in backups(folder) if _taken(p)[0] == stamp]
        seq = max(same_second, default=0) + 1
        at = "" if seq == 1 else f"-{seq}"
        target = folder / f"{PREFIX}{stamp}{at} {reason}{SUFFIX}"
        try:
            os.link(temp, target)  # exclusive: fails if another copy took this place meanwhile
        except FileExistsError:
            continue
        except OSError:  # a folder without hard links (some shares)
            if target.exists():
                continue
            os.replace(temp, target)
        return target


def back_up(register_path: Path, folder: Path, *, reason: str, keep: int) -> Path:
    """Copy the register at ``register_path`` into ``folder`` and keep only the newest ``keep``.

    Raises RegisterError when the register cannot be read and OSError when the copy cannot be
    written (a full disk): the CLI turns either into one line of advice.
    """
    if not register_path.is_file():
        raise RegisterError(f"There is no register at {register_path} to back up.")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d %H%M%S")
    temp = folder / f".{PREFIX}{stamp} {reason}.{os.getpid()}-{os.urandom(4).hex()}.tmp{SUFFIX}"
    try:
        source = sqlite3.connect(f"{register_path.as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as e:
        raise database_error(e, register_path) from e
    try:
        copy = sqlite3.connect(temp)
        try:
            source.backup(copy)
        finally:
            copy.close()
        target = _place(temp, folder, stamp, reason)
    except sqlite3.Error as e:
        raise _not_written(e, register_path, folder) from e
    finally:
        source.close()
        temp.unlink(missing_ok=True)
    for old in backups(folder)[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


class BackupNotWrittenError(RegisterError):
    """The copy could not be written where backups go (its disk full or read-only)."""


def _not_written(e: sqlite3.Error, register_path: Path, folder: Path) -> RegisterError:
    """A copy that failed: the register's own fault (damaged), or the backups folder's disk."""
    text = str(e).lower()
    if any(w in text for w in ("malformed", "not a database", "corrupt")):
        return database_error(e, register_path)
    elsewhere = "or set folder = … under [backup] in qaf.toml to one that has room"
    if "full" in text:
        why = f"the disk that holds it is full: free some space there, {elsewhere}"
    elif any(w in text for w in ("readonly", "read-only", "permission", "unable to open")):
        why = (
            "qaf may not write there (a read-only or missing drive or folder): check it, or set "
            "folder = … under [backup] in qaf.toml to a folder qaf may write to"
        )
    else:
        why = f"{e}; run qaf backup again, {elsewhere}"
    return BackupNotWrittenError(
        f"The backup could not be written to {folder}: {why}. The register itself is unchanged."
    )


def back_up_if_due(register_path: Path, folder: Path, *, keep: int) -> Path | None:
    """Take the daily backup if the newest one is a day old (or there is none); else None."""
    existing = backups(folder)
    if existing and time.time() - existing[-1].stat().st_mtime < DAY_S:
        return None
    return back_up(register_path, folder, reason="daily", keep=keep)


def _read_only(backup: Path) -> sqlite3.Connection:
    """Open ``backup`` to read without writing anything beside it (no ``-wal``, no ``-shm``).

    A backup is one file, so it is opened as immutable; a copy that still has a ``-wal`` beside it
    (taken by hand from a live register) is read with it, as SQLite reads a live register.
    """
    wal = Path(f"{backup}-wal")
    still_open = wal.is_file() and wal.stat().st_size > 0
    mode = "mode=ro" if still_open else "mode=ro&immutable=1"
    return sqlite3.connect(f"{backup.resolve().as_uri()}?{mode}", uri=True)


def verify(backup: Path, workspace_id: str | None = None) -> None:
    """Raise RegisterError unless ``backup`` is an intact qaf register (of ``workspace_id``'s
    workspace, when given: another workspace's register would refuse every command)."""
    if not backup.is_file() or backup.stat().st_size == 0:
        raise RegisterError(f"{backup} is not a register backup (missing or empty).")
    try:
        db = _read_only(backup)
        try:
            check = [tuple(r) for r in db.execute("PRAGMA quick_check").fetchall()]
            schema = int(
                db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] or 0
            )
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            owner = (
                db.execute("SELECT value FROM meta WHERE key = ?", (WORKSPACE_KEY,)).fetchone()
                if "meta" in tables
                else None
            )
        finally:
            db.close()
    except sqlite3.Error as e:
        raise RegisterError(f"{backup} is not a usable register backup ({e}).") from e
    if check != [("ok",)]:
        raise RegisterError(f"{backup} is damaged; choose an older backup.")
    if schema > len(MIGRATIONS):
        raise RegisterError(
            f"{backup} was made by a newer version of qaf (schema {schema}; this qaf knows "
            f"{len(MIGRATIONS)}): nothing was restored. Upgrade qaf on this computer to restore it."
        )
    recorded = str(owner[0]) if owner and owner[0] else ""
    if workspace_id and recorded and recorded != workspace_id:
        raise RegisterError(
            f"{backup} is another qaf workspace's register (id {recorded[:8]}…), not this "
            f"workspace's (id {workspace_id[:8]}…): nothing was restored. Choose one of this "
            "workspace's own backups."
        )


def restore(
    backup: Path,
    register_path: Path,
    folder: Path,
    *,
    keep: int,
    workspace_id: str | None = None,
) -> Path | None:
    """Put ``backup`` back as the register; the register it replaces is backed up first.

    Refuses, changing nothing, a backup that is damaged or another workspace's. Returns the backup
    of the replaced register, or None if there was none worth keeping.
    """
    verify(backup, workspace_id)
    saved = None
    if register_path.is_file() and register_path.stat().st_size > 0:
        try:
            saved = back_up(register_path, folder, reason="before restore", keep=keep + 1)
        except BackupNotWrittenError as e:  # never replaced without the copy: it may hold more
            raise RegisterError(
                f"The register could not be kept as a backup before being replaced. {e} Nothing "
                "was restored."
            ) from e
        except RegisterError:
            pass  # a damaged register cannot be copied
    # Copied beside the register first, then put in its place: a copy cut short (a full disk)
    # leaves the register as it was.
    temp = register_path.with_name(
        f".{register_path.name}.{os.getpid()}-{os.urandom(4).hex()}.restoring"
    )
    try:
        source = _read_only(backup)
        try:
            target = sqlite3.connect(temp)
            try:
                source.backup(target)
                # Files written after the backup must not pass for up to date: rebuild them all.
                with contextlib.suppress(sqlite3.OperationalError):
                    target.execute("DELETE FROM derived_outputs")
                    target.commit()
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as e:
        temp.unlink(missing_ok=True)
        raise RegisterError(
            f"Nothing was restored, and the register is as it was. {database_error(e, register_path)}"
        ) from e
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    # The replaced register's log must not be replayed into the restored one.
    for side in ("-wal", "-shm"):
        Path(f"{register_path}{side}").unlink(missing_ok=True)
    os.replace(temp, register_path)
    return saved
