"""Take completed files from the inbox, once each: identify, read, validate, record, then move.

Order matters for "never lost, never read twice": a file's results and its content hash are committed
in one transaction, and only then is the file moved to ``outbox/processed/``. If qaf stops between the
two, the next run finds the hash already recorded under the same name, by this computer, and just
finishes the move. On a team register fed by inboxes on several computers, a file another computer
recorded first (even at the same moment: the register refuses the second) is set aside here as a
duplicate.
Anything that cannot be accepted goes to ``outbox/rejected/`` beside a ``.rejected.txt`` note for the
admin officer; nothing already recorded is touched by a rejected file.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from qaf_docs import clock
from qaf_docs.computer import this_computer
from qaf_docs.errors import (
    AlreadyRecordedError,
    FileInUseError,
    QafError,
    RegisterError,
    SubmissionError,
    TooLargeError,
    plain_reason,
)
from qaf_docs.findings import Finding, errors, warnings
from qaf_docs.inbox import derived
from qaf_docs.inbox import lifecycle_checks as checks
from qaf_docs.inbox.identity_checks import (
    FrameworkCache,
    audit_label,
    check_identity,
    file_identity,
    oversized_identity,
    refusal,
)
from qaf_docs.inbox.lock import WatcherLock
from qaf_docs.inbox.moves import move_without_clobber
from qaf_docs.inbox.notes import (
    NOTE_SUFFIX,
    duplicate_note,
    interrupted_note,
    note_path,
    rejection_note,
    write_note,
)
from qaf_docs.inbox.readiness import ReadinessMonitor, is_ignored, scan
from qaf_docs.inbox.reasons import register_reason
from qaf_docs.inbox.tracker_checks import tracker_checks
from qaf_docs.inbox.unidentified import tracker_named
from qaf_docs.office.parts import Limits, Package, sha256_file
from qaf_docs.office.safety import FileKind, inspect_office_file
from qaf_docs.packs.manager_points import points_said
from qaf_docs.records import AuditRecord, Identity
from qaf_docs.register.connection import KEEPS
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.returns.action_tracker import read_tracker
from qaf_docs.returns.audit_form import read_audit_form
from qaf_docs.returns.validation import validate
from qaf_docs.safe_output import remove_leftover_temp_files
from qaf_docs.workspace import Settings, Workspace

log = logging.getLogger("qaf.ingest")

WATCH_LOCK = ".qaf-watch.lock"

Result = Literal["accepted", "rejected", "duplicate", "waiting"]


@dataclass
class Outcome:
    """What happened to one inbox file; ``label`` names it without the file name (no child names)."""

    label: str
    result: Result
    audit_ref: str | None = None
    moved_to: Path | None = None
    note: Path | None = None
    findings: list[Finding] = field(default_factory=list)
    detail: str = ""
    problem: str = ""  # why it could not be recorded now (a full disk …): it waits in the inbox

    def line(self) -> str:
        """What happened, in the one line ``qaf ingest`` prints and ``qaf watch`` logs per file."""
        said = f"{self.label}: {self.result}" + (f" ({self.detail})" if self.detail else "")
        if self.result == "rejected":
            said += f": {len(errors(self.findings))} problem(s), see the note"
        return said


class Ingestor:
    """Processes inbox files for one workspace against its register."""

    def __init__(self, ws: Workspace, register: Register, settings: Settings) -> None:
        self.ws = ws
        self.register = register
        self.settings = settings
        self.limits = Limits(max_file_bytes=settings.inbox.max_file_mb * 1024 * 1024)
        self._framework = FrameworkCache(ws, settings, register.framework_text_of)
        # Which computer recorded a file: only that one may finish a move that was interrupted. (Not
        # the inbox's path: one computer may reach it as \\server\share and as a drive letter.)
        self.computer = this_computer()

    def process(self, path: Path) -> Outcome:
        """Process one complete file from the inbox and return what happened to it.

        Raises FileInUseError when the file is held open elsewhere: it is left for a later run.
        One file is received on one day: its checks, its record and the pathway it starts agree.
        """
        with clock.one_day():
            return self._process(path)

    def _process(self, path: Path) -> Outcome:
        try:
            digest = sha256_file(path)
        except PermissionError as e:
            raise FileInUseError(path) from e
        label = f"file #{digest[:8]}"
        seen = self.register.ingested(digest)
        if seen is not None and seen.outcome == "processed":
            if (
                seen.file_name == path.name
                and seen.recorded_by in (None, self.computer)
                and not self.register.is_filed(digest)
            ):
                # Recorded, but qaf stopped before the move: finish the job, record nothing again.
                checks.redo_pathway(self.register, seen.audit_ref, path, self._framework)
                done = Outcome(f"audit {seen.audit_ref}", "accepted", seen.audit_ref)
                done.detail = "finished an interrupted ingest"
                return self._move(path, self.ws.processed, done, digest)
            return self._duplicate(path, digest, seen.file_name, seen.audit_ref)
        identity: Identity | None = None
        try:
            with Package(path, self.limits) as package:  # one open for the check and identity
                kind = inspect_office_file(package, self.limits)
                identity = file_identity(package, kind)
            label = audit_label(identity, label)
            audit = check_identity(self.register, self.settings, identity, kind)
            if kind is FileKind.DOCX:
                return self._audit_tool(path, digest, identity, audit, label)
            return self._tracker(path, digest, identity, audit, label)
        except FileInUseError:
            raise
        except SubmissionError as e:
            said, finding = refusal(e, identity, self.settings, label)
            known = oversized_identity(path, self.limits) if isinstance(e, TooLargeError) else None
            if known is not None:  # pictures pasted in: whose it is, so its note says who to ask
                identity, kind = known
                try:
                    audit = check_identity(self.register, self.settings, identity, kind)
                except SubmissionError:
                    return self._reject(
                        path, digest, said, None, [finding], named=identity.audit_ref
                    )
                return self._reject(
                    path, digest, f"audit {audit.audit_ref}", audit, [finding],
                    for_manager=kind is FileKind.XLSX,
                )  # fmt: skip
            if identity is None:  # named by its content, as it names no audit
                # A tracker's sheet or name gives its audit: back to its manager.
                shown = getattr(e, "shown_ref", None) or tracker_named(path)
                return self._reject(
                    path, digest, label, None, [finding], named=shown, for_manager=bool(shown)
                )
            return self._reject(path, digest, said, None, [finding], named=identity.audit_ref)

    # -- the two kinds of file ---------------------------------------------------------------------

    def _audit_tool(
        self, path: Path, digest: str, identity: Identity, audit: AuditRecord, label: str
    ) -> Outcome:
        framework = self._framework(audit.framework_id, identity.framework_sha256)
        form = read_audit_form(path, framework, self.limits)
        found = form.findings + validate(
            form, framework, self.settings.validation, received_on=clock.today()
        )
        try:  # checked and recorded in one turn: no other computer records this audit between
            with self.register.transaction():
                self._not_recorded_meanwhile(digest)
                found += checks.form_lifecycle_findings(
                    self.register, form, audit, framework, self.settings, path.name
                )
                concern = checks.record_concern(self.register, audit, form, framework)
                if not errors(found):
                    replaced = checks.replacing(self.register, form)
                    self.register.record_audit_submission(
                        form, warnings(found), file_name=path.name, sha256=digest,
                        recorded_by=self.computer,
                    )  # fmt: skip
                    raised = self.register.apply_pathway(audit.audit_ref, framework, clock.today())
        except AlreadyRecordedError:
            return self._recorded_elsewhere(path, digest)
        if errors(found):
            outcome = self._reject(path, digest, label, audit, found, kept=concern.note)
            outcome.detail = concern.said
            return outcome
        log.debug("%s accepted (case %s)", label, identity.case_id)
        accepted = Outcome(label, "accepted", identity.audit_ref, findings=found)
        outcome = self._move(path, self.ws.processed, accepted, digest)
        said = [concern.said, replaced, *checks.pathway_said(audit, raised)]
        said.append(self._refresh_action_tracker(audit))
        outcome.detail = "; ".join(x for x in said if x)
        return outcome

    def _tracker(
        self, path: Path, digest: str, identity: Identity, audit: AuditRecord, label: str
    ) -> Outcome:
        try:
            tracker = read_tracker(path, self.limits, received_on=clock.today())
        except SubmissionError as e:  # the audit is known: the note says whose tracker it is
            finding = Finding("error", "File", str(e).rstrip("."), e.what_to_do)
            return self._reject(path, digest, label, audit, [finding], for_manager=True)
        framework = self._framework(audit.framework_id, identity.framework_sha256)
        within = self.settings.validation.action_window(framework.timescales.action_due_within_days)
        try:  # checked and recorded in one turn, as an audit tool is
            with self.register.transaction():
                self._not_recorded_meanwhile(digest)
                found = tracker_checks(
                    self.register, audit, tracker, self.settings.validation, within
                )
                if not errors(found):
                    self.register.record_tracker_submission(
                        identity.audit_ref, tracker.rows, file_name=path.name, sha256=digest,
                        recorded_by=self.computer, saved_at=tracker.saved_at,
                        warnings=warnings(found),
                    )  # fmt: skip
        except AlreadyRecordedError:
            return self._recorded_elsewhere(path, digest)
        if errors(found):
            return self._reject(path, digest, label, audit, found, for_manager=True)
        log.debug("%s action tracker accepted (%d actions)", label, len(tracker.rows))
        outcome = Outcome(label, "accepted", identity.audit_ref, findings=found)
        outcome.detail = points_said(identity.audit_ref, len(warnings(found)))
        return self._move(path, self.ws.processed, outcome, digest)

    def _not_recorded_meanwhile(self, digest: str) -> None:
        """Raise AlreadyRecordedError if another computer recorded this very file while it was read."""
        if (seen := self.register.ingested(digest)) is not None and seen.outcome == "processed":
            raise AlreadyRecordedError()

    def _refresh_action_tracker(self, audit: AuditRecord) -> str:
        """Re-issue the case's tracker with the actions just agreed, hand it to the manager's folder
        (``outbox/for-managers/<team>/``) and say where. A failure (full disk, read-only packs/)
        loses nothing: the register says the tracker is behind; the next catch-up writes it.
        """
        try:
            handed = derived.write_manager_tracker(self.ws, self.register, self.settings, audit)
        except (OSError, QafError) as exc:
            log.warning(
                "audit %s: action tracker not written yet (%s); will retry",
                audit.audit_ref,
                plain_reason(exc),
            )
            return ""
        if handed is None:
            return ""
        return f"manager's tracker ready in {handed.parent.relative_to(self.ws.outbox).as_posix()}/"

    # -- where files go ----------------------------------------------------------------------------

    def _move(self, path: Path, folder: Path, outcome: Outcome, digest: str) -> Outcome:
        try:
            outcome.moved_to = move_without_clobber(path, folder)
        except FileInUseError:
            outcome.detail = (
                "recorded; the file is still open elsewhere and will be moved next time"
            )
            return outcome
        try:
            self.register.mark_filed(digest)
        except QafError as exc:
            # Accepted and moved all the same; only a copy dropped again later goes unnoticed.
            log.warning("%s: could not note the finished move (%s)", outcome.label, exc)
        return outcome

    def _reject(
        self,
        path: Path,
        digest: str,
        label: str,
        audit: AuditRecord | None,
        found: list[Finding],
        *,
        for_manager: bool = False,
        kept: str = "",
        named: str | None = None,
    ) -> Outcome:
        note_text = rejection_note(
            path.name, audit, found, for_manager=for_manager, kept=kept, named=named, label=label
        )
        reason = register_reason(errors(found), self._framework.offered())[:2000]
        # The note is committed first: if qaf stops after the move, reconcile() can rewrite it.
        self.register.record_rejection(
            sha256=digest,
            file_name=path.name,
            audit_ref=audit.audit_ref if audit else None,
            reason=reason,
            note=note_text,
            # The audit's form, judged by content as every file is, never by its name.
            refuses_return=audit is not None and not for_manager,
        )
        moved = move_without_clobber(path, self.ws.rejected)
        note = write_note(moved, note_text)
        log.debug("%s rejected: %d problem(s), note written", label, len(errors(found)))
        return Outcome(label, "rejected", audit.audit_ref if audit else None, moved, note, found)

    def _recorded_elsewhere(self, path: Path, digest: str) -> Outcome:
        """The same content was recorded (from another computer) while this one was reading it."""
        seen = self.register.ingested(digest)
        first = seen.file_name if seen else path.name
        return self._duplicate(path, digest, first, seen.audit_ref if seen else None)

    def _duplicate(
        self, path: Path, digest: str, first_name: str, audit_ref: str | None
    ) -> Outcome:
        moved = move_without_clobber(path, self.ws.rejected)
        note = write_note(moved, duplicate_note(path.name, first_name, audit_ref))
        log.debug("audit %s: duplicate copy set aside", audit_ref)
        return Outcome(f"audit {audit_ref}", "duplicate", audit_ref, moved, note)

    def reconcile(self) -> int:
        """Write any note lost when qaf stopped between moving a rejected file and writing its note.

        Returns how many notes were written again.
        """
        restored = 0
        for folder in (self.ws.rejected, self.ws.processed):
            remove_leftover_temp_files(folder)  # writes cut short by a killed run
        for path in sorted(self.ws.rejected.iterdir()):
            if (
                not path.is_file()
                or is_ignored(path)
                or path.name.endswith(NOTE_SUFFIX)
                or note_path(path).exists()
            ):
                continue
            digest = sha256_file(path)
            text = self.register.rejection_note(digest)
            seen = self.register.ingested(digest)
            if text is None and seen is not None and seen.outcome == "processed":
                text = duplicate_note(path.name, seen.file_name, seen.audit_ref)
            if write_note(path, text if text is not None else interrupted_note(path.name)):
                restored += 1
                log.warning("a rejection note was missing after an interruption; written again")
        return restored


def ingest_inbox(
    ws: Workspace,
    *,
    settle_s: float = 1.0,
    on_file: Callable[[Outcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_tracker: Callable[[Path], None] | None = None,
) -> list[Outcome]:
    """Process every complete file in the inbox once; files still arriving are left for next time.
    ``on_tracker`` hears where a rebuilt QA tracker went (a dated copy if Excel holds it open)."""
    settings = ws.load_settings()
    # The same lock as `qaf watch`: two processes moving the same files would trip each other up.
    with WatcherLock(ws.inbox / WATCH_LOCK, log=log), open_register(ws, settings) as register:
        ingestor = Ingestor(ws, register, settings)
        ingestor.reconcile()
        readiness = ReadinessMonitor(stable_checks=2, min_stable_s=settle_s)
        readiness.ready(scan(ws.inbox))
        time.sleep(settle_s)
        candidates = scan(ws.inbox)
        ready = readiness.ready(candidates)
        if on_start:
            on_start(len(ready))
        # Read on every core, record in batches (inbox/bulk.py): each file still all-or-nothing.
        from qaf_docs.inbox.bulk import BulkIngestor, ingest_ready

        outcomes = ingest_ready(BulkIngestor(ws, register, settings), ready, on_file)
        for path in candidates:
            if path not in ready and path.exists():
                what, why = readiness.why_waiting(path)  # open in Word, empty, still copying
                outcomes.append(Outcome(what, "waiting", detail=why))
        try:
            caught_up = derived.bring_up_to_date(ws, register, settings)
        except RegisterError as e:  # the server went away after the files were recorded
            raise FilesHandledError(
                outcomes,
                f"{handled_summary(outcomes)} (do not drop them again); then the register could "
                "not be used to write the tracker, case notes and messages, which the next qaf "
                f"ingest, qaf watch or qaf report writes. ({str(e).replace(KEEPS, '').strip()})",
            ) from e
    if on_tracker and caught_up.tracker is not None:
        on_tracker(caught_up.tracker)
    if caught_up.failed:
        raise FilesHandledError(
            outcomes,
            f"{handled_summary(outcomes)}, but these outputs could not be written yet: "
            + _by_reason(caught_up.failed)
            + ". They are written at the next qaf ingest, qaf watch or qaf report.",
        )
    return outcomes


def _by_reason(failed: list[str]) -> str:
    """ "what: why" lines, those with one reason said once ("QA_tracker.xlsx and case notes and
    notifications: <the framework file's mistake>")."""
    reasons: dict[str, list[str]] = {}
    for line in failed:
        what, _, why = line.rstrip(".").partition(": ")
        reasons.setdefault(why, []).append(what)
    return "; ".join(
        f"{' and '.join(whats)}: {why}" if why else ", ".join(whats)
        for why, whats in reasons.items()
    )


class FilesHandledError(QafError):
    """The files were handled (``outcomes``: say what happened to each), then something failed."""

    def __init__(self, outcomes: list[Outcome], message: str) -> None:
        super().__init__(message)
        self.outcomes = outcomes


def handled_summary(outcomes: list[Outcome]) -> str:
    """ "30 file(s) handled: 28 accepted, 2 rejected"."""
    counts = Counter(o.result for o in outcomes)
    return f"{len(outcomes)} file(s) handled: " + ", ".join(f"{n} {r}" for r, n in counts.items())
