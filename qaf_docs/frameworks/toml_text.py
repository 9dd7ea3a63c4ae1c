"""The text of a TOML file a person edits in Notepad (qaf.toml, a council's framework), and the slips
that stop it being read, each said in plain words with the line and what to type instead: curly
quotes pasted from Word, a quote never closed, a key or table given twice, a file saved as UTF-16.
"""

from __future__ import annotations

import re
import tomllib

from qaf_docs.frameworks.lines import keyed_lines

SAVE_AS_UTF8 = (
    "open it in Notepad and save it with the encoding UTF-8 (File > Save as, Encoding: UTF-8)"
)

# What the rules of TOML most often broken in a text editor are (said once, after the slip).
RULES = (
    'Write text in double quotes ("Team Manager"), true and false in lower case, numbers '
    "without quotes or % (0.10 for 10%), dates as 2026-04-01, and each [table] name in "
    "square brackets on its own line"
)

_CURLY = "\u201c\u201d\u2018\u2019\u201e\u201f\u00ab\u00bb"
_AT = re.compile(r" \(at line (\d+), column (\d+)\)$| \(at end of document\)$")
_ODD_SPACES = "\u00a0\u202f\u2007\u2009\u200b\u3000\ufeff"
_BOOL = re.compile(r"(?i)(true|false|yes|no|on|off)")
_UK_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")


def decoded(data: bytes) -> str:
    """The text of a file's ``data`` (UTF-8, with or without Notepad's BOM); ValueError saying how
    it was saved otherwise, with the line of the first character that is not UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200]:
        raise ValueError(f"is saved as UTF-16 ('Unicode' in Notepad), not UTF-8: {SAVE_AS_UTF8}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ValueError(
            f"is not saved as UTF-8 (line {line} has a character written another way, as "
            f"Notepad's 'ANSI' does): {SAVE_AS_UTF8}"
        ) from e


def _quoted(line: str, column: int | None) -> str:
    """``line`` as the message shows it: whole when short, else 70 characters about ``column``."""
    line = line.strip()
    if len(line) <= 90:
        return line
    at = max(0, (column or 1) - 1 - 35)
    return ("…" if at else "") + line[at : at + 70] + "…"


def _earlier_twin(text: str, number: int | None) -> tuple[int, int, list[str]] | None:
    """The first key or table given twice: (first line, second line, its path); the second at
    ``number`` where tomllib said which."""
    seen: dict[tuple[str, ...], int] = {}
    found = None
    for n, path, header in keyed_lines(text):
        key = (str(header), *path)
        if key in seen:
            twin = (seen[key], n, path)
            if number is None or n == number:
                return twin
            found = found or twin
        else:
            seen[key] = n
    return found


def _before_its_entry(lines: list[str], number: int | None) -> str:
    """A [[name]] line refused because a [name.table] above it came before any [[name]]."""
    header = re.match(r"\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]", lines[number - 1]) if number else None
    if header is None or number is None:
        return ""
    array = header.group(1)
    for n, line in enumerate(lines[: number - 1], start=1):
        if re.match(rf"\s*\[\[\s*{re.escape(array)}\s*\]\]", line):
            return ""
        table = re.match(rf"\s*\[\s*({re.escape(array)}\.[A-Za-z0-9_.-]+)\s*\]", line)
        if table:
            return (
                f"[{table.group(1)}] at line {n} comes before any [[{array}]] line, and a "
                f"[{table.group(1)}] belongs below the [[{array}]] it is part of: if that "
                f"[[{array}]] entry was deleted, delete the [{table.group(1)}] at line {n} with "
                "its lines too"
            )
    return ""


def _last(lines: list[str]) -> int:
    """The number of the last line that is not blank (where "the end of the file" is)."""
    return next((n for n in range(len(lines), 0, -1) if lines[n - 1].strip()), len(lines))


def _unclosed(lines: list[str], opener: str) -> int | None:
    """The last line that opens ``opener`` (a list, a long text) and does not close it there."""
    closer = {"[": "]", '"""': '"""'}[opener]
    for n in range(len(lines), 0, -1):
        line = lines[n - 1].split("#")[0] if opener == "[" else lines[n - 1]
        value = line.split("=", 1)[-1]
        if opener == "[" and value.count("[") > value.count(closer) and "=" in line:
            return n
        if opener == '"""' and line.count('"""') % 2 == 1:
            return n
    return None


def toml_slip(text: str, e: tomllib.TOMLDecodeError) -> tuple[int | None, str, str, bool]:
    """Where ``text`` cannot be read and why: (the line's number or None, the line as a message
    quotes it, what is wrong with it and what to type instead, and whether that was said plainly:
    False when only TOML's own words could be given, for the caller to add :data:`RULES`)."""
    said = str(e)
    at = _AT.search(said)
    reason = said[: at.start()] if at else said
    number = int(at.group(1)) if at and at.group(1) else None
    column = int(at.group(2)) if at and at.group(2) else None
    lines = text.split("\n")
    why = ""
    if reason.startswith(("Cannot overwrite", "Cannot declare", "Cannot redefine", "Cannot mut")):
        twin = _earlier_twin(text, number)
        if twin:
            first, number, path = twin
            why = _twice(path, first, header=lines[number - 1].lstrip().startswith("["))
            column = None
        else:
            why = _before_its_entry(lines, number) or (
                "something set earlier is set a second time here: keep one and delete the other"
            )
    elif number is None:
        if reason.startswith("Unclosed array"):
            number = _unclosed(lines, "[")
        elif reason.startswith("Unterminated string"):
            number = _unclosed(lines, '"""') or _last(lines)
        elif reason.startswith("Expected ']'"):
            number = _last(lines)
    line = lines[number - 1] if number and 0 < number <= len(lines) else ""
    why = why or _why(reason, line, column)
    plain = bool(why)
    if not plain:
        why = f"TOML cannot read it ({reason[:1].lower()}{reason[1:]}" + (
            f", at character {column})" if column else ")"
        )
    return number, _quoted(line, column), why, plain


def _twice(path: list[str], first: int, header: bool) -> str:
    name = ".".join(p for p in path if not p.isdigit())
    if header:
        entry = [p for n, p in enumerate(path[:-1]) if path[n + 1].isdigit()]
        if not entry:
            return f"the table [{name}] is given twice (at line {first} too): merge the two"
        array = ".".join(p for p in path[: path.index(entry[-1]) + 1] if not p.isdigit())
        return (
            f"the table [{name}] is given a second time under one [[{array}]] (at line "
            f"{first} too): if a [[{array}]] entry was deleted above this line and its [{name}] "
            f"left behind, delete this [{name}] with its lines too (or put back the [[{array}]] "
            "line above it); otherwise merge the two"
        )
    key = path[-1]
    return (
        f"{key} is given twice in the same table, at line {first} and again here: keep the one "
        "you mean and delete the other"
    )


def _why(reason: str, line: str, column: int | None) -> str:
    """What is wrong with ``line``, where TOML said ``reason`` at ``column``; "" if unsure."""
    char = line[column - 1] if column and 0 < column <= len(line) else ""
    curly = char in _CURLY if char else any(c in _CURLY for c in line) and '"' not in line
    if curly and char != "\n":
        return (
            "it has curly quotes (“ ” or ‘ ’), as Word types them, where TOML needs straight "
            'double quotes ("): type the quotes again in Notepad'
        )
    if char and char in _ODD_SPACES:
        return (
            "it has a space of another kind at character "
            f"{column} (a non-breaking space, as Word and web pages paste one), which TOML "
            "does not read as a space: delete it and type an ordinary space, or none"
        )
    if reason.startswith("Unterminated string") and '"""' in line:
        return 'a text begun with """ is never closed: end it with """ on a line of its own'
    if reason.startswith(("Illegal character '\\n'", "Unterminated string")):
        return (
            'a text in double quotes is not closed: end it with " on the same line (a text '
            'over several lines goes between triple quotes, """ … """)'
        )
    value = line.split("=", 1)[1].split("#")[0].strip() if "=" in line else ""
    if reason.startswith(("Invalid value", "Expected newline")):
        if _BOOL.fullmatch(value):
            return "true and false are written in lower case without quotes: write true or false"
        if _UK_DATE.match(value):
            return "a date is written year-month-day, without quotes: 2026-04-01"
        if value.endswith("%"):
            return "a share is written as a number without %: 0.10 for 10%"
        if value[:1].isalpha():
            return f'text is written in double quotes: write "{value}"'
        if value[:1] == "'" and value.count("'") > 2:
            return "text in single quotes cannot hold an apostrophe: put it in double quotes"
    if reason.startswith("Unclosed array"):
        return (
            "a list in square brackets is not closed, or two of its entries have no comma "
            "between them: put a comma after each entry and ] after the last"
        )
    if reason.startswith("Expected ']'"):
        return "a [table] name is not closed: end it with ] (or ]] for a [[table]])"
    if reason.startswith("Unescaped '\\'"):
        return (
            r"a \ in double quotes starts a special character: write the path with / instead "
            r"of \, or put it in single quotes ('D:\qaf\register.db')"
        )
    if reason.startswith(("Expected '='", "Invalid statement")):
        return (
            "each line is a key = value, a [table] name in square brackets or a note starting "
            "with #, and this line is none of them (a text that ran on to a new line?)"
        )
    if reason.startswith("Duplicate inline table key"):
        return "a key is given twice inside { }: keep the one you mean and delete the other"
    return ""
