"""A round's manifest is derived from the register: one deleted or damaged is written again.

``qaf sample`` keeps the manifest it wrote in the register (with the round). When
``outbox/samples/<round>.xlsx`` has gone (deleted, lost with a folder, never written because the
disk was full) or cannot be opened as a workbook, it is written again from that copy and brought
up to date with the round's changes since, as ``qaf round show --update-manifest`` does. A damaged
file is kept beside it, renamed, never written over.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from qaf_docs import clock
from qaf_docs.cases.manifest_changes import refresh_manifest
from qaf_docs.register.store import Register
from qaf_docs.safe_output import atomic_write
from qaf_docs.workspace import Workspace


def refresh_from_register(path: Path, register: Register, round_id: str) -> None:
    """Bring the manifest at ``path`` up to date with the round's audits and changes."""
    refresh_manifest(
        path,
        register.audits(round_id=round_id),
        register.audit_origins(round_id),
        register.round_changes(round_id),
        kind=str((register.round_row(round_id) or {}).get("kind") or ""),
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
    """Write again every round's manifest that is missing or damaged; what was done, in words."""
    said = []
    for round_id in register.round_ids():
        line = rewrite_lost_manifest(ws, register, round_id)
        if line:
            said.append(line)
    return said
