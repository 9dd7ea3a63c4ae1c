"""Which audits, and which made-up parts, the template check renders before a run's first pack.

A council's template may show a part only to some cases: ``{% if case_type == "CP" %}``, a team's
own paragraph, a re-audit's review, the case facts panel, a row only a case without a team gets. A
broken tag there was met part-way through a run, after the packs before it were issued. The check
renders, once per run, one audit of each framework and case type (and of each value of any other
value the template compares), each as it is, with every optional part shown and with every one
hidden; a few renders however many packs follow.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, TypeVar

from qaf_docs.frameworks import Framework
from qaf_docs.packs.audit_tool import lifecycle_context
from qaf_docs.records import ActionResult, AuditRecord, AuditResult, DomainResult

#: Values of an audit that many audits of a run share and a template may branch on. Never a case's
#: own reference, name or dates: a template comparing those would be checked once per pack.
BRANCH_VALUES = ("case_type", "team", "worker", "auditor", "round_id")

#: The values only some audits have, which a template shows a part for (``{% if team %}``).
_OPTIONAL_TEXT = ("child_name", "team", "worker", "auditor")

_J = TypeVar("_J", bound=tuple[AuditRecord, Any, Any])


def audits_to_check(jobs: Iterable[_J], compared: Collection[str]) -> list[_J]:
    """The first audit of each framework and case type, and of each value of ``compared``.

    ``compared``: the names of ``BRANCH_VALUES`` the template does more with than print or test
    for truth (``CompiledDocx.usage``); an audit with a value not yet seen there is checked too.
    """
    seen: set[tuple[str, str, str]] = set()
    chosen: list[_J] = []
    for job in jobs:
        record = job[0]
        names = {"case_type", *compared}
        values = {(record.framework_id, n, str(getattr(record, n))) for n in names}
        if not values <= seen:
            seen |= values
            chosen.append(job)
    return chosen


def every_part(framework: Framework, context: dict[str, Any]) -> dict[str, Any]:
    """Made-up values that show every part of the tool some audits show and others do not.

    A value the audit has is kept (a template may compare it); a blank one is filled in.
    """
    earlier = AuditResult(
        audit_ref="QA0000-0000", case_id="0", round_id="", framework_id=framework.id, team="",
        worker="", auditor="", status="returned", issued_on=None, due_on=None, returned_on=None,
        audit_date=None, overall_grade="Good", moderated_grade=None,
        domains=[DomainResult(d.title, "Good", "Why.") for d in framework.domains],
        actions=[ActionResult("Action.", "Owner", None, "Not started", None)],
    )  # fmt: skip
    fact = {"label": "Start", "value": "01/01/2026", "since": "1 day", "flag": "Within 7 days"}
    return {
        "previous": lifecycle_context(framework, earlier)["previous"],
        "case_facts": context.get("case_facts") or [fact],
        **{name: "Shown" for name in _OPTIONAL_TEXT if not context.get(name)},
    }


def no_part() -> dict[str, Any]:
    """Values that hide every part only some audits show: a first audit, no facts, no names."""
    return {"previous": None, "case_facts": [], **dict.fromkeys(_OPTIONAL_TEXT, "")}
