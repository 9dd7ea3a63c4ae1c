"""Derived files follow the register: whatever is behind it is rewritten, at every run.

Each manager's action tracker in ``outbox/packs/`` (with its hand-off copy in
``outbox/for-managers/<team>/``) and the consolidated ``QA_tracker.xlsx`` are
functions of the register. The register records which of its states each file was written from
(:mod:`qaf_docs.register.derived`); :func:`bring_up_to_date` rewrites every file that is behind or
missing. Ingest, each watcher burst, the watcher's start and ``qaf report`` call it, so a run
stopped anywhere (a kill, a full disk, a read-only folder) leaves at worst a delay, never a wrong or
missing file. The stamp is read before a file is written and recorded after, so a change that lands
meanwhile is picked up next time rather than hidden. Many trackers at once (a burst, a catch-up)
are written on every core from the template filled once (``packs.fast_tracker``), each stamped
just as one written alone. Case notes and notifications of audit events are produced here too
(:mod:`qaf_docs.outcomes.produce`): once per event, and any an interruption stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from qaf_docs.cases.manifest_copy import rewrite_lost_manifests
from qaf_docs.errors import QafError, os_error_advice
from qaf_docs.inbox.identity_checks import FrameworkCache
from qaf_docs.office.parallel import map_in_order
from qaf_docs.outcomes.produce import produce
from qaf_docs.packs import action_tracker as tracker_pack
from qaf_docs.packs import details as pack_details
from qaf_docs.packs.fast_tracker import TrackerWriter
from qaf_docs.packs.handoff import hand_to_manager
from qaf_docs.packs.manager_points import leave_points
from qaf_docs.packs.tracker_guidance import action_guidance
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


@dataclass(frozen=True)
class TrackerJob:
    """What a worker needs to write one tracker and hand it to the manager's folder."""

    template: Path
    details: pack_details.PackDetails
    actions: list[pack_details.PackAction]
    out: Path
    audit_date: date | None
    outbox: Path
    team: str
    audit_ref: str = ""
    # When the current tracker came in, and the warnings kept with it ("Row 12: Action: …"): the
    # note beside the manager's copy (``packs.manager_points``).
    received_at: str = ""
    points: tuple[str, ...] = ()


def write_manager_tracker(
    ws: Workspace, register: Register, settings: Settings, audit: AuditRecord
) -> Path | None:
    """Write the audit's Excel tracker with its current actions, hand a copy to the manager's folder
    (``outbox/for-managers/<team>/``) and record the state it reflects; return the copy's path.

    The stamp is recorded only after both are written, so a hand-off cut short is redone.
    """
    handed: Path | None = None
    for audit_ref, reflects, job in _tracker_jobs(ws, register, settings, [audit]):
        tracker_pack.write_action_tracker(
            job.template, job.details, job.actions, job.out, job.audit_date
        )
        handed = hand_to_manager(job.out, job.outbox, job.team)
        leave_points(handed, job.audit_ref, job.received_at, job.points)
        register.record_derived(ACTION_TRACKER + audit_ref, reflects)
    return handed


def write_manager_trackers(
    ws: Workspace,
    register: Register,
    settings: Settings,
    audits: Sequence[AuditRecord],
    *,
    meanwhile: Callable[[], object] | None = None,
) -> Catchup:
    """Write many audits' Excel trackers on every core, each once; say what was and was not written.

    Each tracker written is recorded with the register state it reflects (read before writing,
    as for one tracker); one that fails is listed in ``failed`` and stays behind for the next
    run. Audits with no accepted form are skipped: their blank tracker is still the right one.
    ``meanwhile()`` runs in this process while the workers write (see ``map_in_order``).
    """
    done = Catchup()
    try:
        jobs = _tracker_jobs(ws, register, settings, audits)
    except (OSError, QafError) as exc:  # no template, say: every one of them waits
        why = describe(exc)
        done.failed += [f"the action tracker of audit {a.audit_ref}: {why}" for a in audits]
        return done
    # Written and handed off in the workers: only a tracker that reached its manager's folder counts.
    results = map_in_order(
        write_tracker_job, [job for _, _, job in jobs], setup=_fresh_writers, meanwhile=meanwhile
    )
    stamps: list[tuple[str, int]] = []
    for (audit_ref, reflects, _), problem in zip(jobs, results, strict=True):
        if problem is None:
            stamps.append((audit_ref, reflects))
            done.written.append(f"the action tracker of audit {audit_ref}")
        else:
            done.failed.append(f"the action tracker of audit {audit_ref}: {problem}")
    if stamps:  # one commit for all; recording a stamp is not a change of the register's state
        with register.transaction(counted=False):
            for audit_ref, reflects in stamps:
                register.record_derived(ACTION_TRACKER + audit_ref, reflects)
    return done


def _tracker_jobs(
    ws: Workspace, register: Register, settings: Settings, audits: Sequence[AuditRecord]
) -> list[tuple[str, int, TrackerJob]]:
    states = register.action_tracker_states()
    frameworks = FrameworkCache(ws, settings, register.framework_text_of)
    jobs: list[tuple[str, int, TrackerJob]] = []
    for audit in audits:
        reflects = states.get(audit.audit_ref)
        if reflects is None:
            continue  # no form accepted yet: the issued blank tracker is still the right one
        template = ws.template(TRACKER_TEMPLATE)
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
        # Stamped with the time it is written, not the pack's: a copy written before the audit
        # form was corrected is then told from the one written after (``returns.timeline``).
        details = pack_details.details_for(
            audit,
            settings,
            kind="action_tracker",
            issued_at=pack_details.issued_at_now(),
            action_guidance=_guidance(frameworks, audit),
        )
        when = tool.audit_date if tool else None
        out = tracker_path(ws, audit)
        received, points = register.tracker_warnings(audit.audit_ref)
        job = TrackerJob(
            template, details, actions, out, when, ws.outbox, audit.team,
            audit.audit_ref, received, tuple(points),
        )  # fmt: skip
        jobs.append((audit.audit_ref, reflects, job))
    return jobs


def _guidance(frameworks: FrameworkCache, audit: AuditRecord) -> str:
    """The words on actions of the framework the audit was issued under, as the register kept it;
    none when that framework cannot be read (the tracker is still worth writing)."""
    try:
        return action_guidance(frameworks(audit.framework_id, audit.framework_sha256 or ""))
    except QafError:
        return ""


# -- the workers' side: writing files only, no register ------------------------------------------

_writers: dict[Path, TrackerWriter] = {}


def _fresh_writers() -> None:
    _writers.clear()  # the council may have changed the template since the last run


def write_tracker_job(job: TrackerJob) -> str | None:
    """Write one tracker and hand a copy to its manager's folder (in a worker process); return why
    either could not be done, or None."""
    try:
        if job.template not in _writers:  # filled once per process
            _writers[job.template] = TrackerWriter(job.template, job.details)
        _writers[job.template].write(job.details, job.out, job.actions, job.audit_date)
        handed = hand_to_manager(job.out, job.outbox, job.team)
        leave_points(handed, job.audit_ref, job.received_at, job.points)
    except (OSError, QafError) as exc:
        return describe(exc)
    return None


def bring_up_to_date(
    ws: Workspace,
    register: Register,
    settings: Settings,
    progress: reports.Progress | None = None,
) -> Catchup:
    """Rewrite every derived file that is behind the register or missing; never raise for one file.

    Files that cannot be written now (a full disk, a read-only folder, a tracker open in Excel) are
    listed in ``failed`` and tried again at the next run.
    """
    done = Catchup()
    for folder, recursive in ((ws.outbox, False), (ws.packs, True)):
        remove_leftover_temp_files(folder, recursive=recursive)
    stamps = register.derived_stamps()
    audits = {a.audit_ref: a for a in register.audits()}
    behind = [
        audits[audit_ref]
        for audit_ref, state in register.action_tracker_states().items()
        if audit_ref in audits
        and (
            stamps.get(ACTION_TRACKER + audit_ref) != state
            or not tracker_path(ws, audits[audit_ref]).exists()
        )
    ]
    # The QA tracker, case notes and messages are written here while the workers write the
    # managers' trackers.
    trackers = write_manager_trackers(
        ws,
        register,
        settings,
        behind,
        meanwhile=lambda: catch_up_here(ws, register, settings, done, progress),
    )
    done.written += trackers.written
    done.failed += trackers.failed
    try:  # a round's manifest deleted or damaged: written again from the register's copy
        for line in rewrite_lost_manifests(ws, register):
            log.warning("%s", line)
            done.written.append(line)
    except (OSError, QafError) as exc:
        done.failed.append(f"a round's manifest: {describe(exc)}")
    for line in done.failed:
        log.warning(
            "could not bring up to date %s; will try again at the next run", line.rstrip(".")
        )
    return done


def catch_up_here(
    ws: Workspace,
    register: Register,
    settings: Settings,
    done: Catchup,
    progress: reports.Progress | None = None,
) -> None:
    """What the calling process catches up while workers write trackers: ``QA_tracker.xlsx``,
    then the case notes and notifications of events not yet handled (and any a stop cut short).

    Neither moves the register's change counter, so neither makes the other look behind.
    """
    catch_up_qa_tracker(ws, register, done, progress)
    try:
        outcomes = produce(ws, register, settings)
    except QafError as exc:  # a framework file with a mistake in it: the events wait, none lost
        done.failed.append(f"case notes and notifications: {describe(exc)}")
        return
    done.written += outcomes.written
    done.failed += outcomes.failed


# A tracker written beside ``QA_tracker.xlsx`` because Excel holds it open is not stamped: the usual
# file is still behind, and is rebuilt once it can be. This process remembers the copy, so one
# ingest's batches and its catch-up write one copy, not one each (usual path -> (state, copy)).
_BESIDE: dict[Path, tuple[object, Path]] = {}


def catch_up_qa_tracker(
    ws: Workspace, register: Register, done: Catchup, progress: reports.Progress | None = None
) -> None:
    """Rebuild ``QA_tracker.xlsx`` if it is behind the register or missing; say so in ``done``.

    Recording a manager's tracker does not move the register's change counter, so the QA tracker
    may be built while those are still being written.
    """
    state = register.changes()
    if register.derived_stamps().get(QA_TRACKER) == state and ws.tracker_path.exists():
        return
    beside = _BESIDE.get(ws.tracker_path)
    if beside is not None and beside[0] == state and beside[1].exists():
        done.tracker = beside[1]  # written at this state already; the usual one is still open
        return
    try:
        done.tracker = reports.build_tracker(ws, register, progress=progress)
        if done.tracker == ws.tracker_path:
            register.record_derived(QA_TRACKER, state)
            _BESIDE.pop(ws.tracker_path, None)
        else:
            _BESIDE[ws.tracker_path] = (state, done.tracker)
        done.written.append(ws.tracker_path.name)
    except (OSError, QafError) as exc:
        done.failed.append(f"{ws.tracker_path.name}: {describe(exc)}")


def describe(exc: OSError | QafError) -> str:
    """Say in a few words why a file could not be written (no file content, no names)."""
    return str(exc) if isinstance(exc, QafError) else os_error_advice(exc)
