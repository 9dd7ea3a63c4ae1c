"""What is printed on an audit's pack: its identity, people and dates, and its agreed actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from qaf_docs import clock
from qaf_docs.records import AuditRecord, CaseFact, Identity
from qaf_docs.workspace import Settings


@dataclass(frozen=True)
class PackAction:
    """An agreed action as it appears in an action tracker."""

    number: int
    description: str
    owner: str
    due_on: date | None
    status: str = "Not started"
    completed_on: date | None = None
    evidence: str = ""
    signed_off_by: str = ""
    signed_off_on: date | None = None


@dataclass(frozen=True)
class PackDetails:
    """Everything printed on an audit's pack (never more than the settings allow)."""

    identity: Identity
    team: str
    worker: str
    case_type: str
    auditor: str
    issued_on: date
    due_on: date
    council_name: str
    child_name: str | None = None
    case_facts: tuple[CaseFact, ...] = ()
    # The framework's words on actions, for the action tracker (``packs.tracker_guidance``).
    action_guidance: str = ""


def pack_paths(packs_dir: Path, round_id: str, audit_ref: str) -> tuple[Path, Path]:
    """Return where an audit's Word tool and Excel tracker are written (named by audit ref only)."""
    folder = packs_dir / round_id
    return folder / f"{audit_ref}.docx", folder / f"{audit_ref}.xlsx"


def issued_at_now() -> str:
    """Return the current time as an ISO 8601 string, for the identity's issued-at."""
    return clock.now().isoformat(timespec="seconds")


def details_for(
    audit: AuditRecord,
    settings: Settings,
    *,
    kind: str,
    issued_at: str | None = None,
    case_facts: tuple[CaseFact, ...] = (),
    action_guidance: str = "",
) -> PackDetails:
    """Return what goes on an audit's pack, from the register's record and the settings."""
    identity = Identity(
        kind=kind,
        audit_ref=audit.audit_ref,
        case_id=audit.case_id,
        round_id=audit.round_id,
        framework_id=audit.framework_id,
        framework_version=audit.framework_version or "",
        template_version=audit.template_version or "",
        issued_at=issued_at or audit.issued_at or issued_at_now(),
        workspace_id=settings.workspace_id,
        framework_sha256=audit.framework_sha256,
    )
    issued = datetime.fromisoformat(identity.issued_at).date()
    return PackDetails(
        identity=identity,
        team=audit.team,
        worker=audit.worker,
        case_type=audit.case_type,
        auditor=audit.auditor,
        issued_on=issued,
        due_on=audit.due_on or issued,
        council_name=settings.council_name,
        child_name=audit.child_name if settings.show_child_names else None,
        case_facts=case_facts,
        action_guidance=action_guidance,
    )
