"""Hand-offs: once an audit is accepted, its manager's action tracker is put where the admin officer
sends it from, ``outbox/for-managers/<team>/``, so nobody has to find it among the packs."""

from __future__ import annotations

from pathlib import Path

from qaf_docs.safe_output import atomic_write, windows_name

FOR_MANAGERS = "for-managers"


def folder_name(team: str) -> str:
    """A folder name valid on Windows for a team (or manager), e.g. 'Locality 1 Team & Partners'."""
    return windows_name(team, empty="No team recorded")


def hand_to_manager(tracker: Path, outbox: Path, team: str) -> Path:
    """Copy the re-issued tracker into ``outbox/for-managers/<team>/``; return where it is."""
    target = outbox / FOR_MANAGERS / folder_name(team) / tracker.name
    data = tracker.read_bytes()
    return atomic_write(target, lambda tmp: tmp.write_bytes(data))
