"""Dates as people type them in UK forms and spreadsheets."""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Container
from datetime import date, datetime, timedelta
from typing import Literal

from qaf_docs import clock

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
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
        ],
        start=1,
    )
    for m in names
}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?$",
    re.IGNORECASE,
)
_WORD_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ \-/]([a-z]{3,9})\.?,?[ \-/](\d{2}|\d{4})$")
# The month as a word first ("October 20th, 2026"): unambiguous, however unusual in the UK.
_MONTH_FIRST_WORD_DATE = re.compile(r"^([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{2}|\d{4})$")
# A day and a month with no year ("20th October", "March 12th", "20/10"): the year is a guess.
_NO_YEAR_NUMBERS = re.compile(r"^\d{1,2}[/.\-]\d{1,2}$")
_NO_YEAR = re.compile(
    r"^(?:\d{1,2}(?:st|nd|rd|th)?[ \-/]?([a-z]{3,9})|([a-z]{3,9})\.? \d{1,2}(?:st|nd|rd|th)?)\.?$"
)
# A weekday in front, as a long date is written and pasted from Word or Outlook ("Tuesday, 20
# October 2026"): it must be the date's own weekday.
_WEEKDAY = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|s|nesday|rsday|r|rs|urday)?\.?,? "
)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A time after the date, as exports write it ("14:30", "00:00:00", "12:00:00 AM"): not needed.
_UK_TIME_SUFFIX = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?$", re.IGNORECASE)
_EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers outside 1 Jan 1950 .. 31 Dec 2100 are more likely counts or ids than dates.
_SERIAL_MIN, _SERIAL_MAX = 18264, 73415


_NUMBER = re.compile(r"\d+(\.\d+)?")


def parse_date(value: object, *, today: date | None = None) -> tuple[date | None, str | None]:
    """Return ``(date, None)`` for a date, ``(None, None)`` for a blank, or ``(None, reason)``.

    Reads datetime cells, Excel serial numbers and UK-order text ("03/12/2026", "3 Dec 2026",
    "2026-12-03"). Two-digit years become 20xx up to ten years ahead of ``today``, else 19xx.
    """
    if value is None:
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, bool):
        return None, f"'{value}' is not a date"
    if isinstance(value, int | float):
        return _serial_date(float(value))
    text = " ".join(str(value).replace("\u00a0", " ").split())
    if not text:
        return None, None
    if _NUMBER.fullmatch(text):
        return _serial_date(float(text))
    lowered = text.casefold()
    try:
        if m := _ISO_DATE.match(lowered):
            return date(int(m[1]), int(m[2]), int(m[3])), None
        lowered = _UK_TIME_SUFFIX.sub("", lowered)
        if weekday := _WEEKDAY.match(lowered):
            return _on_weekday(text, lowered[weekday.end() :], weekday[1], today)
        if m := _NUMERIC_DATE.match(lowered):
            day, month = int(m[1]), int(m[2])
            if month > 12 and day <= 12:
                return (
                    None,
                    f"'{text}' looks like a US-style date (month first); use day/month/year",
                )
            return date(_year(m[3], today), month, day), None
        if m := _WORD_DATE.match(lowered):
            month_no = _MONTHS.get(m[2])
            if month_no is None:
                return None, f"'{text}' has an unknown month name"
            return date(_year(m[3], today), month_no, int(m[1])), None
        if (m := _MONTH_FIRST_WORD_DATE.match(lowered)) and m[1] in _MONTHS:
            return date(_year(m[3], today), _MONTHS[m[1]], int(m[2])), None
    except ValueError:
        return None, f"'{text}' is not a real date"
    if _NO_YEAR_NUMBERS.match(lowered) or (
        (m := _NO_YEAR.match(lowered)) and (m[1] or m[2]) in _MONTHS
    ):
        return None, f"'{text}' is not a date on its own: it gives no year"
    return None, f"'{text}' is not a date in a recognised form (use day/month/year)"


def _on_weekday(
    text: str, rest: str, weekday: str, today: date | None
) -> tuple[date | None, str | None]:
    """The date ``rest`` says, where ``text`` wrote it after ``weekday`` (its first three
    letters): a weekday that is not the date's own leaves it unclear which of the two was meant."""
    when, reason = parse_date(rest, today=today)
    if when is None:
        return None, reason and reason.replace(f"'{rest}'", f"'{text}'")
    named = next(n for n in _WEEKDAY_NAMES if n.lower().startswith(weekday))
    if _WEEKDAY_NAMES[when.weekday()] != named:
        return None, (
            f"'{text}' names a {named}, but {when:%d/%m/%Y} is a {_WEEKDAY_NAMES[when.weekday()]}"
        )
    return when, None


def numeric_order(value: object) -> Literal["day", "month", "either"] | None:
    """Which number comes first in a date written with numbers only: "day" for "13/4/2025" (only
    day first makes sense), "month" for "4/13/2025", "either" for "4/3/2025", else None.

    A column that writes some dates month first probably writes them all so: its "either" dates
    were then read the wrong way round, which is worth saying."""
    if not isinstance(value, str):
        return None
    text = _UK_TIME_SUFFIX.sub("", " ".join(value.replace("\u00a0", " ").split()))
    m = _NUMERIC_DATE.match(text)
    if m is None:
        return None
    first, second = int(m[1]), int(m[2])
    if first > 12 >= second:
        return "day"
    if second > 12 >= first:
        return "month"
    return "either" if first != second and first <= 12 and second <= 12 else None


def _year(text: str, today: date | None) -> int:
    year = int(text)
    if len(text) == 2:
        pivot = ((today or clock.today()).year + 10) % 100
        year += 2000 if year <= pivot else 1900
    return year


# A date written as one number, year then month then day (20260201), as data warehouse and
# Business Objects extracts write it: far above any Excel serial, so never mistaken for one.
_COMPACT_MIN, _COMPACT_MAX = 19000101, 21001231


def _serial_date(serial: float) -> tuple[date | None, str | None]:
    if math.isfinite(serial) and serial.is_integer() and _COMPACT_MIN <= serial <= _COMPACT_MAX:
        n = int(serial)
        try:
            return date(n // 10000, n // 100 % 100, n % 100), None
        except ValueError:
            return None, f"the number {n} is not a real date (read as year, month, day)"
    if not math.isfinite(serial) or not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return None, f"the number {serial:.10g} is not a plausible date"
    return _EXCEL_EPOCH + timedelta(days=int(serial)), None


def written_date(text: str, *, today: date | None = None) -> date | None:
    """Return the date ``text`` is written as ("02/12/2025", "2 Dec 2025", "2025-12-02"), as
    :func:`parse_date` reads it, or None for anything else, a bare number included (in a column
    not known to hold dates, 45000 is a count or an id, not an Excel serial date)."""
    text = text.strip()
    # Every written form starts with a digit: most cells of a 50,000-row list stop here.
    if not text[:1].isdigit() or len(text) > 40 or _NUMBER.fullmatch(text):
        return None
    return parse_date(text, today=today)[0]


def parse_uk_date(text: str, *, today: date | None = None) -> date:
    """Return the date ``text`` means in UK order ("03/12/2026", "3 Dec 2026", "2026-12-03").

    Raises ValueError with a plain-English reason for anything else ("ASAP", "tbc", "31/02/2026").
    """
    if not text.strip():
        raise ValueError("no date given")
    value, reason = parse_date(text, today=today)
    if value is None:
        raise ValueError(reason or f"'{text.strip()}' is not a date")
    return value


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


def uk(value: date | None) -> str:
    """Format a date the UK way (03/12/2026), or '' for None."""
    return value.strftime("%d/%m/%Y") if value else ""


def uk_time(moment: datetime | str, beside: datetime | None = None) -> str:
    """Format a moment the UK way in this computer's time (03/12/2026 at 14:05), from a datetime
    or the register's ISO 8601 text; to the second when ``beside`` falls in the same minute."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    shown = f"{moment.astimezone():%d/%m/%Y at %H:%M}"
    if beside is not None and shown == f"{beside.astimezone():%d/%m/%Y at %H:%M}":
        return f"{moment.astimezone():%d/%m/%Y at %H:%M:%S}"
    return shown


def add_months(start: date, months: int) -> date:
    """Return ``start`` plus ``months`` calendar months, clamped to the month's last day."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def month_end(day: date) -> date:
    """The last day of ``day``'s calendar month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_end_after(day: date) -> date:
    """The first end of a calendar month after ``day``: the end of its own month, or of the next
    when ``day`` is a month's last day.

    West Sussex: "Moderators will complete the moderation by the end of each calendar month". An
    audit that comes back on a month's last day arrives at that month's end, not before it, so
    the end it can be moderated by is the next month's (31 December gives 31 January).
    """
    end = month_end(day)
    return end if end > day else month_end(day + timedelta(days=1))


def _bank_holidays(start: date) -> Container[date]:
    # England and Wales, from the maintained ``holidays`` package, not a hand-written list.
    import holidays

    return holidays.country_holidays("GB", subdiv="ENG", years=range(start.year, start.year + 2))


def working_days_after(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``: weekends and England and Wales bank holidays
    do not count."""
    bank = _bank_holidays(start)
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in bank:
            left -= 1
    return day


def due_after(start: date, days: int) -> date:
    """The date ``days`` calendar days after ``start``, moved on to the next working day when it
    falls on a weekend or bank holiday: a form due on a Sunday is on time on the Monday."""
    bank = _bank_holidays(start)
    day = start + timedelta(days=days)
    while day.weekday() >= 5 or day in bank:
        day += timedelta(days=1)
    return day


# Words a date or a number may hold; any other word in a cell could be part of a name.
_DATE_WORDS = frozenset(
    {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
        "dec", "january", "february", "march", "april", "june", "july", "august",
        "september", "october", "november", "december", "st", "nd", "rd", "th", "of", "am",
        "pm", "t", "z", "e",
    }
)  # fmt: skip


def quotable(text: str) -> bool:
    """Whether a cell's text may be quoted in a message: digits, dates and punctuation only, never
    free text that might be a child's name (a row shifted by a stray comma puts names anywhere; a
    manager types one into a tracker's date)."""
    return all(w in _DATE_WORDS for w in re.findall(r"[^\W\d_]+", text.casefold()))
