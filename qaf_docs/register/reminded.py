"""What each person was reminded of, and on which day: a reminder is produced once per event.

``qaf remind`` writes a day's reminders; each line of a person's reminder (an audit, what is due of
it and by when, or that it is overdue) is recorded with the day it was first written. A later day
leaves out what was reminded on an earlier one; a change (due, then OVERDUE) is a new line, so a new
reminder. A later run the same day leaves out what was written that day too, and writes what is
new beside the earlier files (:mod:`qaf_docs.reports.same_day`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from qaf_docs.register.connection import Connection


class RemindedBook(Connection):
    """Reminders written (mixed into :class:`~qaf_docs.register.store.Register`)."""

    def reminded_before(self, day: date) -> set[tuple[str, str]]:
        """Return (recipient, line) of every reminder line first written before ``day``."""
        rows = self._db.execute(
            "SELECT recipient, item FROM reminders_sent WHERE day < ?", (day.isoformat(),)
        )
        return {(str(r[0]), str(r[1])) for r in rows}

    def reminded_on(self, day: date) -> set[tuple[str, str]]:
        """Return (recipient, line) of every reminder line first written on ``day``."""
        rows = self._db.execute(
            "SELECT recipient, item FROM reminders_sent WHERE day = ?", (day.isoformat(),)
        )
        return {(str(r[0]), str(r[1])) for r in rows}

    def record_reminded(self, day: date, lines: Iterable[tuple[str, str]]) -> None:
        """Record that each (recipient, line) was written on ``day`` (kept as first written)."""
        with self.transaction(counted=False) as db:
            db.executemany(
                "INSERT INTO reminders_sent (recipient, item, day) VALUES (?, ?, ?) "
                "ON CONFLICT (recipient, item) DO NOTHING",
                [(who, line, day.isoformat()) for who, line in sorted(set(lines))],
            )
