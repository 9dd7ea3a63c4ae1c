"""Time case-list import, every round kind and allocation on 5,000 synthetic children in 20 teams.

Run: ``python benchmarks/bench_sampling.py``. Absolute times depend on the machine (a shared 2-core
box in CI), so each figure that has a naive baseline is also shown as a ratio measured in the
same run:

- import: ours (openpyxl read-only, rows streamed) vs opening the workbook normally and reading one
  cell at a time with ``ws.cell(row, column)``;
- allocation: ours (heap of auditors by load, most-constrained teams first, augmenting paths) vs a
  naive greedy allocator that scans every auditor's load and team for every case.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qaf_docs.cases.allocation import allocate, can_audit
from qaf_docs.cases.case import Case
from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.manifest import write_manifest
from qaf_docs.cases.plan import AuditHistory, RoundSpec
from qaf_docs.cases.roster import Auditor
from qaf_docs.cases.sampling import plan_round
from qaf_docs.demo.synthetic import (
    synthetic_case_list,
    synthetic_roster,
    write_synthetic_case_list,
)

CHILDREN, TEAMS, SEED = 5000, 20, 2026
TODAY = date(2026, 3, 1)


def timed(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """Return the median wall time of ``repeat`` runs and the last result."""
    times = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def naive_read(path: Path) -> int:
    """Baseline: open the workbook fully and read every cell one at a time."""
    wb = openpyxl.load_workbook(path, data_only=False)
    n = 0
    for ws in wb.worksheets:
        for r in range(2, ws.max_row + 1):
            row = [ws.cell(row=r, column=c).value for c in range(1, ws.max_column + 1)]
            n += row[0] is not None
    return n


def naive_allocate(cases: Sequence[Case], auditors: Sequence[Auditor]) -> dict[str, str]:
    """Baseline: for each case, scan every auditor's load and eligibility (O(cases x auditors))."""
    assigned: dict[str, str] = {}
    load = {a.name: 0 for a in auditors}
    for case in cases:
        best: tuple[float, str] | None = None
        for a in auditors:
            if a.monthly_capacity and load[a.name] < a.monthly_capacity and can_audit(a, case):
                ratio = load[a.name] / a.monthly_capacity
                if best is None or ratio < best[0]:
                    best = (ratio, a.name)
        if best:
            assigned[case.case_id] = best[1]
            load[best[1]] += 1
    return assigned


def main() -> None:
    """Run every measurement and print a table."""
    rows: list[tuple[str, float, str]] = []
    gen_time, case_list = timed(
        lambda: synthetic_case_list(CHILDREN, TEAMS, seed=SEED, today=TODAY)
    )
    rows.append((f"generate {CHILDREN} children / {TEAMS} teams", gen_time, ""))
    assert hasattr(case_list, "children")
    roster = synthetic_roster(TEAMS, seed=SEED)
    big_roster = synthetic_roster(TEAMS, seed=SEED, capacity_scale=60)
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = write_synthetic_case_list(
            Path(tmp) / "annex_a.xlsx", children=CHILDREN, teams=TEAMS, seed=SEED, today=TODAY,
            messy=True,
        )  # fmt: skip
        csv_path = write_synthetic_case_list(
            Path(tmp) / "cases.csv", children=CHILDREN, teams=TEAMS, seed=SEED, today=TODAY,
            messy=True,
        )  # fmt: skip
        t_xlsx, read = timed(lambda: read_case_list(xlsx, today=TODAY))
        t_naive, _ = timed(lambda: naive_read(xlsx), repeat=1)
        rows.append(
            (
                f"import Annex A .xlsx ({read.rows_read} rows)",
                t_xlsx,
                f"{t_naive / t_xlsx:.1f}x faster than cell-at-a-time ({t_naive:.2f}s)",
            )  # type: ignore[attr-defined]
        )
        t_csv, read_csv = timed(lambda: read_case_list(csv_path, today=TODAY))
        rows.append((f"import .csv ({read_csv.rows_read} rows)", t_csv, ""))  # type: ignore[attr-defined]

        history = AuditHistory()
        kinds = [
            (
                "simple n=100 by team+type",
                RoundSpec("simple", seed=1, n=100, stratify_by=("team", "case_type")),
                roster,
            ),
            ("simple 10%", RoundSpec("simple", seed=1, percent=10), big_roster),
            ("tier-one (B&NES quotas)", RoundSpec("tier-one", seed=1), roster),
            (
                "thematic neglect",
                RoundSpec(
                    "thematic", seed=1, theme_column="category_of_abuse", theme_values=("Neglect",)
                ),
                roster,
            ),
            ("half-cycle first", RoundSpec("half-cycle", seed=1, half="first"), big_roster),
        ]  # fmt: skip
        first_ids: list[str] = []
        for label, spec, auditors in kinds:
            t, plan = timed(
                lambda spec=spec, auditors=auditors: plan_round(
                    case_list,
                    auditors,
                    spec,
                    round_id="bench",
                    history=history,
                    today=TODAY,  # type: ignore[arg-type]
                )
            )
            n = len(plan.audits)  # type: ignore[attr-defined]
            rows.append((f"round {label}: {n} cases", t, f"{len(plan.unallocated)} unallocated"))  # type: ignore[attr-defined]
            if spec.half == "first":
                first_ids = plan.case_ids()  # type: ignore[attr-defined]
                t_m, _ = timed(
                    lambda plan=plan: write_manifest(plan, Path(tmp) / "m.xlsx"), repeat=1
                )  # type: ignore[misc]
                rows.append((f"write manifest ({n} audits)", t_m, ""))
        ids = [c.case_id for c in case_list.cases]  # type: ignore[attr-defined]
        later = AuditHistory(
            half_cycle_taken=frozenset(first_ids),
            reaudit_due={i: date(2026, 2, 1) for i in ids[::50]},
        )
        for label, spec in [
            ("half-cycle second", RoundSpec("half-cycle", seed=1, half="second")),
            ("re-audit", RoundSpec("reaudit", seed=1)),
        ]:
            t, plan = timed(
                lambda spec=spec: plan_round(
                    case_list,
                    big_roster,
                    spec,
                    round_id="bench",
                    history=later,
                    today=TODAY,  # type: ignore[arg-type]
                )
            )
            rows.append(
                (
                    f"round {label}: {len(plan.audits)} cases",
                    t,
                    f"{len(plan.unallocated)} unallocated",
                )
            )  # type: ignore[attr-defined]

    open_cases = [c for c in case_list.children() if c.is_open]  # type: ignore[attr-defined]
    half = open_cases[: len(open_cases) // 2]
    t_ours, _ = timed(lambda: allocate(half, big_roster, seed=1))
    t_naive_alloc, _ = timed(lambda: naive_allocate(half, big_roster), repeat=1)
    rows.append(
        (
            f"allocate {len(half)} cases to {len(big_roster)} auditors",
            t_ours,
            f"{t_naive_alloc / t_ours:.1f}x vs naive O(n*m) scan ({t_naive_alloc:.2f}s)",
        )
    )

    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  {'seconds':>8}  notes")
    for label, seconds, note in rows:
        print(f"{label:<{width}}  {seconds:8.3f}  {note}")


if __name__ == "__main__":
    main()
