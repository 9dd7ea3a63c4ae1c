"""What people type at ``qaf``: audit references in any case with stray spaces, UK dates, names of
things as the framework spells them in any case, and an unknown reference or round said as such."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result
from conftest import TODAY, complete_form, drop, pack_docx

from qaf_docs.cli import cli
from qaf_docs.dates import uk
from qaf_docs.errors import unknown_round
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import ingest_inbox
from qaf_docs.records import AuditRecord
from qaf_docs.workspace import Workspace


def qaf(ws: Workspace, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--workspace", str(ws.root)])


def error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    return result.output


def _accept(
    ws: Workspace, audit: AuditRecord, framework: Framework, moderated: str | None = None
) -> None:
    form = complete_form(pack_docx(ws, audit), framework)
    if moderated:
        form.text("qaf_moderator", "Mo Derator").choose("qaf_moderated_grade", moderated)
        form.pick_date("qaf_moderation_date", TODAY)
    form.save()
    drop(pack_docx(ws, audit), ws.inbox, "form.docx")
    [outcome] = ingest_inbox(ws, settle_s=0.05)
    assert outcome.result == "accepted", outcome.detail


@pytest.mark.parametrize("typed", ["{ref}", "{lower}", " {ref} ", "  {lower}"])
def test_an_audit_reference_is_found_whatever_its_case_and_spaces(
    workspace: Workspace, issued: list[AuditRecord], typed: str
) -> None:
    ref = issued[0].audit_ref
    text = typed.format(ref=ref, lower=ref.lower())
    shown = qaf(workspace, "history", text)
    assert shown.exit_code == 0, shown.output
    assert "issued" in shown.output
    cancelled = qaf(workspace, "cancel", text, "--by", "Sam Lead", "--reason", "case closed")
    assert cancelled.exit_code == 0, cancelled.output
    assert f"{ref} cancelled." in cancelled.output
    assert "cancelled" in qaf(workspace, "history", ref).output


def test_a_reference_on_an_option_is_found_whatever_its_case(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    a = issued[1]
    done = qaf(
        workspace, "round", "cancel", a.round_id, "--audit", f" {a.audit_ref.lower()}",
        "--by", "Sam Lead", "--reason", "child moved away",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "cancelled" in qaf(workspace, "history", a.audit_ref).output


def test_an_unknown_reference_is_said_to_be_unknown_not_unmoderated(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    refs = sorted(a.audit_ref for a in issued)
    unknown = refs[0].split("-")[0] + "-0099"
    said = error(qaf(workspace, "moderation", "dispute", f" {unknown.lower()}", "--reason", "x"))
    assert said.strip().startswith(f"Error: Audit {unknown} is not in the register.")
    # What the register does hold, so a digit left out shows, and no other audit is guessed at.
    held = f"The register holds {refs[0]} to {refs[-1]} ({len(refs)} audits)."
    assert held in said and "Did you mean" not in said
    for command in (["history"], ["cancel", "--by", "Sam", "--reason", "x"]):
        said = error(qaf(workspace, command[0], unknown.lower(), *command[1:]))
        assert f"Audit {unknown} is not in the register. {held}" in said


def test_a_moderation_kind_is_the_frameworks_whatever_its_case(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _accept(workspace, issued[0], framework, moderated="Good")
    ref = issued[0].audit_ref
    kind = qaf(workspace, "moderation", "kind", ref.lower(), " Group")  # the framework's "group"
    assert kind.exit_code == 0, kind.output
    assert kind.output.strip() == f"{ref}: moderation recorded as group."


def test_a_moderation_kind_the_framework_lacks_is_refused_naming_its_kinds(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    said = error(qaf(workspace, "moderation", "kind", issued[0].audit_ref, "panel"))
    assert "'panel' is not a kind of moderation here; use one of: reflective, group." in said


def test_a_checkpoint_of_an_unknown_round_names_the_real_rounds(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    said = error(qaf(workspace, "checkpoints", "nope", "6-weeks", "--note", "x"))
    assert f"There is no round nope; the rounds are: {issued[0].round_id}." in said


def test_a_report_on_an_unknown_round_names_the_real_rounds(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    # It named the last five in alphabetical order, so a year's early rounds seemed gone.
    said = error(qaf(workspace, "report", "round", "2099-01-simple"))
    assert f"There is no round 2099-01-simple; the rounds are: {issued[0].round_id}." in said


@pytest.mark.parametrize("typed", ["2026/11", "../../etc"])
def test_generating_an_unknown_round_names_the_real_rounds_not_nothing_to_do(
    workspace: Workspace, issued: list[AuditRecord], typed: str
) -> None:
    # It said "Nothing to generate: no allocated audits in round 2026/11." and exited 0.
    said = error(qaf(workspace, "generate", "--round", typed, "--reissue"))
    assert f"There is no round {typed}; the rounds are: {issued[0].round_id}." in said
    assert not (workspace.packs / typed).exists()


def test_a_long_list_of_rounds_says_it_names_only_the_latest() -> None:
    known = [f"2026-{m:02d}-simple" for m in range(1, 13)]
    said = unknown_round("nope", known)
    assert said.startswith("There is no round nope; the latest 10 of 12 are: 2026-03-simple, ")
    assert said.endswith("2026-12-simple.")


def test_a_note_without_resolve_is_refused_like_a_grade(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    said = error(qaf(workspace, "escalations", "--note", "3-way meeting held"))
    assert "--note goes with --resolve" in said


@pytest.mark.parametrize("day", [uk(TODAY), TODAY.isoformat()])
def test_case_notes_are_marked_done_by_a_uk_date_or_the_folders_name(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, day: str
) -> None:
    _accept(workspace, issued[0], framework)
    done = qaf(workspace, "case-notes", "--done", day)
    assert done.exit_code == 0, done.output
    assert f"from {uk(TODAY)} marked as done" in done.output
    assert "Nothing is waiting" in qaf(workspace, "case-notes").output


def test_case_notes_are_marked_done_by_a_reference_in_lower_case(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    _accept(workspace, issued[0], framework)
    done = qaf(workspace, "case-notes", "--done", f" {issued[0].audit_ref.lower()} ")
    assert done.exit_code == 0, done.output
    assert f"from {issued[0].audit_ref} marked as done" in done.output


def test_a_day_that_is_no_date_is_refused_saying_how_to_write_one(
    workspace: Workspace, issued: list[AuditRecord]
) -> None:
    said = error(qaf(workspace, "case-notes", "--done", "31/02/2026"))
    assert "'31/02/2026' is not a real date: write the day as 24/11/2026 or 2026-11-24." in said
