"""Audit frameworks as data: domains, "what good looks like" prompts, the grade scale and timescales.

A framework is a TOML file. Presets ship in ``qaf_docs/presets/``; a council can copy one into its
workspace, change it, and point ``qaf.toml`` at the copy. Nothing about a framework is hard-coded.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from qaf_docs.errors import FrameworkError, describe_invalid

_KEY = re.compile(r"[a-z][a-z0-9_]{0,23}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Domain(_Strict):
    """One area of practice the auditor grades, with its "what good looks like" prompts."""

    key: str = Field(description="short stable id, lower case: used in field tags and the register")
    title: str
    prompts: list[str] = Field(default_factory=list)

    @field_validator("key")
    @classmethod
    def _key_shape(cls, v: str) -> str:
        if not _KEY.fullmatch(v):
            raise ValueError(
                f"{v!r} must be 1-24 lower-case letters, digits or '_', starting with a letter"
            )
        return v


def _fold(text: str) -> str:
    """Fold a grade for tolerant comparison: case, spacing, punctuation and '(to be good)' ignored."""
    text = text.replace("\u00a0", " ").lower()
    text = re.sub(r"\(.*?\)", " ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


class Scale(_Strict):
    """The grade scale, best first; ``aliases`` maps other spellings people type to a grade."""

    grades: list[str] = Field(min_length=2)
    aliases: dict[str, str] = Field(default_factory=dict)
    good_or_better: list[str] = Field(default_factory=list)
    inadequate: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Scale:
        known = set(self.grades)
        for alias, grade in self.aliases.items():
            if grade not in known:
                raise ValueError(f"alias '{alias}' points to '{grade}', which is not in grades")
        for grade in [*self.good_or_better, *([self.inadequate] if self.inadequate else [])]:
            if grade not in known:
                raise ValueError(f"'{grade}' is not in grades")
        return self

    def parse(self, text: str) -> str | None:
        """Return the grade ``text`` means, or None when it is not a grade on this scale.

        "good", "Good ", "Requires Improvement" and "requires improvement to be good" all map;
        "Goodish" does not.
        """
        folded = _fold(text)
        if not folded:
            return None
        table = {_fold(g): g for g in self.grades}
        table.update({_fold(a): g for a, g in self.aliases.items()})
        return table.get(folded)


class Sections(_Strict):
    """Which optional parts of the audit tool this framework asks for."""

    voice_of_child: bool = True
    practitioner_self_assessment: bool = False
    family_feedback: bool = False
    theme: bool = False
    agency_contributions: bool = False
    moderation: bool = True


class Timescales(_Strict):
    """Deadlines, in days or months, that the rules and packs use."""

    audit_return_days: int = Field(
        default=20, ge=1, description="calendar days from issue to the form's due date"
    )
    action_due_within_days: int = Field(
        default=28, ge=1, description="an action must be due within this"
    )
    immediate_action_working_days: int = Field(default=5, ge=1)
    reaudit_after_months: int = Field(default=3, ge=1)
    escalate_after_months: int = Field(default=3, ge=1)
    recent_audit_exclusion_months: int = Field(default=6, ge=0)


class Framework(_Strict):
    """A council's audit framework: what is audited, how it is graded, and its timescales."""

    id: str
    name: str
    version: str
    source: str = ""
    description: str = ""
    scale: Scale
    domains: list[Domain] = Field(min_length=1)
    sections: Sections = Sections()
    timescales: Timescales = Timescales()

    @model_validator(mode="after")
    def _unique_domains(self) -> Framework:
        seen: set[str] = set()
        for d in self.domains:
            if d.key in seen:
                raise ValueError(f"domain key '{d.key}' is used twice")
            seen.add(d.key)
        return self

    def domain(self, key: str) -> Domain:
        """Return the domain with ``key``."""
        for d in self.domains:
            if d.key == key:
                return d
        raise KeyError(key)


def preset_names() -> list[str]:
    """Names of the framework presets that ship with qaf_docs."""
    folder = resources.files("qaf_docs") / "presets"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_framework(name_or_path: str | Path, *, base: Path | None = None) -> Framework:
    """Load a framework from a preset name or a TOML file (relative paths resolve against ``base``)."""
    text, origin = _framework_text(name_or_path, base)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise FrameworkError(f"Framework file {origin} is not valid TOML: {e}") from e
    try:
        return Framework.model_validate(data)
    except ValidationError as e:
        raise FrameworkError(f"Framework file {origin} is invalid {describe_invalid(e)}") from e


def _framework_text(name_or_path: str | Path, base: Path | None) -> tuple[str, str]:
    name = str(name_or_path)
    if name in preset_names():
        file = resources.files("qaf_docs") / "presets" / f"{name}.toml"
        return file.read_text(encoding="utf-8-sig"), f"preset '{name}'"
    path = Path(name)
    if not path.is_absolute() and base is not None:
        path = base / path
    if not path.is_file():
        raise FrameworkError(
            f"Unknown framework '{name}'. Use one of the presets ({', '.join(preset_names())}) "
            "or the path of a framework .toml file."
        )
    try:
        # utf-8-sig: Windows Notepad saves "UTF-8 with BOM".
        return path.read_text(encoding="utf-8-sig"), str(path)
    except UnicodeDecodeError as e:
        raise FrameworkError(
            f"Framework file {path} is not saved as UTF-8 text; save it again choosing UTF-8."
        ) from e
    except OSError as e:
        raise FrameworkError(f"Framework file {path} cannot be read: {e.strerror}") from e
