"""The report's tables of figures by group (team, case type, round kind, worker, period), and
"How much did we do": completed against plan by each group that compares something.

A table of one row (every audit of one team, one case type or one kind of round) only repeats its
Total line and the Summary; it is left out, and one sentence says why, so a reader does not look
for the table and find a round compared with itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditResult, case_type_words
from qaf_docs.reports import figures
from qaf_docs.reports.figures import GroupRow, pct
from qaf_docs.reports.name_order import in_order
from qaf_docs.workspace import ROUND_KIND_WORDS


def group_table(rows: list[GroupRow], label: str) -> dict[str, Any]:
    """A table of ``rows`` headed ``label`` ("Team"), with its Total row."""
    total = GroupRow("Total", *(sum(getattr(r, f) for r in rows) for f in
                     ("planned", "returned", "graded", "good", "inadequate")))  # fmt: skip
    return {
        "label": label,
        "rows": [_group_cells(r) for r in rows]
        or [_group_cells(GroupRow("No audits", 0, 0, 0, 0, 0))],
        "total": _group_cells(total),
    }


def _group_cells(r: GroupRow) -> dict[str, Any]:
    return {
        "name": r.name, "planned": r.planned, "returned": r.returned,
        "completion": pct(figures.ratio(r.returned, r.planned)), "graded": r.graded,
        "good": pct(r.good_share), "inadequate": pct(r.inadequate_share),
    }  # fmt: skip


# (the group's key, its table's heading, what one of it is called in a sentence, its names)
_GROUPS: tuple[tuple[str, str, str, Callable[[str], str]], ...] = (
    ("team", "Team", "one team", lambda name: name),
    ("case_type", "Case type", "one case type", case_type_words),
    (
        "round_kind",
        "Round kind",
        "one kind of round",
        lambda name: str(ROUND_KIND_WORDS.get(name, name)),
    ),
)


def how_much(
    chosen: list[AuditResult], framework: Framework, planned: int
) -> tuple[list[dict[str, Any]], str]:
    """The "Completed against plan by …" tables that compare two groups or more, and the sentence
    naming the groups that had one only ("" when every table is shown) of the ``planned``."""
    tables: list[dict[str, Any]] = []
    alone: list[tuple[str, str, str]] = []  # (label, "one team", the one name)
    for key, label, one, words in _GROUPS:
        rows = [
            dataclasses.replace(r, name=words(r.name))
            for r in figures.group_rows(chosen, framework, key)
        ]
        if len(rows) > 1:
            tables.append(group_table(rows, label))
        elif rows:
            alone.append((label, one, rows[0].name))
    if not alone:
        return tables, ""
    subject = "The one audit planned was" if planned == 1 else f"All {planned} audits planned were"
    of = _listed([f"{one} ({name})" if name else one for _, one, name in alone], "and")
    by = _listed([label.lower() for label, _, _ in alone], "or")
    return tables, f"{subject} of {of}, so there is no table by {by}."


def only_one(rows: list[GroupRow], noun: str) -> str:
    """The sentence in place of a table by ``noun`` ("team") whose ``rows`` are one group: a
    table of one row (and a chart of one bar) compares nothing; "" when there are more."""
    if len(rows) != 1 or not rows[0].graded:
        return ""
    n, name = rows[0].graded, rows[0].name
    subject = "The one audit graded was" if n == 1 else f"All {n} graded audits were"
    return (
        f"{subject} of one {noun} ({name}), so there is no other {noun} to compare with: the "
        f"Summary's figures are that {noun}'s."
    )


def _listed(names: list[str], word: str) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def grades_by(
    results: list[AuditResult], framework: Framework, key: str
) -> dict[str, dict[str, int]]:
    """Group (``key``: team …) -> final grade -> audits, over the counted audits with a grade on
    the scale, in the order of the group's table."""
    out: dict[str, dict[str, int]] = {}
    for a in figures.counted(results):
        if framework.scale.is_grade(a.final_grade):
            by = out.setdefault(
                figures.group_name(a, key), dict.fromkeys(framework.scale.grades, 0)
            )
            by[a.final_grade or ""] += 1
    return dict(sorted(out.items(), key=lambda item: in_order(item[0])))
