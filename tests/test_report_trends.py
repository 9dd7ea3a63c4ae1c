"""What the trends count, in the tracker and the Word reports alike: the routine audits drawn as a
sample. Re-audits, deep dives and audits at closure chose their cases otherwise, so they are left
out of every trend, and deep dives and audits at closure are reported each as its own round; a
round is called by its kind and month, as people call it, not by its reference alone."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from test_report_views import charts
from test_reports import FakeRegister, audit, document_text

from qaf_docs.reports.period_report import build_period_report, build_round_report
from qaf_docs.reports.periods import parse_period
from qaf_docs.reports.qa_tracker import build_tracker
from qaf_docs.reports.trend_scope import round_name
from qaf_docs.workspace import Workspace

DAY = date(2026, 12, 1)
Q3 = parse_period("quarter", "2026Q3")


def summary_cells(path: Any) -> list[list[Any]]:
    return [list(r) for r in load_workbook(path)["Summary"].iter_rows(values_only=True)]


def table_at(cells: list[list[Any]], title: str) -> int:
    return next(i for i, r in enumerate(cells) if r[0] == title)


def test_the_trackers_trend_by_month_leaves_re_audits_out_as_the_quarterly_trend_does(
    workspace: Workspace,
) -> None:
    # The Trend by month chart counted re-audits with first audits while the Trend by quarter
    # left them out: two inadequate re-audits issued in August drew August's good or better
    # down to 50% on one chart and not on the other.
    first = [audit(i, "Good", on=date(2026, 8, 20), issued_on=date(2026, 8, 1)) for i in (1, 2)]
    again = [
        audit(i, "Inadequate", on=date(2026, 8, 21), issued_on=date(2026, 8, 3),
              round_id="2026-08-reaudit", round_kind="reaudit")
        for i in (3, 4)
    ]  # fmt: skip
    path = build_tracker(workspace, FakeRegister(first + again), today=DAY)  # type: ignore[arg-type]
    cells = summary_cells(path)
    every = table_at(cells, "By month issued")
    assert cells[every + 2][:6] == ["2026-08", 4, 4, 4, 0.5, 0.5]  # the month's plan: every audit
    routine = table_at(cells, "By month issued, routine audits only")
    assert cells[routine + 2][:6] == ["2026-08", 2, 2, 2, 1, 0]
    assert [cells[routine + 3][0], cells[routine + 4][0]] == [
        "The Trend by month chart is drawn from this table, as the Word reports' trend is.",
        "It leaves out re-audits, whose cases were not drawn as a sample.",
    ]
    found = charts(path)
    month, quarter = (
        found["Trend by month (routine audits)"],
        found["Trend by quarter (routine audits)"],
    )
    assert f"Summary!$A${routine + 3}" in month and f"Summary!$A${every + 3}" not in month
    quarter_table = table_at(cells, "By quarter, routine audits only")
    assert cells[quarter_table + 2][4:6] == cells[routine + 2][4:6]  # the two charts agree
    assert f"Summary!$A${quarter_table + 3}" in quarter
    # No re-audit: one table each, and the charts say nothing of what they leave out.
    path = build_tracker(workspace, FakeRegister(first), today=DAY)  # type: ignore[arg-type]
    names = [r[0] for r in summary_cells(path)]
    assert "By month issued, routine audits only" not in names
    assert {"Trend by month", "Trend by quarter"} <= set(charts(path))


def _quarters() -> list[Any]:
    """A routine July and August, a deep dive and a round of audits at closure in August."""
    before = [audit(i, "Good", on=date(2026, 5, 4), round_id="2026-05-simple") for i in (1, 2)]
    routine = [audit(i, "Good", on=date(2026, 8, 3), round_id="2026-07-simple") for i in (3, 4)]
    deep = [
        audit(i, "Inadequate", on=date(2026, 8, 10), round_id="2026-08-thematic",
              round_kind="thematic")
        for i in (5, 6, 7)
    ]  # fmt: skip
    closing = [audit(8, "Requires improvement to be good", on=date(2026, 8, 12),
                     round_id="2026-08-closure", round_kind="closure")]  # fmt: skip
    return before + routine + deep + closing


def test_a_quarters_trend_leaves_deep_dives_and_closure_audits_out_and_reports_each_round(
    workspace: Workspace,
) -> None:
    # Three inadequate audits of a deep dive on neglect pulled the quarter's trend from 100% good
    # to 33%, as if routine practice had fallen; the deep dive was nowhere reported as its own.
    text = document_text(build_period_report(workspace, FakeRegister(_quarters()), Q3, DAY))  # type: ignore[arg-type]
    assert (
        "Leaving out deep dive audits and audits at closure, compared with the previous quarter "
        "(April to June 2026, 2 graded audits): good or better stayed at 100%; inadequate stayed "
        "at 0%."
    ) in text
    assert "Left out of these quarters: 3 deep dive audits and 1 audit at closure" in text
    # The Summary still counts every audit of the quarter.
    assert "33% of 6 graded audits were good or better" in text
    section = text.split("\nRounds reported on their own\n", 1)[1]
    assert section.startswith("Each deep dive, round of audits at closure and round of another "
                              "framework in this period is reported here as its own")  # fmt: skip
    rows = section.split("\nRound\nPlanned\nReturned\nGraded\nGood or better\nInadequate\n", 1)[1]
    assert rows.startswith(
        "Deep dive (thematic audit), August 2026\n3\n3\n3\n0%\n100%\n"
        "Audits at closure, August 2026\n1\n1\n1\n0%\n0%\n"
    )
    # A quarter with no such round has no such section.
    routine_only = [a for a in _quarters() if a.round_kind == "simple"]
    text = document_text(build_period_report(workspace, FakeRegister(routine_only), Q3, DAY))  # type: ignore[arg-type]
    assert "Rounds reported on their own" not in text
    assert "Compared with the previous quarter (April to June 2026" in text


def test_the_tracker_reports_deep_dives_and_closure_audits_as_their_own_rounds(
    workspace: Workspace,
) -> None:
    path = build_tracker(workspace, FakeRegister(_quarters()), today=DAY)  # type: ignore[arg-type]
    cells = summary_cells(path)
    quarter = table_at(cells, "By quarter, routine audits only")
    assert cells[quarter + 2][:6] == ["2026 Q2", 2, 2, 2, 1, 0]
    assert cells[quarter + 3][:6] == ["2026 Q3", 2, 2, 2, 1, 0]
    assert cells[quarter + 5][0] == "It leaves out deep dive audits and audits at closure."
    assert cells[quarter + 6][0] == (
        "Deep dive audits and audits at closure: under Rounds reported on their own."
    )
    own = table_at(cells, "Rounds reported on their own")
    assert cells[own + 2][:6] == ["Deep dive (thematic audit), August 2026", 3, 3, 3, 0, 1]
    assert cells[own + 3][:6] == ["Audits at closure, August 2026", 1, 1, 1, 0, 0]


def test_a_deep_dive_is_compared_with_earlier_deep_dives_only(workspace: Workspace) -> None:
    # A deep dive's report compared it with the random sample before it ("good or better fell
    # from 100% to 0%"), and the next random sample's report with the deep dive.
    earlier_dive = audit(9, "Good", on=date(2026, 4, 8), round_id="2026-04-thematic",
                         round_kind="thematic")  # fmt: skip
    results = [earlier_dive, *_quarters()]
    fake: Any = FakeRegister(results)
    text = document_text(build_round_report(workspace, fake, "2026-08-thematic", DAY))
    assert "Audit round overview: Deep dive (thematic audit), August 2026" in text
    assert (
        "Compared with the previous round (Deep dive (thematic audit), April 2026, 1 graded "
        "audit): good or better fell from 100% to 0%"
    ) in text
    assert "Random sample" not in text
    assert "This is a deep dive, so its trend is of earlier deep dives only" in text
    fake = FakeRegister(_quarters())
    text = document_text(build_round_report(workspace, fake, "2026-08-thematic", DAY))
    assert "No earlier deep dive of the Collaborative audit has audits to compare with" in text
    text = document_text(build_round_report(workspace, fake, "2026-08-closure", DAY))
    assert "No earlier round of audits at closure of the Collaborative audit has audits" in text
    later = [audit(i, "Good", on=date(2026, 9, 7), round_id="2026-09-simple") for i in (10, 11)]
    fake = FakeRegister([*results, *later])
    text = document_text(build_round_report(workspace, fake, "2026-09-simple", DAY))
    assert "Compared with the previous round (Random sample, July 2026, 2 graded audits)" in text
    assert "Deep dive" not in text.split("Is anyone better off")[0].replace(
        "deep dives and audits at closure", ""
    )


@pytest.mark.parametrize(
    ("round_id", "said"),
    [
        ("2026-11-simple", "Random sample, November 2026"),
        ("2026-11-simple-2", "Random sample, November 2026, round 2"),
        ("2027-01-tier-one", "Tier-one manager audits, January 2027"),
        ("2026-04-half-cycle-3", "Half of the audit cycle, April 2026, round 3"),
        ("2026-10-thematic", "Deep dive (thematic audit), October 2026"),
        ("2026-10-reaudit", "Re-audits due, October 2026"),
        ("2026-13-simple", "2026-13-simple"),  # not a month: left as it is
        ("2026-07-multi", "2026-07-multi"),  # not a kind of round
        ("Autumn audit", "Autumn audit"),
    ],
)
def test_a_round_is_called_by_its_kind_and_month(round_id: str, said: str) -> None:
    assert round_name(round_id) == said


def test_a_round_reports_title_and_trend_name_rounds_as_people_call_them(
    workspace: Workspace,
) -> None:
    fake: Any = FakeRegister(_quarters())
    text = document_text(build_round_report(workspace, fake, "2026-07-simple", DAY))
    assert text.startswith("Audit round overview: Random sample, July 2026\n")
    assert (
        "This report covers the audits of the round Random sample, July 2026 (2026-07-simple)."
        in text
    )
    trend = text.split("\nRound\nGraded\nGood or better\nInadequate\n", 1)[1]
    assert trend.startswith("Random sample, May 2026\n2\n100%\n0%\nRandom sample, July 2026\n")
    assert not re.search(r"\b2026-05-simple\b", text)


def test_a_quarters_trend_is_of_its_own_framework_and_another_frameworks_round_is_its_own(
    workspace: Workspace,
) -> None:
    # Two inadequate multi-agency audits beside the monthly collaborative audit read in the
    # quarter's trend as "good or better fell from 100% to 50%", as if the same practice had been
    # graded against the same questions; the round report never said which framework it was.
    monthly = [audit(i, "Good", on=date(2026, 5, 4), round_id="2026-05-simple") for i in (1, 2)]
    monthly += [audit(i, "Good", on=date(2026, 8, 3)) for i in (3, 4)]
    multi = [
        audit(i, "Inadequate", on=date(2026, 8, 13), round_id="2026-08-simple-2",
              framework_id="multi-agency-audit")
        for i in (5, 6)
    ]  # fmt: skip
    fake: Any = FakeRegister(monthly + multi)
    text = document_text(build_period_report(workspace, fake, Q3, DAY))
    assert (
        "Leaving out audits under other frameworks, compared with the previous quarter (April to "
        "June 2026, 2 graded audits): good or better stayed at 100%; inadequate stayed at 0%."
    ) in text
    assert "It counts the Collaborative audit's audits only" in text
    assert "50% of 4 graded audits were good or better" in text  # the Summary counts them all
    rows = text.split("\nRound\nPlanned\nReturned\nGraded\nGood or better\nInadequate\n", 1)[1]
    assert rows.startswith(
        "Random sample, August 2026, round 2 (Multi-agency audit)\n2\n2\n2\n0%\n100%\n"
    )
    text = document_text(build_round_report(workspace, fake, "2026-08-simple-2", DAY))
    assert (
        "This report covers the audits of the round Random sample, August 2026, round 2 "
        "(2026-08-simple-2), audited with the Multi-agency audit."
    ) in text
    path = build_tracker(workspace, fake, today=DAY)
    cells = summary_cells(path)
    quarter = table_at(cells, "By quarter, routine audits only")
    assert cells[quarter + 3][:6] == ["2026 Q3", 2, 2, 2, 1, 0]
    own = table_at(cells, "Rounds reported on their own")
    assert cells[own + 2][:6] == [
        "Random sample, August 2026, round 2 (Multi-agency audit)",
        2,
        2,
        2,
        0,
        1,
    ]
    # Its name, longer than the column, wraps rather than being cut off by the Planned figure.
    sheet = load_workbook(path)["Summary"]
    assert sheet.cell(own + 3, 1).alignment.wrap_text
    assert sheet.row_dimensions[own + 3].height == 30


def test_a_tracker_of_deep_dives_alone_says_it_has_no_routine_audit(workspace: Workspace) -> None:
    # Beside three deep-dive audits counted above it, the routine-only tables said "No audits yet."
    deep = [a for a in _quarters() if a.round_kind == "thematic"]
    cells = summary_cells(build_tracker(workspace, FakeRegister(deep), today=DAY))  # type: ignore[arg-type]
    for title in ("By month issued, routine audits only", "By quarter, routine audits only"):
        at = table_at(cells, title)
        assert cells[at + 2][0] == "No routine audit yet, so the trend has nothing to draw."
    assert "No audits yet." not in [r[0] for r in cells]
