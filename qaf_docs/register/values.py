"""How the register stores values: dates as ISO 8601 text, times with their UTC offset, and the
rule that a manager's tracker row replaces the action it updates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from qaf_docs.records import TrackerRow
from qaf_docs.register.dialect import Row


def iso_or_none(d: date | None) -> str | None:
    return d.isoformat() if d else None


def date_or_none(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def merge_actions(agreed: Sequence[Row], updates: Sequence[Row]) -> list[TrackerRow]:
    """Actions as agreed in the form, each replaced by the manager's latest tracker row if any."""
    merged = {
        r["number"]: TrackerRow(
            r["number"],
            r["description"],
            r["owner"],
            date_or_none(r["due_on"]),
            "Not started",
            None,
            "",
        )
        for r in agreed
    }
    for r in updates:
        merged[r["number"]] = TrackerRow(
            r["number"],
            r["description"],
            r["owner"],
            date_or_none(r["due_on"]),
            r["status"],
            date_or_none(r["completed_on"]),
            r["evidence"],
        )
    return [merged[n] for n in sorted(merged)]
