"""Tier one audit activity in a period, as B&NES asks its Divisional Director to report it quarterly.

B&NES sets monthly audit numbers by role ("One case per Deputy Team Manager" each month;
"Divisional Director; two case files each month" …) and has each Deputy Team Manager "audit at
least one case of each of their social workers every six months"; the Divisional Director gives "a
quarterly report to CLT summarising tier one audit activity". So, for a period with audits of
tier-one rounds, and only then:

* per auditor role: audits *expected* (the role's monthly number × the months of the period × the
  people in that role on the roster), audits *returned* (tier-one audits in the period whose audit
  tool came back, by the role their auditor had on the roster of their round), and the share;
* the *coverage*: of the social workers with open cases on the case lists the period's tier-one
  rounds were drawn from, how many had a returned audit (of any round) dated within the
  ``worker_cycle_months`` up to the period's end, and how many did not. Counts only: a board-level
  report never names a practitioner.

The monthly numbers, the cycle and the roster are those the period's latest tier-one round was drawn
with (recorded in its rules), so a report written later says what was asked then.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from qaf_docs.dates import add_months, uk
from qaf_docs.frameworks.scale import Scale
from qaf_docs.records import AuditResult
from qaf_docs.register.store import Register
from qaf_docs.reports import figures, tier_one_steps, trend_scope
from qaf_docs.reports.figures import pct

KIND = "tier-one"
NOT_RECORDED = "Role not recorded"


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def recorded_rounds(register: Register, audits: list[AuditResult]) -> dict[str, dict[str, Any]]:
    """The recorded rules of each tier-one round of ``audits``, by round id."""
    found: dict[str, dict[str, Any]] = {}
    for round_id in sorted({a.round_id for a in audits if a.round_kind == KIND}):
        rules = (register.round_row(round_id) or {}).get("rules")
        found[round_id] = dict(rules) if isinstance(rules, dict) else {}
    return found


def months_in(start: date, end: date) -> int:
    """Calendar months from ``start``'s to ``end``'s, both included (a quarter is 3)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def activity(
    results: list[AuditResult],
    rounds: Mapping[str, Mapping[str, Any]],
    start: date,
    end: date,
    *,
    noun: str,
    title: str,
    today: date,
    scale: Scale | None = None,
) -> dict[str, Any] | None:
    """Return the report's "Tier one audit activity" values for ``start`` to ``end``, or None when
    no audit of a tier-one round falls in it.

    ``rounds``: each tier-one round's recorded rules by round id (``Register.round_row``'s
    "rules"). ``noun`` and ``title`` name the period ("quarter", "April to June 2026");
    ``scale``: the tier-one framework's grades, to say which audits found practice below good."""
    tier = [a for a in figures.in_period(results, start, end) if a.round_kind == KIND]
    if not tier:
        return None
    ids = sorted({a.round_id for a in tier}, key=lambda r: (_planned(rounds.get(r, {})), r))
    latest_id = ids[-1]
    latest = rounds.get(latest_id, {})
    spec = latest.get("spec") or {}
    quotas = {str(k): int(v) for k, v in (spec.get("quotas") or {}).items()}
    cycle = int(spec.get("worker_cycle_months") or 6)
    months = months_in(start, end)
    roster = {str(k): str(v) for k, v in (latest.get("auditor_roles") or {}).items()}
    people: dict[str, int] = {}
    spelt: dict[str, str] = {}
    for role in [*quotas, *roster.values()]:
        spelt.setdefault(_fold(role), role)
    for role in roster.values():
        people[_fold(role)] = people.get(_fold(role), 0) + 1
    returned: dict[str, int] = {}
    for a in tier:
        if a.returned_on is None:
            continue
        own = rounds.get(a.round_id, {}).get("auditor_roles") or {}
        role = own.get(a.auditor or "") or roster.get(a.auditor or "") or NOT_RECORDED
        spelt.setdefault(_fold(role), role)
        returned[_fold(role)] = returned.get(_fold(role), 0) + 1
    quota = {_fold(r): q for r, q in quotas.items()}
    rows = []
    for key, role in spelt.items():
        monthly = quota.get(key, 0)
        expected = monthly * months * people.get(key, 0) if roster else None
        done = returned.get(key, 0)
        if not done and not expected:
            continue  # a role nobody on the roster has, or with no monthly number, and no audits
        count = people.get(key, 0) if roster else None
        rows.append(_row(role, monthly if key in quota else None, count, expected, done))
    # The people of the roles shown: a role with no monthly number and no audits is left out.
    shown = sum(r["people"] for r in rows) if roster else None
    expected_total = sum(r["expected_n"] for r in rows) if roster else None
    total = _row("Total", None, shown, expected_total, sum(returned.values()))
    coverage, uncovered = _coverage(results, [rounds.get(r, {}) for r in ids], end, cycle, noun)
    return {
        "rows": rows,
        "total": total,
        "how": _how(months, noun, title, latest_id, latest, bool(roster), end, today),
        "coverage": coverage,
        "cycle": f"Every social worker is to have at least one case audited every {cycle} months.",
        "concerns": tier_one_steps.concerns(results, tier, scale, today=today),
        "next_steps": tier_one_steps.next_steps(
            rows, (uncovered, cycle, end), title=title or noun, running=end > today
        ),
    }


def _planned(rules: Mapping[str, Any]) -> str:
    return str(rules.get("planned_on") or "")


def _row(
    role: str, monthly: int | None, people: int | None, expected: int | None, done: int
) -> dict[str, Any]:
    return {
        "role": role,
        "monthly": "none set" if monthly is None else monthly,
        "people": "not recorded" if people is None else people,
        "expected": "not known" if expected is None else expected,
        "expected_n": expected or 0,
        "returned": done,
        "share": pct(figures.ratio(done, expected)) if expected else "n/a",
    }


def _how(
    months: int,
    noun: str,
    title: str,
    round_id: str,
    rules: Mapping[str, Any],
    has_roster: bool,
    end: date,
    today: date,
) -> str:
    """How the expected numbers were worked out, in a sentence or two."""
    planned = rules.get("planned_on")
    name = trend_scope.round_name(round_id)  # "Tier-one manager audits, May 2026"
    drawn = (name if name != round_id else f"round {round_id}") + (
        f", drawn on {uk(date.fromisoformat(planned))}" if planned else ""
    )
    if not has_roster:
        return (
            f"Audits expected are not known: the roster of the {noun}'s latest tier-one round "
            f"({drawn}) was not recorded (tier-one rounds drawn with an earlier version of qaf). "
            "Each later round records it."
        )
    month_word = "month" if months == 1 else "months"
    said = (
        f"Audits expected: each role's monthly number × the {months} {month_word} of {title} × "
        f"the people in that role on the roster that the {noun}'s latest tier-one round "
        f"({drawn}) was drawn with. Returned: tier-one audits dated in the {noun} whose audit "
        "tool came back."
    )
    if end > today:
        said += f" The {noun} runs to {uk(end)}, so the numbers expected are for all of it."
    return said


def _coverage(
    results: list[AuditResult], rules: list[Mapping[str, Any]], end: date, cycle: int, noun: str
) -> tuple[str, int]:
    """Say how many social workers on the rounds' case lists had a case audited (returned) in the
    ``cycle`` months up to ``end``, and how many did not: counts only, never names. With the
    sentence, how many did not (0 where that is not known)."""
    lists = [r["workers_on_list"] for r in rules if isinstance(r.get("workers_on_list"), list)]
    first = add_months(end + timedelta(days=1), -cycle)  # six months to 30 June: from 1 January
    span = f"from {uk(first)} to {uk(end)}"
    if not lists:
        return (
            f"Which social workers had a case audited {span} is not known: the case lists these "
            "tier-one rounds were drawn from were not recorded (rounds drawn with an earlier "
            "version of qaf). Each later round records them."
        ), 0
    workers = {_fold(str(w)) for names in lists for w in names if str(w).strip()}
    audited = {
        _fold(a.worker)
        for a in figures.counted(results)
        if a.worker
        and a.returned_on is not None
        and first <= (a.audit_date or a.returned_on) <= end
    }
    n, covered = len(workers), len(workers & audited)
    if not n:
        return (
            "The case lists these tier-one rounds were drawn from name no allocated social worker."
        ), 0
    were = "social worker was" if n == 1 else "social workers were"
    said = (
        f"{n} {were} allocated open cases on the case lists these tier-one rounds were drawn "
        f"from: {covered} ({pct(figures.ratio(covered, n))}) had a case audited {span}, the "
        f"{cycle} months up to the end of the {noun}; {n - covered} did not."
    )
    if len(lists) < len(rules):
        said += (
            " Some of the rounds were drawn with an earlier version of qaf, which did not record "
            "their case lists: their social workers are not counted."
        )
    return said, n - covered


def by_quarter(
    results: list[AuditResult], rounds: Mapping[str, Mapping[str, Any]], today: date
) -> list[list[Any]]:
    """The QA tracker's rows, ["2026 Q2: Deputy Team Manager", expected, returned, share], for
    each quarter with audits of tier-one rounds, counted as that quarter's report counts them."""
    quarters = sorted(
        {(d.year, (d.month - 1) // 3 + 1) for a in figures.counted(results)
         if a.round_kind == KIND and (d := figures.period_date(a))}
    )  # fmt: skip
    out: list[list[Any]] = []
    for year, q in quarters:
        start = date(year, 3 * q - 2, 1)
        end = add_months(start, 3) - timedelta(days=1)
        found = activity(results, rounds, start, end, noun="quarter", title="", today=today)
        for r in found["rows"] if found else []:
            share = figures.ratio(r["returned"], r["expected_n"]) if r["expected_n"] else None
            label = f"{figures.quarter_name(start)}: {r['role']}"
            out.append([label, r["expected"], r["returned"], share])
    return out
