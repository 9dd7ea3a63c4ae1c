"""The Word reports as a QA lead reads them printed: a team's or a domain's name whole on its row.

Every table had equal columns, so in a 17 cm wide table of four columns "Children in Care Team 1"
printed as "Children in Care Team" with "1" on a line of its own, and "Intervention and visiting"
and "Management oversight" broke in two beside figures that needed a quarter of their column.
The name column now takes the room; the figures' columns still fit their headings.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import printed_text
from test_reports import FakeRegister, audit

from qaf_docs.reports.period_report import build_round_report
from qaf_docs.workspace import Workspace

TEAMS = [
    "Children with Disabilities Team 1",
    "Family Safeguarding Team 1",
    "Children in Care Team 1",
]


def _printed(docx: Path, out: Path) -> list[str]:
    """The report's printed lines, as LibreOffice lays it out (spacing kept between columns)."""
    text = printed_text(docx, out)
    return [" ".join(line.split()) for line in text.splitlines()]


@pytest.mark.libreoffice
def test_team_and_domain_names_print_whole_on_their_rows(
    workspace: Workspace, tmp_path: Path
) -> None:
    results = [audit(i, "Good", team=TEAMS[i % 3], on=date(2026, 8, 3)) for i in range(1, 7)]
    fake: Any = FakeRegister(results)
    lines = _printed(
        build_round_report(workspace, fake, "2026-07-simple", date(2026, 8, 20)), tmp_path
    )
    for team in TEAMS:
        # Planned and returned beside the whole name, in "Completed against plan by team".
        assert f"{team} 2 2 100%" in lines, [line for line in lines if team[:10] in line]
    for domain in ("Intervention and visiting", "Management oversight"):
        assert any(line.startswith(f"{domain} 6 6 0 100%") for line in lines), [
            line for line in lines if domain.split()[0] in line
        ]


def test_a_short_table_is_kept_on_one_page_and_a_long_one_may_break(workspace: Workspace) -> None:
    """A trend of four quarters printed three rows at a page's foot and its last row alone on the
    next page under a repeated heading. A short table's rows now keep with the next (Word's way of
    keeping a table together); a table of every worker still breaks where the page ends."""
    from docx import Document
    from docx.oxml.ns import qn

    from qaf_docs.reports.period_report import build_period_report
    from qaf_docs.reports.periods import parse_period

    results = [
        audit(i, "Good", worker=f"Pat Worker{i}", on=date(2026, 1 + (i % 9), 3))
        for i in range(1, 40)
    ]
    fake: Any = FakeRegister(results)
    path = build_period_report(
        workspace, fake, parse_period("quarter", "2026Q3"), date(2026, 10, 1)
    )
    kept: dict[str, list[bool]] = {}
    for table in Document(str(path)).tables:
        rows = table._tbl.findall(qn("w:tr"))
        kept[table.rows[0].cells[0].text] = [
            all(p.pPr is not None and p.pPr.keepNext_val for p in row.iter(qn("w:p")))
            for row in rows
        ]
    # The trend's chart stays with its table (the table went to the next page without it).
    body = Document(str(path)).element.body
    chart = [p for p in body.iter(qn("w:p")) if p.find(".//" + qn("w:drawing")) is not None][-1]
    following = chart.getnext()
    assert following is not None and following.tag == qn("w:tbl")
    assert chart.pPr is not None and chart.pPr.keepNext_val
    trend = kept["Period"]
    assert len(trend) == 4 and trend == [True, True, True, False]  # heading and Q1 to Q3
    workers = kept["Worker"]
    assert len(workers) > 12 and not any(workers)
