"""The quarterly report summarises tier one audit activity, as B&NES's framework asks ("a quarterly
report to CLT summarising tier one audit activity"): per auditor role the audits expected (monthly
number × months × people on the roster) and returned, and how many social workers had a case
audited within their six months; only for a period with tier-one rounds, and naming nobody."""

from __future__ import annotations

import dataclasses
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree
from openpyxl import load_workbook
from test_report_reading import tables_introduced
from test_reports import FakeRegister, audit, document_text

from qaf_docs import clock
from qaf_docs.cases.case import case_list_from_cases
from qaf_docs.cases.plan import AuditHistory, RoundSpec
from qaf_docs.cases.rules import round_spec
from qaf_docs.cases.sampling import plan_round
from qaf_docs.cli import cli
from qaf_docs.demo.synthetic import synthetic_cases, synthetic_roster
from qaf_docs.frameworks import load_framework
from qaf_docs.records import AuditResult, EscalationRecord
from qaf_docs.register.lifecycle import CONCERN_LEVEL
from qaf_docs.reports import tier_one
from qaf_docs.reports.period_report import build_period_report
from qaf_docs.reports.periods import parse_period
from qaf_docs.reports.qa_tracker import build_tracker
from qaf_docs.workspace import SamplingSettings, init_workspace

DAY = date(2026, 7, 10)
QUOTAS = {"Deputy Team Manager": 1, "Divisional Director": 2, "Service Manager": 1}
ROLES = {"Dana Deputy": "Deputy Team Manager", "Dev Deputy": "Deputy Team Manager",
         "Dora Director": "Divisional Director"}  # fmt: skip
WORKERS = ("Ann Worker", "Bob Worker", "Cy Worker", "Dee Worker")


def rules(planned: str, workers: list[str] | None, roles: dict[str, str] | None) -> dict[str, Any]:
    made: dict[str, Any] = {
        "planned_on": planned,
        "spec": {"kind": "tier-one", "quotas": QUOTAS, "worker_cycle_months": 6},
    }
    if workers is not None:
        made["workers_on_list"] = workers
    if roles is not None:
        made["auditor_roles"] = roles
    return made


ROUNDS = {
    "2026-04-tier-one": rules("2026-04-01", ["Ann Worker", "Bob Worker", "Cy Worker"], ROLES),
    "2026-05-tier-one": rules("2026-05-01", ["Ann Worker", "bob  worker", "Dee Worker"], ROLES),
}


def t1(i: int, auditor: str, worker: str, on: date, *, back: bool = True) -> AuditResult:
    return audit(i, "Good" if back else None, on=on, auditor=auditor, worker=worker,
                 round_id=f"{on:%Y-%m}-tier-one", round_kind="tier-one",
                 framework_id="tier-one-manager-audit")  # fmt: skip


def register_results() -> list[AuditResult]:
    """April and May: two Deputy Team Managers and a Divisional Director on the roster."""
    return [
        t1(1, "Dana Deputy", "Ann Worker", date(2026, 4, 8)),
        t1(2, "Dev Deputy", "Bob Worker", date(2026, 4, 9)),
        t1(3, "Dora Director", "Ann Worker", date(2026, 4, 20)),
        t1(4, "Dana Deputy", "Bob Worker", date(2026, 5, 6)),
        t1(5, "Dev Deputy", "Dee Worker", date(2026, 5, 7), back=False),  # not back yet
        t1(6, "Dora Director", "Ann Worker", date(2026, 5, 12)),
        # Cy's last audit (a simple round) is within the six months to 30 June; Dee's is not.
        audit(7, "Good", on=date(2026, 1, 15), worker="Cy Worker"),
        audit(8, "Good", on=date(2025, 11, 20), worker="Dee Worker"),
        # A worker on no case list of these rounds is not counted, audited or not.
        audit(9, "Good", on=date(2026, 5, 2), worker="Zed Elsewhere"),
    ]


class TierOneRegister(FakeRegister):
    def __init__(self, results: list[AuditResult], rounds: dict[str, dict[str, Any]]) -> None:
        super().__init__(results)
        self._rounds = rounds

    def round_row(self, round_id: str) -> dict[str, object] | None:
        found = self._rounds.get(round_id)
        return None if found is None else {"round_id": round_id, "rules": found}


def test_two_months_two_roles_expected_returned_and_coverage() -> None:
    got = tier_one.activity(register_results(), ROUNDS, date(2026, 4, 1), date(2026, 5, 31),
                            noun="period", title="April to May 2026", today=DAY)  # fmt: skip
    assert got is not None
    rows = {r["role"]: r for r in got["rows"]}
    # Expected: monthly number × 2 months × people in the role on the roster.
    assert rows["Deputy Team Manager"]["expected"] == 1 * 2 * 2
    assert rows["Divisional Director"]["expected"] == 2 * 2 * 1
    assert rows["Deputy Team Manager"]["returned"] == 3  # Dev's May audit is not back
    assert rows["Divisional Director"]["returned"] == 2
    assert rows["Deputy Team Manager"]["share"] == "75%"
    assert rows["Divisional Director"]["share"] == "50%"
    # Nobody on the roster is a Service Manager: no row of 0 expected and 0 returned.
    assert set(rows) == {"Deputy Team Manager", "Divisional Director"}
    assert (got["total"]["expected"], got["total"]["returned"], got["total"]["share"]) == (
        8,
        5,
        "63%",
    )
    assert "the 2 months of April to May 2026" in got["how"]
    # Ann, Bob (spelt two ways) and Cy had a case audited from 01/12/2025; Dee's was earlier.
    assert (
        "4 social workers were allocated open cases on the case lists these tier-one rounds "
        "were drawn from: 3 (75%) had a case audited from 01/12/2025 to 31/05/2026"
    ) in got["coverage"]
    assert got["coverage"].endswith("1 did not.")


def test_the_quarterly_report_has_the_section_and_names_no_practitioner(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", framework="tier-one-manager-audit")
    fake: Any = TierOneRegister(register_results(), ROUNDS)
    report = build_period_report(ws, fake, parse_period("quarter", "2026Q2"), DAY)
    text = document_text(report)
    assert "Tier one audit activity" in text
    # Its introduction ended one page and its table began the next.
    assert any(s.startswith("Audits expected:") for s in tables_introduced(report))
    # The quarter has three months: Deputy Team Managers 1 × 3 × 2, the Director 2 × 3 × 1.
    assert "\nDeputy Team Manager\n1\n2\n6\n3\n50%\n" in text
    assert "\nDivisional Director\n2\n1\n6\n2\n33%\n" in text
    assert "\nTotal\n\n3\n12\n5\n42%\n" in text
    assert "each role's monthly number × the 3 months of April to June 2026" in text
    assert "quarter's latest tier-one round (Tier-one manager audits, May 2026, drawn on " in text
    assert "Every social worker is to have at least one case audited every 6 months." in text
    assert "3 (75%) had a case audited from 01/01/2026 to 30/06/2026" in text
    for name in (*WORKERS, "Bob", "Zed Elsewhere", *ROLES):
        assert name not in text, name


def test_other_frameworks_reports_have_no_tier_one_section(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    simple = [audit(i, "Good", on=date(2026, 5, 3 + i)) for i in range(1, 6)]
    fake: Any = TierOneRegister(simple, ROUNDS)
    text = document_text(build_period_report(ws, fake, parse_period("quarter", "2026Q2"), DAY))
    assert "Tier one" not in text and "tier-one" not in text
    assert "Expected" not in text and "social workers were allocated" not in text
    # Nor does a B&NES quarter whose tier-one audits all fall in another quarter.
    fake = TierOneRegister(register_results(), ROUNDS)
    later = document_text(build_period_report(ws, fake, parse_period("quarter", "2026Q3"), DAY))
    assert "Tier one audit activity" not in later


def test_rounds_drawn_before_qaf_recorded_the_roster_say_what_is_not_known(
    tmp_path: Path,
) -> None:
    ws = init_workspace(tmp_path / "ws", framework="tier-one-manager-audit")
    old = {r: rules(str(v["planned_on"]), None, None) for r, v in ROUNDS.items()}
    fake: Any = TierOneRegister(register_results(), old)
    text = document_text(build_period_report(ws, fake, parse_period("quarter", "2026Q2"), DAY))
    # It read "the roster round 2026-05-tier-one, drawn on 01/05/2026 was drawn with was not
    # recorded": a reference, not the round's name, in a sentence that did not parse.
    assert (
        "Audits expected are not known: the roster of the quarter's latest tier-one round "
        "(Tier-one manager audits, May 2026, drawn on 01/05/2026) was not recorded"
    ) in text
    assert "2026-05-tier-one" not in text
    assert "Which social workers had a case audited from 01/01/2026 to 30/06/2026 is not known" in (
        text
    )
    assert "\nRole not recorded\nnone set\nnot recorded\nnot known\n5\nn/a\n" in text


def test_a_tier_one_round_records_the_roster_roles_and_the_lists_social_workers() -> None:
    # The register keeps no case list or roster: the round records what the report counts against.
    cases = synthetic_cases(300, 6, today=DAY)
    closed = next(c for c in cases if not c.is_open)
    cases = [dataclasses.replace(c, worker="Only Closed") if c is closed else c for c in cases]
    roster = synthetic_roster(6)
    plan = plan_round(case_list_from_cases(cases), roster, tier_one_spec("tier-one"),
                      round_id="t1", history=AuditHistory(), today=DAY)  # fmt: skip
    assert plan.rules["auditor_roles"] == {a.name: a.role for a in roster}
    open_workers = {c.worker for c in cases if c.worker and c.is_open}
    assert plan.rules["workers_on_list"] == sorted(open_workers)
    assert {c.worker for c in cases if c.worker} != open_workers  # closed cases' workers left out
    simple = plan_round(case_list_from_cases(cases), roster, tier_one_spec("simple"),
                        round_id="s1", history=AuditHistory(), today=DAY)  # fmt: skip
    assert "auditor_roles" not in simple.rules and "workers_on_list" not in simple.rules


def tier_one_spec(kind: str) -> RoundSpec:
    bnes = load_framework("tier-one-manager-audit")
    return round_spec(kind, SamplingSettings(), seed=3, n=10 if kind == "simple" else None,
                      framework_exclusion_months=6,
                      framework_own_team_roles=bnes.sampling.own_team_roles)  # fmt: skip


def test_qaf_sample_then_qaf_report_count_against_the_recorded_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Through the real register: the round qaf sample records carries what the report counts.
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 4, 1))
    ws = init_workspace(tmp_path / "ws", framework="tier-one-manager-audit")
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Email", "Role", "Team", "Monthly capacity"])
    wb.active.append(["Dana Deputy", "dana@c.example", "Deputy Team Manager", "North", 3])
    wb.active.append(["Dev Deputy", "dev@c.example", "Deputy Team Manager", "South", 3])
    wb.active.append(["Dora Director", "dora@c.example", "Divisional Director", "Directorate", 3])
    wb.save(ws.root / "roster.xlsx")
    lines = ["Child ID,Allocated Team,Allocated Worker,Start Date"]
    lines += [f"{7000 + i},{'North' if i % 2 else 'South'},{WORKERS[i % 4]},01/02/2025"
              for i in range(12)]  # fmt: skip
    (tmp_path / "cases.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    drawn = runner.invoke(
        cli, ["sample", str(tmp_path / "cases.csv"), "--kind", "tier-one", "-w", str(ws.root)]
    )
    assert drawn.exit_code == 0, drawn.output
    made = runner.invoke(cli, ["report", "quarter", "2026Q2", "-w", str(ws.root)])
    assert made.exit_code == 0, made.output
    text = document_text(ws.reports_dir / "QA_report_2026Q2.docx")
    assert "\nDeputy Team Manager\n1\n2\n6\n0\n0%\n" in text
    assert "\nDivisional Director\n2\n1\n6\n0\n0%\n" in text
    assert "4 social workers were allocated open cases" in text and "; 4 did not." in text
    for name in (*WORKERS, *ROLES):
        assert name not in text, name
    assert "Note:" not in made.output  # the workspace's template is the current default


def summary_block(path: Path, title: str) -> list[list[Any]]:
    """The rows of the tracker Summary's block ``title``, up to the blank row after it."""
    rows = [[c.value for c in r] for r in load_workbook(path)["Summary"].iter_rows()]
    starts = [i for i, r in enumerate(rows) if r[0] == title]
    if not starts:
        return []
    block = []
    for r in rows[starts[0] + 2 :]:
        if r[0] is None:
            break
        block.append(r[:4])
    return block


def test_the_tracker_summary_has_the_same_figures_by_quarter(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", framework="tier-one-manager-audit")
    results = [*register_results(), t1(10, "Dana Deputy", "Ann Worker", date(2026, 7, 2))]
    fake: Any = TierOneRegister(results, {**ROUNDS, "2026-07-tier-one": ROUNDS["2026-05-tier-one"]})
    block = summary_block(build_tracker(ws, fake, today=DAY), "Tier one audit activity")
    assert block[:2] == [
        ["2026 Q2: Deputy Team Manager", 6, 3, 0.5],
        ["2026 Q2: Divisional Director", 6, 2, 2 / 6],
    ]
    assert block[2][:3] == ["2026 Q3: Deputy Team Manager", 6, 1]
    assert block[-1][0].startswith("Expected: the role's monthly number × 3 months")
    # The quarterly report says the same for 2026Q2.
    text = document_text(build_period_report(ws, fake, parse_period("quarter", "2026Q2"), DAY))
    assert "\nDeputy Team Manager\n1\n2\n6\n3\n50%\n" in text
    # Only a register with tier-one rounds gets the block.
    simple: Any = TierOneRegister([audit(i, "Good") for i in range(1, 4)], ROUNDS)
    assert summary_block(build_tracker(ws, simple, today=DAY), "Tier one audit activity") == []


def test_a_role_without_a_monthly_number_shows_only_with_tier_one_audits() -> None:
    roles = {
        **ROLES,
        "Quinn QA": "QA Auditor",
        "Rae QA": "QA Auditor",
        "Sol": "Senior Practitioner",
    }
    rounds = {r: {**v, "auditor_roles": roles} for r, v in ROUNDS.items()}
    results = [*register_results(), t1(11, "Quinn QA", "Cy Worker", date(2026, 5, 20))]
    got = tier_one.activity(results, rounds, date(2026, 4, 1), date(2026, 6, 30),
                            noun="quarter", title="April to June 2026", today=DAY)  # fmt: skip
    assert got is not None
    qa = next(r for r in got["rows"] if r["role"] == "QA Auditor")
    # A QA auditor's tier-one audit is counted, against no monthly number of theirs.
    assert (qa["monthly"], qa["people"], qa["expected"], qa["returned"], qa["share"]) == (
        "none set", 2, 0, 1, "n/a")  # fmt: skip
    assert (got["total"]["people"], got["total"]["expected"], got["total"]["returned"]) == (
        5,
        12,
        6,
    )


def test_the_section_says_what_the_audits_found_and_what_is_being_done_and_steps_lead_on(
    tmp_path: Path,
) -> None:
    # B&NES asks the quarterly report for "what actions CYP social care are taking to mitigate any
    # concerns arising from such audits". The section had only the counts: an inadequate tier-one
    # audit, its overdue action, its safeguarding concern and the audits not done went unsaid.
    ws = init_workspace(tmp_path / "ws", framework="tier-one-manager-audit")
    results = register_results()
    bad = dataclasses.replace(
        results[0],
        overall_grade="Inadequate",
        domains=[dataclasses.replace(d, grade="Inadequate") for d in results[0].domains],
        escalations=[
            EscalationRecord(
                1,
                results[0].audit_ref,
                results[0].case_id,
                CONCERN_LEVEL,
                "Safeguarding concern",
                ["Service Manager"],
                date(2026, 4, 8),
                "Seen at the audit",
                None,
                None,
            )
        ],
    )
    results[0] = bad
    fake: Any = TierOneRegister(results, ROUNDS)
    report = build_period_report(ws, fake, parse_period("quarter", "2026Q2"), DAY)
    text = document_text(report)
    assert "What these audits found and what is being done" in text
    assert kept_with_next(report, "What these audits found"), "the label left at a page's foot"
    assert "1 of the 5 graded tier-one audits found practice below good (inadequate)." in text
    assert "The inadequate audit is still to be re-audited." in text
    # Five returned audits, one action each (audit() agrees one): audits 1 and 3 completed it.
    assert (
        "5 actions were agreed in them to put practice right: 2 completed and 3 still open, "
        "3 of those past their due date."
    ) in text
    assert "One safeguarding concern was raised in them and escalated; it is still open." in text
    steps = text.split("Actions for the next quarter", 1)[1]
    assert (
        "Tier one audits: 7 of the 12 expected in April to June 2026 were not returned (Deputy "
        "Team Manager 3 short, Divisional Director 4 short); agree with the managers in each "
        "role how the shortfall will be made up."
    ) in steps
    assert (
        "Tier one audits: 1 social worker had no case audited in the 6 months to 30/06/2026; ask "
        "their manager to choose one of their cases for next month's audit."
    ) in steps
    assert "Continue the audit programme as planned." not in steps
    for name in (*WORKERS, "Bob", *ROLES):
        assert name not in text, name
    # None of them below good, nothing agreed, no concern: said as none, not as 0.
    fine = [dataclasses.replace(a, actions=[]) for a in register_results()]
    text = document_text(
        build_period_report(
            ws, TierOneRegister(fine, ROUNDS), parse_period("quarter", "2026Q2"), DAY
        )  # type: ignore[arg-type]
    )
    assert "All 5 graded tier-one audits found practice good or better." in text
    assert "No action was agreed in them." in text
    assert "No safeguarding concern was raised in them." in text


def kept_with_next(report: Path, label: str) -> bool:
    """Whether the paragraph of ``report`` starting ``label`` keeps with the one after it."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(report) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    found = [p for p in root.iter(f"{w}p") if "".join(p.itertext()).startswith(label)]
    assert found, f"no paragraph starts {label!r}"
    return all(p.find(f"{w}pPr/{w}keepNext") is not None for p in found)
