"""qaf.toml edited by hand in Notepad: each slip is one line that names the line, quotes it and says
how to write it, and the file itself is left exactly as the officer saved it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

from qaf_docs.cli import cli
from qaf_docs.workspace import Workspace


def qaf(ws: Workspace, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--workspace", str(ws.root)])


def edited(ws: Workspace, old: str, new: str) -> str:
    text = ws.settings_path.read_text(encoding="utf-8")
    assert old in text, old
    changed = text.replace(old, new, 1)
    ws.settings_path.write_text(changed, encoding="utf-8")
    return changed


def error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0, result.output
    return result.output


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize(
    "old, new",
    [
        ("poll = false", "poll = False"),
        ("inadequate_target = 0.10", "inadequate_target = 10%"),
        ("[inbox]", "[inbox"),
        ("max_file_mb = 25", "max_file_mb = twenty five"),
        ("max_file_mb = 25", "max_file_mb = 25\nstarts = 01/04/2026"),
    ],
    ids=["True-in-capitals", "percent", "broken-table", "number-in-words", "uk-date"],
)
def test_a_settings_line_toml_cannot_read_is_quoted_with_how_to_write_it(
    workspace: Workspace, old: str, new: str
) -> None:
    text = edited(workspace, old, new)
    bad = new.splitlines()[-1]
    message = error_line(qaf(workspace, "status"))
    assert f"{workspace.settings_path} cannot be read at line {line_of(text, bad)}: '" in message
    assert bad in message
    assert 'Write text in double quotes ("Team Manager"), true and false in lower case' in message
    assert "dates as 2026-04-01" in message and "(0.10 for 10%)" in message
    assert workspace.settings_path.read_text(encoding="utf-8") == text, "the file is left alone"


def test_a_misspelt_setting_names_its_line_and_the_settings_allowed_there(
    workspace: Workspace,
) -> None:
    text = edited(workspace, "max_file_mb = 25", "max_fle_mb = 25")
    message = error_line(qaf(workspace, "status"))
    assert f"at line {line_of(text, 'max_fle_mb')}, key 'inbox.max_fle_mb'" in message
    assert "unknown key 'max_fle_mb'; the keys allowed here are: poll, max_file_mb" in message


def test_the_settings_allowed_at_the_top_are_named_as_qaf_toml_spells_them(
    workspace: Workspace,
) -> None:
    edited(workspace, "council_name", "council_nme")
    message = error_line(qaf(workspace, "status"))
    assert "unknown key 'council_nme'" in message
    assert "council_name, framework, show_child_names, register, validation" in message
    assert "register_at" not in message


def test_a_missing_setting_is_called_missing(workspace: Workspace) -> None:
    edited(workspace, "workspace_id =", "# workspace_id =")
    message = error_line(qaf(workspace, "status"))
    assert "at 'workspace_id': this key is needed but missing" in message


def test_a_misspelt_framework_in_the_settings_names_the_file_and_the_likely_preset(
    workspace: Workspace,
) -> None:
    text = edited(
        workspace, '\nframeworks = ["collaborative-audit"', '\nframeworks = ["colaborative-audit"'
    )
    message = error_line(qaf(workspace, "report"))
    assert f"{workspace.settings_path} lists a framework qaf cannot find" in message
    assert "Did you mean 'collaborative-audit'?" in message
    assert "Correct it in qaf.toml" in message
    assert workspace.settings_path.read_text(encoding="utf-8") == text


def test_settings_saved_in_another_encoding_say_to_save_them_as_utf_8(
    workspace: Workspace,
) -> None:
    text = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_bytes(text.encode("utf-16"))
    message = error_line(qaf(workspace, "status"))
    assert "save it with the encoding UTF-8" in message


def test_the_readme_documents_every_setting_qaf_toml_may_hold() -> None:
    """qaf.toml says "see README.md for every setting": each key and table is named there."""
    import re
    from pathlib import Path

    from pydantic import BaseModel

    from qaf_docs.settings import Settings

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    quoted = " ".join(re.findall(r"`([^`\n]+)`", readme))
    missing = []
    for name, field in Settings.model_fields.items():
        key = field.alias or name
        if key == "workspace_id":  # written by qaf init, never chosen by anyone
            continue
        section = field.annotation
        if isinstance(section, type) and issubclass(section, BaseModel):
            if f"[{key}]" not in quoted:
                missing.append(f"[{key}]")
            keys = [f.alias or n for n, f in section.model_fields.items()]
        else:
            keys = [key]
        missing += [k for k in keys if not re.search(rf"(?<![\w-]){k}\b", quoted)]
    assert missing == [], f"README.md does not name these qaf.toml settings: {missing}"
