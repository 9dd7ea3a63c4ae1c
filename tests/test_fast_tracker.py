"""Trackers written from one filling of the template match trackers filled one by one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qaf_docs.office.identity import read_custom_properties
from qaf_docs.packs.action_tracker import write_action_tracker
from qaf_docs.packs.details import PackDetails, details_for
from qaf_docs.packs.fast_tracker import TrackerWriter
from qaf_docs.records import AuditRecord
from qaf_docs.workspace import TRACKER_TEMPLATE, Workspace, init_workspace


def _details(ws: Workspace, ref: str, team: str) -> PackDetails:
    record = AuditRecord(
        ref, "2026-06", "100200", team, "Jo O'Neil", "CP", None, "A. Auditor", "a@x.example",
        "collaborative-audit", "2", "abc123", "allocated", date(2026, 7, 1),
        "2026-06-01T09:00:00+01:00",
    )  # fmt: skip
    return details_for(record, ws.load_settings(), kind="action_tracker")


def _cells(path: Path) -> list[tuple[str, object, bool]]:
    sheet = load_workbook(path).worksheets[0]
    return [
        (c.coordinate, c.value, bool(c.quotePrefix))
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    ]


@pytest.mark.parametrize(
    "team",
    ["Locality <1> & Partners", "=HYPERLINK(\"http://x\")", "  Padded  ", "Ünïcode – team"],
)
def test_fast_tracker_matches_the_plain_one(tmp_path: Path, team: str) -> None:
    ws = init_workspace(tmp_path / "ws", council_name="Testshire & Co")
    template = ws.template(TRACKER_TEMPLATE)
    writer = TrackerWriter(template, _details(ws, "R-0001", "Sample"))
    details = _details(ws, "R-0002", team)
    fast = writer.write(details, tmp_path / "fast.xlsx")
    plain = write_action_tracker(template, details, [], tmp_path / "plain.xlsx")
    assert _cells(fast) == _cells(plain)
    assert read_custom_properties(fast) == read_custom_properties(plain)
    assert read_custom_properties(fast)["qaf_audit_ref"] == "R-0002"
    texts = [value for _, value, _ in _cells(fast)]
    assert any(isinstance(v, str) and "R-0002" in v for v in texts)


def test_one_writer_serves_many_audits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = init_workspace(tmp_path / "ws")
    # Ordinary text never needs the slow path: make it fail loudly if taken.
    monkeypatch.setattr("qaf_docs.packs.fast_tracker.write_action_tracker", None)
    writer = TrackerWriter(ws.template(TRACKER_TEMPLATE), _details(ws, "R-0001", "T"))
    for n in range(3):
        details = _details(ws, f"R-000{n}", f"Team {n}")
        out = writer.write(details, tmp_path / f"{n}.xlsx")
        assert read_custom_properties(out)["qaf_audit_ref"] == f"R-000{n}"
        assert any(v == f"Team {n}" or f"Team {n}" in str(v) for _, v, _ in _cells(out))
