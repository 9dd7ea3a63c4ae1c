"""Setting up: ``qaf init``, ``qaf frameworks`` and ``qaf demo``."""

from __future__ import annotations

from pathlib import Path

import click

from qaf_docs.cli.app import cli
from qaf_docs.errors import SettingsError
from qaf_docs.frameworks import load_framework, preset_names
from qaf_docs.workspace import init_workspace, set_register


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--framework",
    default="collaborative-audit",
    show_default=True,
    help="A preset (see: qaf frameworks) or a framework .toml file.",
)
@click.option(
    "--council",
    "council_name",
    default="Example Council",
    show_default=True,
    help="The council's name, printed on every form.",
)
@click.option(
    "--restore-templates",
    is_flag=True,
    help="Copy the default templates back over the workspace's own.",
)
@click.option(
    "--register",
    "register_at",
    help="Where the register is: a SQLite file on this computer's own disk (for a workspace on a "
    "shared drive), or postgresql://USER@SERVER/DATABASE for a team. Default: in the workspace.",
)
def init(
    directory: Path,
    framework: str,
    council_name: str,
    restore_templates: bool,
    register_at: str | None,
) -> None:
    """Create a workspace: settings file, templates/, inbox/ and outbox/.

    Existing settings and templates are kept unless --restore-templates is given.

    Example:

        \b
        qaf init "\\\\server\\qa\\audits" --register "D:/qaf/register.db" --council "Bracknell Forest"

        \b
        qaf init "\\\\server\\qa\\audits" --register postgresql://qaf@db-server/qa_audits
    """
    from qaf_docs.register.location import (
        check_register_setting,
        describe_location,
        register_location,
    )

    if register_at:
        check_register_setting(register_at, "The --register URL")
    ws = init_workspace(
        directory,
        framework=framework,
        council_name=council_name,
        restore_templates=restore_templates,
        register=register_at,
    )
    click.echo(f"Workspace ready at {ws.root}")
    click.echo(f"  settings:  {ws.settings_path}")
    click.echo(f"  templates: {ws.templates}")
    click.echo(f"  inbox:     {ws.inbox}")
    click.echo(f"  outbox:    {ws.outbox}")
    if register_at and ws.load_settings().register_at != register_at:
        set_register(ws, register_at)  # an existing workspace: only this setting changes
    click.echo(f"  register:  {describe_location(register_location(ws))}")


@cli.command()
def frameworks() -> None:
    """List the framework presets that ship with qaf.

    Example:

        \b
        qaf frameworks
    """
    for name in preset_names():
        fw = load_framework(name)
        click.echo(f"{name:26} {fw.name} — {len(fw.domains)} domains ({fw.source})")


@cli.command()
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("qaf-demo"),
    show_default=True,
    help="Folder for the demo workspace (created; must be new or an earlier demo).",
)
@click.option(
    "--cases", type=int, default=600, show_default=True, help="Children in the made-up case list."
)
@click.option("--audits", type=int, default=12, show_default=True, help="Audits to sample.")
@click.option("--seed", type=int, default=2026, show_default=True)
def demo(workspace: Path, cases: int, audits: int, seed: int) -> None:
    """Run the whole job on made-up data and leave real files to open.

    Sample → packs → forms filled as auditors would (two with mistakes) → inbox → ingest →
    returned action trackers → QA tracker.

    Example:

        \b
        qaf demo --workspace demo
    """
    from qaf_docs.demo.run import run_demo

    if workspace.exists() and any(workspace.iterdir()) and not (workspace / "qaf.toml").exists():
        raise SettingsError(
            f"{workspace} is not empty and not a qaf workspace; choose a new folder for the demo."
        )
    summary = run_demo(workspace, children=cases, audits=audits, seed=seed, echo=click.echo)
    click.echo("")
    for line in summary:
        click.echo(line)
