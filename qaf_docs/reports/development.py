"""What the audits record towards the questions a framework asks of each area for development.

West Sussex's quarterly report is to "note the areas of improvement and areas for development, and
explain: why they are a priority …; what we proposed to do to address them; how we think this will
improve practice …; when we expect that the difference will be observable; how we will measure the
impact". The framework lists those questions (``development_questions``) and says what each is
answered from; for each area for development the report gives, from the audits graded below good
in it: the auditors' rationale, the actions agreed in those audits and how far they have got, their
success criteria, their due dates and the re-audits due, and how the next report will show the
difference. What the register cannot know is left for the QA lead to write, and said so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from qaf_docs.dates import uk
from qaf_docs.frameworks import Framework
from qaf_docs.records import ActionResult, AuditResult
from qaf_docs.reports import figures
from qaf_docs.reports.names import Pseudonyms

TO_WRITE = "Not recorded by the audits: for the QA lead to write."


def areas(
    chosen: list[AuditResult],
    below: list[dict[str, Any]],
    framework: Framework,
    names: Pseudonyms,
    short: Callable[[str], str],
    *,
    today: date,
    noun: str,
) -> list[dict[str, Any]]:
    """For each area for development of ``below`` (the report's, most below good first), the
    framework's questions with what the audits record towards each; [] where it asks none."""
    if not framework.development_questions:
        return []
    out = []
    for area in below:
        found = _below_good(chosen, area["name"], framework)
        answers = {
            "rationale": _rationale(found, names, short),
            "actions": _actions(found, today),
            "success": _success(found, names, short),
            "when": _when(found, framework),
            "measure": _measure(area, found, framework, noun),
            "write": TO_WRITE,
        }
        out.append(
            {
                "name": area["name"],
                "below_line": area["below_line"],
                "rows": [
                    {"question": q.question, "answer": answers[q.answer]}
                    for q in framework.development_questions
                ],
            }
        )
    return out


def _below_good(
    chosen: list[AuditResult], area: str, framework: Framework
) -> list[tuple[AuditResult, str, str]]:
    """The counted audits grading ``area`` below good: (audit, its grade there, its rationale)."""
    scale = framework.scale
    return [
        (a, d.final_grade or "", d.rationale)
        for a in figures.counted(chosen)
        for d in a.domains
        if d.domain == area
        and scale.is_grade(d.final_grade)
        and d.final_grade not in scale.good_or_better
    ]


def _audits(found: list[tuple[AuditResult, str, str]]) -> str:
    n = len({a.audit_ref for a, _, _ in found})
    return (
        "the audit graded below good here" if n == 1 else f"the {n} audits graded below good here"
    )


def _rationale(
    found: list[tuple[AuditResult, str, str]], names: Pseudonyms, short: Callable[[str], str]
) -> str:
    said = [(a, text.strip()) for a, _, text in found if len(text.strip()) > 20]
    if not said:
        return f"No rationale was recorded in {_audits(found)}."
    a, text = said[0]
    quoted = short(names.scrub(text, a.child_name))
    if len(said) == 1:
        return f"The auditor's rationale: “{quoted}”"
    return f"The first of {len(said)} rationales recorded: “{quoted}”"


def _actions_of(
    found: list[tuple[AuditResult, str, str]],
) -> list[tuple[AuditResult, ActionResult]]:
    seen: set[str] = set()
    out: list[tuple[AuditResult, ActionResult]] = []
    for a, _, _ in found:
        if a.audit_ref not in seen:
            seen.add(a.audit_ref)
            out.extend((a, x) for x in a.actions)
    return out


def _actions(found: list[tuple[AuditResult, str, str]], today: date) -> str:
    actions = [x for _, x in _actions_of(found)]
    where = _audits(found)
    if not actions:
        return f"No action was agreed in {where}."
    done = sum(1 for x in actions if figures.completed(x))
    late = sum(
        1 for x in actions if not figures.completed(x) and x.due_on is not None and x.due_on < today
    )
    if len(actions) == 1:
        state = "completed" if done else "still open" + (", past its due date" if late else "")
        return f"One action was agreed in {where}: {state}."
    state = (
        "all completed"
        if done == len(actions)
        else f"{done} completed, {len(actions) - done} still open"
    )
    if late:
        state += f" ({late} past {'its' if late == 1 else 'their'} due date)"
    return f"{len(actions)} actions were agreed in {where}: {state}."


def _success(
    found: list[tuple[AuditResult, str, str]], names: Pseudonyms, short: Callable[[str], str]
) -> str:
    pairs = _actions_of(found)
    said = [(a, x.success_criteria.strip()) for a, x in pairs if x.success_criteria.strip()]
    if not said:
        if not pairs:
            return TO_WRITE
        return "No success criteria were recorded for these actions: for the QA lead to write."
    a, text = said[0]
    quoted = short(names.scrub(text, a.child_name))
    if len(pairs) == 1:
        return f"The action's success criteria: “{quoted}”"
    of = f"all {len(pairs)}" if len(said) == len(pairs) else f"{len(said)} of the {len(pairs)}"
    first = ", the first" if len(said) > 1 else ""
    return f"Success criteria were recorded for {of} actions{first}: “{quoted}”"


def _when(found: list[tuple[AuditResult, str, str]], framework: Framework) -> str:
    dues = [x.due_on for _, x in _actions_of(found) if x.due_on is not None]
    said = (
        f"The actions agreed fall due by {uk(max(dues))}."
        if len(dues) > 1
        else f"The action agreed falls due on {uk(dues[0])}."
        if dues
        else "No action agreed here has a due date."
    )
    # A re-audit follows an audit graded inadequate overall, not one inadequate area.
    inadequate = len({a.audit_ref for a, _, _ in found if _inadequate(a, framework)})
    if inadequate:
        which = (
            "The inadequate audit is"
            if inadequate == 1
            else f"The {inadequate} inadequate audits are"
        )
        said += f" {which} re-audited {framework.timescales.reaudit_when()}."
    return said


def _measure(
    area: dict[str, Any], found: list[tuple[AuditResult, str, str]], framework: Framework, noun: str
) -> str:
    said = (
        f"The share of audits good or better in this area in the next {noun}'s report (now "
        f"{area['good_share']}, {area['below_line']})"
    )
    if any(_inadequate(a, framework) for a, _, _ in found):
        return said + ", and what the re-audits find."
    return said + "."


def _inadequate(a: AuditResult, framework: Framework) -> bool:
    """Whether the audit's final grade is inadequate, which brings its re-audit."""
    return bool(framework.scale.inadequate) and a.final_grade == framework.scale.inadequate
