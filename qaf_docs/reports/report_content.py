"""What a period or round report says, as plain values for the council's Word template.

No practitioner is named: workers become "Worker A", "Worker B" … (``names``) and every name the
register knows, the child's too, is replaced in quoted text. Case ids appear only in the tables of
audits. Figures come from ``figures`` so they equal the tracker's.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditResult
from qaf_docs.reports import (
    development,
    figures,
    group_tables,
    reaudits,
    said,
    summary,
    trend_scope,
)
from qaf_docs.reports.colours import grade_colours
from qaf_docs.reports.figures import GroupRow, pct
from qaf_docs.reports.group_tables import group_table
from qaf_docs.reports.names import Pseudonyms

_EXAMPLE_CHARS = 320


def build_context(
    all_results: list[AuditResult],
    chosen: list[AuditResult],
    framework: Framework,
    *,
    today: date,
    target: float,
    trend: list[tuple[str, list[AuditResult]]],
    scope: str = "period",
    due: tuple[str, list[AuditResult]] | None = None,
    previous_title: str = "",
    left_out: str = "",
    kind: str | None = None,
) -> dict[str, Any]:
    """Return the template's values for the audits ``chosen`` (a period or a round).

    ``due``: a period's noun ("quarter") and the audits due back in it, among which its late and
    overdue returns are counted (``figures``); a round's are counted among its own audits.
    ``trend``: the earlier periods or rounds, oldest first, then this one; the Summary compares
    this one with the one before it, called ``previous_title`` ("April to June 2026"), saying
    what the two periods' trend ``left_out`` ("re-audits and deep dive audits"; the trend is of
    routine audits). ``kind``: a round's kind, whose trend is of rounds of its own group."""
    scale = framework.scale
    trend_label = "Round" if scope == "round" else "Period"
    noun = due[0] if due else scope
    trend_rows = [_named(figures.group_rows(items, framework, "round_id"), label)
                  for label, items in trend]  # fmt: skip
    outcomes = [
        {"case": r.case_id, "ref": r.audit_ref, "from": r.earlier, "to": r.now,
         "outcome": r.outcome, "was_below_good": r.earlier not in scale.good_or_better,
         "now_good": r.now in scale.good_or_better}
        for r in reaudits.reaudit_outcomes(all_results, chosen, framework)
    ]  # fmt: skip
    done = reaudits.reaudited(all_results)
    names = Pseudonyms(all_results, chosen)
    h = figures.headline(chosen, framework, today, target, due[1] if due else None)
    how_much = group_tables.how_much(chosen, framework, h.planned)
    escalated = [a for a in figures.counted(chosen) if figures.changed_on_escalation(a)]
    counts = figures.domain_counts(chosen, framework)
    domains: list[dict[str, Any]] = []
    for title, by in counts.items():
        graded = sum(by.values())
        good = sum(by[g] for g in scale.good_or_better)
        domains.append({"name": title, "graded": graded, "good": good, "below": graded - good,
                        "good_share": pct(figures.ratio(good, graded)),
                        "below_line": _below_line(graded - good, graded)})  # fmt: skip
    strengths, below = strengths_and_gaps(domains)
    people = said.for_report(chosen, framework, names.scrub, _short)
    workers = figures.group_rows([_as_worker(a, names) for a in chosen], framework, "worker")
    workers.sort(key=lambda r: (len(r.name), r.name))  # Worker B before Worker AA
    teams = figures.group_rows(chosen, framework, "team")
    return {
        "headline": summary.headline(h, due[0] if due else ""),
        # A period without audits says so in a sentence, not in three tables of "No audits 0 0".
        "how_much": how_much[0] if h.planned else [],
        # A table of one row says nothing: one sentence names the groups there was one of.
        "how_much_same": how_much[1] if h.planned else "",
        "domains": domains,
        "domains_total": {
            "graded": sum(d["graded"] for d in domains),
            "good": sum(d["good"] for d in domains),
            "below": sum(d["below"] for d in domains),
            "good_share": pct(
                figures.ratio(sum(d["good"] for d in domains), sum(d["graded"] for d in domains))
            ),
        },
        "teams": group_table(teams, "Team"),
        # One team or one worker: a sentence, not a table of one row (nor a chart of one bar).
        "teams_one": group_tables.only_one(teams, "team"),
        "team_counts": {} if len(teams) == 1 else group_tables.grades_by(chosen, framework, "team"),
        "workers": group_table(workers, "Worker"),
        "workers_one": group_tables.only_one(workers, "worker"),
        "trend": group_table(trend_rows, trend_label),
        "trend_note": ""
        if len(trend_rows) > 1
        else f"No earlier {_earlier(noun, framework, kind)} has audits to compare with, so there is no "
        "trend yet.",
        "compared": summary.compared_line(
            trend_rows[-2:],
            noun,
            previous_title or (trend_rows[-2].name if len(trend_rows) > 1 else ""),
            left_out=left_out,
        ),
        "noun": noun,
        # A framework whose audit tool has no moderation step is never "not moderated yet".
        "moderates": framework.sections.moderation,
        # The framework's own questions for its reports, stated where the report begins.
        "report_questions": list(framework.report_questions),
        "moderation_changes": [
            {
                "ref": a.audit_ref,
                "case": a.case_id,
                "from": a.overall_grade,
                "to": a.moderated_grade,
                "reason": names.scrub(a.moderation_reason, a.child_name) or "Not given",
            }
            for a in chosen
            if scale.is_grade(a.moderated_grade) and a.moderated_grade != a.overall_grade
        ]
        + [_escalation_change(a, names) for a in escalated],
        "escalation_changed": len(escalated),
        "improved": [r for r in outcomes if r["was_below_good"] and r["now_good"]],
        "reaudits": outcomes,
        "reaudit_summary": _reaudit_summary(outcomes, scope, _audited_before(all_results, chosen)),
        "below_good": top(below, "below", 5),
        # The framework's questions for each area for development (West Sussex's five).
        "development": development.areas(
            chosen, top(below, "below", 5), framework, names, _short, today=today, noun=noun
        ),
        "strengths": strengths,
        "strengths_note": _strengths_note(domains, strengths),
        "examples": _examples(chosen, framework, names),
        "reaudits_due": sum(
            1
            for a in chosen
            if a.final_grade and a.final_grade == scale.inadequate and a.audit_ref not in done
        ),
        "escalations": open_escalations(h),
        "concerns": _recorded(h.concerns_open),
        "next_steps": next_steps(
            h,
            below,
            len(people["missing_history"]),
            reaudit_when=framework.timescales.reaudit_when(),
        ),
        "colours": grade_colours(framework),
        "counts": counts,
        **people,
    }


def _escalation_change(a: AuditResult, names: Pseudonyms) -> dict[str, Any]:
    """A row of the moderation table for a grade an escalation changed, with its decision."""
    decided = [e for e in a.escalations if e.resolved_on and e.resolution]
    why = (decided[-1].resolution or "") if decided else ""
    return {
        "ref": a.audit_ref,
        "case": a.case_id,
        "from": a.overall_grade,
        "to": f"{a.escalation_grade} (after escalation)",
        "reason": names.scrub(why, a.child_name) or "Not given",
    }


def _as_worker(a: AuditResult, names: Pseudonyms) -> AuditResult:
    return dataclasses.replace(a, worker=names.of(a.worker))


def _named(rows: list[GroupRow], label: str) -> GroupRow:
    return GroupRow(label, *(sum(getattr(r, f) for r in rows) for f in
                    ("planned", "returned", "graded", "good", "inadequate")))  # fmt: skip


def open_escalations(h: figures.Headline) -> str:
    """The open escalations as ``qaf escalations`` lists them, saying how many are safeguarding
    concerns (they are escalated too, so a report saying "none" beside an open one misleads)."""
    said = _recorded(h.escalations_open)
    n = h.concerns_unresolved
    if not n or not h.escalations_open:
        return said
    if n == h.escalations_open:
        return f"{said} ({'a safeguarding concern' if n == 1 else 'all safeguarding concerns'})"
    # As the tracker's Summary says it: "3, 1 of them a safeguarding concern".
    return f"{said}, {n} of them {'a safeguarding concern' if n == 1 else 'safeguarding concerns'}"


def _recorded(value: int | None) -> str:
    if value is None:
        return "not recorded by the register yet"
    return str(value) if value else "none"


#: A domain is named a strength only from this many graded audits …
STRENGTH_MIN_GRADED = 5
#: … with at least this share good or better, and no less than the share over every domain.
STRENGTH_MIN_SHARE = 0.75


def top(items: list[dict[str, Any]], key: str, n: int) -> list[dict[str, Any]]:
    """Return the first ``n`` of ``items`` (already sorted by ``key``) and any tied with the last."""
    if len(items) <= n:
        return items
    return [d for d in items if d[key] >= items[n - 1][key]]


def strengths_and_gaps(
    domains: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the strengths (best first) and the areas for development (most below good first).

    A strength has at least ``STRENGTH_MIN_GRADED`` graded audits, at least ``STRENGTH_MIN_SHARE``
    good or better and no less than the share over every domain; domains that tie are treated alike.
    """
    overall = figures.ratio(sum(d["good"] for d in domains), sum(d["graded"] for d in domains))
    strengths = sorted(
        (
            d
            for d in domains
            if d["graded"] >= STRENGTH_MIN_GRADED
            and overall is not None
            and d["good"] / d["graded"] >= max(overall, STRENGTH_MIN_SHARE) - 1e-9
        ),
        key=lambda d: (-d["good"] / d["graded"], -d["graded"]),
    )
    below = sorted(
        (d for d in domains if d["below"] and d not in strengths), key=lambda d: -d["below"]
    )
    return strengths, below


def _strengths_note(domains: list[dict[str, Any]], strengths: list[dict[str, Any]]) -> str:
    if strengths or not any(d["graded"] for d in domains):
        return ""
    if all(d["graded"] < STRENGTH_MIN_GRADED for d in domains):
        return (
            f"Too few audits to name a strength: a practice area needs {STRENGTH_MIN_GRADED} "
            "graded audits."
        )
    return (
        f"No practice area stands out as a strength: none had {STRENGTH_MIN_SHARE:.0%} or more "
        "of its audits good or better, above the share over all areas."
    )


def _audited_before(all_results: list[AuditResult], chosen: list[AuditResult]) -> int:
    """How many graded audits of ``chosen`` are of a case whose earlier audit was graded."""
    history = reaudits.History(all_results)
    return sum(1 for a in figures.counted(chosen) if a.final_grade and history.earlier(a))


def _reaudit_summary(outcomes: list[dict[str, Any]], scope: str, before: int) -> str:
    if not outcomes:
        if not before:
            return f"No case audited in this {scope} had been audited before."
        cases = "1 case" if before == 1 else f"{before} cases"
        was = "it was" if before == 1 else "each was"
        return (
            f"{cases} audited in this {scope} had been audited before, and {was} good or better "
            "both times."
        )
    n = {o: sum(r["outcome"] == o for r in outcomes) for o in ("Improved", "Same", "Worse")}
    cases = "case" if len(outcomes) == 1 else "cases"
    return (
        f"{len(outcomes)} {cases} audited in this {scope} had an earlier audit, with a grade below "
        f"good before or now: {n['Improved']} improved, {n['Same']} stayed the same, "
        f"{n['Worse']} got worse."
    )


def _earlier(noun: str, framework: Framework, kind: str | None) -> str:
    """What the trend compares with: earlier quarters of every audit, or earlier rounds of the
    round's own framework ("Multi-agency audit round") and its own group (re-audit rounds, deep
    dives, rounds of audits at closure)."""
    if noun != "round":
        return noun
    own = {"reaudit": "re-audit round", "thematic": "deep dive",
           "closure": "round of audits at closure"}.get(trend_scope.group(kind))  # fmt: skip
    return f"{own} of the {framework.name}" if own else f"{framework.name} round"


def _below_line(below: int, graded: int) -> str:
    """A practice area's audits below good: "5 of 11 audits below good", and for an area graded
    once "its only graded audit below good" (not "1 of 1 audits")."""
    if graded == 1:
        return "its only graded audit below good" if below else "its only graded audit good"
    return f"{below} of {graded} audits below good"


def _and(names: list[str]) -> str:
    """ "A, B and C"; where a name has a comma of its own ("Diversity, identity and culture"),
    semicolons part the names, so a reader sees where each ends."""
    if len(names) == 1:
        return names[0]
    between = "; " if any("," in n for n in names) else ", "
    last = "; and " if between == "; " and len(names) > 2 else " and "
    return f"{between.join(names[:-1])}{last}{names[-1]}"


def _examples(
    chosen: list[AuditResult], framework: Framework, names: Pseudonyms
) -> list[dict[str, str]]:
    """Return anonymised rationales of domains graded good or better, best grades first."""
    scale = framework.scale
    order = {g: i for i, g in enumerate(scale.grades)}
    found = [(order[d.final_grade or ""], d.domain, d.rationale, a.child_name) for a in chosen
             for d in a.domains
             if d.final_grade in scale.good_or_better and len(d.rationale.strip()) > 20]  # fmt: skip
    found.sort(key=lambda f: f[0])
    seen: set[str] = set()
    out = []
    for _, domain, text, child in found:
        if domain in seen or text.strip() in seen:
            continue
        seen.update((domain, text.strip()))
        out.append({"domain": domain, "text": _short(names.scrub(text.strip(), child))})
    return out[:5]


def _short(text: str) -> str:
    return (
        text if len(text) <= _EXAMPLE_CHARS else text[: _EXAMPLE_CHARS - 1].rsplit(" ", 1)[0] + " …"
    )


def next_steps(
    h: figures.Headline, below: list[dict[str, Any]], no_history: int = 0, *, reaudit_when: str
) -> list[str]:
    """Return suggested actions for the next period, for the QA lead to edit (``no_history``:
    audits that found historical information missing, which the framework asks to be reported;
    ``reaudit_when``: the framework's re-audit interval in words)."""
    steps = []
    if no_history:
        steps.append(
            "Report the case where historical information was missing (listed above)."
            if no_history == 1
            else f"Report the {no_history} cases where historical information was missing "
            "(listed above)."
        )
    if h.overdue_returns:
        n = h.overdue_returns
        steps.append(
            "Chase the overdue audit return." if n == 1 else f"Chase the {n} overdue audit returns."
        )
    if h.within_target is False:
        steps.append(
            f"Inadequate grades are above the {h.target:.0%} target ({pct(h.inadequate_share)}): "
            f"review the cases with the service managers and confirm re-audits {reaudit_when}."
        )
    tied: dict[tuple[int, int], list[str]] = {}
    for d in top(below, "below", 2):  # areas with the same figures share one line
        tied.setdefault((d["below"], d["graded"]), []).append(d["name"])
    for (n_below, graded), areas in tied.items():
        each = " in each" if len(areas) > 1 else ""
        if graded == 1:  # not "1 of 1 audits graded below good"
            only = "the only audit graded in each was" if each else "its only graded audit was"
            steps.append(f"Practice development on {_and(areas)}: {only} below good.")
            continue
        steps.append(
            f"Practice development on {_and(areas)}: {n_below} of {graded} audits graded below "
            f"good{each}."
        )
    if h.actions_due and h.actions_on_time < h.actions_due:
        late = h.actions_due - h.actions_on_time
        steps.append(
            "Follow up the action not completed by its due date."
            if late == 1
            else f"Follow up the {late} actions not completed by their due date."
        )
    return steps or [AS_PLANNED]


AS_PLANNED = "Continue the audit programme as planned."


def with_steps(first: list[str] | None, context: dict[str, Any]) -> list[str]:
    """The report's next steps with ``first`` (a section's own, such as tier one shortfalls)
    ahead of them; "Continue … as planned" goes when there is something to do."""
    steps: list[str] = context["next_steps"]
    if not first:
        return steps
    return [*first, *(s for s in steps if s != AS_PLANNED)]
