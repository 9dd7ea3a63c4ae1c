"""A framework: its sections, timescales, audit period, agencies, escalation, moderation and case
notes, around the scale and domains."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from qaf_docs.frameworks.base import (
    CASE_TYPES,
    ROUND_KIND_NAMES,
    Key,
    KeyProblem,
    StrictModel,
)
from qaf_docs.frameworks.case_notes import CaseNotes
from qaf_docs.frameworks.grade_names import check_grade_names
from qaf_docs.frameworks.reviews import FollowUpReview
from qaf_docs.frameworks.scale import (
    Domain,
    Indicator,
    Scale,
)


class SectionText(StrictModel):
    """The heading and questions the audit tool shows for one section."""

    title: str = ""
    questions: list[str] = Field(default_factory=list)


class ExtraSection(StrictModel):
    """A section of the council's own (e.g. a practice model it checks), shown as free text."""

    key: Key
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


class Sections(StrictModel):
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
                raise KeyProblem(
                    ("details", name),
                    f"'{name}' is not a section (sections are {', '.join(SECTION_TITLES)}; "
                    "add a section of your own under [[sections.extra]])",
                )
        seen: set[str] = set()
        for i, extra in enumerate(self.extra):
            if extra.key in SECTION_TITLES or extra.key in seen:
                raise KeyProblem(("extra", i, "key"), f"section key '{extra.key}' is used twice")
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


class TimescaleCheck(StrictModel):
    """How often a dated case fact must recur, for flagging "days since" on the case facts panel."""

    fact: Key = Field(description="case-fact name, e.g. last_supervision")
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
                raise KeyProblem(
                    ("by_case_type", case_type),
                    f"'{case_type}' is not a case type (use one of: {', '.join(CASE_TYPES)})",
                )
            if days < 1:
                raise KeyProblem(("by_case_type", case_type), "must be at least 1 day")
        return self

    def days_for(self, case_type: str | None = None) -> int:
        """Return the interval in days for a case of ``case_type`` (any case), e.g. 28 for CP."""
        if case_type is not None:
            for name, days in self.by_case_type.items():
                if name.lower() == str(case_type).lower():
                    return days
        return self.every_days


class Timescales(StrictModel):
    """Deadlines, in days or months, that the rules and packs use."""

    audit_return_days: int = Field(
        default=20, ge=1, description="calendar days from issue to the form's due date"
    )
    # Left out: no limit. Only a council's document sets one (West Sussex "maximum 4 weeks";
    # Bracknell "within 1 month" and immediate actions "within 5 working days").
    action_due_within_days: int | None = Field(
        default=None, ge=1, description="an action must be due within this; None: no limit"
    )
    immediate_action_working_days: int | None = Field(
        default=None,
        ge=1,
        description="an immediate action must be due within this; None: the framework has no "
        "immediate actions (the forms have no Immediate column)",
    )
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

    @property
    def asks_immediate(self) -> bool:
        """True when the auditor marks actions as immediate: only a framework that says how soon
        an immediate action is done has the idea (Bracknell: "Immediate actions arising from audit
        completed by the responsible manager within 5 working days"). The other documents' only
        "immediate" is a safeguarding concern raised at once or a board's annual "immediate
        action", never a kind of audit action, so their forms have no Immediate column."""
        return self.immediate_action_working_days is not None

    @model_validator(mode="after")
    def _unique_facts(self) -> Timescales:
        seen: set[str] = set()
        for i, check in enumerate(self.checks):
            if check.fact in seen:
                raise KeyProblem(
                    ("checks", i, "fact"), f"fact '{check.fact}' has two timescale checks"
                )
            seen.add(check.fact)
        return self

    def reaudit_when(self) -> str:
        """When an Inadequate audit is re-audited, saying so where the interval is qaf's default
        (only West Sussex's document gives one: "the re-audit at three months")."""
        months = f"at {self.reaudit_after_months} months"
        if "reaudit_after_months" in self.model_fields_set:
            return months
        return f"{months} (qaf's default: the framework gives no re-audit interval)"

    def check(self, fact: str) -> TimescaleCheck | None:
        """Return the timescale check for case fact ``fact``, or None."""
        return next((c for c in self.checks if c.fact == fact), None)


class Sampling(StrictModel):
    """What the framework says about drawing cases; the workspace's ``[sampling]`` can override."""

    include_restricted: bool = Field(
        default=False, description="restricted records are in the sample (auditors ask for access)"
    )
    # Only B&NES's managers audit their own team (its Deputy Team Managers, at closure too); with
    # none named, no auditor audits a case from their own team.
    own_team_roles: dict[str, list[str]] = Field(
        default_factory=dict,
        description="per round kind, the roles that audit their own team's cases",
    )

    @model_validator(mode="after")
    def _known_round_kinds(self) -> Sampling:
        for kind in self.own_team_roles:
            if kind not in ROUND_KIND_NAMES:
                raise KeyProblem(
                    ("own_team_roles", kind),
                    f"'{kind}' is not a kind of round; use one of {', '.join(ROUND_KIND_NAMES)}",
                )
        return self


class AuditPeriod(StrictModel):
    """How far back the audit looks, as a number of months and in the framework's own words."""

    months: int = Field(ge=1)
    wording: str = ""


class Agencies(StrictModel):
    """Multi-agency audits: the agencies listed by default and what each agency's section asks."""

    default: list[str] = Field(default_factory=list)
    lead: str = Field(default="", description="what the agency's audit lead is")
    contribution: str = Field(default="", description="what the agency's contribution covers")
    finding: str = Field(default="", description="what each agency's finding records")


class EscalationLevel(StrictModel):
    """One step of the Inadequate pathway: when it applies and which roles it goes to."""

    key: Key
    title: str
    when: str = ""
    after_months: int | None = Field(
        default=None, ge=1, description="months after the previous step; None: at once"
    )
    roles: list[str] = Field(min_length=1)
    responsible: list[str] = Field(
        default_factory=list, description="roles that must resolve it; they are told too"
    )
    responsibility: str = Field(
        default="", description="what the framework says they must do, in its words"
    )

    def who_resolves(self) -> str:
        """Who must resolve an escalation at this level: the framework's words where it gives
        them, else a sentence naming the ``responsible`` roles; "" when it names nobody."""
        if not self.responsible:
            return ""
        if self.responsibility:
            return " ".join(self.responsibility.split())
        *most, last = self.responsible
        who = f"{', '.join(most)} and {last}" if most else last
        return f"It is the responsibility of the {who} to resolve it."


class Escalation(StrictModel):
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
                raise KeyProblem(
                    ("levels", i, "key"), f"escalation level '{level.key}' is used twice"
                )
            seen.add(level.key)
        return self

    def level(self, key: str) -> EscalationLevel | None:
        """The pathway's level with ``key``, or None (a dispute or a concern is no level)."""
        return next((level for level in self.levels if level.key == key), None)

    def roles(self) -> list[str]:
        """Every role this framework escalates to or notifies, as written, first mention first."""
        named = [
            *self.immediate_concerns,
            *self.immediate_concerns_notify,
            *self.grade_disputes,
            *self.missing_historical_information,
        ]
        for level in self.levels:
            named += [*level.roles, *level.responsible]
        return list(dict.fromkeys(named))


class Moderation(StrictModel):
    """Which audits are moderated, by when, and how (used only where sections.moderation is on)."""

    audits: Literal["all", "inadequate"] = "inadequate"
    inadequate_at_once: bool = True
    deadline: Literal["end_of_calendar_month"] | None = None
    kinds: list[str] = Field(default_factory=list)
    notify: list[str] = Field(
        default_factory=list, description="roles alerted when a moderation is completed"
    )


class DevelopmentQuestion(StrictModel):
    """A question the framework's report must answer for each area for development (West Sussex:
    "why they are a priority …"), and what qaf answers it from: ``rationale`` (the auditors' words
    for the grades below good), ``actions`` (what was agreed and how far it has got), ``success``
    (the actions' success criteria), ``when`` (their due dates and re-audits), ``measure`` (how the
    next report will show it), or ``write`` (left for the QA lead to write)."""

    question: str
    answer: Literal["rationale", "actions", "success", "when", "measure", "write"] = "write"


class Framework(StrictModel):
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
    sampling: Sampling = Sampling()
    audit_period: AuditPeriod | None = None
    themes: list[str] = Field(default_factory=list)
    agencies: Agencies = Agencies()
    escalation: Escalation = Escalation()
    moderation: Moderation = Moderation()
    case_notes: CaseNotes = CaseNotes()
    guidance: list[str] = Field(default_factory=list)
    # What it says of actions (SMART, due dates, sign-off, done), in its words: on the manager's
    # action tracker, above the actions.
    action_guidance: list[str] = Field(default_factory=list)
    core_areas: list[str] = Field(default_factory=list)
    report_questions: list[str] = Field(default_factory=list)
    development_questions: list[DevelopmentQuestion] = Field(default_factory=list)
    follow_up_reviews: list[FollowUpReview] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _grades_named(cls, data: Any) -> Any:
        check_grade_names(data)  # every line naming a grade that is not on the scale, at once
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        seen: set[str] = set()
        for i, d in enumerate(self.domains):
            if d.key in seen:
                raise KeyProblem(("domains", i, "key"), f"domain key '{d.key}' is used twice")
            seen.add(d.key)
        for i, d in enumerate(self.domains):
            for grade in d.indicators:
                if grade not in self.scale.grades:
                    raise KeyProblem(
                        ("domains", i, "indicators", grade),
                        f"indicators are given for '{grade}', which is not a grade on this scale "
                        f"({', '.join(self.scale.grades)})",
                    )
        return self

    def contact_roles(self) -> list[str]:
        """The roles this framework writes to (escalations, notifications): people on the roster
        with one of them are contacts, not auditors, unless given a monthly capacity. "Auditor"
        (the audit's own, told of its moderation) is no contact role."""
        named = [*self.escalation.roles(), *self.moderation.notify]
        return [r for r in dict.fromkeys(named) if " ".join(r.casefold().split()) != "auditor"]

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

    def months_to_next_audit(self, level: str | None) -> int:
        """Months from an audit to its case's next audit on the Inadequate pathway, given the step
        ``level`` open on it: the first (or none yet) is the re-audit, a later one the follow-up
        audit after an escalation (West Sussex: "three months after the re-audit")."""
        keys = [step.key for step in self.escalation.levels]
        later = level in keys and keys.index(level) > 0
        times = self.timescales
        return times.escalate_after_months if later else times.reaudit_after_months
