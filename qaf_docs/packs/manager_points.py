"""The note beside a manager's re-issued action tracker: what qaf noticed in the copy they sent.

A returned tracker is recorded with warnings rather than refused for what does not stop it (an
action added without an owner, a concrete date or something measurable, one due later than the
framework allows, an action Completed with no completion date or evidence, a sign-off without its
date). The QA tracker's Warnings sheet lists them for the QA team; the manager who returned the
tracker reads them here, beside the tracker the admin officer sends them from
``outbox/for-managers/<team>/``: ``<audit ref> points to check.txt``. The note follows the
register as the tracker does: rewritten with it, and gone once a later copy puts every point right.
Its name holds the audit reference only, never a child's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from qaf_docs.dates import uk_time
from qaf_docs.safe_output import atomic_write

SUFFIX = " points to check.txt"


def points_path(tracker: Path) -> Path:
    """Where the note beside ``tracker`` (the manager's copy of it) goes."""
    return tracker.with_name(tracker.stem + SUFFIX)


def points_note(audit_ref: str, tracker_name: str, received_at: str, points: Sequence[str]) -> str:
    """The note's text: each point as "Row N: Column: what", and what the manager is to do."""
    try:
        received = f" on {uk_time(datetime.fromisoformat(received_at))}"
    except ValueError:
        received = ""
    title = f"Points to check in the action tracker of audit {audit_ref}"
    lines = [
        title,
        "=" * len(title),
        "",
        f"Your update of this tracker, received{received}, has been recorded. qaf noticed "
        f"{'this point' if len(points) == 1 else f'these {len(points)} points'} in it (rows "
        "as in the copy you sent):",
        "",
        *(f"- {p.rstrip('.')}." for p in points),
        "",
        "What to do",
        "----------",
        f"Nothing is needed now: every update was recorded. When you next update the tracker "
        f"({tracker_name}, beside this note), put each point right in the row it names: type "
        "the completion date, the evidence of what was done or the date it was signed off; for "
        "an action you added, say what will be done for the child, who will do it and by when "
        "(within the time the audit framework allows). Then send the tracker back as before.",
        "Until a later copy puts them right, these points are also listed on the QA tracker's "
        "Warnings sheet for the QA team.",
        "",
    ]
    return "\n".join(lines)


def leave_points(
    handed: Path, audit_ref: str, received_at: str, points: Sequence[str]
) -> Path | None:
    """Write the note beside the manager's tracker ``handed``, or remove one left from an earlier
    copy when there is nothing to check now; return the note written, or None."""
    note = points_path(handed)
    if not points:
        note.unlink(missing_ok=True)
        return None
    text = points_note(audit_ref, handed.name, received_at, points)
    return atomic_write(note, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def points_said(audit_ref: str, count: int) -> str:
    """What ``qaf ingest``'s line says of a tracker accepted with ``count`` warnings ("" if none)."""
    if not count:
        return ""
    points = "1 point" if count == 1 else f"{count} points"
    return f"{points} for the manager to check, in '{audit_ref}{SUFFIX}' beside their tracker"
