"""Tier one as B&NES runs it, closure audits, themes by the sheet's own header, and cases with no
team or worker: sampling rules that come from settings."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from qaf_docs.cases.case import Case, case_list_from_cases
from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.plan import AuditHistory, RoundSpec
from qaf_docs.cases.roster import Auditor
from qaf_docs.cases.rules import round_spec
from qaf_docs.cases.sampling import plan_round
from qaf_docs.demo.synthetic import synthetic_cases, synthetic_roster
from qaf_docs.errors import SamplingError
from qaf_docs.frameworks import load_framework
from qaf_docs.workspace import SamplingSettings

TODAY = date(2026, 3, 1)
ANNEX_A = Path(__file__).parent / "data" / "annex_a_sample.xlsx"


def bnes_round(kind: str, settings: SamplingSettings | None = None, seed: int = 5) -> RoundSpec:
    bnes = load_framework("tier-one-manager-audit")  # its managers audit their own team
    return round_spec(
        kind, settings or SamplingSettings(), seed=seed, framework_exclusion_months=6,
        framework_own_team_roles=bnes.sampling.own_team_roles,
    )  # fmt: skip


def tier_one(settings: SamplingSettings | None = None, seed: int = 5) -> RoundSpec:
    return bnes_round("tier-one", settings, seed)


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return synthetic_cases(2000, 20)


def with_team_manager(roster: list[Auditor]) -> list[Auditor]:
    dtm = next(a for a in roster if a.role == "Deputy Team Manager")
    return [*roster, Auditor("Terry Manager", "tm@council.example", "Team Manager", dtm.team, 1)]


def test_tier_one_allocates_as_bnes_describes(cases: list[Case]) -> None:
    roster = with_team_manager(synthetic_roster(20))
    plan = plan_round(
        case_list_from_cases(cases), roster, tier_one(), round_id="t1",
        history=AuditHistory(), today=TODAY,
    )  # fmt: skip
    got = Counter(a.auditor.name for a in plan.audits if a.auditor)
    quota = {"Deputy Team Manager": 1, "Team Manager": 1, "Service Manager": 1,
             "Principal Social Worker": 2, "Divisional Director": 2}  # fmt: skip
    for auditor in roster:
        assert got[auditor.name] == quota.get(auditor.role, 0), auditor
    for audit in plan.audits:
        assert audit.auditor is not None
        same_team = audit.case.team == audit.auditor.team
        # Managers audit their own workers' cases; senior managers never their own team's.
        assert same_team == (audit.auditor.role in ("Deputy Team Manager", "Team Manager"))
        assert audit.case.worker != audit.auditor.name
    assert not plan.unallocated
    assert "Team Manager" in " ".join(
        str(v)
        for v in plan.rules["spec"]["own_team_roles"]  # type: ignore[index]
    )


def test_a_deputy_team_manager_covers_the_worker_audited_longest_ago(cases: list[Case]) -> None:
    roster = synthetic_roster(20)
    dtm = next(a for a in roster if a.role == "Deputy Team Manager")
    workers = sorted({c.worker for c in cases if c.team == dtm.team and c.is_open and c.worker})
    assert len(workers) >= 2
    # Every worker but one was audited last month: the DTM's case is that one's.
    history = AuditHistory(worker_last_audited={w: date(2026, 2, 1) for w in workers[1:]})
    for seed in range(5):
        plan = plan_round(
            case_list_from_cases(cases), roster, tier_one(seed=seed), round_id="t1",
            history=history, today=TODAY,
        )  # fmt: skip
        [mine] = [a for a in plan.audits if a.auditor and a.auditor.name == dtm.name]
        assert mine.case.worker == workers[0]


def test_the_independence_rule_is_a_setting_per_round_kind(cases: list[Case]) -> None:
    roster = synthetic_roster(20)
    settings = SamplingSettings(own_team_roles={})
    plan = plan_round(
        case_list_from_cases(cases), roster, tier_one(settings), round_id="t1",
        history=AuditHistory(), today=TODAY,
    )  # fmt: skip
    assert all(a.auditor and a.case.team != a.auditor.team for a in plan.audits)


def test_closure_round_takes_every_closed_case_not_audited_since(cases: list[Case]) -> None:
    closed = [c for c in cases if not c.is_open and not c.restricted]
    audited = closed[0]
    assert audited.end_date is not None
    history = AuditHistory(last_audited={audited.case_id: audited.end_date})
    spec = round_spec("closure", SamplingSettings(), seed=1, framework_exclusion_months=6)
    plan = plan_round(
        case_list_from_cases(cases), [], spec, round_id="c1", history=history, today=TODAY
    )
    drawn = {a.case.case_id for a in plan.audits}
    assert drawn == {c.case_id for c in closed} - {audited.case_id}
    assert "since it closed" in dict(plan.excluded)[audited.case_id]


def test_open_audits_keep_children_out_of_every_round_kind(cases: list[Case]) -> None:
    held = {c.case_id: "2026-03-simple" for c in cases[:1500]}
    history = AuditHistory(open_audits=held)
    for kind in ("simple", "thematic", "half-cycle", "closure"):
        spec = round_spec(
            kind, SamplingSettings(), seed=2, framework_exclusion_months=6,
            n=5 if kind == "simple" else None, half="first" if kind == "half-cycle" else None,
            theme_column="Category of Abuse" if kind == "thematic" else None,
            theme_values=("Neglect",) if kind == "thematic" else (),
        )  # fmt: skip
        plan = plan_round(
            case_list_from_cases(cases), [], spec, round_id="r", history=history, today=TODAY
        )
        assert not {a.case.case_id for a in plan.audits} & held.keys(), kind


def test_theme_by_the_sheets_own_header() -> None:
    cases = read_case_list(ANNEX_A, today=TODAY)
    for column in ("Latest Category of Abuse", "category_of_abuse"):
        spec = round_spec(
            "thematic", SamplingSettings(), seed=1, framework_exclusion_months=6,
            theme_column=column, theme_values=("Physical abuse",),
        )  # fmt: skip
        plan = plan_round(cases, [], spec, round_id="t", history=AuditHistory(), today=TODAY)
        assert plan.audits, column
        assert all(a.case.attributes["category_of_abuse"] == "Physical abuse" for a in plan.audits)


def test_cases_with_no_team_or_worker_are_reported_and_a_setting_decides() -> None:
    cases = read_case_list(ANNEX_A, today=TODAY)
    no_team = {c.case_id for c in cases.children() if c.is_open and not (c.team and c.worker)}
    assert no_team
    for allowed in (True, False):
        spec = round_spec(
            "simple", SamplingSettings(sample_unassigned=allowed), seed=1,
            framework_exclusion_months=6, percent=100,
        )  # fmt: skip
        plan = plan_round(cases, [], spec, round_id="s", history=AuditHistory(), today=TODAY)
        assert any("no allocated team or worker" in w for w in plan.warnings)
        drawn = {a.case.case_id for a in plan.audits}
        assert bool(drawn & no_team) is allowed


def test_deep_dive_size_and_quotas_come_from_settings(cases: list[Case]) -> None:
    settings = SamplingSettings(deep_dive_min=5, deep_dive_max=8)
    spec = round_spec(
        "thematic", settings, seed=1, framework_exclusion_months=6,
        theme_column="Category of Abuse", theme_values=("Neglect",),
    )  # fmt: skip
    plan = plan_round(
        case_list_from_cases(cases), [], spec, round_id="t", history=AuditHistory(), today=TODAY
    )
    assert len(plan.audits) == 8
    with pytest.raises(ValueError, match="deep_dive_min"):
        SamplingSettings(deep_dive_min=9, deep_dive_max=8)
    with pytest.raises(ValueError, match="0 or more"):
        SamplingSettings(quotas={"Team Manager": -1})


def test_a_misspelt_quota_role_is_refused(cases: list[Case]) -> None:
    roster = synthetic_roster(20)
    settings = SamplingSettings(quotas={"Deputy Team Managers": 1, "Service Manager": 1})
    with pytest.raises(SamplingError, match="Did you mean 'Deputy Team Manager'"):
        plan_round(
            case_list_from_cases(cases), roster, tier_one(settings), round_id="t1",
            history=AuditHistory(), today=TODAY,
        )  # fmt: skip
    # A standard role the council simply does not have is not an error.
    no_dd = [a for a in roster if a.role != "Divisional Director"]
    plan = plan_round(
        case_list_from_cases(cases), no_dd, tier_one(), round_id="t1",
        history=AuditHistory(), today=TODAY,
    )  # fmt: skip
    assert plan.audits


def test_deputy_team_managers_audit_their_own_teams_closures(cases: list[Case]) -> None:
    roster = synthetic_roster(20, capacity_scale=200)
    spec = bnes_round("closure", seed=1)
    plan = plan_round(
        case_list_from_cases(cases), roster, spec, round_id="c", history=AuditHistory(), today=TODAY
    )
    assert plan.audits and not plan.unallocated
    for audit in plan.audits:
        assert audit.auditor is not None
        assert audit.auditor.role == "Deputy Team Manager"
        assert audit.auditor.team == audit.case.team


def test_a_closure_case_whose_team_has_no_deputy_team_manager_goes_elsewhere_and_says_so(
    cases: list[Case],
) -> None:
    full = synthetic_roster(20, capacity_scale=200)
    gone = next(a for a in full if a.role == "Deputy Team Manager")
    roster = [a for a in full if a is not gone]
    spec = bnes_round("closure", seed=1)
    plan = plan_round(
        case_list_from_cases(cases), roster, spec, round_id="c", history=AuditHistory(), today=TODAY
    )
    assert plan.audits and not plan.unallocated
    theirs = [a for a in plan.audits if a.case.team == gone.team]
    assert theirs
    for audit in plan.audits:
        assert audit.auditor is not None
        if audit.case.team == gone.team:
            assert audit.auditor.team != gone.team  # nobody else audits their own team
        else:
            assert (audit.auditor.role, audit.auditor.team) == (
                "Deputy Team Manager",
                audit.case.team,
            )
    [note] = [w for w in plan.warnings if "Closure audits go to" in w]
    assert f"the roster lists no Deputy Team Manager for team '{gone.team}'" in note
    assert f"its {len(theirs)} cases go to auditors from other teams" in note


def test_a_deputy_team_manager_with_no_capacity_left_is_named_in_the_closure_note(
    cases: list[Case],
) -> None:
    roster = synthetic_roster(20, capacity_scale=200)
    dtm = next(a for a in roster if a.role == "Deputy Team Manager")
    spec = bnes_round("closure", seed=1)
    plan = plan_round(
        case_list_from_cases(cases), roster, spec, round_id="c", history=AuditHistory(),
        today=TODAY, auditor_load={dtm.name: 10_000},
    )  # fmt: skip
    assert not any(a.auditor == dtm for a in plan.audits)
    [note] = [w for w in plan.warnings if "Closure audits go to" in w]
    assert f"team '{dtm.team}''s Deputy Team Manager ({dtm.name}) has no capacity left" in note
