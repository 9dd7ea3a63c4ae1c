"""The register knows it exists: a workspace with history never gets a blank register by accident.

``qaf init`` (and every later successful open) leaves a marker in ``.qaf/``. If a SQLite register
file is then missing or empty while the workspace shows it has been used (the marker, processed or
rejected files, sampling manifests, issued packs), :func:`check_sqlite_register` refuses with what
happened and how to restore it, instead of letting a blank register be created that would reject
every valid form. It also refuses a damaged register before anything reads half of it, and backs the
register up before a migration. :func:`~qaf_docs.register.location.open_register`, the one way qaf
opens a workspace's register, runs these checks for a SQLite file; a team's PostgreSQL server keeps
(and backs up) its databases by its own rules, so none of them apply there.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from qaf_docs.errors import RegisterError, os_error_advice
from qaf_docs.register.backup import back_up, backups
from qaf_docs.register.connection import database_error
from qaf_docs.register.migrations import MIGRATIONS
from qaf_docs.workspace import Settings, Workspace

MARKER = "register.marker"


def backup_folder(ws: Workspace, settings: Settings) -> Path:
    """Return the folder the workspace's register backups go to."""
    folder = Path(settings.backup.folder)
    return folder if folder.is_absolute() else ws.root / folder


def history(ws: Workspace) -> list[str]:
    """Return the signs that this workspace has been used (empty for a brand-new one)."""
    signs = []
    if (ws.state / MARKER).is_file():
        signs.append("qaf init created a register here")

    def has_files(folder: Path) -> bool:
        return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))

    for folder, sign in (
        (ws.processed, "forms have been processed"),
        (ws.rejected, "files have been rejected"),
        (ws.samples, "sampling rounds have been drawn"),
        (ws.packs, "packs have been issued"),
    ):
        if has_files(folder):
            signs.append(sign)
    return signs


def check_sqlite_register(ws: Workspace, path: Path, settings: Settings) -> None:
    """Before a SQLite register at ``path`` is opened: refuse a missing, empty or damaged one the
    workspace needs, and back it up when opening it will migrate it."""
    try:
        blank = not path.exists() or path.stat().st_size == 0
    except OSError as e:
        raise RegisterError(f"The register ({path}) cannot be reached: {e}.") from e
    if blank:
        signs = history(ws)
        if signs:
            raise RegisterError(_missing_message(path, signs, backup_folder(ws, settings)))
        return
    _check_intact(path)
    if _schema_version(path) < len(MIGRATIONS):
        folder = backup_folder(ws, settings)
        if _already_backed_up(path, folder):
            return  # an upgrade that failed before: its copy stands, and older backups stay
        try:
            back_up(path, folder, reason=UPGRADE_REASON, keep=settings.backup.keep)
        except (RegisterError, OSError) as e:
            said = str(e) if isinstance(e, RegisterError) else os_error_advice(e)
            raise RegisterError(
                "Before upgrading the register for this version of qaf, qaf backs it up, and "
                f"could not: {said} It is upgraded once the backup can be taken."
            ) from e


def blank_server_refusal(ws: Workspace, where: str) -> str | None:
    """What to say if a team's database turns out to hold no register while this workspace has
    been used (its database renamed, lost, or a new one made in its place); None: a new workspace."""
    signs = history(ws)
    if not signs:
        return None
    return (
        f"The register's database ({where}) is empty, but this workspace has been used "
        f"({'; '.join(signs)}). qaf will not start a blank register in it: every form would be "
        "refused. If the database was renamed or moved, put its new address in qaf.toml "
        "(register = …); if it was lost, ask IT to restore it from the server's backup "
        "(pg_restore); to bring a register into it, use qaf register move. Nothing in the inbox "
        "has been touched."
    )


def mark_created(ws: Workspace, location: Path | str) -> None:
    """Leave the marker that says this workspace has a register (kept once written)."""
    marker = ws.state / MARKER
    if marker.exists():
        return
    ws.state.mkdir(parents=True, exist_ok=True)
    marker.write_text(
        f"register = {location}\ncreated = {datetime.now().astimezone().isoformat(timespec='seconds')}\n"
        "qaf refuses to replace this register with a blank one; see README: Interruptions, "
        "full disks and backups.\n",
        encoding="utf-8",
    )


def _missing_message(path: Path, signs: list[str], folder: Path) -> str:
    state = "missing" if not path.exists() else "empty (0 bytes)"
    saved = backups(folder)
    restore = (
        f'Restore the newest backup: qaf backup --restore "{saved[-1]}"'
        if saved
        else f"Restore it from the computer's backup (no qaf backups in {folder})"
    )
    return (
        f"The register ({path}) is {state}, but this workspace has been used "
        f"({'; '.join(signs)}). qaf will not start a blank register over it: every form would be "
        f"refused. {restore}, then run the command again. Nothing in the inbox has been touched."
    )


def _check_intact(path: Path) -> None:
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            rows = db.execute("PRAGMA quick_check").fetchall()
        finally:
            db.close()
    except sqlite3.Error as e:
        raise database_error(e, path) from e
    if [tuple(r) for r in rows] != [("ok",)]:
        raise database_error(sqlite3.DatabaseError("database disk image is malformed"), path)


UPGRADE_REASON = "before upgrade"


def _already_backed_up(path: Path, folder: Path) -> bool:
    """Whether a backup taken before an upgrade holds the register as it is now: an upgrade that
    keeps failing (a watcher restarted every minute) then takes no copy per run, each of which
    would push an older backup out of the newest kept."""
    now = _state(path, immutable=False)
    return now is not None and any(
        UPGRADE_REASON in copy.name and _state(copy, immutable=True) == now
        for copy in backups(folder)
    )


def _state(path: Path, *, immutable: bool) -> tuple[object, ...] | None:
    """The register's layout version, change count and files read: equal for two copies of one
    state (None if it cannot be read)."""
    mode = "mode=ro&immutable=1" if immutable else "mode=ro"
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=30)
        try:
            tables = {str(r[0]) for r in db.execute("SELECT name FROM sqlite_master")}
            changes = (
                db.execute("SELECT changes FROM register_state").fetchone()
                if "register_state" in tables
                else None
            )
            return (
                db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0],
                changes[0] if changes else None,
                db.execute("SELECT COUNT(*) FROM ingested_files").fetchone()[0],
                db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0],
            )
        finally:
            db.close()
    except sqlite3.Error:
        return None


def _schema_version(path: Path) -> int:
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            row = db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        finally:
            db.close()
    except sqlite3.OperationalError:
        return 0  # no table yet: every migration is still to run
    except sqlite3.Error as e:
        raise database_error(e, path) from e
    return int(row[0] or 0) if row else 0
