"""A burst of inbox files at once: read on every core, record in batches, move after each commit.

``Ingestor.process`` handles one file in one transaction. For a burst (hundreds of forms dropped in
an afternoon) that is slow: reading forms is CPU work that a pool can spread over every core, and a
commit per file waits on the disk each time. Here:

1. every file is hashed, checked, identified, read and validated in worker processes
   (``office.parallel``), which touch neither the register nor the inbox;
2. in this process, files are recorded in batches: one transaction per batch and a savepoint per
   file, so each file is all-or-nothing and a file that fails is undone alone, never blocking or
   half-recording another (DESIGN.md contract 5);
3. only after its batch commits is any file moved to processed/ or rejected/ (with its note); a
   stop before the move is finished by the next run, as for a single file;
4. each audit's Excel tracker is re-issued once for the whole burst, not once per form, on every
   core, through ``inbox.derived``: each records the register state it reflects, so a tracker
   that could not be written is caught up by the next run like any other derived file.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from qaf_docs import clock
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
from qaf_docs.inbox.ingest import FilesHandledError, Ingestor, Outcome, handled_summary
from qaf_docs.inbox.moves import move_without_clobber
from qaf_docs.inbox.notes import rejection_note, write_note
from qaf_docs.inbox.reasons import register_reason
from qaf_docs.inbox.tracker_checks import tracker_checks
from qaf_docs.inbox.unidentified import tracker_named
from qaf_docs.office.parallel import batched, map_in_order
from qaf_docs.office.parts import Limits, Package, sha256_file
from qaf_docs.office.safety import FileKind, inspect_office_file
from qaf_docs.packs.handoff import FOR_MANAGERS, folder_name
from qaf_docs.packs.manager_points import points_said
from qaf_docs.records import AuditForm, AuditRecord, Identity
from qaf_docs.register.connection import KEEPS
from qaf_docs.returns.action_tracker import TrackerForm, read_tracker
from qaf_docs.returns.audit_form import read_audit_form
from qaf_docs.returns.validation import validate
from qaf_docs.workspace import Settings, Workspace

log = logging.getLogger("qaf.ingest")

#: Files recorded per transaction: big enough to spare the disk, small enough to lose little work.
BATCH = 50


@dataclass
class Reading:
    """What a worker found in one inbox file, before the register is consulted."""

    path: Path
    digest: str | None = None
    kind: FileKind | None = None
    identity: Identity | None = None
    form: AuditForm | None = None
    tracker: TrackerForm | None = None
    findings: list[Finding] = field(default_factory=list)
    problem: Finding | None = None  # the file cannot be read as a qaf form at all
    in_use: bool = False
    unexpected: str = ""  # qaf itself failed on the file (the error's kind): it stays in the inbox
    oversized: bool = False  # over the size limit, its identity read from its properties alone
    shown_ref: str | None = None  # a workbook with no identity: the audit its sheet shows


@dataclass
class _Pending:
    """A file decided inside a batch, waiting for the batch to commit before it is moved."""

    path: Path
    digest: str
    outcome: Outcome
    folder: Path | None = None  # where to move it; None: leave it where it is
    note: str | None = None


class BulkIngestor(Ingestor):
    """An :class:`Ingestor` that takes many files at once (``ingest_files``)."""

    def ingest_files(
        self,
        paths: Sequence[Path],
        on_file: Callable[[Outcome], None] | None = None,
        *,
        stop: Callable[[], bool] = lambda: False,
    ) -> list[Outcome]:
        """Process ``paths`` (all complete) and return their outcomes in the same order.

        Once ``stop()`` is true (Ctrl+C in ``qaf watch``) no further file is started: those
        decided are committed and moved, and the rest stay in the inbox untouched ("waiting").
        """
        # One burst is received on one day: the workers' checks, the records and the pathways.
        with clock.one_day():
            return self._ingest_files(paths, on_file, stop)

    def _ingest_files(
        self,
        paths: Sequence[Path],
        on_file: Callable[[Outcome], None] | None,
        stop: Callable[[], bool],
    ) -> list[Outcome]:
        # The workers never open the register: they get the kept framework texts (a handful).
        kept = self.register.framework_texts()
        setup_args = (self.ws.root, self.settings, self.limits, clock.today(), kept)
        readings = map_in_order(_read, list(paths), setup=_setup, setup_args=setup_args)
        outcomes: list[Outcome] = []
        refresh: dict[str, AuditRecord] = {}
        for batch in batched(itertools.takewhile(lambda _: not stop(), readings), BATCH):
            # One transaction per batch (the change counter moves once), a savepoint per file.
            with self.register.transaction():
                pending = []
                for reading in batch:
                    if stop():
                        break
                    pending.append(self._decide(reading, refresh))
            # The batch is committed: now, and only now, files move. Their "filed" marks share one
            # commit; a mark lost to a crash loses no form, only the chance to call a copy dropped
            # again later a duplicate (as when a crash falls between one file's move and its mark).
            with self.register.transaction(counted=False):
                for item in pending:
                    outcome = self._place(item)
                    outcomes.append(outcome)
                    if on_file:
                        on_file(outcome)
        later = "not started: qaf is stopping; it stays in the inbox for the next run"
        outcomes += [Outcome("a file", "waiting", detail=later) for _ in paths[len(outcomes) :]]
        handed = self._refresh_trackers(list(refresh.values()))
        for outcome in outcomes:  # say where an accepted form's tracker went, as one file would
            audit = refresh.get(outcome.audit_ref or "")
            if outcome.result == "accepted" and audit and outcome.audit_ref in handed:
                said = f"manager's tracker ready in {FOR_MANAGERS}/{folder_name(audit.team)}/"
                outcome.detail = "; ".join(x for x in (outcome.detail, said) if x)
        return outcomes

    def _refresh_trackers(self, audits: list[AuditRecord]) -> set[str]:
        """Re-issue the burst's Excel trackers, each once, on every core (``inbox.derived``), and
        return the audits whose tracker reached the manager's folder.

        A tracker that cannot be written loses nothing: the register says it is behind, and the
        catch-up at the end of this run (or the next) writes it.
        """
        # Meanwhile: the QA tracker, case notes and messages (what fails is redone by the catch-up).
        built = derived.Catchup()
        done = derived.write_manager_trackers(
            self.ws,
            self.register,
            self.settings,
            audits,
            meanwhile=lambda: derived.catch_up_here(self.ws, self.register, self.settings, built),
        )
        failed = " ".join(line.split(":", 1)[0] for line in done.failed)
        for line in done.failed:
            log.warning("%s not written yet; will retry", line.split(":", 1)[0])
        return {a.audit_ref for a in audits if f"audit {a.audit_ref}" not in failed}

    def _decide(self, reading: Reading, refresh: dict[str, AuditRecord]) -> _Pending:
        path = reading.path
        if reading.in_use or reading.digest is None:
            outcome = Outcome("a file", "waiting", detail="open in another program")
            return _Pending(path, reading.digest or "", outcome)
        if reading.unexpected:
            detail = (
                f"qaf could not read it ({reading.unexpected}); it stays in the inbox and is tried "
                "again next run: if this keeps happening, send the file to whoever supports qaf"
            )
            label = f"file #{reading.digest[:8]}"
            return _Pending(path, reading.digest, Outcome(label, "waiting", detail=detail))
        digest = reading.digest
        label = f"file #{digest[:8]}"
        seen = self.register.ingested(digest)
        if seen is not None and seen.outcome == "processed":
            if (
                seen.file_name == path.name
                and seen.recorded_by in (None, self.computer)  # only the computer that recorded it
                and not self.register.is_filed(digest)
            ):
                # Recorded, but qaf stopped before the move: finish the job, record nothing again
                # (the Inadequate pathway, recorded just after the form, is applied if it was not).
                checks.redo_pathway(self.register, seen.audit_ref, path, self._framework)
                detail = "finished an interrupted ingest"
                outcome = Outcome(
                    f"audit {seen.audit_ref}", "accepted", seen.audit_ref, detail=detail
                )
                return _Pending(path, digest, outcome, self.ws.processed)
            return self._duplicate_later(path, digest, seen.file_name, seen.audit_ref)
        if reading.identity is None or reading.kind is None:
            problem = reading.problem or Finding("error", "File", "unreadable", "")
            shown = reading.shown_ref  # back to the manager, whose sheet says which audit
            return self._reject_later(
                path, digest, label, None, [problem], named=shown, for_manager=bool(shown)
            )
        identity = reading.identity
        label = audit_label(identity, label)
        try:  # the register's view of the identity first, as for a single file
            audit = check_identity(self.register, self.settings, identity, reading.kind)
        except SubmissionError as e:
            label, finding = refusal(e, identity, self.settings, label)
            return self._reject_later(
                path, digest, label, None, [finding], named=identity.audit_ref
            )
        if reading.problem is not None:
            # A tracker whose table cannot be read is still the known audit's: its note says so
            # and goes to the manager (a form's problem is left as it was: no audit named).
            tracker = reading.kind is FileKind.XLSX
            return self._reject_later(
                path, digest, label, audit if tracker or reading.oversized else None,
                [reading.problem],
                for_manager=tracker,
            )  # fmt: skip
        # The lifecycle's checks need the register, so they run here rather than in the workers;
        # a safeguarding concern is kept even when the rest of the file is refused.
        framework = self._framework(audit.framework_id, identity.framework_sha256)
        found = list(reading.findings)
        concern = checks.Concern()
        if reading.form is not None:
            found += checks.form_lifecycle_findings(
                self.register, reading.form, audit, framework, self.settings, path.name
            )
            concern = checks.record_concern(self.register, audit, reading.form, framework)
        elif reading.tracker is not None:
            rules = self.settings.validation
            within = rules.action_window(framework.timescales.action_due_within_days)
            found = tracker_checks(self.register, audit, reading.tracker, rules, within)
        if errors(found):
            pending = self._reject_later(
                path, digest, label, audit, found, kept=concern.note,
                for_manager=reading.form is None,
            )  # fmt: skip
            pending.outcome.detail = concern.said
            return pending
        raised = []
        replaced = ""
        try:
            with self.register.transaction():  # a savepoint: this file alone, all or nothing
                if reading.form is not None:
                    replaced = checks.replacing(self.register, reading.form)
                    self.register.record_audit_submission(
                        reading.form,
                        warnings(found),
                        file_name=path.name,
                        sha256=digest,
                        recorded_by=self.computer,
                    )
                    raised = self.register.apply_pathway(audit.audit_ref, framework, clock.today())
                elif reading.tracker is not None:
                    self.register.record_tracker_submission(
                        identity.audit_ref,
                        reading.tracker.rows,
                        file_name=path.name,
                        sha256=digest,
                        recorded_by=self.computer,
                        saved_at=reading.tracker.saved_at,
                        warnings=warnings(found),
                    )
            # Its tracker is behind now (a form's actions, a manager's updates): re-issue once.
            refresh[audit.audit_ref] = audit
        except AlreadyRecordedError:
            # Another computer recorded this very file while this one was reading it.
            seen = self.register.ingested(digest)
            first = seen.file_name if seen else path.name
            return self._duplicate_later(path, digest, first, seen.audit_ref if seen else None)
        except QafError as e:
            log.warning("%s could not be recorded; left in the inbox: %s", label, e)
            outcome = Outcome(label, "waiting", detail=f"not recorded: {e}", problem=str(e))
            return _Pending(path, digest, outcome)
        log.debug("%s accepted (case %s)", label, identity.case_id)
        said = [concern.said, replaced, *checks.pathway_said(audit, raised)]
        if reading.tracker is not None:
            said.append(points_said(audit.audit_ref, len(warnings(found))))
        detail = "; ".join(x for x in said if x)
        outcome = Outcome(label, "accepted", identity.audit_ref, findings=found, detail=detail)
        return _Pending(path, digest, outcome, self.ws.processed)

    def _reject_later(
        self,
        path: Path,
        digest: str,
        label: str,
        audit: AuditRecord | None,
        found: list[Finding],
        *,
        kept: str = "",
        for_manager: bool = False,
        named: str | None = None,
    ) -> _Pending:
        note = rejection_note(
            path.name, audit, found, for_manager=for_manager, kept=kept, named=named, label=label
        )
        reason = register_reason(errors(found), self._framework.offered())[:2000]
        ref = audit.audit_ref if audit else None
        self.register.record_rejection(
            sha256=digest,
            file_name=path.name,
            audit_ref=ref,
            reason=reason,
            note=note,
            # The audit's form, judged by content as every file is, never by its name.
            refuses_return=audit is not None and not for_manager,
        )
        log.debug("%s rejected: %d problem(s), note written", label, len(errors(found)))
        outcome = Outcome(label, "rejected", ref, findings=found)
        return _Pending(path, digest, outcome, self.ws.rejected, note)

    def _duplicate_later(
        self, path: Path, digest: str, first_name: str, audit_ref: str | None
    ) -> _Pending:
        outcome = Outcome(f"audit {audit_ref}", "duplicate", audit_ref)
        return _Pending(path, digest, outcome, None, first_name)

    def _place(self, item: _Pending) -> Outcome:
        outcome = item.outcome
        if outcome.result == "duplicate":
            return self._duplicate(item.path, item.digest, item.note or "", outcome.audit_ref)
        if item.folder is None:
            return outcome
        if outcome.result == "rejected":
            outcome.moved_to = move_without_clobber(item.path, item.folder)
            outcome.note = write_note(outcome.moved_to, item.note or "")
            return outcome
        return self._move(item.path, item.folder, outcome, item.digest)


def ingest_ready(
    bulk: BulkIngestor, paths: Sequence[Path], on_file: Callable[[Outcome], None] | None
) -> list[Outcome]:
    """``bulk.ingest_files`` for ``qaf ingest``. When the register is lost after some batches were
    committed and their files moved (the server restarted half-way through a burst), the person
    is told what happened to those files, not only that the register could not be used."""
    placed: list[Outcome] = []

    def each(outcome: Outcome) -> None:
        placed.append(outcome)
        if on_file:
            on_file(outcome)

    try:
        return bulk.ingest_files(paths, each)
    except RegisterError as e:
        if not placed:
            raise
        raise FilesHandledError(
            placed,
            f"{handled_summary(placed)} (do not drop them again); then the register could not "
            f"be used, and the other {len(paths) - len(placed)} file(s) stay in the inbox for the "
            f"next qaf ingest or qaf watch. ({str(e).replace(KEEPS, '').strip()})",
        ) from e


# -- the workers' side: reading only, no register, no moves ------------------------------------


@dataclass
class _Readers:
    """What every worker shares: the workspace, its settings and the frameworks met so far."""

    ws: Workspace
    settings: Settings
    limits: Limits
    today: date
    kept: dict[str, str]  # the framework texts packs were made from, by fingerprint
    framework: FrameworkCache = field(init=False)

    def __post_init__(self) -> None:
        self.framework = FrameworkCache(self.ws, self.settings, self.kept.get)


_readers: _Readers | None = None


def _setup(
    root: Path, settings: Settings, limits: Limits, today: date, kept: dict[str, str]
) -> None:
    global _readers
    _readers = _Readers(Workspace(root), settings, limits, today, kept)


def _read(path: Path) -> Reading:
    """Hash, check, identify, read and validate one file (in a worker process)."""
    readers = _readers
    assert readers is not None, "_setup runs first"
    limits = readers.limits
    reading = Reading(path)
    try:
        reading.digest = sha256_file(path)
    except (PermissionError, FileInUseError):
        reading.in_use = True
        return reading
    # One open of the file: the safety check keeps the parts the readers parse next.
    try:
        with Package(path, limits) as package:
            _read_package(package, reading, readers)
    except FileInUseError:
        reading.in_use = True
    except SubmissionError as e:
        reading.problem = refusal(e, None, readers.settings)[1]
        reading.shown_ref = getattr(e, "shown_ref", None) or tracker_named(path)
        known = oversized_identity(path, limits) if isinstance(e, TooLargeError) else None
        if known is not None:  # pictures pasted in: whose it is, so its note says who to ask
            reading.identity, reading.kind = known
            reading.oversized = True
    except Exception as exc:
        # qaf's own failure, not the sender's mistake: the file stays where it is, the rest go on.
        # An error's text may quote the file, so only its kind is logged (details at debug level).
        reading.unexpected = plain_reason(exc)
        log.error("could not read a file (%s); it stays in the inbox", reading.unexpected)
        log.debug("details", exc_info=True)
    return reading


def _read_package(package: Package, reading: Reading, readers: _Readers) -> None:
    path, limits = package.path, package.limits
    reading.kind = inspect_office_file(package, limits)
    reading.identity = identity = file_identity(package, reading.kind)
    if reading.kind is FileKind.DOCX and identity.kind == "audit_tool":
        framework = readers.framework(identity.framework_id, identity.framework_sha256)
        form = read_audit_form(package, framework, limits)
        reading.form = form
        reading.findings = form.findings + validate(
            form, framework, readers.settings.validation, received_on=readers.today
        )
    elif reading.kind is FileKind.XLSX and identity.kind == "action_tracker":
        reading.tracker = read_tracker(path, limits, received_on=readers.today)
        reading.findings = reading.tracker.findings
