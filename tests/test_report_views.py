"""What the tracker and the Word reports show of people's views, and how their charts and wording
read: practitioners' views and agencies' findings, a multi-agency report as Brighton's framework asks
(theme, agencies, missing historical information), grade colours, whole-number counts, every domain
named, the month an audit counts in, and one spelling of a case type."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from test_reports import DOMAINS, FakeRegister, audit, document_text

from qaf_docs.records import AgencyFinding, DomainResult
from qaf_docs.reports import report_charts
from qaf_docs.reports.period_report import build_period_report, build_round_report
from qaf_docs.reports.periods import parse_period
from qaf_docs.reports.qa_tracker import build_tracker
from qaf_docs.workspace import Workspace

DAY = date(2026, 12, 1)
NOV = date(2026, 11, 25)
POLICE = AgencyFinding("Police", "DS Lena Marsh", "Shared information promptly.",
                       "Strategy notes on Zebedee were late.")  # fmt: skip
HEALTH = AgencyFinding("Health", "", "", "")  # a default agency nobody filled in


def said_rows(path: Path) -> dict[str, dict[str, Any]]:
    sheet = load_workbook(path)["What people said"]
    rows = list(sheet.iter_rows(values_only=True))
    return {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0]}


def multi_agency_results() -> list[Any]:
    said = {
        "theme": "Neglect",
        "family_feedback": "Mum said Zebedee felt listened to.",
        "practitioner_self_assessment": "I know Zebedee well but recording fell behind.",
        "missing_historical_information": "Chronology from 2019 was not on file.",
    }
    return [
        audit(1, "Good", on=NOV, framework_id="multi-agency-audit", child_name="Zebedee Smith",
              sections=said, agencies=[POLICE, HEALTH], missing_history=True),
        audit(2, "Inadequate", on=NOV, framework_id="multi-agency-audit", missing_history=False,
              sections={"theme": "Neglect"}),
    ]  # fmt: skip


def test_what_people_said_carries_practitioners_and_agencies(workspace: Workspace) -> None:
    results = [
        audit(1, "Good", child_name="Zebedee Smith", agencies=[POLICE, HEALTH],
              sections={"self_assessment": "Zebedee trusts me; my recording fell behind."}),
        # Only a practitioner's view: it used to be left out of the sheet altogether.
        audit(2, "Good", sections={"practitioner_self_assessment": "Supervision helped."}),
        audit(3, "Good"),
    ]  # fmt: skip
    rows = said_rows(build_tracker(workspace, FakeRegister(results), today=DAY))  # type: ignore[arg-type]
    assert set(rows) == {"QA-00001", "QA-00002"}
    first = rows["QA-00001"]
    assert first["Practitioner self-assessment"] == "The child trusts me; my recording fell behind."
    # By agency name; an agency with nothing written is left out; the lead is not quoted.
    assert first["Agencies' contributions"] == (
        "Police: contribution “Shared information promptly.”; "
        "finding “Strategy notes on the child were late.”"
    )
    assert rows["QA-00002"]["Practitioner self-assessment"] == "Supervision helped."
    assert "Zebedee" not in str(rows) and "Marsh" not in str(rows)


def test_a_multi_agency_report_shows_what_brightons_framework_asks(
    make_workspace: Callable[..., Workspace], tmp_path: Path
) -> None:
    ws = make_workspace(tmp_path / "ma", framework="multi-agency-audit")
    path = build_round_report(ws, FakeRegister(multi_agency_results()), "2026-07-simple", DAY)  # type: ignore[arg-type]
    text = document_text(path)
    # The three questions to service users and the views of practitioners, in the framework's words.
    assert "Three questions to service users: “Mum said the child felt listened to.”" in text
    assert (
        "Views of practitioners and their managers: “I know the child well but recording fell "
        "behind.”" in text
    )
    assert "What agencies found" in text
    assert (
        "Police: contribution “Shared information promptly.”; finding “Strategy notes on the "
        "child were late.”" in text
    )
    assert "Health:" not in text and "Marsh" not in text and "Zebedee" not in text
    assert "Content area (theme)\nAudits\nNeglect\n2" in text
    assert (
        "Missing historical information: 1 of 2 returned audits found historical information "
        "missing or hard to reach." in text
    )
    assert "QA-00001\nC00001\nChronology from 2019 was not on file." in text
    assert "Report the case where historical information was missing (listed above)." in text
    # No moderation step in the framework: said once, no empty Moderation section after it.
    assert "These audits are not moderated" in text
    assert "Audits moderated:" not in text and "\nModeration\n" not in text
    # The round is called as people call it, its reference given where the report says what it
    # covers (it read "Audit round overview: 2026-07-simple").
    assert "Audit round overview: Random sample, July 2026" in text
    assert (
        "This report covers the audits of the round Random sample, July 2026 (2026-07-simple)"
        in (text)
    )


def test_a_moderated_framework_keeps_its_moderation_section_and_pages_are_numbered(
    workspace: Workspace,
) -> None:
    fake: Any = FakeRegister([audit(1, "Good"), audit(2, "Good")])
    path = build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY)
    text = document_text(path).splitlines()
    assert "Moderation" in text and "No audit in this period has been moderated yet." in text
    with zipfile.ZipFile(path) as z:
        footers = "".join(z.read(n).decode() for n in z.namelist() if "footer" in n)
    assert re.search(r'instr="\s*PAGE\s*"', footers) and re.search(
        r'instr="\s*NUMPAGES\s*"', footers
    )
    assert "Page " in footers and " of " in footers


def test_the_trend_charts_title_names_rounds_or_periods_as_its_heading_does(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    titles: list[str] = []
    real = report_charts.trend

    def trend(*args: Any) -> Any:
        titles.append(args[-1])
        return real(*args)

    monkeypatch.setattr(report_charts, "trend", trend)
    earlier = audit(3, "Good", round_id="2026-04-simple", on=date(2026, 5, 4))  # a trend needs two
    fake: Any = FakeRegister([audit(1, "Good"), audit(2, "Inadequate"), earlier])
    assert "Trend against earlier rounds" in document_text(
        build_round_report(workspace, fake, "2026-07-simple", DAY)
    )
    assert "Trend against earlier periods" in document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY)
    )
    assert titles == ["Trend against earlier rounds", "Trend against earlier periods"]


def test_cases_audited_before_and_good_both_times_are_said_plainly(workspace: Workspace) -> None:
    fake: Any = FakeRegister([audit(1, "Good")])
    text = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY)
    )
    assert "No case audited in this period had been audited before." in text
    again = audit(2, "Good", case_id="C00001", on=date(2026, 9, 1))
    fake = FakeRegister([audit(1, "Good"), again])
    text = document_text(
        build_period_report(workspace, fake, parse_period("quarter", "2026Q3"), DAY)
    )
    assert (
        "1 case audited in this period had been audited before, and it was good or better both "
        "times." in text
    )
    assert "either grade" not in text


def charts(path: Path) -> dict[str, str]:
    """The tracker's charts' XML by chart title."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/chart"):
                xml = z.read(name).decode()
                title = "".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("</c:title>")[0]))
                out[title] = xml
    return out


def test_tracker_charts_colour_each_grade_count_whole_audits_and_name_every_domain(
    workspace: Workspace, make_workspace: Callable[..., Workspace], tmp_path: Path
) -> None:
    long = [f"{d} — what good looks like for the child" for d in DOMAINS]
    grades = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate", "Good"]
    results = [
        audit(i, g, domains=[DomainResult(d, g, "Rationale given in full.") for d in long])
        for i, g in enumerate(grades, start=1)
    ]
    found = charts(build_tracker(workspace, FakeRegister(results), today=DAY))  # type: ignore[arg-type]
    final = found["Final grades (after moderation)"]
    points = re.findall(r"<c:dPt>.*?<a:srgbClr val=\"(\w+)\"", final, re.S)
    assert len(points) == 4 and len(set(points)) == 4  # Outstanding and Good no longer alike
    assert '<c:majorUnit val="1"/>' in final  # no 0.2, 0.4 … for counts of audits
    domains = found["Grades by domain"]
    fills = re.findall(r"<c:ser>.*?<c:spPr><a:solidFill><a:srgbClr val=\"(\w+)\"", domains, re.S)
    assert fills == points  # each grade one colour in both charts
    assert '<c:tickLblSkip val="1"/>' in domains  # every domain labelled, not every other one
    month = found["Trend by month"]
    assert re.findall(r'<c:symbol val="(\w+)"/>', month) == ["circle", "square"]
    assert 'prstDash val="dash"' in month  # an equal share still shows both lines
    ma = make_workspace(tmp_path / "ma", framework="multi-agency-audit")
    found = charts(build_tracker(ma, FakeRegister(multi_agency_results()), today=DAY))  # type: ignore[arg-type]
    assert "Final grades" in found and "Final grades (after moderation)" not in found


def test_by_month_counts_a_round_in_the_month_it_was_issued(workspace: Workspace) -> None:
    issued, due = date(2026, 11, 23), date(2026, 12, 14)
    results = [
        audit(i, "Good", on=date(2026, 11, 30), issued_on=issued, due_on=due,
              case_type="care leaver")
        for i in range(1, 4)
    ] + [audit(4, None, issued_on=issued, due_on=due)]  # fmt: skip
    path = build_tracker(workspace, FakeRegister(results), today=DAY)  # type: ignore[arg-type]
    cells = [[c for c in r] for r in load_workbook(path)["Summary"].iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(cells) if r[0] == "By month issued")
    assert cells[at + 2][:3] == ["2026-11", 4, 3]  # the round's 75%, not November "complete"
    assert cells[at + 3][0].startswith("Counted in the month its audit tool was issued")
    audits = load_workbook(path)["Audits"]
    assert [r[3] for r in audits.iter_rows(min_row=2, max_row=3, values_only=True)] == [
        "Care leaver",
        "Care leaver",
    ]


def test_the_trackers_quarterly_trend_leaves_re_audits_out_as_the_reports_do(
    workspace: Workspace,
) -> None:
    # The Trend by quarter chart drew every audit: inadequate re-audits pulled the quarter's share
    # good or better down beside the Word report's trend, which leaves them out.
    sampled = [audit(i, "Good", on=date(2026, 8, 3)) for i in (1, 2)]
    again = [audit(3, "Inadequate", on=date(2026, 8, 5), round_kind="reaudit",
                   round_id="2026-08-reaudit")]  # fmt: skip
    path = build_tracker(workspace, FakeRegister(sampled + again), today=DAY)  # type: ignore[arg-type]
    cells = [list(r) for r in load_workbook(path)["Summary"].iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(cells) if r[0] == "By quarter")
    assert cells[at + 2][:4] == ["2026 Q3", 3, 3, 3]  # the table of every audit is kept
    left = next(i for i, r in enumerate(cells) if r[0] == "By quarter, routine audits only")
    assert cells[left + 2][:6] == ["2026 Q3", 2, 2, 2, 1, 0]
    assert cells[left + 4][0] == "It leaves out re-audits, whose cases were not drawn as a sample."
    trend = charts(path)["Trend by quarter (routine audits)"]
    assert f"Summary!$A${left + 3}" in trend  # the chart reads the table without them
    # Without a re-audit there is one table, and the chart reads it.
    path = build_tracker(workspace, FakeRegister(sampled), today=DAY)  # type: ignore[arg-type]
    names = [r[0] for r in load_workbook(path)["Summary"].iter_rows(values_only=True)]
    assert "By quarter, routine audits only" not in names
    assert "Trend by quarter" in charts(path)
