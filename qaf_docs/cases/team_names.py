"""The roster's Team column, as the rule that nobody audits their own team's cases reads it.

A roster team spelled unlike any team on the case list, but plainly one of them ("CIC 1" for
"Children in Care Team 1"): the rule compares the two spellings, so such a roster would let an
auditor be given their own team's cases. It is named by row before anything is drawn or written,
with the case list's spelling to use. A team that resembles none (Quality Assurance, say) is left to
``team_rule_warnings``.

A Team cell left blank for a manager of a case-holding team (B&NES: "Deputy Team Managers and Team
Managers will be required on a monthly basis to audit") keeps nothing from them: it is a warning
by row. Blank is right for Quality Assurance staff (West Sussex: "the Quality Assurance Manager or
a member of the Quality Assurance team"), service managers and directors, who hold no team's cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from qaf_docs.cases.roster import Auditor, fold_name
from qaf_docs.errors import AllocationError

__all__ = ["blank_team_warning", "check_team_spellings", "looks_like"]

_WORDS = re.compile(r"[^\W\d_]+|\d+")
# Left out of an abbreviation as often as kept in it: "CP&C" for Child Protection and Court.
_SMALL_WORDS = frozenset({"and", "of", "for", "the", "in", "to"})
# Roles that sit in a team holding children's cases: their own team is the one they must not audit.
_IN_A_TEAM = re.compile(
    r"team manager|team leader|deputy manager|practice manager|practitioner|social worker|"
    r"key worker|family support worker"
)
# Roles with those words that hold no team's cases: "QA Team Manager", "Principal Social Worker".
_NO_CASES = re.compile(r"quality assurance|\bqa\b|principal")


def _forms(team: str) -> tuple[set[str], set[str], str]:
    """A team's spellings written out, its possible initials, and its numbers."""
    words = _WORDS.findall(fold_name(team).replace("&", " and "))
    letters = [w for w in words if not w.isdigit() and w != "team"]
    numbers = " ".join(str(int(w)) for w in words if w.isdigit())
    big = [w for w in letters if w not in _SMALL_WORDS]
    written = {"".join(letters), "".join(big)}
    named = [w for w in words if not w.isdigit() and w not in _SMALL_WORDS]  # "team" kept: DAT
    initials = {"".join(w[0] for w in ws) for ws in (letters, big, named)}
    return written - {""}, initials - {""}, numbers


def looks_like(a: str, b: str) -> bool:
    """True when team names ``a`` and ``b`` differ but name one team: the same words and numbers
    but for case, spacing, punctuation and the word "team", or one is the other's initials."""
    written_a, initials_a, numbers_a = _forms(a)
    written_b, initials_b, numbers_b = _forms(b)
    if numbers_a != numbers_b or not written_a or not written_b:
        return False  # "CIC 1" is never "CIC 2"
    return bool(written_a & written_b or written_a & initials_b or written_b & initials_a)


def check_team_spellings(auditors: Sequence[Auditor], case_teams: Iterable[str | None]) -> None:
    """Raise :class:`AllocationError` naming each roster row whose team is spelled unlike the
    case list's but plainly means one of its teams."""
    listed = {fold_name(t): t for t in case_teams if t}
    problems: list[str] = []
    for a in sorted(auditors, key=lambda a: a.row):
        if not a.team or fold_name(a.team) in listed:
            continue
        alike = sorted(t for t in listed.values() if looks_like(a.team, t))
        if alike:
            which = " or ".join(f"'{t}'" for t in alike)
            where = f"row {a.row}, column 'Team'" if a.row else f"{a.name}'s team"
            problems.append(
                f"{where}: '{a.team}' ({a.name}) is not spelled as any team on the case list, "
                f"which has {which}"
            )
    if problems:
        raise AllocationError(
            "The roster's teams must be spelled as the case list spells them, or nobody can be "
            "kept from auditing their own team's cases: "
            + "; ".join(problems)
            + ". Correct the Team column of the roster (a team that is not that one: write its "
            "name in full) and run this again; nothing was recorded."
        )


def blank_team_warning(auditors: Sequence[Auditor]) -> str | None:
    """Name, by roster row, each auditor in a case-holding role (Deputy Team Manager, Team
    Manager, Practice Manager …) with no team at all, where other auditors have one: nothing then
    keeps them off their own team's cases. None when there is no such row."""
    if not any(a.teams() for a in auditors):
        return None  # no team anywhere: ``team_rule_warnings`` says the rule went unchecked
    rows = [
        f"{f'row {a.row}' if a.row else 'a row'} ({a.name}, {a.role})"
        for a in sorted(auditors, key=lambda a: a.row)
        if not a.teams() and _holds_cases(a.role)
    ]
    if not rows:
        return None
    return (
        "The roster's Team column gives no team for " + "; ".join(rows) + ": nothing keeps "
        f"{'them' if len(rows) > 1 else 'this auditor'} from auditing their own team's cases. "
        "Write the team each works in or manages, as the case list spells it (blank is right only "
        "for someone whose team holds no cases, such as Quality Assurance)."
    )


def _holds_cases(role: str) -> bool:
    folded = fold_name(role)
    return bool(_IN_A_TEAM.search(folded)) and not _NO_CASES.search(folded)
