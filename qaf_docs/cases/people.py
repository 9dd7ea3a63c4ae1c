"""Everyone on the roster qaf addresses, not only auditors: moderators, team managers,
practitioners (matched to the case list's allocated worker) and escalation contacts by role.

Read tolerantly: a person without an e-mail address is kept (with ``email=""``) so that whoever
writes to them can say so, rather than skipping them in silence. An e-mail cell that is no address
("ann@council", "Ann Smith <ann@council.gov.uk>", two addresses) is checked as the auditors' is
(:func:`~qaf_docs.cases.roster.email_problem`) but stops nothing: a Head of Service's typo must not
keep a safeguarding concern from being raised. Their address is left out ("" as if blank), never
guessed, and ``Person.email_problem`` names the file, row and column, for the message that cannot
be sent to say who will not be told and why.
"""

from __future__ import annotations

from pathlib import Path

from qaf_docs.cases.columns import clean_text, fold_header
from qaf_docs.cases.leavers import is_leaver, leaver_column
from qaf_docs.cases.roster import ROSTER_COLUMNS, email_problem, roster_table
from qaf_docs.records import Person

ROSTER_NAMES = ("roster.xlsx", "roster.csv")
_NO_TEAM = {"", "none", "n/a", "na", "-", "no team"}


def find_roster(folder: Path) -> Path | None:
    """Return the workspace's roster (roster.xlsx, else roster.csv), or None."""
    return next((folder / n for n in ROSTER_NAMES if (folder / n).is_file()), None)


def read_people(path: Path) -> list[Person]:
    """Return every named person on the roster with their e-mail (or ""), role and team."""
    table = roster_table(path)
    if not table:
        return []
    folded = [fold_header(h) for h in table[0][1]]
    index: dict[str, int] = {}
    for key in ("name", "email", "role", "team"):
        for spelling in ROSTER_COLUMNS[key]:
            if fold_header(spelling) in folded:
                index[key] = folded.index(fold_header(spelling))
                break
    people: list[Person] = []
    headers = table[0][1]
    gone = leaver_column(headers)  # a leaver is nobody to write to
    for row_no, cells in table[1:]:
        if is_leaver(headers, gone, cells):
            continue

        def cell(key: str, cells: list[str] = cells) -> str:
            i = index.get(key)
            return clean_text(cells[i]) if i is not None and i < len(cells) else ""

        name = cell("name")
        if not name or name.startswith("="):
            continue
        email = cell("email")
        wrong = _email_problem(email)
        team = cell("team")
        where = f"{path.name} row {row_no}, column '{headers[index['email']]}'" if wrong else ""
        people.append(
            Person(
                name=name,
                email="" if wrong else email,
                role=cell("role"),
                team=None if team.casefold() in _NO_TEAM else team,
                email_problem=f"{where}: {wrong}" if wrong else "",
            )
        )
    return people


def _email_problem(email: str) -> str | None:
    """What is wrong with a filled e-mail cell, or None (a blank one is said as "no e-mail")."""
    if not email:
        return None
    if email.startswith("="):
        return "holds a formula, not an address (type the address instead)"
    return email_problem(email)
