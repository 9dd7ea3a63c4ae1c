"""Loading a framework from a preset or a council's file, with mistakes named by file, line and key."""

from __future__ import annotations

import difflib
import functools
import hashlib
import tomllib
import types
import typing
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from qaf_docs.errors import FrameworkError, QafError
from qaf_docs.frameworks.base import (
    KeyProblem,
)
from qaf_docs.frameworks.kinds import (
    KIND_ERRORS,
    missing,
    not_a_choice,
    out_of_range,
    toml_key,
    too_few,
    wrong_kind,
)
from qaf_docs.frameworks.lines import line_of
from qaf_docs.frameworks.model import (
    Framework,
)
from qaf_docs.frameworks.toml_text import RULES, decoded, toml_slip


def preset_names() -> list[str]:
    """Names of the framework presets that ship with qaf_docs."""
    folder = resources.files("qaf_docs") / "presets"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def preset_file(name: str) -> Path:
    """Where the preset ``name`` is, for a council to copy into its workspace and edit."""
    return Path(str(resources.files("qaf_docs") / "presets" / f"{name}.toml"))


def load_framework(name_or_path: str | Path, *, base: Path | None = None) -> Framework:
    """Load a framework from a preset name or a TOML file (relative paths resolve against ``base``)."""
    return parse_framework(*framework_text(name_or_path, base))


def framework_sha256(text: str) -> str:
    """The fingerprint of a framework's exact text, as packs carry it and the register keeps it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def kept_framework(framework_id: str, text: str) -> Framework | None:
    """A framework text the register kept (packs were made from it), parsed; None when today's
    rules refuse it (a grade alias now caught): the framework file as it is now is used instead."""
    try:
        return parse_framework(
            text, f"the framework '{framework_id}' as its packs were made from it"
        )
    except QafError:
        return None


def parse_framework(text: str, origin: str) -> Framework:
    """Validate a framework's TOML ``text``; ``origin`` names it in any error.

    A text read before in this process is not read again (TOML reading is most of the cost: one
    command loads the same few frameworks for every round, audit and form it handles); each call
    still validates into a framework of its own.
    """
    try:
        return Framework.model_validate(_toml(text))
    except tomllib.TOMLDecodeError as e:
        number, line, why, plain = toml_slip(text, e)
        quoted = f": '{line}'" if line.strip() else ""
        raise FrameworkError(
            f"Framework file {origin} is not valid TOML at line {number or '?'}{quoted}: {why}"
            + ("" if plain else f". {RULES}")
        ) from e
    except ValidationError as e:
        raise FrameworkError(
            f"Framework file {origin} is invalid {describe_problem(e, text)}"
        ) from e


@functools.lru_cache(maxsize=32)  # errors are not kept: a text refused is refused again
def _toml(text: str) -> dict[str, Any]:
    return tomllib.loads(text)  # never changed by validation, so shared safely


_RANGE_ERRORS = ("greater_than_equal", "less_than_equal")


def describe_problem(e: ValidationError, text: str, model: type[BaseModel] = Framework) -> str:
    """Say where the first problem in the TOML ``text`` that ``model`` refused is: "at line 12,
    key 'domains.1.key': <reason>" (+ count); an unknown key is named with the keys allowed."""
    first = e.errors()[0]
    path: tuple[str | int, ...] = tuple(first["loc"])
    message = first["msg"]
    error = (first.get("ctx") or {}).get("error")
    if isinstance(error, KeyProblem):
        prefix, path = path, path + error.path
        message = error.said(lambda at: line_of(text, prefix + at))
    elif first["type"] == "extra_forbidden":
        known = _known_keys(path[:-1], model)
        message = f"unknown key '{path[-1]}'" + (
            f"; the keys allowed here are: {', '.join(known)}" if known else ""
        )
    elif first["type"] == "missing" and path and isinstance(path[-1], str):
        field, _ = _field_at(path, model)
        message = missing(path[-1], _example(path, None if field is None else field.annotation))
    elif first["type"] == "too_short" and path and isinstance(path[-1], str):
        least = int((first.get("ctx") or {}).get("min_length", 1))
        message = too_few(path[-1], first["input"], least)
    elif first["type"] in KIND_ERRORS and path:
        field, inside = _field_at(path, model)
        default = None if field is None else field.get_default(call_default_factory=True)
        message = wrong_kind(first["type"], path, first["input"], None if inside else default)
        if field is not None and not inside and field.default is None:
            message += "; or delete the line to leave it unset"
    elif first["type"] == "literal_error" and path and isinstance(path[-1], str):
        expected = str((first.get("ctx") or {}).get("expected", ""))
        message = not_a_choice(path[-1], first["input"], expected)
    elif first["type"] in _RANGE_ERRORS and path and isinstance(path[-1], str):
        least = first["type"] == "greater_than_equal"
        bound = (first.get("ctx") or {}).get("ge" if least else "le")
        message = out_of_range(path[-1], first["input"], bound, least)
    message = message.removeprefix("Value error, ")
    line = line_of(text, path) if path else None
    where = ".".join(str(p) for p in path)
    at = f"at line {line}, key '{where}'" if line else f"at '{where}'" if path else "as a whole"
    if not (first["type"] in KIND_ERRORS and path and isinstance(path[-1], int)):
        at += _which_table(path)  # an entry of a list of text is no [[table]]
    more = f" (and {e.error_count() - 1} more problems)" if e.error_count() > 1 else ""
    return f"{at}: {message}{more}"


def _example(path: tuple[str | int, ...], annotation: Any) -> str:
    """A line (or table) of the kind the key at ``path`` holds, for "add ..."."""
    name = toml_key(str(path[-1]))
    inner = _inner_model(annotation)
    table = ".".join(str(p) for p in path if isinstance(p, str))
    if typing.get_origin(annotation) is list and isinstance(inner, type):
        if issubclass(inner, BaseModel):
            return f"a [[{table}]] table"
        return f'{name} = ["…"]'
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return f"a [{table}] table"
    if inner is int:
        return f"{name} = 1"
    return f'{name} = "…"'


def _which_table(path: tuple[str | int, ...]) -> str:
    """Name the array table an index points into, counting from 1: " (3rd [[domains]] table)"."""
    for i in range(len(path) - 1, 0, -1):
        index, name = path[i], path[i - 1]
        if isinstance(index, int) and isinstance(name, str):
            n = index + 1
            suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
            table = ".".join(str(p) for p in path[: i - 1] if isinstance(p, str)) or name
            if table != name:
                table = f"{table}.{name}"
            return f" ({n}{suffix} [[{table}]] table)"
    return ""


def _known_keys(path: tuple[str | int, ...], top: type[BaseModel]) -> list[str]:
    """The keys a table at ``path`` accepts, found by walking the models (best-effort)."""
    model: Any = top
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = _inner_model(field.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [field.alias or name for name, field in model.model_fields.items()]
    return []


def _field_at(path: tuple[str | int, ...], top: type[BaseModel]) -> tuple[FieldInfo | None, bool]:
    """The model field ``path`` lies in (``quotas`` for ``sampling.quotas.Team Manager``), found
    by its name or its alias, and whether ``path`` goes on inside it (an entry of a table)."""
    model: Any = top
    found: FieldInfo | None = None
    inside = False
    for n, part in enumerate(path):
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return found, True
        fields = {f.alias or name: f for name, f in model.model_fields.items()}
        found = fields.get(part) or model.model_fields.get(part)
        if found is None:
            return None, False
        model = _inner_model(found.annotation)
        inside = n + 1 < len(path)
    return found, inside


def _inner_model(annotation: Any) -> Any:
    """Unwrap list[X], dict[str, X] and X | None down to X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (list, dict, typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[-1]
        else:
            return annotation


def unknown_framework(name: str, base: Path | None = None) -> str:
    """Why ``name`` is no framework: the presets, the nearest one first when it looks misspelt;
    or, where Notepad saved the file as ``name.txt`` (Windows hides the .txt), how to rename it."""
    saved = Path(f"{name}.txt") if base is None else base / f"{name}.txt"
    if name.lower().endswith(".toml") and saved.is_file():
        return (
            f"There is no file '{name}' but there is '{saved.name}': Notepad added .txt when it "
            f"saved it, and Windows hides the .txt. Rename the file to '{Path(name).name}' (in "
            "File Explorer, tick View > File name extensions to see the .txt)."
        )
    # The council's own framework files beside it are named too ("our-framwork.toml").
    folder = (base or Path()) / Path(name).parent
    try:
        files = sorted(p.name for p in folder.glob("*.toml") if p.name.lower() != "qaf.toml")
    except OSError:
        files = []
    own = [str(Path(name).parent / f) if Path(name).parent != Path() else f for f in files]
    near = difflib.get_close_matches(name, [*preset_names(), *own], n=1, cutoff=0.75)
    hint = f" Did you mean '{near[0]}'?" if near else ""
    theirs = f"; framework files in that folder: {', '.join(files)}" if files else ""
    return (
        f"Unknown framework '{name}'.{hint} Use one of the presets "
        f"({', '.join(preset_names())}) or the path of a framework .toml file{theirs}."
    )


def framework_text(name_or_path: str | Path, base: Path | None = None) -> tuple[str, str]:
    """A framework's exact text and how to name it: "preset 'NAME'" or the file's path."""
    name = str(name_or_path)
    if name in preset_names():
        file = resources.files("qaf_docs") / "presets" / f"{name}.toml"
        return file.read_text(encoding="utf-8-sig"), f"preset '{name}'"
    path = Path(name)
    if not path.is_absolute() and base is not None:
        path = base / path
    if not path.is_file():
        raise FrameworkError(unknown_framework(name, base))
    try:
        # Windows Notepad saves "UTF-8 with BOM", read as UTF-8; UTF-16 and ANSI are named.
        return decoded(path.read_bytes()), str(path)
    except ValueError as e:
        raise FrameworkError(f"Framework file {path} {e}.") from e
    except OSError as e:
        raise FrameworkError(f"Framework file {path} cannot be read: {e.strerror}") from e
