"""The grade scale, its descriptors and "Not applicable", and the domains graded on it."""

from __future__ import annotations

import re
from functools import cached_property
from typing import NamedTuple

from pydantic import Field, model_validator

from qaf_docs.frameworks.base import (
    NOT_APPLICABLE,
    NOT_APPLICABLE_SPELLINGS,
    Key,
    KeyProblem,
    StrictModel,
    fold_grade,
)
from qaf_docs.frameworks.grade_names import grades_slip

# What people write between two grades typed into one box: "Good/RI", "Good - RI", "Good or RI".
_BETWEEN_GRADES = re.compile(r"\s*(?:[/\\&,;+]|\s-\s|\bor\b|\band\b|\bto\b(?! be\b))\s*", re.I)


# "Good - see rationale", "RI, see below": a grade pointing at its rationale, as a tracker's
# "Complete - see evidence" points at its evidence (folded: punctuation is gone).
_POINTER = re.compile(r"^(?P<grade>.+?) see\b.*$")

# "Good (bordering on RI)": a grade with another named in brackets beside it.
_IN_BRACKETS = re.compile(r"\(([^()]*)\)")
_NOT_LETTERS = re.compile(r"[^a-z0-9]+")
# Words before a second grade in brackets that hedge the first: "bordering on RI", "nearly
# outstanding", "with elements of good", "possibly inadequate".
_HEDGES = frozenset(
    {"bordering", "verging", "nearly", "almost", "close", "towards", "tipping", "edging", "leaning",
     "borderline", "with", "elements", "features", "possibly", "maybe", "perhaps", "arguably",
     "could", "on", "to", "into", "of", "some", "be", "or", "very"}
)  # fmt: skip


class Indicator(NamedTuple):
    """One indicator of a grade in one domain, e.g. ("assessment", "Inadequate", "Jargonistic")."""

    domain: str
    grade: str
    text: str


class Domain(StrictModel):
    """One area of practice the auditor grades, with its prompts and per-grade indicators."""

    key: Key = Field(description="short stable id, lower case: used in field tags and the register")
    title: str
    prompts: list[str] = Field(default_factory=list)
    indicators: dict[str, list[str]] = Field(
        default_factory=dict,
        description="grade -> what practice at that grade looks like (West Sussex rubric columns)",
    )

    def indicators_for(self, grade: str) -> list[str]:
        """Return the indicators listed for ``grade`` (its canonical spelling), or [] if none."""
        return list(self.indicators.get(grade, []))


class Scale(StrictModel):
    """The grade scale, best first; ``aliases`` maps other spellings people type to a grade."""

    grades: list[str] = Field(min_length=2)
    aliases: dict[str, str] = Field(default_factory=dict)
    good_or_better: list[str] = Field(default_factory=list)
    inadequate: str | None = None
    not_applicable: bool = Field(
        default=False, description='a domain may be graded "Not applicable" (never counted)'
    )
    descriptors: dict[str, str] = Field(
        default_factory=dict, description="grade -> the council's own description of it"
    )
    note: str = Field(
        default="",
        description="printed on the audit tool: where the grades come from when the framework "
        "sets none of its own, so that a scale qaf adds is never read as the council's",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Scale:
        said = grades_slip(self.grades)
        if said:
            raise KeyProblem(("grades",), said)
        known = set(self.grades)
        if NOT_APPLICABLE in known:
            raise KeyProblem(
                ("grades",),
                f"'{NOT_APPLICABLE}' is not a grade; set not_applicable = true to allow it instead",
            )
        targets = known | ({NOT_APPLICABLE} if self.not_applicable else set())
        for alias, grade in self.aliases.items():
            if grade not in targets:
                raise KeyProblem(
                    ("aliases", alias),
                    f"alias '{alias}' points to '{grade}', which is not in grades",
                )
        self._no_alias_hijacks()
        for grade in self.good_or_better:
            if grade not in known:
                raise KeyProblem(("good_or_better",), f"'{grade}' is not in grades")
        if self.inadequate is not None and self.inadequate not in known:
            raise KeyProblem(("inadequate",), f"'{self.inadequate}' is not in grades")
        for grade in self.descriptors:
            if grade not in targets:
                raise KeyProblem(
                    ("descriptors", grade),
                    f"a descriptor is given for '{grade}', which is not a grade on this scale "
                    f"({', '.join(self.grades)})",
                )
        return self

    def _no_alias_hijacks(self) -> None:
        """Refuse an alias that reads as a grade (or an earlier alias) but points elsewhere.

        Grades are compared folded (case, punctuation and anything in brackets ignored), so
        "Good (strong)" = "Outstanding" would record everyone who picks "Good" as Outstanding.
        """
        meant = {fold_grade(g): g for g in self.grades}
        if self.not_applicable:
            meant.update(dict.fromkeys(NOT_APPLICABLE_SPELLINGS, NOT_APPLICABLE))
        earlier: dict[str, tuple[str, str]] = {}  # folded -> (alias, its grade)
        ignored = "case, punctuation and words in brackets are ignored when grades are matched"
        for alias, grade in self.aliases.items():
            folded = fold_grade(alias)
            taken = meant.get(folded, grade)
            if taken != grade:
                raise KeyProblem(
                    ("aliases", alias),
                    f"alias '{alias}' points to '{grade}', but it reads the same as the grade "
                    f"'{taken}' ({ignored}), so a form graded '{taken}' would be recorded as "
                    f"'{grade}'; reword the alias or remove it",
                )
            other, its = earlier.setdefault(folded, (alias, grade))
            if its != grade:
                raise KeyProblem(
                    ("aliases", alias),
                    f"alias '{alias}' points to '{grade}', but it reads the same as the alias "
                    f"'{other}', which points to '{its}' ({ignored}); keep one of them",
                )

    @property
    def choices(self) -> list[str]:
        """What a grade drop-down offers: the grades, then "Not applicable" where allowed."""
        return [*self.grades, *([NOT_APPLICABLE] if self.not_applicable else [])]

    def parse(self, text: str) -> str | None:
        """Return the grade (or "Not applicable", where allowed) ``text`` means, else None.

        "good", "Good ", "Requires Improvement" and "requires improvement to be good" all map;
        "N/A" and "NA" map to "Not applicable" only on a scale that allows it; "Goodish" does not.
        """
        folded = fold_grade(text)
        if not folded:
            return None
        found = self._spellings.get(folded)
        if found is None and (pointer := _POINTER.match(folded)) is not None:
            folded = pointer["grade"]  # "Good - see rationale": the grade, pointing at the why
            found = self._spellings.get(folded)
        return found if found is not None else self._abbreviated(folded)

    def _abbreviated(self, folded: str) -> str | None:
        """The grade a shortened spelling stands for: initials with stops ("R.I." as "RI"), or
        each word cut short, in order, from a spelling's start ("Req. Imp.", "Inad"), where that
        fits one grade only. Words of fewer than three letters are too short to tell."""
        words = folded.split()
        if len(words) > 1 and all(len(w) == 1 for w in words):
            return self._spellings.get("".join(words))
        if any(len(w) < 3 for w in words):
            return None
        meant = {
            grade
            for spelling, grade in self._spellings.items()
            if len(spelling.split()) >= len(words)
            and all(full.startswith(w) for w, full in zip(words, spelling.split(), strict=False))
        }
        return meant.pop() if len(meant) == 1 else None

    def grades_in(self, text: str) -> list[str]:
        """The grades named in ``text`` written as several ("Good/RI", "Good or Outstanding"),
        each once, in the order written; [] when it names fewer than two."""
        found: list[str] = []
        for part in _BETWEEN_GRADES.split(text):
            grade = self.parse(part) if part.strip() else None
            if grade is not None and grade not in found:
                found.append(grade)
        return found if len(found) > 1 else []

    def hedged(self, text: str, grade: str) -> list[str]:
        """``grade`` and the other grade ``text`` gives in brackets beside it ("Good (bordering
        on RI)", "Good (nearly outstanding)", "Good (RI?)"); [] when what is in brackets is not a
        grade ("Inadequate (no good evidence)"), is this grade, or is part of its own name
        ("Requires improvement (to be good)")."""
        if "(" not in text or self.parse(text.replace("(", " ").replace(")", " ")) == grade:
            return []
        found = [grade]
        for inside in _IN_BRACKETS.findall(text.lower()):
            words = _NOT_LETTERS.sub(" ", inside).split()
            while words and words[0] in _HEDGES:
                words.pop(0)  # "bordering on", "nearly", "with elements of": the grade follows
            named = self.parse(" ".join(words)) if words else None
            if named is not None and named != NOT_APPLICABLE and named not in found:
                found.append(named)
        return found if len(found) > 1 else []

    @cached_property
    def _spellings(self) -> dict[str, str]:
        """Every folded spelling ``parse`` accepts, to what it means (built once per scale)."""
        table = {fold_grade(g): g for g in self.grades}
        if self.not_applicable:
            table.update(dict.fromkeys(NOT_APPLICABLE_SPELLINGS, NOT_APPLICABLE))
        table.update({fold_grade(a): g for a, g in self.aliases.items()})
        return table

    def parse_grade(self, text: str) -> str | None:
        """Like ``parse`` but never "Not applicable": for overall and moderated grades."""
        parsed = self.parse(text)
        return None if parsed == NOT_APPLICABLE else parsed

    def is_grade(self, value: str | None) -> bool:
        """True for a grade on the scale; False for "Not applicable", None or anything else."""
        return value in self.grades

    def descriptor(self, grade: str) -> str:
        """Return the council's descriptor of ``grade`` (any spelling ``parse`` knows), or ""."""
        canonical = self.parse(grade)
        if canonical is None:
            raise KeyError(grade)
        return self.descriptors.get(canonical, "")
