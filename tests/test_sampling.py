"""Sampling rounds: every kind, its defaults, exclusions and the errors that say what to change."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from qaf_docs.cases.case import Case, CaseList, CaseType, case_list_from_cases
from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.plan import AuditHistory, RoundSpec
from qaf_docs.cases.roster import Auditor
from qaf_docs.cases.sampling import plan_round
from qaf_docs.dates import add_months
from qaf_docs.demo.synthetic import synthetic_case_list, synthetic_roster
from qaf_docs.errors import SamplingError

TODAY = date(2026, 3, 1)
ANNEX_A = Path(__file__).resolve().parent / "data" / "annex_a_sample.xlsx"
EMPTY = AuditHistory()


def case(
    case_id: str,
    team: str | None = "North",
    worker: str | None = None,
    *,
    case_type: CaseType = CaseType.CIN,
    is_open: bool = True,
    restricted: bool = False,
    **attributes: str,
) -> Case:
    return Case(
        case_id,
        team,
        worker,
        case_type,
        is_open,
        date(2025, 1, 1),
        None,
        ("test",),
        restricted=restricted,
        attributes=attributes,
    )


def auditor(
    name: str, team: str | None = "QA", capacity: int = 50, role: str = "QA Auditor"
) -> Auditor:
    return Auditor(name, f"{name.lower()}@council.example", role, team, capacity)


def cases_in_teams(sizes: dict[str, int]) -> CaseList:
    cases = []
    for team, size in sizes.items():
        cases += [case(f"{team[0]}{i}", team, f"{team} worker {i % 3}") for i in range(size)]
    return case_list_from_cases(cases)


def plan(case_list: CaseList, spec: RoundSpec, roster=None, history=EMPTY, **kw):
    return plan_round(
        case_list,
        [auditor("Quinn")] if roster is None else roster,
        spec,
        round_id="test-round",
        history=history,
        today=TODAY,
        **kw,
    )


@pytest.fixture(scope="module")
def big() -> CaseList:
    return synthetic_case_list(2000, 20, seed=7, today=TODAY)


# -- simple ----------------------------------------------------------------------------------------


def test_simple_n_draws_n_distinct_open_cases():
    case_list = cases_in_teams({"North": 30, "South": 30})
    result = plan(case_list, RoundSpec("simple", seed=1, n=12))
    ids = result.case_ids()
    assert len(ids) == len(set(ids)) == 12
    assert all(a.auditor is not None for a in result.audits)
    # 20 days after 1 March is Saturday 21 March: due on the Monday, the next working day.
    assert all(a.due_on == date(2026, 3, 23) for a in result.audits)


@pytest.mark.parametrize(
    ("drawn", "due"),
    [
        (date(2026, 1, 5), date(2026, 1, 26)),  # a Monday's round: 20 days on is a Sunday
        (date(2026, 12, 7), date(2026, 12, 29)),  # Sunday 27th, then the Boxing Day holiday
        (date(2026, 3, 2), date(2026, 3, 23)),  # already a working day (20 days on): unchanged
    ],
)
def test_an_audit_is_never_due_back_on_a_weekend_or_bank_holiday(drawn: date, due: date) -> None:
    # A form returned on the next working day was counted late and reminded about on Monday.
    case_list = cases_in_teams({"North": 30, "South": 30})
    result = plan_round(
        case_list,
        [auditor("Quinn")],
        RoundSpec("simple", seed=1, n=4),
        round_id="r",
        history=EMPTY,
        today=drawn,
    )
    assert {a.due_on for a in result.audits} == {due}


@pytest.mark.parametrize(("percent", "expected"), [(10, 10), (5, 5), (0.1, 1), (100, 95)])
def test_simple_percent_of_open_cases(percent, expected):
    case_list = cases_in_teams({"North": 95})
    assert len(plan(case_list, RoundSpec("simple", seed=1, percent=percent)).audits) == expected


def test_stratified_by_team_is_proportional():
    case_list = cases_in_teams({"North": 50, "South": 30, "West": 20})
    result = plan(case_list, RoundSpec("simple", seed=3, n=10, stratify_by=("team",)))
    assert result.counts_by("team") == {"North": 5, "South": 3, "West": 2}


def test_stratified_by_team_and_case_type():
    cases = [case(f"a{i}", "North", case_type=CaseType.CP) for i in range(10)]
    cases += [case(f"b{i}", "North", case_type=CaseType.CLA) for i in range(10)]
    cases += [case(f"c{i}", "South", case_type=CaseType.CP) for i in range(20)]
    result = plan(
        case_list_from_cases(cases),
        RoundSpec("simple", seed=3, n=8, stratify_by=("team", "case_type")),
    )
    by = Counter((a.case.team, a.case.case_type) for a in result.audits)
    assert by == {("North", CaseType.CP): 2, ("North", CaseType.CLA): 2, ("South", CaseType.CP): 4}


def test_quota_larger_than_eligible_says_what_to_change():
    cases = [case(str(i)) for i in range(10)] + [case("r", restricted=True)]
    history = AuditHistory(last_audited={"1": date(2026, 1, 5)})
    with pytest.raises(SamplingError) as info:
        plan(case_list_from_cases(cases), RoundSpec("simple", seed=1, n=20), history=history)
    message = str(info.value)
    assert "Asked for 20 case(s) (n=20) but only 9 are eligible" in message
    assert "1 audited recently" in message and "1 restricted" in message
    assert "Ask for 9 or fewer" in message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "simple"}, "needs a number of cases or a percentage of open cases: --n 20 or"),
        ({"kind": "simple", "n": 3, "percent": 5.0}, "not both"),
        ({"kind": "simple", "n": 0}, "1 or more"),
        ({"kind": "simple", "percent": 150.0}, "at most 100"),
        ({"kind": "simple", "n": 3, "stratify_by": ("worker",)}, "Cannot stratify by 'worker'"),
        ({"kind": "thematic"}, "needs a theme.*e.g. --theme-column .* --theme-value Neglect"),
        ({"kind": "half-cycle"}, "--half first or --half second"),
        ({"kind": "monthly"}, "Unknown round kind 'monthly'"),
        ({"kind": "tier-one", "quotas": {"Service Manager": -1}}, "0 or more"),
    ],
)
def test_bad_round_settings_are_one_line_errors(kwargs, message):
    with pytest.raises(SamplingError, match=message) as info:
        RoundSpec(seed=1, **kwargs)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("round_id", ["CON", "a:b", "", "round/1", "x" * 80, "trailing."])
def test_round_ids_must_be_safe_file_names(round_id):
    with pytest.raises(SamplingError, match="cannot be used as a file name"):
        plan_round(
            cases_in_teams({"North": 3}),
            [],
            RoundSpec("simple", seed=1, n=1),
            round_id=round_id,
            history=EMPTY,
            today=TODAY,
        )


# -- exclusions ------------------------------------------------------------------------------------


def test_recently_audited_closed_and_restricted_cases_are_excluded_with_reasons():
    cases = [
        case("1"),
        case("2", is_open=False),
        case("3", restricted=True),
        case("4"),
        case("5"),
        case("6"),
    ]
    history = AuditHistory(
        last_audited={"4": date(2025, 12, 1), "5": date(2025, 6, 1), "6": date(2026, 1, 1)},
        reaudit_due={"6": date(2026, 2, 1)},
    )
    result = plan(case_list_from_cases(cases), RoundSpec("simple", seed=1, n=3), history=history)
    assert sorted(result.case_ids()) == ["1", "5", "6"]  # 6 is due a re-audit, so not excluded
    reasons = dict(result.excluded)
    assert reasons["2"] == "case is closed"
    assert reasons["3"] == "restricted record; restricted records are left out of this round"
    # The manifest's Excluded sheet is read by people: the date is day/month/year.
    assert reasons["4"] == "audited on 01/12/2025, within the last 6 month(s)"


def test_restricted_cases_included_on_request_are_flagged():
    cases = [case("1", restricted=True), case("2")]
    spec = RoundSpec("simple", seed=1, n=2, include_restricted=True)
    result = plan(case_list_from_cases(cases), spec)
    assert sorted(result.case_ids()) == ["1", "2"]
    assert any("restricted record(s) are in this round (1)" in w for w in result.warnings)


@pytest.mark.parametrize(("months", "excluded"), [(0, False), (1, False), (3, True)])
def test_exclusion_months_is_a_setting(months, excluded):
    history = AuditHistory(last_audited={"1": date(2026, 1, 15)})
    spec = RoundSpec("simple", seed=1, percent=100, exclusion_months=months)
    result = plan(case_list_from_cases([case("1"), case("2")]), spec, history=history)
    assert ("1" not in result.case_ids()) is excluded


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 8, 31), -6, date(2026, 2, 28)),
        (date(2026, 1, 15), 12, date(2027, 1, 15)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


# -- tier one -----------------------------------------------------------------------------------


def tier_one_roster() -> list[Auditor]:
    return [
        auditor("Dee", "North", 3, "Deputy Team Manager"),
        auditor("Dom", "South", 3, "deputy team manager"),
        auditor("Dora", None, 5, "Divisional Director"),
        auditor("Sam", "West", 3, "Service Manager"),
        auditor("Pat", None, 5, "Principal Social Worker"),
        auditor("Quinn", "QA", 9, "QA Auditor"),
    ]


def test_tier_one_gives_each_role_its_quota():
    case_list = cases_in_teams({"North": 20, "South": 20, "West": 20})
    result = plan(case_list, RoundSpec("tier-one", seed=2), roster=tier_one_roster())
    assert result.counts_by("auditor") == {"Dee": 1, "Dom": 1, "Dora": 2, "Pat": 2, "Sam": 1}
    assert any("no tier-one quota (QA Auditor)" in w for w in result.warnings)


def test_tier_one_covers_workers_longest_unaudited_first():
    case_list = cases_in_teams({"North": 30, "South": 30})  # six workers, three per team
    workers = sorted({c.worker for c in case_list.cases if c.worker})
    history = AuditHistory(
        worker_last_audited={
            workers[0]: date(2026, 2, 1),
            workers[1]: date(2025, 1, 1),
            workers[2]: date(2025, 12, 1),
            workers[3]: date(2026, 2, 20),
            workers[4]: date(2024, 6, 1),
        }
    )
    spec = RoundSpec("tier-one", seed=4, quotas={"Service Manager": 1})
    roster = [auditor(n, "QA", 1, "Service Manager") for n in ("A", "B", "C")]
    result = plan(case_list, spec, roster=roster, history=history)
    # Never audited first, then the oldest dates.
    assert {a.case.worker for a in result.audits} == {workers[5], workers[4], workers[1]}


def test_tier_one_warns_when_quotas_cannot_cover_overdue_workers():
    case_list = cases_in_teams({"North": 30, "South": 30})
    spec = RoundSpec("tier-one", seed=4, quotas={"Service Manager": 1})
    result = plan(case_list, spec, roster=[auditor("A", "QA", 1, "Service Manager")])
    assert any(
        "6 social worker(s) have had no case audited in the last 6 months" in w
        and "Raise quotas or add auditors" in w
        for w in result.warnings
    )


def test_tier_one_quota_larger_than_eligible_is_an_error():
    case_list = cases_in_teams({"North": 3})
    with pytest.raises(
        SamplingError, match=r"Asked for 7 case\(s\) \(the tier-one quotas\) but only 3"
    ):
        plan(case_list, RoundSpec("tier-one", seed=1), roster=tier_one_roster())


def test_tier_one_without_quota_roles_says_what_to_fix():
    with pytest.raises(
        SamplingError, match=r"No auditor on the roster has a tier-one quota.*QA Auditor"
    ):
        plan(cases_in_teams({"North": 9}), RoundSpec("tier-one", seed=1), roster=[auditor("Quinn")])


# -- thematic ------------------------------------------------------------------------------------


def test_thematic_takes_only_matching_cases_spread_across_teams(big):
    spec = RoundSpec(
        "thematic", seed=5, theme_column="Category of Abuse", theme_values=("neglect",)
    )
    result = plan(big, spec, roster=synthetic_roster(20, seed=7))
    assert 20 <= len(result.audits) <= 30
    assert all(a.case.attributes["category_of_abuse"] == "Neglect" for a in result.audits)
    taken = Counter(a.case.team for a in result.audits)
    matching = Counter(
        c.team
        for c in big.children()
        if c.is_open and not c.restricted and c.attributes.get("category_of_abuse") == "Neglect"
    )
    # Every team is represented before any team gets a second case, unless it has no more to give.
    not_exhausted = [taken[t] for t in matching if taken[t] < matching[t]]
    assert max(taken.values()) - min(not_exhausted) <= 1


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("primary_need", ("N1",)),
        ("primary_need", ("Abuse or Neglect",)),
        ("case_type", ("CLA",)),
        ("team", ("Children in Care Team 1",)),
    ],
)
def test_theme_filters_by_column_value_code_or_type(big, column, values):
    spec = RoundSpec("thematic", seed=5, theme_column=column, theme_values=values, n=10)
    result = plan(big, spec, roster=[])
    assert len(result.audits) == 10
    for a in result.audits:
        if column == "primary_need":
            assert a.case.attributes["primary_need"] == "N1 - Abuse or Neglect"
        elif column == "case_type":
            assert a.case.case_type is CaseType.CLA
        else:
            assert a.case.team == "Children in Care Team 1"


def test_thematic_with_few_matches_warns_and_takes_them_all():
    cases = [case(str(i), theme="Domestic abuse") for i in range(5)] + [case("x", theme="Neglect")]
    spec = RoundSpec("thematic", seed=1, theme_column="theme", theme_values=("domestic abuse",))
    result = plan(case_list_from_cases(cases), spec)
    assert sorted(result.case_ids()) == ["0", "1", "2", "3", "4"]
    assert any("Only 5 eligible case(s) match" in w and "20–30" in w for w in result.warnings)


def test_unknown_theme_column_lists_the_columns_there_are():
    spec = RoundSpec("thematic", seed=1, theme_column="Colour", theme_values=("red",))
    with pytest.raises(SamplingError, match=r"No case has a 'Colour' column.*case_type"):
        plan(cases_in_teams({"North": 3}), spec)


def test_theme_nothing_matches_is_an_error():
    spec = RoundSpec("thematic", seed=1, theme_column="team", theme_values=("Nowhere",))
    with pytest.raises(SamplingError, match="No eligible case matches the theme team = Nowhere"):
        plan(cases_in_teams({"North": 3}), spec)


# -- half-cycle ----------------------------------------------------------------------------------


def test_half_cycles_are_disjoint_complete_and_take_new_cases(big):
    first = plan(big, RoundSpec("half-cycle", seed=8, half="first"), roster=[])
    open_ids = {c.case_id for c in big.children() if c.is_open and not c.restricted}
    assert len(first.audits) == -(-len(open_ids) // 2)
    new = [case("new-1", "North"), case("new-2", "South")]
    later = case_list_from_cases([*big.cases, *new])
    history = AuditHistory(half_cycle_taken=frozenset(first.case_ids()))
    second = plan(
        later, RoundSpec("half-cycle", seed=99, half="second"), roster=[], history=history
    )
    assert not set(first.case_ids()) & set(second.case_ids())
    assert set(first.case_ids()) | set(second.case_ids()) == open_ids | {"new-1", "new-2"}
    assert {"new-1", "new-2"} <= set(second.case_ids())


def test_first_half_is_shared_out_by_team():
    result = plan(
        cases_in_teams({"North": 40, "South": 20}), RoundSpec("half-cycle", seed=1, half="first")
    )
    assert result.counts_by("team") == {"North": 20, "South": 10}


def test_half_cycle_ignores_recent_audits_unless_asked():
    history = AuditHistory(last_audited={"N1": date(2026, 2, 1)})
    case_list = cases_in_teams({"North": 4})
    default = plan(case_list, RoundSpec("half-cycle", seed=1, half="second"), history=history)
    assert "N1" in default.case_ids()
    strict = RoundSpec("half-cycle", seed=1, half="second", exclusion_months=6)
    assert "N1" not in plan(case_list, strict, history=history).case_ids()


# -- re-audit ------------------------------------------------------------------------------------


def test_reaudit_takes_every_case_due_and_explains_the_rest():
    cases = [case("1"), case("2"), case("3", is_open=False), case("4")]
    history = AuditHistory(
        last_audited={"1": date(2025, 12, 1)},
        reaudit_due={"1": date(2026, 3, 1), "2": date(2026, 2, 1), "3": date(2026, 1, 1),
                     "4": date(2026, 4, 1), "99": date(2026, 1, 1)},
    )  # fmt: skip
    result = plan(case_list_from_cases(cases), RoundSpec("reaudit", seed=1), history=history)
    assert result.case_ids() == ["1", "2"]  # 1 was audited recently but is due: it is included
    reasons = dict(result.excluded)
    assert "closed" in reasons["3"]
    assert "not on this case list" in reasons["99"]
    assert "4" not in reasons  # not due yet
    window = RoundSpec("reaudit", seed=1, reaudit_window_days=31)
    assert "4" in plan(case_list_from_cases(cases), window, history=history).case_ids()


def test_reaudit_with_nothing_due_warns():
    result = plan(cases_in_teams({"North": 3}), RoundSpec("reaudit", seed=1))
    assert result.audits == [] and any("No case is due" in w for w in result.warnings)


# -- allocation inside a round -----------------------------------------------------------------


def test_round_lists_cases_nobody_can_take():
    case_list = cases_in_teams({"North": 5})
    result = plan(case_list, RoundSpec("simple", seed=1, n=5), roster=[auditor("Nia", "North")])
    assert len(result.unallocated) == 5
    assert all(a.auditor is None for a in result.audits)
    assert all("add an auditor from another team" in why for _, why in result.unallocated)
    assert not any("could not be allocated" in w for w in result.warnings), "listed once, by case"


def test_a_case_with_no_team_that_nobody_can_take_says_so_in_plain_words():
    case_list = case_list_from_cases([case("X1", None, None), case("X2", None, None)])
    result = plan(case_list, RoundSpec("simple", seed=1, n=2), roster=[auditor("Ann", "QA", 1)])
    [(_, why)] = result.unallocated
    assert why.startswith("all 1 auditor(s) are at capacity") and "its team" not in why


def test_existing_load_and_capacity_months_change_capacity():
    case_list = cases_in_teams({"North": 10})
    roster = [auditor("Ann", "QA", 3)]
    spec = RoundSpec("simple", seed=1, n=5)
    assert len(plan(case_list, spec, roster=roster, auditor_load={"Ann": 2}).unallocated) == 4
    two_months = RoundSpec("simple", seed=1, n=5, capacity_months=2)
    assert len(plan(case_list, two_months, roster=roster).unallocated) == 0


def test_no_roster_samples_without_allocating():
    result = plan(cases_in_teams({"North": 5}), RoundSpec("simple", seed=1, n=2), roster=[])
    assert [r for _, r in result.unallocated] == ["no roster given", "no roster given"]


# -- reproducibility ---------------------------------------------------------------------------


def test_same_seed_same_plan_and_different_seed_different_plan(big):
    roster = synthetic_roster(20, seed=7)
    spec = RoundSpec("simple", seed=11, n=50, stratify_by=("team",))
    a = plan(big, spec, roster=roster)
    b = plan(case_list_from_cases(list(reversed(big.cases))), spec, roster=list(reversed(roster)))
    assert [(x.case.case_id, x.auditor) for x in a.audits] == [
        (x.case.case_id, x.auditor) for x in b.audits
    ]
    c = plan(big, RoundSpec("simple", seed=12, n=50, stratify_by=("team",)), roster=roster)
    assert a.case_ids() != c.case_ids()


def test_same_plan_in_processes_with_different_hash_seeds():
    script = textwrap.dedent(
        """
        from datetime import date
        from qaf_docs.cases.plan import AuditHistory, RoundSpec
        from qaf_docs.cases.sampling import plan_round
        from qaf_docs.demo.synthetic import synthetic_case_list, synthetic_roster
        cl = synthetic_case_list(600, 8, seed=3, today=date(2026, 3, 1))
        for spec in (RoundSpec("simple", seed=5, n=20, stratify_by=("team", "case_type")),
                     RoundSpec("tier-one", seed=5),
                     RoundSpec("half-cycle", seed=5, half="first")):
            p = plan_round(cl, synthetic_roster(8, seed=3), spec, round_id="r",
                           history=AuditHistory(), today=date(2026, 3, 1))
            print([(a.case.case_id, a.auditor.name if a.auditor else None) for a in p.audits])
        """
    )
    outputs = set()
    for hash_seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True,
            cwd=Path(__file__).resolve().parents[1],
        )  # fmt: skip
        outputs.add(run.stdout)
    assert len(outputs) == 1


def test_rules_record_everything_needed_to_reproduce(big):
    result = plan(big, RoundSpec("simple", seed=3, n=5))
    rules = result.rules
    assert rules["spec"]["seed"] == 3 and rules["input_sha256"] == big.input_sha256
    assert {"planned_on", "return_days", "history_sha256", "roster_sha256", "cases_sha256"} <= set(
        rules
    )
    assert RoundSpec.from_rules(rules["spec"]) == RoundSpec("simple", seed=3, n=5)


# -- the Annex A sample --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        RoundSpec("simple", seed=1, n=10, stratify_by=("team", "case_type")),
        RoundSpec("simple", seed=1, percent=25),
        RoundSpec("tier-one", seed=1, quotas={"Service Manager": 2, "Deputy Team Manager": 1}),
        RoundSpec("thematic", seed=1, theme_column="list", theme_values=("List 7",)),
        RoundSpec(
            "thematic", seed=1, theme_column="category_of_abuse", theme_values=("Physical abuse",)
        ),
        RoundSpec("thematic", seed=1, theme_column="primary_need", theme_values=("N1",)),
        RoundSpec("half-cycle", seed=1, half="first"),
        RoundSpec("half-cycle", seed=1, half="second"),
        RoundSpec("reaudit", seed=1),
    ],
    ids=lambda s: f"{s.kind}-{s.n or s.percent or s.theme_column or s.half or ''}",
)
def test_every_round_kind_runs_on_the_annex_a_sample(spec):
    annex = read_case_list(ANNEX_A, today=date(2021, 3, 31))
    roster = [
        Auditor("Ann Auditor", "ann@x.org", "Service Manager", "Locality 4 Unit 1", 3),
        Auditor("Ben Auditor", "ben@x.org", "Deputy Team Manager", "Care Leavers Team", 3),
        Auditor("Cat Auditor", "cat@x.org", "Service Manager", None, 3),
    ]
    history = AuditHistory(reaudit_due={"5358472": date(2021, 3, 1)})
    result = plan_round(
        annex, roster, spec, round_id="annex", history=history, today=date(2021, 3, 31)
    )
    ids = result.case_ids()
    assert ids and len(ids) == len(set(ids))
    assert all(a.case.is_open for a in result.audits)
    for a in result.audits:
        if a.auditor and a.case.team and a.auditor.team:
            assert a.auditor.team != a.case.team
