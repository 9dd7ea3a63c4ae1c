"""A round's manifest is derived from the register: one deleted, damaged or behind is written again.

``qaf sample`` keeps the manifest it wrote in the register (with the round). When
``outbox/samples/<round>.xlsx`` has gone (deleted, lost with a folder, never written because the
disk was full) or cannot be opened as a workbook, it is written again from that copy and brought
up to date with the round's changes since, as ``qaf round show --update-manifest`` does. A damaged
file is kept beside it, renamed, never written over.

One that is there but behind the register (a change was made while Excel held it open) is brought
up to date at the next ingest, watcher burst or report, without waiting for ``--update-manifest``.
The register records a fingerprint of each manifest as qaf last wrote it and how many of the
round's changes it shows; a manifest whose fingerprint differs was edited by hand, so before qaf
rewrites it a copy is kept beside it, "<round> (edited by hand, kept <date>).xlsx", and the
QA lead is told where.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path

from qaf_docs import clock
from qaf_docs.cases.manifest import read_manifest_record
from qaf_docs.cases.manifest_changes import refresh_manifest
from qaf_docs.errors import SamplingError
from qaf_docs.register.store import Register
from qaf_docs.safe_output import atomic_write
from qaf_docs.workspace import Workspace

FINGERPRINT = "manifest:"  # + round id: the manifest's bytes as qaf last wrote them
SHOWN = "manifest changes:"  # + round id: how many of the round's changes that manifest shows


def fingerprint(path: Path) -> int:
    """A number that changes when the file's bytes do (it fits the register's stamp column)."""
    return int.from_bytes(hashlib.sha256(path.read_bytes()).digest()[:7], "big")


def refresh_from_register(path: Path, register: Register, round_id: str) -> None:
    """Bring the manifest at ``path`` up to date with the round's audits and changes."""
    changes = register.round_changes(round_id)
    refresh_manifest(
        path,
        register.audits(round_id=round_id),
        register.audit_origins(round_id),
        changes,
        kind=str((register.round_row(round_id) or {}).get("kind") or ""),
    )
    if path.is_file():
        register.record_derived(FINGERPRINT + round_id, fingerprint(path))
        register.record_derived(SHOWN + round_id, len(changes))


def manifest_path(ws: Workspace, round_id: str) -> Path | None:
    """Where the round's manifest is: ``outbox/samples``, else the workspace folder, where
    ``qaf sample`` writes it when ``outbox/samples`` cannot be written; None when neither has it."""
    for path in (ws.samples / f"{round_id}.xlsx", ws.root / f"{round_id} manifest.xlsx"):
        if path.is_file():
            return path
    return None


def qafs_own(path: Path, register: Register, round_id: str) -> bool:
    """Whether the manifest at ``path`` is as qaf last wrote it (nobody has edited it since)."""
    if register.derived_stamps().get(FINGERPRINT + round_id) == fingerprint(path):
        return True
    return register.kept_manifest(round_id) == path.read_bytes()  # as qaf sample wrote it


def keep_edited_copy(path: Path, register: Register, round_id: str) -> Path | None:
    """Before qaf rewrites a manifest a person edited, copy it beside itself (never over an
    earlier copy) and return the copy; None when the manifest is qaf's own output."""
    if not path.is_file() or qafs_own(path, register, round_id):
        return None
    n = 1
    while True:
        copy = f", copy {n}" if n > 1 else ""
        aside = path.with_name(
            f"{round_id} (edited by hand, kept {clock.today():%Y-%m-%d}{copy}).xlsx"
        )
        if not aside.exists():
            break
        n += 1
    shutil.copy2(path, aside)
    return aside


def kept_words(round_id: str, aside: Path) -> str:
    """What to tell the QA lead about a hand-edited manifest kept aside."""
    return (
        f"The manifest of round {round_id} had been edited by hand; it was brought up to date "
        f"from the register, and the edited copy is kept as {aside.name} in {aside.parent}."
    )


def behind(
    path: Path, register: Register, round_id: str, stamps: Mapping[str, int] | None = None
) -> bool:
    """Whether the manifest at ``path`` lacks changes the register records for its round
    (``stamps``: the register's derived stamps, read once for every round)."""
    changes = register.round_changes(round_id)
    shown = (register.derived_stamps() if stamps is None else stamps).get(SHOWN + round_id)
    if shown is not None:
        return shown != len(changes)
    try:  # written before qaf counted them: read the changes its hidden record lists
        record = read_manifest_record(path)
    except SamplingError:
        return False  # its record cannot be read: qaf cannot tell, so it leaves the file alone
    listed = {(c.get("at"), c.get("change")) for c in record.changes}
    if listed != {(c.at, c.change) for c in changes}:
        return True
    register.record_derived(SHOWN + round_id, len(changes))  # read once, not at every burst
    return False


def catch_up_manifest(
    ws: Workspace, register: Register, round_id: str, stamps: Mapping[str, int] | None = None
) -> str | None:
    """Write the round's manifest again if it is lost, or bring it up to date if it is behind
    the register; return what to tell the QA lead (None when nothing needed doing)."""
    rewritten = rewrite_lost_manifest(ws, register, round_id)
    if rewritten:
        return rewritten
    path = manifest_path(ws, round_id)
    if path is None or not behind(path, register, round_id, stamps):
        return None
    aside = keep_edited_copy(path, register, round_id)
    try:
        refresh_from_register(path, register, round_id)
    except (OSError, SamplingError):
        if aside is not None:  # the edited file is still there, unchanged: no second copy
            aside.unlink(missing_ok=True)
        raise
    if aside is not None:
        return kept_words(round_id, aside)
    return (
        f"The manifest of round {round_id} was behind the register (a change was made while it "
        f"could not be written), so it was brought up to date: {path}"
    )


def manifest_intact(path: Path) -> bool:
    """Whether ``path`` is there and is a workbook at all (a quick look: its zip directory)."""
    try:
        return path.is_file() and zipfile.is_zipfile(path)
    except OSError:
        return False


def rewrite_lost_manifest(ws: Workspace, register: Register, round_id: str) -> str | None:
    """Write the round's manifest again from the register if it is missing or damaged; return
    what to tell the QA lead (None when it is intact, or the register keeps no copy of it)."""
    path = ws.samples / f"{round_id}.xlsx"
    fallback = ws.root / f"{round_id} manifest.xlsx"  # where qaf sample put it on a full disk
    if manifest_intact(path) or (not path.exists() and manifest_intact(fallback)):
        return None
    kept = register.kept_manifest(round_id)
    if kept is None:
        return None
    damaged = path.exists()
    if damaged:
        aside = path.with_name(f"{round_id} (damaged {clock.today():%Y-%m-%d}).xlsx")
        os.replace(path, aside)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda tmp: tmp.write_bytes(kept))
    refresh_from_register(path, register, round_id)
    if damaged:
        return (
            f"The manifest of round {round_id} could not be opened, so it was written again from "
            f"the register: {path} (the damaged file is kept as {aside.name})."
        )
    return (
        f"The manifest of round {round_id} was missing, so it was written again from the "
        f"register: {path}"
    )


def rewrite_lost_manifests(ws: Workspace, register: Register) -> list[str]:
    """Write again every round's manifest that is missing or damaged, and bring up to date every
    one behind the register; what was done, in words."""
    said = []
    stamps = register.derived_stamps()
    for round_id in register.round_ids():
        line = catch_up_manifest(ws, register, round_id, stamps)
        if line:
            said.append(line)
    return said
