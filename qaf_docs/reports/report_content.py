"""What a period or round report says, as plain values for the council's Word template.

No practitioner is named: workers become "Worker A", "Worker B" … (stable within one report) and
every name the register knows is replaced the same way in quoted text. Case ids appear only in the
tables of audits. Figures come from ``figures`` so they equal the tracker's.
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Iterable
from datetime import date
from typing import Any

from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditResult
from qaf_docs.reports import figures, sources
from qaf_docs.reports.figures import GroupRow

_EXAMPLE_CHARS = 320


def pct(value: float | None) -> str:
    """Return a share as "83%", or "n/a" with nothing to divide by."""
    return "n/a" if value is None else f"{value:.0%}"


class Pseudonyms:
    """Worker A, B … Z, AA … given in a fixed order, and a scrubber for free text."""

    def __init__(self, results: Iterable[AuditResult]) -> None:
        workers = sorted({a.worker for a in results if a.worker})
        self.names = {w: f"Worker {_letters(i)}" for i, w in enumerate(workers)}
        people = {p for a in results for p in (a.worker, a.auditor, a.moderator) if p}
        # Longest first so "Sam Jones" goes before "Sam"; whole words only.
        self._pattern = (
            re.compile(
                r"\b("
                + "|".join(re.escape(p) for p in sorted(people, key=len, reverse=True))
                + r")\b"
            )
            if people
            else None
        )

    def of(self, worker: str | None) -> str:
        """Return a worker's pseudonym."""
        return self.names.get(worker or "", "Worker not recorded")

    def scrub(self, text: str) -> str:
        """Return ``text`` with every known name replaced (workers by pseudonym, others by role)."""
        if not self._pattern:
            return text
        return self._pattern.sub(lambda m: self.names.get(m.group(0), "[name removed]"), text)


def _letters(i: int) -> str:
    letters = string.ascii_uppercase
    return letters[i] if i < 26 else _letters(i // 26 - 1) + letters[i % 26]


def _group_table(rows: list[GroupRow], label: str) -> dict[str, Any]:
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


def build_context(
    all_results: list[AuditResult],
    chosen: list[AuditResult],
    framework: Framework,
    *,
    today: date,
    target: float,
    trend: list[tuple[str, list[AuditResult]]],
) -> dict[str, Any]:
    """Return the template's values for the audits ``chosen`` (a period or a round)."""
    scale = framework.scale
    names = Pseudonyms(all_results)
    h = figures.headline(chosen, framework, today, target)
    counts = figures.domain_counts(chosen, framework)
    domains: list[dict[str, Any]] = []
    for title, by in counts.items():
        graded = sum(by.values())
        good = sum(by[g] for g in scale.good_or_better)
        domains.append({"name": title, "graded": graded, "good": good, "below": graded - good,
                        "good_share": pct(figures.ratio(good, graded))})  # fmt: skip
    # Strengths: domains at or above the period's overall share good or better, best first; the
    # areas for development are the other domains with grades below good, most such grades first.
    overall = figures.ratio(sum(d["good"] for d in domains), sum(d["graded"] for d in domains))
    strengths = sorted(
        (
            d
            for d in domains
            if d["graded"] and overall is not None and d["good"] / d["graded"] >= overall
        ),
        key=lambda d: -d["good"] / d["graded"],
    )[:3]
    below = sorted(
        (d for d in domains if d["below"] and d not in strengths), key=lambda d: -d["below"]
    )
    workers = figures.group_rows([_as_worker(a, names) for a in chosen], framework, "worker")
    workers.sort(key=lambda r: (len(r.name), r.name))  # Worker B before Worker AA
    return {
        "headline": _headline(h),
        "how_much": [
            _group_table(figures.group_rows(chosen, framework, "team"), "Team"),
            _group_table(figures.group_rows(chosen, framework, "case_type"), "Case type"),
            _group_table(figures.group_rows(chosen, framework, "round_kind"), "Round kind"),
        ],
        "domains": domains,
        "domains_total": {
            "graded": sum(d["graded"] for d in domains),
            "good": sum(d["good"] for d in domains),
            "below": sum(d["below"] for d in domains),
            "good_share": pct(
                figures.ratio(sum(d["good"] for d in domains), sum(d["graded"] for d in domains))
            ),
        },
        "teams": _group_table(figures.group_rows(chosen, framework, "team"), "Team"),
        "workers": _group_table(workers, "Worker"),
        "trend": _group_table(
            [
                _named(figures.group_rows(items, framework, "round_id"), label)
                for label, items in trend
            ],
            "Period",
        ),
        "moderation_changes": [
            {
                "ref": a.audit_ref,
                "case": a.case_id,
                "from": a.overall_grade,
                "to": a.moderated_grade,
                "reason": names.scrub(a.moderation_reason) or "Not given",
            }
            for a in chosen
            if scale.is_grade(a.moderated_grade) and a.moderated_grade != a.overall_grade
        ],
        "improved": improvements(all_results, chosen, framework),
        "voices": _voices(chosen, names),
        "below_good": below[:5],
        "strengths": strengths,
        "examples": _examples(chosen, framework, names),
        "reaudits_due": sum(
            1 for a in chosen if a.final_grade and a.final_grade == scale.inadequate
        ),
        "escalations": _recorded(h.escalations_open),
        "concerns": _recorded(h.concerns_open),
        "next_steps": next_steps(h, below),
        "colours": {g: _colour(framework, g) for g in scale.grades},
        "counts": counts,
    }


def _as_worker(a: AuditResult, names: Pseudonyms) -> AuditResult:
    return dataclasses.replace(a, worker=names.of(a.worker))


def _named(rows: list[GroupRow], label: str) -> GroupRow:
    return GroupRow(label, *(sum(getattr(r, f) for r in rows) for f in
                    ("planned", "returned", "graded", "good", "inadequate")))  # fmt: skip


def _colour(framework: Framework, grade: str) -> str:
    if grade in framework.scale.good_or_better:
        return (
            "best"
            if grade == framework.scale.grades[0] and len(framework.scale.good_or_better) > 1
            else "good"
        )
    return "inadequate" if grade == framework.scale.inadequate else "between"


def _recorded(value: int | None) -> str:
    return "not recorded by the register yet" if value is None else str(value)


def _headline(h: figures.Headline) -> dict[str, Any]:
    return {
        "planned": h.planned, "returned": h.returned, "completion": pct(h.completion),
        "overdue": h.overdue_returns, "graded": h.graded, "good": h.good,
        "good_share": pct(h.good_share), "inadequate": h.inadequate,
        "inadequate_share": pct(h.inadequate_share), "target": pct(h.target),
        "within_target": "within" if h.within_target else "above" if h.graded else "n/a",
        "moderated": h.moderated, "changed": h.changed, "agreement": pct(h.agreement),
        "kappa": (f"{h.kappa:.2f} (n = {h.moderated})" if h.kappa is not None
                  else f"not shown below {figures.KAPPA_MIN_N} moderated audits (n = {h.moderated})"),
        "actions": h.actions, "actions_due": h.actions_due, "actions_on_time": h.actions_on_time,
        "on_time_share": pct(h.on_time_share),
    }  # fmt: skip


def improvements(
    all_results: list[AuditResult], chosen: list[AuditResult], framework: Framework
) -> list[dict[str, Any]]:
    """Return cases audited in ``chosen`` whose grade moved from below Good to good or better."""
    scale = framework.scale
    history: dict[str, list[AuditResult]] = {}
    for a in figures.counted(all_results):
        if scale.is_grade(a.final_grade) and figures.period_date(a):
            history.setdefault(a.case_id, []).append(a)
    out = []
    for a in chosen:
        if a.final_grade not in scale.good_or_better:
            continue
        when = figures.period_date(a) or date.min
        earlier = [
            b for b in history.get(a.case_id, []) if (figures.period_date(b) or date.max) < when
        ]
        if earlier:
            before = max(earlier, key=lambda b: figures.period_date(b) or date.min)
            if before.final_grade not in scale.good_or_better:
                out.append({"case": a.case_id, "ref": a.audit_ref, "from": before.final_grade,
                            "to": a.final_grade})  # fmt: skip
    return out


def _voices(chosen: list[AuditResult], names: Pseudonyms) -> list[dict[str, str]]:
    out = []
    for a in chosen:
        said = sources.sections(a)
        for key in ("voice_of_child", "family_feedback"):
            quote = {
                "who": sources.SECTION_TITLES[key],
                "text": _short(names.scrub(said.get(key, ""))),
            }
            if quote["text"] and quote not in out:
                out.append(quote)
    return out[:8]


def _examples(
    chosen: list[AuditResult], framework: Framework, names: Pseudonyms
) -> list[dict[str, str]]:
    """Return anonymised rationales of domains graded good or better, best grades first."""
    scale = framework.scale
    order = {g: i for i, g in enumerate(scale.grades)}
    found = [(order[d.grade or ""], d.domain, d.rationale) for a in chosen for d in a.domains
             if d.grade in scale.good_or_better and len(d.rationale.strip()) > 20]  # fmt: skip
    found.sort(key=lambda f: f[0])
    seen: set[str] = set()
    out = []
    for _, domain, text in found:
        if domain in seen or text.strip() in seen:
            continue
        seen.update((domain, text.strip()))
        out.append({"domain": domain, "text": _short(names.scrub(text.strip()))})
    return out[:5]


def _short(text: str) -> str:
    return (
        text if len(text) <= _EXAMPLE_CHARS else text[: _EXAMPLE_CHARS - 1].rsplit(" ", 1)[0] + " …"
    )


def next_steps(h: figures.Headline, below: list[dict[str, Any]]) -> list[str]:
    """Return suggested actions for the next period, for the QA lead to edit."""
    steps = []
    if h.overdue_returns:
        steps.append(f"Chase the {h.overdue_returns} audit returns that are overdue.")
    if h.within_target is False:
        steps.append(
            f"Inadequate grades are above the {h.target:.0%} target ({pct(h.inadequate_share)}): "
            "review the cases with the service managers and confirm re-audits at 3 months."
        )
    for d in below[:2]:
        steps.append(
            f"Practice development on {d['name']}: {d['below']} of {d['graded']} audits graded below good."
        )
    if h.actions_due and h.actions_on_time < h.actions_due:
        steps.append(
            f"Follow up the {h.actions_due - h.actions_on_time} actions not completed by their due date."
        )
    return steps or ["Continue the audit programme as planned."]
