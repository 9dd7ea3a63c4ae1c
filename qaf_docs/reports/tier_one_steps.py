"""What the tier one audits found and what is being done about it, for the quarterly report.

B&NES's Divisional Director gives "a quarterly report to CLT summarising tier one audit activity and
what actions CYP social care are taking to mitigate any concerns arising from such audits". qaf
cannot write the managers' plans, but it records what the audits found (final grades), what was
agreed to put practice right (the actions and how far they have got), the re-audits of inadequate
ones and the safeguarding concerns raised; and where audits were not done, what is short (by role)
and which social workers went without an audit in their cycle (counted, never named). Those become
sentences under the section and steps in "Actions for the next quarter", for the QA lead to edit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from qaf_docs.dates import uk
from qaf_docs.frameworks.scale import Scale
from qaf_docs.records import AuditResult
from qaf_docs.reports import figures, reaudits, sources


def concerns(
    results: list[AuditResult], tier: list[AuditResult], scale: Scale | None, *, today: date
) -> list[str]:
    """Sentences on what the period's tier-one audits ``tier`` found and what is being done:
    grades below good, the actions agreed and where they stand, re-audits of inadequate ones and
    safeguarding concerns. ``results``: every audit (a re-audit may be of a later round)."""
    back = [a for a in tier if a.returned_on is not None]
    if not back:
        return ["No tier-one audit of this period has come back yet, so none has raised a concern."]
    said: list[str] = []
    if scale is not None:
        said.append(_grades(back, scale))
        said.extend(_reaudits(results, back, scale))
    said.append(_actions(back, today))
    said.append(_safeguarding(back))
    return said


def _grades(back: list[AuditResult], scale: Scale) -> str:
    graded = [a for a in back if scale.is_grade(a.final_grade)]
    if not graded:
        return "No returned tier-one audit has a final grade yet."
    below = [a for a in graded if a.final_grade not in scale.good_or_better]
    inadequate = sum(1 for a in below if scale.inadequate and a.final_grade == scale.inadequate)
    g = len(graded)
    if not below:
        if g == 1:
            return "The one tier-one audit graded found practice good or better."
        return f"All {g} graded tier-one audits found practice good or better."
    which = (
        "The one tier-one audit graded"
        if g == 1
        else f"{len(below)} of the {g} graded tier-one audits"
    )
    if len(below) == 1:
        return f"{which} found practice below good{' (inadequate)' if inadequate else ''}."
    of_them = f", {inadequate} of them inadequate" if inadequate else ", none of them inadequate"
    return f"{which} found practice below good{of_them}."


def _reaudits(results: list[AuditResult], back: list[AuditResult], scale: Scale) -> list[str]:
    inadequate = [a for a in back if scale.inadequate and a.final_grade == scale.inadequate]
    if not inadequate:
        return []
    done_map = reaudits.reaudited(results)
    i, d = len(inadequate), sum(1 for a in inadequate if a.audit_ref in done_map)
    if i == 1:
        return [
            "The inadequate audit "
            + ("has been re-audited." if d else "is still to be re-audited.")
        ]
    if not d:
        return [f"The {i} inadequate audits are still to be re-audited."]
    if d == i:
        return [f"All {i} inadequate audits have been re-audited."]
    has = "has" if d == 1 else "have"
    is_ = "is" if i - d == 1 else "are"
    return [
        f"Of the {i} inadequate audits, {d} {has} been re-audited and {i - d} {is_} still to be."
    ]


def _actions(back: list[AuditResult], today: date) -> str:
    actions = [x for a in back for x in a.actions]
    if not actions:
        return "No action was agreed in them."
    done = sum(1 for x in actions if figures.completed(x))
    still = len(actions) - done
    late = sum(
        1 for x in actions if not figures.completed(x) and x.due_on is not None and x.due_on < today
    )
    if len(actions) == 1:
        state = (
            "it is completed"
            if done
            else "it is still open" + (" and past its due date" if late else "")
        )
        return f"One action was agreed in them to put practice right: {state}."
    if not still:
        state = "all completed"
    elif not done:
        state = "none completed yet"
        if late:
            state += f", {late} past {'its' if late == 1 else 'their'} due date"
    else:
        state = f"{done} completed and {still} still open"
        if late:
            state += f", {late} of those past {'its' if late == 1 else 'their'} due date"
    return f"{len(actions)} actions were agreed in them to put practice right: {state}."


def _safeguarding(back: list[AuditResult]) -> str:
    raised = [c for a in back for c in (sources.concerns(a) or [])]
    if not raised:
        return "No safeguarding concern was raised in them."
    still = sum(1 for c in raised if c.resolved_on is None)
    if len(raised) == 1:
        return "One safeguarding concern was raised in them and escalated; " + (
            "it is still open." if still else "it has been resolved."
        )
    state = (
        "all have been resolved"
        if not still
        else f"{still} {'is' if still == 1 else 'are'} still open"
    )
    return f"{len(raised)} safeguarding concerns were raised in them and escalated; {state}."


def next_steps(
    rows: list[dict[str, Any]], uncovered: tuple[int, int, date], *, title: str, running: bool
) -> list[str]:
    """Steps for the next period where tier-one audits fell short: audits expected and not back
    (by role, from the activity table's ``rows``), and social workers with no case audited in
    their cycle (``uncovered``: how many, the cycle's months, its end). ``running``: the period
    has not ended, so what is short may still come."""
    steps: list[str] = []
    short = [(r["role"], r["expected_n"] - r["returned"]) for r in rows
             if r["expected_n"] > r["returned"]]  # fmt: skip
    if short:
        n = sum(s for _, s in short)
        expected = sum(r["expected_n"] for r in rows)
        if running:
            verb = "has not come back yet" if n == 1 else "have not come back yet"
        else:
            verb = "was not returned" if n == 1 else "were not returned"
        roles = ", ".join(f"{role} {s} short" for role, s in short)
        steps.append(
            f"Tier one audits: {n} of the {expected} expected in {title} {verb} ({roles}); agree "
            "with the managers in each role how the shortfall will be made up."
        )
    missed, cycle, end = uncovered
    if missed:
        who = "1 social worker" if missed == 1 else f"{missed} social workers"
        steps.append(
            f"Tier one audits: {who} had no case audited in the {cycle} months to {uk(end)}; "
            + (
                "ask their manager to choose one of their cases for next month's audit."
                if missed == 1
                else "ask their managers to choose one case of each for next month's audits."
            )
        )
    return steps
