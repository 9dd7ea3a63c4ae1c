"""``qaf sample`` given the files people really pick: what it says, never a traceback."""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hostile_files as hf
import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import TODAY

from qaf_docs.cli import cli
from qaf_docs.workspace import init_workspace


@pytest.fixture(autouse=True)
def no_workspace_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAF_WORKSPACE", raising=False)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    init_workspace(root)
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Email", "Role", "Team", "Monthly capacity"])
    wb.active.append(["Qa One", "qa1@c.example", "QA Auditor", "Quality Assurance", 5])
    wb.save(root / "roster.xlsx")
    return root


def case_list(folder: Path, name: str = "cases.csv", rows: int = 5) -> Path:
    lines = ["Child ID,Allocated Team,Allocated Worker,Start Date"]
    lines += [f"{7000 + i},Locality 1,W {i},01/02/2025" for i in range(rows)]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sample(workspace: Path, *args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["sample", *map(str, args), "-w", str(workspace)])


def one_line_error(result: Result) -> str:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "Error" in result.output
    return result.output


def test_a_seed_too_large_to_record_is_refused_as_an_option(workspace, tmp_path):
    result = sample(workspace, case_list(tmp_path), "--n", "1", "--seed", str(2**63))
    assert result.exit_code == 2, result.output
    assert "--seed" in result.output and "Traceback" not in result.output
    ok = sample(workspace, case_list(tmp_path), "--n", "1", "--seed", str(2**63 - 1))
    assert ok.exit_code == 0, ok.output


def test_excels_lock_file_is_named_as_such(workspace, tmp_path):
    lock = tmp_path / "~$annex.xlsx"
    lock.write_bytes(b"\x0bJo Bloggs" + b"\x00" * 20)
    output = one_line_error(sample(workspace, lock, "--n", "1"))
    assert "lock file Excel keeps while annex.xlsx is open" in output
    assert "choose annex.xlsx itself" in output


@pytest.mark.parametrize("name", ["cases.csv", "cases.xlsx"])
def test_an_empty_file_is_called_empty(workspace, tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    assert f"{name} is empty" in one_line_error(sample(workspace, tmp_path / name, "--n", "1"))


def test_a_password_protected_case_list_says_how_to_remove_the_password(workspace):
    names = ["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"]
    path = workspace / "cases.xlsx"
    path.write_bytes(hf.compound_file(names))
    output = one_line_error(sample(workspace, path, "--n", "1"))
    assert "protected by a password" in output and "Encrypt with Password" in output
    assert "save it as" not in output.replace("\n", " ")


def test_excels_sep_hint_line_is_honoured(workspace, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "sep=;\nChild ID;Allocated Team;Notes\n7001;Locality 1;a, b\n7002;Locality 2;ok\n",
        encoding="utf-8",
    )
    result = sample(workspace, path, "--n", "2", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Read 2 rows" in result.output and "rejected 0 rows" in result.output


def test_asking_for_too_many_suggests_exclusion_months_only_when_it_would_help(workspace, tmp_path):
    output = one_line_error(sample(workspace, case_list(tmp_path, rows=3), "--n", "5"))
    assert "only 3 are eligible" in output and "Ask for 3 or fewer." in output
    assert "exclusion_months" not in output


def test_verify_with_a_file_that_is_no_manifest_says_so_in_plain_words(workspace, tmp_path):
    cases = case_list(tmp_path)
    output = one_line_error(sample(workspace, cases, "--verify", cases))
    assert "cases.csv is not a qaf sampling manifest" in output
    assert "InvalidFileException" not in output and "BadZipFile" not in output


def test_verify_with_an_edited_round_record_names_no_parser_message(workspace, tmp_path):
    cases = case_list(tmp_path)
    assert sample(workspace, cases, "--n", "2", "--seed", "5").exit_code == 0
    (manifest,) = (workspace / "outbox" / "samples").glob("*.xlsx")
    wb = openpyxl.load_workbook(manifest)
    wb["_record"]["B2"] = "{not json"
    wb.save(manifest)
    output = one_line_error(sample(workspace, cases, "--verify", manifest))
    assert "has a damaged round record (the hidden sheet qaf keeps it on was edited)" in output
    assert "Expecting" not in output and "char" not in output


def test_the_summary_counts_one_audit_and_one_excluded_case_in_the_singular(workspace, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "Child ID,Allocated Team,Allocated Worker,Start Date,Closure Date\n"
        "7001,Locality 1,W 1,01/02/2025,\n"
        "7002,Locality 1,W 2,01/02/2025,\n"
        "7009,Locality 1,W 9,01/02/2025,01/03/2025\n",  # closed: left out of the sample
        encoding="utf-8",
    )
    result = sample(workspace, path, "--n", "1", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "1 audit would be allocated" in result.output, result.output
    assert "1 case excluded" in result.output, result.output
    assert "1 cases" not in result.output and "1 audits" not in result.output


def test_a_reaudit_round_with_nothing_due_records_no_empty_round(workspace, tmp_path):
    result = sample(workspace, case_list(tmp_path), "--kind", "reaudit")
    output = one_line_error(result)
    assert "Nothing to audit, so no round was recorded" in output
    assert "No case is due a re-audit" in output
    assert not list((workspace / "outbox" / "samples").glob("*.xlsx"))
    again = sample(workspace, case_list(tmp_path), "--n", "1")
    assert again.exit_code == 0, again.output
    assert "Round 2026-" in again.output and "-reaudit" not in again.output


def test_a_roster_named_from_another_folder_is_copied_in_for_the_rounds_e_mails(tmp_path):
    # Notifications and reminders are addressed from the workspace's roster: without this copy, a
    # safeguarding concern on a returned form would reach nobody.
    root = tmp_path / "ws"
    init_workspace(root)
    elsewhere = tmp_path / "hr"
    elsewhere.mkdir()
    roster = elsewhere / "Roster Nov.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Email", "Role", "Team", "Monthly capacity"])
    wb.active.append(["Qa One", "qa1@c.example", "QA Auditor", "Quality Assurance", 5])
    wb.save(roster)
    dry = sample(root, case_list(tmp_path), "--roster", roster, "--n", "1", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert not (root / "roster.xlsx").exists(), "a dry run changes nothing"
    result = sample(root, case_list(tmp_path), "--roster", roster, "--n", "1")
    assert result.exit_code == 0, result.output
    assert (root / "roster.xlsx").read_bytes() == roster.read_bytes()
    said = " ".join(result.output.split())
    assert "Roster Nov.xlsx was copied into the workspace as roster.xlsx" in said
    assert "notifications, reminders" in said


def test_a_roster_named_beside_the_workspaces_own_leaves_it_and_says_which_addresses(
    workspace, tmp_path
):
    own = (workspace / "roster.xlsx").read_bytes()
    other = tmp_path / "new roster.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Email", "Role", "Team", "Monthly capacity"])
    wb.active.append(["Qa Two", "qa2@c.example", "QA Auditor", "Quality Assurance", 5])
    wb.save(other)
    result = sample(workspace, case_list(tmp_path), "--roster", other, "--n", "1")
    assert result.exit_code == 0, result.output
    assert (workspace / "roster.xlsx").read_bytes() == own, "never overwritten"
    said = " ".join(result.output.split())
    assert "addressed from the workspace's roster.xlsx" in said
    assert "copy new roster.xlsx over it if it is the newer one" in said
    same = sample(workspace, case_list(tmp_path, rows=9), "--roster", workspace / "roster.xlsx",
                  "--n", "1")  # fmt: skip
    assert same.exit_code == 0, same.output
    assert "addressed from" not in same.output


def manifest_fails(monkeypatch: pytest.MonkeyPatch, where: Callable[[Path], bool]) -> None:
    """The manifest cannot be saved where ``where`` says (a full disk, a file in the way)."""
    from qaf_docs.cases import rounds

    real = rounds.write_manifest

    def write(plan: Any, path: Path, **kw: Any) -> None:
        if where(path):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(plan, path, **kw)

    monkeypatch.setattr(rounds, "write_manifest", write)


def rounds_recorded(workspace: Path) -> list[str]:
    from qaf_docs.register.store import Register

    with Register.open(workspace / "qaf_register.db") as register:
        return register.round_ids()


def test_a_round_whose_manifest_cannot_go_to_samples_is_kept_and_its_manifest_written_beside(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The round was recorded, then "Error: The disk is full ... run the command again": a second
    # run drew a second sample for the month.
    manifest_fails(monkeypatch, lambda path: path.parent.name == "samples")
    result = sample(workspace, case_list(tmp_path), "--n", "2")
    assert result.exit_code == 0, result.output
    [round_id] = rounds_recorded(workspace)
    fallback = workspace / f"{round_id} manifest.xlsx"
    assert openpyxl.load_workbook(fallback)["Round"] is not None
    assert f"The manifest could not be written to {workspace / 'outbox' / 'samples'}" in (
        result.output
    )
    assert f"(the disk is full), so it was written to {fallback} instead" in result.output
    assert f"Round {round_id} is recorded: do not draw it again." in result.output
    assert f"Manifest: {fallback}" in result.output
    # qaf round show --update-manifest finds it there and says where it is, not "updated" in
    # outbox/samples where there is none.
    monkeypatch.undo()
    shown = CliRunner().invoke(
        cli, ["round", "show", round_id, "--update-manifest", "-w", str(workspace)]
    )
    assert shown.exit_code == 0, shown.output
    assert f"The manifest of round {round_id} is {fallback}" in shown.output
    assert "it was updated there. Move it into" in shown.output
    assert "Manifest updated" not in shown.output
    # Lost from there too: written again from the register, where it belongs.
    fallback.unlink()
    gone = CliRunner().invoke(
        cli, ["round", "show", round_id, "--update-manifest", "-w", str(workspace)]
    )
    rewritten = workspace / "outbox" / "samples" / f"{round_id}.xlsx"
    assert f"The manifest of round {round_id} was missing, so it was written again from the " in (
        gone.output
    ), gone.output
    assert openpyxl.load_workbook(rewritten)["Round"] is not None
    assert "has no manifest" not in gone.output


def _manifest_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path)
    return {name: list(wb[name].iter_rows(values_only=True)) for name in wb.sheetnames}


@pytest.mark.parametrize("lost", ["deleted", "damaged"])
def test_a_lost_manifest_is_written_again_from_the_register_with_its_changes(
    workspace: Path, tmp_path: Path, lost: str
) -> None:
    """Contract 5: derived files are rebuilt when behind the register. Before, a deleted manifest
    stayed gone ('has no manifest … moved away'), and qaf round allocate asked for it back from a
    backup; a damaged one stopped every change to the round."""
    drawn = sample(workspace, case_list(tmp_path, rows=6), "--n", "3", "--seed", "7")
    assert drawn.exit_code == 0, drawn.output
    [round_id] = rounds_recorded(workspace)
    manifest = workspace / "outbox" / "samples" / f"{round_id}.xlsx"
    first = _manifest_rows(manifest)
    audits = [line.split()[0] for line in _shown(workspace, round_id)[1:] if line.strip()]
    cancel = CliRunner().invoke(
        cli,
        ["round", "cancel", round_id, "--audit", audits[0], "--by", "Sam Lead",
         "--reason", "case closed", "-w", str(workspace)],
    )  # fmt: skip
    assert cancel.exit_code == 0, cancel.output
    changed = _manifest_rows(manifest)
    assert "Changes" in changed
    if lost == "deleted":
        manifest.unlink()
    else:
        manifest.write_bytes(b"PK\x03\x04 half a workbook, cut off by a network drop")
    ingest = CliRunner().invoke(cli, ["ingest", "-w", str(workspace)])
    assert ingest.exit_code == 0, ingest.output
    # Every sheet as it was, the Changes sheet and the cancelled audit included.
    assert _manifest_rows(manifest) == changed
    assert changed["Audits"] != first["Audits"]
    if lost == "damaged":
        [aside] = manifest.parent.glob(f"{round_id} (damaged *).xlsx")
        assert aside.read_bytes().startswith(b"PK\x03\x04 half a workbook")


def _cancel(workspace: Path, round_id: str, which: int = 0) -> Result:
    audits = [line.split()[0] for line in _shown(workspace, round_id)[1:] if line.strip()]
    return CliRunner().invoke(
        cli,
        ["round", "cancel", round_id, "--audit", audits[which], "--by", "Sam Lead",
         "--reason", "case closed", "-w", str(workspace)],
    )  # fmt: skip


def _type_a_note(manifest: Path) -> None:
    """What a QA officer does in Excel: a note beside an audit, saved."""
    wb = openpyxl.load_workbook(manifest)
    wb["Audits"].cell(row=1, column=20, value="QA notes")
    wb["Audits"].cell(row=2, column=20, value="chased by phone on Monday")
    wb.save(manifest)


def _changes_sheet(manifest: Path) -> list[object]:
    wb = openpyxl.load_workbook(manifest)
    if "Changes" not in wb.sheetnames:
        return []
    return [r[5] for r in wb["Changes"].iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("edited", [False, True], ids=["qafs own", "edited by hand"])
def test_a_manifest_behind_the_register_is_brought_up_to_date_at_the_next_ingest(
    workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    edited: bool,
) -> None:
    """Contract 5: before, a manifest Excel held open when an audit was cancelled stayed without
    the change until someone ran qaf round show --update-manifest. A person's edits to it are
    theirs: kept aside, and where is said."""
    from qaf_docs.cases import changes as library

    drawn = sample(workspace, case_list(tmp_path, rows=6), "--n", "3", "--seed", "7")
    assert drawn.exit_code == 0, drawn.output
    [round_id] = rounds_recorded(workspace)
    manifest = workspace / "outbox" / "samples" / f"{round_id}.xlsx"
    if edited:
        _type_a_note(manifest)

    def open_in_excel(path: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(f"{path} is open in another program")

    monkeypatch.setattr(library, "refresh_from_register", open_in_excel)
    cancel = _cancel(workspace, round_id)
    assert cancel.exit_code == 0, cancel.output
    assert "could not be updated" in cancel.output
    assert "the next qaf ingest, qaf watch or qaf report brings it up to date" in cancel.output
    assert _changes_sheet(manifest) == []
    assert not list(manifest.parent.glob("* (edited by hand*"))
    monkeypatch.undo()
    caplog.set_level("WARNING", logger="qaf.derived")  # what the terminal shows under the summary
    ingest = CliRunner().invoke(cli, ["ingest", "-w", str(workspace)])
    assert ingest.exit_code == 0, ingest.output
    said = caplog.text
    assert _changes_sheet(manifest) == ["case closed"]
    kept = list(manifest.parent.glob(f"{round_id} (edited by hand, kept *).xlsx"))
    if edited:
        [aside] = kept
        assert openpyxl.load_workbook(aside)["Audits"].cell(row=2, column=20).value == (
            "chased by phone on Monday"
        )
        assert f"the edited copy is kept as {aside.name} in {aside.parent}" in said
    else:
        assert kept == []
        assert f"The manifest of round {round_id} was behind the register" in said
    # Once up to date it is left alone: no second copy, nothing said.
    caplog.clear()
    again = CliRunner().invoke(cli, ["ingest", "-w", str(workspace)])
    assert again.exit_code == 0, again.output
    assert f"round {round_id}" not in caplog.text
    assert len(list(manifest.parent.glob("* (edited by hand*"))) == len(kept)


def test_a_change_to_a_round_keeps_aside_a_manifest_edited_by_hand(
    workspace: Path, tmp_path: Path
) -> None:
    """Before, qaf round cancel rewrote the manifest over the note a person had typed in it."""
    drawn = sample(workspace, case_list(tmp_path, rows=6), "--n", "3", "--seed", "7")
    assert drawn.exit_code == 0, drawn.output
    [round_id] = rounds_recorded(workspace)
    manifest = workspace / "outbox" / "samples" / f"{round_id}.xlsx"
    first = _cancel(workspace, round_id)  # qaf's own manifest: rewritten, nothing kept
    assert first.exit_code == 0, first.output
    assert "edited by hand" not in first.output
    _type_a_note(manifest)
    cancel = _cancel(workspace, round_id, 1)
    assert cancel.exit_code == 0, cancel.output
    [aside] = manifest.parent.glob(f"{round_id} (edited by hand, kept *).xlsx")
    assert f"the edited copy is kept as {aside.name} in {aside.parent}" in cancel.output
    assert openpyxl.load_workbook(aside)["Audits"].cell(row=2, column=20).value == (
        "chased by phone on Monday"
    )
    assert _changes_sheet(manifest) == ["case closed", "case closed"]


def _shown(workspace: Path, round_id: str) -> list[str]:
    shown = CliRunner().invoke(cli, ["round", "show", round_id, "-w", str(workspace)])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.split("Changes:")[0].splitlines()
    return [line.strip() for line in lines]


def test_a_round_whose_manifest_cannot_be_written_anywhere_says_it_is_recorded(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest_fails(monkeypatch, lambda path: True)
    message = one_line_error(sample(workspace, case_list(tmp_path), "--n", "2"))
    [round_id] = rounds_recorded(workspace)
    assert f"Error: Round {round_id} is recorded, but its manifest could not be written" in message
    assert "the disk is full" in message and "run the command again" not in message
    assert f"Do not draw the round again: qaf round show {round_id} lists its audits" in message


ROUND = f"{TODAY:%Y-%m}-simple"


def drawn_cases(output: str) -> list[str]:
    return re.findall(r"^  case (\d+) ", output, flags=re.M)


def test_a_dry_run_says_how_to_record_the_very_cases_it_showed(workspace, tmp_path):
    cases = case_list(tmp_path, rows=12)
    dry = sample(workspace, cases, "--n", "4", "--dry-run")
    assert dry.exit_code == 0, dry.output
    shown = drawn_cases(dry.output)
    assert len(shown) == 4
    seed = re.search(r"without --dry-run and with --seed (\d+)", dry.output)
    assert seed is not None, dry.output
    recorded = sample(workspace, cases, "--n", "4", "--seed", seed[1])
    assert recorded.exit_code == 0, recorded.output
    listed = CliRunner().invoke(cli, ["round", "show", ROUND, "-w", str(workspace)])
    assert sorted(re.findall(r"case (\d+)", listed.output)) == sorted(shown)


def test_sampling_again_in_the_same_month_names_the_round_already_drawn(workspace, tmp_path):
    cases = case_list(tmp_path, rows=12)
    assert sample(workspace, cases, "--n", "2").exit_code == 0
    again = sample(workspace, cases, "--n", "2")
    assert again.exit_code == 0, again.output
    assert f"Round {ROUND} (on " in again.output
    assert "2 audits) was already drawn this month" in again.output
    assert f"qaf round cancel {ROUND}-2" in again.output
    too_many = one_line_error(sample(workspace, cases, "--n", "10"))
    assert f"{ROUND}-2 (on " in too_many and "were already drawn this month" in too_many
    assert "run qaf generate" in too_many


def test_a_month_whose_round_was_cancelled_draws_again_without_a_note(workspace, tmp_path):
    cases = case_list(tmp_path, rows=12)
    assert sample(workspace, cases, "--n", "4").exit_code == 0
    cancel = ["round", "cancel", ROUND, "--by", "Sam", "--reason", "wrong list"]
    assert CliRunner().invoke(cli, [*cancel, "-w", str(workspace)]).exit_code == 0
    again = sample(workspace, cases, "--n", "4")
    assert again.exit_code == 0, again.output
    assert "already drawn this month" not in again.output


def test_a_file_qaf_wrote_given_as_the_case_list_is_named_and_draws_nothing(workspace, tmp_path):
    cases = case_list(tmp_path, rows=12)
    assert sample(workspace, cases, "--n", "2").exit_code == 0
    run = CliRunner().invoke
    assert run(cli, ["generate", "-w", str(workspace)]).exit_code == 0
    assert run(cli, ["report", "-w", str(workspace)]).exit_code == 0
    assert run(cli, ["export", "--format", "csv", "-w", str(workspace)]).exit_code == 0
    outbox = workspace / "outbox"
    ours = {
        outbox / "samples" / f"{ROUND}.xlsx": "a round's sample manifest",
        outbox / "QA_tracker.xlsx": "the QA tracker qaf writes",
        next((outbox / "packs" / ROUND).glob("*.xlsx")): "an action tracker qaf wrote",
        outbox / "export" / "audits.csv": "a register export qaf wrote",
    }
    for path, what in ours.items():
        # Each was read as a list of the children already audited, and a round drawn from it.
        output = one_line_error(sample(workspace, path, "--n", "1"))
        assert f"{path.name} is {what}" in output and "not a case list" in output
    shown = run(cli, ["round", "show", f"{ROUND}-2", "-w", str(workspace)])
    assert shown.exit_code != 0, "no second round was recorded"


def test_the_case_list_and_roster_swapped_are_each_named_for_what_they_are(tmp_path):
    root = tmp_path / "ws"
    init_workspace(root)
    roster = root / "roster.xlsx"
    (root / "roster_example.xlsx").rename(roster)  # saved as the roster, as qaf init says
    cases = case_list(tmp_path)
    output = one_line_error(sample(root, roster, "--n", "1"))
    assert "roster.xlsx is the roster of people qaf writes to (it goes after --roster)" in output
    output = one_line_error(sample(root, cases, "--roster", cases, "--n", "1"))
    assert "is cases.csv the case list?" in output
    assert "qaf sample CASELIST --roster roster.xlsx" in output


def test_round_show_without_a_round_lists_the_rounds_to_choose_from(workspace, tmp_path):
    show = ["round", "show", "-w", str(workspace)]
    # It said "Missing argument 'ROUND_ID'", leaving the QA lead to guess the round's name.
    none = CliRunner().invoke(cli, show)
    assert none.exit_code == 1 and "No round is drawn yet: qaf sample draws one." in none.output
    cases = case_list(tmp_path, rows=12)
    for _ in range(2):
        assert sample(workspace, cases, "--n", "2").exit_code == 0
    listed = CliRunner().invoke(cli, show)
    assert listed.exit_code == 0, listed.output
    assert f"Rounds, oldest first: {ROUND}, {ROUND}-2" in listed.output
    assert f"To see one: qaf round show {ROUND}-2" in listed.output


def test_a_misspelt_framework_option_is_told_the_preset_it_looks_like(workspace, tmp_path):
    output = one_line_error(
        sample(workspace, case_list(tmp_path), "--n", "1", "--framework", "live-case")
    )
    # It said to add 'live-case' to qaf.toml, a framework that does not exist.
    assert "Did you mean 'live-case-audit'?" in output and "To add it" not in output
    output = one_line_error(
        sample(workspace, case_list(tmp_path), "--n", "1", "--framework", "live-case-audit")
    )
    assert 'frameworks = ["collaborative-audit", "live-case-audit"]' in output


def test_a_round_under_another_framework_in_the_same_month_is_no_second_draw(tmp_path):
    root = tmp_path / "ws"
    init_workspace(root)
    settings = root / "qaf.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace(
            'frameworks = ["collaborative-audit"]',
            'frameworks = ["collaborative-audit", "multi-agency-audit"]',
        ),
        encoding="utf-8",
    )
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Email", "Role", "Team", "Monthly capacity"])
    wb.active.append(["Qa One", "qa1@c.example", "QA Auditor", "Quality Assurance", 9])
    wb.save(root / "roster.xlsx")
    cases = case_list(tmp_path, rows=12)
    assert sample(root, cases, "--n", "2").exit_code == 0
    other = sample(root, cases, "--n", "2", "--framework", "multi-agency-audit")
    assert other.exit_code == 0, other.output
    assert "already drawn this month" not in other.output
    again = sample(root, cases, "--n", "2")
    assert f"Round {ROUND} (on " in again.output and "already drawn this month" in again.output


def test_a_dry_run_says_why_each_case_was_excluded_with_counts_as_the_real_run(workspace, tmp_path):
    """ "4 cases excluded" alone left the QA lead to guess; each reason is counted, as the
    manifest's Excluded sheet lists them one by one."""
    path = tmp_path / "cases.csv"
    path.write_text(
        "Child ID,Case Type,Allocated Team,Allocated Worker,Start Date,Closure Date\n"
        "7001,CIN,Locality 1,W 1,01/02/2025,\n"
        "7002,CIN,Locality 1,W 2,01/02/2025,\n"
        "7003,CIN,Locality 1,W 3,01/02/2025,\n"
        "7008,Contact,Locality 1,W 8,01/02/2025,\n"
        "7009,CIN,Locality 1,W 9,01/02/2025,01/03/2025\n"
        "7010,CP,Locality 1,W 9,01/02/2025,01/03/2025\n",
        encoding="utf-8",
    )
    first = sample(workspace, path, "--n", "1", "--seed", "1")
    assert first.exit_code == 0, first.output
    assert "3 cases excluded: 2 closed, 1 contact only (no open case)." in first.output
    result = sample(workspace, path, "--n", "1", "--dry-run", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert (
        "4 cases excluded: 2 closed, 1 already in an open audit, 1 contact only (no open case)."
        in result.output
    ), result.output
    data = json.loads(sample(workspace, path, "--n", "1", "--dry-run", "--json").output)
    assert data["excluded_by"] == {
        "closed": 2, "contact only (no open case)": 1, "already in an open audit": 1,
    }  # fmt: skip
