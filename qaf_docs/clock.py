"""Today's date, asked in one place.

Every command that needs "today" (what is overdue, when a form was received, a report's date) asks
``clock.today()``, so a run sees one day throughout and the tests can hold it still across midnight.
"""

from __future__ import annotations

from datetime import date


def today() -> date:
    """Today's date on this computer."""
    return date.today()
