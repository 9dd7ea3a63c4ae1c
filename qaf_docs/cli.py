"""The ``qaf`` command: a thin skin over the library. Errors become one line and a non-zero exit."""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from qaf_docs import __version__
from qaf_docs.errors import QafError, SettingsError
from qaf_docs.frameworks import load_framework, preset_names
from qaf_docs.workspace import Workspace, init_workspace, resolve

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """A group that turns any QafError into click's one-line 'Error: …' and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QafError as e:
            raise click.ClickException(str(e)) from e


def workspace_option(f: F) -> F:
    """Add ``--workspace DIR`` (default: $QAF_WORKSPACE, else the current folder)."""
    return click.option(
        "--workspace",
        "-w",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The workspace folder (default: $QAF_WORKSPACE, else the current folder).",
    )(f)


def _workspace(path: Path | None) -> Workspace:
    ws = resolve(path)
    ws.load_settings()  # fail early with a clear message if this is not a workspace
    return ws


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qaf")
@click.option("--verbose", "-v", is_flag=True, help="Show progress messages as they happen.")
def cli(verbose: bool) -> None:
    """Case file audits for children's social care QA teams.

    The monthly flow: qaf sample → qaf generate → (auditors fill the forms; admin drops them in
    inbox/) → qaf ingest (or qaf watch) → qaf report.

    Example:

        \b
        qaf init my-qa --framework collaborative-audit

        \b
        qaf demo --workspace demo
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
        datefmt="%H:%M:%S",
    )


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
def init(directory: Path, framework: str, council_name: str, restore_templates: bool) -> None:
    """Create a workspace: settings file, templates/, inbox/ and outbox/.

    Existing settings and templates are kept unless --restore-templates is given.

    Example:

        \b
        qaf init "\\\\server\\qa\\audits" --framework live-case-audit --council "Bracknell Forest"
    """
    ws = init_workspace(
        directory,
        framework=framework,
        council_name=council_name,
        restore_templates=restore_templates,
    )
    click.echo(f"Workspace ready at {ws.root}")
    click.echo(f"  settings:  {ws.settings_path}")
    click.echo(f"  templates: {ws.templates}")
    click.echo(f"  inbox:     {ws.inbox}")
    click.echo(f"  outbox:    {ws.outbox}")


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
@click.argument(
    "caselist", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False
)
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Auditors (.xlsx/.csv: name, email, role, team, monthly capacity). Default: roster.xlsx or roster.csv in the workspace.",
)
@click.option(
    "--kind",
    type=click.Choice(["simple", "tier-one", "thematic", "half-cycle", "reaudit"]),
    default="simple",
    show_default=True,
)
@click.option("--n", "n", type=int, help="Simple round: how many cases.")
@click.option("--percent", type=float, help="Simple round: what percentage of open cases.")
@click.option(
    "--stratify",
    default="",
    help="Simple round: spread the sample by 'team', 'case_type' or 'team,case_type'.",
)
@click.option(
    "--theme-column", help="Thematic round: the case-list column to match (e.g. category_of_abuse)."
)
@click.option(
    "--theme-value",
    "theme_values",
    multiple=True,
    help="Thematic round: a value to match (repeat for several).",
)
@click.option(
    "--half", type=click.Choice(["first", "second"]), help="Half-cycle round: which half."
)
@click.option(
    "--seed", type=int, help="Random seed (default: a new one, recorded in the manifest)."
)
@click.option(
    "--verify",
    "verify",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Re-draw a recorded round from its manifest and this case list, and say whether it matches.",
)
@workspace_option
def sample(
    workspace: Path | None,
    caselist: Path | None,
    roster: Path | None,
    kind: str,
    n: int | None,
    percent: float | None,
    stratify: str,
    theme_column: str | None,
    theme_values: tuple[str, ...],
    half: str | None,
    seed: int | None,
    verify: Path | None,
) -> None:
    """Draw a fair, reproducible sample of cases and allocate each to an auditor.

    The round, its seed and a hash of the case list are recorded in the register and in a
    manifest workbook in outbox/samples/.

    Example:

        \b
        qaf sample annex_a.xlsx --roster roster.xlsx --kind simple --n 20 --stratify team

        \b
        qaf sample annex_a.xlsx --verify outbox/samples/2026-11-simple.xlsx
    """
    from qaf_docs.cases import rounds

    ws = _workspace(workspace)
    if caselist is None:
        raise click.UsageError("Name the case list to sample from, e.g. qaf sample annex_a.xlsx")
    if verify is not None:
        result = rounds.verify(verify, caselist, roster)
        click.echo(result.explanation)
        if not result.ok:
            sys.exit(1)
        return
    chosen_seed = seed if seed is not None else secrets.randbelow(1_000_000)
    report = rounds.draw(
        ws,
        caselist,
        roster,
        kind=kind,
        seed=chosen_seed,
        n=n,
        percent=percent,
        stratify_by=tuple(s.strip() for s in stratify.split(",") if s.strip()),
        theme_column=theme_column,
        theme_values=theme_values,
        half=half,
        today=date.today(),
    )
    for line in report.lines():
        click.echo(line)


@cli.command()
@click.option("--round", "round_id", help="Only this round (default: every allocated audit).")
@click.option(
    "--reissue",
    is_flag=True,
    help="Write packs again for audits already issued (e.g. after a template change).",
)
@workspace_option
def generate(workspace: Path | None, round_id: str | None, reissue: bool) -> None:
    """Write a Word audit tool and an Excel action tracker for each allocated audit.

    Files go to outbox/packs/<round>/<audit-ref>.docx and .xlsx, named by audit reference only.

    Example:

        \b
        qaf generate --round 2026-11-simple
    """
    from qaf_docs.packs.generate import generate_packs
    from qaf_docs.register.store import Register

    ws = _workspace(workspace)
    with Register.open(ws.register_path) as register:
        todo = [
            a
            for a in register.audits(round_id=round_id)
            if a.status in (("allocated", "issued") if reissue else ("allocated",))
        ]
        if not todo:
            click.echo(
                "Nothing to generate: no allocated audits"
                + (f" in round {round_id}." if round_id else ". Run qaf sample first.")
            )
            return
        with click.progressbar(length=len(todo), label="Writing packs", file=sys.stderr) as bar:
            written = generate_packs(
                ws, register, round_id=round_id, reissue=reissue, on_pack=lambda _: bar.update(1)
            )
    folders = sorted({docx.parent for docx, _ in written})
    click.echo(f"Wrote {len(written)} audit tools and {len(written)} action trackers:")
    for folder in folders:
        click.echo(f"  {folder}")


@cli.command()
@workspace_option
def ingest(workspace: Path | None) -> None:
    """Read every completed file in inbox/ once: record it, or reject it with a note.

    Accepted files move to outbox/processed/, the others to outbox/rejected/ beside a
    .rejected.txt note that says what to fix. The tracker is rebuilt afterwards.

    Example:

        \b
        qaf ingest --workspace "\\\\server\\qa\\audits"
    """
    from qaf_docs.inbox.ingest import ingest_inbox

    ws = _workspace(workspace)
    outcomes = ingest_inbox(ws)
    _print_outcomes(ws, outcomes)


def _print_outcomes(ws: Workspace, outcomes: list[Any]) -> None:
    if not outcomes:
        click.echo(f"The inbox is empty ({ws.inbox}).")
        return
    for o in outcomes:
        extra = f" ({o.detail})" if o.detail else ""
        problems = [f for f in o.findings if f.severity == "error"]
        if o.result == "rejected":
            extra += f": {len(problems)} problem(s), see the note"
        click.echo(f"  {o.label}: {o.result}{extra}")
    counts = {
        r: sum(o.result == r for o in outcomes)
        for r in ("accepted", "rejected", "duplicate", "waiting")
    }
    click.echo(
        f"{counts['accepted']} accepted, {counts['rejected']} rejected, "
        f"{counts['duplicate']} duplicate, {counts['waiting']} still arriving."
    )
    if counts["rejected"] or counts["duplicate"]:
        click.echo(f"Notes for rejected files: {ws.rejected}")
    if counts["accepted"]:
        click.echo(f"Tracker: {ws.tracker_path}")


@cli.command()
@click.option(
    "--poll",
    is_flag=True,
    help="Scan the folder on a timer only (for network shares where change events never arrive).",
)
@click.option(
    "--interval",
    type=float,
    default=5.0,
    show_default=True,
    help="Seconds between full scans of the inbox.",
)
@workspace_option
def watch(workspace: Path | None, poll: bool, interval: float) -> None:
    """Watch inbox/ and process files as they arrive, until stopped with Ctrl+C.

    Example:

        \b
        qaf watch --workspace "\\\\server\\qa\\audits" --poll
    """
    from qaf_docs.inbox.ingest import watch_inbox

    ws = _workspace(workspace)
    logging.getLogger().setLevel(logging.INFO)
    click.echo(f"Watching {ws.inbox} (Ctrl+C to stop)…")
    watch_inbox(ws, poll=poll or ws.load_settings().inbox.poll, scan_interval_s=interval)
    click.echo("Stopped.")


@cli.command()
@workspace_option
def status(workspace: Path | None) -> None:
    """Show what is waiting in the inbox and what the register holds, with the latest problems.

    Example:

        \b
        qaf status
    """
    from qaf_docs.inbox.readiness import scan
    from qaf_docs.register.store import Register

    ws = _workspace(workspace)
    # Read the register first: a register that cannot be read is one error line, nothing else.
    with Register.open(ws.register_path) as register:
        counts = register.counts()
        recent = register.recent_rejections(5)
    click.echo(f"Workspace {ws.root}")
    click.echo(f"  inbox:     {len(scan(ws.inbox))} file(s) waiting")
    click.echo(f"  processed: {sum(1 for p in ws.processed.iterdir() if p.is_file())} file(s)")
    click.echo(
        f"  rejected:  {sum(1 for p in ws.rejected.iterdir() if p.suffix != '.txt')} file(s)"
    )
    for key, count in sorted(counts.items()):
        click.echo(f"  {key}: {count}")
    if recent:
        click.echo("Latest problems:")
        for r in recent:
            click.echo(f"  {r.audit_ref or 'unidentified file'}: {(r.reason or '')[:140]}")


@cli.command()
@workspace_option
def report(workspace: Path | None) -> None:
    """Rebuild outbox/QA_tracker.xlsx from the register.

    Example:

        \b
        qaf report
    """
    from qaf_docs.register.store import Register
    from qaf_docs.reports.qa_tracker import build_tracker

    ws = _workspace(workspace)
    with Register.open(ws.register_path) as register:
        path = build_tracker(ws, register)
    if path != ws.tracker_path:
        click.echo(
            f"{ws.tracker_path.name} is open in another program, so a copy was written instead."
        )
    click.echo(f"Tracker: {path}")


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="json: a file (default: print); csv: a folder (default: outbox/export).",
)
@workspace_option
def export(workspace: Path | None, fmt: str, output: Path | None) -> None:
    """Export the register for other tools (Power BI, a data warehouse).

    Example:

        \b
        qaf export --format json > register.json

        \b
        qaf export --format csv --output exports/
    """
    from qaf_docs.register.store import Register
    from qaf_docs.reports.export import export_csv, export_json
    from qaf_docs.safe_output import atomic_write

    ws = _workspace(workspace)
    with Register.open(ws.register_path) as register:
        if fmt == "json":
            text = export_json(register)
            if output:
                written = atomic_write(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
                click.echo(f"Wrote {written}", err=True)
            else:
                click.echo(text)
            return
        folder = output or ws.outbox / "export"
        if folder.exists() and not folder.is_dir():
            raise QafError(
                f"{folder} is a file; CSV export writes three files, so give --output a folder."
            )
        for path in export_csv(register, folder):
            click.echo(f"Wrote {path}")


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


def main() -> None:
    """Entry point of the ``qaf`` command."""
    try:
        cli(prog_name="qaf")
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
        sys.exit(130)
