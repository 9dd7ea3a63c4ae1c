"""A roster team spelled unlike any team on the case list, but plainly one of them ("CIC 1" for
"Children in Care Team 1"): the rule that nobody audits their own team's cases compares the two
spellings, so such a roster would let an auditor be given their own team's cases.

It is named by row before anything is drawn or written, with the case list's spelling to use.
A team that resembles none (Quality Assurance, say) is left to ``team_rule_warnings``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from qaf_docs.cases.roster import Auditor, fold_name
from qaf_docs.errors import AllocationError

__all__ = ["check_team_spellings", "looks_like"]

_WORDS = re.compile(r"[^\W\d_]+|\d+")
# Left out of an abbreviation as often as kept in it: "CP&C" for Child Protection and Court.
_SMALL_WORDS = frozenset({"and", "of", "for", "the", "in", "to"})


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
