"""How a child's case id is compared across case lists and the register, and what one can be.

Every case id a council's system gives has a digit ("1234567", "AB12345", "CH/0012"), and so
does every audit reference qaf gives ("QA2611-0004"); a child's name has none. So a value with no
digit, typed on the command line or found in a case list's id column, is never taken for an id,
and never repeated: it may be a name typed by mistake.
"""

from __future__ import annotations

import re

# The characters of an id as councils' systems write them, at most 40: letters, digits, _ - / .
ID_CHARACTERS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-/.]{0,39}")

_EXAMPLES = {
    "case id": "as the case list writes it (e.g. 1234567)",
    "audit reference": "as qaf writes it (e.g. QA2611-0004; qaf status lists them)",
}


def case_key(case_id: str) -> str:
    """Return what identifies a child whatever the id's spelling: an id of digits only without
    its leading zeros (Excel drops them from a number, so "006537810" and 6537810 are one child)."""
    return (case_id.lstrip("0") or "0") if case_id.isdigit() else case_id


def typed_id_refusal(text: str, what: str) -> str | None:
    """Why ``text``, typed as a ``what`` ("case id" or "audit reference"), cannot be one, in
    words that never repeat it; None when it may be one."""
    text = text.strip()
    a = "an" if what[:1] in "aeiou" else "a"
    if not any(ch.isdigit() for ch in text):
        why = (
            f"The {what} typed has no digit, so it is not {a} {what}: every {what} has one, and "
            "a name has none (was a name typed by mistake?)"
        )
    elif not ID_CHARACTERS.fullmatch(text):
        why = (
            f"The {what} typed has spaces or characters {a} {what} never has (only letters, "
            "digits and _ - / . up to 40), so it is not one (was a name typed with it?)"
        )
    else:
        return None
    return (
        f"{why}. What was typed is not repeated here, and nothing was changed. Type the {what} "
        f"{_EXAMPLES.get(what, 'again')}."
    )


def may_be_id(text: str) -> bool:
    """Whether ``text``, read from a file where an id belongs (its hidden identity, the case id
    or audit reference shown at its top), may be an id: one of an id's characters, with a digit."""
    return bool(ID_CHARACTERS.fullmatch(text)) and any(ch.isdigit() for ch in text)


def said_id(text: str) -> str:
    """``text``, read from a file where an id belongs, as a message says it: as it is where it
    may be an id, else quoted (a name typed there), so that the register's one-line reason,
    ``qaf status`` and ``qaf history`` put '…' for it and only the note beside the file, for
    whoever puts the file right, repeats it."""
    return text if may_be_id(text) else f"'{text}'"
