"""The random draws behind each round kind: proportional, spread across teams, themed, half-cycle
and tier-one. Randomness comes only from the seed and labels given, so a draw is reproducible."""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from qaf_docs.cases.allocation import seeded_rng
from qaf_docs.cases.case import Case, id_sort_key
from qaf_docs.cases.columns import (
    ColumnMapping,
    fold_header,
    fold_value,
    free_text_header,
    header_key,
    personal_header,
)
from qaf_docs.cases.plan import (
    DEFAULT_TIER_ONE_QUOTAS,
    AuditHistory,
    RoundSpec,
    describe_exclusions,
)
from qaf_docs.cases.roster import Auditor, fold_name
from qaf_docs.dates import add_months
from qaf_docs.errors import SamplingError


def _draw(cases: Sequence[Case], k: int, seed: int, *labels: str) -> list[Case]:
    ordered = sorted(cases, key=lambda c: id_sort_key(c.case_id))
    return seeded_rng(seed, *labels).sample(ordered, k)


def _stratum(case: Case, by: Sequence[str]) -> tuple[str, ...]:
    key: list[str] = []
    for s in by:
        if s == "team":
            key.append(fold_name(case.team) if case.team else "(no team)")
        else:
            key.append(case.case_type.value)
    return tuple(key)


def _proportional(cases: Sequence[Case], k: int, by: Sequence[str], seed: int) -> list[Case]:
    """Share ``k`` out across strata in proportion to their size (largest remainder), then draw."""
    if not by:
        return _draw(cases, k, seed, "simple")
    groups: dict[tuple[str, ...], list[Case]] = defaultdict(list)
    for c in cases:
        groups[_stratum(c, by)].append(c)
    keys = sorted(groups)
    total = len(cases)
    exact = {key: k * len(groups[key]) / total for key in keys}
    share = {key: math.floor(exact[key]) for key in keys}
    left = k - sum(share.values())
    tie = {key: i for i, key in enumerate(_shuffled(keys, seed, "strata"))}
    for key in sorted(keys, key=lambda key: (-(exact[key] - share[key]), tie[key]))[:left]:
        share[key] += 1
    chosen: list[Case] = []
    for key in keys:
        chosen.extend(_draw(groups[key], share[key], seed, "stratum", *key))
    return chosen


def _shuffled(keys: Sequence[tuple[str, ...]], seed: int, label: str) -> list[tuple[str, ...]]:
    out = sorted(keys)
    seeded_rng(seed, label).shuffle(out)
    return out


def _spread(cases: Sequence[Case], k: int, seed: int) -> list[Case]:
    """Take ``k`` cases a team at a time in turn: every team is represented before any twice."""
    groups: dict[tuple[str, ...], list[Case]] = defaultdict(list)
    for c in cases:
        groups[_stratum(c, ("team",))].append(c)
    queues = {key: _draw(groups[key], len(groups[key]), seed, "spread", *key) for key in groups}
    order = _shuffled(list(groups), seed, "spread-teams")
    chosen: list[Case] = []
    while len(chosen) < k:
        for key in order:
            if queues[key] and len(chosen) < k:
                chosen.append(queues[key].pop(0))
    return chosen


def _too_many(
    asked: int, what: str, eligible: int, excluded: Sequence[tuple[str, str]]
) -> SamplingError:
    # Lowering exclusion_months only helps when recent audits kept cases out.
    recent = any(reason.startswith("audited on") for _, reason in excluded)
    widen = (
        ", or widen the round (lower exclusion_months under [sampling] in qaf.toml)"
        if recent
        else ""
    )
    return SamplingError(
        f"Asked for {asked} case(s) ({what}) but only {eligible} are eligible"
        f"{describe_exclusions(excluded)}. Ask for {eligible} or fewer{widen}."
    )


def simple_draw(
    eligible: Sequence[Case], spec: RoundSpec, excluded: Sequence[tuple[str, str]]
) -> list[Case]:
    if not eligible:
        raise SamplingError(
            f"No case is eligible for this round{describe_exclusions(excluded)}; check the case "
            "list has open cases and the round's filters."
        )
    if spec.n is not None:
        k = spec.n
        if k > len(eligible):
            raise _too_many(k, f"n={k}", len(eligible), excluded)
    else:
        assert spec.percent is not None
        k = max(1, math.floor(len(eligible) * spec.percent / 100 + 0.5))
    return _proportional(eligible, k, spec.stratify_by, spec.seed)


def _theme_key(column: str) -> str:
    # The sheet's own header ("Latest Category of Abuse") names the field it maps to.
    header = fold_header(column)
    for name, spellings in ColumnMapping().fields().items():
        if name != "child_name" and header_key(column) in {header_key(s) for s in spellings}:
            return name
    folded = header.replace(" ", "_")
    aliases = {
        "sources": "list",
        "source": "list",
        "annex_a_list": "list",
        "type": "case_type",
        "allocated_team": "team",
        "allocated_worker": "worker",
    }
    return aliases.get(folded, folded)


def _case_value(case: Case, key: str) -> list[str]:
    if key == "team":
        return [case.team] if case.team else []
    if key == "worker":
        return [case.worker] if case.worker else []
    if key == "case_type":
        return [case.case_type.value]
    if key == "list":
        return list(case.sources)
    value = case.attributes.get(key)
    return [value] if value else []


def _matches(value: str, wanted: Iterable[str]) -> bool:
    padded = f" {fold_value(value)} "
    return any(f" {w} " in padded for w in wanted if w)


def theme_filter(children: Sequence[Case], cases: Sequence[Case], spec: RoundSpec) -> list[Case]:
    assert spec.theme_column is not None
    key = _theme_key(spec.theme_column)
    builtin = {"team", "worker", "case_type", "list"}
    if key not in builtin and not any(key in c.attributes for c in children):
        known = sorted({k for c in children for k in c.attributes} | builtin)
        why = (
            " (it may name a child or their family, so it is never kept from the case list)"
            if personal_header(spec.theme_column) or free_text_header(spec.theme_column)
            else ""
        )
        raise SamplingError(
            f"No case has a '{spec.theme_column}' column{why}; theme columns available: "
            f"{', '.join(known[:25])}{' …' if len(known) > 25 else ''}."
        )
    wanted = [fold_value(v) for v in spec.theme_values]
    return [c for c in cases if any(_matches(v, wanted) for v in _case_value(c, key))]


def thematic_draw(
    eligible: Sequence[Case],
    spec: RoundSpec,
    excluded: Sequence[tuple[str, str]],
    warnings: list[str],
) -> list[Case]:
    theme = f"{spec.theme_column} = {' / '.join(spec.theme_values)}"
    if not eligible:
        raise SamplingError(
            f"No eligible case matches the theme {theme}{describe_exclusions(excluded)}; check "
            "the spelling of the theme values."
        )
    if spec.n is not None:
        if spec.n > len(eligible):
            raise _too_many(spec.n, f"theme {theme}", len(eligible), excluded)
        k = spec.n
    else:
        k = min(spec.theme_max, len(eligible))
        if k < spec.theme_min:
            warnings.append(
                f"Only {k} eligible case(s) match the theme {theme}; a thematic audit usually "
                f"takes {spec.theme_min}–{spec.theme_max}. All {k} are included."
            )
    return _spread(eligible, k, spec.seed)


def half_cycle_draw(
    eligible: Sequence[Case], spec: RoundSpec, history: AuditHistory, warnings: list[str]
) -> list[Case]:
    if spec.half == "second":
        if not history.half_cycle_taken:
            warnings.append(
                "The history records no first-half cases, so the second half takes every open case."
            )
        return sorted(eligible, key=lambda c: id_sort_key(c.case_id))
    if not eligible:
        raise SamplingError("No open case is eligible for the first half of the cycle.")
    if history.half_cycle_taken:
        warnings.append(
            f"{len(history.half_cycle_taken)} case(s) are already recorded as first-half audits; "
            "drawing a first half again starts a new cycle."
        )
    k = math.ceil(len(eligible) / 2)
    return _proportional(eligible, k, spec.stratify_by or ("team",), spec.seed)


def tier_one_capacity(
    roster: Sequence[Auditor],
    spec: RoundSpec,
    capacity: Mapping[str, int],
    warnings: list[str],
) -> dict[str, int]:
    quotas = {fold_name(role): q for role, q in spec.quotas.items()}
    roles = {fold_name(a.role) for a in roster}
    unquoted = sorted({a.role for a in roster if fold_name(a.role) not in quotas})
    standard = {fold_name(r) for r in DEFAULT_TIER_ONE_QUOTAS}
    for role, q in spec.quotas.items():
        if not roster or q <= 0 or fold_name(role) in roles:
            continue
        # A council's own role that matches nobody, or one close to a roster role without a
        # quota, is a misspelling: say so rather than silently give nobody those cases.
        close = difflib.get_close_matches(role, unquoted, n=1, cutoff=0.75)
        if close or fold_name(role) not in standard:
            hint = f" Did you mean '{close[0]}' (on the roster)?" if close else ""
            raise SamplingError(
                f"The tier-one quota for '{role}' matches nobody on the roster (its roles are "
                f"{', '.join(sorted({a.role for a in roster}))}).{hint} Correct the role in the "
                "roster, or under [sampling] quotas in qaf.toml."
            )
    result: dict[str, int] = {}
    no_quota: list[str] = []
    for a in roster:
        quota = quotas.get(fold_name(a.role))
        if quota is None:
            no_quota.append(a.role)
            result[a.name] = 0
            continue
        monthly = quota * spec.capacity_months
        if capacity[a.name] < monthly:
            warnings.append(
                f"{a.name} ({a.role}) has capacity for {capacity[a.name]} this round but the "
                f"tier-one quota is {monthly}; they get {capacity[a.name]}."
            )
        result[a.name] = min(monthly, capacity[a.name])
    if not any(result.values()):
        on_roster = ", ".join(sorted({a.role for a in roster})) or "none"
        raise SamplingError(
            "No auditor on the roster has a tier-one quota (roles on the roster: "
            f"{on_roster}; quotas are set for: {', '.join(spec.quotas) or 'none'}). Fix the roles "
            "in the roster, or set quotas for them under [sampling] quotas in qaf.toml."
        )
    if no_quota:
        warnings.append(
            f"{len(no_quota)} auditor(s) have roles with no tier-one quota "
            f"({', '.join(sorted(set(no_quota)))}) "
            "and take no cases in this round."
        )
    return result


def tier_one_draw(
    eligible: Sequence[Case],
    children: Sequence[Case],
    spec: RoundSpec,
    history: AuditHistory,
    today: date,
    capacity: Mapping[str, int],
    excluded: Sequence[tuple[str, str]],
    warnings: list[str],
    covered: frozenset[str] = frozenset(),
) -> list[Case]:
    """Random tier-one cases for the independent auditors; ``covered`` workers (folded names)
    already have a case drawn by their own manager this round."""
    total = sum(capacity.values())
    if total > len(eligible):
        raise _too_many(total, "the tier-one quotas", len(eligible), excluded)
    last_by_worker = {fold_name(w): d for w, d in history.worker_last_audited.items()}
    by_worker: dict[str, list[Case]] = defaultdict(list)
    for c in eligible:
        if c.worker:
            by_worker[fold_name(c.worker)].append(c)
    cutoff = add_months(today, -spec.worker_cycle_months)
    open_workers = {fold_name(c.worker) for c in children if c.worker and c.is_open}
    overdue = sorted(
        w for w in open_workers - covered if (last_by_worker.get(w) or date.min) <= cutoff
    )
    tie = {
        w: i
        for i, w in enumerate(_shuffled([(w,) for w in sorted(by_worker)], spec.seed, "workers"))
    }
    ranked = sorted(by_worker, key=lambda w: (last_by_worker.get(w) or date.min, tie[(w,)]))
    chosen: list[Case] = []
    for worker in ranked[:total]:
        chosen.extend(_draw(by_worker[worker], 1, spec.seed, "worker", worker))
    if len(overdue) > total:
        warnings.append(
            f"{len(overdue)} social worker(s) have had no case audited in the last "
            f"{spec.worker_cycle_months} months but the tier-one quotas cover {total} case(s); the "
            f"{total} longest un-audited were chosen. Raise quotas or add auditors to cover the "
            "rest."
        )
    uncovered = [w for w in overdue if w not in by_worker]
    if uncovered:
        warnings.append(
            f"{len(uncovered)} overdue social worker(s) have no eligible case in this round "
            "(their open cases are excluded or restricted)."
        )
    if len(chosen) < total:
        taken = {c.case_id for c in chosen}
        rest = [c for c in eligible if c.case_id not in taken]
        chosen.extend(_draw(rest, total - len(chosen), spec.seed, "tier-one-fill"))
    return chosen
