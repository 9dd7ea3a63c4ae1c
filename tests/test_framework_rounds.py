"""Several frameworks in one workspace, the case facts panel, and the bad input around them."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import complete_form, drop

from qaf_docs.cases import rounds
from qaf_docs.cli import cli
from qaf_docs.demo.synthetic import synthetic_roster, write_roster_file
from qaf_docs.errors import SettingsError
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.office.identity import read_custom_properties
from qaf_docs.packs.details import pack_paths
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.store import Register
from qaf_docs.reports.export import export_json
from qaf_docs.workspace import Workspace, init_workspace

TODAY = date(2026, 11, 20)
BOTH = ["collaborative-audit", "multi-agency-audit"]


def _two_framework_workspace(root: Path) -> Workspace:
    ws = init_workspace(root)
    text = ws.settings_path.read_text("utf-8")
    ws.settings_path.write_text(
        text.replace('frameworks = ["collaborative-audit"]', f"frameworks = {json.dumps(BOTH)}"),
        "utf-8",
    )
    return ws


def _case_list(path: Path) -> Path:
    """A flat export of four CP cases, one of them supervised 40 days ago, one 20 days ago."""
    rows = [
        "Child Unique ID,Case Type,Start Date,Allocated Team,Allocated Worker,"
        "Date of last supervision,Child's Legal Status,Date of Birth",
    ]
    for i, days in enumerate((40, 20, None, 90)):
        supervised = (TODAY - timedelta(days=days)).isoformat() if days else ""
        rows.append(
            f"C{100 + i},CP,2026-01-1{i},Team {'AB'[i % 2]},Worker {i},{supervised},,2015-05-0{i + 1}"
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _draw(
    ws: Workspace, tmp_path: Path, framework: str | None = None, n: int = 4
) -> rounds.RoundReport:
    roster = write_roster_file(tmp_path / "roster.csv", synthetic_roster(4, seed=1))
    return rounds.draw(
        ws, _case_list(tmp_path / "cases.csv"), roster, kind="simple", seed=7, today=TODAY,
        n=n, framework_name=framework,
    )  # fmt: skip


def _document_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_a_round_uses_the_framework_it_asks_for_and_its_packs_show_it(tmp_path: Path) -> None:
    ws = _two_framework_workspace(tmp_path / "ws")
    # Two rounds in one month share no child: each takes two of the four cases.
    monthly = _draw(ws, tmp_path, n=2)
    deep_dive = _draw(ws, tmp_path, "multi-agency-audit", n=2)
    with Register.open(ws.register_path) as register:
        generate_packs(ws, register)
        by_round = {a.round_id: a.framework_id for a in register.audits()}
        audit = register.audits(round_id=deep_dive.round_id)[0]
    assert by_round == {
        monthly.round_id: "collaborative-audit",
        deep_dive.round_id: "multi-agency-audit",
    }
    docx, _ = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
    assert read_custom_properties(docx)["qaf_framework_id"] == "multi-agency-audit"
    xml = _document_text(docx)
    assert "Multi-agency audit" in xml and "qaf_agency_1_lead" in xml
    assert "Police" in xml and "qaf_missing_history" in xml


def test_a_round_asking_for_a_framework_the_workspace_does_not_run_records_nothing(
    tmp_path: Path,
) -> None:
    ws = init_workspace(tmp_path / "ws")
    with pytest.raises(SettingsError) as caught:
        _draw(ws, tmp_path, "multi-agency-audit")
    message = str(caught.value)
    assert "no framework 'multi-agency-audit'" in message
    assert 'frameworks = ["collaborative-audit", "multi-agency-audit"]' in message
    assert "qaf.toml" in message
    with Register.open(ws.register_path) as register:
        assert register.audits() == []
    assert not list(ws.samples.glob("*.xlsx"))


def test_sample_on_the_command_line_says_which_framework_to_add(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    roster = write_roster_file(tmp_path / "roster.csv", synthetic_roster(4, seed=1))
    result = CliRunner().invoke(
        cli,
        ["sample", str(_case_list(tmp_path / "cases.csv")), "--roster", str(roster), "--n", "2",
         "--framework", "live-case-audit", "-w", str(ws.root)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error:") and "live-case-audit" in result.output
    assert "Traceback" not in result.output


def test_a_form_made_for_another_framework_is_rejected_and_nothing_is_recorded(
    tmp_path: Path,
) -> None:
    ws = _two_framework_workspace(tmp_path / "ws")
    _draw(ws, tmp_path)
    with Register.open(ws.register_path) as register:
        generate_packs(ws, register)
        audit = register.audits()[0]
    docx, _ = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
    complete_form(docx, ws.load_framework()).save()
    # The form's identity says another framework (as a form copied from another round would).
    forged = tmp_path / "forged.docx"
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(forged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/custom.xml":
                data = data.replace(b"collaborative-audit", b"multi-agency-audit")
            dst.writestr(item, data)
    drop(forged, ws.inbox, "returned.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "rejected"
    note = (ws.rejected / "returned.docx.rejected.txt").read_text("utf-8")
    assert "multi-agency-audit" in note and "collaborative-audit" in note
    assert audit.round_id in note
    with Register.open(ws.register_path) as register:
        assert register.submission(audit.audit_ref) is None
        assert register.audit(audit.audit_ref).status == "issued"  # type: ignore[union-attr]


def test_not_applicable_where_the_framework_does_not_allow_it_names_the_domain(
    tmp_path: Path,
) -> None:
    ws = init_workspace(tmp_path / "ws")
    _draw(ws, tmp_path)
    framework = ws.load_framework()
    with Register.open(ws.register_path) as register:
        generate_packs(ws, register)
        audit = register.audits()[0]
    docx, _ = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
    complete_form(docx, framework).choose(f"qaf_grade_{framework.domains[2].key}", "N/A").save()
    drop(docx, ws.inbox, "returned.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "rejected"
    note = (ws.rejected / "returned.docx.rejected.txt").read_text("utf-8")
    assert framework.domains[2].title in note
    assert "does not allow 'Not applicable'" in note
    with Register.open(ws.register_path) as register:
        assert register.submission(audit.audit_ref) is None


def test_case_facts_are_kept_at_sampling_and_printed_with_days_since_and_a_flag(
    tmp_path: Path,
) -> None:
    ws = init_workspace(tmp_path / "ws")  # collaborative-audit: supervision every 56 days, CP 28
    report = _draw(ws, tmp_path)
    # The case list is gone when packs are made: the facts come from the register.
    (tmp_path / "cases.csv").unlink()
    with Register.open(ws.register_path) as register:
        generate_packs(ws, register)
        audits = {a.case_id: a for a in register.audits(round_id=report.round_id)}
        facts = {c: register.case_facts(a.audit_ref) for c, a in audits.items()}
        exported = {a["case_id"]: a for a in json.loads(export_json(register))["audits"]}
    assert {f.name for f in facts["C100"]} == {"cp_plan_start", "date_of_last_supervision"}
    assert all(len(f.caselist_sha256) == 64 for f in facts["C100"])
    # A fact the case list lacks for a case is left out, and so is the child's date of birth.
    assert {f.name for f in facts["C102"]} == {"cp_plan_start"}
    assert (
        exported["C100"]["case_facts"]["date_of_last_supervision"]
        == (TODAY - timedelta(days=40)).isoformat()
    )
    for case_id, expected in (("C100", "Over 28 days"), ("C101", "Within 28 days")):
        a = audits[case_id]
        xml = _document_text(pack_paths(ws.packs, a.round_id, a.audit_ref)[0])
        assert "Date of last supervision" in xml and expected in xml
        assert "2015-05" not in xml and "Date of birth" not in xml
    a = audits["C102"]
    xml = _document_text(pack_paths(ws.packs, a.round_id, a.audit_ref)[0])
    assert "Date of last supervision" not in xml and "CP plan start" in xml


def test_an_older_workspace_with_one_framework_key_still_works(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    text = ws.settings_path.read_text("utf-8")
    ws.settings_path.write_text(
        text.replace('frameworks = ["collaborative-audit"]', 'framework = "live-case-audit"'),
        "utf-8",
    )
    settings = ws.load_settings()
    assert settings.framework_names() == ["live-case-audit"]
    assert ws.load_framework().id == "live-case-audit"
    report = _draw(ws, tmp_path)
    with Register.open(ws.register_path) as register:
        assert {a.framework_id for a in register.audits(round_id=report.round_id)} == {
            "live-case-audit"
        }


def test_init_on_an_existing_workspace_keeps_its_frameworks_and_says_how_to_add_one(
    tmp_path: Path,
) -> None:
    ws = _two_framework_workspace(tmp_path / "ws")
    before = ws.settings_path.read_text("utf-8")
    result = CliRunner().invoke(cli, ["init", str(ws.root), "--framework", "live-case-audit"])
    assert result.exit_code == 0, result.output
    assert ws.settings_path.read_text("utf-8") == before
    assert "runs collaborative-audit, multi-agency-audit" in result.output
    assert "live-case-audit was NOT added" in result.output
    assert '"collaborative-audit", "multi-agency-audit", "live-case-audit"' in result.output


def test_a_workspace_naming_a_default_outside_its_frameworks_is_refused(tmp_path: Path) -> None:
    ws = _two_framework_workspace(tmp_path / "ws")
    text = ws.settings_path.read_text("utf-8")
    ws.settings_path.write_text('framework = "live-case-audit"\n' + text, "utf-8")
    with pytest.raises(SettingsError, match="not in frameworks"):
        ws.load_settings()


def test_the_demo_workspace_runs_two_frameworks(tmp_path: Path) -> None:
    shutil.rmtree(tmp_path, ignore_errors=True)
    from qaf_docs.demo.run import run_demo

    root = tmp_path / "demo"
    said: list[str] = []
    run_demo(root, children=120, audits=3, seed=5, echo=said.append, today=TODAY)
    with Register.open(Workspace(root).register_path) as register:
        audits = json.loads(export_json(register))["audits"]
    assert {a["framework"] for a in audits} == set(BOTH)
    # Its line began with a stray "+   " that no other line of the demo has.
    [line] = [s for s in "\n".join(said).splitlines() if "Multi-agency round" in s]
    assert line.startswith("Multi-agency round ")
    deep = [a for a in audits if a["framework"] == "multi-agency-audit" and a["overall_grade"]]
    assert deep and all(a["agencies"] and a["sections"].get("theme") for a in deep)


def _issued_with_not_applicable(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A workspace whose framework allows "Not applicable", and one issued form."""
    root = tmp_path / "ws"
    root.mkdir()
    preset = Path(str(resources.files("qaf_docs"))) / "presets" / "collaborative-audit.toml"
    text = preset.read_text("utf-8").replace("not_applicable = false", "not_applicable = true")
    (root / "ours.toml").write_text(text, "utf-8")
    ws = init_workspace(root, framework="ours.toml")
    _draw(ws, tmp_path)
    with Register.open(ws.register_path) as register:
        generate_packs(ws, register)
        audit = register.audits()[0]
    return ws, ws.load_framework(), pack_paths(ws.packs, audit.round_id, audit.audit_ref)[0]


def test_not_applicable_is_never_an_overall_grade(tmp_path: Path) -> None:
    ws, framework, docx = _issued_with_not_applicable(tmp_path)
    complete_form(docx, framework).choose("qaf_overall_grade", "Not applicable").save()
    drop(docx, ws.inbox, "returned.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "rejected"
    note = (ws.rejected / "returned.docx.rejected.txt").read_text("utf-8")
    assert "Overall grade" in note and "cannot be 'Not applicable'" in note


def test_not_applicable_needs_no_rationale_and_is_exported_as_spelled(tmp_path: Path) -> None:
    ws, framework, docx = _issued_with_not_applicable(tmp_path)
    key = framework.domains[1].key
    complete_form(docx, framework).choose(f"qaf_grade_{key}", "n/a").text(
        f"qaf_rationale_{key}", ""
    ).save()
    drop(docx, ws.inbox, "returned.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "accepted", [f.line() for f in outcome.findings]
    with Register.open(ws.register_path) as register:
        [item] = [a for a in json.loads(export_json(register))["audits"] if a["overall_grade"]]
    assert item["domains"][1]["grade"] == "Not applicable"
    assert item["domains"][1]["rationale"] == ""


def test_a_rounds_report_uses_the_rounds_own_framework(tmp_path: Path) -> None:
    """A deep dive under the multi-agency framework is reported by its own practice areas, and
    is never "not moderated yet": that framework's tool has no moderation step."""
    from docx import Document

    from qaf_docs.frameworks import load_framework
    from qaf_docs.reports.period_report import build_round_report

    ws = _two_framework_workspace(tmp_path / "ws")
    _draw(ws, tmp_path, n=2)
    deep_dive = _draw(ws, tmp_path, "multi-agency-audit", n=2)
    # One of the deep dive's audits comes back graded: the report then shows its practice areas
    # (a round with nothing graded says so instead of listing them).
    with Register.open(ws.register_path) as register:
        generate_packs(ws, register)
        [audit, *_] = [a for a in register.audits() if a.round_id == deep_dive.round_id]
    tool = pack_paths(ws.packs, audit.round_id, audit.audit_ref)[0]
    complete_form(tool, load_framework("multi-agency-audit")).save()
    drop(tool, ws.inbox, "returned.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "accepted", [f.line() for f in outcome.findings]
    with Register.open(ws.register_path) as register:
        path = build_round_report(ws, register, deep_dive.round_id, TODAY)
    doc = Document(str(path))
    text = "\n".join(
        [p.text for p in doc.paragraphs]
        + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    )
    own = load_framework("multi-agency-audit").domains
    default = load_framework("collaborative-audit").domains
    assert all(d.title in text for d in own)
    assert not [
        d.title for d in default if d.title not in {o.title for o in own} and d.title in text
    ]
    assert "not moderated: the framework's audit tool has no moderation step" in text
    assert "No audit has been moderated yet" not in text


def test_the_trackers_summary_shows_moderation_only_where_a_framework_moderates(
    tmp_path: Path,
) -> None:
    """A multi-agency deep dive has no moderation step (as its Word report says): the tracker's
    Summary does not show moderation figures for it, until a round under a framework that does."""
    from openpyxl import load_workbook

    from qaf_docs.reports.qa_tracker import build_tracker

    moderation = {
        "Audits moderated",
        "Moderation agreement",
        "Agreement beyond chance (weighted kappa)",
    }

    def summary_labels(ws: Workspace) -> set[str]:
        with Register.open(ws.register_path) as register:
            path = build_tracker(ws, register, TODAY)
        sheet = load_workbook(path)["Summary"]
        return {str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0]}

    ws = init_workspace(tmp_path / "ws", framework="multi-agency-audit")
    _draw(ws, tmp_path, n=2)
    labels = summary_labels(ws)
    assert {"Audits graded", "Good or better", "Actions agreed"} <= labels
    assert not labels & moderation

    ws.settings_path.write_text(
        ws.settings_path.read_text("utf-8").replace(
            'frameworks = ["multi-agency-audit"]', f"frameworks = {json.dumps(BOTH)}"
        ),
        "utf-8",
    )
    _draw(ws, tmp_path, "collaborative-audit", n=2)
    assert moderation <= summary_labels(ws)


def test_the_trackers_grade_chart_says_after_moderation_only_where_a_framework_moderates(
    tmp_path: Path,
) -> None:
    """The chart follows the audits' frameworks, not the workspace's default: a workspace whose
    default moderates but whose audits are all multi-agency (no moderation step) has plain final
    grades; once a moderating framework's round is drawn, they are "after moderation"."""
    from test_report_views import charts

    from qaf_docs.reports.qa_tracker import build_tracker

    def titles(ws: Workspace) -> set[str]:
        with Register.open(ws.register_path) as register:
            return set(charts(build_tracker(ws, register, TODAY)))

    ws = _two_framework_workspace(tmp_path / "ws")
    assert ws.load_framework().sections.moderation  # the default (first) framework moderates
    _draw(ws, tmp_path, "multi-agency-audit", n=2)
    assert "Final grades" in titles(ws) and "Final grades (after moderation)" not in titles(ws)
    _draw(ws, tmp_path, "collaborative-audit", n=2)
    assert "Final grades (after moderation)" in titles(ws)


def test_a_report_states_the_questions_its_framework_asks_it_to_answer(tmp_path: Path) -> None:
    """West Sussex: "The quarterly report will answer three key questions" – in its words."""
    from docx import Document

    from qaf_docs.frameworks import load_framework
    from qaf_docs.reports.period_report import build_round_report

    ws = _two_framework_workspace(tmp_path / "ws")
    monthly = _draw(ws, tmp_path, n=2)
    with Register.open(ws.register_path) as register:
        path = build_round_report(ws, register, monthly.round_id, TODAY)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    questions = load_framework("collaborative-audit").report_questions
    assert len(questions) == 3 and "The framework asks this report to answer:" in text
    assert all(q in text for q in questions)
