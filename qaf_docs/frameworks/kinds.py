"""A value of the wrong kind in a hand-edited TOML file, in plain English: what was written and the
line to write instead (``poll = "yes"`` is text in quotes; write ``poll = true``).

The settings models are strict (a quoted "25" is not read as 25, nor "no" as false), so a person
who types a value the wrong way is told, instead of qaf quietly reading something else.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from typing import Any

#: The pydantic error types of a value of the wrong kind, and what the setting holds in words.
KIND_ERRORS = {
    "bool_type": "true or false",
    "int_type": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
}

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_NUMBER = re.compile(r"\d+(\.\d+)?")


def toml_key(key: str) -> str:
    """``key`` as TOML writes it: bare, or in quotes when it has spaces ("Team Manager")."""
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def as_written(value: Any) -> str:
    """``value`` as it stands in a TOML file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(as_written(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {as_written(v)}" for k, v in value.items()) + " }"
    return str(value)


def _kind_of(value: Any) -> str:
    """What kind of value ``value`` is, as a person would say it."""
    if isinstance(value, bool):
        return f"{as_written(value)} (a yes or no)"
    if isinstance(value, str):
        return "text in quotes"
    if isinstance(value, float):
        return "a number with a decimal point"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, date | datetime | time):
        return "a date"
    if isinstance(value, list):
        return "a list"
    return "a table"


def _number_in(value: Any, whole: bool) -> str | None:
    """The number ``value`` certainly means, as TOML writes it ("25", "10%" -> 0.1); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and whole and value.is_integer():
        return str(int(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    percent = text.endswith("%") and not whole
    text = text.removesuffix("%").strip() if percent else text
    if not _NUMBER.fullmatch(text) or (whole and "." in text):
        return None
    return f"{float(text) / 100:g}" if percent else text


def wrong_kind(
    error_type: str, path: tuple[str | int, ...], value: Any, example: Any = None
) -> str:
    """Say that the value at ``path`` is not what the setting holds (``error_type``, one of
    :data:`KIND_ERRORS`), and the line to write instead; ``example`` is a value of the right kind
    (the setting's default) for when what was written gives none."""
    keys = [p for p in path if isinstance(p, str)]
    name = toml_key(keys[-1])
    wanted = KIND_ERRORS[error_type]
    if isinstance(path[-1], int):  # an entry of a list: frameworks = ["collaborative-audit", 5]
        said = (
            f"entry {path[-1] + 1} of {name}, {as_written(value)}, is {_kind_of(value)}, but each "
            f"entry is {wanted}"
        )
        if error_type == "string_type":
            return f"{said}: write it in double quotes, {json.dumps(as_written(value))}"
        return said
    said = f"{name} = {as_written(value)} is {_kind_of(value)}, but {name} is {wanted}"
    if error_type == "bool_type":
        return (
            f"{said}: write {name} = true for yes or {name} = false for no, in lower case and "
            "without quotes"
        )
    if error_type in ("int_type", "float_type"):
        unquoted = " without quotes" if isinstance(value, str) else ""
        number = _number_in(value, whole=error_type == "int_type")
        if number is None:
            fits = isinstance(example, int | float) and not isinstance(example, bool)
            number = as_written(example) if fits else "1"
            return f"{said}: write {wanted}{unquoted}, for example {name} = {number}"
        return f"{said}: write {name} = {number}{unquoted}"
    if error_type == "string_type":
        if isinstance(value, int | float | date | datetime | time) and not isinstance(value, bool):
            text = json.dumps(as_written(value))
        else:
            text = '"…"'
        return f"{said}: write it in double quotes, {name} = {text}"
    if error_type == "list_type":
        inside = as_written(value) if isinstance(value, str) else '"…"'
        said = f"{said}: write it in square brackets, {name} = [{inside}]"
        entries = [e.strip() for e in value.split(",")] if isinstance(value, str) else []
        if len(entries) > 1 and all(entries):  # "Outstanding, Good, Inadequate": three grades?
            said += (
                "; or, if it is several entries, each in its own double quotes, "
                f"{name} = {as_written(entries)}"
            )
        return said
    return (
        f"{said}: write it as a [{'.'.join(keys)}] table on its own line with its settings below "
        f'it, or in curly brackets, {name} = {{ "name" = value }}'
    )


def not_a_choice(key: str, value: Any, expected: str) -> str:
    """Say that ``key = value`` is none of the choices pydantic ``expected`` ("'a', 'b' or 'c'")."""
    name = toml_key(key)
    return (
        f"{name} = {as_written(value)} is not one of its choices: write {name} = "
        + expected.replace("'", '"')
    )


def out_of_range(key: str, value: Any, bound: Any, least: bool) -> str:
    """Say that ``key = value`` is below its ``least`` (or above its greatest) ``bound``."""
    name = toml_key(key)
    return f"{name} = {as_written(value)} is too {'small' if least else 'large'}: write " + (
        f"{bound} or more" if least else f"{bound} or less"
    )


_CONTROL = re.compile(r"[\n\r\t\b\f]")


def backslash_slip(key: str, value: str, listed: bool = False) -> str | None:
    r"""A path written with \ in double quotes, which TOML read as a new line or another control
    character ("D:\new\register.db"); None for a value without one. ``listed``: an entry of a
    list (``frameworks = [...]``)."""
    if not _CONTROL.search(value):
        return None
    written = json.dumps(value, ensure_ascii=False)[1:-1]  # \n, \t ... as they were typed
    name = toml_key(key)

    def line(text: str) -> str:
        return f"{name} = [{text}]" if listed else f"{name} = {text}"

    slashed = written.replace("\\", "/")
    return (
        f"{line(chr(34) + written + chr(34))} has a \\ that TOML reads, inside double quotes, as a "
        f"special character (\\n a new line, \\r, \\t, \\b, \\f): write the path with /, "
        f"{line(chr(34) + slashed + chr(34))}, or in single quotes, {line(chr(39) + written + chr(39))}"
    )


def too_few(key: str, value: Any, least: int) -> str:
    """Say that the list ``key = value`` has fewer than ``least`` entries."""
    name = toml_key(key)
    example = ", ".join(['"…"'] * max(least, 1))
    said = f"{name} = {as_written(value)} needs at least {least} entr{'y' if least == 1 else 'ies'}"
    return f"{said}: write {name} = [{example}]"


def missing(key: str, example: str) -> str:
    """Say that ``key`` is needed here and how a line of it looks (``example``: its value)."""
    return f"{toml_key(key)} is needed here but missing: add {example}"
