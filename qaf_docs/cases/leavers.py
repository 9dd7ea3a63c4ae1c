"""Leavers left on the roster: a council keeps the row and marks it rather than deleting it.

A "Leaver" or "Left" column ticked ("Yes", "Y", "x"), or a "Status" column saying "Left",
"Leaver" or "Inactive", marks someone who has gone: never allocated an audit, never sent a pack,
a reminder or an escalation. Only what the roster file says counts (no leaving date compared with
today), so a round drawn again from the same roster (``qaf sample --verify``) draws the same.
"""

from __future__ import annotations

from qaf_docs.cases.columns import fold_header, fold_value

# Headers of a column ticked for a leaver, and of a status column, folded.
_TICKED = frozenset({"leaver", "leavers", "left", "has left", "left y n"})
_STATUS = frozenset({"status", "staff status", "employment status", "active", "current"})
_YES = frozenset({"yes", "y", "x", "true", "1", "left", "leaver", "\u2713", "\u2714"})
_GONE = frozenset(
    {"left", "leaver", "inactive", "former", "former staff", "no longer in post", "ended"}
)
_NOT_ACTIVE = frozenset({"no", "n", "false", "0"})  # under "Active" or "Current"


def leaver_column(headers: list[str]) -> int | None:
    """The column marking leavers, if the roster has one."""
    for i, header in enumerate(headers):
        folded = fold_header(header)
        if folded in _TICKED or folded in _STATUS:
            return i
    return None


def is_leaver(headers: list[str], col: int | None, cells: list[str]) -> bool:
    """Whether the row's leaver column marks someone who has gone."""
    if col is None or col >= len(cells) or not cells[col].strip():
        return False
    header = fold_header(headers[col])
    value = fold_value(cells[col])
    if header in _TICKED:
        return value in _YES or cells[col].strip() in _YES
    if header in ("active", "current"):
        return value in _NOT_ACTIVE
    return value in _GONE
