"""A ``qaf generate`` that stops part-way, and the one run again after it.

Packs go to a shared folder, and an auditor may open one and start filling it in as soon as it is
there. So a run that stops (a template tag only some cases reach, a full disk, Ctrl+C) records as
issued every pack already on disk and says which audit stopped it; the next run writes only the
rest. A pack on disk that the register does not know of (the run was killed between writing it
and recording it) is kept as it is and recorded with its own identity, never written over: its
auditor may be half-way through it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from qaf_docs.errors import QafError, os_error_advice
from qaf_docs.file_lock import WatcherLock
from qaf_docs.office.identity import read_custom_properties
from qaf_docs.packs.replaced import SET_ASIDE, holds
from qaf_docs.records import AuditRecord, Identity
from qaf_docs.workspace import Workspace

__all__ = ["GENERATE_LOCK", "GeneratedPacks", "PacksStoppedError", "generate_lock", "kept_pack"]

GENERATE_LOCK = ".qaf-generate.lock"


class GeneratedPacks(list[tuple[Path, Path]]):
    """The (audit tool, tracker) of each audit a run issued, in the audits' order.

    ``kept``: audits whose pack an earlier, interrupted run had left on disk, recorded as they
    are. ``dated_copies``: packs written beside the old one because it was open (``--reissue``).
    ``set_aside``: (where it was, where it is now) of each file moved out of a pack's way, and
    ``own``: each file of a pack to write again that is the audit's own, left as it is
    (``--rewrite``).
    """

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[str] = []
        self.dated_copies: list[Path] = []
        self.set_aside: list[tuple[Path, Path]] = []
        self.own: list[Path] = []


class PacksStoppedError(QafError):
    """``qaf generate`` stopped at one audit; the packs before it are written and recorded."""


def generate_lock(ws: Workspace, log: logging.Logger | None = None) -> WatcherLock:
    """The lock that lets one ``qaf generate`` at a time write a workspace's packs.

    A file in outbox/packs, so it holds between computers on a share as the inbox lock does;
    a crashed run's lock is taken over.
    """

    def refusal(who: str) -> str:
        return (
            f"Another qaf generate ({who}) is already writing this workspace's packs. Wait for "
            "it to finish, then run qaf generate again if audits are still to be done: it writes "
            "only those. If that run has crashed, its lock is taken over automatically 10 "
            f"minutes after its last sign of life (lock file: outbox/packs/{GENERATE_LOCK})."
        )

    return WatcherLock(
        ws.packs / GENERATE_LOCK,
        log=log,
        refusal=refusal,
        name="the packs lock of a stopped qaf generate",
    )


def kept_pack(record: AuditRecord, paths: tuple[Path, Path], workspace_id: str) -> Identity | None:
    """The identity of this audit's pack already on disk, or None when neither file is there.

    Raise QafError for a file at the pack's name that is not this audit's pack as qaf wrote it:
    it is someone's, and is never written over. The message says what it holds (another audit's
    form saved under this one's name, say) and how to have it moved aside (``--rewrite``).
    """
    for path in paths:
        if not path.exists():
            continue
        what = holds(path, record, workspace_id)
        if what:
            raise QafError(
                f"outbox/packs/{record.round_id}/{path.name} is already there but is not the pack "
                f"qaf wrote for audit {record.audit_ref} (it holds {what}), so qaf will not write "
                "over it. Move it out of the folder and run qaf generate again, or run qaf "
                f"generate --rewrite {record.audit_ref}, which moves it to "
                f"outbox/packs/{record.round_id}/{SET_ASIDE}/ and writes the pack."
            )
        return Identity.from_properties(read_custom_properties(path))
    return None


def _packs(n: int) -> str:
    return "1 pack" if n == 1 else f"{n} packs"


def stopped(error: BaseException, record: AuditRecord, done: int, total: int) -> BaseException:
    """What to raise when the pack of ``record`` could not be written, ``done`` of ``total`` in.

    Says which audit stopped the run, why in plain words, how many packs are written, and that
    running qaf generate again writes only the rest. A programming error is raised as it is.
    """
    where = f"audit {record.audit_ref} (case {record.case_id}, case type {record.case_type})"
    so_far = f"{done} of {_packs(total)} written and recorded as issued"
    again = (
        f"Running qaf generate again writes the other {total - done} and leaves the "
        f"{_packs(done)} already written as they are."
    )
    if isinstance(error, KeyboardInterrupt):
        return KeyboardInterrupt(f"{so_far[0].upper()}{so_far[1:]}; {where} was next. {again}")
    if isinstance(error, QafError):
        reason = str(error)
    elif isinstance(error, OSError):
        reason = os_error_advice(error)
    else:
        return error
    return PacksStoppedError(
        f"qaf generate stopped at {where}, with {so_far}. {reason.rstrip()} {again}"
    )
