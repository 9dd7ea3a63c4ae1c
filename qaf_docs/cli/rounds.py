"""Drawing rounds and issuing packs: ``qaf sample`` and ``qaf generate``."""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qaf_docs import clock
from qaf_docs.cli import exits
from qaf_docs.cli.app import (
    AUDIT_REF,
    cli,
    known_audit,
    known_round,
    workspace_at,
    workspace_option,
)
from qaf_docs.errors import QafError

if TYPE_CHECKING:
    from qaf_docs.register.store import Register
    from qaf_docs.workspace import Settings


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
    type=click.Choice(["simple", "tier-one", "thematic", "half-cycle", "reaudit", "closure"]),
    default="simple",
    show_default=True,
)
@click.option("--n", "n", type=click.IntRange(min=1), help="Simple round: how many cases.")
@click.option(
    "--percent",
    type=click.FloatRange(0, 100, min_open=True),
    help="Simple round: what percentage of open cases.",
)
@click.option(
    "--stratify",
    default="",
    help="Simple round: spread the sample by 'team', 'case_type' or 'team,case_type'.",
)
@click.option(
    "--theme-column",
    help="Thematic round: the case list's column to match, by its header "
    "(e.g. 'Latest Category of Abuse').",
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
    "--seed",
    type=click.IntRange(min=0, max=2**63 - 1),  # the register stores it as a 64-bit integer
    help="Random seed (default: a new one, recorded in the manifest).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be drawn; record nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON for scripts.")
@click.option(
    "--verify",
    "verify",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Re-draw a recorded round from its manifest and this case list, and say whether it matches.",
)
@click.option(
    "--framework",
    "framework_name",
    help="Which of the workspace's frameworks this round's packs use (default: the first).",
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
    framework_name: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Draw a fair, reproducible sample of cases and allocate each to an auditor.

    The round, its seed and a hash of the case list are recorded in the register and in a
    manifest workbook in outbox/samples/. Children with an open audit are never drawn again.
    Exit code 4: drawn, but some cases found no auditor.

    Example:

        \b
        qaf sample annex_a.xlsx --roster roster.xlsx --kind simple --n 20 --stratify team

        \b
        qaf sample annex_a.xlsx --kind thematic --theme-column "Latest Category of Abuse" --theme-value Neglect --dry-run

        \b
        qaf sample annex_a.xlsx --verify outbox/samples/2026-11-simple.xlsx

        \b
        qaf sample annex_a.xlsx --kind thematic --theme-column category_of_abuse --theme-value Neglect --framework multi-agency-audit
    """
    from qaf_docs.cases import rounds

    ws = workspace_at(workspace)
    if caselist is None:
        raise click.UsageError("Name the case list to sample from, e.g. qaf sample annex_a.xlsx")
    if verify is not None:
        result = rounds.verify(ws, verify, caselist, roster)
        if as_json:
            click.echo(json.dumps({"reproduced": result.ok, "explanation": result.explanation}))
        else:
            click.echo(result.explanation)
        if not result.ok:
            sys.exit(exits.ERROR)
        return
    from qaf_docs.cli.progress import progress

    chosen_seed = seed if seed is not None else secrets.randbelow(1_000_000)
    # A county's list takes seconds to read: a bar from a few thousand rows, on a terminal only.
    with progress(f"Reading {caselist.name}", show_from=5000) as bar:
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
            today=clock.today(),
            framework_name=framework_name,
            dry_run=dry_run,
            progress=bar,
        )
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        for line in report.lines():
            click.echo(line)
    if report.unallocated:
        sys.exit(exits.NOT_ALLOCATED)


@cli.command()
@click.option("--round", "round_id", help="Only this round (default: every allocated audit).")
@click.option(
    "--reissue",
    is_flag=True,
    help="Write packs again for audits already issued (e.g. after a template change).",
)
@click.option(
    "--moderation",
    is_flag=True,
    help="Instead: a moderation form, pre-filled with the auditor's grades, for each audit "
    "waiting for moderation (outbox/moderation/).",
)
@click.option(
    "--rewrite",
    "rewrite",
    multiple=True,
    type=AUDIT_REF,
    metavar="REF",
    help="Write this audit's pack again (one whose file was replaced, say): a file at its names "
    "that is not its own is moved to outbox/packs/<round>/set aside/ first, never written over.",
)
@workspace_option
def generate(
    workspace: Path | None,
    round_id: str | None,
    reissue: bool,
    moderation: bool,
    rewrite: tuple[str, ...],
) -> None:
    """Write a Word audit tool and an Excel action tracker for each allocated audit.

    Files go to outbox/packs/<round>/<audit-ref>.docx and .xlsx, named by audit reference only.
    With --moderation, write moderation forms for the moderation queue instead. A pack of an
    issued audit replaced by another file (another audit's form saved under its name) is named,
    with the way to write it again: --rewrite REF.

    Example:

        \b
        qaf generate --round 2026-11-simple

        \b
        qaf generate --moderation

        \b
        qaf generate --rewrite QA2611-0002
    """
    from qaf_docs.cli.progress import progress

    if moderation:
        from qaf_docs.cli.lifecycle import generate_moderation_forms

        generate_moderation_forms(workspace_at(workspace))
        return
    from qaf_docs.cli.packs_written import packs_written
    from qaf_docs.office.template_updates import older_template_note
    from qaf_docs.packs.generate import generate_packs
    from qaf_docs.packs.replaced import replaced_packs
    from qaf_docs.register.location import open_register
    from qaf_docs.safe_output import original_of
    from qaf_docs.workspace import AUDIT_TEMPLATE, TRACKER_TEMPLATE

    ws = workspace_at(workspace)
    with open_register(ws) as register:
        if round_id is not None:
            known_round(register, round_id)  # a typing slip is not "nothing to generate"
        settings = ws.load_settings()
        for ref in rewrite:
            rewritable(register, ref)
        # A pack whose files are all the audit's own has nothing to rewrite: said, and left be.
        untouched = [r for r in rewrite if not to_rewrite(ws.packs, register, r, settings)]
        for ref in untouched:
            click.echo(
                f"Both files of audit {ref}'s pack are its own (its auditor or manager may be "
                "filling them in), so nothing was moved or written; to have one written afresh, "
                "move it out of the folder and run qaf generate --rewrite again."
            )
        rewrite = tuple(r for r in rewrite if r not in untouched)
        audits = register.audits(round_id=round_id)
        todo = [
            a
            for a in audits
            if a.status in (("allocated", "issued") if reissue else ("allocated",))
            or a.audit_ref in rewrite
        ]
        # An issued pack replaced in the folder (another audit's form saved under its name).
        others = [a for a in audits if a.audit_ref not in rewrite and not reissue]
        replaced = replaced_packs(ws.packs, others, settings.workspace_id)
        for found in replaced:
            click.echo(f"Warning: {found.line(ws.packs)}")
        if not todo:
            issued = sorted({a.round_id for a in audits if a.status == "issued"})
            if issued and not untouched:
                click.echo(
                    f"Nothing to generate: the packs are written already "
                    f"({packs_at(ws.packs, issued)}). Next: auditors fill them in; completed "
                    "files go in the inbox folder, then qaf ingest."
                )
                return
            click.echo(
                "Nothing to generate: no allocated audits"
                + (
                    f" in round {round_id}."
                    if round_id
                    else "."
                    if untouched
                    else ". Run qaf sample first."
                )
            )
            return
        with progress("Writing packs") as (start, step):
            start(len(todo))
            written = generate_packs(
                ws, register, round_id=round_id, reissue=reissue, rewrite=rewrite,
                on_pack=lambda _: step(),
            )  # fmt: skip
    for line in packs_written(written, rewrite, ws.packs):
        click.echo(line)
    for copy in written.dated_copies:
        held = original_of(copy) or copy
        click.echo(
            f"{held.name} was open in another program, so the new one was written beside it as "
            f"'{copy.name}'."
        )
    for name in (AUDIT_TEMPLATE, TRACKER_TEMPLATE):  # once a run, never once a pack
        note = older_template_note(
            ws.template(name), ws.root, "The packs were written from it as it is."
        )
        if note:
            click.echo(note)


def rewritable(register: Register, ref: str) -> None:
    """Refuse ``--rewrite`` of an audit the register does not hold, or whose form came back (its
    pack is done with: a corrected form is made from the auditor's own copy)."""
    audit = known_audit(register, ref)
    if audit.status not in ("allocated", "issued"):
        raise QafError(
            f"Audit {ref}'s pack is not written again: the audit is {audit.status}, so its "
            "form has come back (or it was cancelled), and a new pack would not count. A "
            "corrected form is made from the copy the auditor sent."
        )


def to_rewrite(packs: Path, register: Register, ref: str, settings: Settings) -> bool:
    """Whether ``--rewrite REF`` has anything to do: a file of the pack missing, or not its own."""
    from qaf_docs.packs.details import pack_paths
    from qaf_docs.packs.replaced import holds

    audit = register.audit(ref)
    assert audit is not None, "rewritable() first"
    return any(
        not path.is_file() or holds(path, audit, settings.workspace_id)
        for path in pack_paths(packs, audit.round_id, audit.audit_ref)
    )


def packs_at(packs: Path, rounds: list[str]) -> str:
    """Where the packs of ``rounds`` are, for the QA lead who runs qaf generate a second time."""
    return ", ".join(str(packs / r) for r in rounds)
