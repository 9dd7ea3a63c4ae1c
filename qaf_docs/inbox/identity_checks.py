"""Whether an identified inbox file may be recorded against its audit: the register's word on it.

A file names its workspace, audit, case, framework and template version; each must agree with
what the register holds (and the audit must still be wanted: not cancelled, not withdrawn by a
reassignment), or the file is refused with what to do about it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from qaf_docs.case_ids import may_be_id, said_id
from qaf_docs.errors import IdentityError, QafError, SubmissionError
from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework, kept_framework, load_framework
from qaf_docs.inbox.unidentified import UnidentifiedTrackerError, shown_ref
from qaf_docs.office.identity import identity_beyond_size, read_custom_properties
from qaf_docs.office.parts import Limits, Package
from qaf_docs.office.safety import FileKind
from qaf_docs.records import AuditRecord, Identity
from qaf_docs.register.store import Register
from qaf_docs.workspace import Settings, Workspace


class FrameworkCache:
    """The frameworks files name, each loaded once.

    A pack that carries the fingerprint of the framework text it was made from is read against
    that text, as the register kept it (``kept``: a fingerprint's text, or None), so a framework
    file edited while forms are out neither loses a returned grade nor asks for one the form has
    no box for. Older packs, and a fingerprint the register does not know, are read against the
    framework as it is now; one the workspace no longer has is read as the workspace's own (the
    identity check then says what is wrong).
    """

    def __init__(
        self,
        ws: Workspace,
        settings: Settings,
        kept: Callable[[str], str | None] = lambda sha256: None,
    ) -> None:
        self.ws, self.settings = ws, settings
        self._kept_text = kept
        self._known: dict[str, Framework] = {}
        self._kept: dict[str, Framework] = {}

    def __call__(self, framework_id: str, sha256: str = "") -> Framework:
        if sha256 and sha256 not in self._kept:
            text = self._kept_text(sha256)
            if text is not None and (kept := kept_framework(framework_id, text)) is not None:
                self._kept[sha256] = kept
        if sha256 in self._kept:
            return self._kept[sha256]
        if framework_id not in self._known:
            try:
                self._known[framework_id] = load_framework(framework_id, base=self.ws.root)
            except QafError:
                self._known[framework_id] = self.ws.load_framework(self.settings)
        return self._known[framework_id]

    def offered(self) -> set[str]:
        """What a problem may quote from the frameworks: their ids and grades (qaf offered them
        in the form's lists; nobody typed them). The workspace's frameworks and any met so far."""
        for name in self.settings.framework_names():
            try:
                self(name)
            except QafError:
                continue  # a framework that cannot be read quotes nothing
        frameworks = [*self._known.values(), *self._kept.values()]
        return {w for f in frameworks for w in (f.id, *f.scale.grades)} | set(self._known)


def file_identity(package: Package, kind: FileKind | None = None) -> Identity:
    """The identity a file carries in its document properties; IdentityError when it has none
    (UnidentifiedTrackerError for a workbook whose sheet shows a tracker's audit reference)."""
    identity = Identity.from_properties(read_custom_properties(package))
    if identity is None and kind is FileKind.XLSX and (shown := shown_ref(package.path)):
        raise UnidentifiedTrackerError(shown, path=package.path)
    if identity is None:
        raise IdentityError(
            "This file does not carry a qaf audit identity (its document properties are "
            "missing), so it cannot be matched to an audit",
            path=package.path,
        )
    return identity


def _day(iso: str) -> str:
    return f"{date.fromisoformat(iso[:10]):%d/%m/%Y}"


def audit_label(identity: Identity, fallback: str) -> str:
    """How the ingest line and the log name a file of ``identity``: by its audit, or as
    ``fallback`` (by its content, "file #1a2b3c4d") where its audit reference may be a name."""
    return f"audit {identity.audit_ref}" if may_be_id(identity.audit_ref) else fallback


def refusal(
    e: SubmissionError, identity: Identity | None, settings: Settings, fallback: str = "file"
) -> tuple[str, Finding]:
    """The ingest line's label and the note's finding for a file whose identity was refused
    (``fallback``, the file's label by its content, where its identity names no audit)."""
    foreign = identity is not None and identity.workspace_id != settings.workspace_id
    label = audit_label(identity, fallback) if identity else fallback
    finding = Finding("error", "File", str(e).rstrip("."), e.what_to_do, fixable=e.fixable)
    return (label + " of another workspace" if foreign else label), finding


def check_identity(
    register: Register, settings: Settings, identity: Identity, kind: FileKind
) -> AuditRecord:
    """The audit a file belongs to, once its identity agrees with the register; else SubmissionError."""
    expected = "audit_tool" if kind is FileKind.DOCX else "action_tracker"
    if identity.kind != expected:
        raise IdentityError(f"The file says it is an {identity.kind} but it is a {kind.value} file")
    if identity.workspace_id != settings.workspace_id:
        raise IdentityError(
            f"Audit {said_id(identity.audit_ref)} was issued by another qaf workspace (another team or "
            "council), not this one; this workspace's own audits are not affected",
            what_to_do="Send the file to the QA team that issued it.",
            fixable=False,
        )
    audit = register.audit(identity.audit_ref)
    if audit is None:
        raise IdentityError(
            f"Audit {said_id(identity.audit_ref)} is not in this workspace's register"
        )
    if audit.status == "cancelled":
        change = register.cancellation_of(audit.audit_ref)
        why = f" on {_day(change.at)} by {change.by_whom}: {change.reason}" if change else ""
        raise IdentityError(
            f"Audit {identity.audit_ref} was cancelled{why}. Its return is not recorded",
            what_to_do="Nothing more is needed for this audit. If it should go ahead after "
            "all, ask the QA team to add the case to a round again.",
            fixable=False,
        )
    moved = register.withdrawn_by_reassignment(audit.audit_ref, identity.issued_at)
    if moved is not None:
        raise IdentityError(
            f"This copy of audit {identity.audit_ref} was withdrawn on {_day(moved.at)} when "
            f"the audit was reassigned from {moved.details.get('from', '?')} to "
            f"{moved.details.get('to', '?')} ({moved.reason}). Its return is not recorded",
            what_to_do=f"Give the answers to {moved.details.get('to', 'the new auditor')}, who "
            "has the current audit tool, or ask the QA team to reassign the audit back.",
            fixable=False,
        )
    if audit.case_id != identity.case_id:
        raise IdentityError(
            f"The file names case {said_id(identity.case_id)} but audit {identity.audit_ref} is for "
            f"case {audit.case_id}"
        )
    if identity.framework_id != audit.framework_id:
        raise SubmissionError(
            f"This form was filled against the framework '{identity.framework_id}', but audit "
            f"{identity.audit_ref} belongs to round {audit.round_id}, which uses "
            f"'{audit.framework_id}'",
            what_to_do="Copy the answers into the audit tool issued for this audit in round "
            f"{audit.round_id}, or ask the QA team to reissue it.",
        )
    if identity.template_version not in register.template_versions():
        raise SubmissionError(
            f"Audit {identity.audit_ref} was made from a template version "
            f"({identity.template_version}) this workspace never issued",
            what_to_do="Ask the QA team for a fresh audit tool and copy the answers into it.",
        )
    return audit


#: The kind of file each identity's kind is, for a file too large to be looked at more closely.
KIND_OF = {"audit_tool": FileKind.DOCX, "action_tracker": FileKind.XLSX}


def oversized_identity(path: Path, limits: Limits) -> tuple[Identity, FileKind] | None:
    """Whose a file over the size limit is, from its document properties alone, and the kind of
    file its identity says it is; None when that cannot be told (it is refused either way)."""
    identity = identity_beyond_size(path, limits)
    if identity is None or identity.kind not in KIND_OF:
        return None
    return identity, KIND_OF[identity.kind]
