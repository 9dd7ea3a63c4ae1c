"""Keeping the register safe: ``qaf backup`` (and putting a backup back)."""

from __future__ import annotations

from pathlib import Path

import click

from qaf_docs.cli.app import cli, workspace_at, workspace_option
from qaf_docs.errors import RegisterError


@cli.command()
@click.option(
    "--restore",
    "restore_from",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Put this backup back as the register (the current one is backed up first).",
)
@workspace_option
def backup(workspace: Path | None, restore_from: Path | None) -> None:
    """Copy the register to the backups folder (or put a backup back with --restore).

    qaf also backs a SQLite register up before every upgrade of its layout and once a day while
    `qaf watch` runs; the newest copies are kept (qaf.toml: [backup] keep). A PostgreSQL register
    is backed up with the server's own tools (pg_dump), before an upgrade too.

    Example:

        \b
        qaf backup

        \b
        qaf backup --restore "backups/qaf_register 2026-11-02 093000 daily.db"
    """
    from qaf_docs.inbox.ingest import WATCH_LOCK
    from qaf_docs.inbox.lock import WatcherLock
    from qaf_docs.register import backup as backups
    from qaf_docs.register.location import describe_location, register_location
    from qaf_docs.register.presence import backup_folder, mark_created

    ws = workspace_at(workspace)
    settings = ws.load_settings()
    location = register_location(ws, settings)
    if not isinstance(location, Path):
        raise RegisterError(
            f"The register is on a PostgreSQL server ({describe_location(location)}), which qaf "
            "does not copy: back it up with the server's own tools, e.g. pg_dump --format=custom "
            "(ask IT to schedule it), and restore it with pg_restore. README: Interruptions, full "
            "disks and backups."
        )
    folder = backup_folder(ws, settings)
    if restore_from is None:
        path = backups.back_up(location, folder, reason="by hand", keep=settings.backup.keep)
        click.echo(f"Backup: {path}")
        return
    restore_from = _backup_named(restore_from, ws.root)
    if not restore_from.exists():  # a typing slip, or a name with spaces not in quotes
        raise RegisterError(_no_such_backup(restore_from, backups.backups(folder)))
    # No watcher may write while the register is swapped underneath it.
    with WatcherLock(ws.inbox / WATCH_LOCK):
        saved = backups.restore(
            restore_from,
            location,
            folder,
            keep=settings.backup.keep,
            workspace_id=settings.workspace_id,
        )
        mark_created(ws, location)
    if saved:
        click.echo(f"The register it replaced was kept as {saved}")
    click.echo(f"Register restored from {restore_from}")
    click.echo(
        "Forms processed after this backup was taken are in outbox/processed/: drop them in the "
        "inbox again to record them. The tracker and action trackers are rebuilt at the next run."
    )


def _backup_named(path: Path, root: Path) -> Path:
    """The backup a typed path names: from the current folder, else from the workspace's folder
    (``--restore "backups/…"`` with ``--workspace`` given from elsewhere)."""
    path = path.expanduser()
    here = path.resolve()
    if path.is_absolute() or here.exists():
        return here
    there = (root / path).resolve()
    return there if there.exists() else here


def _no_such_backup(path: Path, existing: list[Path]) -> str:
    """What ``--restore`` with a file that is not there says: the backups there are to choose from."""
    if not existing:
        return f"There is no file {path}, and no backup has been taken yet (qaf backup takes one)."
    newest = ", ".join(f'"{p}"' for p in reversed(existing[-3:]))
    return (
        f"There is no file {path}. The newest backups: {newest}. Nothing was changed; name one "
        f'in quotes, as its name has spaces: qaf backup --restore "{existing[-1]}"'
    )
