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

Every kind excludes closed cases, restricted records (unless ``include_restricted``) and cases
audited in the last ``exclusion_months`` (default 6) unless a re-audit is due; each exclusion is
listed with its reason. Randomness comes only from ``seed``: the same case list, settings, history
and seed give the identical plan in every process.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal, get_args

from qaf_docs.cases.allocation import AllocationResult, allocate, seeded_rng
from qaf_docs.cases.case import Case, CaseList, CaseType, id_sort_key
from qaf_docs.cases.columns import fold_header, fold_value
from qaf_docs.cases.roster import Auditor, fold_name
from qaf_docs.dates import add_months
from qaf_docs.errors import SamplingError

__all__ = [
    "DEFAULT_TIER_ONE_QUOTAS",
    "ROUND_KINDS",
    "AuditHistory",
    "PlannedAudit",
    "RoundKind",
    "RoundPlan",
    "RoundSpec",
    "add_months",
    "plan_round",
]

RoundKind = Literal["simple", "tier-one", "thematic", "half-cycle", "reaudit"]
ROUND_KINDS: tuple[str, ...] = get_args(RoundKind)
STRATA = ("team", "case_type")
RULES_VERSION = 1

DEFAULT_TIER_ONE_QUOTAS: Mapping[str, int] = {
    "Deputy Team Manager": 1,
    "Divisional Director": 2,
    "Service Manager": 1,
    "Principal Social Worker": 2,
}


@dataclass(frozen=True)
class AuditHistory:
    """What the register knows about past audits, as sampling needs it."""

    last_audited: Mapping[str, date] = field(default_factory=dict)
    reaudit_due: Mapping[str, date] = field(default_factory=dict)
    worker_last_audited: Mapping[str, date] = field(default_factory=dict)
    half_cycle_taken: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, object]:
        """Return the history as plain JSON-ready data with sorted keys."""
        return {
            "last_audited": {k: v.isoformat() for k, v in sorted(self.last_audited.items())},
            "reaudit_due": {k: v.isoformat() for k, v in sorted(self.reaudit_due.items())},
            "worker_last_audited": {
                k: v.isoformat() for k, v in sorted(self.worker_last_audited.items())
            },
            "half_cycle_taken": sorted(self.half_cycle_taken),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> AuditHistory:
        """Rebuild a history from :meth:`to_json` output."""

        def dates(key: str) -> dict[str, date]:
            raw = data.get(key) or {}
            assert isinstance(raw, dict)
            return {str(k): date.fromisoformat(str(v)) for k, v in raw.items()}

        taken = data.get("half_cycle_taken") or []
        assert isinstance(taken, list)
        return cls(
            last_audited=dates("last_audited"),
            reaudit_due=dates("reaudit_due"),
            worker_last_audited=dates("worker_last_audited"),
            half_cycle_taken=frozenset(str(t) for t in taken),
        )

    def sha256(self) -> str:
        """Return a hash of the history, so a manifest can tell whether it was the same."""
        text = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def is_empty(self) -> bool:
        """Say whether the history records nothing at all."""
        return not (
            self.last_audited
            or self.reaudit_due
            or self.worker_last_audited
            or self.half_cycle_taken
        )


@dataclass(frozen=True)
class RoundSpec:
    """What round to draw and how; everything here is recorded in the manifest to reproduce it."""

    kind: RoundKind
    seed: int
    n: int | None = None
    percent: float | None = None
    stratify_by: tuple[str, ...] = ()
    theme_column: str | None = None
    theme_values: tuple[str, ...] = ()
    theme_min: int = 20
    theme_max: int = 30
    quotas: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_TIER_ONE_QUOTAS))
    worker_cycle_months: int = 6
    half: Literal["first", "second"] | None = None
    exclusion_months: int | None = None
    reaudit_window_days: int = 0
    include_restricted: bool = False
    include_closed: bool = False
    case_types: tuple[CaseType, ...] = ()
    teams: tuple[str, ...] = ()
    capacity_months: int = 1

    def __post_init__(self) -> None:
        """Check the settings fit together, so a mistake is a one-line error before any drawing."""
        if self.kind not in ROUND_KINDS:
            raise SamplingError(
                f"Unknown round kind '{self.kind}'; use one of {', '.join(ROUND_KINDS)}."
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise SamplingError("The seed must be a whole number, e.g. 20260301.")
        if self.n is not None and self.percent is not None:
            raise SamplingError("Give either a number of cases or a percentage, not both.")
        if self.n is not None and self.n < 1:
            raise SamplingError(f"The number of cases must be 1 or more, not {self.n}.")
        if self.percent is not None and not 0 < self.percent <= 100:
            raise SamplingError(
                f"The percentage must be more than 0 and at most 100, not {self.percent:g}."
            )
        bad = [s for s in self.stratify_by if s not in STRATA]
        if bad:
            raise SamplingError(f"Cannot stratify by '{bad[0]}'; use 'team', 'case_type' or both.")
        if self.kind == "simple" and self.n is None and self.percent is None:
            raise SamplingError("A simple round needs a number of cases (n) or a percentage.")
        if self.kind == "thematic" and (not self.theme_column or not self.theme_values):
            raise SamplingError(
                "A thematic round needs a theme: a column (e.g. category_of_abuse) and the values "
                "to match (e.g. Neglect)."
            )
        if self.kind == "thematic" and not 1 <= self.theme_min <= self.theme_max:
            raise SamplingError("The thematic size range must satisfy 1 <= theme_min <= theme_max.")
        if self.kind == "half-cycle" and self.half not in ("first", "second"):
            raise SamplingError("A half-cycle round needs half='first' or half='second'.")
        if any(q < 0 for q in self.quotas.values()):
            raise SamplingError("Tier-one quotas must be 0 or more.")
        if self.exclusion_months is not None and self.exclusion_months < 0:
            raise SamplingError("exclusion_months must be 0 or more.")
        if self.worker_cycle_months < 1 or self.capacity_months < 1:
            raise SamplingError("worker_cycle_months and capacity_months must be 1 or more.")

    @property
    def effective_exclusion_months(self) -> int:
        """Months within which a past audit excludes a case (6, or 0 for half-cycle and reaudit)."""
        if self.exclusion_months is not None:
            return self.exclusion_months
        return 0 if self.kind in ("half-cycle", "reaudit") else 6

    def to_rules(self) -> dict[str, object]:
        """Return the spec as JSON-ready data; :meth:`from_rules` turns it back into a spec."""
        return {
            "kind": self.kind,
            "seed": self.seed,
            "n": self.n,
            "percent": self.percent,
            "stratify_by": list(self.stratify_by),
            "theme_column": self.theme_column,
            "theme_values": list(self.theme_values),
            "theme_min": self.theme_min,
            "theme_max": self.theme_max,
            "quotas": dict(sorted(self.quotas.items())),
            "worker_cycle_months": self.worker_cycle_months,
            "half": self.half,
            "exclusion_months": self.exclusion_months,
            "reaudit_window_days": self.reaudit_window_days,
            "include_restricted": self.include_restricted,
            "include_closed": self.include_closed,
            "case_types": [t.value for t in self.case_types],
            "teams": list(self.teams),
            "capacity_months": self.capacity_months,
        }

    @classmethod
    def from_rules(cls, rules: Mapping[str, object]) -> RoundSpec:
        """Rebuild a spec from :meth:`to_rules` output (unknown keys are ignored)."""
        r = dict(rules)

        def seq(key: str) -> tuple[str, ...]:
            value = r.get(key) or []
            assert isinstance(value, list | tuple)
            return tuple(str(v) for v in value)

        quotas = r.get("quotas")
        return cls(
            kind=str(r["kind"]),  # type: ignore[arg-type]
            seed=int(str(r["seed"])),
            n=None if r.get("n") is None else int(str(r["n"])),
            percent=None if r.get("percent") is None else float(str(r["percent"])),
            stratify_by=seq("stratify_by"),
            theme_column=None if r.get("theme_column") is None else str(r["theme_column"]),
            theme_values=seq("theme_values"),
            theme_min=int(str(r.get("theme_min", 20))),
            theme_max=int(str(r.get("theme_max", 30))),
            quotas={str(k): int(v) for k, v in quotas.items()}
            if isinstance(quotas, dict)
            else dict(DEFAULT_TIER_ONE_QUOTAS),
            worker_cycle_months=int(str(r.get("worker_cycle_months", 6))),
            half=None if r.get("half") is None else str(r["half"]),  # type: ignore[arg-type]
            exclusion_months=None
            if r.get("exclusion_months") is None
            else int(str(r["exclusion_months"])),
            reaudit_window_days=int(str(r.get("reaudit_window_days", 0))),
            include_restricted=bool(r.get("include_restricted", False)),
            include_closed=bool(r.get("include_closed", False)),
            case_types=tuple(CaseType(v) for v in seq("case_types")),
            teams=seq("teams"),
            capacity_months=int(str(r.get("capacity_months", 1))),
        )


@dataclass
class PlannedAudit:
    """One sampled case, its auditor (None when nobody could take it) and its due date."""

    case: Case
    auditor: Auditor | None
    due_on: date


@dataclass
class RoundPlan:
    """A drawn round: the audits, what was left out and why, and everything needed to reproduce it.

    ``audits`` holds every sampled case; those with ``auditor`` None are also in ``unallocated``
    with the reason. ``excluded`` lists (case id, reason) for eligible-looking cases left out.
    """

    round_id: str
    kind: str
    seed: int
    input_sha256: str
    rules: dict[str, object]
    audits: list[PlannedAudit]
    unallocated: list[tuple[Case, str]]
    excluded: list[tuple[str, str]]
    warnings: list[str]
    planned_on: date = field(default_factory=date.today)
    roster: tuple[Auditor, ...] = ()
    history: AuditHistory = field(default_factory=AuditHistory)

    def case_ids(self) -> list[str]:
        """Return the sampled case ids in plan order."""
        return [a.case.case_id for a in self.audits]

    def counts_by(self, key: Literal["team", "case_type", "auditor"]) -> dict[str, int]:
        """Count the sampled cases by team, case type or auditor (sorted by name)."""
        counts: Counter[str] = Counter()
        for audit in self.audits:
            if key == "team":
                counts[audit.case.team or "(no team)"] += 1
            elif key == "case_type":
                counts[audit.case.case_type.value] += 1
            else:
                counts[audit.auditor.name if audit.auditor else "(unallocated)"] += 1
        return dict(sorted(counts.items()))


_SAFE_ROUND_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _\-.]{0,63}$")
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def _check_round_id(round_id: str) -> None:
    stem = round_id.split(".")[0].strip().casefold()
    if not _SAFE_ROUND_ID.match(round_id) or round_id.endswith((".", " ")) or stem in _RESERVED:
        raise SamplingError(
            f"Round id '{round_id}' cannot be used as a file name; use letters, digits, spaces, "
            "'-', '_' or '.', e.g. '2026-03-tier-one'."
        )


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
    _check_round_id(round_id)
    if return_days < 1:
        raise SamplingError("return_days must be 1 or more.")
    load = dict(auditor_load or {})
    children = case_list.children()
    warnings: list[str] = []
    if spec.kind == "reaudit":
        population, excluded = _reaudit_population(children, history, spec, today)
        eligible, more = _filter_reaudit(population, spec)
        excluded.extend(more)
    else:
        population = _population(children, spec)
        eligible, excluded = _exclude(population, spec, history, today)

    capacity = {
        a.name: max(0, a.monthly_capacity * spec.capacity_months - load.get(a.name, 0))
        for a in roster
    }
    if spec.kind == "simple":
        selected = _simple(eligible, spec, excluded)
    elif spec.kind == "thematic":
        selected = _thematic(eligible, spec, excluded, warnings)
    elif spec.kind == "half-cycle":
        selected = _half_cycle(eligible, spec, history, warnings)
    elif spec.kind == "reaudit":
        selected = sorted(
            eligible, key=lambda c: (history.reaudit_due[c.case_id], id_sort_key(c.case_id))
        )
        if not selected:
            warnings.append("No case is due a re-audit on or before the planning date.")
    else:
        capacity = _tier_one_capacity(roster, spec, capacity, warnings)
        selected = _tier_one(eligible, children, spec, history, today, capacity, excluded, warnings)

    restricted = [c.case_id for c in selected if c.restricted]
    if restricted:
        warnings.append(
            f"{len(restricted)} restricted record(s) are in this round ({', '.join(restricted)}); "
            "check who may see them before issuing packs."
        )
    if not roster:
        warnings.append("No roster was given: the cases are sampled but not allocated.")
        result = AllocationResult({}, [(c, "no roster given") for c in selected], {}, {}, [])
    else:
        result = allocate(selected, roster, seed=spec.seed, capacity=capacity)
        warnings.extend(result.warnings)

    due_on = today + timedelta(days=return_days)
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


def roster_sha256(roster: Sequence[Auditor]) -> str:
    """Return a hash of the roster's content, independent of row order."""
    rows = sorted(
        f"{a.name}\x1f{a.email}\x1f{a.role}\x1f{a.team or ''}\x1f{a.monthly_capacity}"
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
        cases = _theme_filter(children, cases, spec)
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
    for case in population:
        due = history.reaudit_due.get(case.case_id)
        reaudit_due = due is not None and due <= today
        last = history.last_audited.get(case.case_id)
        if not case.is_open and not spec.include_closed:
            excluded.append((case.case_id, "case is closed"))
        elif case.restricted and not spec.include_restricted:
            excluded.append(
                (case.case_id, "restricted record; include it only by setting include_restricted")
            )
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
                    f"audited on {last.isoformat()}, within the last {months} month(s)",
                )
            )
        else:
            eligible.append(case)
    return eligible, excluded


def _reaudit_population(
    children: Sequence[Case], history: AuditHistory, spec: RoundSpec, today: date
) -> tuple[list[Case], list[tuple[str, str]]]:
    horizon = today + timedelta(days=spec.reaudit_window_days)
    due_ids = {k for k, v in history.reaudit_due.items() if v <= horizon}
    by_id = {c.case_id: c for c in children}
    excluded = [
        (
            case_id,
            f"re-audit due on {history.reaudit_due[case_id].isoformat()} but the case is not on "
            "this case list (closed or transferred?)",
        )
        for case_id in sorted(due_ids - by_id.keys(), key=id_sort_key)
    ]
    return [by_id[i] for i in sorted(due_ids & by_id.keys(), key=id_sort_key)], excluded


def _filter_reaudit(
    cases: Sequence[Case], spec: RoundSpec
) -> tuple[list[Case], list[tuple[str, str]]]:
    kept: list[Case] = []
    excluded: list[tuple[str, str]] = []
    for case in _population(cases, spec):
        if not case.is_open and not spec.include_closed:
            excluded.append((case.case_id, "re-audit due but the case is closed"))
        elif case.restricted and not spec.include_restricted:
            excluded.append(
                (case.case_id, "restricted record; include it only by setting include_restricted")
            )
        else:
            kept.append(case)
    return kept, excluded


def _describe_exclusions(excluded: Sequence[tuple[str, str]]) -> str:
    if not excluded:
        return ""
    kinds: Counter[str] = Counter()
    for _, reason in excluded:
        if reason.startswith("audited on"):
            kinds["audited recently"] += 1
        elif reason.startswith("restricted"):
            kinds["restricted"] += 1
        elif "closed" in reason:
            kinds["closed"] += 1
        else:
            kinds["other reasons"] += 1
    return " (excluded: " + ", ".join(f"{n} {k}" for k, n in kinds.most_common()) + ")"


# ----------------------------------------------------------------------------------------------
# Drawing


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
    return SamplingError(
        f"Asked for {asked} case(s) ({what}) but only {eligible} are eligible"
        f"{_describe_exclusions(excluded)}. Ask for {eligible} or fewer, or widen the round "
        "(lower exclusion_months, include more case types or teams)."
    )


def _simple(
    eligible: Sequence[Case], spec: RoundSpec, excluded: Sequence[tuple[str, str]]
) -> list[Case]:
    if not eligible:
        raise SamplingError(
            f"No case is eligible for this round{_describe_exclusions(excluded)}; check the case "
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
    folded = fold_header(column).replace(" ", "_")
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


def _theme_filter(children: Sequence[Case], cases: Sequence[Case], spec: RoundSpec) -> list[Case]:
    assert spec.theme_column is not None
    key = _theme_key(spec.theme_column)
    builtin = {"team", "worker", "case_type", "list"}
    if key not in builtin and not any(key in c.attributes for c in children):
        known = sorted({k for c in children for k in c.attributes} | builtin)
        raise SamplingError(
            f"No case has a '{spec.theme_column}' column; theme columns available: "
            f"{', '.join(known[:25])}{' …' if len(known) > 25 else ''}."
        )
    wanted = [fold_value(v) for v in spec.theme_values]
    return [c for c in cases if any(_matches(v, wanted) for v in _case_value(c, key))]


def _thematic(
    eligible: Sequence[Case],
    spec: RoundSpec,
    excluded: Sequence[tuple[str, str]],
    warnings: list[str],
) -> list[Case]:
    theme = f"{spec.theme_column} = {' / '.join(spec.theme_values)}"
    if not eligible:
        raise SamplingError(
            f"No eligible case matches the theme {theme}{_describe_exclusions(excluded)}; check "
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


def _half_cycle(
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


def _tier_one_capacity(
    roster: Sequence[Auditor],
    spec: RoundSpec,
    capacity: Mapping[str, int],
    warnings: list[str],
) -> dict[str, int]:
    quotas = {fold_name(role): q for role, q in spec.quotas.items()}
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
        roles = ", ".join(sorted({a.role for a in roster})) or "none"
        raise SamplingError(
            "No auditor on the roster has a tier-one quota (roles on the roster: "
            f"{roles}; quotas are set for: {', '.join(spec.quotas) or 'none'}). Fix the roles in "
            "the roster or set quotas for them."
        )
    if no_quota:
        warnings.append(
            f"{len(no_quota)} auditor(s) have roles with no tier-one quota "
            f"({', '.join(sorted(set(no_quota)))}) "
            "and take no cases in this round."
        )
    return result


def _tier_one(
    eligible: Sequence[Case],
    children: Sequence[Case],
    spec: RoundSpec,
    history: AuditHistory,
    today: date,
    capacity: Mapping[str, int],
    excluded: Sequence[tuple[str, str]],
    warnings: list[str],
) -> list[Case]:
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
    overdue = sorted(w for w in open_workers if (last_by_worker.get(w) or date.min) <= cutoff)
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
