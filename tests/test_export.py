"""Tests for qaf_docs.reports.export: the register as JSON and CSV, after a real round trip through Word."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, complete_form, drop, pack_docx, pack_xlsx
from openpyxl import load_workbook

from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.office.action_sheet import find_actions_header
from qaf_docs.records import AuditRecord
from qaf_docs.register.store import Register
from qaf_docs.reports.export import export_csv, export_json
from qaf_docs.workspace import Workspace

AUDIT_DAY = TODAY - timedelta(days=2)


def ingest(workspace: Workspace) -> None:
    outcomes = ingest_inbox(workspace, settle_s=0.05)
    assert [o.result for o in outcomes] == ["accepted"], [o.findings for o in outcomes]


def exported(register: Register, audit_ref: str) -> dict[str, Any]:
    document = json.loads(export_json(register))
    return next(a for a in document["audits"] if a["audit_ref"] == audit_ref)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_json_export_holds_exactly_what_the_auditor_filled(
    workspace: Workspace, register: Register, framework: Framework, issued: list[AuditRecord]
) -> None:
    audit = issued[1]
    scale = framework.scale.grades
    form = complete_form(pack_docx(workspace, audit), framework, audit_day=AUDIT_DAY, actions=0)
    typed: list[dict[str, object]] = []
    for i, d in enumerate(framework.domains):
        grade = scale[i % len(scale)]
        rationale = f"{d.title}: Zoë's plan — reviewed on visit {i}.\nSecond line."
        form.choose(f"qaf_grade_{d.key}", grade).text(f"qaf_rationale_{d.key}", rationale)
        # Tick the first indicator and the last one of the domain, nothing between.
        listed = [t for g in framework.scale.grades for t in d.indicators_for(g)]
        form.tick(f"qaf_ind_{d.key}_1").tick(f"qaf_ind_{d.key}_{len(listed)}")
        ticked = [listed[0], listed[-1]]
        typed.append(
            {
                "domain": d.title,
                "grade": grade,
                "rationale": rationale,
                "indicators": ticked,
                "moderated_grade": None,
            }
        )
    form.choose("qaf_overall_grade", "Requires improvement to be good")
    agreed = [
        ("See the child alone & record their words", "Allocated social worker", 7),
        ("Update the chronology", "Team manager (Ana Lópes)", 21),
    ]
    for n, (what, who, days) in enumerate(agreed, start=1):
        form.text(f"qaf_action_{n}", what).text(f"qaf_action_{n}_owner", who)
        form.pick_date(f"qaf_action_{n}_due", AUDIT_DAY + timedelta(days=days))
    drop(form.save(), workspace.inbox, "completed.docx")
    ingest(workspace)

    item = exported(register, audit.audit_ref)
    assert item["domains"] == typed
    assert item["actions"] == [
        {
            "description": what,
            "owner": who,
            "due_on": (AUDIT_DAY + timedelta(days=days)).isoformat(),
            "status": "Not started",
            "completed_on": None,
            "evidence": "",
            "overdue": False,
            "immediate": False,
            "success_criteria": "",
            "impact_on_child": "",
            "signed_off_by": "",
            "signed_off_on": None,
        }
        for what, who, days in agreed
    ]
    assert item["overall_grade"] == "Requires improvement to be good"
    assert item["moderated_grade"] is None
    assert item["status"] == "returned"
    assert item["case_id"] == audit.case_id
    assert item["team"] == audit.team
    assert item["returned_on"] == TODAY.isoformat()
    # The audits nobody has returned yet are still exported, with nulls where nothing is known.
    audits = json.loads(export_json(register))["audits"]
    pending = [a for a in audits if a["audit_ref"] != audit.audit_ref]
    assert len(pending) == 2
    assert all(a["overall_grade"] is None and a["returned_on"] is None for a in pending)
    assert all(a["domains"] == [] and a["actions"] == [] for a in pending)


def test_an_action_tracker_return_updates_status_and_completion_date(
    workspace: Workspace, register: Register, framework: Framework, issued: list[AuditRecord]
) -> None:
    audit = issued[0]
    form = complete_form(pack_docx(workspace, audit), framework, audit_day=AUDIT_DAY, actions=2)
    drop(form.save(), workspace.inbox, "completed.docx")
    ingest(workspace)

    # The manager updates the re-issued tracker in Excel and sends it back.
    tracker = pack_xlsx(workspace, audit)
    wb = load_workbook(tracker)
    ws = wb.worksheets[0]
    first = find_actions_header(ws) + 1
    ws.cell(row=first, column=5, value="Completed")
    ws.cell(row=first, column=6, value=TODAY)
    ws.cell(row=first + 1, column=5, value="In progress")
    wb.save(workspace.root / "tracker returned.xlsx")
    drop(workspace.root / "tracker returned.xlsx", workspace.inbox)
    ingest(workspace)

    actions = exported(register, audit.audit_ref)["actions"]
    assert [(x["description"], x["status"], x["completed_on"]) for x in actions] == [
        ("Action number 1", "Completed", TODAY.isoformat()),
        ("Action number 2", "In progress", None),
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("requires improvement", "Requires improvement to be good"),
        ("Requires Improvement (to be good)", "Requires improvement to be good"),
        ("good ", "Good"),
        ("OUTSTANDING", "Outstanding"),
    ],
)
def test_grades_are_exported_spelled_as_in_the_framework_scale(
    workspace: Workspace,
    register: Register,
    framework: Framework,
    issued: list[AuditRecord],
    typed: str,
    expected: str,
) -> None:
    audit = issued[0]
    form = complete_form(pack_docx(workspace, audit), framework, grade=typed)
    drop(form.save(), workspace.inbox, "completed.docx")
    ingest(workspace)

    item = exported(register, audit.audit_ref)
    assert item["overall_grade"] == expected
    assert {d["grade"] for d in item["domains"]} == {expected}
    assert expected in framework.scale.grades

    rows = read_csv(export_csv(register, workspace.root / "export")[1])
    assert {r["grade"] for r in rows} == {expected}


def test_csv_export_never_lets_user_text_become_a_formula(
    workspace: Workspace, register: Register, framework: Framework, issued: list[AuditRecord]
) -> None:
    audit = issued[0]
    dangerous = {
        framework.domains[0].key: '=HYPERLINK("http://x")',
        framework.domains[1].key: "+44 7700 900123 was called",
        framework.domains[2].key: "-2 visits were missed",
        framework.domains[3].key: "@IRO was consulted",
    }
    form = complete_form(pack_docx(workspace, audit), framework, actions=1)
    for key, text in dangerous.items():
        form.text(f"qaf_rationale_{key}", text)
    form.text("qaf_action_1", "=1+1 visits a week").text("qaf_action_1_owner", "@Team manager")
    drop(form.save(), workspace.inbox, "completed.docx")
    ingest(workspace)

    written = export_csv(register, workspace.root / "export")
    assert sorted(p.name for p in written) == [
        "actions.csv", "agencies.csv", "audits.csv", "case_facts.csv", "concerns.csv",
        "domains.csv", "escalations.csv", "indicators.csv", "moderation.csv", "sections.csv",
    ]  # fmt: skip
    domains, actions = read_csv(written[1]), read_csv(written[2])
    by_title = {r["domain"]: r["rationale"] for r in domains}
    for d in framework.domains[:4]:
        assert by_title[d.title] == "'" + dangerous[d.key]
    assert actions[0]["description"] == "'=1+1 visits a week"
    assert actions[0]["owner"] == "'@Team manager"
    # JSON is not a spreadsheet: it keeps exactly what was typed.
    item = exported(register, audit.audit_ref)
    assert item["domains"][0]["rationale"] == '=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    "typed",
    [
        '＝HYPERLINK("http://x")',
        "＋44 7700 900123",
        "＠IRO was consulted",
        "\u200b=1+1",
        "\ufeff@SUM(1)",
    ],
    ids=["full-width =", "full-width +", "full-width @", "zero-width space", "byte-order mark"],
)
def test_csv_export_takes_full_width_and_hidden_formula_starts_as_formulas_too(
    workspace: Workspace,
    register: Register,
    framework: Framework,
    issued: list[AuditRecord],
    typed: str,
) -> None:
    """Text pasted from a Japanese or Chinese keyboard (＝ for =), or with an invisible character
    before its =, went into the CSV as it was, where a spreadsheet may run it as a formula."""
    audit = issued[0]
    form = complete_form(pack_docx(workspace, audit), framework, actions=1)
    form.text(f"qaf_rationale_{framework.domains[0].key}", typed).text("qaf_action_1", typed)
    drop(form.save(), workspace.inbox, "completed.docx")
    ingest(workspace)

    written = export_csv(register, workspace.root / "export")
    domains, actions = read_csv(written[1]), read_csv(written[2])
    assert {r["domain"]: r["rationale"] for r in domains}[framework.domains[0].title] == "'" + typed
    assert actions[0]["description"] == "'" + typed


def test_csv_export_is_utf8_with_a_bom_so_excel_shows_accents(
    workspace: Workspace, register: Register, framework: Framework, issued: list[AuditRecord]
) -> None:
    audit = issued[0]
    form = complete_form(pack_docx(workspace, audit), framework, actions=1)
    form.text("qaf_action_1_owner", "Zoë Brontë")
    drop(form.save(), workspace.inbox, "completed.docx")
    ingest(workspace)

    written = {p.name: p for p in export_csv(register, workspace.root / "export")}
    for path in written.values():
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_csv(written["actions.csv"])[0]["owner"] == "Zoë Brontë"
    audits = read_csv(written["audits.csv"])
    assert [r["audit_ref"] for r in audits] == [a.audit_ref for a in issued]
    assert audits[0]["team"] == "Locality 1 Team & Partners"


def test_export_to_the_wrong_kind_of_output_says_what_to_give(
    workspace: Workspace, issued: list[AuditRecord], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from qaf_docs.cli import cli

    def qaf(*args: str | Path) -> str:
        result = CliRunner().invoke(cli, [*map(str, args), "--workspace", str(workspace.root)])
        assert result.exit_code == 1 and result.output.startswith("Error: "), result.output
        return " ".join(result.output.split())

    folder = tmp_path / "adir"
    folder.mkdir()
    said = qaf("export", "--format", "json", "--output", folder)
    assert (
        f"{folder} is a folder; JSON export writes one file, so give --output a file name" in said
    )
    assert list(folder.iterdir()) == []  # no temporary file left either
    written = CliRunner().invoke(
        cli,
        ["export", "--format", "csv", "--output", str(folder), "--workspace", str(workspace.root)],
    )
    assert written.exit_code == 0, written.output
    files = sorted(p.name for p in folder.iterdir())
    a_file = tmp_path / "file.json"
    a_file.write_text("{}", encoding="utf-8")
    said = qaf("export", "--format", "csv", "--output", a_file)
    assert f"CSV export writes {len(files)} files" in said
    assert all(name in said for name in files)
