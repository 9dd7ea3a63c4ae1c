"""qaf.toml edited by hand in Notepad: each slip is one line that names the line, quotes it and says
how to write it, and the file itself is left exactly as the officer saved it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qaf_docs.cli import cli
from qaf_docs.workspace import Settings, Workspace


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


# Before, the reason was TOML's own: "Cannot overwrite a value", "Invalid value".
@pytest.mark.parametrize(
    "old, new, says",
    [
        (
            "max_file_mb = 25",
            "max_file_mb = 25\nmax_file_mb = 40",
            "max_file_mb is given twice in the same table, at line {before} and again here: keep "
            "the one you mean and delete the other",
        ),
        (
            'council_name = "Testshire Council"',
            "council_name = \u201cTestshire Council\u201d",
            "it has curly quotes (“ ” or ‘ ’), as Word types them",
        ),
        ("poll = false", "poll = False", "true and false are written in lower case"),
        (
            'council_name = "Testshire Council"',
            'council_name = "Testshire',
            "a text in double quotes is not closed",
        ),
    ],
    ids=["key-twice", "curly-quotes", "False", "unclosed-quote"],
)
def test_a_settings_line_toml_cannot_read_says_what_is_wrong_with_it(
    workspace: Workspace, old: str, new: str, says: str
) -> None:
    text = edited(workspace, old, new)
    line = line_of(text, new.splitlines()[-1])
    written = text.splitlines()[line - 1].strip()
    message = error_line(qaf(workspace, "status"))
    assert f"cannot be read at line {line}: '{written}': {says.format(before=line - 1)}" in message
    assert "Cannot" not in message and "Invalid value" not in message


def test_settings_saved_as_utf_8_with_bom_are_read(workspace: Workspace) -> None:
    text = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert workspace.load_settings().council_name == tomllib.loads(text)["council_name"]


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
    assert "at 'workspace_id': workspace_id is needed here but missing: add workspace_id" in message


def test_a_misspelt_framework_in_the_settings_names_the_file_and_the_likely_preset(
    workspace: Workspace,
) -> None:
    text = edited(
        workspace, '\nframeworks = ["collaborative-audit"', '\nframeworks = ["colaborative-audit"'
    )
    message = error_line(qaf(workspace, "report"))
    line = line_of(text, "colaborative-audit")
    assert (
        f"{workspace.settings_path} lists a framework qaf cannot find under 'frameworks' at line {line}:"
        in message
    )
    assert "Did you mean 'collaborative-audit'?" in message
    assert "Correct it in qaf.toml" in message
    assert workspace.settings_path.read_text(encoding="utf-8") == text


def test_settings_saved_in_another_encoding_say_to_save_them_as_utf_8(
    workspace: Workspace,
) -> None:
    text = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_bytes(text.encode("utf-16"))
    message = error_line(qaf(workspace, "status"))
    assert "is saved as UTF-16 ('Unicode' in Notepad), not UTF-8" in message
    assert "save it with the encoding UTF-8 (File > Save as, Encoding: UTF-8)" in message


# A value typed as the wrong kind of thing: qaf used to read it its own way ("no" as false, "yes"
# and 1 as true, "25" as 25, true as a quota of 1), so the line said one thing to the QA lead and
# another to qaf. Each is refused, naming the key and the line, what was written and what to write.
@pytest.mark.parametrize(
    "old, new, key, fix",
    [
        ("poll = false", 'poll = "no"', "inbox.poll", "write poll = true for yes or poll = false"),
        ("poll = false", 'poll = "yes"', "inbox.poll", "write poll = true for yes or poll = false"),
        ("poll = false", 'poll = "false "', "inbox.poll", "poll = false for no, in lower case"),
        ("poll = false", "poll = 1", "inbox.poll", "write poll = true for yes or poll = false"),
        (
            "show_child_names = false",
            'show_child_names = "off"',
            "show_child_names",
            "show_child_names = false for no",
        ),
        (
            "daily_while_watching = true",
            "daily_while_watching = 0",
            "backup.daily_while_watching",
            "daily_while_watching = true for yes",
        ),
        ("max_file_mb = 25", 'max_file_mb = "25"', "inbox.max_file_mb", "max_file_mb = 25 without"),
        ("max_file_mb = 25", "max_file_mb = 25.5", "inbox.max_file_mb", "a whole number, for"),
        ("keep = 14", 'keep = "14"', "backup.keep", "write keep = 14 without quotes"),
        (
            '"Team Manager" = 1',
            '"Team Manager" = "2"',
            "sampling.quotas.Team Manager",
            'write "Team Manager" = 2 without quotes',
        ),
        (
            '"Team Manager" = 1',
            '"Team Manager" = true',
            "sampling.quotas.Team Manager",
            'a whole number, for example "Team Manager" = 1',
        ),
        (
            "deep_dive_min = 20",
            "deep_dive_min = true",
            "sampling.deep_dive_min",
            "for example deep_dive_min = 20",
        ),
        (
            "# exclusion_months = 6",
            'exclusion_months = "6"',
            "sampling.exclusion_months",
            "write exclusion_months = 6 without quotes; or delete the line",
        ),
        (
            "# include_restricted = false",
            'include_restricted = "no"',
            "sampling.include_restricted",
            "include_restricted = false for no",
        ),
        (
            "inadequate_target = 0.10",
            'inadequate_target = "10%"',
            "reports.inadequate_target",
            "write inadequate_target = 0.1 without quotes",
        ),
        (
            "inadequate_target = 0.10",
            "inadequate_target = 10",
            "reports.inadequate_target",
            "write inadequate_target = 0.1 for 10%",
        ),
        (
            'council_name = "Testshire Council"',
            "council_name = 2026-04-01",
            "council_name",
            'in double quotes, council_name = "2026-04-01"',
        ),
        (
            'frameworks = ["collaborative-audit"]',
            'frameworks = "collaborative-audit"',
            "frameworks",
            'in square brackets, frameworks = ["collaborative-audit"]',
        ),
        (
            "# team = ",
            "team = 7\n# team = ",
            "sampling.columns.team",
            'in double quotes, team = "7"',
        ),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_with_its_line_and_what_to_write(
    workspace: Workspace, old: str, new: str, key: str, fix: str
) -> None:
    text = edited(workspace, old, new)
    written = new.splitlines()[0]
    message = error_line(qaf(workspace, "status"))
    assert f"at line {line_of(text, written)}, key '{key}'" in message
    assert f"{written} is " in message, "what was written is quoted"
    assert fix in message
    assert workspace.settings_path.read_text(encoding="utf-8") == text, "the file is left alone"


def test_a_choice_of_the_wrong_kind_names_the_choices(workspace: Workspace) -> None:
    text = edited(workspace, "# [lifecycle]\n# moderate", "[lifecycle]\nmoderate = 1\n# moderate")
    message = error_line(qaf(workspace, "status"))
    assert f"at line {line_of(text, 'moderate = 1')}, key 'lifecycle.moderate'" in message
    assert 'moderate = 1 is not one of its choices: write moderate = "framework"' in message


def test_a_number_below_its_least_says_the_least(workspace: Workspace) -> None:
    edited(workspace, "max_file_mb = 25", "max_file_mb = 0")
    message = error_line(qaf(workspace, "status"))
    assert "key 'inbox.max_file_mb': max_file_mb = 0 is too small: write 1 or more" in message


@pytest.mark.parametrize(
    "key, line",
    [
        ("poll", "poll = true"),
        ("max_file_mb", "max_file_mb = 40"),
        ("inadequate_target", "inadequate_target = 0"),  # a whole number is a number
        ("inadequate_target", "inadequate_target = 1"),
        ("keep", "keep = 3"),
        ("show_child_names", "show_child_names = true"),
    ],
)
def test_values_written_as_their_kind_are_read_as_written(
    workspace: Workspace, key: str, line: str
) -> None:
    text = workspace.settings_path.read_text(encoding="utf-8")
    old = next(row for row in text.splitlines() if row.startswith(f"{key} = "))
    edited(workspace, old, line)
    settings = workspace.load_settings().model_dump(by_alias=True)
    found = [
        v[key]
        for v in [settings, *(t for t in settings.values() if isinstance(t, dict))]
        if key in v
    ]
    assert found == [tomllib.loads(line)[key]]
    assert qaf(workspace, "status").exit_code == 0


# Every qaf.toml line the README shows, with the table it goes under.
README_LINES = [
    ("", 'register = "D:/qaf/register.db"'),
    ("", "register = 'D:\\qaf\\register.db'"),
    ("", 'register = "postgresql://qaf@db-server:5432/qa_audits?sslmode=verify-full"'),
    ("", 'frameworks = ["my-framework.toml"]'),
    ("", 'frameworks = ["collaborative-audit", "multi-agency-audit"]'),
    ("", "show_child_names = true"),
    ("inbox", "poll = true"),
    ("validation", "action_due_within_days = 28"),
    ("reports", "inadequate_target = 0.10"),
    ("sampling.columns", 'team = "Responsible Unit"'),
]


@pytest.mark.parametrize("table, line", README_LINES, ids=[line for _, line in README_LINES])
def test_the_settings_lines_the_readme_shows_still_load(table: str, line: str) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"`{line}`" in readme or f"`[{table}] {line}`" in readme
    text = 'workspace_id = "x"\n' + (f"[{table}]\n" if table else "") + line + "\n"
    loaded = Settings.model_validate(tomllib.loads(text)).model_dump(by_alias=True)
    for part in table.split(".") if table else []:
        loaded = loaded[part]
    key, value = next(iter(tomllib.loads(line).items()))
    assert loaded[key] == value


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


# A Windows path in double quotes: TOML reads \n, \r, \t, \b and \f as a new line and other
# control characters, so "D:\new\register.db" was a path with a line break in it (qaf said the
# register "D:" + new line + "ewegister.db" was missing, over two lines).
@pytest.mark.parametrize(
    "old, new",
    [
        ('# register = "D:/qaf/register.db"', r'register = "D:\new\register.db"'),
        ('folder = "backups"', r'folder = "E:\tmp\backups"'),
        ('frameworks = ["collaborative-audit"]', r'frameworks = ["C:\new\test.toml"]'),
    ],
    ids=["register", "backup-folder", "framework-file"],
)
def test_a_windows_path_whose_backslashes_toml_reads_as_new_lines_is_refused(
    workspace: Workspace, old: str, new: str
) -> None:
    text = edited(workspace, old, new)
    message = error_line(qaf(workspace, "status"))
    key, _, value = new.partition(" = ")
    assert f"at line {line_of(text, new)}, key " in message
    assert (
        f"{new} has a \\ that TOML reads, inside double quotes, as a special character" in message
    )
    slashed = value.replace("\\", "/")
    assert f"write the path with /, {key} = {slashed}" in message
    assert f"or in single quotes, {key} = {value.replace(chr(34), chr(39))}" in message


def test_a_windows_path_in_single_quotes_is_read_as_written(workspace: Workspace) -> None:
    edited(workspace, "# register = ", "register = 'D:\\new\\register.db'\n# register = ")
    assert workspace.load_settings().register_at == "D:\\new\\register.db"
