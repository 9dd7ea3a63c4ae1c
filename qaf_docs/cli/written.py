"""Say where a file qaf wrote went when the usual one was held open (Excel or Word on Windows).

``safe_output.atomic_write`` never overwrites a file someone has open: it writes the new one beside
it under a dated name. The person must hear that, or they go on reading the old one.
"""

from __future__ import annotations

from pathlib import Path

import click

from qaf_docs.safe_output import fit_path


def copy_note(intended: Path, written: Path, what: str, again: str) -> str | None:
    """The sentence saying the new ``what`` is in ``written``, not ``intended``; None if it is.

    ``again`` says what puts it in its usual place once the old one is closed.
    """
    intended = fit_path(intended)  # a path too long for Windows is written under a shorter name
    if written == intended:
        return None
    return (
        f"{intended.name} is open in another program (probably Excel or Word), so it was left as "
        f"it was and the new {what} was written beside it as '{written.name}'. Open that one; "
        f"close {intended.name} and {again} to update it."
    )


def say_if_copy(intended: Path, written: Path, what: str, again: str, *, err: bool = False) -> None:
    """Print :func:`copy_note` when the file went to a copy."""
    note = copy_note(intended, written, what, again)
    if note:
        click.echo(note, err=err)
