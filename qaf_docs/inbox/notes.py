"""The plain-English notes left beside rejected and duplicate files for the admin officer.

A note says what is wrong, point by point with the field or row, and what to do about it, and it
always ends by saying that nothing was recorded. It names the audit reference and case id, never a
child.
"""

from __future__ import annotations

import logging
from pathlib import Path

from qaf_docs import clock
from qaf_docs.errors import plain_reason
from qaf_docs.findings import Finding, errors, warnings
from qaf_docs.inbox.moves import fit_name
from qaf_docs.records import AuditRecord
from qaf_docs.safe_output import atomic_write

log = logging.getLogger("qaf.ingest")

NOTE_SUFFIX = ".rejected.txt"


def note_path(moved: Path) -> Path:
    """Where the note beside ``moved`` goes: its name and ".rejected.txt", short enough to write
    (a file set aside by an older qaf may have a name too long to take the suffix)."""
    return moved.with_name(fit_name(moved.name) + NOTE_SUFFIX)


def write_note(moved: Path, text: str) -> Path | None:
    """Write the note beside ``moved``; return it, or None if it cannot be written now.

    A note that cannot be written (a full disk, a read-only folder) never holds up other files:
    the register keeps its text, and the next run (``Ingestor.reconcile``) writes it.
    """
    try:
        return atomic_write(note_path(moved), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError as exc:
        log.warning(
            "a rejection note could not be written yet (%s); it is written at the next run",
            plain_reason(exc),
        )
        return None


def duplicate_note(file_name: str, first_name: str, audit_ref: str | None) -> str:
    """Return the note beside a second copy of a file that was already recorded."""
    return (
        _NOTE_HEAD.format(file=file_name, received=_now_uk(), audit=audit_ref or "unknown")
        + "\nWhat is wrong\n-------------\n"
        f"Nothing. This file is an exact copy of '{first_name}', which has already been "
        "recorded.\n\nWhat to do\n----------\nNothing: the copy was set aside so it is not "
        "recorded twice. You may delete it.\n"
    )


def interrupted_note(file_name: str) -> str:
    """Return the note beside a file set aside by a run that stopped before it saved the reason."""
    lost = "qaf stopped while setting this file aside, before its reason was saved"
    again = "Drop the file in the inbox again to have it checked."
    return rejection_note(file_name, None, [Finding("error", "File", lost, again)])


_NOTE_HEAD = """\
qaf could not accept this file
==============================

File:      {file}
Received:  {received}
Audit:     {audit}
"""


def _now_uk() -> str:
    return f"{clock.now():%d/%m/%Y %H:%M}"


def rejection_note(
    file_name: str,
    audit: AuditRecord | None,
    found: list[Finding],
    *,
    for_manager: bool = False,
    kept: str = "",
    named: str | None = None,
    label: str = "",
) -> str:
    """Return the plain-English note that sits beside a rejected file.

    ``for_manager``: the file is a manager's action tracker, so it goes back to the manager.
    ``kept``: what was recorded from the file all the same (a safeguarding concern), said first.
    ``named``: the audit reference the file gives, when it could not be matched to that audit.
    ``label``: how qaf's output and log name the file ("file #1a2b3c4d", by its content); said
    when the file names no audit, so that admin staff can match the note to the line.
    """
    who = (
        f"{audit.audit_ref} (case {audit.case_id}, auditor {audit.auditor or 'not recorded'})"
        if audit
        else f"not matched (the file names audit {named})"
        if named
        else "not identified"
    )
    problems = errors(found)
    lines = [_NOTE_HEAD.format(file=file_name, received=_now_uk(), audit=who)]
    if label.startswith("file #") and audit is None:  # also one whose sheet names an audit
        lines[0] += f"Reference: {label} (as qaf's output and log name this file)\n"
    if kept:
        lines += ["SAFEGUARDING", "------------", kept, ""]
    lines += [
        "What is wrong",
        "-------------",
    ]
    lines += [f"{i}. {f.line()}" for i, f in enumerate(problems, start=1)]
    later = warnings(found)
    if later:
        lines += ["", "Also worth checking (these alone would not stop the file)"]
        lines += [f"- {f.line()}" for f in later]
    author = f"the auditor ({audit.auditor})" if audit and audit.auditor else "whoever sent it"
    if for_manager:
        team = f" in {audit.team}" if audit and audit.team else ""
        author = (
            f"the manager who keeps this case's action tracker (the practitioner's manager{team})"
        )
    resend = (
        f"Send the file back to {author}. They should open it in Word or Excel, put right each "
        "point above, save it under any name, and send it back; then drop it in the inbox again."
        if any(f.fixable for f in problems)
        else "There is nothing to put right in the file itself: follow the advice above."
    )
    lines += [
        "",
        "What to do",
        "----------",
        resend,
        "Nothing else from this file has been recorded, and nothing recorded earlier has changed."
        if kept
        else "Nothing from this file has been recorded, and nothing recorded earlier has changed.",
        "",
    ]
    return "\n".join(lines)
