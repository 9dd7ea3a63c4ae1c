"""`qaf status` names a framework qaf cannot use the day it goes wrong (a misspelt preset in
qaf.toml, a council's framework file renamed after rounds were drawn under it), in one warning
line, and still shows everything else: before, it said nothing until `qaf sample` or `qaf report`
stopped, or it stopped itself with nothing shown."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner, Result
from conftest import complete_form, drop, pack_docx, plan_audits
from lifecycle_helpers import return_form

from qaf_docs.cli import cli
from qaf_docs.frameworks import load_framework
from qaf_docs.frameworks.loading import preset_file, preset_names
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

DEFAULT = 'frameworks = ["collaborative-audit"]'


def qaf(ws: Workspace, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--workspace", str(ws.root)])


def set_frameworks(ws: Workspace, line: str) -> None:
    text = ws.settings_path.read_text(encoding="utf-8")
    old = next(row for row in text.splitlines() if row.startswith("frameworks = "))
    ws.settings_path.write_text(text.replace(old, line, 1), encoding="utf-8")


def warnings(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if line.startswith("Warning: ")]


def test_a_misspelt_framework_in_qaf_toml_is_one_warning_and_the_counts_still_show(
    workspace: Workspace,
) -> None:
    with open_register(workspace) as register:
        plan_audits(register, workspace, 3)
    set_frameworks(workspace, 'frameworks = ["collaborative-audti"]')
    result = qaf(workspace, "status")
    [warning] = [w for w in warnings(result) if "collaborative-audti" in w]
    line = settings_line(workspace, "collaborative-audti")
    assert (
        f"qaf.toml lists a framework qaf cannot use under 'frameworks' at line {line}:" in warning
    )
    assert "Unknown framework 'collaborative-audti'. Did you mean 'collaborative-audit'?" in warning
    assert ", ".join(preset_names()) in warning, "the names that exist"
    assert "Correct it in qaf.toml; qaf sample and qaf report stop at it until then." in warning
    assert "  audits now, each at its latest step: 3 allocated" in result.output
    status = json.loads(qaf(workspace, "status", "--json").output)
    assert status["audits"] == {"allocated": 3}
    assert any("collaborative-audti" in w for w in status["warnings"])


def settings_line(ws: Workspace, fragment: str) -> int:
    text = ws.settings_path.read_text(encoding="utf-8")
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


# Before, the misspelt name was named with the nearest preset but not the line of qaf.toml.
def test_a_misspelt_framework_under_the_older_framework_key_names_its_line(
    workspace: Workspace,
) -> None:
    set_frameworks(workspace, 'framework = "collaborative-audti"')
    [warning] = [w for w in warnings(qaf(workspace, "status")) if "qaf.toml" in w]
    line = settings_line(workspace, "collaborative-audti")
    assert f"cannot use under 'framework' at line {line}: Unknown framework" in warning


def test_a_framework_listed_second_and_misspelt_is_named_with_its_own_line(
    workspace: Workspace,
) -> None:
    set_frameworks(
        workspace, 'frameworks = [\n  "collaborative-audit",\n  "multi-agency-audti",\n]'
    )
    [warning] = [w for w in warnings(qaf(workspace, "status")) if "qaf.toml" in w]
    line = settings_line(workspace, "multi-agency-audti")
    assert f"cannot use under 'frameworks' at line {line}: Unknown framework" in warning
    assert "Unknown framework 'multi-agency-audti'. Did you mean 'multi-agency-audit'?" in warning
    assert "no round can be drawn under it until then" in warning


def test_frameworks_that_load_give_no_warning(workspace: Workspace) -> None:
    set_frameworks(workspace, 'frameworks = ["collaborative-audit", "multi-agency-audit"]')
    assert not [w for w in warnings(qaf(workspace, "status")) if "framework" in w]


def returned_under_own_framework(ws: Workspace) -> str:
    """A round drawn under the council's own framework file, one audit back from its auditor and
    waiting for moderation; return the round's id."""
    shutil.copyfile(preset_file("collaborative-audit"), ws.root / "our-framework.toml")
    set_frameworks(ws, 'frameworks = ["our-framework.toml"]')
    with open_register(ws) as register:
        plan_audits(register, ws, 2)
        generate_packs(ws, register)
        audit = register.audits()[0]
        [round_id] = register.round_ids()
    return_form(ws, audit, load_framework(ws.root / "our-framework.toml"))
    return round_id


def test_a_round_whose_framework_file_was_renamed_says_its_audits_fall_back_to_the_default(
    workspace: Workspace,
) -> None:
    round_id = returned_under_own_framework(workspace)
    (workspace.root / "our-framework.toml").rename(workspace.root / "framework 2026.toml")
    set_frameworks(workspace, DEFAULT)
    result = qaf(workspace, "status")
    [warning] = [w for w in warnings(result) if "our-framework.toml" in w]
    assert f"round {round_id} was drawn under the framework 'our-framework.toml'" in warning
    assert "Put a framework file named 'our-framework.toml' back in the workspace" in warning
    assert "their audits are read under the default framework, 'collaborative-audit'" in warning
    assert "moderation " in result.output, "what waits on whom is still listed"


def test_status_still_shows_its_counts_when_no_framework_can_be_loaded(
    workspace: Workspace,
) -> None:
    round_id = returned_under_own_framework(workspace)
    (workspace.root / "our-framework.toml").unlink()
    result = qaf(workspace, "status")
    found = warnings(result)
    [warning] = [w for w in found if "our-framework.toml" in w]
    assert "qaf.toml lists a framework qaf cannot use under 'frameworks'" in warning
    assert f"(round {round_id} was drawn under it.)" in warning
    assert any("cannot be worked out until the framework above is corrected" in w for w in found)
    assert "  audits now, each at its latest step: 1 issued, 1 returned" in result.output


# Before, a mistake inside the council's framework file was followed by "Correct it in qaf.toml".
def test_a_mistake_inside_the_councils_framework_file_says_to_correct_that_file(
    workspace: Workspace,
) -> None:
    with open_register(workspace) as register:
        plan_audits(register, workspace, 2)
    text = preset_file("collaborative-audit").read_text(encoding="utf-8")
    (workspace.root / "our-framework.toml").write_text(
        text.replace('title = "Planning"', "title = \u201cPlanning\u201d"), encoding="utf-8"
    )
    set_frameworks(workspace, 'frameworks = ["our-framework.toml"]')
    result = qaf(workspace, "status")
    [warning] = [w for w in warnings(result) if "our-framework.toml" in w]
    assert "is not valid TOML at line " in warning and "it has curly quotes" in warning
    assert "Correct it in our-framework.toml; qaf sample and qaf report stop at it" in warning
    assert "Correct it in qaf.toml" not in warning
    assert "  audits now, each at its latest step: 2 allocated" in result.output


def test_a_framework_file_saved_with_txt_by_notepad_is_named_in_status_with_the_rename(
    workspace: Workspace,
) -> None:
    shutil.copyfile(preset_file("collaborative-audit"), workspace.root / "our-framework.toml.txt")
    set_frameworks(workspace, 'frameworks = ["our-framework.toml"]')
    [warning] = [w for w in warnings(qaf(workspace, "status")) if "our-framework.toml" in w]
    assert "but there is 'our-framework.toml.txt'" in warning
    assert "Until it is renamed, qaf sample and qaf report stop at it." in warning
    assert "Correct it in" not in warning
    result = qaf(workspace, "report")
    assert result.exit_code != 0 and "Rename the file to 'our-framework.toml'" in result.output


# Before, `qaf frameworks --workspace` stopped at the broken file, listing none after it.
def test_qaf_frameworks_names_a_framework_it_cannot_use_and_lists_the_others(
    workspace: Workspace,
) -> None:
    text = preset_file("collaborative-audit").read_text(encoding="utf-8")
    (workspace.root / "our-framework.toml").write_text(
        text.replace('version = "2"', "version = 2"), encoding="utf-8"
    )
    set_frameworks(workspace, 'frameworks = ["our-framework.toml", "multi-agency-audit"]')
    result = qaf(workspace, "frameworks")
    assert result.exit_code == 0, result.output
    lines = result.output.split("This workspace runs", 1)[1].splitlines()
    assert lines[1].startswith("  our-framework.toml (the default): qaf cannot use it: ")
    assert "key 'version': version = 2 is a number, but version is text" in lines[1]
    assert lines[2].startswith("  multi-agency-audit: Multi-agency audit — ")


# Before, a mistake made in the framework file after packs went out stopped `qaf ingest` with the
# framework's error alone after the form was recorded (nothing said it was), and the files behind
# it in the inbox waited for the next run.
def test_a_form_returned_while_its_framework_file_has_a_mistake_is_accepted_and_said_so(
    workspace: Workspace,
) -> None:
    shutil.copyfile(preset_file("collaborative-audit"), workspace.root / "our-framework.toml")
    set_frameworks(workspace, 'frameworks = ["our-framework.toml"]')
    with open_register(workspace) as register:
        plan_audits(register, workspace, 2)
        generate_packs(workspace, register)
        first, second = register.audits()
    framework = load_framework(workspace.root / "our-framework.toml")
    good = (workspace.root / "our-framework.toml").read_text(encoding="utf-8")
    slip = good.replace('title = "Planning"', "title = \u201cPlanning\u201d")
    (workspace.root / "our-framework.toml").write_text(slip, encoding="utf-8")
    for audit, name in ((first, "first.docx"), (second, "second.docx")):
        complete_form(pack_docx(workspace, audit), framework).save()
        drop(pack_docx(workspace, audit), workspace.inbox, name)
    result = qaf(workspace, "ingest")
    assert result.exit_code == 1
    assert f"audit {first.audit_ref}: accepted" in result.output
    assert f"audit {second.audit_ref}: accepted" in result.output
    error = result.output.split("Error: ", 1)[1]
    assert error.startswith("2 file(s) handled: 2 accepted, but these outputs could not be")
    assert "case notes and notifications: Framework file " in error
    assert error.count("is not valid TOML at line ") == 1, "the one reason is said once"
    assert "They are written at the next qaf ingest, qaf watch or qaf report." in error
    with open_register(workspace) as register:
        assert [a.status for a in register.audits()] == ["returned", "returned"]
    assert not list(workspace.inbox.iterdir())
    notes = workspace.outbox / "case-notes"
    assert not notes.exists() or not any(notes.rglob("*.txt"))
    (workspace.root / "our-framework.toml").write_text(good, encoding="utf-8")
    assert qaf(workspace, "report").exit_code == 0
    assert len(list(notes.rglob("*.txt"))) >= 2, "each accepted form's case note, once fixed"


# Before, only the presets were offered: the council's own file, misspelt or without its .toml,
# was "Unknown framework" with nothing nearer.
def test_a_misspelt_name_of_the_councils_own_file_names_the_file_it_likely_means(
    workspace: Workspace,
) -> None:
    shutil.copyfile(preset_file("collaborative-audit"), workspace.root / "our-framework.toml")
    for written in ("our-framwork.toml", "our-framework"):
        set_frameworks(workspace, f'frameworks = ["{written}"]')
        [warning] = [w for w in warnings(qaf(workspace, "status")) if written in w]
        assert f"Unknown framework '{written}'. Did you mean 'our-framework.toml'?" in warning
        assert "framework files in that folder: our-framework.toml." in warning
        result = qaf(workspace, "report")
        assert "Did you mean 'our-framework.toml'?" in result.output
