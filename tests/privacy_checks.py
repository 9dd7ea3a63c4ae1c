"""The whole job run from the command line, and a check that a name reaches none of its outputs:
no printed line or log record, no file or folder name, no e-mail's To, Subject or greeting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import complete_form, drop, pack_docx

from qaf_docs.cli import cli
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace


def run(*args: str | Path) -> Result:
    """``qaf -v <args>``, as a QA officer types it."""
    return CliRunner().invoke(cli, ["-v", *map(str, args)])


def return_every_form_and_compile(workspace: Workspace) -> list[Result]:
    """Every issued audit's form completed and dropped in the inbox, then ``ingest``, ``status``,
    ``case-notes``, ``remind`` and ``report``, in that order."""
    with open_register(workspace) as register:
        audits = register.audits()
    framework = workspace.load_framework()
    for audit in audits:
        drop(complete_form(pack_docx(workspace, audit), framework).save(), workspace.inbox)
    ws = str(workspace.root)
    return [run(c, "-w", ws) for c in ("ingest", "status", "case-notes", "remind", "report")]


def assert_named_nowhere(
    workspace: Workspace, texts: list[str], named: Callable[[str], object]
) -> None:
    """No text of ``texts`` (printed lines, log records), no path in the workspace and no e-mail
    header or greeting is ``named``; case notes and e-mails were written, so there was a chance."""
    assert [t for t in texts if named(t)] == []
    paths = [str(p.relative_to(workspace.root)) for p in workspace.root.rglob("*")]
    assert any("case-notes" in p for p in paths), "the case notes were written"
    assert [p for p in paths if named(p)] == []
    headers = [
        line
        for eml in workspace.outbox.rglob("*.eml")
        for line in eml.read_text(encoding="utf-8").splitlines()
        if line.startswith(("To:", "Subject:", "Dear "))
    ]
    assert headers, "the accepted audits' e-mails were written"
    assert [h for h in headers if named(h)] == []
