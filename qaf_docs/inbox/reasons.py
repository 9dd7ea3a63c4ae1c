"""The one line the register keeps for a rejected file: what its note says, typed text left out.

The note beside a rejected file quotes what was typed ("'when Zebedee is back' is not a date"),
because the person putting the file right needs to find it. The register's line is read elsewhere:
``qaf status`` prints it under "Latest problems", ``qaf history`` beside the audit's rejection,
and it sits in the register's file and event tables for as long as the register is kept. Text
typed into a form or tracker (an action, a status, a date, a grade box) can name a child, so that
line keeps a quoted value only where it cannot be a name: digits, dates and punctuation (as a
case list's problems do), a word qaf itself offered (a grade of the framework, its id), or one
qaf knows as a vague due date ("ASAP", "TBC").
Everything else becomes '…', and the note still says it in full. ``qaf ingest --json`` gives each
problem the same way: a script's output is kept in a log as readily as the watcher's.

Each problem is a sentence or two of its own ("… Choose one of: Good, Inadequate."), so several
are numbered as the note numbers them, "(1) … Inadequate. (2) Action row 1: …", never run
together as "Inadequate.; Action row 1".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from qaf_docs.dates import quotable
from qaf_docs.findings import Finding
from qaf_docs.returns.validation import VAGUE_DATES

LEFT_OUT = "…"
#: A quoted value: the opening quote starts a word, the closing one ends it ("father's" is no
#: quote); a value with an apostrophe of its own ('Zebedee's mum') is taken whole.
_QUOTED = re.compile(r"(?<!\w)'(.*?)'(?!\w)")


def register_reason(found: Iterable[Finding], offered: Collection[str] = ()) -> str:
    """Return ``found`` as one line, each value typed into the file left out unless it is in
    ``offered`` (compared without case) or can only be a number or a date."""
    return numbered(typed_left_out(f.line(), offered) for f in found)


def typed_left_out(text: str, offered: Collection[str] = ()) -> str:
    """Return ``text`` with each quoted value as '…', unless it is in ``offered`` (compared
    without case) or can only be a number, a date or a vague due date."""
    words = {w.casefold() for w in offered} | set(VAGUE_DATES)

    def keep(m: re.Match[str]) -> str:
        value = m.group(1)
        known = value.casefold().strip().rstrip(".!") in words
        return m.group(0) if quotable(value) or known else f"'{LEFT_OUT}'"

    return _QUOTED.sub(keep, text)


def numbered(problems: Iterable[str]) -> str:
    """Return ``problems`` as one line: one as it is, several numbered, each ending a sentence."""
    said = [p if p.endswith((".", "!", "?")) else f"{p}." for p in problems]
    if len(said) == 1:
        return said[0]
    return " ".join(f"({i}) {p}" for i, p in enumerate(said, 1))
