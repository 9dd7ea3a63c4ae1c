"""What ``qaf register move`` says when the register, or the place it is moved to, is not as a
move needs: the target is an old copy a move left behind (moving back into the database the team
moved out of, whatever IT has renamed it since), or the workspace's register is already there
(its database renamed or moved by IT, so there is nothing to copy, only the address to change)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qaf_docs.errors import QafError, RegisterError, RegisterMovedError
from qaf_docs.register.store import Register


def open_target(open_it: Callable[[], Register], *, to: Path | str, current: str) -> Register:
    """Open the move's target, refusing an old copy a move left behind in words that fit a move."""
    try:
        return open_it()
    except RegisterMovedError as e:
        raise RegisterError(_old_copy(e, to=to, current=current)) from e


def _old_copy(e: RegisterMovedError, *, to: Path | str, current: str) -> str:
    went = (
        f"to {e.moved_to}, where this workspace keeps it now"
        if e.moved_to == current
        else f"to {e.moved_to}"
    )
    if isinstance(to, Path):
        then = (
            "choose a new file for it, or delete or rename that old copy first if it is no "
            "longer needed as a backup"
        )
    else:
        then = (
            "ask IT for a new, empty database (or to drop this one and create it again, empty, "
            "if that backup is no longer needed) and run this command again with its address"
        )
    return (
        f"{e.where} holds an old copy of the register, kept there only as a backup when the "
        f"register was moved {went}. A register is moved only into an empty database, so nothing "
        f"was copied and the workspace still uses {current}. To move the register, {then}."
    )


def open_source(
    open_it: Callable[[], Register],
    open_target_as_is: Callable[[], Register] | None,
    *,
    current: str,
    to: str,
) -> Register:
    """Open the register to move; one that cannot be opened because it is already at the target
    (IT renamed or moved its database) is said as such, with the one setting to change."""
    try:
        return open_it()
    except RegisterMovedError:
        raise
    except RegisterError as e:
        audits = _audits_there(open_target_as_is)
        if audits is None:
            raise
        raise RegisterError(
            f"The register cannot be opened at {current}, but {to} already holds this "
            f"workspace's register ({audits} audits): its database was renamed or moved there, "
            f'so there is nothing to copy. Set register = "{to}" in qaf.toml (and in '
            "QAF_REGISTER_URL, where that is set), then run qaf status to check."
        ) from e


def _audits_there(open_it: Callable[[], Register] | None) -> int | None:
    """How many audits this workspace's register at the target holds; None if it holds none."""
    if open_it is None:
        return None
    try:
        with open_it() as there:
            return len(there.audits())
    except QafError:
        return None
