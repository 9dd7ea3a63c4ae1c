"""Shared records: the shapes every stage passes along, defined below all of them.

A case list becomes ``NewAudit`` rows in a round; the register hands back ``AuditRecord``; a returned
Word form is read into an ``AuditForm`` and a returned Excel tracker into ``TrackerRow``s; the register's
current view of an audit, for reports and exports, is an ``AuditResult``. No stage imports another
stage's internals to get one of these.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from datetime import date, datetime, timedelta

from qaf_docs.findings import Finding

IDENTITY_PREFIX = "qaf_"


def case_type_words(case_type: str) -> str:
    """Return a case type as every form, sheet and report prints it ("care leaver": "Care leaver")."""
    return case_type[:1].upper() + case_type[1:]


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
    # The fingerprint of the framework text the pack was made from, kept in the register: a form
    # is read against that framework, not whatever the file says now. "" on older packs.
    framework_sha256: str = ""

    def as_properties(self) -> dict[str, str]:
        """Return the identity as custom property names and values (a part added later, and
        empty, is left out: the file then reads as one made before it was added)."""
        return {f"{IDENTITY_PREFIX}{k}": v for k, v in asdict(self).items() if v or k in _REQUIRED}

    @classmethod
    def from_properties(cls, props: dict[str, str]) -> Identity | None:
        """Return the identity held in ``props``, or None when any part is missing."""
        values = {}
        for f in fields(cls):
            value = props.get(f"{IDENTITY_PREFIX}{f.name}", "").strip()
            if value:
                values[f.name] = value
            elif f.default is MISSING:  # a part added later may be missing from older packs
                return None
        return cls(**values)


_REQUIRED = frozenset(f.name for f in fields(Identity) if f.default is MISSING)


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
    facts: tuple[CaseFact, ...] = ()  # what the case list held for the case, kept in the register


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
    framework_sha256: str = ""  # only while its pack is being generated: see Identity


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
    signed_off_by: str = ""  # the manager's sign-off; an action closes only when signed off
    signed_off_on: date | None = None
    immediate: bool = False  # as agreed in the audit form
    success_criteria: str = ""
    impact_on_child: str = ""


@dataclass(frozen=True)
class DomainGrade:
    """The grade and rationale an auditor gave one practice area."""

    key: str
    title: str
    grade: str | None
    rationale: str
    indicators: tuple[str, ...] = ()  # the indicators the auditor ticked, in the framework's order
    moderated_grade: str | None = None  # the moderator's, where it differs or is confirmed


@dataclass(frozen=True)
class ActionRow:
    """One filled row of the actions table, as written (the row number counts filled rows)."""

    row: int
    description: str
    owner: str
    due_on: date | None
    due_text: str
    immediate: bool = False
    success_criteria: str = ""
    impact_on_child: str = ""


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
    agencies: list[AgencyFinding] = field(default_factory=list)
    missing_history: bool | None = None  # None: the framework has no such check box
    concern: bool = False  # the immediate safeguarding concern box was ticked
    concern_text: str = ""
    saved_at: datetime | None = None  # when the file was last saved, as its properties say
    # The type of moderation chosen: one of the framework's kinds ("reflective"), or what was
    # typed where it names none (refused); "" when none was chosen or the framework has no kinds.
    moderation_kind: str = ""

    def answers_digest(self) -> str:
        """A fingerprint of what the form says (not which file, nor when it was saved): two
        copies with equal fingerprints hold the same answers."""
        said = {
            k: v for k, v in asdict(self).items() if k not in ("identity", "findings", "saved_at")
        }
        text = json.dumps(said, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    escalation_grade: str | None = None  # the grade an escalation decided, where it changed it
    saved_at: datetime | None = None  # when the file was last saved, as its properties said
    answers_sha: str | None = None  # ``AuditForm.answers_digest`` of what it said


@dataclass(frozen=True)
class DomainResult:
    """One practice area's current grade and rationale, as reports and exports show it."""

    domain: str
    grade: str | None
    rationale: str
    indicators: tuple[str, ...] = ()
    moderated_grade: str | None = None

    @property
    def final_grade(self) -> str | None:
        """The area's grade that counts: the moderator's, else the auditor's."""
        return self.moderated_grade or self.grade


@dataclass(frozen=True)
class ActionResult:
    """One agreed action with the manager's latest update, as reports and exports show it."""

    description: str
    owner: str
    due_on: date | None
    status: str
    completed_on: date | None
    evidence: str = ""
    overdue: bool = False
    immediate: bool = False
    success_criteria: str = ""
    impact_on_child: str = ""
    signed_off_by: str = ""
    signed_off_on: date | None = None


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
    agencies: list[AgencyFinding] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)  # section name -> text
    case_facts: list[CaseFact] = field(default_factory=list)
    missing_history: bool | None = None
    # Added for the reports (issue 11); read from what the register already holds.
    case_type: str | None = None
    round_kind: str | None = None
    practitioner_present: bool | None = None
    moderator: str | None = None
    moderation_reason: str = ""
    overdue: bool = False  # a pack not back by its due date
    moderation: ModerationResult | None = None
    escalations: list[EscalationRecord] = field(default_factory=list)
    reaudit_of: str | None = None
    escalation_grade: str | None = None  # the grade an escalation decided, where it changed it
    # Held only where show_child_names is on; reports use it to take the name out of quoted text.
    child_name: str | None = field(default=None, repr=False)

    @property
    def final_grade(self) -> str | None:
        """The grade that counts: an escalation's decision, else the moderator's, else the
        auditor's."""
        return self.escalation_grade or self.moderated_grade or self.overall_grade


@dataclass(frozen=True)
class CaseFact:
    """One fact the case list held for a sampled case, e.g. ("cin_start", "CIN start", "2026-03-02").

    Dates are ISO 8601 text; ``caselist_sha256`` names the case list it was read from.
    """

    name: str
    label: str
    value: str
    caselist_sha256: str = ""


@dataclass(frozen=True)
class AgencyFinding:
    """One agency's section of a multi-agency audit, as the auditor filled it."""

    agency: str
    lead: str
    contribution: str
    finding: str


@dataclass(frozen=True)
class RoundChange:
    """A change to a round after it was drawn: what, to which audit, by whom, when and why."""

    round_id: str
    audit_ref: str | None
    change: str  # "cancel round", "cancel audit", "reassign", "add", "swap"
    by_whom: str
    reason: str
    at: str
    details: dict[str, str] = field(default_factory=dict)


AUDIT_STATUSES = (
    "planned", "allocated", "issued", "returned", "rejected", "moderated", "actions open",
    "closed", "cancelled",
)  # fmt: skip
# A pack is still expected back from its auditor while its audit is in one of these.
AWAITING_RETURN = ("allocated", "issued", "rejected")
# Not back yet: an audit still "planned" (no auditor yet) counts too. Overdue is "a pack not back
# by its due date" (DESIGN), and completion is measured against the plan, so an audit nobody was
# given is as overdue as one an auditor has not sent back; nobody can be reminded of it, so
# ``qaf status`` and ``qaf remind`` tell the QA lead to give it an auditor instead.
NOT_BACK = ("planned", *AWAITING_RETURN)


def return_overdue(status: str, due_on: date | None, today: date) -> bool:
    """Whether an audit's pack is not back (or was refused) and its due date has passed: the one
    rule the tracker, the reports, the export, ``qaf status`` and ``qaf remind`` all count by."""
    return status in NOT_BACK and due_on is not None and due_on < today


@dataclass(frozen=True)
class AuditEvent:
    """One recorded change in an audit's life: when, what, from which status to which, and why."""

    audit_ref: str
    at: str  # ISO 8601 with offset
    event: str  # allocated, issued, returned, rejected, moderated, disputed, cancelled …
    from_status: str | None
    to_status: str | None
    reason: str


@dataclass(frozen=True)
class EscalationRecord:
    """An escalation of a case: its level (a framework key), when, why, to whom, and if resolved."""

    id: int
    audit_ref: str
    case_id: str
    level: str
    title: str
    roles: list[str]
    raised_on: date
    reason: str
    resolved_on: date | None
    resolution: str | None
    resolved_by: str | None = None  # who closed it, where ``qaf escalations --resolve --by`` said

    @property
    def open(self) -> bool:
        """True until the escalation is resolved."""
        return self.resolved_on is None


@dataclass(frozen=True)
class ModerationResult:
    """A moderation as exports show it; ``agreed`` is False when the grade changed or was disputed."""

    moderator: str
    moderated_on: date | None
    kind: str | None
    agreed: bool
    reason: str


@dataclass(frozen=True)
class ModerationDue:
    """A returned audit waiting for moderation, with its deadline (``at_once``: Inadequate)."""

    audit_ref: str
    case_id: str
    auditor: str
    grade: str | None
    returned_on: date | None
    deadline: date | None
    at_once: bool


@dataclass(frozen=True)
class Person:
    """Someone on the roster qaf addresses: auditor, moderator, team manager, practitioner or an
    escalation contact, by role and team; ``email`` is "" when the roster gives none, or gives one
    that is no address, which ``email_problem`` then names by file, row and column."""

    name: str
    email: str
    role: str
    team: str | None
    email_problem: str = ""


#: A checkpoint may be recorded from this many days before it is due (``qaf status`` lists it then).
CHECKPOINT_RECORD_FROM_DAYS = 7


@dataclass(frozen=True)
class Checkpoint:
    """A close-the-loop checkpoint of a round: a thematic round's six weeks and three months
    (West Sussex), or a meeting that reviews a round's recommendations (City of London's Getting to
    Outstanding meeting)."""

    round_id: str
    key: str  # "6-weeks", "3-months"
    title: str
    due_on: date
    done_on: date | None
    note: str
    label: str = ""  # what reports call it ("" : its key, "6 weeks"); a meeting's own title
    opens_on: date | None = None  # a meeting's window opens (None: a week before it is due)

    @property
    def recordable_from(self) -> date:
        """The first day it can be recorded, and ``qaf status`` lists it: a meeting's window
        (City of London's "December /January") from its start, else a week before it is due."""
        return self.opens_on or self.due_on - timedelta(days=CHECKPOINT_RECORD_FROM_DAYS)
