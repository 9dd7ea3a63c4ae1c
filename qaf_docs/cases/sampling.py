"""Draw a fair, reproducible sampling round from a case list and allocate it to auditors.

Round kinds (``RoundSpec.kind``) and what they do by default:

``simple``
    ``n`` cases or ``percent`` % of eligible open cases, drawn at random; ``stratify_by`` ("team",
    "case_type" or both) shares the sample out in proportion to each group's size.
``tier-one``
    Monthly manager audits (B&NES). Each auditor takes their role's quota (Deputy Team Manager 1,
    Divisional Director 2, Service Manager 1, Principal Social Worker 2 a month). Social workers
    with open cases are covered longest-un-audited first, one case each, so each has a case audited
    in every ``worker_cycle_months`` (6); any slots left are filled at random.
``thematic``
    Cases matching a theme (``theme_column`` in ``theme_values``: a column value, a category of
    abuse, a primary need code, a list such as "List 7"), spread evenly across teams; by default
    as many as there are up to 30, with a warning under 20.
``half-cycle``
    ``half="first"`` draws half of all open cases (rounded up, shared out by team);
    ``half="second"`` takes every open case not audited in the first half, new cases included
    (City of London's October and April rounds). Recent audits do not exclude by default here.
``reaudit``
    Every case whose re-audit is due (``AuditHistory.reaudit_due`` on or before today, plus
    ``reaudit_window_days``), e.g. three months after an Inadequate grade.
``closure``
    Every closed case not audited since it closed (B&NES: "audit all cases at closure").

Every kind excludes children with an open audit in any round (``AuditHistory.open_audits``),
closed cases (unless ``include_closed``, or a closure round), restricted records (unless
``include_restricted``), cases with no team or worker when ``sample_unassigned`` is off, and cases
audited in the last ``exclusion_months`` (default 6) unless a re-audit is due; each exclusion is
listed with its reason. In tier-one and closure rounds the roles in ``own_team_roles`` audit their
own team (``own_team``; a closure case whose team has none goes elsewhere, with a note); everyone
else never does. Randomness comes only from ``seed``: the same case list, settings, history
and seed give the identical plan in every process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from qaf_docs.cases.allocation import AllocationResult, allocate, capacity_left
from qaf_docs.cases.case import Case, CaseList, id_sort_key
from qaf_docs.cases.draws import (
    half_cycle_draw,
    simple_draw,
    thematic_draw,
    theme_filter,
    tier_one_capacity,
    tier_one_draw,
)
from qaf_docs.cases.own_team import (
    OwnTeamDraw,
    own_team_allocation,
    own_team_draw,
    team_rule_warnings,
)
from qaf_docs.cases.plan import (
    RULES_VERSION,
    AuditHistory,
    PlannedAudit,
    RoundPlan,
    RoundSpec,
    check_round_id,
)
from qaf_docs.cases.roster import Auditor, fold_name
from qaf_docs.dates import add_months, due_after, uk
from qaf_docs.errors import SamplingError

__all__ = ["eligible_cases", "plan_round", "roster_sha256"]


def plan_round(
    case_list: CaseList,
    roster: Sequence[Auditor],
    spec: RoundSpec,
    *,
    round_id: str,
    history: AuditHistory,
    today: date,
    return_days: int = 20,
    auditor_load: Mapping[str, int] | None = None,
) -> RoundPlan:
    """Draw the round ``spec`` describes from ``case_list`` and allocate it to ``roster``.

    ``auditor_load`` (auditor name -> audits already allocated this month) lowers each auditor's
    capacity. Raises :class:`SamplingError` when the round cannot be drawn as asked (with what to
    change) and :class:`~qaf_docs.errors.AllocationError` for an unusable roster.
    """
    check_round_id(round_id)
    if return_days < 1:
        raise SamplingError("return_days must be 1 or more.")
    load = dict(auditor_load or {})
    children, respelt = history.as_known(case_list.children())
    warnings: list[str] = []
    if respelt:
        shown = ", ".join(f"{a} is {b}" for a, b in sorted(respelt.items())[:5])
        warnings.append(
            f"{len(respelt)} case id(s) on this list differ from the register's only by leading "
            f"zeros ({shown}{' …' if len(respelt) > 5 else ''}); they are the same child(ren), so "
            "the register's id is kept and their audit history applies."
        )
    if spec.kind == "reaudit":
        population, excluded = _reaudit_population(children, history, spec, today)
        eligible, more = _filter_reaudit(population, spec, history)
        excluded.extend(more)
    elif spec.kind == "closure":
        population = [c for c in _population(children, spec) if not c.is_open]
        eligible, excluded = _exclude(population, spec, history, today)
    else:
        population = _population(children, spec)
        eligible, excluded = _exclude(population, spec, history, today)

    _report_exclusions(excluded, eligible, spec, warnings)
    capacity = capacity_left(roster, load, spec.capacity_months)
    own = OwnTeamDraw()
    if spec.kind == "simple":
        selected = simple_draw(eligible, spec, excluded)
    elif spec.kind == "thematic":
        selected = thematic_draw(eligible, spec, excluded, warnings)
    elif spec.kind == "half-cycle":
        selected = half_cycle_draw(eligible, spec, history, warnings)
    elif spec.kind == "reaudit":
        selected = sorted(
            eligible, key=lambda c: (history.reaudit_due[c.case_id], id_sort_key(c.case_id))
        )
        if not selected:
            warnings.append("No case is due a re-audit on or before the planning date.")
    elif spec.kind == "closure":
        selected = sorted(eligible, key=lambda c: id_sort_key(c.case_id))
        if not selected:
            warnings.append("No closed case on the list is waiting for its closure audit.")
        own = own_team_allocation(selected, roster, spec, capacity, warnings)
        capacity = own.capacity
    else:
        capacity = tier_one_capacity(roster, spec, capacity, warnings)
        own = own_team_draw(eligible, roster, spec, history, capacity, warnings)
        capacity = own.capacity
        taken = {c.case_id for c in own.chosen}
        selected = own.chosen + tier_one_draw(
            [c for c in eligible if c.case_id not in taken],
            children,
            spec,
            history,
            today,
            capacity,
            excluded,
            warnings,
            covered=frozenset(fold_name(c.worker) for c in own.chosen if c.worker),
        )

    restricted = [c.case_id for c in selected if c.restricted]
    if restricted:
        warnings.append(
            f"{len(restricted)} restricted record(s) are in this round ({', '.join(restricted)}); "
            "check who may see them before issuing packs."
        )
    warnings.extend(team_rule_warnings(children, roster))
    if not roster:
        warnings.append("No roster was given: the cases are sampled but not allocated.")
        result = AllocationResult({}, [(c, "no roster given") for c in selected], {}, {})
    else:
        rest = [c for c in selected if c.case_id not in own.assignments]
        result = allocate(rest, roster, seed=spec.seed, capacity=capacity)
        result.assignments.update(own.assignments)
        # Each case nobody could take is listed with its reason (unallocated): not again here.

    due_on = due_after(today, return_days)  # a weekend or bank holiday moves it on
    audits = [
        PlannedAudit(case=c, auditor=result.assignments.get(c.case_id), due_on=due_on)
        for c in sorted(selected, key=lambda c: ((c.team or "").casefold(), id_sort_key(c.case_id)))
    ]
    rules: dict[str, object] = {
        "rules_version": RULES_VERSION,
        "round_id": round_id,
        "planned_on": today.isoformat(),
        "return_days": return_days,
        "spec": spec.to_rules(),
        "exclusion_months_applied": spec.effective_exclusion_months,
        "case_list": case_list.source_name,
        "input_sha256": case_list.input_sha256,
        "cases_sha256": case_list.content_sha256(),
        "history_sha256": history.sha256(),
        "roster_sha256": roster_sha256(roster),
        "auditor_load": dict(sorted(load.items())),
        "children_on_list": len(children),
        "population": len(population),
        "eligible": len(eligible),
        "excluded": len(excluded),
        "selected": len(selected),
        "unallocated": len(result.unallocated),
    }
    if spec.kind == "tier-one":
        # What the quarterly report's "Tier one audit activity" counts against: each auditor's
        # role as on this roster, and the social workers with open cases on this list.
        rules["auditor_roles"] = {a.name: a.role for a in sorted(roster, key=lambda a: a.name)}
        workers: dict[str, str] = {}
        for c in children:
            if c.worker and c.is_open:
                workers.setdefault(fold_name(c.worker), c.worker)  # as first spelt on the list
        rules["workers_on_list"] = sorted(workers.values())
    return RoundPlan(
        round_id=round_id,
        kind=spec.kind,
        seed=spec.seed,
        input_sha256=case_list.input_sha256,
        rules=rules,
        audits=audits,
        unallocated=sorted(result.unallocated, key=lambda cr: id_sort_key(cr[0].case_id)),
        excluded=sorted(excluded, key=lambda e: id_sort_key(e[0])),
        warnings=warnings,
        planned_on=today,
        roster=tuple(roster),
        history=history,
    )


def eligible_cases(
    case_list: CaseList, spec: RoundSpec, history: AuditHistory, today: date
) -> list[Case]:
    """Return the children a ``spec`` round could draw today (a swap draws its replacement here)."""
    children = history.as_known(case_list.children())[0]
    if spec.kind == "closure":
        population = [c for c in _population(children, spec) if not c.is_open]
    else:
        population = _population(children, spec)
    return _exclude(population, spec, history, today)[0]


def roster_sha256(roster: Sequence[Auditor]) -> str:
    """Return a hash of the roster's content, independent of row order."""
    rows = sorted(
        f"{a.name}\x1f{a.email}\x1f{a.role}\x1f{a.team or ''}\x1f{a.monthly_capacity}"
        # Only when there are any, so rosters recorded before the field keep their hash.
        + ("".join(f"\x1f{t}" for t in a.also_teams))
        for a in roster
    )
    return hashlib.sha256("\x1e".join(rows).encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------------------------
# Population and exclusions


def _population(children: Sequence[Case], spec: RoundSpec) -> list[Case]:
    """Cases the round is about (case types, teams, theme); others are simply out of scope."""
    cases = list(children)
    if spec.case_types:
        wanted = set(spec.case_types)
        cases = [c for c in cases if c.case_type in wanted]
    if spec.teams:
        teams = {fold_name(t) for t in spec.teams}
        cases = [c for c in cases if c.team and fold_name(c.team) in teams]
    if spec.kind == "thematic":
        cases = theme_filter(children, cases, spec)
    return cases


def _exclude(
    population: Sequence[Case],
    spec: RoundSpec,
    history: AuditHistory,
    today: date,
) -> tuple[list[Case], list[tuple[str, str]]]:
    months = spec.effective_exclusion_months
    cutoff = add_months(today, -months)
    eligible: list[Case] = []
    excluded: list[tuple[str, str]] = []
    closure = spec.kind == "closure"
    for case in population:
        due = history.reaudit_due.get(case.case_id)
        reaudit_due = due is not None and due <= today
        last = history.last_audited.get(case.case_id)
        held = history.open_audits.get(case.case_id)
        if held is not None:
            excluded.append((case.case_id, f"already in an open audit (round {held})"))
        elif case.attributes.get("stage") == "contact":  # an event: no case, open or closed
            excluded.append((case.case_id, _CONTACT))
        elif not case.is_open and not spec.include_closed and not closure:
            excluded.append((case.case_id, "case is closed"))
        elif case.restricted and not spec.include_restricted:
            excluded.append((case.case_id, _RESTRICTED))
        elif not spec.sample_unassigned and not (case.team and case.worker):
            excluded.append((case.case_id, _UNASSIGNED))
        elif closure and last is not None and case.end_date and last >= case.end_date:
            excluded.append((case.case_id, f"audited on {uk(last)}, since it closed"))
        elif (
            spec.kind == "half-cycle"
            and spec.half == "second"
            and case.case_id in history.half_cycle_taken
        ):
            excluded.append((case.case_id, "audited in the first half of this cycle"))
        elif months and last is not None and last > cutoff and not reaudit_due:
            excluded.append(
                (
                    case.case_id,
                    f"audited on {uk(last)}, within the last {months} month(s)",
                )
            )
        else:
            eligible.append(case)
    return eligible, excluded


# Reasons are printed on the manifest, so they name no setting; the warnings on screen do.
_RESTRICTED = "restricted record; restricted records are left out of this round"
_UNASSIGNED = "no allocated team or worker; the workspace's settings leave such cases out"
_CONTACT = "a contact (List 1), not an open case"


def _report_exclusions(
    excluded: Sequence[tuple[str, str]],
    eligible: Sequence[Case],
    spec: RoundSpec,
    warnings: list[str],
) -> None:
    """Say how many children an open audit kept out, and which cases have no team or worker."""
    held = [reason for _, reason in excluded if reason.startswith("already in an open audit")]
    if held:
        rounds = sorted({r.rsplit("round ", 1)[-1].rstrip(")") for r in held})
        warnings.append(
            f"{len(held)} child(ren) already have an open audit (round {', '.join(rounds)}) and "
            "were not drawn again."
        )
    unassigned = sorted(
        [c.case_id for c in eligible if not (c.team and c.worker)]
        + [case_id for case_id, reason in excluded if reason == _UNASSIGNED],
        key=id_sort_key,
    )
    if unassigned:
        shown = ", ".join(unassigned[:10]) + (" …" if len(unassigned) > 10 else "")
        warnings.append(
            f"{len(unassigned)} eligible case(s) have no allocated team or worker ({shown}); "
            + (
                "they may be sampled (sample_unassigned = true under [sampling])."
                if spec.sample_unassigned
                else "they are not sampled (sample_unassigned = false under [sampling])."
            )
        )


def _reaudit_population(
    children: Sequence[Case], history: AuditHistory, spec: RoundSpec, today: date
) -> tuple[list[Case], list[tuple[str, str]]]:
    horizon = today + timedelta(days=spec.reaudit_window_days)
    due_ids = {k for k, v in history.reaudit_due.items() if v <= horizon}
    by_id = {c.case_id: c for c in children}
    excluded = [
        (
            case_id,
            f"re-audit due on {uk(history.reaudit_due[case_id])} but the case is not on "
            "this case list (closed or transferred?)",
        )
        for case_id in sorted(due_ids - by_id.keys(), key=id_sort_key)
    ]
    return [by_id[i] for i in sorted(due_ids & by_id.keys(), key=id_sort_key)], excluded


def _filter_reaudit(
    cases: Sequence[Case], spec: RoundSpec, history: AuditHistory
) -> tuple[list[Case], list[tuple[str, str]]]:
    kept: list[Case] = []
    excluded: list[tuple[str, str]] = []
    for case in _population(cases, spec):
        held = history.open_audits.get(case.case_id)
        if held is not None:
            excluded.append((case.case_id, f"already in an open audit (round {held})"))
        elif not case.is_open and not spec.include_closed:
            excluded.append((case.case_id, "re-audit due but the case is closed"))
        elif case.restricted and not spec.include_restricted:
            excluded.append((case.case_id, _RESTRICTED))
        else:
            kept.append(case)
    return kept, excluded
