"""Invariants of sampling and allocation, checked on many generated case lists and rosters."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qaf_docs.cases.allocation import allocate, can_audit
from qaf_docs.cases.case import Case, CaseList, CaseType, case_list_from_cases
from qaf_docs.cases.plan import AuditHistory, RoundSpec
from qaf_docs.cases.roster import Auditor
from qaf_docs.cases.sampling import plan_round
from qaf_docs.errors import SamplingError

TODAY = date(2026, 3, 1)
TEAMS = ["North", "South", "East", "West", None]
WORKERS = ["Ann Lee", "Bo Chan", "Cy Dee", "Di Eve", None]
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def case_lists(draw: st.DrawFn, min_size: int = 0, max_size: int = 40) -> CaseList:
    ids = draw(st.lists(st.integers(1, 500), min_size=min_size, max_size=max_size, unique=True))
    cases = []
    for i in ids:
        episodes = draw(st.integers(1, 2))  # the same child twice, with different start dates
        for e in range(episodes):
            cases.append(
                Case(
                    case_id=str(i),
                    team=draw(st.sampled_from(TEAMS)),
                    worker=draw(st.sampled_from(WORKERS)),
                    case_type=draw(st.sampled_from(list(CaseType))),
                    is_open=draw(st.booleans()) or e > 0,
                    start_date=TODAY - timedelta(days=10 + e * 100),
                    end_date=None,
                    sources=(f"List {6 + e}",),
                    restricted=draw(st.integers(0, 20)) == 0,
                    attributes={"theme": draw(st.sampled_from(["Neglect", "Physical abuse"]))},
                )
            )
    return case_list_from_cases(cases)


ROLES = ["Deputy Team Manager", "Service Manager", "Principal Social Worker", "QA Auditor"]


@st.composite
def rosters(draw: st.DrawFn, max_size: int = 8) -> list[Auditor]:
    size = draw(st.integers(0, max_size))
    names = ["Ann Lee", "Bo Chan"] + [f"Auditor {i}" for i in range(size)]
    chosen = draw(st.lists(st.sampled_from(names), min_size=size, max_size=size, unique=True))
    return [
        Auditor(
            name,
            f"a{i}@x.org",
            draw(st.sampled_from(ROLES)),
            draw(st.sampled_from([*TEAMS, "QA"])),
            draw(st.integers(0, 6)),
        )
        for i, name in enumerate(chosen)
    ]


@st.composite
def histories(draw: st.DrawFn) -> AuditHistory:
    ids = [str(i) for i in draw(st.lists(st.integers(1, 500), max_size=15))]
    return AuditHistory(
        last_audited={i: TODAY - timedelta(days=draw(st.integers(1, 400))) for i in ids[::2]},
        reaudit_due={i: TODAY - timedelta(days=draw(st.integers(-30, 30))) for i in ids[1::3]},
        worker_last_audited={
            w: TODAY - timedelta(days=draw(st.integers(1, 400))) for w in WORKERS[:2] if w
        },
    )


specs = st.one_of(
    st.builds(
        RoundSpec,
        kind=st.just("simple"),
        seed=st.integers(0, 10**6),
        percent=st.sampled_from([10.0, 50.0, 100.0]),
        stratify_by=st.sampled_from([(), ("team",), ("case_type",), ("team", "case_type")]),
        include_restricted=st.booleans(),
    ),
    st.builds(
        RoundSpec,
        kind=st.just("tier-one"),
        seed=st.integers(0, 10**6),
        quotas=st.just({"Deputy Team Manager": 1, "Service Manager": 2}),
    ),
    st.builds(
        RoundSpec,
        kind=st.just("thematic"),
        seed=st.integers(0, 10**6),
        theme_column=st.just("theme"),
        theme_values=st.just(("neglect",)),
        theme_min=st.just(3),
        theme_max=st.just(8),
    ),
    st.builds(
        RoundSpec, kind=st.just("half-cycle"), seed=st.integers(0, 10**6), half=st.just("first")
    ),
    st.builds(RoundSpec, kind=st.just("reaudit"), seed=st.integers(0, 10**6)),
)


def draw_plan(case_list, roster, spec, history, load=None):
    try:
        return plan_round(
            case_list, roster, spec, round_id="p", history=history, today=TODAY,
            auditor_load=load,
        )  # fmt: skip
    except SamplingError:
        return None  # asking for more than there is: an error, never a short or padded round


@PROPERTY
@given(case_lists(), rosters(), specs, histories())
def test_round_invariants(case_list, roster, spec, history):
    plan = draw_plan(case_list, roster, spec, history)
    if plan is None:
        return
    ids = plan.case_ids()
    # no duplicates in a round, even when a child has two episodes
    assert len(ids) == len(set(ids))
    # only open cases, and restricted ones only when asked for
    assert all(a.case.is_open for a in plan.audits)
    assert spec.include_restricted or not any(a.case.restricted for a in plan.audits)
    # the own-team rule is never broken
    for a in plan.audits:
        if a.auditor is not None:
            assert can_audit(a.auditor, a.case)
    # capacity is never exceeded (a tier-one quota is a capacity too)
    loads = Counter(a.auditor.name for a in plan.audits if a.auditor)
    for auditor in roster:
        limit = auditor.monthly_capacity
        if spec.kind == "tier-one":
            limit = min(limit, spec.quotas.get(auditor.role, 0))
        assert loads[auditor.name] <= limit
    # nothing dropped: every sampled case is allocated or listed with a reason
    unallocated = {c.case_id for c, reason in plan.unallocated if reason}
    assert unallocated == {a.case.case_id for a in plan.audits if a.auditor is None}
    # excluded cases are not in the round
    assert not {i for i, _ in plan.excluded} & set(ids)


@PROPERTY
@given(case_lists(), rosters(), specs, histories(), st.randoms(use_true_random=False))
def test_same_seed_same_sample_whatever_the_input_order(case_list, roster, spec, history, rnd):
    shuffled_cases = list(case_list.cases)
    rnd.shuffle(shuffled_cases)
    shuffled_roster = list(roster)
    rnd.shuffle(shuffled_roster)
    a = draw_plan(case_list, roster, spec, history)
    b = draw_plan(case_list_from_cases(shuffled_cases), shuffled_roster, spec, history)
    if a is None or b is None:
        assert a is None and b is None
        return
    assert [(x.case.case_id, x.auditor) for x in a.audits] == [
        (x.case.case_id, x.auditor) for x in b.audits
    ]
    assert a.excluded == b.excluded and a.unallocated == b.unallocated


@PROPERTY
@given(case_lists(min_size=1), case_lists(), st.integers(0, 10**6), st.integers(0, 10**6))
def test_half_cycles_are_disjoint_and_complete(first_list, newcomers, seed1, seed2):
    first = draw_plan(
        first_list, [], RoundSpec("half-cycle", seed=seed1, half="first"), AuditHistory()
    )
    if first is None:
        assert not any(c.is_open and not c.restricted for c in first_list.children())
        return
    taken = set(first.case_ids())
    eligible = {c.case_id for c in first_list.children() if c.is_open and not c.restricted}
    assert len(taken) == -(-len(eligible) // 2)
    # Six months on: the same cases plus new ones (ids that were not on the first list).
    old_ids = {c.case_id for c in first_list.cases}
    later = case_list_from_cases(
        [*first_list.cases, *(c for c in newcomers.cases if c.case_id not in old_ids)]
    )
    history = AuditHistory(half_cycle_taken=frozenset(taken))
    second = draw_plan(later, [], RoundSpec("half-cycle", seed=seed2, half="second"), history)
    assert second is not None
    again = set(second.case_ids())
    open_now = {c.case_id for c in later.children() if c.is_open and not c.restricted}
    assert not taken & again  # disjoint
    assert again == open_now - taken  # complete: everything still open and not yet audited


def max_allocation(cases: list[Case], auditors: list[Auditor]) -> int:
    """The most cases any arrangement can allocate (augmenting paths, by brute force)."""
    slots = [(a, k) for a in auditors for k in range(a.monthly_capacity)]
    match: dict[int, int] = {}

    def try_case(ci: int, seen: set[int]) -> bool:
        for si, (a, _) in enumerate(slots):
            if si in seen or not can_audit(a, cases[ci]):
                continue
            seen.add(si)
            if si not in match or try_case(match[si], seen):
                match[si] = ci
                return True
        return False

    return sum(try_case(ci, set()) for ci in range(len(cases)))


@PROPERTY
@given(case_lists(max_size=15), rosters(max_size=5), st.integers(0, 1000))
def test_allocation_places_as_many_cases_as_any_arrangement_could(case_list, roster, seed):
    cases = case_list.children()
    result = allocate(cases, roster, seed=seed)
    assert len(result.assignments) == max_allocation(cases, roster)
    assert len(result.assignments) + len(result.unallocated) == len(cases)
    for name, load in result.loads.items():
        assert load <= result.capacity[name]
