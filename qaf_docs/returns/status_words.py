"""What managers type in a tracker's Status column, and what qaf reads it as: the one table.

A word maps to a status only where a QA lead reading the tracker would take it one way ("WIP" is
work in progress, "Achieved" is done). A word that says something else (how late the action is,
that it no longer applies) or that could mean two statuses ("On track" is said of an action not yet
begun but not due, as of one under way) is refused, with what the manager should choose instead.
"""

from __future__ import annotations

import re

from qaf_docs.frameworks.base import fold_grade

_NO_LONGER_APPLIES = (
    " (an action that no longer applies is marked Completed, with why in the Evidence column)"
)
_BEGUN = "choose In progress once work on it has begun, otherwise Not started"

# (status read, or None for a word refused; what to add to the refusal; the words, folded as
# grades are: capitals, spacing, punctuation and anything in brackets aside).
_TABLE: tuple[tuple[str | None, str, tuple[str, ...]], ...] = (
    ("Not started", "", ("not started", "notstarted", "not yet started", "to do")),
    (
        "In progress",
        "",
        ("in progress", "inprogress", "started", "ongoing", "on going", "wip", "work in progress"),
    ),
    # A tracker's "Closed" is the action closed (an action tracker has no other thing to close).
    ("Completed", "", ("completed", "complete", "done", "closed", "finished", "achieved")),
    (None, " (Overdue is worked out by qaf from the due date)", ("overdue",)),
    (None, f" ({_BEGUN})", ("open",)),
    (
        None,
        f" (whether an action is on track is worked out by qaf from its due date; {_BEGUN})",
        ("on track",),
    ),
    (
        None,
        _NO_LONGER_APPLIES,
        ("n a", "na", "not applicable", "no longer required", "no longer needed", "cancelled"),
    ),
)
_WORDS = {word: (status, hint) for status, hint, words in _TABLE for word in words}

# "Complete - see evidence", "Done, see notes": a status pointing at the Evidence column.
_POINTER = re.compile(r"^(?P<word>.+?) see\b.*$")


def read_status(typed: str) -> tuple[str | None, str]:
    """The status ``typed`` means (None when qaf cannot tell) and, for one it cannot, what to add
    to the refusal. A blank status is Not started."""
    if not typed.strip():
        return "Not started", ""
    folded = fold_grade(typed)
    pointer = _POINTER.match(folded)
    word = folded if folded in _WORDS or pointer is None else pointer["word"]
    return _WORDS.get(word, (None, ""))
