"""Tests for the ``qaf`` command, through click's CliRunner (and once as a real process)."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import TODAY, complete_form, drop, pack_docx, plan_audits

from qaf_docs.cli import cli
from qaf_docs.frameworks import Framework, preset_file
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace, bundled_templates, init_workspace

PRESETS = [
    "collaborative-audit",
    "independent-cycle-audit",
    "live-case-audit",
    "multi-agency-audit",
    "tier-one-manager-audit",
]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AUDIT_KEYS = {
    "audit_ref", "case_id", "round", "framework", "team", "worker", "auditor", "status",
    "issued_on", "due_on", "returned_on", "overall_grade", "moderated_grade", "domains", "actions",
    "case_facts", "agencies", "sections", "missing_historical_information",
    "audit_date", "round_kind",
    "escalation_grade", "final_grade",  # added when escalation outcomes got their own grade
    "returned_late", "return_overdue",  # the tracker's late and overdue returns, by its rules
}  # fmt: skip
DOMAIN_KEYS = {"domain", "grade", "rationale", "indicators"}
DOMAIN_KEYS |= {"moderated_grade"}  # the audit lifecycle (issue 10)
ACTION_KEYS = {"description", "owner", "due_on", "status", "completed_on"}
# The audit lifecycle (issue 10) adds these; DESIGN.md lists them.
AUDIT_KEYS |= {"moderation", "reaudit_of", "escalations", "concerns"}
ACTION_KEYS |= {"evidence", "overdue", "immediate", "success_criteria", "impact_on_child"}
ACTION_KEYS |= {"signed_off_by", "signed_off_on"}


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own QAF_WORKSPACE must not leak into these tests."""
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def assert_one_line_error(result: Result) -> str:
    """A user's mistake: exit code 1, 'Error: …', no traceback. Returns the message."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.startswith("Error:"), result.output
    return result.output


# -- help ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert cli.commands[command].help, f"qaf {command} has no help text"
    assert "Example" in result.output, f"qaf {command} --help shows no example"


def test_the_command_list_itself_has_an_example() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    for command in cli.commands:
        assert command in result.output


def test_the_readme_command_table_lists_every_command_and_subcommand() -> None:
    """A QA lead finds every command in the README's table, and each there is one qaf has."""
    import click

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split("\n## Commands\n", 1)[1].strip().split("\n\n", 1)[0]
    rows = [line.split(" | ", 1)[0] for line in table.splitlines()[2:]]
    named = {w.split()[0].rstrip("`") for row in rows for w in row.split("`qaf ")[1:]}
    assert named == set(cli.commands)
    for name, command in cli.commands.items():
        if isinstance(command, click.Group):
            said = " ".join(row for row in rows if f"`qaf {name} " in row)
            for sub in command.commands:
                assert sub in said, f"the README's table lacks qaf {name} {sub}"


def test_qaf_escalations_help_names_safeguarding_concerns_which_it_lists() -> None:
    result = run("escalations", "--help")
    assert "safeguarding concerns" in result.output.split("Example")[0]


def test_python_m_qaf_docs_works_as_a_real_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qaf_docs", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout
    assert "Example" in done.stdout

    failed = subprocess.run(
        [sys.executable, "-m", "qaf_docs", "status", "--workspace", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "QAF_WORKSPACE"},
    )
    assert failed.returncode == 1
    assert failed.stderr.startswith("Error:")
    assert "Traceback" not in failed.stderr


# -- init and frameworks ---------------------------------------------------------------------------


def test_init_creates_the_workspace_folders_settings_and_templates(tmp_path: Path) -> None:
    root = tmp_path / "qa"
    result = run("init", root, "--framework", "live-case-audit", "--council", "Bracknell Forest")
    assert result.exit_code == 0, result.output
    for path in (
        "qaf.toml",
        "templates/audit_tool.docx",
        "templates/action_tracker.xlsx",
    ):
        assert (root / path).is_file(), path
    for folder in ("inbox", "outbox", "outbox/packs", "outbox/processed", "outbox/rejected"):
        assert (root / folder).is_dir(), folder
    settings = (root / "qaf.toml").read_text(encoding="utf-8")
    assert 'frameworks = ["live-case-audit"]' in settings
    assert 'council_name = "Bracknell Forest"' in settings
    assert str(root.resolve()) in result.output


def test_init_again_keeps_the_existing_settings(tmp_path: Path) -> None:
    root = tmp_path / "qa"
    assert run("init", root).exit_code == 0
    first = (root / "qaf.toml").read_text(encoding="utf-8")
    assert run("init", root, "--framework", "live-case-audit").exit_code == 0
    assert (root / "qaf.toml").read_text(encoding="utf-8") == first


def test_init_restore_templates_says_which_templates_it_put_back(tmp_path: Path) -> None:
    # They were put back in silence: nobody could tell the council's own were gone.
    root = tmp_path / "qa"
    assert run("init", root).exit_code == 0
    (root / "templates" / "audit_tool.docx").write_bytes(b"the council's own, edited in Word")
    result = run("init", root, "--restore-templates")
    assert result.exit_code == 0, result.output
    assert (
        "Templates put back from qaf's defaults: audit_tool.docx, action_tracker.xlsx, "
        "quarterly_report.docx." in result.output
    )
    assert "put back" not in run("init", root).output
    unchanged = run("init", root, "--restore-templates").output
    assert "quarterly_report.docx (none had been changed)." in unchanged


def test_init_restore_templates_keeps_the_councils_own_beside_the_default(
    tmp_path: Path,
) -> None:
    # The council's restyled template (logo, wording, extra questions) was overwritten with no
    # copy: putting the default back to get an improvement cost them their own edits.
    root = tmp_path / "qa"
    assert run("init", root).exit_code == 0
    templates = root / "templates"
    (templates / "quarterly_report.docx").write_bytes(b"the council's own report, with its logo")
    first = run("init", root, "--restore-templates")
    assert first.exit_code == 0, first.output
    day = f"{TODAY:%Y-%m-%d}"  # qaf's today: the day the run began, even past midnight
    kept = templates / f"quarterly_report (before restore {day}).docx"
    assert kept.read_bytes() == b"the council's own report, with its logo"
    assert f"Your own quarterly_report.docx is kept beside it as {kept}" in first.output
    assert (templates / "quarterly_report.docx").read_bytes() == (
        bundled_templates() / "quarterly_report.docx"
    ).read_bytes()
    # Templates left as the default are not copied; a second restore the same day keeps both.
    assert sorted(p.name for p in templates.iterdir()) == [
        "action_tracker.xlsx", "audit_tool.docx", kept.name, "quarterly_report.docx",
    ]  # fmt: skip
    (templates / "quarterly_report.docx").write_bytes(b"edited again")
    assert run("init", root, "--restore-templates").exit_code == 0
    again = templates / f"quarterly_report (before restore {day}, copy 2).docx"
    assert again.read_bytes() == b"edited again"
    assert kept.read_bytes() == b"the council's own report, with its logo"


def test_init_with_an_unknown_framework_names_the_presets(tmp_path: Path) -> None:
    root = tmp_path / "qa"
    message = assert_one_line_error(run("init", root, "--framework", "no-such-framework"))
    assert "no-such-framework" in message
    for preset in PRESETS:
        assert preset in message
    assert not root.exists()  # nothing half-made


def test_frameworks_lists_the_five_presets() -> None:
    result = run("frameworks")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    listed = [line.split()[0] for line in lines if line.startswith("  ") and "domains" in line]
    assert listed == PRESETS


def test_frameworks_says_where_each_preset_file_is_and_what_a_workspace_runs(
    tmp_path: Path,
) -> None:
    # The README says "copy one into the workspace", but nothing said where the presets are.
    for preset in PRESETS:
        assert str(preset_file(preset)) in run("frameworks").output
        assert preset_file(preset).is_file()
    root = tmp_path / "qa"
    assert run("init", root, "--framework", "live-case-audit").exit_code == 0
    shutil.copyfile(preset_file("multi-agency-audit"), root / "our-deep-dive.toml")
    settings = root / "qaf.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace('frameworks = ["live-case-audit"]',
                     'frameworks = ["live-case-audit", "our-deep-dive.toml"]'),
        encoding="utf-8",
    )  # fmt: skip
    said = run("frameworks", "--workspace", root).output
    assert (
        "live-case-audit (the default): Live case audit — 6 domains; file: the preset above" in said
    )
    assert (
        f"our-deep-dive.toml: Multi-agency audit — 3 domains; file: {(root / 'our-deep-dive.toml').resolve()}"
        in said
    )


# -- choosing the workspace ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["status", "generate", "ingest", "report", "export", "watch"])
def test_commands_outside_a_workspace_say_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    message = assert_one_line_error(run(command))
    assert "is not a qaf workspace" in message
    assert "qaf init" in message
    # Most often the QA lead is in the wrong folder: a new workspace there would be empty.
    assert "If your workspace is in another folder" in message and "--workspace" in message
    assert f"{tmp_path.resolve()} (the current folder) is not" in message


def test_a_workspace_named_by_qaf_workspace_or_the_option_says_which_named_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QAF_WORKSPACE", str(tmp_path / "old share"))
    message = assert_one_line_error(run("status"))
    assert f"{tmp_path.resolve() / 'old share'}, which QAF_WORKSPACE names, is not" in message
    message = assert_one_line_error(run("status", "--workspace", tmp_path / "typo"))
    assert f"{tmp_path.resolve() / 'typo'}, named by --workspace, is not" in message


def test_sample_outside_a_workspace_says_how_to_make_one(tmp_path: Path) -> None:
    caselist = tmp_path / "cases.csv"
    caselist.write_text("child_id,team\n1,A\n", encoding="utf-8")
    message = assert_one_line_error(run("sample", caselist, "--workspace", tmp_path / "nowhere"))
    assert "is not a qaf workspace" in message
    assert "qaf init" in message


@pytest.fixture
def two_workspaces(tmp_path: Path) -> tuple[Workspace, Workspace]:
    return init_workspace(tmp_path / "first"), init_workspace(tmp_path / "second")


def test_workspace_option_selects_the_workspace(
    two_workspaces: tuple[Workspace, Workspace],
) -> None:
    _, second = two_workspaces
    for option in ("--workspace", "-w"):
        result = run("status", option, second.root)
        assert result.exit_code == 0, result.output
        assert f"Workspace {second.root}" in result.output


def test_qaf_workspace_environment_variable_selects_the_workspace(
    two_workspaces: tuple[Workspace, Workspace],
) -> None:
    first, _ = two_workspaces
    result = run("status", env={"QAF_WORKSPACE": str(first.root)})
    assert result.exit_code == 0, result.output
    assert f"Workspace {first.root}" in result.output


def test_workspace_option_wins_over_the_environment_variable(
    two_workspaces: tuple[Workspace, Workspace],
) -> None:
    first, second = two_workspaces
    result = run("status", "--workspace", second.root, env={"QAF_WORKSPACE": str(first.root)})
    assert f"Workspace {second.root}" in result.output


def test_current_folder_is_the_default_workspace(
    two_workspaces: tuple[Workspace, Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = two_workspaces
    monkeypatch.chdir(first.root)
    result = run("status")
    assert result.exit_code == 0, result.output
    assert f"Workspace {first.root}" in result.output


# -- generate --------------------------------------------------------------------------------------


def test_generate_counts_one_pack_in_the_singular(workspace: Workspace, register: Register) -> None:
    plan_audits(register, workspace, 1)
    result = run("generate", "--workspace", workspace.root)
    assert result.exit_code == 0, result.output
    assert "Wrote 1 audit tool and 1 action tracker:" in result.output


@pytest.mark.parametrize("show_child_names", [False, True])
def test_generate_writes_packs_named_by_audit_reference_only(
    workspace: Workspace, register: Register, show_child_names: bool
) -> None:
    if show_child_names:  # even when names are printed inside the forms
        text = workspace.settings_path.read_text(encoding="utf-8")
        workspace.settings_path.write_text(
            text.replace("show_child_names = false", "show_child_names = true"), encoding="utf-8"
        )
    refs = plan_audits(register, workspace, 3)
    result = run("generate", "--workspace", workspace.root)
    assert result.exit_code == 0, result.output
    assert "Wrote 3 audit tools and 3 action trackers" in result.output

    files = [p for p in workspace.outbox.rglob("*") if p.is_file()]
    assert sorted(p.name for p in files) == sorted(
        f"{r}{ext}" for r in refs for ext in (".docx", ".xlsx")
    )
    for p in workspace.outbox.rglob("*"):
        assert "Childname" not in str(p.relative_to(workspace.root))
    assert "Childname" not in result.output
    assert {a.status for a in register.audits()} == {"issued"}


def test_generate_with_nothing_to_do_says_so(workspace: Workspace) -> None:
    result = run("generate", "--workspace", workspace.root)
    assert result.exit_code == 0
    assert "Nothing to generate" in result.output
    assert "Run qaf sample first" in result.output


def test_generate_run_again_says_the_packs_are_out_and_what_comes_next(
    workspace: Workspace, register: Register
) -> None:
    plan_audits(register, workspace, 2)
    assert run("generate", "--workspace", workspace.root).exit_code == 0
    round_id = register.audits()[0].round_id
    for again in (["generate"], ["generate", "--round", round_id]):
        result = run(*again, "--workspace", workspace.root)
        assert result.exit_code == 0, result.output
        # It said "Run qaf sample first", which draws a second round.
        assert "Run qaf sample" not in result.output
        assert "the packs are written already" in result.output
        assert str(workspace.packs / round_id) in result.output
        assert "then qaf ingest" in result.output


def test_a_template_saved_in_the_old_word_format_is_a_one_line_error(
    workspace: Workspace, register: Register
) -> None:
    plan_audits(register, workspace, 1)
    # Word 97-2003 (.doc) bytes under the .docx name: "Save As" with the wrong type.
    ole_header = bytes.fromhex("d0cf11e0a1b11ae1")
    (workspace.templates / "audit_tool.docx").write_bytes(ole_header + bytes(1024))
    result = run("generate", "--workspace", workspace.root)
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert "audit_tool.docx" in result.output


def test_no_child_name_reaches_output_or_log_lines(
    workspace: Workspace,
    register: Register,
    framework: Framework,
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(
        text.replace("show_child_names = false", "show_child_names = true"), encoding="utf-8"
    )
    plan_audits(register, workspace, 1)
    caplog.set_level(logging.DEBUG)
    outputs = [run("-v", "generate", "-w", workspace.root).output]
    audit = register.audits()[0]
    drop(complete_form(pack_docx(workspace, audit), framework).save(), workspace.inbox)
    outputs.append(run("-v", "ingest", "-w", workspace.root).output)
    outputs.append(run("-v", "status", "-w", workspace.root).output)
    assert "1 accepted" in outputs[1]
    assert caplog.records, "expected progress messages with --verbose"
    for line in [*outputs, *(r.getMessage() for r in caplog.records)]:
        assert "Childname" not in line


# -- status, report, export ------------------------------------------------------------------------


@pytest.fixture
def returned(workspace: Workspace, register: Register, framework: Framework) -> list[AuditRecord]:
    """Three issued audits; the first returned, moderated, with two actions."""
    plan_audits(register, workspace, 3)
    generate_packs(workspace, register)
    audits = register.audits()
    form = complete_form(pack_docx(workspace, audits[0]), framework, grade="Requires improvement")
    form.text("qaf_moderator", "Senior practitioner").choose("qaf_moderated_grade", "Good")
    form.text("qaf_moderation_reason", "Recent progress is evident.")
    form.pick_date("qaf_moderation_date", TODAY)
    drop(form.save(), workspace.inbox, "completed.docx")
    outcomes = ingest_inbox(workspace, settle_s=0.05)
    assert [o.result for o in outcomes] == ["accepted"], [o.findings for o in outcomes]
    return audits


def test_status_reports_the_workspace_and_counts(
    workspace: Workspace, returned: list[AuditRecord]
) -> None:
    result = run("status", "--workspace", workspace.root)
    assert result.exit_code == 0, result.output
    assert f"Workspace {workspace.root}" in result.output
    assert "processed: 1 file(s)" in result.output
    # By the step each audit is at now, said as such: not "returned", the tracker's every return.
    assert "audits now, each at its latest step: 2 issued, 1 moderated" in result.output


def test_status_names_a_refused_form_without_calling_it_unidentified(
    workspace: Workspace, register: Register, returned: list[AuditRecord], framework: Framework
) -> None:
    cancelled = returned[1]
    register.cancel_audits(
        cancelled.round_id, [cancelled.audit_ref], by_whom="QA lead", reason="case closed",
        whole_round=False,
    )  # fmt: skip
    drop(complete_form(pack_docx(workspace, cancelled), framework).save(), workspace.inbox)
    assert [o.result for o in ingest_inbox(workspace, settle_s=0.05)] == ["rejected"]
    result = run("status", "--workspace", workspace.root)
    assert result.exit_code == 0, result.output
    problem = next(line for line in result.output.splitlines() if "was cancelled" in line)
    assert problem.strip().startswith("file not matched to an audit:"), result.output
    assert "unidentified" not in result.output
    assert "rejected:  1 file(s) in outbox/rejected" in result.output


def test_a_folder_of_forms_dropped_in_the_inbox_is_named_not_silently_skipped(
    workspace: Workspace, returned: list[AuditRecord], framework: Framework
) -> None:
    folder = workspace.inbox / "November forms"
    folder.mkdir()
    form = complete_form(pack_docx(workspace, returned[1]), framework).save()
    drop(form, folder, "returned.docx")
    said = "Folder 'November forms' in the inbox holds 1 file(s) that qaf does not read"
    ingested = run("ingest", "--workspace", workspace.root)
    assert ingested.exit_code == 0, ingested.output
    assert said in ingested.output and "move the files themselves into the inbox" in ingested.output
    assert (folder / "returned.docx").exists()  # left exactly where it was put
    assert said in run("status", "--workspace", workspace.root).output
    status = json.loads(run("status", "--json", "--workspace", workspace.root).stdout)
    assert status["inbox_folders"] == [{"folder": "November forms", "files": 1}]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_link_in_the_inbox_is_said_not_silently_skipped(
    workspace: Workspace, returned: list[AuditRecord], framework: Framework, tmp_path: Path
) -> None:
    """A link to a form kept elsewhere is never followed (nor read); before, ingest and status
    said nothing of it ("0 file(s) waiting"), so nobody knew the form behind it was not read."""
    form = complete_form(pack_docx(workspace, returned[1]), framework).save()
    elsewhere = drop(form, tmp_path, "kept elsewhere.docx")
    (workspace.inbox / "Zebedee Quixley.docx").symlink_to(elsewhere)
    said = "1 link(s) in the inbox point to files elsewhere, which qaf never follows or reads"
    ingested = run("ingest", "--workspace", workspace.root)
    assert ingested.exit_code == 0, ingested.output
    assert said in ingested.output and "copy the forms themselves" in ingested.output
    status = run("status", "--workspace", workspace.root).output
    assert said in status and "Zebedee" not in status + ingested.output
    assert (workspace.inbox / "Zebedee Quixley.docx").is_symlink() and elsewhere.exists()


def test_a_form_word_has_open_is_said_to_wait_for_word_not_to_be_still_arriving(
    workspace: Workspace, returned: list[AuditRecord], framework: Framework
) -> None:
    form = complete_form(pack_docx(workspace, returned[1]), framework).save()
    drop(form, workspace.inbox, "QA returned.docx")
    (workspace.inbox / "~$ returned.docx").write_bytes(b"\x0bSam Auditor")  # hidden in Explorer
    ingested = run("ingest", "--workspace", workspace.root)
    assert ingested.exit_code == 0, ingested.output
    assert "a file open in Word or Excel: waiting (left for the next run: Word or Excel has it" in (
        ingested.output
    )
    assert "owner file, named ~$" in ingested.output
    assert "1 left in the inbox for the next run." in ingested.output
    assert "still arriving" not in ingested.output  # it arrived long ago: Word holds it
    assert (workspace.inbox / "QA returned.docx").exists()


def test_report_rebuilds_the_tracker_and_says_where(
    workspace: Workspace, returned: list[AuditRecord]
) -> None:
    workspace.tracker_path.unlink()
    result = run("report", "--workspace", workspace.root)
    assert result.exit_code == 0, result.output
    assert f"Tracker: {workspace.tracker_path}" in result.output
    assert workspace.tracker_path.is_file()


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("2026Q3", "qaf report quarter 2026Q3"),
        ("q3-2026", "qaf report quarter q3-2026"),
        ("2026H1", "qaf report half 2026H1"),
        ("2026", "qaf report year 2026"),
        ("2026-11-simple", "qaf report round 2026-11-simple"),
    ],
)
def test_a_report_period_typed_without_its_word_is_told_the_command(
    workspace: Workspace, typed: str, command: str
) -> None:
    result = run("report", typed, "--workspace", workspace.root)
    # It said "No such command '2026Q3'."
    assert result.exit_code == 2 and "No such command" not in result.output
    assert f"Error: '{typed}' looks like a" in result.output
    assert f"the command is {command}" in result.output
    assert "No such command 'bogus'" in run("report", "bogus", "-w", workspace.root).output


def test_export_json_has_exactly_the_documented_shape(
    workspace: Workspace, returned: list[AuditRecord]
) -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "json", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == {"audits"}
    audits = document["audits"]
    assert [a["audit_ref"] for a in audits] == [a.audit_ref for a in returned]
    for item in audits:
        assert set(item) == AUDIT_KEYS
        for key in ("issued_on", "due_on", "returned_on", "audit_date"):
            assert item[key] is None or ISO_DATE.match(item[key]), (key, item[key])
        for d in item["domains"]:
            assert set(d) == DOMAIN_KEYS
        for x in item["actions"]:
            assert set(x) == ACTION_KEYS
            for key in ("due_on", "completed_on"):
                assert x[key] is None or ISO_DATE.match(x[key]), (key, x[key])

    done, pending = audits[0], audits[1]
    assert done["round"] == returned[0].round_id
    assert done["framework"] == "collaborative-audit"
    assert done["overall_grade"] == "Requires improvement to be good"
    assert done["moderated_grade"] == "Good"
    assert done["status"] == "moderated"
    assert done["returned_on"] == TODAY.isoformat()
    assert len(done["domains"]) == 5
    assert [x["due_on"] for x in done["actions"]] == [
        (TODAY + timedelta(days=7)).isoformat(),
        (TODAY + timedelta(days=14)).isoformat(),
    ]
    assert pending["returned_on"] is None
    assert pending["overall_grade"] is None
    assert pending["moderated_grade"] is None


def test_export_json_to_a_file(workspace: Workspace, returned: list[AuditRecord]) -> None:
    out = workspace.root / "register.json"
    result = run("export", "--output", out, "-w", workspace.root)
    assert result.exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["audits"]) == 3


def test_export_csv_writes_three_tables(workspace: Workspace, returned: list[AuditRecord]) -> None:
    folder = workspace.root / "exports"
    result = run("export", "--format", "csv", "--output", folder, "-w", workspace.root)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "actions.csv", "agencies.csv", "audits.csv", "case_facts.csv", "concerns.csv",
        "domains.csv", "escalations.csv", "indicators.csv", "moderation.csv", "sections.csv",
    ]  # fmt: skip
    for name in ("audits.csv", "domains.csv", "actions.csv"):
        assert str(folder / name) in result.output
    audits = (folder / "audits.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(audits) == 1 + 3
    assert audits[0].startswith("audit_ref,case_id,round,framework")


def test_export_json_into_a_folder_that_does_not_exist_yet(workspace: Workspace) -> None:
    out = workspace.root / "exports" / "register.json"
    result = run("export", "--output", out, "-w", workspace.root)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert out.is_file() if result.exit_code == 0 else result.output.startswith("Error:")


def test_export_csv_onto_an_existing_file_is_a_one_line_error(workspace: Workspace) -> None:
    assert_one_line_error(
        run("export", "--format", "csv", "--output", workspace.settings_path, "-w", workspace.root)
    )
    assert workspace.load_settings().framework == "collaborative-audit"  # left alone


# -- demo ------------------------------------------------------------------------------------------


def test_demo_leaves_every_kind_of_output_to_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # as the README runs it: a workspace named from where you are
    root = tmp_path / "demo"
    result = run("demo", "--workspace", "demo", "--cases", "200", "--audits", "6")
    assert result.exit_code == 0, result.output
    # Each place it says to open is shown as the README shows it (from where you are), and is there.
    shown = result.output.split("Done. Open these:")[1].strip().splitlines()
    assert len(shown) == 11
    for line in shown:
        where = Path(line.split(":", 1)[1].split(" (")[0].strip())
        assert not where.is_absolute() and where.parts[0] == "demo", line
        assert where.exists(), line
    outbox = root / "outbox"
    assert (outbox / "QA_tracker.xlsx").is_file()

    rejected = sorted((outbox / "rejected").glob("*.docx"))
    assert rejected, "the demo promises at least one rejected form"
    for form in rejected:
        note = form.with_name(form.name + ".rejected.txt")
        assert note.is_file(), f"no note beside {form.name}"
        assert note.read_text(encoding="utf-8").strip()

    processed = [p for p in (outbox / "processed").iterdir() if p.is_file()]
    assert any(p.suffix == ".docx" for p in processed)
    # The monthly round's six, and the multi-agency round's three run beside it.
    packs = list((outbox / "packs").rglob("*"))
    assert len([p for p in packs if p.suffix == ".docx"]) == 6 + 3
    assert len([p for p in packs if p.suffix == ".xlsx"]) == 6 + 3
    assert "Traceback" not in result.output


def test_the_demo_run_again_in_its_folder_starts_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Running the README's first command twice showed a second demo of 3 audits drawn from the
    children the first left, its lifecycle 'skipped', and the first's case notes counted again."""
    monkeypatch.chdir(tmp_path)
    packs = tmp_path / "qaf-demo" / "outbox" / "packs"
    first = run("demo", "--workspace", "qaf-demo", "--cases", "200", "--audits", "6")
    rounds = sorted(p.name for p in packs.iterdir())
    second = run("demo", "--workspace", "qaf-demo", "--cases", "200", "--audits", "6")
    assert first.exit_code == second.exit_code == 0, second.output
    assert "2/6 Sampled round 2026-11-simple: 6 audits allocated" in second.output
    assert second.output == first.output, "the same steps, files and counts"
    assert sorted(p.name for p in packs.iterdir()) == rounds


def test_an_earlier_demo_holding_someones_own_file_is_not_removed(tmp_path: Path) -> None:
    # Starting afresh removes the demo's folder: never with a file of someone's own in it.
    demo = tmp_path / "qaf-demo"
    assert run("demo", "--workspace", demo, "--cases", "50", "--audits", "2").exit_code == 0
    (demo / "my notes.docx").write_bytes(b"mine")
    error = assert_one_line_error(
        run("demo", "--workspace", demo, "--cases", "50", "--audits", "2")
    )
    assert "files the demo did not make (my notes.docx)" in error
    assert (demo / "my notes.docx").read_bytes() == b"mine"
    assert (demo / "qaf.toml").exists()


def test_the_demo_refuses_a_real_workspace_and_leaves_it_as_it_was(tmp_path: Path) -> None:
    ws = tmp_path / "audits"
    assert run("init", str(ws), "--council", "West Sussex").exit_code == 0
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    error = assert_one_line_error(run("demo", "--workspace", ws, "--cases", "50", "--audits", "2"))
    assert "is a qaf workspace, not an earlier demo" in error
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()} == before


def test_demo_refuses_a_folder_that_holds_other_things(tmp_path: Path) -> None:
    folder = tmp_path / "my documents"
    folder.mkdir()
    (folder / "budget.xlsx").write_bytes(b"precious")
    assert_one_line_error(run("demo", "--workspace", folder, "--cases", "50", "--audits", "2"))
    assert [p.name for p in folder.iterdir()] == ["budget.xlsx"]
    assert (folder / "budget.xlsx").read_bytes() == b"precious"


@pytest.mark.parametrize("command", [["status"], ["report"], ["export", "--format", "json"]])
def test_a_damaged_register_is_one_error_line_that_says_to_restore(
    workspace: Workspace, command: list[str]
) -> None:
    with open_register(workspace) as register:
        plan_audits(register, workspace, 2)
    data = bytearray(workspace.register_path.read_bytes())
    data[100:8192] = b"\xde\xad\xbe\xef" * ((8192 - 100) // 4)  # header and first pages torn
    workspace.register_path.write_bytes(bytes(data))
    message = assert_one_line_error(run(*command, "--workspace", workspace.root))
    assert "register" in message.lower()
    assert "restore" in message.lower() or "damaged" in message.lower()


@pytest.mark.parametrize("command", ["init", "sample", "generate", "ingest", "watch", "status"])
def test_help_examples_are_printed_as_written_not_rewrapped(command: str) -> None:
    import inspect

    result = run(command, "--help")
    assert result.exit_code == 0
    doc = inspect.getdoc(cli.commands[command].callback)
    examples = [line.strip() for line in doc.splitlines() if line.strip().startswith("qaf ")]
    assert examples, f"qaf {command} --help has no example"
    printed = [line.strip() for line in result.output.splitlines()]
    for example in examples:
        assert example in printed, f"example split or rewrapped: {example}"


# -- qaf watch, unattended -------------------------------------------------------------------------


def test_watch_logs_to_a_rotating_file_in_the_workspace(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, root_handlers: None
) -> None:
    from qaf_docs.cli import inbox as inbox_cli

    monkeypatch.setattr(inbox_cli, "LOG_BYTES", 2_000)
    path = inbox_cli.log_to_workspace(workspace)
    assert path == workspace.root / "logs" / "qaf-watch.log"
    assert inbox_cli.log_to_workspace(workspace) == path
    file_handlers = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert len(file_handlers) == 1, "a second call does not log every line twice"
    for n in range(200):
        logging.getLogger("qaf.ingest").warning("audit QA2611-%04d: accepted", n)
    logs = sorted(p.name for p in path.parent.iterdir())
    assert logs == ["qaf-watch.log", *(f"qaf-watch.log.{n}" for n in range(1, 6))]
    assert "QA2611-0199: accepted" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("failure", ["register", "bug"])
def test_watch_that_stops_says_why_in_its_log_and_exits_non_zero(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, root_handlers: None, failure: str
) -> None:
    from qaf_docs.errors import RegisterUnavailableError
    from qaf_docs.inbox import watch

    def stops(*args: object, **kwargs: object) -> None:
        if failure == "register":
            raise RegisterUnavailableError("The register could not be used: server gone.")
        raise RuntimeError("a bug")

    monkeypatch.setattr(watch, "watch_inbox", stops)
    result = run("watch", "--workspace", workspace.root)
    assert result.exit_code != 0  # so Task Scheduler starts it again
    log = (workspace.root / "logs" / "qaf-watch.log").read_text(encoding="utf-8")
    if failure == "register":
        assert "ERROR qaf.watch qaf watch stopped: The register could not be used" in log
    else:
        assert "stopped by an unexpected error" in log and "RuntimeError: a bug" in log


def test_ctrl_c_stops_any_command_with_exit_code_130(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's exit codes: 130 is "stopped with Ctrl+C", for ingest as for watch."""
    from qaf_docs.inbox import ingest

    def pressed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest, "ingest_inbox", pressed)
    result = run("ingest", "--workspace", workspace.root)
    assert result.exit_code == 130 and "Stopped." in result.output
    assert "Aborted!" not in result.output


def test_a_watch_stopped_with_ctrl_c_exits_130(workspace: Workspace) -> None:
    import signal

    watcher = subprocess.Popen(
        [sys.executable, "-m", "qaf_docs", "watch", "--workspace", str(workspace.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        lock = workspace.inbox / ".qaf-watch.lock"
        while not lock.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        watcher.send_signal(signal.SIGINT)
        out, err = watcher.communicate(timeout=60)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    assert watcher.returncode == 130, err.decode()
    assert b"Stopped." in out and b"Traceback" not in err


def test_status_counts_a_rejected_text_file_as_a_rejected_file(workspace: Workspace) -> None:
    (workspace.inbox / "notes.txt").write_text("Meeting notes", encoding="utf-8")
    old = time.time() - 3600
    os.utime(workspace.inbox / "notes.txt", (old, old))
    assert [o.result for o in ingest_inbox(workspace, settle_s=0.05)] == ["rejected"]
    result = run("status", "--workspace", workspace.root)
    assert "rejected:  1 file(s) in outbox/rejected" in result.output, result.output


def test_a_name_with_spaces_typed_without_quotes_is_told_to_quote_it(
    workspace: Workspace, register: Register
) -> None:
    (ref,) = plan_audits(register, workspace, 1)
    result = run(
        "round", "reassign", ref, "--to", "Bo", "Sample", "--by", "Sam", "--reason", "off sick",
        "--workspace", workspace.root,
    )  # fmt: skip
    assert result.exit_code == 2
    # It said only "Got unexpected extra argument (Sample)".
    assert "Got unexpected extra argument (Sample)." in result.output
    assert 'goes in quotes, e.g. --by "Sam Lead"' in result.output
    assert "goes in quotes" not in run("report", "bogus", "-w", workspace.root).output
