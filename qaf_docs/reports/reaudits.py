"""A case's audits over time: which audit re-audits which, what came of it, and which re-audits
were missed. An audit re-audits the one it names, else the case's latest graded audit before it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from qaf_docs.dates import add_months
from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditResult, EscalationRecord
from qaf_docs.reports import sources
from qaf_docs.reports.figures import counted, period_date


def _order(a: AuditResult) -> tuple[date, str]:
    """When an audit happened, for ordering a case's audits (the reference breaks same-day ties)."""
    return (period_date(a) or date.min, a.audit_ref)


class History:
    """Every counted audit with a final grade, by reference and by case, to find what re-audits what."""

    def __init__(self, results: Iterable[AuditResult]) -> None:
        graded = sorted((a for a in counted(results) if a.final_grade), key=_order)
        self.by_ref = {a.audit_ref: a for a in graded}
        self.by_case: dict[str, list[AuditResult]] = {}
        for a in graded:
            self.by_case.setdefault(a.case_id, []).append(a)

    def earlier(self, a: AuditResult) -> AuditResult | None:
        """Return the graded audit ``a`` re-audits: the one it names, else the case's latest before it."""
        named = self.by_ref.get(sources.reaudit_of(a) or "")
        if named is not None and named.audit_ref != a.audit_ref:
            return named
        before = [b for b in self.by_case.get(a.case_id, []) if _order(b) < _order(a)]
        return before[-1] if before else None


def audited_on(a: AuditResult) -> date | None:
    """The day a re-audit is counted from: the audit's date, else (a form accepted without one)
    the day it first came back, as qaf status and sampling count it."""
    return a.audit_date or a.returned_on


def reaudited(results: Iterable[AuditResult]) -> dict[str, AuditResult]:
    """Return audit ref -> the returned audit that re-audited it (a case's next audit, if unlinked)."""
    audits = counted(results)
    history = History(audits)
    out: dict[str, AuditResult] = {}
    for b in sorted(audits, key=_order):
        if b.returned_on is None and b.status in sources.AWAITING:
            continue
        before = history.earlier(b)
        if before is not None and before.audit_ref not in out:
            out[before.audit_ref] = b
    return out


def settled_by_hand(a: AuditResult, framework: Framework) -> EscalationRecord | None:
    """The Inadequate pathway step raised on ``a`` that a person resolved, when every step raised
    on it is resolved and no later audit did it (``qaf escalations --resolve``: the QA team decided
    the case needs no re-audit), else None."""
    keys = {level.key for level in framework.escalation.levels}
    steps = [e for e in a.escalations if e.level in keys]
    if not steps or any(e.resolved_on is None for e in steps):
        return None
    return steps[-1]


def reaudit_due(a: AuditResult, framework: Framework) -> date | None:
    """When audit ``a`` is due its re-audit under ``framework`` (the audit's own), or None: not
    graded its Inadequate, not dated, or its pathway resolved by hand. The step of the pathway
    open on it says when, as ``qaf status`` and its messages say it: the re-audit
    (``reaudit_after_months``), or after an escalation the follow-up audit
    (``escalate_after_months``)."""
    day = audited_on(a)
    inadequate = framework.scale.inadequate
    if not inadequate or a.final_grade != inadequate or day is None:
        return None
    if settled_by_hand(a, framework) is not None:
        return None
    keys = [level.key for level in framework.escalation.levels]
    steps = [e.level for e in a.escalations if e.level in keys and e.resolved_on is None]
    return add_months(day, framework.months_to_next_audit(steps[-1] if steps else None))


def reaudits_missed(
    results: list[AuditResult],
    frameworks: Callable[[str], Framework],
    start: date,
    end: date,
    today: date,
) -> list[tuple[AuditResult, date]]:
    """Return each Inadequate audit whose re-audit fell due from ``start`` to ``end`` (and by
    ``today``) and has not been done, with its due date: a missed re-audit is still reported in
    the periods after its audit's, not only in the audit's own. Each audit is counted by its own
    framework (a workspace may run several), ``frameworks`` loading it by id."""
    done = reaudited(results)
    out = []
    for a in counted(results):
        if a.audit_ref in done:
            continue
        due = reaudit_due(a, frameworks(a.framework_id))
        if due is not None and start <= due <= min(end, today):
            out.append((a, due))
    return sorted(out, key=lambda pair: (pair[1], pair[0].audit_ref))


@dataclass(frozen=True)
class Reaudit:
    """A case audited again where a grade was below good, before or now: better, same or worse."""

    case_id: str
    audit_ref: str
    earlier_ref: str
    earlier: str
    now: str
    outcome: str  # "Improved", "Same", "Worse"


def reaudit_outcomes(
    all_results: list[AuditResult], chosen: Iterable[AuditResult], framework: Framework
) -> list[Reaudit]:
    """Return the re-audit outcomes of the audits ``chosen``: every case audited again where the
    earlier or the new final grade is below good (good or better both times is left out)."""
    scale = framework.scale
    rank = {g: i for i, g in enumerate(scale.grades)}
    history = History(all_results)
    out = []
    for a in counted(chosen):
        if not scale.is_grade(a.final_grade):
            continue
        before = history.earlier(a)
        if before is None or not scale.is_grade(before.final_grade):
            continue
        was, now = before.final_grade or "", a.final_grade or ""
        if was in scale.good_or_better and now in scale.good_or_better:
            continue
        outcome = (
            "Improved" if rank[now] < rank[was] else "Worse" if rank[now] > rank[was] else "Same"
        )
        out.append(Reaudit(a.case_id, a.audit_ref, before.audit_ref, was, now, outcome))
    return out
