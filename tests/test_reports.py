"""The QA tracker and the period and round reports: figures a QA lead can trust, pages that open."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from qaf_docs import clock
from qaf_docs.cli import cli
from qaf_docs.demo.run import run_demo
from qaf_docs.errors import QafError
from qaf_docs.records import ActionResult, AuditResult, DomainResult
from qaf_docs.register.store import Register
from qaf_docs.reports import tracker_sheets
from qaf_docs.reports.figures import pct, quadratic_kappa
from qaf_docs.reports.period_report import build_period_report, build_round_report
from qaf_docs.reports.periods import parse_period
from qaf_docs.reports.qa_tracker import SUMMARY, build_tracker
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends


TODAY = date(2026, 8, 20)
GRADES = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]
DOMAINS = ["Assessment", "Planning", "Intervention and visiting", "Review", "Management oversight"]
SHEETS = [
    "Summary", "Audits", "Domain grades", "Actions", "Returns outstanding", "Moderation",
    "Re-audits & escalations", "Concerns", "Close-the-loop checkpoints", "What people said",
    "Indicators", "Warnings",
]  # fmt: skip


class FakeRegister:
    """Stands in for the register where a test needs audits the demo cannot make."""

    def __init__(self, results: list[AuditResult]) -> None:
        self._results = results

    def results(self) -> list[AuditResult]:
        return self._results

    def checkpoints(self, framework_for: object) -> list[object]:
        return []  # no thematic round is complete

    def round_row(self, round_id: str) -> dict[str, object] | None:
        return None  # rounds made here have no recorded rules (no theme)

    def round_ids(self) -> list[str]:
        return sorted({a.round_id for a in self._results})


def audit(i: int, grade: str | None, *, on: date = date(2026, 8, 3), **kw: Any) -> AuditResult:
    values: dict[str, Any] = dict(
        audit_ref=f"QA-{i:05d}", case_id=f"C{i:05d}", round_id="2026-07-simple",
        framework_id="collaborative-audit", team=f"Team {i % 7}", worker=f"Pat Worker{i % 40}",
        auditor=f"Alex Auditor{i % 9}", status="returned" if grade else "issued",
        issued_on=on - timedelta(days=20), due_on=on + timedelta(days=5),
        returned_on=on if grade else None, audit_date=on if grade else None,
        overall_grade=grade, moderated_grade=None,
        domains=[DomainResult(d, grade, f"Rationale {d} by Pat Worker{i % 40}: clear plan.")
                 for d in DOMAINS] if grade else [],
        actions=[ActionResult("Update the plan", "Team manager", on + timedelta(days=14),
                              "Completed" if i % 2 else "Not started",
                              on + timedelta(days=7) if i % 2 else None, "Seen on file")],
        round_kind="simple", case_type="CIN",
    )  # fmt: skip
    values.update(kw)
    return AuditResult(**values)


def summary_values(path: Path) -> dict[str, Any]:
    ws = load_workbook(path)["Summary"]
    return {str(r[0].value): r[1].value for r in ws.iter_rows(min_row=4, max_row=25) if r[0].value}


def document_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("demo") / "ws"
    run_demo(root, children=300, audits=24, seed=11, echo=lambda _: None, today=TODAY)
    ws = Workspace(root)
    with Register.open(ws.register_path) as register:
        build_tracker(ws, register, today=TODAY)
    return ws


@pytest.fixture(scope="module")
def exported(demo: Workspace) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["export", "--format", "json", "-w", str(demo.root)])
    assert result.exit_code == 0, result.output
    audits: list[dict[str, Any]] = json.loads(result.output)["audits"]
    return audits


def recompute(audits: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """The headline figures worked out from the export alone, as a QA analyst would in Excel."""
    counted = [a for a in audits if a["status"] != "cancelled"]
    finals = [a["moderated_grade"] or a["overall_grade"] for a in counted]
    finals = [g for g in finals if g in GRADES]
    moderated = [
        a for a in counted if a["moderated_grade"] in GRADES and a["overall_grade"] in GRADES
    ]
    due = on_time = 0
    for a in counted:
        for x in a["actions"]:
            if not x["due_on"]:
                continue
            if x["status"] == "Completed" and x["completed_on"]:
                due += 1
                on_time += x["completed_on"] <= x["due_on"]
            elif x["due_on"] < today.isoformat():
                due += 1
    overdue = sum(
        a["status"] in ("planned", "allocated", "issued", "rejected")
        and a["due_on"] is not None and a["due_on"] < today.isoformat()
        for a in counted
    )  # fmt: skip
    return {
        "planned": len(counted),
        "returned": sum(a["returned_on"] is not None for a in counted),
        "overdue": overdue,
        "graded": len(finals),
        "good": sum(g in ("Outstanding", "Good") for g in finals),
        "inadequate": sum(g == "Inadequate" for g in finals),
        "moderated": len(moderated),
        "changed": sum(a["moderated_grade"] != a["overall_grade"] for a in moderated),
        "actions": sum(len(a["actions"]) for a in counted),
        "due": due,
        "on_time": on_time,
    }


def test_tracker_summary_agrees_with_the_export(
    demo: Workspace, exported: list[dict[str, Any]]
) -> None:
    want = recompute(exported, TODAY)
    got = summary_values(demo.tracker_path)
    assert want["graded"] >= 10  # the demo returned enough audits for the shares to mean something
    assert got["Audits planned"] == want["planned"]
    assert got["Audits returned"] == want["returned"]
    assert got["Returns overdue"] == want["overdue"]
    assert got["Audits graded"] == want["graded"]
    assert got["Good or better"] == pytest.approx(want["good"] / want["graded"])
    assert got["Inadequate (target 10% or less)"] == pytest.approx(
        want["inadequate"] / want["graded"]
    )
    assert got["Completion against plan"] == pytest.approx(want["returned"] / want["planned"])
    assert got["Audits moderated"] == want["moderated"]
    assert got["Actions agreed"] == want["actions"]
    if want["due"]:
        assert got["Actions completed on time"] == pytest.approx(want["on_time"] / want["due"])


def test_the_trackers_dates_are_real_dates_excel_reads_back(
    demo: Workspace, exported: list[dict[str, Any]]
) -> None:
    # Dates are written as Excel's day numbers with a date format (faster than write_datetime).
    sheet = load_workbook(demo.tracker_path)["Audits"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and "Due" in r)
    ref, due = rows[header].index("Audit ref"), rows[header].index("Due")
    shown = {r[ref]: r[due] for r in rows[header + 1 :] if r[ref]}
    for audit in exported:
        assert shown[audit["audit_ref"]].date() == date.fromisoformat(audit["due_on"])
    assert sheet.cell(row=header + 2, column=due + 1).number_format == "dd/mm/yyyy"


def test_tracker_has_every_sheet_native_charts_and_real_tables(demo: Workspace) -> None:
    wb = load_workbook(demo.tracker_path)
    assert wb.sheetnames == SHEETS
    assert [SUMMARY, *tracker_sheets.SHEETS] == SHEETS  # the progress bar counts these
    with zipfile.ZipFile(demo.tracker_path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        tables = [n for n in z.namelist() if n.startswith("xl/tables/")]
    assert len(charts) >= 5  # grades, by team, by month, by quarter, by domain
    assert len(tables) >= 9
    audits = wb["Audits"]
    assert audits.freeze_panes == "B2"
    assert audits.page_setup.orientation == "landscape"
    # Fit to one page wide (XlsxWriter leaves out fitToWidth=1, the default), as many tall as needed.
    assert audits.sheet_properties.pageSetUpPr.fitToPage
    assert audits.page_setup.fitToWidth in (None, 1) and audits.page_setup.fitToHeight == 0
    assert audits.print_title_rows == "$1:$1"
    statuses = {r[7].value for r in audits.iter_rows(min_row=2)}
    assert statuses <= {"Issued, awaiting return", "Returned", "Moderated", "Actions open",
                        "Return refused, awaiting resubmission", "Allocated to auditor", "Closed"}  # fmt: skip
    assert "Evidence" in [c.value for c in wb["Actions"][1]]


def test_period_report_agrees_with_the_export_and_names_no_worker(
    demo: Workspace, exported: list[dict[str, Any]]
) -> None:
    result = CliRunner().invoke(cli, ["report", "year", "2026", "-w", str(demo.root)])
    assert result.exit_code == 0, result.output
    path = demo.outbox / "reports" / "QA_report_2026.docx"
    text = document_text(path)
    in_year = [
        a
        for a in exported
        if (a.get("audit_date") or a["returned_on"] or a["due_on"] or "").startswith("2026")
    ]
    want = recompute(in_year, clock.today())  # the day the CLI ran
    assert f"{want['returned']} of {want['planned']} planned audits were returned" in text
    assert (
        f"{want['good'] / want['graded']:.0%} of {want['graded']} graded audits were good or better"
        in text
    )
    assert (
        f"Audits moderated: {want['moderated']}. Grades the moderator changed: {want['changed']} "
        in text
    )
    assert "Worker A" in text
    for name in {a["worker"] for a in exported} | {a["auditor"] for a in exported}:
        assert name and name not in text, f"{name} is named in the report"
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())  # the charts are pictures


def test_a_simple_round_report_has_no_checkpoints(
    demo: Workspace, exported: list[dict[str, Any]]
) -> None:
    round_id = exported[0]["round"]
    assert exported[0]["round_kind"] == "simple"
    result = CliRunner().invoke(cli, ["report", "round", round_id, "-w", str(demo.root)])
    assert result.exit_code == 0, result.output
    text = document_text(demo.outbox / "reports" / f"round_{round_id}.docx")
    assert "Audit round overview" in text
    assert (
        "6-week and 3-month checkpoints" not in text
    )  # thematic rounds only (test_report_outcomes)


def test_plain_report_still_rebuilds_the_tracker(demo: Workspace) -> None:
    demo.tracker_path.unlink()
    result = CliRunner().invoke(cli, ["report", "-w", str(demo.root)])
    assert result.exit_code == 0, result.output
    assert demo.tracker_path.is_file()


@pytest.mark.parametrize(
    ("share", "shown"),
    [(1 / 8, "13%"), (29 / 200, "15%"), (1 / 6, "17%"), (0.0, "0%"), (None, "n/a")],
)
def test_a_share_rounds_a_half_up_as_people_do_by_hand(share: float | None, shown: str) -> None:
    # 1 Inadequate in 8 showed as 12% (Python rounds halves to even); a reader checking expects 13%.
    assert pct(share) == shown


@pytest.mark.parametrize(
    "args, message",
    [
        (["quarter", "2026Q5"], "'2026Q5' is not a quarter"),
        (["half", "2026H3"], "'2026H3' is not a half"),
        (["year", "twenty"], "'twenty' is not a year"),
        (["round", "no-such-round"], "There is no round no-such-round"),
    ],
)
def test_bad_period_or_round_is_one_clear_line_and_writes_nothing(
    workspace: Workspace, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(cli, ["report", *args, "-w", str(workspace.root)])
    assert result.exit_code != 0
    assert message in result.output
    assert result.output.startswith("Error:") and result.output.count("\n") == 1
    assert not (workspace.outbox / "reports").exists() or not any(
        (workspace.outbox / "reports").iterdir()
    )


@pytest.mark.parametrize(
    "damage", [b"not a zip at all", "broken tag"], ids=["not-a-docx", "unclosed-tag"]
)
def test_damaged_report_template_is_named_and_nothing_is_written(
    workspace: Workspace, damage: bytes | str
) -> None:
    template = workspace.templates / "quarterly_report.docx"
    if isinstance(damage, bytes):
        template.write_bytes(damage)
    else:
        doc = Document()
        doc.add_paragraph("{{ headline.planned ")
        doc.add_paragraph("{% for x in %}")
        doc.save(str(template))
    result = CliRunner().invoke(cli, ["report", "quarter", "2026Q3", "-w", str(workspace.root)])
    assert result.exit_code != 0
    assert "quarterly_report.docx" in result.output
    assert not (workspace.outbox / "reports" / "QA_report_2026Q3.docx").exists()
    assert not list((workspace.outbox / "reports").glob("*"))


@pytest.mark.parametrize("n", [0, 1])
def test_empty_and_single_audit_quarters_give_a_readable_report(
    workspace: Workspace, n: int
) -> None:
    results = [audit(1, "Good")][:n]
    path = build_period_report(
        workspace, FakeRegister(results), parse_period("quarter", "2026Q3"), TODAY
    )  # type: ignore[arg-type]
    text = document_text(path)
    assert "{{" not in text and "{%" not in text
    if n == 0:
        assert "There were no audits in July to September 2026" in text
    else:
        assert "The one audit planned was returned (100%)." in text
        assert "The one audit graded was good or better (100% good or better" in text


def test_ten_thousand_audits_give_a_valid_tracker_and_report(workspace: Workspace) -> None:
    grades = [*GRADES, None]
    start = date(2026, 1, 5)
    results = [audit(i, grades[i % 5], on=start + timedelta(days=i % 300)) for i in range(10_000)]
    fake: Any = FakeRegister(results)
    path = build_tracker(workspace, fake, today=TODAY)
    wb = load_workbook(path, read_only=True)
    assert wb["Audits"].max_row == 10_001
    report = build_period_report(workspace, fake, parse_period("year", "2026"), TODAY)
    text = document_text(report)
    assert "10000 of 10000 planned audits were returned" not in text  # a fifth were never returned
    assert "8000 of 10000 planned audits were returned" in text


def test_inadequate_share_is_coloured_against_the_target(workspace: Workspace) -> None:
    # 1 of 8 graded (12.5%) is above the 10% target: red; 1 of 10 is within it: green.
    for total, colour in ((8, "F8CBAD"), (10, "C6EFCE")):
        results = [audit(i, "Inadequate" if i == 0 else "Good") for i in range(total)]
        path = build_tracker(workspace, FakeRegister(results), today=TODAY)  # type: ignore[arg-type]
        ws = load_workbook(path)["Summary"]
        row = next(r for r in ws.iter_rows(min_row=4) if str(r[0].value).startswith("Inadequate"))
        assert row[1].fill.fgColor.rgb.endswith(colour)


def test_kappa_is_shown_with_its_n_only_from_ten_moderated_audits(workspace: Workspace) -> None:
    label = "Agreement beyond chance (weighted kappa)"
    for n, shown in ((9, False), (10, True)):
        results = [
            audit(i, GRADES[i % 4], moderated_grade=GRADES[(i + (i % 3 == 0)) % 4])
            for i in range(n)
        ]
        path = build_tracker(workspace, FakeRegister(results), today=TODAY)  # type: ignore[arg-type]
        values = summary_values(path)
        assert isinstance(values[label], float) is shown, values[label]
        ws = load_workbook(path)["Summary"]
        row = next(r for r in ws.iter_rows(min_row=4) if r[0].value == label)
        assert str(row[2].value).startswith(f"n = {n}")


def test_a_tracker_with_nothing_moderated_says_so_not_0_of_0(workspace: Workspace) -> None:
    # The Summary's notes read "0 of 0 kept" and "n = 0; shown from 10 moderated audits".
    path = build_tracker(workspace, FakeRegister([audit(1, "Good")]), today=TODAY)  # type: ignore[arg-type]
    ws = load_workbook(path)["Summary"]
    notes = {r[0].value: r[2].value for r in ws.iter_rows(min_row=4) if r[0].value}
    assert notes["Moderation agreement"] == "no audit moderated yet"
    assert notes["Agreement beyond chance (weighted kappa)"] == (
        "no audit moderated yet; shown from 10 moderated audits"
    )


def test_quadratic_kappa_matches_a_hand_worked_example() -> None:
    assert quadratic_kappa([(0, 0), (1, 1), (2, 2), (0, 1)], 3) == pytest.approx(0.8)
    assert quadratic_kappa([(i % 4, i % 4) for i in range(12)], 4) == pytest.approx(1.0)
    assert quadratic_kappa([], 4) is None


def test_typed_text_stays_text_in_the_tracker(workspace: Workspace) -> None:
    bad = '=HYPERLINK("http://evil","x")'
    one = audit(1, "Good", actions=[ActionResult(bad, "TM", TODAY, "Not started", None, "+1-1")])
    path = build_tracker(workspace, FakeRegister([one]), today=TODAY)  # type: ignore[arg-type]
    row = next(load_workbook(path)["Actions"].iter_rows(min_row=2, max_row=2))
    assert row[4].value == bad and row[4].data_type == "s"
    assert row[9].value == "+1-1" and row[9].data_type == "s"
    # and stays text when a QA officer edits the cell in Excel (F2, Enter), as in every other
    # workbook qaf writes; text that cannot be a formula has no quote prefix
    assert row[4].quotePrefix and row[9].quotePrefix
    assert [c.value for c in row if c.quotePrefix] == [bad, "+1-1"]


@pytest.mark.parametrize(
    "kind, text, start, end",
    [
        ("quarter", "2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("quarter", "2026q1", date(2026, 1, 1), date(2026, 3, 31)),
        # The ways people write a quarter: with a space, a dash, the quarter first, any case.
        ("quarter", "2026 Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("quarter", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("quarter", "Q3 2026", date(2026, 7, 1), date(2026, 9, 30)),
        ("quarter", "q4-2026", date(2026, 10, 1), date(2026, 12, 31)),
        ("quarter", " 2026/q2 ", date(2026, 4, 1), date(2026, 6, 30)),
        ("half", "H2 2026", date(2026, 7, 1), date(2026, 12, 31)),
        ("half", "2026H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("year", "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_periods_cover_whole_months(kind: str, text: str, start: date, end: date) -> None:
    period = parse_period(kind, text)
    assert (period.start, period.end) == (start, end)
    assert period.previous(1)[0].end == start - timedelta(days=1)


@pytest.mark.parametrize(
    "kind, text",
    [("quarter", "2026Q0"), ("quarter", "Q3 26"), ("quarter", "Q3"), ("half", "2026H1x"),
     ("year", "26")],
)  # fmt: skip
def test_periods_that_are_not_one_are_refused(kind: str, text: str) -> None:
    with pytest.raises(QafError, match="is not a"):
        parse_period(kind, text)


def test_a_quarter_qaf_cannot_read_says_what_to_type_and_that_quarters_are_calendar_ones(
    workspace: Workspace,
) -> None:
    # Before, '2026Q5' was refused with "write it like 2026Q3", not saying whether Q1 is January
    # to March or a financial year's April to June: a report of the wrong months looked right.
    result = CliRunner().invoke(cli, ["report", "quarter", "2026Q5", "-w", str(workspace.root)])
    assert result.exit_code != 0
    said = result.output
    assert "Q3 2026" in said and "2026 Q3" in said, "the other ways to write it"
    assert "Q1 is January to March" in said and "April to June, is Q2" in said


def test_a_quarter_typed_as_two_words_unquoted_is_one_quarter(workspace: Workspace) -> None:
    # Before: "Got unexpected extra argument (2026)" for `qaf report quarter Q3 2026`.
    result = CliRunner().invoke(cli, ["report", "quarter", "Q3", "2026", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert (workspace.reports_dir / "QA_report_2026Q3.docx").exists()


def test_round_report_of_an_unknown_round_is_refused(workspace: Workspace) -> None:
    with pytest.raises(QafError, match="no round 2020-01-x; the rounds are: 2026-07-simple"):
        build_round_report(workspace, FakeRegister([audit(1, "Good")]), "2020-01-x", TODAY)  # type: ignore[arg-type]


def test_managers_action_tracker_template_prints_one_page_wide() -> None:
    path = Path(__file__).resolve().parents[1] / "templates" / "action_tracker.xlsx"
    ws = load_workbook(path).worksheets[0]
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.orientation == "landscape"
    assert ws.column_dimensions["A"].width * 3 < ws.column_dimensions["B"].width  # narrow "No."
    header = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "No.")
    assert all(ws.cell(row=header, column=c).alignment.wrap_text for c in range(1, 9))
    assert ws.cell(row=header + 1, column=2).alignment.vertical == "top"
    assert ws.cell(row=header + 1, column=5).alignment.vertical == "top"


def test_concerns_and_escalations_reach_the_tracker_as_the_export_has_them(
    demo: Workspace, exported: list[dict[str, Any]]
) -> None:
    book = load_workbook(demo.tracker_path, read_only=True)
    concerns = [r for r in book["Concerns"].iter_rows(min_row=2, values_only=True) if r[0]]
    expected = [(a["audit_ref"], c["text"]) for a in exported for c in a["concerns"]]
    assert expected, "the demo raises a safeguarding concern"
    assert [(r[0], r[4]) for r in concerns] == expected
    escalated = [
        r[4]
        for r in book["Re-audits & escalations"].iter_rows(min_row=2, values_only=True)
        if r[4] and str(r[4]).startswith("Escalated to")
    ]
    # In the framework's words, never its keys, and a concern is not listed as an escalation.
    assert escalated and not any("_" in str(e) for e in escalated)
    assert len(escalated) == sum(len(a["escalations"]) for a in exported)


def test_grades_and_action_rag_are_coloured_where_they_are_listed(workspace: Workspace) -> None:
    results = [audit(i, grade) for i, grade in enumerate([*GRADES, None])]
    path = build_tracker(workspace, FakeRegister(results), today=TODAY)  # type: ignore[arg-type]
    book = load_workbook(path)
    colours = {"Outstanding": "C6EFCE", "Good": "C6EFCE", "Inadequate": "F8CBAD"}
    colours["Requires improvement to be good"] = "FFEB9C"
    audits_sheet = book["Audits"]
    header = [c.value for c in audits_sheet[1]]
    column = header.index("Auditor's grade") + 1
    for row in range(2, audits_sheet.max_row + 1):
        cell = audits_sheet.cell(row, column)
        if cell.value:
            assert cell.fill.fgColor.rgb.endswith(colours[cell.value]), cell.value
        else:  # not returned: no colour claims a grade
            assert cell.fill.fill_type is None
    actions_sheet = book["Actions"]
    header = [c.value for c in actions_sheet[1]]
    rag = header.index("RAG") + 1
    words = {actions_sheet.cell(r, rag).value for r in range(2, actions_sheet.max_row + 1)}
    assert words, "the audits' actions are listed"
    for r in range(2, actions_sheet.max_row + 1):
        assert actions_sheet.cell(r, rag).fill.fill_type == "solid"


def test_indicators_are_counted_most_frequent_first(workspace: Workspace) -> None:
    first, second = DOMAINS[0], DOMAINS[1]
    ticks = [("Plan is SMART", "Child's voice heard"), ("Plan is SMART",), ("Plan is SMART",), ()]
    results = [
        audit(
            i,
            "Good",
            domains=[
                DomainResult(first, "Good", "Fine.", indicators=chosen),
                DomainResult(second, "Good", "Fine.", indicators=("Drift",) if i == 0 else ()),
            ],
        )
        for i, chosen in enumerate(ticks)
    ]
    path = build_tracker(workspace, FakeRegister(results), today=TODAY)  # type: ignore[arg-type]
    sheet = load_workbook(path)["Indicators"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4) if r[0].value]
    assert rows == [
        [first, "Plan is SMART", 3, 0.75],
        [first, "Child's voice heard", 1, 0.25],
        [second, "Drift", 1, 0.25],
    ]


def test_actions_count_as_on_time_only_when_completed_with_a_date_by_the_due_date(
    workspace: Workspace,
) -> None:
    past, soon = TODAY - timedelta(days=10), TODAY + timedelta(days=10)
    actions = [
        ActionResult("No date given", "TM", past, "Completed", None),
        ActionResult("Dated, still going", "TM", past, "In progress", past - timedelta(days=2)),
        ActionResult("On time", "TM", past, "Completed", past - timedelta(days=1)),
        ActionResult("Late", "TM", past, "Completed", past + timedelta(days=1)),
        ActionResult("Not due yet", "TM", soon, "Not started", None),
    ]
    fake: Any = FakeRegister([audit(1, "Good", actions=actions)])
    path = build_tracker(workspace, fake, today=TODAY)
    assert summary_values(path)["Actions completed on time"] == pytest.approx(1 / 4)
    summary = load_workbook(path)["Summary"]
    assert "1 of 4 due" in [r[2].value for r in summary.iter_rows(min_row=4, max_row=25)]
    sheet = load_workbook(path)["Actions"]
    rag = {r[4].value: r[12].value for r in sheet.iter_rows(min_row=2) if r[4].value}
    assert rag == {
        "No date given": "Completed (no date)",
        "Dated, still going": "Overdue",  # the status says so, not the date
        "On time": "Completed",
        "Late": "Completed late",
        "Not due yet": "Due soon",
    }
    report = build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), TODAY)
    assert "Actions completed on time: 1 of 4 due (25%)" in document_text(report)


def test_returns_that_came_back_late_are_counted_beside_those_overdue(
    workspace: Workspace,
) -> None:
    on = date(2026, 8, 3)  # due five days later
    results = [
        audit(1, "Good", on=on, returned_on=on + timedelta(days=9)),  # late
        audit(2, "Good", on=on),  # on time
        audit(3, None, on=on),  # not back, past due
        audit(4, "Good", on=on, round_kind="reaudit"),
    ]
    fake: Any = FakeRegister(results)
    got = summary_values(build_tracker(workspace, fake, today=TODAY))
    assert got["Returned late"] == 1
    assert got["Returns overdue"] == 1
    report = build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), TODAY)
    text = document_text(report)
    assert (
        "3 of 4 planned audits were returned (75%). Of the 4 audits due back in this quarter, 1 "
        "came back after the due date and 1 is overdue" in text
    )
    lines = text.splitlines()
    # Round kinds in words, as the round's manifest names them.
    assert "Random sample" in lines and "Re-audits due" in lines
    assert "simple" not in lines and "reaudit" not in lines


def test_a_late_return_counts_in_the_quarter_it_was_due_in_the_report_and_the_tracker(
    workspace: Workspace,
) -> None:
    """It was counted in the quarter of its audit date: due in June and back in July, it was
    overdue in April to June's report, then left it for July to September's as late."""
    late = audit(1, "Good", on=date(2026, 7, 6), due_on=date(2026, 6, 26))  # audited in July
    results = [
        late,
        audit(2, "Good", on=date(2026, 5, 11)),  # April to June, on time
        audit(3, "Good", on=date(2026, 8, 3)),  # July to September, on time
        audit(4, None, on=date(2026, 8, 3)),  # due 8 August, not back
    ]
    fake: Any = FakeRegister(results)
    basis = (
        "(late and overdue returns are counted in the quarter the audit was due back, whenever "
        "it came back)."
    )
    q2 = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q2"), TODAY)
    )
    assert (
        "The one audit planned was returned (100%). Of the 2 audits due back in this quarter "
        f"(whichever quarter they were planned in), 1 came back after the due date and none is overdue {basis}"
    ) in q2
    q3 = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), TODAY)
    )
    assert (
        "2 of 3 planned audits were returned (67%). Of the 2 audits due back in this quarter "
        f"(whichever quarter they were planned in), none came back after the due date and 1 is overdue {basis}"
    ) in q3
    half = document_text(
        build_period_report(workspace, fake, parse_period("half", "2026H1"), TODAY)
    )
    assert (
        "Of the 2 audits due back in this half-year (whichever half-year they were planned in), "
        "1 came back after the due date" in half
    )
    book = load_workbook(build_tracker(workspace, fake, today=TODAY))
    rows = [r[:4] for r in book[SUMMARY].values]
    at = rows.index(("Returns by the quarter they were due", None, None, None))
    assert rows[at + 1 : at + 4] == [
        ("Quarter", "Due back", "Returned late", "Overdue"),
        ("2026 Q2", 2, 1, 0),
        ("2026 Q3", 2, 0, 1),
    ]
    assert "whenever it came back" in str(rows[at + 4][0])


def test_the_trend_starts_at_the_first_period_with_audits_and_keeps_a_gap_after_it(
    workspace: Workspace,
) -> None:
    # A year report listed 2022 to 2025 as empty rows before the council's first audit.
    results = [audit(1, "Good", on=date(2026, 2, 3)), audit(2, "Good", on=date(2026, 8, 3))]
    fake: Any = FakeRegister(results)
    text = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), TODAY)
    )
    assert "2026 Q1" in text and "2026 Q2" in text  # the empty quarter between is a real gap
    assert "2025 Q3" not in text and "2025 Q4" not in text
    # Named as the tracker's quarter tables name them: "2026Q1" read as a code beside them.
    assert "Period\nGraded\nGood or better\nInadequate\n2026 Q1\n" in text
    assert "2026Q" not in text


def test_a_missed_reaudit_is_still_reported_in_the_quarter_it_fell_due(
    workspace: Workspace,
) -> None:
    # An Inadequate audit of February whose re-audit (3 months on) never happened vanished from
    # the second quarter's report: only audits dated in the quarter were counted.
    missed = audit(1, "Inadequate", on=date(2026, 2, 10))
    redone = audit(2, "Inadequate", on=date(2026, 2, 12), case_id="C00007")
    again = audit(3, "Good", on=date(2026, 5, 14), case_id="C00007")
    fake: Any = FakeRegister([missed, redone, again])
    text = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q2"), TODAY)
    )
    assert "Re-audits that fell due in this period and have not been done: 1." in text
    # In a table, not "1 (QA-00001 (case C00001, due 10/05/2026))": brackets within brackets.
    assert "Audit ref\nCase ID\nRe-audit due\nQA-00001\nC00001\n10/05/2026" in text
    q3 = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), TODAY)
    )
    assert "fell due in this period" not in q3  # due in the second quarter, not the third


@pytest.mark.parametrize(
    "text, width, expected",
    [
        ("Demo Team Manager 24/11/2026", 15, 3),  # 2 by characters: its date was cut off
        ("Seen at home", 15, 1),
        ("Visited twice\nPlan updated in October", 15, 3),
        ("x" * 40, 15, 3),  # one long word runs on over the lines it needs
    ],
)
def test_a_tracker_row_is_as_tall_as_its_words_wrap(text: str, width: int, expected: int) -> None:
    """A cell's lines are counted as Excel and LibreOffice wrap them, at spaces: the Actions
    sheet's "Signed off" cell ('Demo Team Manager 24/11/2026') was given two lines and printed
    with its date cut off."""
    from qaf_docs.reports.tracker_book import lines

    assert lines(text, width) == expected
