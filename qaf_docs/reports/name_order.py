"""The order a report lists names in: numbers as numbers, so "Team 2" comes before "Team 10"
(sorted as text, a council's twelve numbered teams read Team 1, Team 10, Team 11, Team 12,
Team 2 …), and capitals aside ("assessment team" beside "Assessment Team")."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(\d+)")


def in_order(name: str) -> tuple[tuple[str | int, ...], str]:
    """Sort key of ``name``: its words and numbers as a reader orders them, then as typed."""
    parts = _NUMBER.split(name)  # text, number, text, …: like types compare at each place
    return tuple(int(p) if i % 2 else p.casefold() for i, p in enumerate(parts)), name
