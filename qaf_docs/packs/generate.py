"""Audit packs: a pre-filled Word audit tool and an Excel action tracker for each allocated audit.

The templates are compiled once per process (``fast_render``, ``fast_tracker``) and the packs are
written on every core (``office.parallel``); the register is updated here, in the packs' order,
as each pack is on disk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from qaf_docs.file_lock import WatcherLock
from qaf_docs.frameworks import Framework, framework_sha256, framework_text, parse_framework
from qaf_docs.office.identity import read_custom_properties
from qaf_docs.office.parallel import map_in_order
from qaf_docs.packs.audit_tool import AuditToolWriter
from qaf_docs.packs.details import details_for, issued_at_now, pack_paths
from qaf_docs.packs.fast_tracker import TrackerWriter
from qaf_docs.packs.replaced import holds, set_aside
from qaf_docs.packs.resume import GeneratedPacks, generate_lock, kept_pack, stopped
from qaf_docs.packs.template_check import BRANCH_VALUES, audits_to_check, every_part, no_part
from qaf_docs.packs.templates import template_version
from qaf_docs.packs.tracker_guidance import action_guidance
from qaf_docs.records import AuditRecord, AuditResult, CaseFact, Identity
from qaf_docs.register.store import Register
from qaf_docs.safe_output import make_durable, remove_leftover_temp_files
from qaf_docs.workspace import AUDIT_TEMPLATE, TRACKER_TEMPLATE, Settings, Workspace

_BATCH = 64
#: The statuses whose pack ``--rewrite`` writes again: its form has not come back yet.
_REWRITABLE = ("allocated", "issued")

#: An audit as it will be recorded when issued, its case facts, and (a re-audit) its earlier audit.
_Job = tuple[AuditRecord, tuple[CaseFact, ...], AuditResult | None]


def generate_packs(
    ws: Workspace,
    register: Register,
    *,
    round_id: str | None = None,
    reissue: bool = False,
    rewrite: Collection[str] = (),
    on_pack: Callable[[str], None] | None = None,
) -> GeneratedPacks:
    """Write the Word tool and Excel tracker for every allocated audit (or a round's, or reissue).

    One run at a time per workspace (``generate_lock``). A run that stops part-way has recorded
    every pack it wrote and raises naming the audit that stopped it; the next run writes the rest.
    ``rewrite``: audits (allocated or issued) whose pack is written again: a file at its names
    that is not the audit's own is moved to ``set aside/`` first, never written over, and one that
    is its own is left as it is (``packs.replaced``).
    """
    with generate_lock(ws) as lock:
        remove_leftover_temp_files(ws.packs, recursive=True)  # a killed run's half-written packs
        settings = ws.load_settings()
        docx_template, xlsx_template = ws.template(AUDIT_TEMPLATE), ws.template(TRACKER_TEMPLATE)
        version = template_version(docx_template, xlsx_template)
        statuses = ("allocated", "issued") if reissue else ("allocated",)
        audits = [
            a
            for a in register.audits(round_id=round_id)
            if a.status in statuses or (a.audit_ref in rewrite and a.status in _REWRITABLE)
        ]
        run = _Run(ws.root, ws.packs, docx_template, xlsx_template, settings, reissue=reissue)
        run.rewrite = frozenset(rewrite)
        packs = GeneratedPacks()
        jobs = _jobs(ws, register, run, audits, version, packs)
        check_template(run, jobs)
        # Only now: a template refused above leaves every file where it was. A file at a pack's
        # name that is not the audit's own (another audit's form) is never written over, not even
        # by --reissue; with --rewrite, the audit's own is left as it is too.
        for audit in audits:
            rewriting = audit.audit_ref in run.rewrite
            if not (rewriting or reissue):
                continue
            for path in pack_paths(ws.packs, audit.round_id, audit.audit_ref):
                if not path.is_file():
                    continue
                if holds(path, audit, settings.workspace_id):
                    packs.set_aside.append((path, set_aside(path)))
                elif rewriting:  # its auditor or manager may be filling it in
                    packs.own.append(path)
        _write_all(register, run, jobs, packs, on_pack, lock)
        return packs


def _jobs(
    ws: Workspace,
    register: Register,
    run: _Run,
    audits: list[AuditRecord],
    version: str,
    packs: GeneratedPacks,
) -> list[_Job]:
    """What each pack is written from: the audit as it will be recorded, its facts, its past."""
    fingerprints: dict[str, str] = {}
    earlier = earlier_audits(register, audits)
    jobs: list[_Job] = []
    for audit in audits:
        if audit.framework_id not in run.frameworks:
            # The register keeps the exact text the packs are made from, before any pack exists:
            # a form comes back read against it however the file changes meanwhile.
            text, origin = framework_text(audit.framework_id, ws.root)
            run.frameworks[audit.framework_id] = parse_framework(text, origin)
            fingerprints[audit.framework_id] = framework_sha256(text)
            register.keep_framework_text(audit.framework_id, text, fingerprints[audit.framework_id])
        issued = {
            "framework_version": run.frameworks[audit.framework_id].version,
            "framework_sha256": fingerprints[audit.framework_id],
            "template_version": version,
            "issued_at": issued_at_now(),
        }
        paths = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
        mine = run.reissue or audit.audit_ref in run.rewrite
        kept = None if mine else kept_pack(audit, paths, run.settings.workspace_id)
        if kept is not None:  # left by a run that stopped before recording it: recorded as it is
            packs.kept.append(audit.audit_ref)
            issued = {
                "framework_version": kept.framework_version,
                "framework_sha256": kept.framework_sha256 or issued["framework_sha256"],
                "template_version": kept.template_version,
                "issued_at": kept.issued_at,
            }
        record = AuditRecord(**{**audit.__dict__, **issued})
        # Case facts come from the register here: the workers that write packs never open it.
        jobs.append(
            (record, tuple(register.case_facts(audit.audit_ref)), earlier.get(audit.audit_ref))
        )
    return jobs


def _write_all(
    register: Register,
    run: _Run,
    jobs: list[_Job],
    packs: GeneratedPacks,
    on_pack: Callable[[str], None] | None,
    lock: WatcherLock,
) -> None:
    """Write every pack and record it as issued once on disk, one flush and one transaction per
    batch; if a pack cannot be written, record those before it and raise saying which it was."""
    pending: list[tuple[AuditRecord, _Written]] = []
    results = map_in_order(_write_pack, jobs, setup=_setup, setup_args=(run,))
    try:
        for at, (record, _, _) in enumerate(jobs):
            try:
                outcome = next(results)
                if isinstance(outcome, _Failed):
                    raise outcome.error
            except BaseException as error:
                results.close()  # the workers finish the packs in hand, and start no more
                with contextlib.suppress(Exception):  # else the next run finds them on disk
                    pending.extend(_written_meanwhile(run, jobs[at + 1 :]))
                    _record(register, pending, packs, on_pack)
                raise stopped(error, record, len(packs), len(jobs)) from error
            pending.append((record, outcome))
            if len(pending) == _BATCH:
                _record(register, pending, packs, on_pack)
                lock.heartbeat()  # a long run is not taken for a crashed one
        _record(register, pending, packs, on_pack)
    finally:
        results.close()


def _written_meanwhile(run: _Run, jobs: list[_Job]) -> list[tuple[AuditRecord, _Written]]:
    """The packs of ``jobs`` that other workers wrote whole after the one that failed.

    Recorded with the rest, so that what the message counts is what the folder holds.
    """
    found: list[tuple[AuditRecord, _Written]] = []
    for record, _, _ in jobs:
        paths = pack_paths(run.packs, record.round_id, record.audit_ref)
        if not all(path.exists() for path in paths):
            continue
        identity = Identity.from_properties(read_custom_properties(paths[0]))
        if identity is not None and identity.issued_at == record.issued_at:
            found.append((record, _Written(paths)))
    return found


def _record(
    register: Register,
    pending: list[tuple[AuditRecord, _Written]],
    packs: GeneratedPacks,
    on_pack: Callable[[str], None] | None,
) -> None:
    """Record the packs on disk as issued (a pack is issued only once its files are flushed)."""
    batch = list(pending)
    pending.clear()
    if not batch:
        return
    make_durable(path for _, written in batch for path in written.paths)
    register.mark_issued_many(
        [
            (r.audit_ref, r.framework_version or "", r.template_version or "", r.issued_at or "")
            for r, _ in batch
        ]
    )
    for record, written in batch:
        packs.append(written.wanted)
        packs.dated_copies.extend(written.dated_copies)
        if on_pack:
            on_pack(record.audit_ref)


def earlier_audits(register: Register, audits: list[AuditRecord]) -> dict[str, AuditResult]:
    """For each re-audit among ``audits``, the case's earlier audit as the register knows it."""
    previous = {
        a.audit_ref: ref
        for a in audits
        if register.round_kind(a.round_id) == "reaudit"
        and (ref := register.previous_audit(a.audit_ref))
    }
    if not previous:
        return {}
    results = {r.audit_ref: r for r in register.results()}
    return {ref: results[before] for ref, before in previous.items() if before in results}


def check_template(run: _Run, jobs: list[_Job]) -> None:
    """Refuse an audit tool template that lacks a box the forms need or holds a broken tag, before
    any pack is written.

    Once per run (never per pack), by the writer that then writes this process's packs: one audit
    of each framework and case type, and of each value of any other the template compares, each
    rendered as it is, with every optional part shown and with every one hidden
    (``template_check``).
    """
    if run.audit_tool is None:
        run.audit_tool = AuditToolWriter(run.docx_template)
    compared = run.audit_tool.compared(BRANCH_VALUES)
    for record, facts, previous in audits_to_check(jobs, compared):
        framework = run.frameworks[record.framework_id]
        details = details_for(record, run.settings, kind="audit_tool", case_facts=facts)
        variants = (partial(every_part, framework), lambda _: no_part())
        days = _action_days(run.settings, framework)
        run.audit_tool.check(details, framework, days, previous, variants)
        if run.tracker is None:  # the tracker template is filled once here: refused before a pack
            tracker = details_for(record, run.settings, kind="action_tracker")
            run.tracker = TrackerWriter(run.xlsx_template, tracker)


def _action_days(settings: Settings, framework: Framework) -> int | None:
    return settings.validation.action_window(framework.timescales.action_due_within_days)


@dataclass
class _Run:
    """What every pack of a run shares; compiled once in each process that writes packs."""

    root: Path
    packs: Path
    docx_template: Path
    xlsx_template: Path
    settings: Settings
    frameworks: dict[str, Framework] = field(default_factory=dict)
    reissue: bool = False
    rewrite: frozenset[str] = frozenset()
    audit_tool: AuditToolWriter | None = None
    tracker: TrackerWriter | None = None

    def __getstate__(self) -> dict[str, object]:
        # Sent to the workers without the compiled writers: each worker compiles its own.
        return {**self.__dict__, "audit_tool": None, "tracker": None}


_run: _Run | None = None


def _setup(run: _Run) -> None:
    global _run
    if run.audit_tool is None:  # in this process, the writer that checked the template
        run.audit_tool = AuditToolWriter(run.docx_template)
    _run = run


@dataclass(frozen=True)
class _Written:
    """Where an audit's pack is (``wanted``), and any file written beside one held open."""

    wanted: tuple[Path, Path]
    dated_copies: tuple[Path, ...] = ()

    @property
    def paths(self) -> tuple[Path, ...]:
        return (*self.wanted, *self.dated_copies)


@dataclass(frozen=True)
class _Failed:
    """Why an audit's pack could not be written."""

    error: Exception


def _write_pack(job: _Job) -> _Written | _Failed:
    """Write one audit's pack, or say why it could not be.

    Returned, not raised: from a worker, an error surfaces at the first audit of its batch, and
    the run must name (and record the packs before) the audit it really was.
    """
    try:
        return _write_one(job)
    except Exception as error:
        return _Failed(error)


def _write_one(job: _Job) -> _Written:
    """Write one audit's pack; a file of it already on disk is kept unless reissuing."""
    record, facts, previous = job
    run = _run
    assert run is not None and run.audit_tool is not None, "_setup runs first"
    framework = run.frameworks[record.framework_id]  # as read once, and kept, by generate_packs
    docx_path, xlsx_path = pack_paths(run.packs, record.round_id, record.audit_ref)
    days = _action_days(run.settings, framework)
    placed: list[Path] = []
    if run.reissue or not docx_path.exists():
        docx_details = details_for(record, run.settings, kind="audit_tool", case_facts=facts)
        placed.append(
            run.audit_tool.write(docx_details, framework, days, docx_path, previous, durable=False)
        )
    if run.reissue or not xlsx_path.exists():
        xlsx_details = details_for(
            record, run.settings, kind="action_tracker", action_guidance=action_guidance(framework)
        )
        if run.tracker is None:
            run.tracker = TrackerWriter(run.xlsx_template, xlsx_details)
        placed.append(run.tracker.write(xlsx_details, xlsx_path, durable=False))
    dated = tuple(p for p in placed if p not in (docx_path, xlsx_path))  # the pack was open
    return _Written((docx_path, xlsx_path), dated)
