"""Audit packs: a pre-filled Word audit tool and an Excel action tracker for each allocated audit.

The templates are compiled once per process (``fast_render``, ``fast_tracker``) and the packs are
written on every core (``office.parallel``); the register is updated here, in the packs' order,
as each pack is on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qaf_docs.frameworks import Framework, framework_sha256, framework_text, parse_framework
from qaf_docs.office.parallel import batched, map_in_order
from qaf_docs.packs.audit_tool import AuditToolWriter
from qaf_docs.packs.details import details_for, issued_at_now, pack_paths
from qaf_docs.packs.fast_tracker import TrackerWriter
from qaf_docs.packs.templates import template_version
from qaf_docs.records import AuditRecord, AuditResult, CaseFact
from qaf_docs.register.store import Register
from qaf_docs.safe_output import make_durable
from qaf_docs.workspace import AUDIT_TEMPLATE, TRACKER_TEMPLATE, Settings, Workspace

_BATCH = 64


def generate_packs(
    ws: Workspace,
    register: Register,
    *,
    round_id: str | None = None,
    reissue: bool = False,
    on_pack: Callable[[str], None] | None = None,
) -> list[tuple[Path, Path]]:
    """Write the Word tool and Excel tracker for every allocated audit (or a round's, or reissue)."""
    settings = ws.load_settings()
    docx_template, xlsx_template = ws.template(AUDIT_TEMPLATE), ws.template(TRACKER_TEMPLATE)
    version = template_version(docx_template, xlsx_template)
    frameworks: dict[str, Framework] = {}
    fingerprints: dict[str, str] = {}
    statuses = ("allocated", "issued") if reissue else ("allocated",)
    audits = [a for a in register.audits(round_id=round_id) if a.status in statuses]
    earlier = earlier_audits(register, audits)
    jobs: list[tuple[AuditRecord, tuple[CaseFact, ...], AuditResult | None]] = []
    for audit in audits:
        if audit.framework_id not in frameworks:
            # The register keeps the exact text the packs are made from, before any pack exists:
            # a form comes back read against it however the file changes meanwhile.
            text, origin = framework_text(audit.framework_id, ws.root)
            frameworks[audit.framework_id] = parse_framework(text, origin)
            fingerprints[audit.framework_id] = framework_sha256(text)
            register.keep_framework_text(audit.framework_id, text, fingerprints[audit.framework_id])
        record = AuditRecord(
            **{
                **audit.__dict__,
                "framework_version": frameworks[audit.framework_id].version,
                "framework_sha256": fingerprints[audit.framework_id],
                "template_version": version,
                "issued_at": issued_at_now(),
            }
        )
        # Case facts come from the register here: the workers that write packs never open it.
        jobs.append(
            (record, tuple(register.case_facts(audit.audit_ref)), earlier.get(audit.audit_ref))
        )
    run = _Run(ws.root, ws.packs, docx_template, xlsx_template, settings, frameworks)
    check_template(run, jobs)
    written: list[tuple[Path, Path]] = []
    results = map_in_order(_write_pack, jobs, setup=_setup, setup_args=(run,))
    # A pack is recorded as issued only once its files are on disk; one flush and one transaction
    # per batch instead of one per file.
    for batch in batched(zip(jobs, results, strict=True), _BATCH):
        make_durable(path for _, paths in batch for path in paths)
        register.mark_issued_many(
            [
                (r.audit_ref, r.framework_version or "", version, r.issued_at or "")
                for (r, _, _), _ in batch
            ]
        )
        for (record, _, _), paths in batch:
            written.append(paths)
            if on_pack:
                on_pack(record.audit_ref)
    return written


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


def check_template(
    run: _Run, jobs: list[tuple[AuditRecord, tuple[CaseFact, ...], AuditResult | None]]
) -> None:
    """Refuse an audit tool template that lacks a box the forms need, before any pack is written.

    One audit of each framework is rendered here, once per run (never per pack), by the writer
    that then writes this process's packs.
    """
    checked: set[str] = set()
    for record, facts, previous in jobs:
        if record.framework_id in checked:
            continue
        checked.add(record.framework_id)
        framework = run.frameworks[record.framework_id]
        if run.audit_tool is None:
            run.audit_tool = AuditToolWriter(run.docx_template)
        details = details_for(record, run.settings, kind="audit_tool", case_facts=facts)
        run.audit_tool.check(details, framework, _action_days(run.settings, framework), previous)
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


def _write_pack(
    job: tuple[AuditRecord, tuple[CaseFact, ...], AuditResult | None],
) -> tuple[Path, Path]:
    record, facts, previous = job
    run = _run
    assert run is not None and run.audit_tool is not None, "_setup runs first"
    framework = run.frameworks[record.framework_id]  # as read once, and kept, by generate_packs
    docx_path, xlsx_path = pack_paths(run.packs, record.round_id, record.audit_ref)
    days = _action_days(run.settings, framework)
    docx_details = details_for(record, run.settings, kind="audit_tool", case_facts=facts)
    run.audit_tool.write(docx_details, framework, days, docx_path, previous, durable=False)
    xlsx_details = details_for(record, run.settings, kind="action_tracker")
    if run.tracker is None:
        run.tracker = TrackerWriter(run.xlsx_template, xlsx_details)
    run.tracker.write(xlsx_details, xlsx_path, durable=False)
    return docx_path, xlsx_path
