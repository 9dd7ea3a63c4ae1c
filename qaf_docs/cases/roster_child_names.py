"""A child's name on the roster, found by the case list it is drawn against, and left out.

A roster's names and teams are what qaf writes into file names (``reminders/<date>/<name>.eml``,
``for-managers/<team>/``), e-mails, manifests and the QA tracker, because they are staff. A name
pasted from the wrong column, or typed into the wrong cell, puts a child there instead, and
nothing downstream can tell it from a colleague's. The case list a round is drawn from can, where
it has a child name column: a roster row whose name or team is one of its children's names is
left out of the draw and said by its row number (never quoted), as a case list's worker or team
that is a child's name is left blank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from qaf_docs.cases.case import Case
from qaf_docs.cases.roster import Auditor, fold_name


def without_child_names(
    auditors: Sequence[Auditor], cases: Iterable[Case]
) -> tuple[list[Auditor], str | None]:
    """Return ``auditors`` without any whose name or team is one of ``cases``' children's names,
    and a warning saying which roster rows were left out (None when none was)."""
    children = {fold_name(c.child_name) for c in cases if c.child_name}
    children.discard("")
    if not children:
        return list(auditors), None
    named = [a for a in auditors if {fold_name(a.name), *a.teams()} & children]
    if not named:
        return list(auditors), None
    rows = ", ".join(str(a.row) for a in sorted(named, key=lambda a: a.row) if a.row) or "?"
    warning = (
        f"Roster row(s) {rows}: the name or team is a child's name from the case list's child "
        "name column (pasted from the wrong column?), so the row was left out of this round and "
        "is never written into a file name, an e-mail or a report. Put the person's own name and "
        "team in the roster and draw again if they should audit."
    )
    return [a for a in auditors if a not in named], warning
