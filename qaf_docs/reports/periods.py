"""Reporting periods as people write them: 2026Q3, 2026H1, 2026."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from qaf_docs.errors import QafError

_FORMS = {
    "quarter": (re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.I), "2026Q3 (quarters are Q1 to Q4)"),
    "half": (re.compile(r"^(\d{4})\s*-?\s*H([12])$", re.I), "2026H1 (halves are H1 and H2)"),
    "year": (re.compile(r"^(\d{4})$"), "2026"),
}


@dataclass(frozen=True)
class Period:
    """A calendar period a report covers, both ends included."""

    label: str  # as in file names: 2026Q3, 2026H1, 2026
    title: str  # as in headings: "July to September 2026"
    start: date
    end: date

    @property
    def noun(self) -> str:
        """What the period is called in a sentence: "quarter", "half-year" or "year"."""
        return "quarter" if "Q" in self.label else "half-year" if "H" in self.label else "year"

    def previous(self, n: int) -> list[Period]:
        """Return the ``n`` periods of the same length before this one, oldest first."""
        out: list[Period] = []
        current = self
        for _ in range(n):
            current = _before(current)
            out.insert(0, current)
        return out


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _make(year: int, first_month: int, months: int, label: str) -> Period:
    end = _month_end(year, first_month + months - 1)
    start = date(year, first_month, 1)
    title = f"{start:%B} to {end:%B %Y}" if months < 12 else f"January to December {year}"
    return Period(label, title, start, end)


def _before(p: Period) -> Period:
    months = (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1
    index = (p.start.year * 12 + p.start.month - 1) - months
    year, first = divmod(index, 12)
    if months == 3:
        label = f"{year}Q{first // 3 + 1}"
    elif months == 6:
        label = f"{year}H{first // 6 + 1}"
    else:
        label = str(year)
    return _make(year, first + 1, months, label)


def parse_period(kind: str, text: str) -> Period:
    """Return the period ``text`` names; raise QafError saying what a valid one looks like."""
    pattern, example = _FORMS[kind]
    m = pattern.match(text.strip())
    if not m or not 1900 < int(m.group(1)) < 2200:
        raise QafError(f"'{text}' is not a {kind}: write it like {example}.")
    year = int(m.group(1))
    if kind == "quarter":
        q = int(m.group(2))
        return _make(year, 3 * q - 2, 3, f"{year}Q{q}")
    if kind == "half":
        h = int(m.group(2))
        return _make(year, 6 * h - 5, 6, f"{year}H{h}")
    return _make(year, 1, 12, str(year))
