"""The Word reports as a QA lead reads them printed: a team's or a domain's name whole on its row.

Every table had equal columns, so in a 17 cm wide table of four columns "Children in Care Team 1"
printed as "Children in Care Team" with "1" on a line of its own, and "Intervention and visiting"
and "Management oversight" broke in two beside figures that needed a quarter of their column.
The name column now takes the room; the figures' columns still fit their headings.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import soffice
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
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice is not installed here (it is in CI)")
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext must be installed in CI: .ci/run installs poppler-utils")
        pytest.skip("pdftotext (poppler-utils) is not installed here (it is in CI)")
    subprocess.run(
        [exe, f"-env:UserInstallation=file://{out / '.lo-profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(docx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / f"{docx.stem}.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
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
