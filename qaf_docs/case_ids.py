"""How a child's case id is compared across case lists and the register."""

from __future__ import annotations


def case_key(case_id: str) -> str:
    """Return what identifies a child whatever the id's spelling: an id of digits only without
    its leading zeros (Excel drops them from a number, so "006537810" and 6537810 are one child)."""
    return (case_id.lstrip("0") or "0") if case_id.isdigit() else case_id
