"""Read the auditor roster: who audits, their role, their own team and how many audits a month.

The roster is an ordinary .xlsx or .csv in the workspace with one auditor a row. Headers are matched
tolerantly ("E-mail address", "Monthly Capacity ", "Cases per month"). Every bad row is reported by
row and column in one :class:`~qaf_docs.errors.AllocationError`, so the QA lead fixes them all at
once.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from qaf_docs.cases.columns import clean_text, fold_header
from qaf_docs.cases.leavers import is_leaver, leaver_column
from qaf_docs.errors import AllocationError
from qaf_docs.office.sheets import fill_merged, open_table_file

__all__ = [
    "CONTACT_ROLE_WORDS",
    "ROSTER_COLUMNS",
    "Auditor",
    "email_problem",
    "fold_name",
    "fold_person",
    "is_contact_role",
    "leavers_note",
    "read_roster",
    "roster_table",
]


@dataclass(frozen=True)
class Auditor:
    """One person who audits cases, with the team whose cases they must not audit."""

    name: str
    email: str
    role: str
    team: str | None
    monthly_capacity: int
    # Teams the roster also lists them for on a row of their own (Team Manager of North, say):
    # as much their own team as ``team`` for the rule that nobody audits their own team's cases.
    also_teams: tuple[str, ...] = ()
    row: int = field(default=0, compare=False)  # the roster row, for messages; 0 when unknown

    def teams(self) -> set[str]:
        """Every team this auditor belongs to or manages, folded for comparison."""
        return {fold_name(t) for t in (self.team, *self.also_teams) if t}


ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Name", "Auditor", "Auditor Name", "Full Name", "Staff Name"),
    "email": ("Email", "E-mail", "Email Address", "E-mail Address", "Work Email"),
    "role": ("Role", "Job Title", "Position", "Auditor Role"),
    "team": ("Team", "Own Team", "Home Team", "Team Name", "Service Area"),
    "monthly_capacity": (
        "Monthly Capacity",
        "Capacity",
        "Cases per Month",
        "Audits per Month",
        "Monthly Audits",
    ),
}
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"'.]+(\.[^@\s<>()\[\],;:\"'.]+)+$")
# What Outlook pastes: "Ann Smith <ann@council.gov.uk>", or a link's "mailto:ann@council.gov.uk".
_PASTED = re.compile(r"<\s*(?:mailto:)?([^<>\s]+)\s*>|^mailto:(\S+)$", re.IGNORECASE)
_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"']+")
_NO_TEAM = {"", "none", "n/a", "na", "-", "no team"}


# Word and Outlook turn O'Brien into O’Brien and Smith-Jones into Smith–Jones as people type; a roster
# pasted from an e-mail and a case list exported from the case-management system then spell one
# person two ways.
_TYPOGRAPHIC = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u00b4": "'", "`": "'",
     "\u201c": '"', "\u201d": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-",
     "\u2013": "-", "\u2014": "-", "\u2212": "-"}
)  # fmt: skip


def fold_name(text: str) -> str:
    """Fold a person's or team's name for comparison: case, spacing, nbsp, curly apostrophes and
    dashes, and how the accents of a name such as Zoë were stored are all ignored."""
    text = unicodedata.normalize("NFC", clean_text(text)).translate(_TYPOGRAPHIC)
    return " ".join(text.casefold().split())


def fold_person(name: str) -> str:
    """Fold a person's name for comparison as :func:`fold_name` does, a roster's "Smith, Jo" read
    as the case list's "Jo Smith" (one comma: surname first)."""
    folded = fold_name(name)
    if folded.count(",") == 1:
        surname, first = folded.split(",")
        folded = " ".join(f"{first} {surname}".split())
    return folded


def read_roster(path: Path, contact_roles: Iterable[str] = ()) -> list[Auditor]:
    """Read a roster (.xlsx or .csv: name, email, role, team, monthly capacity) into auditors.

    ``contact_roles``: roles the workspace's frameworks write to (escalations, notifications); a
    row with one of them and no monthly capacity is a contact, as a Team Manager's is.
    Raises :class:`AllocationError` naming every bad row and column, or a missing column.
    """
    path = Path(path)
    written_to = frozenset(fold_name(r) for r in contact_roles)
    table = _read_table(path)
    headers = table[0][1] if table else []
    index: dict[str, int] = {}
    folded = [fold_header(h) for h in headers]
    for name, spellings in ROSTER_COLUMNS.items():
        for spelling in spellings:
            if fold_header(spelling) in folded:
                index[name] = folded.index(fold_header(spelling))
                break
    missing = [n for n in ROSTER_COLUMNS if n not in index and n != "team"]
    if missing:
        pretty = ", ".join(f"'{ROSTER_COLUMNS[m][0]}'" for m in missing)
        raise AllocationError(
            f"Roster {path.name} is missing the column(s) {pretty}. The roster needs: Name, Email, "
            "Role, Team and Monthly Capacity."
            + (
                f" It has no Name, Email or Role column: is {path.name} the case list? The case "
                "list comes first and the roster after --roster: qaf sample CASELIST --roster "
                "roster.xlsx."
                if {"name", "email", "role"} <= set(missing)
                else _misspelt(headers, set(index.values()), missing)
            )
        )
    problems: list[str] = []
    auditors: list[Auditor] = []
    seen: dict[str, int] = {}
    copies: set[tuple[str, ...]] = set()  # each auditor's row as read, to know a copy of it
    copies_by_name: dict[str, str] = {}  # each auditor's e-mail, folded
    emails: dict[str, tuple[int, str]] = {}
    managed: list[tuple[str, str]] = []  # (name, team) from rows of people who are not auditors
    gone = leaver_column(headers)  # a "Leaver" or "Status" column: a leaver audits nothing
    for row_no, cells in table[1:]:
        if not any(c.strip() for c in cells) or is_leaver(headers, gone, cells):
            continue

        def cell(field: str, cells: list[str] = cells) -> str:
            i = index.get(field)
            return cells[i] if i is not None and i < len(cells) else ""

        def bad(field: str, reason: str, row_no: int = row_no) -> None:
            header = headers[index[field]] if field in index else field
            problems.append(f"row {row_no}, column '{header}': {reason}")

        name = clean_text(cell("name"))
        email = clean_text(cell("email"))
        role = clean_text(cell("role"))
        team_text = clean_text(cell("team"))
        capacity_text = clean_text(cell("monthly_capacity"))
        if not capacity_text and (is_contact_role(role) or fold_name(role) in written_to):
            # Someone qaf writes to (moderator, team manager …), not an auditor; but an auditor
            # who also manages a team must not audit it.
            if name and team_text.casefold() not in _NO_TEAM:
                managed.append((name, team_text))
            continue
        ok = True
        if any(v.startswith("=") for v in (name, email, role, team_text, capacity_text)):
            bad("name", "contains a formula; type the value instead")
            continue
        row_as_read = (fold_person(name), email.casefold(), fold_name(role),
                       fold_name(team_text), capacity_text)  # fmt: skip
        if row_as_read in copies:
            continue  # the same row again (rosters merged, a row copied): one person, read once
        same_person = False
        if not name:
            bad("name", "no name")
            ok = False
        elif fold_person(name) in seen:
            first, first_email = seen[fold_person(name)], copies_by_name[fold_person(name)]
            same_person = first_email == email.casefold()
            hint = ""
            if same_person:  # the same address too: one person, listed twice
                hint = " (one person on two rows? Keep one row with their monthly capacity"
                if is_contact_role(role) or fold_name(role) in written_to:
                    hint += (
                        "; for another team they manage, leave Monthly Capacity blank on its row"
                    )
                hint += ")"
            bad("name", f"'{name}' is also on row {first}; names must be unique{hint}")
            ok = False
        wrong = email_problem(email)
        if wrong:
            bad("email", wrong)
            ok = False
        elif email.casefold() in emails and not same_person:  # said once, under the name
            other_row, other = emails[email.casefold()]
            bad(
                "email",
                f"'{email}' is also the address of {other} on row {other_row} (give each "
                "auditor their own, or keep one row if they are one person)",
            )
            ok = False
        if not role:
            bad("role", "no role (e.g. Service Manager, Deputy Team Manager)")
            ok = False
        capacity = _capacity(capacity_text)
        if capacity is None:
            bad(
                "monthly_capacity",
                f"'{capacity_text}' is not a whole number of audits a month (0 or more)"
                if capacity_text
                else "no monthly capacity",
            )
            ok = False
        if ok and capacity is not None:
            seen[fold_person(name)] = row_no
            copies.add(row_as_read)
            copies_by_name[fold_person(name)] = email.casefold()
            emails[email.casefold()] = (row_no, name)
            team = None if team_text.casefold() in _NO_TEAM else team_text
            auditors.append(Auditor(name, email, role, team, capacity, row=row_no))
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise AllocationError(f"Roster {path.name} has bad rows: {shown}{more}.")
    if not auditors:
        raise AllocationError(f"Roster {path.name} lists no auditors; add one row per auditor.")
    return _with_managed_teams(auditors, managed)


def _with_managed_teams(auditors: list[Auditor], managed: list[tuple[str, str]]) -> list[Auditor]:
    """Give each auditor the teams other rows list them for (as Team Manager, say).

    Brighton & Hove: "It is best practice for an audit to be led by someone other than the
    manager for the area under consideration."
    """
    out: list[Auditor] = []
    for a in auditors:
        own = a.teams()
        extra: list[str] = []
        for name, team in managed:
            if fold_person(name) == fold_person(a.name) and fold_name(team) not in own:
                own.add(fold_name(team))
                extra.append(team)
        out.append(replace(a, also_teams=tuple(extra)) if extra else a)
    return out


# A roster row with one of these roles and no monthly capacity is a person qaf addresses
# (reminders, escalations) but never allocates an audit to.
# The roles the preset frameworks write to are among them (tests/test_roster_contacts.py): a
# council's own framework adds its roles through ``read_roster(contact_roles=…)``.
CONTACT_ROLE_WORDS = (
    "moderator", "team manager", "service manager", "practitioner", "social worker",
    "head of service", "director", "quality assurance team", "committee", "sub group",
    "subgroup", "board",
)  # fmt: skip


def is_contact_role(role: str) -> bool:
    """True when ``role`` names someone qaf writes to rather than an auditor (unless given capacity)."""
    folded = fold_name(role)
    return "deputy" not in folded and any(word in folded for word in CONTACT_ROLE_WORDS)


def leavers_note(path: Path) -> str | None:
    """Say who the roster marks as having left (given no audit, sent nothing), or None."""
    table = _read_table(Path(path))
    headers = table[0][1] if table else []
    folded = [fold_header(h) for h in headers]
    name_col = next((folded.index(fold_header(s)) for s in ROSTER_COLUMNS["name"]
                     if fold_header(s) in folded), None)  # fmt: skip
    gone = leaver_column(headers)
    names = [
        clean_text(cells[name_col]) or f"row {row_no}"
        for row_no, cells in table[1:]
        if name_col is not None and name_col < len(cells) and is_leaver(headers, gone, cells)
    ]
    if not names:
        return None
    who = ", ".join(names[:10]) + (" …" if len(names) > 10 else "")
    return (
        f"{len(names)} {'people' if len(names) != 1 else 'person'} marked on the roster as having "
        f"left ({who}) {'are' if len(names) != 1 else 'is'} given no audit and sent nothing."
    )


def roster_table(path: Path) -> list[tuple[int, list[str]]]:
    """The roster's rows as text, header first, for readers of its other people."""
    return _read_table(Path(path))


def email_problem(email: str) -> str | None:
    """Say what is wrong with a person's e-mail cell, or None: packs, reminders and escalations go
    there, so an address pasted with its display name or a second address must be put right, not
    guessed."""
    if not email:
        return "no email address"
    if len(_ADDRESS.findall(email)) > 1:
        return f"'{email}' holds more than one address (give one address per person)"
    if _EMAIL.match(email):
        return None
    pasted = _PASTED.search(email)
    # Outlook's To line copied with the address: "ann@council.gov.uk;" (its separator kept)
    address = (pasted.group(1) or pasted.group(2)) if pasted else email.strip(";, ")
    if _EMAIL.match(address):
        return f"'{email}' holds more than the address (keep only {address})"
    return f"'{email}' is not an email address"


def _capacity(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not value.is_integer() or value < 0 or value > 1000:
        return None
    return int(value)


def _read_table(path: Path) -> list[tuple[int, list[str]]]:
    """Return the roster's rows as text, header first, with the case-list reader's safety checks."""
    suffix = path.suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise AllocationError(f"Roster {path.name} must be an .xlsx or .csv file.")
    with open_table_file(path, what="Roster", error=AllocationError) as table:
        sheet = table.sheet(table.sheet_names[0])
        raw = list(sheet.rows)
    rows = [(n, [_cell_text(c) for c in cells]) for n, cells in raw]
    # Skip title rows above the header.
    for i, (header_row, cells) in enumerate(rows[:20]):
        if any(fold_header(c) in {"name", "auditor", "auditor name"} for c in cells):
            if sheet.merged:  # a team merged down over its people is each one's team
                sheet.rows = iter(raw[i:])
                fill_merged(sheet, header_row)
                return [(n, [_cell_text(c) for c in cells]) for n, cells in sheet.rows]
            return rows[i:]
    return rows


def _cell_text(cell: object) -> str:
    value = getattr(cell, "value", None)
    kind = getattr(cell, "kind", "value")
    if value is None or kind == "error":
        return ""
    if kind == "formula":
        return f"={str(value).lstrip('=')}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _misspelt(headers: Sequence[object], used: set[int], missing: list[str]) -> str:
    """A header close to a missing column's name ('Capcity'), named with what to rename it to."""
    said = []
    for name in missing:
        spellings = {fold_header(s): s for s in ROSTER_COLUMNS[name]}
        for i, header in enumerate(headers):
            if i in used or header is None or not str(header).strip():
                continue
            if difflib.get_close_matches(
                fold_header(str(header)), list(spellings), n=1, cutoff=0.75
            ):
                said.append(
                    f"rename the header '{str(header).strip()}' to '{ROSTER_COLUMNS[name][0]}'"
                )
                break
    return f" Is it misspelt? R{'; '.join(said)[1:]}." if said else ""
