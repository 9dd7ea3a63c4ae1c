"""Derived files follow the register: whatever is behind it is rewritten, at every run.

Each manager's action tracker in ``outbox/packs/`` (with its hand-off copy in
``outbox/for-managers/<team>/``) and the consolidated ``QA_tracker.xlsx`` are
functions of the register. The register records which of its states each file was written from
(:mod:`qaf_docs.register.derived`); :func:`bring_up_to_date` rewrites every file that is behind or
missing. Ingest, each watcher burst, the watcher's start and ``qaf report`` call it, so a run
stopped anywhere (a kill, a full disk, a read-only folder) leaves at worst a delay, never a wrong or
missing file. The stamp is read before a file is written and recorded after, so a change that lands
meanwhile is picked up next time rather than hidden.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from qaf_docs.errors import QafError, os_error_advice
from qaf_docs.packs import action_tracker as tracker_pack
from qaf_docs.packs import details as pack_details
from qaf_docs.packs.handoff import hand_to_manager
from qaf_docs.records import AuditRecord
from qaf_docs.register.derived import ACTION_TRACKER, QA_TRACKER
from qaf_docs.register.store import Register
from qaf_docs.reports import qa_tracker as reports
from qaf_docs.safe_output import remove_leftover_temp_files
from qaf_docs.workspace import TRACKER_TEMPLATE, Settings, Workspace

log = logging.getLogger("qaf.derived")


@dataclass
class Catchup:
    """What :func:`bring_up_to_date` wrote, and what it could not write (each a plain sentence)."""

    written: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    tracker: Path | None = None


def tracker_path(ws: Workspace, audit: AuditRecord) -> Path:
    """Return where the manager's action tracker of ``audit`` lives."""
    _, xlsx = pack_details.pack_paths(ws.packs, audit.round_id, audit.audit_ref)
    return xlsx


def write_manager_tracker(
    ws: Workspace, register: Register, settings: Settings, audit: AuditRecord
) -> Path | None:
    """Write the audit's Excel tracker with its current actions, hand a copy to the manager's folder
    (``outbox/for-managers/<team>/``) and record the state it reflects; return the copy's path.

    The stamp is recorded only after both are written, so a hand-off cut short is redone.
    """
    reflects = register.action_tracker_states().get(audit.audit_ref)
    if reflects is None:
        return None  # no form accepted yet: the issued blank tracker is still the right one
    tool = register.submission(audit.audit_ref)
    actions = [
        pack_details.PackAction(
            a.number,
            a.description,
            a.owner,
            a.due_on,
            a.status,
            a.completed_on,
            a.evidence,
            a.signed_off_by,
            a.signed_off_on,
        )
        for a in register.current_actions(audit.audit_ref)
    ]
    details = pack_details.details_for(audit, settings, kind="action_tracker")
    tracker_pack.write_action_tracker(
        ws.template(TRACKER_TEMPLATE),
        details,
        actions,
        tracker_path(ws, audit),
        tool.audit_date if tool else None,
    )
    handed = hand_to_manager(tracker_path(ws, audit), ws.outbox, audit.team)
    register.record_derived(ACTION_TRACKER + audit.audit_ref, reflects)
    return handed


def bring_up_to_date(ws: Workspace, register: Register, settings: Settings) -> Catchup:
    """Rewrite every derived file that is behind the register or missing; never raise for one file.

    Files that cannot be written now (a full disk, a read-only folder, a tracker open in Excel) are
    listed in ``failed`` and tried again at the next run.
    """
    done = Catchup()
    for folder, recursive in ((ws.outbox, False), (ws.packs, True)):
        remove_leftover_temp_files(folder, recursive=recursive)
    stamps = register.derived_stamps()
    audits = {a.audit_ref: a for a in register.audits()}
    for audit_ref, state in register.action_tracker_states().items():
        audit = audits.get(audit_ref)
        if audit is None:
            continue
        name = ACTION_TRACKER + audit_ref
        if stamps.get(name) == state and tracker_path(ws, audit).exists():
            continue
        try:
            write_manager_tracker(ws, register, settings, audit)
            done.written.append(f"the action tracker of audit {audit_ref}")
        except (OSError, QafError) as exc:
            done.failed.append(f"the action tracker of audit {audit_ref}: {describe(exc)}")
    state = register.changes()
    if stamps.get(QA_TRACKER) != state or not ws.tracker_path.exists():
        try:
            done.tracker = reports.build_tracker(ws, register)
            if done.tracker == ws.tracker_path:
                register.record_derived(QA_TRACKER, state)
            done.written.append(ws.tracker_path.name)
        except (OSError, QafError) as exc:
            done.failed.append(f"{ws.tracker_path.name}: {describe(exc)}")
    for line in done.failed:
        log.warning("could not bring up to date %s; will try again at the next run", line)
    return done


def describe(exc: OSError | QafError) -> str:
    """Say in a few words why a file could not be written (no file content, no names)."""
    return str(exc) if isinstance(exc, QafError) else os_error_advice(exc)
