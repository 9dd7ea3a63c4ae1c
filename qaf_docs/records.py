"""Shared records: the shapes every stage passes along, defined below all of them.

A case list becomes ``NewAudit`` rows in a round; the register hands back ``AuditRecord``; a returned
Word form is read into an ``AuditForm`` and a returned Excel tracker into ``TrackerRow``s; the register's
current view of an audit, for reports and exports, is an ``AuditResult``. No stage imports another
stage's internals to get one of these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date

from qaf_docs.findings import Finding

IDENTITY_PREFIX = "qaf_"


@dataclass(frozen=True)
class Identity:
    """Who a generated file belongs to; stored as ``qaf_<field>`` custom properties."""

    kind: str  # "audit_tool" or "action_tracker"
    audit_ref: str
    case_id: str
    round_id: str
    framework_id: str
    framework_version: str
    template_version: str
    issued_at: str  # ISO 8601
    workspace_id: str

    def as_properties(self) -> dict[str, str]:
        """Return the identity as custom property names and values."""
        return {f"{IDENTITY_PREFIX}{k}": v for k, v in asdict(self).items()}

    @classmethod
    def from_properties(cls, props: dict[str, str]) -> Identity | None:
        """Return the identity held in ``props``, or None when any part is missing."""
        values = {}
        for f in fields(cls):
            value = props.get(f"{IDENTITY_PREFIX}{f.name}", "").strip()
            if not value:
                return None
            values[f.name] = value
        return cls(**values)


@dataclass(frozen=True)
class NewAudit:
    """An audit to plan in a round: a case given to an auditor."""

    case_id: str
    team: str
    worker: str
    case_type: str
    auditor: str
    auditor_email: str
    due_on: date
    child_name: str | None = None


@dataclass(frozen=True)
class AuditRecord:
    """An audit as the register knows it."""

    audit_ref: str
    round_id: str
    case_id: str
    team: str
    worker: str
    case_type: str
    child_name: str | None
    auditor: str
    auditor_email: str
    framework_id: str
    framework_version: str | None
    template_version: str | None
    status: str
    due_on: date | None
    issued_at: str | None


@dataclass(frozen=True)
class IngestedFile:
    """The outcome recorded for a file's content hash."""

    sha256: str
    file_name: str
    outcome: str
    audit_ref: str | None
    reason: str | None
    recorded_by: str | None = None  # the computer that recorded it (None: before that was kept)


@dataclass(frozen=True)
class TrackerRow:
    """One action as read from a returned action tracker."""

    number: int
    description: str
    owner: str
    due_on: date | None
    status: str
    completed_on: date | None
    evidence: str


@dataclass(frozen=True)
class DomainGrade:
    """The grade and rationale an auditor gave one practice area."""

    key: str
    title: str
    grade: str | None
    rationale: str


@dataclass(frozen=True)
class ActionRow:
    """One filled row of the actions table, as written (the row number counts filled rows)."""

    row: int
    description: str
    owner: str
    due_on: date | None
    due_text: str


@dataclass
class AuditForm:
    """Everything read from one completed audit tool."""

    identity: Identity
    domains: list[DomainGrade]
    overall_grade: str | None
    overall_rationale: str
    audit_date: date | None
    practitioner_present: bool | None
    texts: dict[
        str, str
    ]  # voice_of_child, self_assessment, family_feedback, theme, agency_contributions
    moderator: str
    moderated_grade: str | None
    moderation_reason: str
    moderation_date: date | None
    actions: list[ActionRow]
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Submission:
    """One accepted file as the register recorded it (the latest of its kind for an audit)."""

    id: int
    audit_ref: str
    kind: str  # "audit_tool" or "action_tracker"
    file_name: str
    received_at: str  # ISO 8601
    audit_date: date | None
    overall_grade: str | None
    moderated_grade: str | None


@dataclass(frozen=True)
class DomainResult:
    """One practice area's current grade and rationale, as reports and exports show it."""

    domain: str
    grade: str | None
    rationale: str


@dataclass(frozen=True)
class ActionResult:
    """One agreed action with the manager's latest update, as reports and exports show it."""

    description: str
    owner: str
    due_on: date | None
    status: str
    completed_on: date | None
    evidence: str = ""


@dataclass(frozen=True)
class AuditResult:
    """An audit as the register currently knows it: the latest return, grades and actions.

    This is the one shape reports and exports read; grades are spelled as in the framework's scale.
    """

    audit_ref: str
    case_id: str
    round_id: str
    framework_id: str
    team: str | None
    worker: str | None
    auditor: str | None
    status: str
    issued_on: date | None
    due_on: date | None
    returned_on: date | None
    audit_date: date | None
    overall_grade: str | None
    moderated_grade: str | None
    domains: list[DomainResult] = field(default_factory=list)
    actions: list[ActionResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def final_grade(self) -> str | None:
        """The grade that counts: the moderated one where there is one, else the auditor's."""
        return self.moderated_grade or self.overall_grade
