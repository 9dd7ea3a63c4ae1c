"""Dates as people type them in UK forms and spreadsheets."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{2}|\d{4})$")
# Excel's day 0 is 1899-12-30 (it counts the non-existent 29 Feb 1900).
_EXCEL_EPOCH = date(1899, 12, 30)


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def parse_uk_date(text: str) -> date:
    """Return the date ``text`` means in UK order ("03/12/2026", "3 Dec 2026", "2026-12-03").

    Raises ValueError with a plain-English reason for anything else ("ASAP", "tbc", "31/02/2026").
    """
    cleaned = " ".join(text.replace("\u00a0", " ").strip().lower().split())
    if not cleaned:
        raise ValueError("no date given")
    try:
        if m := _ISO.match(cleaned):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _NUMERIC.match(cleaned):
            return date(_year(m[3]), int(m[2]), int(m[1]))
        if (m := _WORDS.match(cleaned)) and m[2] in _MONTHS:
            return date(_year(m[3]), _MONTHS[m[2]], int(m[1]))
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a real date") from None
    raise ValueError(f"'{text.strip()}' is not a date (write it like 03/12/2026)")


def shown_date(text: str, stored: date | None) -> date | None:
    """Return the date a form field means, trusting what the person sees over a hidden value.

    A date picker keeps the picked date in the file, but a person may type over it ("ASAP"): the
    visible text wins. A stored date is used when the text is empty or is that same date written
    long-hand (e.g. "Tuesday, 3 December 2026"). Raises ValueError when the text is not a date.
    """
    if not text.strip():
        return stored
    try:
        return parse_uk_date(text)
    except ValueError:
        if stored and _names_date(text, stored):
            return stored
        raise


def _names_date(text: str, when: date) -> bool:
    """True when ``text`` spells out ``when`` long-hand: its day, month and year as whole words."""
    tokens = re.findall(r"\d+|[a-z]+", text.lower())
    numbers = {int(t) for t in tokens if t.isdigit()}
    months = {_MONTHS[t] for t in tokens if t in _MONTHS}
    return when.year in numbers and when.day in numbers and when.month in months


def from_excel_serial(serial: float) -> date:
    """Return the date of an Excel serial day number (1900 date system)."""
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def as_date(value: object) -> date | None:
    """Return ``value`` as a date when it is a date, datetime or UK date text; None when blank."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_uk_date(value) if value.strip() else None
    raise ValueError(f"'{value}' is not a date")


def uk(value: date | None) -> str:
    """Format a date the UK way (03/12/2026), or '' for None."""
    return value.strftime("%d/%m/%Y") if value else ""


def add_months(start: date, months: int) -> date:
    """Return ``start`` plus ``months`` calendar months, clamped to the month's last day."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
