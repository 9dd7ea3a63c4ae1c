"""What every part of a framework file shares: strict tables, short keys, folded grades."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,23}")

NOT_APPLICABLE = "Not applicable"
"""The canonical spelling of the "Not applicable" choice; never a grade, never counted as one."""

# Spellings of "Not applicable" (after folding) that map to NOT_APPLICABLE where a scale allows it.
NOT_APPLICABLE_SPELLINGS = frozenset({"not applicable", "n a", "na", "n app", "not app"})

# The case types a timescale may vary by. Same spellings as caselist.CaseType (kept here rather
# than imported so this module stays free of the case-list reader); tests check the two agree.
CASE_TYPES = ("early help", "CIN", "CP", "CLA", "care leaver", "other")
"""Case types a timescale check may give its own interval (``by_case_type``)."""

# The kinds of sampling round; a framework's [sampling.own_team_roles] and qaf.toml's name them.
ROUND_KIND_NAMES = ("simple", "tier-one", "thematic", "half-cycle", "reaudit", "closure")

# Placeholders a case-note heading may use; {month} is how Bracknell's 'Month' is written here.
HEADING_FIELDS = frozenset({"month", "year"})


KeyPath = tuple[str | int, ...]
"""Where a key is in a framework file: ("domains", 1, "indicators", "Good")."""


class KeyProblem(ValueError):
    """A validation problem that knows which key inside the model it is about (for line lookup).

    ``lines`` names other keys the message refers to: each ``{name}`` in ``message`` becomes
    "line 12" or "lines 12, 40 and 41" where the file's text is at hand (:meth:`said`).
    """

    def __init__(
        self, path: KeyPath, message: str, lines: dict[str, tuple[KeyPath, ...]] | None = None
    ) -> None:
        self.path = path
        self.template = message
        self.lines = lines or {}
        super().__init__(self.said(lambda _: None))

    def said(self, line_of: Callable[[KeyPath], int | None]) -> str:
        """The message with each ``{name}`` of ``lines`` filled in by ``line_of``."""
        own = line_of(self.path)
        message = self.template
        for name, paths in self.lines.items():
            found = sorted({n for p in paths if (n := line_of(p)) is not None and n != own})
            message = message.replace(f"{{{name}}}", _lines(found))
        return message


def _lines(numbers: list[int]) -> str:
    if not numbers:
        return "elsewhere in the file"
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    return f"lines {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


class StrictModel(BaseModel):
    """A table of a framework file: an unknown key is refused, and so is a value of the wrong kind
    (``"yes"`` for true, ``"28"`` for 28, 56.0 for 56), as in qaf.toml, never read another way."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def check_key(v: str) -> str:
    if not KEY_PATTERN.fullmatch(v):
        raise ValueError(
            f"{v!r} must be 1-24 lower-case letters, digits or '_', starting with a letter"
        )
    return v


# A short stable id: domain keys, extra section keys, case-fact names, escalation level keys.
Key = Annotated[str, AfterValidator(check_key)]


_BRACKETED = re.compile(r"\(.*?\)")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=2048)  # the same few spellings come back on every form read
def fold_grade(text: str) -> str:
    """Fold a grade for tolerant comparison: case, spacing, punctuation and '(to be good)' ignored."""
    text = _BRACKETED.sub(" ", text.replace("\u00a0", " ").lower())
    return " ".join(_NOT_WORD.sub(" ", text).split())
