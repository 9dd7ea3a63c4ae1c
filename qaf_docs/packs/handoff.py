"""Hand-offs: once an audit is accepted, its manager's action tracker is put where the admin officer
sends it from, ``outbox/for-managers/<team>/``, so nobody has to find it among the packs."""

from __future__ import annotations

import re
from pathlib import Path

from qaf_docs.safe_output import atomic_write

FOR_MANAGERS = "for-managers"
_NOT_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}


def folder_name(team: str) -> str:
    """A folder name valid on Windows for a team (or manager), e.g. 'Locality 1 Team & Partners'."""
    name = _NOT_IN_NAMES.sub("-", team).strip().rstrip(". ")
    if not name:
        return "No team recorded"
    if name.split(".")[0].upper() in _RESERVED:
        name = f"_{name}"
    return name[:80]


def hand_to_manager(tracker: Path, outbox: Path, team: str) -> Path:
    """Copy the re-issued tracker into ``outbox/for-managers/<team>/``; return where it is."""
    target = outbox / FOR_MANAGERS / folder_name(team) / tracker.name
    data = tracker.read_bytes()
    return atomic_write(target, lambda tmp: tmp.write_bytes(data))
