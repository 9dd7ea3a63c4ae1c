"""Setting up: ``qaf init``, ``qaf frameworks`` and ``qaf demo``."""

from __future__ import annotations

from pathlib import Path

import click

from qaf_docs.cli.app import cli, workspace_option
from qaf_docs.errors import QafError
from qaf_docs.frameworks import load_framework, preset_file, preset_names
from qaf_docs.workspace import (
    ROSTER_EXAMPLE,
    SETTINGS_FILE,
    TEMPLATE_FILES,
    Workspace,
    init_workspace,
    resolve,
    set_register,
)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option(
    "--framework",
    default=None,
    help="A preset (see: qaf frameworks) or a framework .toml file "
    "[default: collaborative-audit]. Never changes an existing workspace's frameworks.",
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
    help="Copy the default templates back over the workspace's own, keeping a copy of each one "
    "the council changed beside it.",
)
@click.option(
    "--register",
    "register_at",
    help="Where the register is: a SQLite file on this computer's own disk (for a workspace on a "
    "shared drive), or postgresql://USER@SERVER/DATABASE for a team. Default: in the workspace.",
)
@workspace_option
def init(
    directory: Path | None,
    framework: str | None,
    council_name: str,
    restore_templates: bool,
    register_at: str | None,
    workspace: Path | None,
) -> None:
    """Create a workspace: settings file, templates/, inbox/ and outbox/.

    Existing settings and templates are kept unless --restore-templates is given (a template the
    council changed is then kept beside the default, under a name saying so); on an existing
    workspace qaf says which frameworks it runs and how to add one.

    Example:

        \b
        qaf init "\\\\server\\qa\\audits" --framework live-case-audit --council "Bracknell Forest"

        \b
        qaf init --workspace my-qa

        \b
        qaf init "\\\\server\\qa\\audits" --register "D:/qaf/register.db" --council "Bracknell Forest"

        \b
        qaf init "\\\\server\\qa\\audits" --register postgresql://qaf@db-server/qa_audits
    """
    from qaf_docs.register.location import (
        check_register_setting,
        describe_location,
        open_register,
        register_location,
    )

    if (
        directory is not None
        and workspace is not None
        and directory.resolve() != workspace.resolve()
    ):
        raise click.UsageError("Name the folder once: either DIRECTORY or --workspace, not both.")
    folder = directory or resolve(workspace).root
    existed = (folder / SETTINGS_FILE).is_file()
    if register_at:
        check_register_setting(register_at, "The --register URL")
    kept: dict[str, Path] = {}
    ws = init_workspace(
        folder,
        framework=framework or "collaborative-audit",
        council_name=council_name,
        restore_templates=restore_templates,
        register=register_at,
        kept=kept,
    )
    if register_at and ws.load_settings().register_at != register_at:
        set_register(ws, register_at)  # an existing workspace: only this setting changes
    location = register_location(ws)
    from_environment = (
        isinstance(location, str) and not register_at and not ws.load_settings().register_at
    )
    if from_environment:
        # QAF_REGISTER_URL is this computer's own: written down, without its password, so that
        # every other computer using the workspace looks for the register on the same server.
        set_register(ws, describe_location(location))
    if isinstance(location, Path):
        # Created now, with its marker, so that a register lost later is noticed, never replaced.
        # (A team's server may not be reachable yet from here: it is first used by a command.)
        if not location.exists():
            location.parent.mkdir(parents=True, exist_ok=True)  # e.g. D:/qaf for --register
        with open_register(ws):
            pass
    click.echo(f"Workspace ready at {ws.root}")
    if existed:
        for line in frameworks_kept(ws, framework):
            click.echo(line)
    if existed and restore_templates:
        mine = "" if kept else " (none had been changed)"
        click.echo(f"Templates put back from qaf's defaults: {', '.join(TEMPLATE_FILES)}{mine}.")
    for name, copy in kept.items():
        click.echo(
            f"  Your own {name} is kept beside it as {copy}: copy your logo, wording and extra "
            "questions from it into the restored one in Word."
        )
    click.echo(f"  settings:  {ws.settings_path}")
    click.echo(f"  templates: {ws.templates}")
    click.echo(f"  inbox:     {ws.inbox}")
    click.echo(f"  outbox:    {ws.outbox}")
    click.echo(f"  register:  {describe_location(location)}")
    if from_environment:
        click.echo(
            "             (from QAF_REGISTER_URL; written to qaf.toml without any password, so "
            "other computers use it too)"
        )
    has_roster = any((ws.root / n).is_file() for n in ("roster.xlsx", "roster.csv"))
    click.echo("Next:")
    if not has_roster:
        click.echo(
            f"  1. Open {ws.root / ROSTER_EXAMPLE}, replace the example people with your auditors "
            "(name, email, role, team, monthly capacity) and everyone qaf writes to (the same "
            "columns, no capacity), and save it as roster.xlsx."
        )
    click.echo(
        f"  {'2' if not has_roster else '1'}. Try a round without recording it: "
        f'qaf sample <case list .xlsx> --workspace "{ws.root}" --n 10 --dry-run'
    )


@cli.command()
@workspace_option
def frameworks(workspace: Path | None) -> None:
    """List the framework presets that ship with qaf, and where each file is; with --workspace,
    also the frameworks that workspace runs.

    To change a preset, copy its file into the workspace, edit it, and list the copy in qaf.toml
    (frameworks = ["my-framework.toml"]).

    Example:

        \b
        qaf frameworks

        \b
        qaf frameworks --workspace "\\\\server\\qa\\audits"
    """
    click.echo("Presets (copy one into the workspace to change it):")
    for name in preset_names():
        fw = load_framework(name)
        click.echo(f"  {name:26} {fw.name} — {len(fw.domains)} domains ({fw.source})")
        click.echo(f"  {'':26} {preset_file(name)}")
    if workspace is None:
        return
    ws = resolve(workspace)
    names = ws.load_settings().framework_names()
    click.echo(f"This workspace runs ({ws.settings_path}):")
    for i, name in enumerate(names):
        where = "the preset above" if name in preset_names() else str((ws.root / name).resolve())
        default = " (the default)" if i == 0 else ""
        try:
            fw = load_framework(name, base=ws.root)
        except QafError as e:  # named, and the others still listed (as qaf status does)
            click.echo(f"  {name}{default}: qaf cannot use it: {e}")
            continue
        click.echo(f"  {name}{default}: {fw.name} — {len(fw.domains)} domains; file: {where}")


@cli.command()
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("qaf-demo"),
    show_default=True,
    help="Folder for the demo workspace (created; new, or an earlier demo to start again).",
)
@click.option(
    "--cases",
    type=click.IntRange(20, 100_000),
    default=600,
    show_default=True,
    help="Children in the made-up case list.",
)
@click.option(
    "--audits", type=click.IntRange(1, 100), default=12, show_default=True, help="Audits to sample."
)
@click.option("--seed", type=click.IntRange(min=0), default=2026, show_default=True)
def demo(workspace: Path, cases: int, audits: int, seed: int) -> None:
    """Run the whole job on made-up data and leave real files to open.

    Sample → packs → forms filled as auditors would (two with mistakes) → inbox → ingest →
    returned action trackers → QA tracker.

    Example:

        \b
        qaf demo --workspace demo
    """
    from qaf_docs.demo.run import run_demo

    summary = run_demo(workspace, children=cases, audits=audits, seed=seed, echo=click.echo)
    click.echo("")
    for line in summary:
        click.echo(line)


def frameworks_kept(ws: Workspace, asked: str | None) -> list[str]:
    """Say which frameworks an existing workspace runs (kept as they are) and how to add one."""
    settings = ws.load_settings()
    names = settings.framework_names()
    lines = [f"  Settings kept: this workspace runs {', '.join(names)} (default: {names[0]})."]
    if asked and asked not in names:
        listed = ", ".join(f'"{n}"' for n in [*names, asked])
        lines.append(
            f"  --framework {asked} was NOT added. To run it beside the others, edit "
            f"{ws.settings_path} to read: frameworks = [{listed}]"
        )
    return lines
