"""An immediate safeguarding concern on a returned form is urgent: ``qaf ingest`` and the watch log
say it on that file's own line, in order with the other files and once, never as a timestamped
Python ``WARNING`` on stderr that the person at the screen was not meant to read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import complete_form, drop, pack_docx, plan_audits

from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Ingestor
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
SAID = "IMMEDIATE SAFEGUARDING CONCERN recorded, for "


def qaf_ingest(ws: Workspace) -> subprocess.CompletedProcess[str]:
    """``qaf ingest`` as a person runs it: its own process, stdout and stderr apart."""
    return subprocess.run(
        [sys.executable, "-m", "qaf_docs", "ingest", "-w", str(ws.root)],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
    )  # fmt: skip


def test_qaf_ingest_says_a_concern_on_its_files_line_once_and_logs_no_warning(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    plan_audits(register, workspace, 2)
    generate_packs(workspace, register)
    worried, other = register.audits()
    form = complete_form(pack_docx(workspace, worried), framework)
    form.tick("qaf_concern").text("qaf_concern_text", "Bruising not followed up.")
    drop(form.text("qaf_action_1_due", "ASAP").save(), workspace.inbox, "a.docx")
    drop(complete_form(pack_docx(workspace, other), framework).save(), workspace.inbox, "b.docx")

    first = qaf_ingest(workspace)
    assert first.returncode == 3, first.stdout + first.stderr  # one file rejected
    assert "WARNING" not in first.stderr and "concern" not in first.stderr, first.stderr
    [line] = [x for x in first.stdout.splitlines() if worried.audit_ref in x]
    assert line.strip().startswith(f"audit {worried.audit_ref}: rejected ({SAID}Team Manager")
    assert "qaf status lists it first" in line
    assert first.stdout.count("SAFEGUARDING") == 1, first.stdout
    assert "Bruising" not in first.stdout, "the concern's words stay in the register and note"

    # Put right and sent again, still with the concern ticked: recorded once, said once.
    form = complete_form(pack_docx(workspace, worried), framework)
    form.tick("qaf_concern").text("qaf_concern_text", "Bruising not followed up.")
    drop(form.save(), workspace.inbox, "a again.docx")
    again = qaf_ingest(workspace)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"audit {worried.audit_ref}: accepted" in again.stdout
    assert "SAFEGUARDING" not in again.stdout + again.stderr, again.stdout


def test_the_watchers_line_for_an_accepted_form_says_the_concern_first(
    workspace: Workspace, register: Register, framework: Framework
) -> None:
    # Accepted at the first go, the form's line said nothing of its concern at all.
    plan_audits(register, workspace, 1)
    generate_packs(workspace, register)
    [audit] = register.audits()
    form = complete_form(pack_docx(workspace, audit), framework)
    form.tick("qaf_concern").text("qaf_concern_text", "Bruising not followed up.")
    dropped = drop(form.save(), workspace.inbox)
    outcome = Ingestor(workspace, register, workspace.load_settings()).process(dropped)
    assert outcome.result == "accepted"
    assert outcome.line().startswith(f"audit {audit.audit_ref}: accepted ({SAID}"), outcome.line()


def test_what_goes_wrong_is_said_as_a_plain_warning_line_not_a_python_log_record() -> None:
    # "14:02:11 WARNING could not write …" on stderr was Python's log format, not qaf's voice.
    script = (
        "import logging; from qaf_docs.cli.app import cli; cli.callback(verbose=False); "
        "logging.getLogger('qaf_docs.outcomes').warning('could not write %s', 'notes.csv'); "
        "logging.getLogger('qaf_docs.outcomes').info('not shown without -v')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stderr == "Warning: could not write notes.csv\n"
