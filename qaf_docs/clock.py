"""Today's date, and this moment, asked in one place.

Every command that needs "today" (what is overdue, when a form was received, a report's date) asks
``clock.today()``, and everything the register stamps with a moment (when a form was received, a
status changed) asks ``clock.now()``, which is on today's day: a form received a hair before
midnight is not "received on the 23rd" in its note and returned on the 24th in the register.
``one_day()`` holds the day for one piece of work (a file read from the inbox, a burst of them),
and the tests hold it still across midnight.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time

_held: ContextVar[date | None] = ContextVar("qaf_day", default=None)


def today() -> date:
    """Today's date on this computer (the day held by ``one_day``, while one is)."""
    return _held.get() or date.today()


def now() -> datetime:
    """This moment, with this computer's offset, on ``today()``'s day: once the day held has
    passed (a file begun before midnight), its last second."""
    day = today()  # first: the moment read after it is never on an earlier day
    moment = datetime.now().astimezone()
    if moment.date() > day:
        return datetime.combine(day, time(23, 59, 59), tzinfo=moment.tzinfo)
    return moment


@contextmanager
def one_day() -> Iterator[date]:
    """Hold ``today()`` (and ``now()``'s day) for the work inside; yield the day."""
    day = today()
    token = _held.set(day)
    try:
        yield day
    finally:
        _held.reset(token)
