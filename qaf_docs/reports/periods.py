"""Reporting periods as people write them: 2026Q3 (2026 Q3, Q3 2026, 2026-Q3), 2026H1, 2026.

Quarters and halves are of the calendar year, as the report headings name them ("July to September
2026"); the message for a period qaf cannot read says so, and which quarter a financial year's first is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from qaf_docs.errors import QafError

_SEP = r"\s*[-/\u2013]?\s*"  # "2026Q3", "2026 Q3", "2026-Q3", "2026/Q3", "2026–Q3"


def _either(letter: str, numbers: str) -> re.Pattern[str]:
    """The year first or last: "2026Q3" and "Q3 2026" (any case, with a space, dash or slash)."""
    year_first = rf"(?P<y>\d{{4}}){_SEP}{letter}(?P<n>[{numbers}])"
    year_last = rf"{letter}(?P<n2>[{numbers}]){_SEP}(?P<y2>\d{{4}})"
    return re.compile(rf"^(?:{year_first}|{year_last})$", re.I)


_QUARTERS = (
    "Quarters are calendar quarters: Q1 is January to March, Q2 April to June, Q3 July to "
    "September and Q4 October to December (a financial year's first quarter, April to June, is Q2)."
)
_FORMS = {
    "quarter": (
        _either("Q", "1-4"),
        f"2026Q3 (or 2026 Q3, Q3 2026, 2026-Q3). {_QUARTERS}",
    ),
    "half": (
        _either("H", "12"),
        "2026H1 (or 2026 H1, H1 2026, 2026-H1): H1 is January to June, H2 July to December.",
    ),
    "year": (re.compile(r"^(?P<y>\d{4})$"), "2026 (a year is January to December)."),
}


@dataclass(frozen=True)
class Period:
    """A calendar period a report covers, both ends included."""

    label: str  # as in file names: 2026Q3, 2026H1, 2026
    title: str  # as in headings: "July to September 2026"
    start: date
    end: date

    @property
    def short(self) -> str:
        """The period as a table or chart names it, as the QA tracker's do: "2026 Q3", "2026 H1",
        "2026" (the file name's "2026Q3" read as a code beside the tracker's "2026 Q3")."""
        return re.sub(r"^(\d{4})([QH])", r"\1 \2", self.label)

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
    parts = {k: v for k, v in (m.groupdict() if m else {}).items() if v}
    year = int(parts.get("y") or parts.get("y2") or 0)
    if not 1900 < year < 2200:
        raise QafError(f"'{text}' is not a {kind}: write it like {example}")
    number = parts.get("n") or parts.get("n2") or ""
    if kind == "quarter":
        q = int(number)
        return _make(year, 3 * q - 2, 3, f"{year}Q{q}")
    if kind == "half":
        h = int(number)
        return _make(year, 6 * h - 5, 6, f"{year}H{h}")
    return _make(year, 1, 12, str(year))
