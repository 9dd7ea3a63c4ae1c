"""Words auditors type where a name or an explanation should be: "TBC" as an action's owner, "-"
as a grade's rationale. The box is filled, but says nothing; read as filled, the action would be
recorded with nobody to do it (and no one to remind), the grade with no reason given.
"""

from __future__ import annotations

import re

# An owner is a person or a role ("Team manager"); these say the person is not known yet.
_NOBODY = {
    "tbc", "tba", "tbd", "tbconfirmed", "to be confirmed", "to be agreed", "to be allocated",
    "to be decided", "to be advised", "to be arranged", "unknown", "not known", "unallocated",
    "n a", "na", "none", "nobody", "no one", "noone", "not applicable", "not yet allocated",
    "not allocated", "not yet known",
}  # fmt: skip
_WORDS = re.compile(r"[^\W_]+")


def folded(text: str) -> str:
    """The words of ``text``, lower case, one space apart (punctuation and marks dropped)."""
    return " ".join(_WORDS.findall(text.casefold()))


def names_nobody(owner: str) -> bool:
    """True for an owner typed that names no one: "TBC", "N/A", "?", "-" (empty is not asked)."""
    return bool(owner.strip()) and (not folded(owner) or folded(owner) in _NOBODY)


def says_nothing(text: str) -> bool:
    """True for text with no word or number in it at all: "-", ".", "…", a zero-width space
    pasted from an e-mail. Looks filled in, but nothing is written."""
    return not _WORDS.search(text)
