"""Where the register lives: ``qaf register move`` and ``qaf register claim``."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from qaf_docs.cli.app import cli, workspace_at, workspace_option
from qaf_docs.errors import RegisterError

log = logging.getLogger("qaf.register")


@cli.group(name="register")
def register_group() -> None:
    """Where the register lives: move it to a team's PostgreSQL server, or claim it.

    Example:

        \b
        qaf register move --to postgresql://qaf@db-server/qa_audits
    """


@register_group.command()
@click.option(
    "--to",
    "target",
    required=True,
    help="postgresql://USER@SERVER/DATABASE (an empty database), or a new SQLite file on a "
    "local disk of this computer.",
)
@workspace_option
def move(workspace: Path | None, target: str) -> None:
    """Copy the register to TARGET, check the copy, then switch the workspace over to it.

    The copy is checked part by part (how many audits, forms, grades, actions … it holds, every
    one's content, the content hash of every file ever read) before qaf.toml is changed. The old
    register stays as a backup and is marked as moved, so qaf will not use it again. Stop
    `qaf watch` first.

    Example:

        \b
        qaf register move --to postgresql://qaf@db-server/qa_audits

        \b
        qaf register move --to "D:/qaf/register.db"
    """
    from qaf_docs.inbox.ingest import WATCH_LOCK
    from qaf_docs.inbox.lock import WatcherLock
    from qaf_docs.register.addresses import is_postgres_url, redact_url
    from qaf_docs.register.location import (
        ENV_URL,
        describe_location,
        forget_workspace_owner,
        open_register,
        record_workspace_owner,
        register_location,
    )
    from qaf_docs.register.move_targets import open_source, open_target
    from qaf_docs.register.moving import (
        check_empty,
        left_by_a_stopped_move,
        move_register,
        sqlite_target,
    )
    from qaf_docs.register.store import Register
    from qaf_docs.workspace import set_register

    ws = workspace_at(workspace)
    settings = ws.load_settings()
    current = register_location(ws, settings)
    to: Path | str = target if is_postgres_url(target) else sqlite_target(target)
    setting = redact_url(to) if isinstance(to, str) else str(to)
    if describe_location(current) == setting:
        raise RegisterError(f"The register is already at {setting}.")
    if isinstance(to, Path):
        if to.exists() and not left_by_a_stopped_move(to):
            raise RegisterError(f"{to} already exists: choose a new file for the register.")
        to.parent.mkdir(parents=True, exist_ok=True)

    def reopen() -> Register:
        return Register.open(to, workspace_id=settings.workspace_id)

    def as_it_is() -> Register:  # this workspace's register there already; nothing is created
        return Register.open(to, workspace_id=settings.workspace_id, refuse_blank="empty")

    here = describe_location(current)
    there = as_it_is if isinstance(to, str) or to.exists() else None
    # No watcher may record anything while the register moves (and the old one is write-locked).
    with (
        WatcherLock(ws.inbox / WATCH_LOCK, log=log),
        open_source(
            lambda: open_register(ws, settings, network_ok=True), there, current=here, to=setting
        ) as source,
        open_target(reopen, to=to, current=here) as new,
    ):
        check_empty(new)
        click.echo(f"Copying {source.where} to {new.where}…")
        report = move_register(
            source,
            new,
            reopen_target=reopen,
            switch=lambda: set_register(ws, setting),
            moved_to=setting,
        )
    if isinstance(to, str):
        forget_workspace_owner(ws)  # any computer may use a server
    else:
        # At once, not at this computer's next command: another computer reading the shared
        # qaf.toml first would otherwise find no file on its own disk and call the register lost.
        record_workspace_owner(ws, to)
    checked = [*report.checked(), ("file content hashes", report.file_hashes)]
    width = max(len(what) for what, _ in checked)
    click.echo("Copied and checked, the same in both:")
    for what, count in checked:
        click.echo(f"  {what:<{width}} {count:6}")
    click.echo(f'The workspace now uses {setting} (qaf.toml: register = "{setting}").')
    click.echo(f"The old register stays as a backup and is marked as moved: {source.where}")
    if isinstance(to, str) and to != setting:
        click.echo(
            "The password was not written to qaf.toml: give it to each computer that runs qaf "
            f"(PGPASSWORD or {ENV_URL} in its environment, or a pgpass file)."
        )
    if os.environ.get(ENV_URL):
        click.echo(f"Note: {ENV_URL} is set here and is used before qaf.toml; change or unset it.")


@register_group.command()
@workspace_option
def claim(workspace: Path | None) -> None:
    """Make this computer the owner of the workspace's SQLite register.

    Only for a computer that was renamed or replaced, with the register file on its own disk: a
    SQLite register must only ever be used from one computer.

    Example:

        \b
        qaf register claim
    """
    from qaf_docs.computer import this_computer
    from qaf_docs.register.location import claim_workspace_register, describe_location
    from qaf_docs.register.location import register_location as where

    ws = workspace_at(workspace)
    previous = claim_workspace_register(ws)
    before = f" (before: '{previous}')" if previous and previous != this_computer() else ""
    click.echo(
        f"This computer ('{this_computer()}') now owns the register "
        f"{describe_location(where(ws))}{before}."
    )
