"""The round manifest: what the QA lead sends out, and the proof that it can be drawn again."""

from __future__ import annotations

import csv
from datetime import date, datetime

import openpyxl
import pytest

from qaf_docs.cases.case import Case, CaseType, case_list_from_cases
from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.manifest import read_manifest_record, write_manifest
from qaf_docs.cases.plan import AuditHistory, RoundSpec
from qaf_docs.cases.roster import Auditor
from qaf_docs.cases.sampling import plan_round
from qaf_docs.cases.verification import verify_manifest
from qaf_docs.demo.synthetic import synthetic_roster, write_roster_file, write_synthetic_case_list
from qaf_docs.errors import SamplingError
from qaf_docs.records import case_type_words

TODAY = date(2026, 3, 1)


@pytest.fixture
def drawn(tmp_path):
    """A case list, roster, history and the manifest of a round drawn from them."""
    case_list_path = write_synthetic_case_list(
        tmp_path / "cases.csv", children=400, teams=6, seed=4, today=TODAY, messy=True
    )
    roster_path = write_roster_file(tmp_path / "roster.xlsx", synthetic_roster(6, seed=4))
    case_list = read_case_list(case_list_path, today=TODAY)
    first = case_list.cases[0].case_id
    history = AuditHistory(last_audited={first: date(2026, 2, 1)})
    from qaf_docs.cases.roster import read_roster

    plan = plan_round(
        case_list,
        read_roster(roster_path),
        RoundSpec("simple", seed=42, n=12, stratify_by=("team",)),
        round_id="2026-03 simple",
        history=history,
        today=TODAY,
    )
    manifest = tmp_path / "outbox" / "samples" / "2026-03 simple.xlsx"
    write_manifest(plan, manifest)
    return case_list_path, roster_path, history, plan, manifest


def test_manifest_has_the_sheets_a_qa_lead_sends_out(drawn):
    *_, plan, manifest = drawn
    wb = openpyxl.load_workbook(manifest)
    assert wb.sheetnames[:5] == ["Round", "Audits", "Unallocated", "Excluded", "Import warnings"]
    assert wb["_record"].sheet_state == "hidden"
    audits = wb["Audits"]
    header = [c.value for c in audits[1]]
    assert header[:9] == [
        "Audit ref", "Case ID", "Case type", "Team", "Worker", "Auditor", "Auditor email",
        "Auditor role", "Due date",
    ]  # fmt: skip
    assert header[-2:] == ["How chosen", "Status"]
    assert all(c.font.bold for c in audits[1])
    assert audits.freeze_panes == "A2"
    assert audits.auto_filter.ref.startswith("A1:M")
    assert audits.column_dimensions["A"].width >= 9
    assert audits.max_row == len(plan.audits) + 1
    due = audits.cell(row=2, column=9)
    assert isinstance(due.value, datetime) and due.value.date() == date(
        2026, 3, 23
    )  # 20 days on is a Saturday: the Monday
    assert due.number_format == "dd/mm/yyyy"
    # One spelling of a case type, as the audit tool and the reports print it.
    drawn_types = {
        a.case.case_type.value: case_type_words(a.case.case_type.value) for a in plan.audits
    }
    shown = {r[2].value for r in audits.iter_rows(min_row=2)}
    assert shown == set(drawn_types.values())
    excluded = {r[0].value: r[1].value for r in wb["Excluded"].iter_rows(min_row=2)}
    assert any("within the last 6 month" in (v or "") for v in excluded.values())


def test_round_sheet_records_seed_rules_hash_and_counts(drawn):
    *_, plan, manifest = drawn
    ws = openpyxl.load_workbook(manifest)["Round"]
    values = {r[0].value: r[1].value for r in ws.iter_rows(min_row=2) if r[0].value}
    assert values["Seed"] == 42
    assert values["Kind of round"] == "Random sample"
    assert values["Case list fingerprint (SHA-256)"].replace("\n", "") == plan.input_sha256
    rules = " ".join(str(v) for k, v in values.items() if str(k).endswith("."))
    assert "spread across teams in proportion to their size" in rules
    # Nothing internal on the page a QA lead prints: no JSON, no snake_case rule names.
    shown = " ".join(f"{k} {v}" for k, v in values.items())
    assert "{" not in shown and "stratify_by" not in shown and "Rule:" not in shown
    team_counts = plan.counts_by("team")
    for team, n in team_counts.items():
        assert values[team] == n
    assert sum(team_counts.values()) == 12
    for case_type, n in plan.counts_by("case_type").items():
        assert values[case_type_words(case_type)] == n


def test_text_that_looks_like_a_formula_is_stored_as_text(tmp_path):
    cases = [
        Case("1", '=HYPERLINK("x")', "+Worker", CaseType.CIN, True, None, None, ("-list",)),
        Case("2", "@team", "-worker", CaseType.CP, True, None, None, ("x",)),
    ]
    roster = [Auditor("=cmd|' /C calc'!A0", "a@x.org", "Service Manager", None, 5)]
    plan = plan_round(
        case_list_from_cases(cases),
        roster,
        RoundSpec("simple", seed=1, n=2),
        round_id="r",
        history=AuditHistory(),
        today=TODAY,
    )
    path = tmp_path / "m.xlsx"
    write_manifest(plan, path)
    ws = openpyxl.load_workbook(path)["Audits"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value[:1] in "=+-@"]
    assert len(risky) == 7  # C, D, E and I of row 2; C, D and E of row 3
    assert all(c.data_type == "s" for c in risky)


def test_no_childs_name_in_the_manifest(tmp_path):
    path = tmp_path / "c.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(
            [["Child ID", "Child Name", "Team"], ["1", "Zebedee Quartermaine", "North"]]
        )
    case_list = read_case_list(path, today=TODAY)
    plan = plan_round(
        case_list, [], RoundSpec("simple", seed=1, n=1), round_id="r",
        history=AuditHistory(), today=TODAY,
    )  # fmt: skip
    write_manifest(plan, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "m.xlsx")
    text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
    assert "Zebedee" not in text


# -- verify --------------------------------------------------------------------------------------


def test_verify_reproduces_the_round_from_the_case_list_alone(drawn):
    case_list_path, *_, manifest = drawn
    result = verify_manifest(manifest, case_list_path)
    assert result.ok and result.same_input
    assert "Reproduced" in result.explanation and "seed 42" in result.explanation


def test_verify_with_the_same_roster_and_history_passes(drawn):
    case_list_path, roster_path, history, _, manifest = drawn
    assert verify_manifest(manifest, case_list_path, roster_path, history).ok


def test_verify_explains_a_different_case_list(drawn, tmp_path):
    _, _, _, _, manifest = drawn
    other = write_synthetic_case_list(
        tmp_path / "other.csv", children=400, teams=6, seed=5, today=TODAY
    )
    result = verify_manifest(manifest, other)
    assert not result.ok and not result.same_input
    # Said plainly first; the fingerprints (a SHA-256 to nobody but IT) follow in brackets.
    assert (
        "The case list other.csv is not the same file this round was drawn from, and it holds "
        "different cases" in result.explanation
    )
    assert (
        "SHA-256" not in result.explanation and "(for IT: its fingerprint is " in result.explanation
    )
    assert "were not drawn again" in result.explanation


def test_verify_accepts_the_same_cases_saved_differently(drawn, tmp_path):
    case_list_path, *_, manifest = drawn
    resaved = tmp_path / "resaved.csv"
    rows = list(csv.reader(case_list_path.open(newline="", encoding="utf-8")))
    with resaved.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    result = verify_manifest(manifest, resaved)
    assert result.ok and not result.same_input
    assert "holds the same cases" in result.explanation


def test_verify_notices_an_edited_manifest(drawn):
    case_list_path, *_, manifest = drawn
    wb = openpyxl.load_workbook(manifest)
    ws = wb["Audits"]
    ws.cell(row=2, column=6).value = "Somebody Else"
    ws.cell(row=3, column=2).value = "99999999"
    wb.save(manifest)
    result = verify_manifest(manifest, case_list_path)
    assert not result.ok
    assert "went to a different auditor" in result.explanation
    assert "99999999" in result.explanation


def test_verify_notices_a_changed_roster_and_history(drawn, tmp_path):
    case_list_path, _, _, _, manifest = drawn
    roster = synthetic_roster(6, seed=4)
    changed = write_roster_file(tmp_path / "changed.csv", roster[1:])
    result = verify_manifest(manifest, case_list_path, changed, AuditHistory())
    assert not result.ok
    assert "roster differs" in result.explanation and "removed" in result.explanation
    assert "audit history you gave differs" in result.explanation


@pytest.mark.parametrize("kind", ["tier-one", "thematic", "half-cycle", "reaudit"])
def test_every_round_kind_verifies(tmp_path, kind):
    case_list_path = write_synthetic_case_list(
        tmp_path / "c.xlsx", children=600, teams=8, seed=2, today=TODAY
    )
    case_list = read_case_list(case_list_path, today=TODAY)
    spec = {
        "tier-one": RoundSpec("tier-one", seed=3),
        "thematic": RoundSpec(
            "thematic", seed=3, theme_column="category_of_abuse", theme_values=("Neglect",)
        ),
        "half-cycle": RoundSpec("half-cycle", seed=3, half="second"),
        "reaudit": RoundSpec("reaudit", seed=3),
    }[kind]
    ids = [c.case_id for c in case_list.cases]
    history = AuditHistory(
        reaudit_due={ids[0]: date(2026, 2, 1)},
        half_cycle_taken=frozenset(ids[::2]),
        worker_last_audited={case_list.cases[1].worker or "x": date(2025, 1, 1)},
    )
    plan = plan_round(
        case_list, synthetic_roster(8, seed=2), spec, round_id=kind, history=history, today=TODAY
    )
    write_manifest(plan, tmp_path / f"{kind}.xlsx")
    record = read_manifest_record(tmp_path / f"{kind}.xlsx")
    assert record.history == history
    assert verify_manifest(tmp_path / f"{kind}.xlsx", case_list_path).ok


def test_verify_refuses_a_workbook_that_is_not_a_manifest(tmp_path):
    path = tmp_path / "x.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(SamplingError, match="not a qaf sampling manifest"):
        verify_manifest(path, tmp_path / "c.csv")


def test_verify_missing_manifest_is_a_clear_error(tmp_path):
    with pytest.raises(SamplingError, match="does not exist"):
        verify_manifest(tmp_path / "nope.xlsx", tmp_path / "c.csv")
