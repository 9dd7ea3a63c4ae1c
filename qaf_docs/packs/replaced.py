"""Packs replaced in the packs folder, and ``qaf generate --rewrite`` to write one again.

The packs folder is shared: an auditor who saves audit A's form with "Save As" under audit B's name
leaves B's auditor with A's child's form to fill in, and qaf's own pack for B gone. ``qaf
generate`` notices such a file at the name of every issued audit's pack (it names another audit, or
no audit at all) and says whose it is and how to write B's pack again; ``--rewrite B`` does so. A
file at a pack's name is never written over: it may be someone's work (A's auditor's form, half
filled in). It is moved to ``outbox/packs/<round>/set aside/`` under a name that says when, and the
message says where.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qaf_docs.errors import QafError, os_error_advice
from qaf_docs.office.identity import read_custom_properties
from qaf_docs.packs.details import pack_paths
from qaf_docs.records import AuditRecord, Identity

SET_ASIDE = "set aside"

_KINDS = {".docx": "audit tool", ".xlsx": "action tracker"}


@dataclass(frozen=True)
class Replaced:
    """A file at the name of ``audit``'s pack that is not that audit's pack."""

    audit: AuditRecord
    path: Path
    holds: str  # what it is, in words: "audit QA2611-0001's audit tool (case 100200)"

    def line(self, packs: Path) -> str:
        """What ``qaf generate`` says of it, with the way to write the pack again."""
        ref = self.audit.audit_ref
        where = self.path.relative_to(packs.parent).as_posix()
        return (
            f"{where} is not audit {ref}'s {_KINDS.get(self.path.suffix, 'pack')}: it holds "
            f"{self.holds}, saved over it, so audit {ref}'s auditor has no pack of their own to "
            f"fill in. To write audit {ref}'s pack again: qaf generate --rewrite {ref} (the file "
            f"there now is kept: it is moved to {self.path.parent.name}/{SET_ASIDE}/, never "
            "written over)."
        )


def holds(path: Path, audit: AuditRecord, workspace_id: str) -> str:
    """What the file at ``audit``'s pack name holds, in words, or "" when it is that audit's own
    (qaf's pack, or the auditor's copy of it being filled in)."""
    try:
        identity = Identity.from_properties(read_custom_properties(path))
    except (OSError, QafError):
        identity = None
    if identity is None:
        return "a file that is not a qaf pack"
    if (identity.audit_ref, identity.workspace_id) == (audit.audit_ref, workspace_id):
        return ""
    kind = "audit tool" if identity.kind == "audit_tool" else "action tracker"
    if identity.workspace_id != workspace_id:
        return f"the {kind} of audit {identity.audit_ref} of another workspace"
    return f"audit {identity.audit_ref}'s {kind} (case {identity.case_id})"


def replaced_packs(packs: Path, audits: Iterable[AuditRecord], workspace_id: str) -> list[Replaced]:
    """The files at issued audits' pack names that are not those audits' packs."""
    found = []
    for audit in audits:
        if audit.status != "issued":
            continue
        for path in pack_paths(packs, audit.round_id, audit.audit_ref):
            if path.is_file() and (what := holds(path, audit, workspace_id)):
                found.append(Replaced(audit, path, what))
    return found


def set_aside(path: Path) -> Path:
    """Move ``path`` into ``set aside/`` beside it, named with when, never over a file there."""
    folder = path.parent / SET_ASIDE
    folder.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.now():%Y-%m-%d %H%M}"
    target = folder / f"{path.stem} (set aside {stamp}){path.suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem} (set aside {stamp}, {n}){path.suffix}"
    try:
        path.replace(target)
    except OSError as exc:  # open in Word or Excel on Windows, say
        raise QafError(
            f"{path.name} could not be moved out of the pack's way, so nothing was written over "
            f"it: {os_error_advice(exc)}"
        ) from exc
    return target
