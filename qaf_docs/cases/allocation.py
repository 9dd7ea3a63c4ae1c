"""Give each sampled case to an auditor: not their own team's, within capacity, load balanced.

The rules, in order of strength:

1. an auditor never audits a case of their own team, nor a case where they are the allocated worker;
2. an auditor never gets more audits than their capacity for the round;
3. load is balanced: each case goes to the eligible auditor with the lowest load for their capacity
   (ties broken by a seeded shuffle, so nobody is always first in line).

Cases whose team has the fewest auditors able to take them are placed first. When a case still finds
nobody, audits already placed are shifted along a chain of auditors to make room (an augmenting
path, as in bipartite matching), so a case is only left unallocated when no arrangement at all could
place it. Those cases are returned with a plain-English reason; none is dropped.
"""

from __future__ import annotations

import hashlib
import heapq
import random
from collections import Counter, defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qaf_docs.cases.case import Case, id_sort_key
from qaf_docs.cases.roster import Auditor, fold_name, fold_person
from qaf_docs.errors import AllocationError

__all__ = ["AllocationResult", "allocate", "can_audit", "capacity_left", "seeded_rng"]


def seeded_rng(seed: int, *labels: str) -> random.Random:
    """Return a random generator for ``seed`` and a purpose label, identical in every process."""
    digest = hashlib.sha256("\x1f".join([str(seed), *labels]).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def can_audit(auditor: Auditor, case: Case) -> bool:
    """Say whether ``auditor`` may audit ``case``: not a case of a team they belong to or manage,
    nor their own case."""
    if case.team and fold_name(case.team) in auditor.teams():
        return False
    return not (case.worker and fold_person(case.worker) == fold_person(auditor.name))


def capacity_left(
    auditors: Sequence[Auditor], load: Mapping[str, int], months: int
) -> dict[str, int]:
    """Each auditor's capacity for a round of ``months`` months, less the audits ``load`` (name as
    the register recorded it -> audits this month) says they already have.

    The register keeps the name as the roster spelled it when the audit was allocated; a roster
    tidied since ("ann  smith" to "Ann Smith") is the same person, with the same month's audits.
    """
    held: Counter[str] = Counter()
    for name, count in load.items():
        held[fold_name(name)] += count
    return {a.name: max(0, a.monthly_capacity * months - held[fold_name(a.name)]) for a in auditors}


@dataclass
class AllocationResult:
    """Who audits which case, the load each auditor ends with, and the cases nobody could take."""

    assignments: dict[str, Auditor]
    unallocated: list[tuple[Case, str]]
    loads: dict[str, int]
    capacity: dict[str, int]


# Cases that the same auditors may take form one class: (team, worker-if-they-are-on-the-roster).
_Class = tuple[str | None, str | None]


def allocate(
    cases: Sequence[Case],
    auditors: Sequence[Auditor],
    *,
    seed: int,
    capacity: Mapping[str, int] | None = None,
) -> AllocationResult:
    """Allocate ``cases`` to ``auditors`` within ``capacity`` (name -> audits; default: monthly).

    Raises :class:`AllocationError` when two auditors share a name (loads are kept by name).
    """
    names = Counter(fold_name(a.name) for a in auditors)
    twice = sorted(n for n, k in names.items() if k > 1)
    if twice:
        raise AllocationError(
            f"The roster lists '{twice[0]}' more than once; give each auditor one row."
        )
    cap = {
        a.name: max(0, capacity.get(a.name, 0) if capacity is not None else a.monthly_capacity)
        for a in auditors
    }
    # Sorted by name, so nothing below depends on the order of the roster's rows.
    active = sorted((a for a in auditors if cap[a.name] > 0), key=lambda a: fold_name(a.name))
    rng = seeded_rng(seed, "allocation")
    order = list(active)
    rng.shuffle(order)
    rank = {a.name: i for i, a in enumerate(order)}
    by_name = {a.name: a for a in active}
    auditor_names = {fold_name(a.name) for a in active}

    def class_of(case: Case) -> _Class:
        team = fold_name(case.team) if case.team else None
        worker = fold_name(case.worker) if case.worker else None
        return (team, worker if worker in auditor_names else None)

    classes: dict[_Class, list[Case]] = defaultdict(list)
    for case in sorted(cases, key=lambda c: id_sort_key(c.case_id)):
        classes[class_of(case)].append(case)
    eligible: dict[_Class, list[Auditor]] = {
        k: [a for a in active if can_audit(a, v[0])] for k, v in classes.items()
    }
    # Most constrained first: least spare capacity outside the team per case to place.
    class_order = sorted(
        classes,
        key=lambda k: (
            sum(cap[a.name] for a in eligible[k]) / len(classes[k]),
            k[0] or "",
            k[1] or "",
        ),
    )

    load: dict[str, int] = {a.name: 0 for a in active}
    held: dict[str, Counter[_Class]] = {a.name: Counter() for a in active}
    assigned: dict[str, Auditor] = {}
    holder_cases: dict[tuple[str, _Class], list[str]] = defaultdict(list)
    heap = [(0.0, 0, rank[a.name], a.name) for a in active]
    heapq.heapify(heap)
    waiting: list[tuple[Case, _Class]] = []

    for klass in class_order:
        ok_names = {a.name for a in eligible[klass]}
        for case in classes[klass]:
            skipped = []
            chosen: str | None = None
            while heap:
                entry = heapq.heappop(heap)
                name = entry[3]
                if load[name] >= cap[name]:
                    continue  # full: drop it from the heap for good
                if name in ok_names:
                    chosen = name
                    break
                skipped.append(entry)
            for entry in skipped:
                heapq.heappush(heap, entry)
            if chosen is None:
                waiting.append((case, klass))
                continue
            _place(case, klass, chosen, by_name, load, held, assigned, holder_cases)
            if load[chosen] < cap[chosen]:
                heapq.heappush(
                    heap, (load[chosen] / cap[chosen], load[chosen], rank[chosen], chosen)
                )

    unallocated: list[tuple[Case, str]] = []
    failed: set[_Class] = set()
    for case, klass in waiting:
        if klass not in failed and _augment(
            case, klass, eligible, cap, load, held, assigned, holder_cases, by_name
        ):
            continue
        failed.add(klass)
        unallocated.append((case, _reason(case, eligible[klass], auditors, cap)))

    return AllocationResult(
        assignments=assigned,
        unallocated=unallocated,
        loads={a.name: load.get(a.name, 0) for a in auditors},
        capacity=cap,
    )


def _place(
    case: Case,
    klass: _Class,
    name: str,
    by_name: Mapping[str, Auditor],
    load: dict[str, int],
    held: dict[str, Counter[_Class]],
    assigned: dict[str, Auditor],
    holder_cases: dict[tuple[str, _Class], list[str]],
) -> None:
    assigned[case.case_id] = by_name[name]
    load[name] += 1
    held[name][klass] += 1
    holder_cases[(name, klass)].append(case.case_id)


def _augment(
    case: Case,
    klass: _Class,
    eligible: Mapping[_Class, list[Auditor]],
    cap: Mapping[str, int],
    load: dict[str, int],
    held: dict[str, Counter[_Class]],
    assigned: dict[str, Auditor],
    holder_cases: dict[tuple[str, _Class], list[str]],
    by_name: Mapping[str, Auditor],
) -> bool:
    """Find a chain of auditors to shift audits along so ``case`` fits; apply it and return True."""
    eligible_names = {k: [a.name for a in v] for k, v in eligible.items()}
    parent: dict[str, tuple[str | None, _Class | None]] = {}
    queue: deque[str] = deque()
    for name in eligible_names[klass]:
        parent[name] = (None, None)
        queue.append(name)
    end: str | None = None
    while queue:
        a = queue.popleft()
        if load[a] < cap[a]:
            end = a
            break
        for held_class, count in sorted(
            held[a].items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or "")
        ):
            if count <= 0:
                continue
            for b in eligible_names.get(held_class, []):
                if b not in parent:
                    parent[b] = (a, held_class)
                    queue.append(b)
    if end is None:
        return False
    # Walk back: each step moves one case of `moved` from the previous auditor to the next one.
    node = end
    while True:
        prev, moved = parent[node]
        if prev is None or moved is None:
            break
        case_id = holder_cases[(prev, moved)].pop()
        held[prev][moved] -= 1
        load[prev] -= 1
        assigned[case_id] = by_name[node]
        held[node][moved] += 1
        load[node] += 1
        holder_cases[(node, moved)].append(case_id)
        node = prev
    _place(case, klass, node, by_name, load, held, assigned, holder_cases)
    return True


def _reason(
    case: Case, eligible: list[Auditor], auditors: Sequence[Auditor], cap: Mapping[str, int]
) -> str:
    with_capacity = [a for a in auditors if cap.get(a.name, 0) > 0]
    team = f"'{case.team}'" if case.team else "its team"
    if not with_capacity:
        return "no auditor on the roster has capacity left for this round; add auditors or capacity"
    if not eligible:
        if case.worker and any(fold_name(a.name) == fold_name(case.worker) for a in with_capacity):
            return (
                f"the only auditors with capacity are in team {team}, manage it or are the "
                "case's allocated worker; add an auditor from another team"
            )
        return (
            f"every auditor with capacity is in team {team} or manages it, and nobody audits "
            "their own team's cases; add an auditor from another team"
        )
    outside = f" outside team {team}" if case.team else ""
    return (
        f"all {len(eligible)} auditor(s){outside} are at capacity; raise their capacity or add "
        "auditors"
    )
