"""The figures every report shows, computed once so the tracker and the documents always agree.

Definitions (the README repeats them for the QA team):

* an audit *counts* unless it was cancelled; it falls in a period by its audit date, else the date it
  came back, else its due date;
* *returned*: the audit tool came back (a return date is recorded); *graded*: its final grade
  (an escalation's decision, else the moderator's, else the auditor's) is on the scale —
  "Not applicable" is never counted;
* *returns overdue*: not back (planned, allocated, issued or refused) and past its due date — a
  planned audit nobody has been given yet included, as it is part of the plan;
  *returned late*: came back (first) after its due date. A period's report counts both among the
  audits *due back* in it (due date in the period), whenever they came back: a return is late or
  overdue against the plan it missed, as completion is measured "against plan", so an audit due in
  March and returned in April is late in January to March, and is never moved out of the quarter
  whose report said it was overdue. The tracker's By quarter table counts them the same way;
* *moderation agreement*: of the audits with a moderated grade, the share where it equals the
  auditor's; Cohen's kappa (quadratic weights over the scale's order) only from 10 such audits up;
* *actions on time*: of the actions completed (with a completion date) or past their due date, the
  share marked completed with a completion date on or before it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from qaf_docs import records
from qaf_docs.frameworks import Framework
from qaf_docs.records import ActionResult, AuditResult
from qaf_docs.records import Checkpoint as RoundCheckpoint
from qaf_docs.reports import sources
from qaf_docs.reports.name_order import in_order

#: Below this many moderated audits a kappa says more about chance than about auditors.
KAPPA_MIN_N = 10


def pct(value: float | None) -> str:
    """Return a share as "83%", or "n/a" with nothing to divide by.

    A half rounds up, as people round by hand: 1 in 8 is 13%, not Python's 12% (halves to even).
    The small nudge keeps a share like 29/200, stored as 0.14499…, rounding as the fraction does.
    """
    return "n/a" if value is None else f"{math.floor(value * 100 + 0.5 + 1e-9)}%"


def period_date(a: AuditResult) -> date | None:
    """Return the date that places an audit in a month, quarter or year."""
    return a.audit_date or a.returned_on or a.due_on


def counted(results: Iterable[AuditResult]) -> list[AuditResult]:
    """Return the audits that count towards the plan (every one not cancelled)."""
    return [a for a in results if a.status != "cancelled"]


def in_period(results: Iterable[AuditResult], start: date, end: date) -> list[AuditResult]:
    """Return the counted audits whose period date lies from ``start`` to ``end`` inclusive."""
    return [a for a in counted(results) if (d := period_date(a)) and start <= d <= end]


def due_in(results: Iterable[AuditResult], start: date, end: date) -> list[AuditResult]:
    """Return the counted audits due back from ``start`` to ``end`` inclusive: those a period's
    late and overdue returns are counted among."""
    return [a for a in counted(results) if a.due_on is not None and start <= a.due_on <= end]


def returned_late(a: AuditResult) -> bool:
    """Whether the audit came back (first) after its due date."""
    return a.returned_on is not None and a.due_on is not None and a.returned_on > a.due_on


def return_overdue(a: AuditResult, today: date) -> bool:
    """Whether the audit is not back (or was refused) and its due date has passed, an audit with
    no auditor yet included (``records.return_overdue``, as ``qaf status`` and ``qaf remind``)."""
    return records.return_overdue(a.status, a.due_on, today)


@dataclass(frozen=True)
class DueBack:
    """Of the audits due back in a quarter: how many, how many came back late, how many are
    overdue."""

    due: int
    late: int
    overdue: int


def due_back_by_quarter(results: Iterable[AuditResult], today: date) -> dict[str, DueBack]:
    """Late and overdue returns by the quarter each audit was due back ("2026 Q1"), as a
    quarterly report counts them."""
    groups: dict[str, list[AuditResult]] = {}
    for a in counted(results):
        if a.due_on is not None:
            groups.setdefault(quarter_name(a.due_on), []).append(a)
    return {
        name: DueBack(
            len(members),
            sum(returned_late(a) for a in members),
            sum(return_overdue(a, today) for a in members),
        )
        for name, members in sorted(groups.items())
    }


def quarter_name(d: date) -> str:
    """The name the tracker gives ``d``'s quarter: "2026 Q3"."""
    return f"{d.year} Q{(d.month - 1) // 3 + 1}"


def ratio(part: int, whole: int) -> float | None:
    """Return part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def completed(x: ActionResult) -> bool:
    """Whether the manager marked the action completed (a completion date alone is not enough)."""
    return x.status.strip().lower() == "completed"


def action_on_time(x: ActionResult, today: date) -> bool | None:
    """True if completed with a completion date on or before its due date; False if completed
    late, or past its due date and not known to be completed on time (no completion date, or not
    marked completed); None while it is not yet due, or has no due date to judge it by."""
    if x.due_on is None:
        return None
    if completed(x) and x.completed_on is not None:
        return x.completed_on <= x.due_on
    return False if x.due_on < today else None


def changed_on_escalation(a: AuditResult) -> bool:
    """Whether an escalation decided a grade other than the moderator's (else the auditor's):
    the final grade then differs from what the moderation figures alone would show."""
    return bool(a.escalation_grade) and a.escalation_grade != (a.moderated_grade or a.overall_grade)


def quadratic_kappa(pairs: list[tuple[int, int]], k: int) -> float | None:
    """Return Cohen's kappa with quadratic weights for ordinal ratings 0..k-1, or None if undefined."""
    n = len(pairs)
    if n == 0 or k < 2:
        return None
    observed = Counter(pairs)
    rows = Counter(i for i, _ in pairs)
    cols = Counter(j for _, j in pairs)
    disagree_obs = disagree_exp = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            disagree_obs += w * observed.get((i, j), 0) / n
            disagree_exp += w * rows.get(i, 0) * cols.get(j, 0) / (n * n)
    if disagree_exp == 0:
        return None
    return 1 - disagree_obs / disagree_exp


@dataclass(frozen=True)
class Headline:
    """The Summary's figures for a set of audits."""

    planned: int
    returned: int
    overdue_returns: int
    returned_late: int
    graded: int
    good: int
    inadequate: int
    target: float
    moderated: int
    changed: int
    kappa: float | None
    actions: int
    actions_due: int
    actions_on_time: int
    escalations_open: int | None
    concerns_open: int | None
    #: How many audits were due back in the period, when late and overdue returns are counted
    #: among them (a period's report); None when they are counted among the audits themselves.
    due_back: int | None = None
    #: Of ``escalations_open``, the safeguarding concerns still open: ``qaf escalations`` lists
    #: them with the Inadequate pathway and grade disputes, so the count includes them.
    concerns_unresolved: int = 0

    @property
    def completion(self) -> float | None:
        """Share of planned audits returned."""
        return ratio(self.returned, self.planned)

    @property
    def good_share(self) -> float | None:
        """Share of graded audits graded good or better."""
        return ratio(self.good, self.graded)

    @property
    def inadequate_share(self) -> float | None:
        """Share of graded audits graded inadequate."""
        return ratio(self.inadequate, self.graded)

    @property
    def agreement(self) -> float | None:
        """Share of moderated audits whose grade the moderator kept."""
        return ratio(self.moderated - self.changed, self.moderated)

    @property
    def on_time_share(self) -> float | None:
        """Share of due actions completed by their due date."""
        return ratio(self.actions_on_time, self.actions_due)

    @property
    def within_target(self) -> bool | None:
        """Whether the inadequate share is within the target (None with nothing graded)."""
        share = self.inadequate_share
        return None if share is None else share <= self.target + 1e-9


def _open_count(results: list[AuditResult], which: str) -> int | None:
    total, seen = 0, not results  # no audit at all: nothing is open, which is a count (0)
    for a in results:
        if which == "escalations":
            items = sources.escalations(a)
            if items is not None:
                seen = True
                total += sum(e.resolved_on is None for e in items) + _unresolved_concerns([a])
        else:
            found = sources.concerns(a)
            if found is not None:
                seen = True
                total += len(found)
    return total if seen else None


def _unresolved_concerns(results: list[AuditResult]) -> int:
    """Safeguarding concerns still open among ``results`` (0 where none are recorded)."""
    return sum(sources.open_concerns(a) or 0 for a in results)


def headline(
    results: list[AuditResult],
    framework: Framework,
    today: date,
    target: float,
    due: list[AuditResult] | None = None,
) -> Headline:
    """Return the headline figures for ``results`` (already limited to a period where wanted);
    late and overdue returns among ``due`` where given (the audits due back in the period)."""
    audits = counted(results)
    returns = audits if due is None else counted(due)
    scale = framework.scale
    finals = [a.final_grade for a in audits if scale.is_grade(a.final_grade)]
    moderated = [
        a for a in audits if scale.is_grade(a.moderated_grade) and scale.is_grade(a.overall_grade)
    ]
    order = {g: i for i, g in enumerate(scale.grades)}
    pairs = [(order[a.overall_grade or ""], order[a.moderated_grade or ""]) for a in moderated]
    actions = [x for a in audits for x in a.actions]
    judged = [action_on_time(x, today) for x in actions]
    return Headline(
        planned=len(audits),
        returned=sum(a.returned_on is not None for a in audits),
        overdue_returns=sum(return_overdue(a, today) for a in returns),
        returned_late=sum(returned_late(a) for a in returns),
        graded=len(finals),
        good=sum(g in scale.good_or_better for g in finals),
        inadequate=sum(g == scale.inadequate for g in finals),
        target=target,
        moderated=len(moderated),
        changed=sum(i != j for i, j in pairs),
        kappa=quadratic_kappa(pairs, len(scale.grades)) if len(pairs) >= KAPPA_MIN_N else None,
        actions=len(actions),
        actions_due=sum(j is not None for j in judged),
        actions_on_time=sum(j is True for j in judged),
        escalations_open=_open_count(audits, "escalations"),
        concerns_open=_open_count(audits, "concerns"),
        due_back=None if due is None else len(returns),
        concerns_unresolved=_unresolved_concerns(audits),
    )


def grade_counts(results: Iterable[AuditResult], framework: Framework) -> dict[str, int]:
    """Return how many audits got each final grade, every grade of the scale listed."""
    found = Counter(a.final_grade for a in counted(results))
    return {g: found.get(g, 0) for g in framework.scale.grades}


def domain_titles(results: Iterable[AuditResult], framework: Framework) -> list[str]:
    """Return the framework's domain titles, then any other domain the returns name."""
    titles = [d.title for d in framework.domains]
    for a in results:
        for d in a.domains:
            if d.domain not in titles:
                titles.append(d.domain)
    return titles


def domain_counts(results: list[AuditResult], framework: Framework) -> dict[str, dict[str, int]]:
    """Return domain -> final grade (moderated, else the auditor's) -> count over counted audits
    (domains graded "Not applicable" left out)."""
    out = {t: dict.fromkeys(framework.scale.grades, 0) for t in domain_titles(results, framework)}
    for a in counted(results):
        for d in a.domains:
            if framework.scale.is_grade(d.final_grade):
                out[d.domain][d.final_grade or ""] += 1
    return out


@dataclass(frozen=True)
class GroupRow:
    """Figures for one team, month, quarter, case type or round kind."""

    name: str
    planned: int
    returned: int
    graded: int
    good: int
    inadequate: int

    @property
    def good_share(self) -> float | None:
        """Share of graded audits graded good or better."""
        return ratio(self.good, self.graded)

    @property
    def inadequate_share(self) -> float | None:
        """Share of graded audits graded inadequate."""
        return ratio(self.inadequate, self.graded)


def group_rows(results: Iterable[AuditResult], framework: Framework, key: str) -> list[GroupRow]:
    """Return figures grouped by ``key``: team, case_type, round_kind, month, issued_month or
    quarter."""
    scale = framework.scale
    groups: dict[str, list[AuditResult]] = {}
    for a in counted(results):
        groups.setdefault(group_name(a, key), []).append(a)
    rows = []
    for name in sorted(groups, key=in_order):
        members = groups[name]
        finals = [a.final_grade for a in members if scale.is_grade(a.final_grade)]
        rows.append(
            GroupRow(
                name=name,
                planned=len(members),
                returned=sum(a.returned_on is not None for a in members),
                graded=len(finals),
                good=sum(g in scale.good_or_better for g in finals),
                inadequate=sum(g == scale.inadequate for g in finals),
            )
        )
    return rows


def group_name(a: AuditResult, key: str) -> str:
    """Return the group an audit falls in for ``key``."""
    if key == "issued_month":  # the month's plan: a round issued together stays together
        d = a.issued_on or period_date(a)
        return f"{d:%Y-%m}" if d else "No date"
    if key in ("month", "quarter"):
        d = period_date(a)
        if d is None:
            return "No date"
        return f"{d:%Y-%m}" if key == "month" else quarter_name(d)
    value = getattr(a, key, None)
    return str(value) if value else "Not recorded"


def team_domain_good(
    results: list[AuditResult], framework: Framework
) -> tuple[list[str], list[str], dict[tuple[str, str], float | None]]:
    """Return teams, domains and the share good or better for each (team, domain)."""
    scale = framework.scale
    titles = domain_titles(results, framework)
    seen: dict[tuple[str, str], list[int]] = {}
    teams: set[str] = set()
    for a in counted(results):
        team = a.team or "Not recorded"
        teams.add(team)
        for d in a.domains:
            if scale.is_grade(d.final_grade):
                cell = seen.setdefault((team, d.domain), [0, 0])
                cell[0] += d.final_grade in scale.good_or_better
                cell[1] += 1
    shares = {k: ratio(g, n) for k, (g, n) in seen.items()}
    return sorted(teams, key=in_order), titles, shares


@dataclass(frozen=True)
class Checkpoint:
    """A thematic round's close-the-loop check: how many of its actions were done by 6 weeks or
    3 months, and what the QA auditor recorded finding."""

    round_id: str
    name: str  # "6 weeks" or "3 months"
    due_on: date
    actions: int
    completed_by_then: int
    reached: bool
    done_on: date | None = None
    note: str = ""

    @property
    def share(self) -> float | None:
        """Share of the round's actions completed by the checkpoint (None before it is reached:
        a checkpoint not yet due has no result, not 0%)."""
        return ratio(self.completed_by_then, self.actions) if self.reached else None


def round_start(audits: list[AuditResult]) -> date | None:
    """Return when a round began: its first audit date, else its first issue or due date."""
    dates = [a.audit_date for a in audits if a.audit_date] or [
        d for a in audits for d in (a.issued_on, a.due_on) if d
    ]
    return min(dates) if dates else None


def checkpoints(
    results: Iterable[AuditResult], recorded: Iterable[RoundCheckpoint], today: date
) -> list[Checkpoint]:
    """Return the register's close-the-loop checkpoints (thematic rounds' and follow-up meetings',
    dated from the day the round's last form came back), each with the round's actions completed
    by its date."""
    rounds: dict[str, list[AuditResult]] = {}
    for a in counted(results):
        rounds.setdefault(a.round_id, []).append(a)
    out = []
    for c in recorded:
        actions = [x for a in rounds.get(c.round_id, []) for x in a.actions]
        done = sum(
            completed(x) and x.completed_on is not None and x.completed_on <= c.due_on
            for x in actions
        )
        name = c.label or c.key.replace("-", " ")
        out.append(
            Checkpoint(c.round_id, name, c.due_on, len(actions), done, c.due_on <= today,
                       c.done_on, c.note)
        )  # fmt: skip
    return out
