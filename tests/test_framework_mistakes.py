"""A council's QA officer edits a copy of a preset in Notepad: each slip is refused in one plain
message that names the file, the line and the key, quotes what was written and says what to write,
as qaf.toml's slips are; nothing is read another way than the line says."""

from __future__ import annotations

from pathlib import Path

import pytest

from qaf_docs.errors import FrameworkError
from qaf_docs.frameworks import load_framework, preset_file

PRESET = preset_file("collaborative-audit").read_text(encoding="utf-8")


def council_copy(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    """The preset with ``old`` changed to ``new`` once, saved as the council's own file."""
    assert old in PRESET, old
    text = PRESET.replace(old, new, 1)
    path = tmp_path / "our-framework.toml"
    path.write_text(text, encoding="utf-8")
    return path, text


def refused(path: Path) -> str:
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message and "Input should" not in message
    return message


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


# Before, pydantic's lax mode read each of these its own way: "yes" as true, "28" as 28, 56.0 as
# 56, a quota of "28" days as 28; the council's line said one thing and qaf did another.
@pytest.mark.parametrize(
    "old, new, key, fix",
    [
        (
            "voice_of_child = true",
            'voice_of_child = "yes"',
            "sections.voice_of_child",
            "write voice_of_child = true for yes or voice_of_child = false for no",
        ),
        (
            "family_feedback = true",
            "family_feedback = 1",
            "sections.family_feedback",
            "family_feedback = true for yes",
        ),
        (
            "inadequate_at_once = true",
            'inadequate_at_once = "True"',
            "moderation.inadequate_at_once",
            "in lower case and without quotes",
        ),
        (
            "action_due_within_days = 28",
            'action_due_within_days = "28"',
            "timescales.action_due_within_days",
            "write action_due_within_days = 28 without quotes",
        ),
        (
            "every_days = 56",
            "every_days = 56.0",
            "timescales.checks.0.every_days",
            "write every_days = 56",
        ),
        (
            "by_case_type = { CP = 28 }",
            'by_case_type = { CP = "28" }',
            "timescales.checks.0.by_case_type.CP",
            "write CP = 28 without quotes",
        ),
        (
            "[audit_period]\nmonths = 6",
            '[audit_period]\nmonths = "six"',
            "audit_period.months",
            "write a whole number without quotes, for example months = 1",
        ),
        ('version = "2"', "version = 2", "version", 'in double quotes, version = "2"'),
        (
            'kinds = ["reflective", "group"]',
            'kinds = "reflective, group"',
            "moderation.kinds",
            'each in its own double quotes, kinds = ["reflective", "group"]',
        ),
        (
            'grade_disputes = ["QA Head of Service"]',
            'grade_disputes = "QA Head of Service"',
            "escalation.grade_disputes",
            'in square brackets, grade_disputes = ["QA Head of Service"]',
        ),
        (
            'inadequate = "Inadequate"',
            'inadequate = ["Inadequate"]',
            "scale.inadequate",
            'in double quotes, inadequate = "…"',
        ),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_with_its_line_and_what_to_write(
    tmp_path: Path, old: str, new: str, key: str, fix: str
) -> None:
    path, text = council_copy(tmp_path, old, new)
    written = new.splitlines()[-1]
    message = refused(path)
    assert f"at line {line_of(text, written)}, key '{key}'" in message
    said = written.removeprefix("by_case_type = { ").removesuffix(" }")
    assert f"{said} is " in message, "what was written is quoted"
    assert fix in message


def test_values_written_as_their_kind_are_read_as_written(tmp_path: Path) -> None:
    path, _ = council_copy(tmp_path, "every_days = 56", "every_days = 42")
    framework = load_framework(path)
    assert framework.timescales.checks[0].every_days == 42
    assert framework.timescales.action_due_within_days == 28
    assert framework.sections.voice_of_child is True


GRADES = 'grades = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]'


def lines_naming(text: str, quoted: str) -> list[int]:
    """The lines where ``quoted`` stands as a key or a value of its own (not inside a sentence)."""
    return [
        n
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip().startswith(quoted) or line.rstrip().endswith(f"= {quoted}")
    ]


# Before, a grade renamed in [scale] grades was refused one line a run, in the words "'Inadequate'
# is not in grades", and nothing said the five domains' indicators still named it too.
def test_a_grade_renamed_in_the_scale_names_every_line_that_still_uses_the_old_name(
    tmp_path: Path,
) -> None:
    renamed = GRADES.replace('"Inadequate"]', '"Poor"]')
    path, text = council_copy(tmp_path, GRADES, renamed)
    message = refused(path)
    first, *rest = lines_naming(text, '"Inadequate"')
    assert len(rest) == 5, "each domain's indicators name it"
    assert f"at line {first}, key 'scale.inadequate': inadequate is 'Inadequate'" in message
    assert f"not in grades, line {line_of(text, renamed)}: Outstanding, Good, " in message
    assert f"lines {', '.join(map(str, rest[:-1]))} and {rest[-1]} name it too" in message
    assert (
        "if the grade was renamed in grades, write its new name on each of these lines" in message
    )


def test_two_grades_renamed_are_named_in_one_message(tmp_path: Path) -> None:
    renamed = GRADES.replace('"Good"', '"Good practice"').replace('"Inadequate"]', '"Poor"]')
    path, text = council_copy(tmp_path, GRADES, renamed)
    message = refused(path)
    assert "good_or_better lists 'Good', which is not a grade on this scale" in message
    inadequate = lines_naming(text, '"Inadequate"')
    assert f"'Inadequate', named at lines {', '.join(map(str, inadequate[:-1]))}" in message
    assert "is not in grades either" in message


def test_a_grade_misspelt_in_a_rule_is_named_with_the_nearest_grade(tmp_path: Path) -> None:
    path, text = council_copy(tmp_path, 'inadequate = "Inadequate"', 'inadequate = "Inadequte"')
    message = refused(path)
    assert f"at line {line_of(text, 'Inadequte')}, key 'scale.inadequate'" in message
    assert "(the nearest grade is 'Inadequate')" in message
    assert "name it too" not in message, "no other line names the misspelling"


PLANNING = '# Audit tool "Planning".\n[[domains]]\nkey = "planning"\n'


def without_domain_body(key: str, title: str) -> str:
    """The preset with a domain's [[domains]] line, key, title and prompts deleted, its
    [domains.indicators] left behind (as a person deleting "the domain" in Notepad might)."""
    start = PRESET.index(f'[[domains]]\nkey = "{key}"\ntitle = "{title}"\n')
    end = PRESET.index("[domains.indicators]", start)
    return PRESET[:start] + PRESET[end:]


# Before, each of these said only TOML's words: "not valid TOML: Cannot overwrite a value (at
# line 122, column 25)", "Illegal character '\n'", "Invalid value", "Cannot declare ('domains',
# 'indicators') twice".
@pytest.mark.parametrize(
    "old, new, bad, says",
    [
        (
            "reaudit_after_months = 3",
            "reaudit_after_months = 3\nreaudit_after_months = 4",
            "reaudit_after_months = 4",
            "reaudit_after_months is given twice in the same table, at line {before} and again "
            "here: keep the one you mean and delete the other",
        ),
        (
            'title = "Planning"',
            'title = "Planning',
            'title = "Planning',
            'a text in double quotes is not closed: end it with " on the same line',
        ),
        (
            'title = "Planning"',
            "title = \u201cPlanning\u201d",
            "title = \u201cPlanning\u201d",
            "it has curly quotes (“ ” or ‘ ’), as Word types them, where TOML needs straight "
            'double quotes ("): type the quotes again in Notepad',
        ),
        (
            'kinds = ["reflective", "group"]',
            'kinds = ["reflective", \u201cgroup\u201d]',
            "kinds = [",
            "it has curly quotes",
        ),
        (
            '"Good" = [\n  "All plans are focused and up to date"',
            '\u201cGood\u201d = [\n  "All plans are focused and up to date"',
            "\u201cGood\u201d = [",
            "it has curly quotes",
        ),
        (
            "inadequate_at_once = true",
            "inadequate_at_once = True",
            "inadequate_at_once = True",
            "true and false are written in lower case without quotes",
        ),
        (
            'title = "Planning"',
            "title = Planning",
            "title = Planning",
            'text is written in double quotes: write "Planning"',
        ),
        (
            'kinds = ["reflective", "group"]',
            'kinds = ["reflective" "group"]',
            "kinds = [",
            "or two of its entries have no comma between them",
        ),
        (
            'title = "Planning"',
            'title =\u00a0"Planning"',
            "title =\u00a0",
            "it has a space of another kind at character 8 (a non-breaking space, as Word and "
            "web pages paste one)",
        ),
    ],
    ids=[
        "key-twice",
        "unclosed-quote",
        "curly-quotes",
        "curly-quotes-in-a-list",
        "curly-quoted-key",
        "True",
        "text-without-quotes",
        "missing-comma",
        "non-breaking-space",
    ],
)
def test_a_line_toml_cannot_read_is_named_quoted_and_said_how_to_write(
    tmp_path: Path, old: str, new: str, bad: str, says: str
) -> None:
    path, text = council_copy(tmp_path, old, new)
    message = refused(path)
    line = line_of(text, bad)
    assert f"is not valid TOML at line {line}: '{text.splitlines()[line - 1].strip()}': " in message
    assert says.format(before=line - 1) in message
    assert "Cannot" not in message and "Invalid value" not in message


def test_a_domain_deleted_with_its_indicators_left_behind_says_to_delete_them_too(
    tmp_path: Path,
) -> None:
    path = tmp_path / "our-framework.toml"
    text = without_domain_body("planning", "Planning")
    path.write_text(text, encoding="utf-8")
    message = refused(path)
    assessment = line_of(text, "[domains.indicators]")
    left = [n for n, line in enumerate(text.splitlines(), 1) if line == "[domains.indicators]"]
    assert f"at line {left[1]}: '[domains.indicators]': " in message
    assert (
        f"the table [domains.indicators] is given a second time under one [[domains]] (at line {assessment} too)"
        in message
    )
    assert (
        "if a [[domains]] entry was deleted above this line and its [domains.indicators] left behind, delete this [domains.indicators] with its lines too"
        in message
    )


def test_the_first_domain_deleted_with_its_indicators_left_behind_names_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "our-framework.toml"
    text = without_domain_body("assessment", "Assessment")
    path.write_text(text, encoding="utf-8")
    message = refused(path)
    left = line_of(text, "[domains.indicators]")
    assert f"[domains.indicators] at line {left} comes before any [[domains]] line" in message
    assert f"delete the [domains.indicators] at line {left} with its lines too" in message


def test_a_domain_deleted_whole_loads_without_it(tmp_path: Path) -> None:
    path = tmp_path / "our-framework.toml"
    start = PRESET.index(PLANNING)
    end = PRESET.index('# Audit tool "Intervention and Visiting".')
    path.write_text(PRESET[:start] + PRESET[end:], encoding="utf-8")
    keys = [d.key for d in load_framework(path).domains]
    assert keys == [
        d.key for d in load_framework("collaborative-audit").domains if d.key != "planning"
    ]


# Notepad's encodings: "UTF-8 with BOM" is read as UTF-8; UTF-16 ("Unicode") and ANSI are named,
# with how to save the file again.
def test_a_file_saved_as_utf_8_with_bom_and_windows_line_ends_reads_as_the_preset(
    tmp_path: Path,
) -> None:
    path = tmp_path / "our-framework.toml"
    path.write_bytes(b"\xef\xbb\xbf" + PRESET.replace("\n", "\r\n").encode("utf-8"))
    assert load_framework(path) == load_framework("collaborative-audit")


def test_a_file_saved_as_utf_16_says_so_and_how_to_save_it_as_utf_8(tmp_path: Path) -> None:
    path = tmp_path / "our-framework.toml"
    path.write_bytes(PRESET.encode("utf-16"))
    message = refused(path)
    assert "is saved as UTF-16 ('Unicode' in Notepad), not UTF-8" in message
    assert "save it with the encoding UTF-8 (File > Save as, Encoding: UTF-8)" in message


def test_a_file_saved_as_ansi_names_the_line_of_the_first_character_written_another_way(
    tmp_path: Path,
) -> None:
    path = tmp_path / "our-framework.toml"
    ascii_only = "".join(c if ord(c) < 128 else "-" for c in PRESET)
    text = ascii_only.replace('title = "Planning"', 'title = "Planning \u2013 the plan"')
    path.write_bytes(text.encode("cp1252"))
    message = refused(path)
    assert f"line {line_of(text, 'Planning –')} has a character written another way" in message
    assert "Notepad's 'ANSI'" in message and "Encoding: UTF-8" in message


def test_a_long_text_never_closed_says_to_close_it_with_three_quotes(tmp_path: Path) -> None:
    end = '  "Management review and clear oversight",\n]'
    path, text = council_copy(tmp_path, end, end + '\nnote = """Reviewed in 2026.')
    message = refused(path)
    assert f"at line {line_of(text, 'note = ')}: " in message
    assert 'a text begun with """ is never closed: end it with """ on a line of its own' in message


# Notepad adds .txt to a name typed without quotes in its Save box, and Windows hides it; before,
# qaf said only "Unknown framework 'our-framework.toml'" with the list of presets.
def test_a_framework_file_notepad_saved_with_txt_says_to_rename_it(tmp_path: Path) -> None:
    (tmp_path / "our-framework.toml.txt").write_text(PRESET, encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        load_framework("our-framework.toml", base=tmp_path)
    message = str(caught.value)
    assert "There is no file 'our-framework.toml' but there is 'our-framework.toml.txt'" in message
    assert "Rename the file to 'our-framework.toml'" in message
    assert "View > File name extensions" in message


# Before, each loaded: a grade pasted twice showed twice in every drop-down, "GOOD" beside "Good"
# recorded every form graded "Good" as "GOOD", and an empty grade was a blank choice.
@pytest.mark.parametrize(
    "grades, says",
    [
        (
            '["Outstanding", "Good", "Good", "Requires improvement to be good", "Inadequate"]',
            "'Good' is given twice in grades (the 2nd and the 3rd): delete one, with its comma",
        ),
        (
            '["Outstanding", "Good", "GOOD", "Requires improvement to be good", "Inadequate"]',
            "the 3rd grade, 'GOOD', reads the same as the 2nd, 'Good' (case, punctuation and "
            "words in brackets are ignored when forms are read): delete one, or reword it",
        ),
        (
            '["Outstanding", "Good", "", "Requires improvement to be good", "Inadequate"]',
            'the 3rd grade is empty (""): delete it, with its comma',
        ),
        (
            '["Outstanding", "Good ", "Requires improvement to be good", "Inadequate"]',
            "the 2nd grade, 'Good ', has a space at its start or end: write \"Good\"",
        ),
    ],
    ids=["twice", "twice-in-capitals", "empty", "trailing-space"],
)
def test_a_slip_in_the_list_of_grades_is_named_before_the_rules_that_use_them(
    tmp_path: Path, grades: str, says: str
) -> None:
    path, text = council_copy(tmp_path, GRADES, f"grades = {grades}")
    message = refused(path)
    assert f"at line {line_of(text, 'grades = [')}, key 'scale.grades': {says}" in message


# Before: pydantic's "List should have at least 1 item after validation, not 0" and "this key is
# needed but missing", with nothing said of what to write.
@pytest.mark.parametrize(
    "old, new, key, says",
    [
        (
            'roles = ["Executive Director of Children, Young People and Learning"]',
            "roles = []",
            "escalation.levels.2.roles",
            'roles = [] needs at least 1 entry: write roles = ["…"]',
        ),
        (
            'key = "planning"\ntitle = "Planning"\n',
            'key = "planning"\n',
            "domains.1.title",
            'title is needed here but missing: add title = "…"',
        ),
        (
            "[audit_period]\nmonths = 6\n",
            "[audit_period]\n",
            "audit_period.months",
            "months is needed here but missing: add months = 1",
        ),
        (
            GRADES,
            'grades = ["Good"]',
            "scale.grades",
            'grades = ["Good"] is not a scale: it needs two grades or more',
        ),
    ],
    ids=["no-roles", "no-title", "no-months", "one-grade"],
)
def test_a_list_left_empty_or_a_key_left_out_says_what_to_add(
    tmp_path: Path, old: str, new: str, key: str, says: str
) -> None:
    path, _ = council_copy(tmp_path, old, new)
    message = refused(path)
    assert f"key '{key}'" in message and says in message


# A line separator pasted from Word inside a text is no new line to TOML; before, qaf counted it
# as one and named the line below the slip.
@pytest.mark.parametrize(
    "slip, bad",
    [
        ("reaudit_after_months = 3\nreaudit_after_months = 4", "reaudit_after_months = 4"),
        ('reaudit_after_months = 3\nescalate_after_months = "3"', 'escalate_after_months = "3"'),
    ],
    ids=["toml-slip", "wrong-kind"],
)
def test_a_line_separator_inside_a_text_does_not_shift_the_line_named(
    tmp_path: Path, slip: str, bad: str
) -> None:
    with_separator = PRESET.replace(
        'name = "Collaborative audit"', 'name = "Collaborative\u2028audit"'
    )
    assert with_separator != PRESET
    text = with_separator.replace("reaudit_after_months = 3\nescalate_after_months = 3", slip)
    assert text.count(bad) == 1
    path = tmp_path / "our-framework.toml"
    path.write_text(text, encoding="utf-8")
    message = refused(path)
    line = next(n for n, row in enumerate(text.split("\n"), 1) if bad in row)
    assert f"at line {line}: '{bad}'" in message or f"at line {line}, key" in message
    assert f"at line {line - 1} and again here" in message or "again here" not in message


def test_a_domains_line_deleted_alone_says_to_put_it_back(tmp_path: Path) -> None:
    path, text = council_copy(tmp_path, PLANNING, '# Audit tool "Planning".\nkey = "planning"\n')
    message = refused(path)
    left = [n for n, line in enumerate(text.splitlines(), 1) if line == "[domains.indicators]"]
    assert f"at line {left[1]}: '[domains.indicators]': " in message
    assert f"(at line {left[0]} too)" in message
    assert "or put back the [[domains]] line above it" in message
