"""What a sampling round is: its settings (``RoundSpec``), its result (``RoundPlan``) and the
history of past audits it is drawn against (``AuditHistory``)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal, get_args

from qaf_docs import clock
from qaf_docs.case_ids import case_key
from qaf_docs.cases.case import Case, CaseType
from qaf_docs.cases.roster import Auditor
from qaf_docs.errors import SamplingError

RoundKind = Literal["simple", "tier-one", "thematic", "half-cycle", "reaudit", "closure"]
ROUND_KINDS: tuple[str, ...] = get_args(RoundKind)
STRATA = ("team", "case_type")
RULES_VERSION = 1

# B&NES: "Deputy Team Managers and Team Managers will be required on a monthly basis to audit",
# "One case per Deputy Team Manager"; senior managers as listed. It gives Team Managers no number:
# their 1 is qaf's default. ``[sampling] quotas`` in qaf.toml overrides these.
DEFAULT_TIER_ONE_QUOTAS: Mapping[str, int] = {
    "Deputy Team Manager": 1,
    "Team Manager": 1,
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
    # case id -> the round holding the child's open audit: never drawn again until it closes.
    open_audits: Mapping[str, str] = field(default_factory=dict)

    def as_known(self, cases: Sequence[Case]) -> tuple[list[Case], dict[str, str]]:
        """Return ``cases`` with each id spelt as the register knows the child (leading zeros
        aside: "6537810" for a list's "006537810"), and the ids so changed (list's -> register's).
        """
        known: dict[str, str] = {}
        for i in (*self.open_audits, *self.last_audited, *self.reaudit_due, *self.half_cycle_taken):
            known.setdefault(case_key(i), i)
        out: list[Case] = []
        changed: dict[str, str] = {}
        for case in cases:
            spelt = known.get(case_key(case.case_id), case.case_id)
            if spelt != case.case_id:
                changed[case.case_id] = spelt
                case = replace(case, case_id=spelt)
            out.append(case)
        return out, changed

    def to_json(self) -> dict[str, object]:
        """Return the history as plain JSON-ready data with sorted keys."""
        extra: dict[str, object] = {}
        if self.open_audits:  # absent when empty, so older manifests keep their hash
            extra["open_audits"] = dict(sorted(self.open_audits.items()))
        return extra | {
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
        open_audits = data.get("open_audits") or {}
        assert isinstance(open_audits, dict)
        return cls(
            open_audits={str(k): str(v) for k, v in open_audits.items()},
            last_audited=dates("last_audited"),
            reaudit_due=dates("reaudit_due"),
            worker_last_audited=dates("worker_last_audited"),
            half_cycle_taken=frozenset(str(t) for t in taken),
        )

    def sha256(self) -> str:
        """Return a hash of the history, so a manifest can tell whether it was the same."""
        text = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    own_team_roles: tuple[str, ...] = ()
    sample_unassigned: bool = True

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
            raise SamplingError(
                "A simple round needs a number of cases or a percentage of open cases: --n 20 "
                "or --percent 10."
            )
        if self.kind == "thematic" and (not self.theme_column or not self.theme_values):
            raise SamplingError(
                "A thematic round needs a theme: the case list's column to match and the values "
                'to match, e.g. --theme-column "Latest Category of Abuse" --theme-value Neglect.'
            )
        if self.kind == "thematic" and not 1 <= self.theme_min <= self.theme_max:
            raise SamplingError(
                "The deep-dive size must satisfy 1 <= deep_dive_min <= deep_dive_max ([sampling] in "
                "qaf.toml)."
            )
        if self.kind == "half-cycle" and self.half not in ("first", "second"):
            raise SamplingError("A half-cycle round needs --half first or --half second.")
        if any(q < 0 for q in self.quotas.values()):
            raise SamplingError("Tier-one quotas must be 0 or more.")
        if self.exclusion_months is not None and self.exclusion_months < 0:
            raise SamplingError("exclusion_months ([sampling] in qaf.toml) must be 0 or more.")
        if self.worker_cycle_months < 1 or self.capacity_months < 1:
            raise SamplingError("worker_cycle_months and capacity_months must be 1 or more.")

    @property
    def effective_exclusion_months(self) -> int:
        """Months within which a past audit excludes a case (6, or 0 for half-cycle and reaudit)."""
        if self.exclusion_months is not None:
            return self.exclusion_months
        return 0 if self.kind in ("half-cycle", "reaudit", "closure") else 6

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
            "own_team_roles": list(self.own_team_roles),
            "sample_unassigned": self.sample_unassigned,
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
            own_team_roles=seq("own_team_roles"),
            sample_unassigned=bool(r.get("sample_unassigned", True)),
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
    planned_on: date = field(default_factory=lambda: clock.today())
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


def check_round_id(round_id: str) -> None:
    stem = round_id.split(".")[0].strip().casefold()
    if not _SAFE_ROUND_ID.match(round_id) or round_id.endswith((".", " ")) or stem in _RESERVED:
        raise SamplingError(
            f"Round id '{round_id}' cannot be used as a file name; use letters, digits, spaces, "
            "'-', '_' or '.', e.g. '2026-03-tier-one'."
        )


def exclusion_counts(excluded: Sequence[tuple[str, str]]) -> dict[str, int]:
    """How many cases each kind of reason left out ("closed": 3, …), most first."""
    kinds: Counter[str] = Counter()
    for _, reason in excluded:
        if reason.startswith("already in an open audit"):
            kinds["already in an open audit"] += 1
        elif reason.startswith("no allocated"):
            kinds["no team or worker"] += 1
        elif reason.startswith("audited on"):
            kinds["audited recently"] += 1
        elif reason.startswith("restricted"):
            kinds["restricted"] += 1
        elif reason.startswith("a contact"):
            kinds["contact only (no open case)"] += 1
        elif "closed" in reason:
            kinds["closed"] += 1
        elif reason.startswith("audited in the first half"):
            kinds["audited in the cycle's first half"] += 1
        else:
            kinds["other reasons"] += 1
    return dict(kinds.most_common())


def describe_exclusions(excluded: Sequence[tuple[str, str]]) -> str:
    if not excluded:
        return ""
    counts = exclusion_counts(excluded)
    return " (excluded: " + ", ".join(f"{n} {k}" for k, n in counts.items()) + ")"
