"""Trackers written from one filling of the template match trackers filled one by one."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qaf_docs.office.identity import read_custom_properties
from qaf_docs.packs.action_tracker import write_action_tracker
from qaf_docs.packs.details import PackAction, PackDetails, details_for
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
    ["Locality <1> & Partners", '=HYPERLINK("http://x")', "  Padded  ", "Ünïcode – team"],
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


ACTIONS = [
    PackAction(1, "Update the plan", "Team manager", date(2026, 3, 20)),
    PackAction(
        2, "Visit & see <the child>", "SW", date(2026, 4, 1), "Done", date(2026, 3, 30), "Seen"
    ),
    PackAction(3, "", "", None, "", None, ""),
]


@pytest.mark.parametrize(
    "actions",
    [
        ACTIONS,
        ACTIONS[:1],
        [PackAction(7, "A long description " * 10, "TM", date(2026, 3, 20))],  # a taller row
        [PackAction(1, "=cmd|' /C calc'!A0", "TM", None, evidence="line one\nline two")],
    ],
    ids=["three", "one", "long text", "formula and line break"],
)
def test_trackers_with_actions_match_the_plain_ones(
    tmp_path: Path, actions: list[PackAction]
) -> None:
    ws = init_workspace(tmp_path / "ws")
    template = ws.template(TRACKER_TEMPLATE)
    writer = TrackerWriter(template, _details(ws, "R-0001", "Sample"))
    details = _details(ws, "R-0002", "Team A")
    for n in range(2):  # the second write reuses the prototype of that shape
        fast = writer.write(details, tmp_path / f"fast{n}.xlsx", actions, date(2026, 3, 2))
        plain = write_action_tracker(
            template, details, actions, tmp_path / "plain.xlsx", date(2026, 3, 2)
        )
        assert _cells(fast) == _cells(plain)
        sheet_f, sheet_p = load_workbook(fast).worksheets[0], load_workbook(plain).worksheets[0]
        heights = lambda s: {r: d.height for r, d in s.row_dimensions.items() if d.height}  # noqa: E731
        assert heights(sheet_f) == heights(sheet_p)
        styles = lambda s: [(c.coordinate, c.number_format) for row in s.iter_rows() for c in row]  # noqa: E731
        assert styles(sheet_f) == styles(sheet_p)


def test_ordinary_actions_never_take_the_slow_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = init_workspace(tmp_path / "ws")
    writer = TrackerWriter(ws.template(TRACKER_TEMPLATE), _details(ws, "R-0001", "Sample"))
    monkeypatch.setattr("qaf_docs.packs.fast_tracker.write_action_tracker", None)
    out = writer.write(
        _details(ws, "R-0002", "Team A"), tmp_path / "t.xlsx", ACTIONS, date(2026, 3, 2)
    )
    values = [v for _, v, _ in _cells(out)]
    assert "Visit & see <the child>" in values and "Seen" in values


def test_every_part_is_written_byte_for_byte_as_openpyxl_writes_it(tmp_path: Path) -> None:
    """Joined pieces (``_Cut``) give exactly the text the template's own filling gives."""
    ws = init_workspace(tmp_path / "ws", council_name="Testshire & Co")
    template = ws.template(TRACKER_TEMPLATE)
    writer = TrackerWriter(template, _details(ws, "R-0001", "Sample"))
    many = [
        PackAction(n, f"Act {n} & <co>", "SW", date(2026, 4, n), "In progress", date(2026, 3, n))
        for n in range(1, 12)
    ]
    # ASCII only: openpyxl writes other letters as character references, the fast path as UTF-8
    # (the same text once read: test_fast_tracker_matches_the_plain_one compares the cells).
    teams = ["Team & <A>", "Quote \"x\" 'y'", "x" * 40]
    cases = [(t, a) for t in teams for a in ([], ACTIONS, ACTIONS[:1], ACTIONS[2:], many)]
    for _ in range(2):  # the first round makes each shape's prototype, the second reuses it
        for i, (team, actions) in enumerate(cases):
            details = _details(ws, f"R-{i:04d}", team)
            fast = writer.write(details, tmp_path / "fast.xlsx", actions, date(2026, 3, 2))
            plain = write_action_tracker(
                template, details, actions, tmp_path / "plain.xlsx", date(2026, 3, 2)
            )
            with zipfile.ZipFile(fast) as a, zipfile.ZipFile(plain) as b:
                assert a.testzip() is None
                assert a.namelist() == b.namelist()
                for name in a.namelist():
                    if name != "docProps/core.xml":  # it holds the time it was saved
                        assert a.read(name) == b.read(name), (team, len(actions), name)


def test_an_action_starting_with_a_full_width_formula_sign_stays_text_when_edited(
    tmp_path: Path,
) -> None:
    """＠ and ＝ (as a Japanese or Chinese keyboard types @ and =; Excel reads them so) went
    into the tracker without Excel's quote prefix, so a manager editing the cell made it a formula."""
    ws = init_workspace(tmp_path / "ws")
    writer = TrackerWriter(ws.template(TRACKER_TEMPLATE), _details(ws, "R-0001", "Sample"))
    actions = [PackAction(1, "＠SUM(1) visits", "＝owner", date(2026, 3, 20))]
    fast = writer.write(_details(ws, "R-0002", "A"), tmp_path / "f.xlsx", actions, date(2026, 3, 2))
    shown = {value: prefixed for _, value, prefixed in _cells(fast)}
    assert shown["＠SUM(1) visits"] and shown["＝owner"]
