"""The day's case notes as one CSV, for case-management systems that import notes in bulk.

One row a note: case id, date, heading, text. Every cell is text that Excel shows and never runs
(a leading = + - @ is neutralised) and holds no control characters; UTF-8 with a byte-order mark so
Excel reads accents right.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from qaf_docs.outcomes.case_note import CaseNote
from qaf_docs.safe_output import csv_safe

BATCH_HEADER = ("Case ID", "Date", "Heading", "Text")


def batch_name(day: str) -> str:
    """The file name of a day's batch (``day`` ISO 8601)."""
    return f"case notes {day}.csv"


def batch_csv(notes: Sequence[tuple[str, CaseNote]]) -> bytes:
    """The CSV of ``(case id, note)`` pairs, in order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(BATCH_HEADER)
    for case_id, note in notes:
        writer.writerow(
            [csv_safe(case_id), csv_safe(note.day), csv_safe(note.heading), csv_safe(note.body())]
        )
    return buffer.getvalue().encode("utf-8-sig")
