"""Audit frameworks as data: domains, prompts, indicators, the grade scale, sections and timescales.

A framework is a TOML file. Presets ship in ``qaf_docs/presets/``; a council can copy one into its
workspace, change it, and point ``qaf.toml`` at the copy. Nothing about a framework is hard-coded.

A short example (every table but ``[scale]`` and ``[[domains]]`` is optional)::

    id = "our-audit"
    name = "Our audit"
    version = "1"

    [scale]
    grades = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]
    good_or_better = ["Outstanding", "Good"]
    inadequate = "Inadequate"
    not_applicable = true            # a domain may be graded "Not applicable"

    [scale.descriptors]
    "Inadequate" = "Widespread or serious failures ..."

    [[domains]]
    key = "assessment"
    title = "Assessment"
    prompts = ["Assessments are timely ..."]

    [domains.indicators]
    "Good" = ["Jargon free"]
    "Inadequate" = ["No evidence of child's voice"]

    [[timescales.checks]]
    fact = "last_supervision"
    label = "Supervision"
    every_days = 56
    by_case_type = { CP = 28 }

A framework file is validated when it is loaded; a mistake is reported with the file, the line and
the key (``FrameworkError``), because the person fixing it works in Notepad, not in Python.
"""

from __future__ import annotations

import re
import string
import tomllib
import types
import typing
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from qaf_docs.errors import FrameworkError

_KEY = re.compile(r"[a-z][a-z0-9_]{0,23}")

NOT_APPLICABLE = "Not applicable"
"""The canonical spelling of the "Not applicable" choice; never a grade, never counted as one."""

# Spellings of "Not applicable" (after folding) that map to NOT_APPLICABLE where a scale allows it.
_NOT_APPLICABLE_SPELLINGS = frozenset({"not applicable", "n a", "na", "n app", "not app"})

# The case types a timescale may vary by. Same spellings as caselist.CaseType (kept here rather
# than imported so this module stays free of the case-list reader); tests check the two agree.
CASE_TYPES = ("early help", "CIN", "CP", "CLA", "care leaver", "other")
"""Case types a timescale check may give its own interval (``by_case_type``)."""

# Placeholders a case-note heading may use; {month} is how Bracknell's 'Month' is written here.
_HEADING_FIELDS = frozenset({"month", "year"})


class _At(ValueError):
    """A validation problem that knows which key inside the model it is about (for line lookup)."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_key(v: str) -> str:
    if not _KEY.fullmatch(v):
        raise ValueError(
            f"{v!r} must be 1-24 lower-case letters, digits or '_', starting with a letter"
        )
    return v


# A short stable id: domain keys, extra section keys, case-fact names, escalation level keys.
_Key = Annotated[str, AfterValidator(_check_key)]


def _fold(text: str) -> str:
    """Fold a grade for tolerant comparison: case, spacing, punctuation and '(to be good)' ignored."""
    text = text.replace("\u00a0", " ").lower()
    text = re.sub(r"\(.*?\)", " ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


class Indicator(NamedTuple):
    """One indicator of a grade in one domain, e.g. ("assessment", "Inadequate", "Jargonistic")."""

    domain: str
    grade: str
    text: str


class Domain(_Strict):
    """One area of practice the auditor grades, with its prompts and per-grade indicators."""

    key: _Key = Field(
        description="short stable id, lower case: used in field tags and the register"
    )
    title: str
    prompts: list[str] = Field(default_factory=list)
    indicators: dict[str, list[str]] = Field(
        default_factory=dict,
        description="grade -> what practice at that grade looks like (West Sussex rubric columns)",
    )

    def indicators_for(self, grade: str) -> list[str]:
        """Return the indicators listed for ``grade`` (its canonical spelling), or [] if none."""
        return list(self.indicators.get(grade, []))


class Scale(_Strict):
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

    @model_validator(mode="after")
    def _consistent(self) -> Scale:
        known = set(self.grades)
        if NOT_APPLICABLE in known:
            raise _At(
                ("grades",),
                f"'{NOT_APPLICABLE}' is not a grade; set not_applicable = true to allow it instead",
            )
        targets = known | ({NOT_APPLICABLE} if self.not_applicable else set())
        for alias, grade in self.aliases.items():
            if grade not in targets:
                raise _At(
                    ("aliases", alias),
                    f"alias '{alias}' points to '{grade}', which is not in grades",
                )
        for grade in self.good_or_better:
            if grade not in known:
                raise _At(("good_or_better",), f"'{grade}' is not in grades")
        if self.inadequate is not None and self.inadequate not in known:
            raise _At(("inadequate",), f"'{self.inadequate}' is not in grades")
        for grade in self.descriptors:
            if grade not in targets:
                raise _At(
                    ("descriptors", grade),
                    f"a descriptor is given for '{grade}', which is not a grade on this scale "
                    f"({', '.join(self.grades)})",
                )
        return self

    @property
    def choices(self) -> list[str]:
        """What a grade drop-down offers: the grades, then "Not applicable" where allowed."""
        return [*self.grades, *([NOT_APPLICABLE] if self.not_applicable else [])]

    def parse(self, text: str) -> str | None:
        """Return the grade (or "Not applicable", where allowed) ``text`` means, else None.

        "good", "Good ", "Requires Improvement" and "requires improvement to be good" all map;
        "N/A" and "NA" map to "Not applicable" only on a scale that allows it; "Goodish" does not.
        """
        folded = _fold(text)
        if not folded:
            return None
        table = {_fold(g): g for g in self.grades}
        if self.not_applicable:
            table.update(dict.fromkeys(_NOT_APPLICABLE_SPELLINGS, NOT_APPLICABLE))
        table.update({_fold(a): g for a, g in self.aliases.items()})
        return table.get(folded)

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


class SectionText(_Strict):
    """The heading and questions the audit tool shows for one section."""

    title: str = ""
    questions: list[str] = Field(default_factory=list)


class ExtraSection(_Strict):
    """A section of the council's own (e.g. a practice model it checks), shown as free text."""

    key: _Key
    title: str
    questions: list[str] = Field(default_factory=list)


# The built-in sections, in the order an audit tool shows them, with their default headings.
SECTION_TITLES: dict[str, str] = {
    "theme": "Theme",
    "voice_of_child": "Voice of the child",
    "practitioner_self_assessment": "Practitioner self-assessment",
    "family_feedback": "Family feedback",
    "agency_contributions": "Agency contributions",
    "missing_historical_information": "Missing historical information",
    "moderation": "Moderation",
}
"""Built-in section names and the heading used when a framework gives none."""


class Sections(_Strict):
    """Which optional parts of the audit tool this framework asks for, and what they ask."""

    voice_of_child: bool = True
    practitioner_self_assessment: bool = False
    family_feedback: bool = False
    theme: bool = False
    agency_contributions: bool = False
    moderation: bool = True
    missing_historical_information: bool = Field(
        default=False, description="a flag: historical information was missing or inaccessible"
    )
    details: dict[str, SectionText] = Field(
        default_factory=dict, description="built-in section name -> its heading and questions"
    )
    extra: list[ExtraSection] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_sections(self) -> Sections:
        for name in self.details:
            if name not in SECTION_TITLES:
                raise _At(
                    ("details", name),
                    f"'{name}' is not a section (sections are {', '.join(SECTION_TITLES)}; "
                    "add a section of your own under [[sections.extra]])",
                )
        seen: set[str] = set()
        for i, extra in enumerate(self.extra):
            if extra.key in SECTION_TITLES or extra.key in seen:
                raise _At(("extra", i, "key"), f"section key '{extra.key}' is used twice")
            seen.add(extra.key)
        return self

    def is_on(self, name: str) -> bool:
        """True when the built-in section ``name`` is switched on, or ``name`` is an extra one."""
        if name in SECTION_TITLES:
            return bool(getattr(self, name))
        return any(e.key == name for e in self.extra)

    def enabled(self) -> list[str]:
        """Names of the sections the audit tool shows: built-in ones switched on, then extras."""
        return [n for n in SECTION_TITLES if getattr(self, n)] + [e.key for e in self.extra]

    def title(self, name: str) -> str:
        """Return the heading of section ``name`` (the framework's, else the default)."""
        for extra in self.extra:
            if extra.key == name:
                return extra.title
        detail = self.details.get(name)
        if detail is not None and detail.title:
            return detail.title
        return SECTION_TITLES[name]

    def questions(self, name: str) -> list[str]:
        """Return the questions section ``name`` asks (may be empty)."""
        for extra in self.extra:
            if extra.key == name:
                return list(extra.questions)
        detail = self.details.get(name)
        return list(detail.questions) if detail is not None else []


class TimescaleCheck(_Strict):
    """How often a dated case fact must recur, for flagging "days since" on the case facts panel."""

    fact: _Key = Field(description="case-fact name, e.g. last_supervision")
    label: str
    every_days: int = Field(ge=1)
    by_case_type: dict[str, int] = Field(
        default_factory=dict, description="case type -> its own interval in days, e.g. CP = 28"
    )
    source: str = ""

    @model_validator(mode="after")
    def _case_types(self) -> TimescaleCheck:
        folded = {c.lower(): c for c in CASE_TYPES}
        for case_type, days in self.by_case_type.items():
            if case_type.lower() not in folded:
                raise _At(
                    ("by_case_type", case_type),
                    f"'{case_type}' is not a case type (use one of: {', '.join(CASE_TYPES)})",
                )
            if days < 1:
                raise _At(("by_case_type", case_type), "must be at least 1 day")
        return self

    def days_for(self, case_type: str | None = None) -> int:
        """Return the interval in days for a case of ``case_type`` (any case), e.g. 28 for CP."""
        if case_type is not None:
            for name, days in self.by_case_type.items():
                if name.lower() == str(case_type).lower():
                    return days
        return self.every_days


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
    close_loop_check_weeks: int | None = Field(
        default=None, ge=1, description="thematic audit: implementation checked after this"
    )
    close_loop_review_months: int | None = Field(
        default=None, ge=1, description="thematic audit: progress quantified after this"
    )
    checks: list[TimescaleCheck] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_facts(self) -> Timescales:
        seen: set[str] = set()
        for i, check in enumerate(self.checks):
            if check.fact in seen:
                raise _At(("checks", i, "fact"), f"fact '{check.fact}' has two timescale checks")
            seen.add(check.fact)
        return self

    def check(self, fact: str) -> TimescaleCheck | None:
        """Return the timescale check for case fact ``fact``, or None."""
        return next((c for c in self.checks if c.fact == fact), None)


class AuditPeriod(_Strict):
    """How far back the audit looks, as a number of months and in the framework's own words."""

    months: int = Field(ge=1)
    wording: str = ""


class Agencies(_Strict):
    """Multi-agency audits: the agencies listed by default and what each agency's section asks."""

    default: list[str] = Field(default_factory=list)
    lead: str = Field(default="", description="what the agency's audit lead is")
    contribution: str = Field(default="", description="what the agency's contribution covers")
    finding: str = Field(default="", description="what each agency's finding records")


class EscalationLevel(_Strict):
    """One step of the Inadequate pathway: when it applies and which roles it goes to."""

    key: _Key
    title: str
    when: str = ""
    after_months: int | None = Field(
        default=None, ge=1, description="months after the previous step; None: at once"
    )
    roles: list[str] = Field(min_length=1)
    responsible: list[str] = Field(default_factory=list)


class Escalation(_Strict):
    """Who is told what, by role name (the roster maps roles to people)."""

    immediate_concerns: list[str] = Field(
        default_factory=list, description="an immediate safeguarding concern is escalated to"
    )
    immediate_concerns_notify: list[str] = Field(
        default_factory=list, description="and these are also notified"
    )
    grade_disputes: list[str] = Field(
        default_factory=list, description="a disagreement about a final grade goes to"
    )
    missing_historical_information: list[str] = Field(
        default_factory=list, description="a case flagged for missing history is reported to"
    )
    levels: list[EscalationLevel] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_levels(self) -> Escalation:
        seen: set[str] = set()
        for i, level in enumerate(self.levels):
            if level.key in seen:
                raise _At(("levels", i, "key"), f"escalation level '{level.key}' is used twice")
            seen.add(level.key)
        return self


class Moderation(_Strict):
    """Which audits are moderated, by when, and how (used only where sections.moderation is on)."""

    audits: Literal["all", "inadequate"] = "inadequate"
    inadequate_at_once: bool = True
    deadline: Literal["end_of_calendar_month"] | None = None
    kinds: list[str] = Field(default_factory=list)
    notify: list[str] = Field(
        default_factory=list, description="roles alerted when a moderation is completed"
    )


class CaseNotes(_Strict):
    """Headings under which audit records go on the child's file; {month} and {year} fill in."""

    audit_findings: str | None = None
    action_plan: str | None = None
    moderation_outcome: str | None = None

    @model_validator(mode="after")
    def _placeholders(self) -> CaseNotes:
        for name in ("audit_findings", "action_plan", "moderation_outcome"):
            value = getattr(self, name)
            if value is None:
                continue
            try:
                fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
            except ValueError as e:
                raise _At((name,), f"has an unmatched brace: {e}") from e
            unknown = fields - _HEADING_FIELDS
            if unknown:
                raise _At(
                    (name,),
                    f"uses {{{sorted(unknown)[0]}}}; a heading may use only {{month}} and {{year}}",
                )
        return self

    def heading(
        self, kind: Literal["audit_findings", "action_plan", "moderation_outcome"], on: date
    ) -> str | None:
        """Return the heading for a case note of ``kind`` written on ``on``, or None if not named."""
        value: str | None = getattr(self, kind)
        if value is None:
            return None
        return value.format(month=f"{on:%B}", year=f"{on:%Y}")


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
    audit_period: AuditPeriod | None = None
    themes: list[str] = Field(default_factory=list)
    agencies: Agencies = Agencies()
    escalation: Escalation = Escalation()
    moderation: Moderation = Moderation()
    case_notes: CaseNotes = CaseNotes()
    guidance: list[str] = Field(default_factory=list)
    core_areas: list[str] = Field(default_factory=list)
    report_questions: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        seen: set[str] = set()
        for i, d in enumerate(self.domains):
            if d.key in seen:
                raise _At(("domains", i, "key"), f"domain key '{d.key}' is used twice")
            seen.add(d.key)
        for i, d in enumerate(self.domains):
            for grade in d.indicators:
                if grade not in self.scale.grades:
                    raise _At(
                        ("domains", i, "indicators", grade),
                        f"indicators are given for '{grade}', which is not a grade on this scale "
                        f"({', '.join(self.scale.grades)})",
                    )
        return self

    def domain(self, key: str) -> Domain:
        """Return the domain with ``key``."""
        for d in self.domains:
            if d.key == key:
                return d
        raise KeyError(key)

    def all_indicators(self) -> list[Indicator]:
        """Every indicator of every domain, domains in order and grades best first."""
        return [
            Indicator(d.key, grade, text)
            for d in self.domains
            for grade in self.scale.grades
            for text in d.indicators.get(grade, [])
        ]

    def needs_moderation(self, grade: str | None) -> bool:
        """True when an audit with overall ``grade`` must be moderated under this framework."""
        if not self.sections.moderation:
            return False
        if self.moderation.audits == "all":
            return True
        return grade is not None and grade == self.scale.inadequate

    def moderated_at_once(self, grade: str | None) -> bool:
        """True when ``grade`` is Inadequate and the framework moderates those immediately."""
        return (
            self.needs_moderation(grade)
            and self.moderation.inadequate_at_once
            and grade is not None
            and grade == self.scale.inadequate
        )


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
        raise FrameworkError(f"Framework file {origin} is invalid {_describe(e, text)}") from e


def _describe(e: ValidationError, text: str) -> str:
    """Say where the first problem is: "at line 12, key 'domains.1.key': <reason>" (+ count)."""
    first = e.errors()[0]
    path: tuple[str | int, ...] = tuple(first["loc"])
    message = first["msg"]
    error = (first.get("ctx") or {}).get("error")
    if isinstance(error, _At):
        path += error.path
        message = str(error)
    elif first["type"] == "extra_forbidden":
        known = _known_keys(path[:-1])
        message = f"unknown key '{path[-1]}'" + (
            f"; the keys allowed here are: {', '.join(known)}" if known else ""
        )
    message = message.removeprefix("Value error, ")
    line = _line_of(text, path)
    where = ".".join(str(p) for p in path)
    at = f"at line {line}, key '{where}'" if line else f"at '{where}'"
    at += _which_table(path)
    more = f" (and {e.error_count() - 1} more problems)" if e.error_count() > 1 else ""
    return f"{at}: {message}{more}"


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


def _known_keys(path: tuple[str | int, ...]) -> list[str]:
    """The keys a table at ``path`` accepts, found by walking the models (best-effort)."""
    model: Any = Framework
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
        return list(model.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    """Unwrap list[X], dict[str, X] and X | None down to X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (list, dict, typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[-1]
        else:
            return annotation


# A key at the start of a line: bare or quoted parts joined by dots, then '='.
_PART = r'(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)'
_KEY_LINE = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_PART}(?:\s*\.\s*{_PART})*)\s*\]\]?")


def _parts(dotted: str) -> list[str]:
    out = []
    for m in re.finditer(_PART, dotted):
        part = m.group(0)
        out.append(part[1:-1] if part[:1] in "\"'" else part)
    return out


def _line_of(text: str, path: tuple[str | int, ...]) -> int | None:
    """Return the line of ``text`` that holds the key at ``path`` (or the nearest enclosing one).

    tomllib gives no line numbers, so the text is scanned: table headers (``[a.b]``, ``[[a]]``,
    counting array tables to resolve indices) and ``key =`` lines. Best-effort: keys inside
    multi-line strings are skipped, inline tables give the line of their key.
    """
    target = [str(p) for p in path]
    counts: dict[tuple[str, ...], int] = {}
    latest: dict[tuple[str, ...], int] = {}  # array-table path -> its current index
    current: list[str] = []
    best_line, best_depth = None, 0
    in_string = False

    def resolve(names: list[str]) -> list[str]:
        resolved: list[str] = []
        for name in names:
            resolved.append(name)
            index = latest.get(tuple(resolved))
            if index is not None:
                resolved.append(str(index))
        return resolved

    for number, line in enumerate(text.splitlines(), start=1):
        if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
            in_string = not in_string
            if not in_string:
                continue
        elif in_string:
            continue
        candidate: list[str] | None = None
        header = _HEADER.match(line)
        if header and not _KEY_LINE.match(line):
            names = _parts(header.group(2))
            if header.group(1) == "[[":
                parent = [*resolve(names[:-1]), names[-1]]
                key = tuple(parent)
                counts[key] = counts.get(key, -1) + 1
                latest[key] = counts[key]
                # A new array element forgets the sub-tables of the previous one.
                for k in [k for k in latest if len(k) > len(key) and k[: len(key)] == key]:
                    del latest[k]
                current = [*parent, str(counts[key])]
            else:
                current = resolve(names)
            candidate = current
        else:
            key_line = _KEY_LINE.match(line)
            if key_line:
                candidate = current + _parts(key_line.group(1))
        if candidate is None:
            continue
        depth = 0
        for have, want in zip(candidate, target, strict=False):
            if have != want:
                break
            depth += 1
        # Only a line whose whole key lies on the path counts (not a sibling sharing a prefix).
        if depth == len(candidate) and depth > best_depth:
            best_line, best_depth = number, depth
    return best_line


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
