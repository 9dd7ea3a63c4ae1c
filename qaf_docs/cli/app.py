"""The ``qaf`` group, its shared ``--workspace`` option and the rule that errors are one line."""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from qaf_docs import __version__, clock
from qaf_docs.case_ids import typed_id_refusal
from qaf_docs.cli.exits import CLOSED_PIPE, INTERRUPTED
from qaf_docs.errors import QafError, os_error_advice, unknown_audit, unknown_round
from qaf_docs.register.connection import database_error
from qaf_docs.register.dialect import database_errors
from qaf_docs.workspace import Workspace, resolve

if TYPE_CHECKING:  # imported when a command runs, so `qaf --help` stays quick
    from qaf_docs.records import AuditRecord
    from qaf_docs.register.store import Register

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """A group that turns any QafError into click's one-line 'Error: …' and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as e:
            # `--to Bo Sample`, `--restore backups/qaf_register 2026-11-24 …`: words cut apart.
            if not e.message.startswith("Got unexpected extra argument"):
                raise
            raise click.UsageError(
                f'{e.message}. A name or file name with spaces goes in quotes, e.g. --by "Sam Lead".',
                e.ctx,
            ) from None
        except KeyboardInterrupt as e:
            # Ctrl+C: what was committed stays committed (each file is all or nothing).
            click.echo(f"Stopped. {e}".strip(), err=True)  # e: what was done, what is left
            sys.exit(INTERRUPTED)
        except BrokenPipeError:
            # `qaf status | head`: the reader has what it wanted. Not an error to act on.
            _quiet_stdout()
            sys.exit(CLOSED_PIPE)
        except QafError as e:
            raise click.ClickException(str(e)) from e
        except OSError as e:
            # Disk full, a read-only folder, a file held open by Word: advice, not a traceback.
            raise click.ClickException(os_error_advice(e)) from e
        except database_errors() as e:
            raise click.ClickException(str(database_error(e, None))) from e


def _quiet_stdout() -> None:
    """Point standard output at the null device, so nothing more (nor Python's flush at exit)
    writes to the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (a test's capture): nothing is flushed to a pipe at exit


def workspace_option(f: F) -> F:
    """Add ``--workspace DIR`` (default: $QAF_WORKSPACE, else the current folder)."""
    return click.option(
        "--workspace",
        "-w",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The workspace folder (default: $QAF_WORKSPACE, else the current folder).",
    )(f)


class _AuditRef(click.ParamType[str]):
    """An audit reference as people type it: spaces around it and its case do not matter. One
    with no digit (a name typed by mistake?) is refused without repeating it."""

    name = "REF"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        refused = typed_id_refusal(str(value), "audit reference")
        if refused:
            raise QafError(refused)
        return audit_ref(str(value))


class _CaseId(click.ParamType[str]):
    """A case id as people type it, checked as a case list's are: one with no digit (a name
    typed by mistake?) is refused before anything is read or changed, without repeating it."""

    name = "CASE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        refused = typed_id_refusal(str(value), "case id")
        if refused:
            raise QafError(refused)
        return str(value).strip()


AUDIT_REF = _AuditRef()
CASE_ID = _CaseId()


def audit_ref(text: str) -> str:
    """The audit reference ``text`` names, as the register writes it (``qa2611-0009 `` → QA2611-0009)."""
    return text.strip().upper()


def known_audit(register: Register, ref: str) -> AuditRecord:
    """Refuse a reference the register does not hold, saying so (not what it then cannot do);
    return the audit it does hold."""
    audit = register.audit(ref)
    if audit is None:
        raise QafError(unknown_audit(ref, [a.audit_ref for a in register.audits()]))
    return audit


def known_round(register: Register, round_id: str) -> None:
    """Refuse a round the register does not hold, naming the rounds it does."""
    if register.round_row(round_id) is None:
        raise QafError(unknown_round(round_id, register.round_ids()))


def workspace_at(path: Path | None) -> Workspace:
    """Return the workspace at ``path`` (or the default), failing early if it is not one."""
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
    ctx = click.get_current_context(silent=True)  # None when called as a plain function
    if ctx is not None and ctx.invoked_subcommand != "watch":  # one command, one day
        ctx.with_resource(clock.one_day())  # (qaf watch: one day per file)
    if verbose:  # progress as it happens: the time of each step helps
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", datefmt="%H:%M:%S"
        )
    else:  # only what went wrong, said as the command's own lines are: "Warning: …"
        handler = logging.StreamHandler()
        handler.setFormatter(_Plain())
        logging.basicConfig(level=logging.WARNING, handlers=[handler])


class _Plain(logging.Formatter):
    """A log record as a person reads it: "Warning: <message>", no time, level code or module."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.capitalize()}: {record.getMessage()}"


def main() -> None:
    """Entry point of the ``qaf`` command."""
    try:
        cli(prog_name="qaf")
    except KeyboardInterrupt:  # pressed before a command started
        click.echo("Stopped.", err=True)
        sys.exit(INTERRUPTED)
