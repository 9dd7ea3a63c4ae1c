"""Which audits a trend counts, and what a round is called where people read it.

A trend of practice is of the routine audits drawn as a sample of the council's cases (a random
sample, the tier-one managers' monthly audits, half of the audit cycle) under the workspace's own
framework: another framework's audit tool (a multi-agency audit beside the monthly one) asks its
own questions, so its rounds are reported as their own. Three kinds of round choose their cases
otherwise, so each is kept out of that trend too and reported as its own:

* a re-audit: its case was chosen because an earlier audit was inadequate;
* a deep dive (thematic audit): its cases were chosen on one theme, and "an audit report" is
  compiled for it (B&NES), "the overview report signed off" (West Sussex);
* an audit at closure: every case as it closes (B&NES: "Deputy Team Managers will audit all cases
  at closure").

A round's report is set beside earlier rounds of its own group only.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date

from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditResult
from qaf_docs.reports import figures
from qaf_docs.workspace import ROUND_KIND_WORDS

ROUTINE = "routine"
#: What a trend leaves out: audits of other frameworks, and of the round kinds kept apart.
OTHER_FRAMEWORK = "other-framework"
#: What is kept out of the trend of routine audits, with what its audits are called.
APART = {"reaudit": ("re-audit", "re-audits"), "thematic": ("deep dive audit", "deep dive audits"),
         "closure": ("audit at closure", "audits at closure"),
         OTHER_FRAMEWORK: ("audit under another framework", "audits under other frameworks")}  # fmt: skip
#: Why each is kept out, said under the trend.
_WHY = {
    "reaudit": "a re-audit is of a case chosen because its earlier audit was inadequate",
    "thematic": "a deep dive's cases are chosen on one theme",
    "closure": "an audit at closure is of every case as it closes",
    OTHER_FRAMEWORK: "another framework's audit tool asks its own questions of a case",
}
#: Kinds reported as their own rounds beside a period's figures (re-audits have Cases audited
#: again), as are the rounds of other frameworks.
OWN_ROUNDS = ("thematic", "closure")
OWN_ROUNDS_TITLE = "Rounds reported on their own"
#: The round kinds kept out of every trend, whatever the framework.
OWN_KINDS = ("reaudit", "thematic", "closure")


def group(kind: str | None) -> str:
    """The trend a round of ``kind`` belongs to: its own kind if it is kept apart, else routine
    (an unknown or unrecorded kind is routine, as it was sampled)."""
    return kind if kind in APART else ROUTINE


def _apart(a: AuditResult, main: str | None) -> str:
    """What keeps ``a`` out of the trend of ``main``'s routine audits ("" for nothing)."""
    if main is not None and a.framework_id != main:
        return OTHER_FRAMEWORK
    g = group(a.round_kind)
    return "" if g == ROUTINE else g


def routine(audits: Iterable[AuditResult], main: str | None = None) -> list[AuditResult]:
    """The audits of ``audits`` drawn as a routine sample (under framework ``main``, where
    given): the trend's."""
    return [a for a in audits if not _apart(a, main)]


def left_out(audits: Iterable[AuditResult], main: str | None = None) -> dict[str, int]:
    """How many of ``audits`` each thing kept apart has (those with none left out)."""
    found: dict[str, int] = {}
    for a in audits:
        if g := _apart(a, main):
            found[g] = found.get(g, 0) + 1
    return found


def kinds_words(kinds: Iterable[str]) -> str:
    """ "re-audits, deep dive audits and audits at closure", in the order of ``APART`` ("" for
    none)."""
    given = set(kinds)
    names = [APART[k][1] for k in APART if k in given]
    if not names:
        return ""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _counted(n: int, kind: str) -> str:
    one, many = APART[kind]
    return f"1 {one}" if n == 1 else f"{n} {many}"


_PLURAL = {"quarter": "quarters", "half-year": "half-years", "year": "years"}


def trend_covers(left: list[dict[str, int]], noun: str, framework: str = "") -> str:
    """What a period report's trend counts, for ``left``: what each of its periods left out,
    oldest first ("" for a trend of one period with nothing left out); ``framework``: the name of
    the framework whose audits it counts."""
    totals: dict[str, int] = {}
    for each in left:
        for k, n in each.items():
            totals[k] = totals.get(k, 0) + n
    if len(left) < 2 and not totals:
        return ""
    said = (
        "The trend counts the routine audits drawn as a sample and leaves out re-audits, deep "
        f"dive audits and audits at closure: {'; '.join(_WHY[k] for k in OWN_KINDS)}."
    )
    if OTHER_FRAMEWORK in totals:
        said += (
            f" It counts the {framework or 'default framework'}'s audits only: "
            f"{_WHY[OTHER_FRAMEWORK]}."
        )
    these = f"these {_PLURAL.get(noun, noun + 's')}" if len(left) > 1 else f"this {noun}"
    if not totals:
        return f"{said} There was no re-audit, deep dive or audit at closure in {these}."
    parts = [_counted(totals[k], k) for k in APART if k in totals]
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    where = []
    if "reaudit" in totals:
        where.append(
            f"what came of each re-audit is under Cases audited again in the report of its {noun}"
        )
    if set(totals) - {"reaudit"}:
        rest = "the others are" if "reaudit" in totals else "they are"
        where.append(f"{rest} under {OWN_ROUNDS_TITLE}, each round as its own")
    return f"{said} Left out of {these}: {listed}; {'; '.join(where)}."


def round_trend_covers(kind: str | None) -> str:
    """What a round report's trend counts: rounds of its own group only."""
    g = group(kind)
    if g == ROUTINE:
        return (
            "The trend is of routine rounds drawn as a sample, and leaves out re-audit rounds, "
            f"deep dives and audits at closure: {'; '.join(_WHY[k] for k in OWN_KINDS)}."
        )
    this = {"reaudit": "a re-audit round", "thematic": "a deep dive",
            "closure": "a round of audits at closure"}[g]  # fmt: skip
    earlier = {"reaudit": "re-audit rounds", "thematic": "deep dives",
               "closure": "rounds of audits at closure"}[g]  # fmt: skip
    return (
        f"This is {this}, so its trend is of earlier {earlier} only: {_WHY[g]}, so it is not "
        "set beside the routine rounds drawn as a sample."
    )


_ROUND_ID = re.compile(r"^(\d{4})-(\d{2})-([a-z-]+?)(?:-(\d+))?$")


def round_name(round_id: str) -> str:
    """A round as people call it: "Random sample, November 2026" for ``2026-11-simple`` (as
    ``qaf sample`` names rounds), "…, round 2" for a second of its kind that month; a round id of
    another shape stays as it is."""
    m = _ROUND_ID.match(round_id)
    if not m or m[3] not in ROUND_KIND_WORDS or not 1 <= int(m[2]) <= 12:
        return round_id
    year, month, kind, n = m.groups()
    when = f"{date(int(year), int(month), 1):%B %Y}"
    return f"{ROUND_KIND_WORDS[kind]}, {when}" + (f", round {n}" if n else "")


def own_rounds(
    audits: Iterable[AuditResult],
    framework_for: Callable[[str], Framework],
    theme_of: Callable[[str], str],
    main: str | None = None,
) -> list[figures.GroupRow]:
    """Each deep dive and round of audits at closure among ``audits``, and each round of a
    framework other than ``main``, as its own row, by when it began, named as people call it (with
    its theme, and another framework's name), counted on its own framework's scale."""
    by_round: dict[str, list[AuditResult]] = {}
    for a in figures.counted(audits):
        if a.round_kind in OWN_ROUNDS or _apart(a, main) == OTHER_FRAMEWORK:
            by_round.setdefault(a.round_id, []).append(a)
    rows = []
    for rid in sorted(by_round, key=lambda r: (figures.round_start(by_round[r]) or date.min, r)):
        members = by_round[rid]
        framework = framework_for(members[0].framework_id)
        (row,) = figures.group_rows(members, framework, "round_id")
        theme = theme_of(rid)
        name = round_name(rid) + (f": {theme}" if theme else "")
        if main is not None and members[0].framework_id != main:
            name += f" ({framework.name})"
        rows.append(dataclasses.replace(row, name=name))
    return rows


def theme(row: Mapping[str, object] | None) -> str:
    """A deep dive's theme from its round's row in the register ("Neglect (Latest Category of
    Abuse)"), or ""."""
    rules = (row or {}).get("rules")
    spec = rules.get("spec", {}) if isinstance(rules, dict) else {}
    values = ", ".join(str(v) for v in spec.get("theme_values") or [])
    column = spec.get("theme_column")
    return f"{values} ({column})" if values and column else values
