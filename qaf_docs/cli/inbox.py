"""The inbox: ``qaf ingest``, ``qaf watch`` and ``qaf status``."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from qaf_docs import clock
from qaf_docs.cli import exits
from qaf_docs.cli.app import cli, workspace_at, workspace_option
from qaf_docs.cli.written import say_if_copy
from qaf_docs.errors import FrameworkError, QafError, SettingsError
from qaf_docs.workspace import Workspace


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print what happened as JSON for scripts.")
@workspace_option
def ingest(workspace: Path | None, as_json: bool) -> None:
    """Read every completed file in inbox/ once: record it, or reject it with a note.

    Accepted files move to outbox/processed/, the others to outbox/rejected/ beside a
    .rejected.txt note that says what to fix. The tracker is rebuilt afterwards.
    Exit code 3: done, but some files were rejected or set aside as duplicates.

    Example:

        \b
        qaf ingest --workspace "\\\\server\\qa\\audits"
    """
    from qaf_docs.cli.progress import progress
    from qaf_docs.inbox.ingest import FilesHandledError, ingest_inbox

    ws = workspace_at(workspace)
    tracker = [ws.tracker_path]  # where the QA tracker went: a dated copy if Excel holds it open
    try:
        # The bar goes to stderr and only on a terminal: --json output on stdout stays clean.
        with progress("Reading the inbox") as (start, step):
            outcomes = ingest_inbox(
                ws, on_start=start, on_file=lambda _: step(), on_tracker=tracker.append
            )
    except FilesHandledError as e:
        # The files were dealt with (recorded, rejected …): say so for each, then the one Error
        # line says what could not be done after them (the tracker, say) and when it will be.
        if as_json:
            click.echo(json.dumps(_outcomes_json(ws, e.outcomes), indent=2))
        else:
            _print_outcomes(ws, e.outcomes)
        raise
    unrecorded = [o for o in outcomes if o.problem]
    if as_json:
        click.echo(json.dumps(_outcomes_json(ws, outcomes), indent=2))
    elif not unrecorded:
        _print_outcomes(ws, outcomes, tracker=tracker[-1])
    if unrecorded:
        # The others were handled (each file is all-or-nothing); these wait, and the reason is
        # the one line a person sees, as when the register cannot be used at all.
        raise QafError(
            f"{len(unrecorded)} file(s) left in the inbox, not recorded "
            f"({len(outcomes) - len(unrecorded)} other file(s) handled): "
            f"{unrecorded[0].problem}"
        )
    if not as_json:
        for line in _folder_lines(ws):
            click.echo(line)
    if any(o.result in ("rejected", "duplicate") for o in outcomes):
        sys.exit(exits.FILES_REJECTED)


def _folder_lines(ws: Workspace) -> list[str]:
    """A line for each folder dropped in the inbox whose files qaf does not read, and one for
    any links there (it never follows one)."""
    from qaf_docs.inbox.readiness import folders_with_files, links_in

    lines = [
        f"Folder '{name}' in the inbox holds {count} file(s) that qaf does not read: move the "
        "files themselves into the inbox (qaf reads only the files directly in it)."
        for name, count in folders_with_files(ws.inbox)
    ]
    if links := links_in(ws.inbox):
        lines.append(
            f"{links} link(s) in the inbox point to files elsewhere, which qaf never follows or "
            "reads: copy the forms themselves into the inbox, then delete the link(s)."
        )
    return lines


def _outcomes_json(ws: Workspace, outcomes: list[Any]) -> dict[str, object]:
    """What happened to each file, for scripts. A problem quotes no text typed in the file (it
    may name a child, and a script's output goes to a log): '…' for it, as ``qaf status`` says
    it; the note beside the file quotes it in full."""
    from qaf_docs.inbox.reasons import typed_left_out

    offered = _offered(ws) if any(o.findings for o in outcomes) else set()
    results = ("accepted", "rejected", "duplicate", "waiting")
    return {
        "files": [
            {
                "file": o.label,
                "result": o.result,
                "audit_ref": o.audit_ref,
                "detail": o.detail or None,
                "note": str(o.note) if o.note else None,
                "problems": [
                    {
                        "severity": f.severity,
                        "where": typed_left_out(f.where, offered),
                        "message": typed_left_out(f.message, offered),
                    }
                    for f in o.findings
                ],
            }
            for o in outcomes
        ],
        "counts": {r: sum(o.result == r for o in outcomes) for r in results},
    }


def _offered(ws: Workspace) -> set[str]:
    """What a problem may quote: the workspace's frameworks' ids and grades (qaf offered them)."""
    from qaf_docs.workspace import frameworks_of

    framework = frameworks_of(ws)
    try:
        found = [framework(name) for name in ws.load_settings().framework_names()]
    except QafError:  # the files were handled all the same: quote nothing, say what happened
        return set()
    return {w for f in found for w in (f.id, *f.scale.grades)}


LATEST_CHARS = 140  # one status line per rejected file


def _latest(reason: str | None) -> str:
    """A rejected file's reason on one line of ``qaf status``, cut at a word where it is long."""
    reason = reason or ""
    if len(reason) <= LATEST_CHARS:
        return reason
    return reason[:LATEST_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + " … (the note has the rest)"


def _print_outcomes(ws: Workspace, outcomes: list[Any], *, tracker: Path | None = None) -> None:
    """Say what happened to each file, the counts, and where the rebuilt ``tracker`` is (None:
    not rebuilt)."""
    if not outcomes:
        click.echo(f"No files in the inbox ({ws.inbox}).")
        return
    for o in outcomes:
        click.echo(f"  {o.line()}")
    counts = {
        r: sum(o.result == r for o in outcomes)
        for r in ("accepted", "rejected", "duplicate", "waiting")
    }
    click.echo(
        f"{counts['accepted']} accepted, {counts['rejected']} rejected, "
        f"{counts['duplicate']} duplicate, {counts['waiting']} left in the inbox for the next run."
    )
    if counts["rejected"] or counts["duplicate"]:
        click.echo(f"Notes for rejected files: {ws.rejected}")
    if counts["accepted"] and tracker:
        say_if_copy(ws.tracker_path, tracker, "tracker", "run qaf report")
        click.echo(f"Tracker: {tracker}")


@cli.command()
@click.option(
    "--poll",
    is_flag=True,
    help="Scan the folder on a timer only (for network shares where change events never arrive).",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.5, max=3600),
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
    from qaf_docs.inbox.watch import watch_inbox

    ws = workspace_at(workspace)
    logging.getLogger().setLevel(logging.INFO)
    log_file = log_to_workspace(ws)
    click.echo(f"Watching {ws.inbox} (Ctrl+C to stop); log: {log_file}")
    log = logging.getLogger("qaf.watch")
    try:
        watch_inbox(ws, poll=poll or ws.load_settings().inbox.poll, scan_interval_s=interval)
    except QafError as e:
        log.error("qaf watch stopped: %s", e)
        raise
    except Exception:
        # Exit non-zero, so Task Scheduler (or a service wrapper) starts it again.
        log.exception("qaf watch stopped by an unexpected error")
        raise
    click.echo("Stopped.")
    sys.exit(exits.INTERRUPTED)  # only Ctrl+C ends a watch that nothing went wrong for


WATCH_LOG = "qaf-watch.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 5


def log_to_workspace(ws: Workspace) -> Path:
    """Also log to ``logs/qaf-watch.log`` in the workspace, rotated at 1 MB, five kept.

    For a watcher that runs unattended (a scheduled task has no window): what it did, and why it
    stopped, is there to read. Log lines name audits and files, never a child.
    """
    from logging.handlers import RotatingFileHandler

    path = ws.root / "logs" / WATCH_LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = RotatingFileHandler(
        path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    return path


WAITING_UNKNOWN = (
    "what is waiting on whom (moderation, escalations, reminders) cannot be worked out until the "
    "framework above is corrected"
)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON for scripts.")
@workspace_option
def status(workspace: Path | None, as_json: bool) -> None:
    """Show what is waiting in the inbox and what the register holds, with the latest problems.

    Example:

        \b
        qaf status
    """
    from qaf_docs.cli.lifecycle import plan_for
    from qaf_docs.inbox.ingest import WATCH_LOCK
    from qaf_docs.inbox.lock import WatcherLock
    from qaf_docs.inbox.notes import NOTE_SUFFIX
    from qaf_docs.inbox.readiness import folders_with_files, scan
    from qaf_docs.outcomes.waiting import waiting as case_notes_waiting
    from qaf_docs.register.location import open_register
    from qaf_docs.reports.framework_checks import framework_problems
    from qaf_docs.reports.lifecycle import lifecycle_lines

    ws = workspace_at(workspace)
    # Read the register first: a register that cannot be read is one error line, nothing else.
    with open_register(ws) as register:
        counts = register.counts()
        recent = register.recent_rejections(5)
        unusable = framework_problems(ws, ws.load_settings(), register.round_frameworks())
        try:
            on_someone = lifecycle_lines(ws, register, clock.today())
            unaddressed = plan_for(ws, register, clock.today()).warnings
        except (SettingsError, FrameworkError):
            if not unusable:
                raise
            # The frameworks named in the warnings are what it needs: the counts still show.
            on_someone, unaddressed = [], [WAITING_UNKNOWN]
        unaddressed = unusable + unaddressed
        to_record = case_notes_waiting(register)
        owner = register.owner()
    if register.dialect == "sqlite":
        kind = f"SQLite, used from the computer '{owner}' only"
    else:
        kind = "PostgreSQL, shared by the team"
    waiting = len(scan(ws.inbox))
    processed = sum(1 for p in ws.processed.iterdir() if p.is_file())
    # Every file but qaf's own notes: a .txt someone dropped in the inbox was rejected too.
    rejected = sum(
        1 for p in ws.rejected.iterdir() if p.is_file() and not p.name.endswith(NOTE_SUFFIX)
    )
    if as_json:
        data = {
            "workspace": str(ws.root),
            "register": register.where,
            "register_kind": register.dialect,
            "inbox_waiting": waiting,
            "inbox_folders": [
                {"folder": name, "files": count} for name, count in folders_with_files(ws.inbox)
            ],
            "processed": processed,
            "rejected": rejected,
            "audits": {k[7:]: v for k, v in sorted(counts.items()) if k.startswith("audits ")},
            "files": {k[6:]: v for k, v in sorted(counts.items()) if k.startswith("files ")},
            "latest_problems": [{"audit_ref": r.audit_ref, "reason": r.reason} for r in recent],
            "waiting_on_someone": on_someone,
            "warnings": unaddressed,
            "case_notes": {
                "notes_waiting": to_record.notes,
                "messages_waiting": to_record.messages,
                "not_yet_written": to_record.unwritten,
                "folders": [f"outbox/{f}" for f in to_record.folders],
                "problems": to_record.problems,
            },
        }
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"Workspace {ws.root}")
    click.echo(f"  register:  {register.where} ({kind})")
    click.echo(f"  inbox:     {waiting} file(s) waiting")
    held = WatcherLock(ws.inbox / WATCH_LOCK).who_holds()
    if held:  # which computer's qaf watch (or ingest, backup, move) works on the inbox
        click.echo(f"  watcher:   {held}")
    for line in _folder_lines(ws):
        click.echo(f"  {line}")
    click.echo(f"  processed: {processed} file(s) in outbox/processed")
    click.echo(
        f"  rejected:  {rejected} file(s) in outbox/rejected (with their notes; duplicates set "
        "aside are there too)"
    )
    # Each audit once, at the step it has reached: not the tracker's "returned" (every audit that
    # ever came back), which a QA lead reading both would otherwise take for a disagreement.
    for kind, said in (("audits", "audits now, each at its latest step"), ("files", "files")):
        found = [
            f"{n} {k.split(' ', 1)[1]}" for k, n in sorted(counts.items()) if k.startswith(kind)
        ]
        if found:
            click.echo(f"  {said}: {', '.join(found)}")
    if recent:
        click.echo("Latest problems:")
        for r in recent:
            click.echo(f"  {r.audit_ref or 'file not matched to an audit'}: {_latest(r.reason)}")
    if on_someone:
        click.echo("Waiting on someone (most urgent first):")
        for line in on_someone:
            click.echo(f"  {line}")
    if to_record.lines():
        click.echo("To put on children's records (qaf case-notes; --done when they are on):")
        for line in to_record.lines():
            click.echo(f"  {line}")
    for warning in unaddressed + to_record.problems:
        click.echo(f"Warning: {warning}")
