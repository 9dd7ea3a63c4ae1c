"""``qaf demo``, after the forms and trackers are in: the rest of an audit's life on made-up data.

Moderation (one grade changed with a reason; one agreed, disputed, and upgraded by the escalation),
an Inadequate case moderated at once, re-audited on a pack that shows its earlier grades and
actions, and escalated to the Assistant Director; a safeguarding concern recorded although its form
was refused; an immediate action across a bank holiday where the framework has immediate actions
(where it has none, its form has no Immediate column); what waits on whom; and the reminders an
admin officer sends. The roster lists everyone qaf writes to (``grow_roster``), so each accepted,
moderated and escalated audit's case note is addressed to the right people.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import holidays
from openpyxl import load_workbook

from qaf_docs.cases.people import read_people
from qaf_docs.cases.rounds import contact_roles_of
from qaf_docs.dates import uk, working_days_after
from qaf_docs.demo.filling import FormFiller
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Outcome, ingest_inbox
from qaf_docs.packs.details import pack_paths
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord, NewAudit
from qaf_docs.register.location import open_register
from qaf_docs.reports.lifecycle import lifecycle_lines
from qaf_docs.reports.reminders import plan_reminders, write_reminders
from qaf_docs.workspace import Workspace, frameworks_of

Echo = Callable[[str], None]


def _ingest_one(ws: Workspace, src: Path, name: str) -> Outcome:
    tmp = ws.inbox / f"~{name}.tmp"
    shutil.copyfile(src, tmp)
    tmp.replace(ws.inbox / name)
    outcomes = ingest_inbox(ws, settle_s=0.2)
    return outcomes[-1]


def _fill_all(f: FormFiller, framework: Framework, grade: str, day: date, why: str) -> FormFiller:
    f.pick_date("qaf_audit_date", day).tick("qaf_practitioner_present")
    for d in framework.domains:
        f.choose(f"qaf_grade_{d.key}", grade).text(f"qaf_rationale_{d.key}", f"{why} ({d.title}).")
    f.choose("qaf_overall_grade", grade).text("qaf_overall_rationale", why)
    f.text("qaf_voice_of_child", "The child said they do not know who their worker is.")
    return f


def run_lifecycle(
    ws: Workspace, framework: Framework, round_id: str, filled_dir: Path, today: date, echo: Echo
) -> None:
    """Run the rest of the life on the demo round's audits, echoing one line per step."""
    scale = framework.scale.grades
    inadequate = framework.scale.inadequate or scale[-1]
    with open_register(ws) as register:
        audits = register.audits(round_id=round_id)
    returned = [a for a in audits if a.status == "returned"]
    refused = [a for a in audits if a.status == "rejected"]
    if len(returned) < 3 or not refused:
        echo("Lifecycle: too few returned audits in this draw to show the rest; skipped.")
        return
    _moderation(ws, framework, returned[0], returned[1], filled_dir, today, echo)
    _inadequate_pathway(ws, framework, returned[2], inadequate, filled_dir, today, echo)
    _immediate_actions(ws, framework, refused[0], filled_dir, today, echo)
    with open_register(ws) as register:
        waiting = lifecycle_lines(ws, register, today)
    echo(
        f"Lifecycle: {len(waiting)} things wait on someone (qaf status lists them, most urgent first):"
    )
    for line in waiting[:6]:
        echo(f"    {line}")
    _reminders(ws, today, echo)


def grow_roster(ws: Workspace, teams: dict[str, list[str]]) -> None:
    """Add everyone qaf writes to onto the roster, as a council's roster lists them: the
    moderator, every team's manager, the contacts each of the workspace's frameworks escalates to
    or notifies, and every practitioner by team; a clean setup, so `qaf status` warns of
    nothing."""
    roster = ws.root / "roster.xlsx"
    wb = load_workbook(roster)
    sheet = wb.worksheets[0]
    # Each team's Team Manager and practitioners are rows of their team, below.
    roles = set(contact_roles_of(ws)) - {"Team Manager", "Practitioner"}
    names = sorted(teams)
    rows = [("Demo Moderator", "Moderator", "")]
    rows += [(f"Manager of {team}", "Team Manager", team) for team in names]
    rows += [(f"Demo {role}", role, "") for role in sorted(roles)]
    rows += [(worker, "Social Worker", team) for team in names for worker in teams[team]]
    for name, role, team in rows:
        local = re.sub(r"[^a-z0-9.]", "", ".".join(name.lower().split()))
        sheet.append([name, local[:40] + "@council.example", role, team, None])
    wb.save(roster)


def _reminders(ws: Workspace, today: date, echo: Echo) -> None:
    """The reminders an admin officer sends today."""
    folder = ws.outbox / "reminders" / today.isoformat()
    with open_register(ws) as register:
        people = read_people(ws.root / "roster.xlsx")
        rule = ws.load_settings().lifecycle.moderate
        plan = plan_reminders(register, people, frameworks_of(ws), today, rule)
    written = write_reminders(plan, folder, today)
    warned = (
        f"{len(plan.warnings)} warning(s) for qaf status, e.g. {plan.warnings[0]}"
        if plan.warnings
        else "everyone they go to is on the roster, with an address"
    )
    echo(
        f"Lifecycle: {len(written)} reminders written to {folder.relative_to(ws.root).as_posix()}/ "
        f"(qaf remind); {warned}"
    )


def _moderation(
    ws: Workspace,
    framework: Framework,
    changed: AuditRecord,
    agreed: AuditRecord,
    filled_dir: Path,
    today: date,
    echo: Echo,
) -> None:
    scale = framework.scale.grades
    with open_register(ws) as register:
        grades = {a.audit_ref: register.submission(a.audit_ref) for a in (changed, agreed)}
    for audit, kind in ((changed, "reflective"), (agreed, "group")):
        given = grades[audit.audit_ref]
        auditor_grade = given.overall_grade if given and given.overall_grade else scale[1]
        docx, _ = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
        form = FormFiller(filled_dir / docx.name).text("qaf_moderator", "Demo Moderator")
        if audit is changed:
            better = scale[max(0, scale.index(auditor_grade) - 1)]
            moved = better if better != auditor_grade else scale[1]
            form.choose("qaf_moderated_grade", moved).text(
                "qaf_moderation_reason",
                "Recent supervision records show the plan's gaps already addressed.",
            )
        else:
            form.choose("qaf_moderated_grade", auditor_grade)
        form.pick_date("qaf_moderation_date", today).save()
        _ingest_one(ws, form.path, f"{audit.audit_ref} moderated.docx")
        with open_register(ws) as register:
            register.set_moderation_kind(audit.audit_ref, kind)
    with open_register(ws) as register:
        dispute = register.record_dispute(
            agreed.audit_ref,
            "The service area says the moderator did not weigh the family's own account.",
            roles=framework.escalation.grade_disputes or ["QA Head of Service"],
            on=today,
        )
        final = next(r for r in register.results() if r.audit_ref == changed.audit_ref)
        # West Sussex: the escalation's outcome decides; an upgrade goes on file as a case note.
        kept = next(r for r in register.results() if r.audit_ref == agreed.audit_ref).final_grade
        upgrade = scale[scale.index(kept) - 1] if kept in scale[1:] else None
        register.resolve_escalation(
            dispute.id,
            on=today,
            resolution="QA Head of Service reviewed the moderated audit with the service area",
            grade=upgrade,
        )
    outcome = f"upgraded to {upgrade}" if upgrade else "grade kept"
    echo(
        f"Lifecycle: moderated {changed.audit_ref} ({final.overall_grade} -> {final.final_grade}, "
        f"with a reason) and {agreed.audit_ref} (agreed, then disputed: escalated to "
        f"{', '.join(dispute.roles)}, who resolved it: {outcome})"
    )


def _inadequate_pathway(
    ws: Workspace,
    framework: Framework,
    audit: AuditRecord,
    inadequate: str,
    filled_dir: Path,
    today: date,
    echo: Echo,
) -> None:
    docx, _ = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
    first = _fill_all(
        FormFiller(filled_dir / docx.name),
        framework,
        inadequate,
        today,
        "No assessment update since the new referral; risk is not analysed",
    )
    first.text("qaf_action_1", "Complete an updated assessment including the father's views")
    first.text("qaf_action_1_owner", "Allocated social worker")
    first.pick_date("qaf_action_1_due", today + timedelta(days=14))
    first.text("qaf_moderator", "QA Manager").choose("qaf_moderated_grade", inadequate)
    first.pick_date("qaf_moderation_date", today).save()
    _ingest_one(ws, first.path, f"{audit.audit_ref} inadequate.docx")
    with open_register(ws) as register:
        again = NewAudit(
            case_id=audit.case_id,
            team=audit.team,
            worker=audit.worker,
            case_type=audit.case_type,
            auditor=audit.auditor,
            auditor_email=audit.auditor_email,
            due_on=today + timedelta(days=20),
            child_name=audit.child_name,
        )
        reaudit_round = register.new_round_id("reaudit", today)
        # In a council this round is drawn by `qaf sample --kind reaudit` three months on.
        [ref] = register.record_round(
            round_id=reaudit_round,
            kind="reaudit",
            seed=None,
            input_sha256=None,
            rules={"demo": "re-audit brought forward"},
            framework_id=audit.framework_id,
            audits=[again],
            today=today,
        )
        generate_packs(ws, register, round_id=reaudit_round)
    pack, _ = pack_paths(ws.packs, reaudit_round, ref)
    echo(
        f"Lifecycle: {audit.audit_ref} graded {inadequate} and moderated at once; re-audit {ref} "
        f"issued with its earlier grades and actions ({pack.relative_to(ws.root).as_posix()})"
    )
    filled = filled_dir / pack.name
    shutil.copyfile(pack, filled)
    form = _fill_all(
        FormFiller(filled),
        framework,
        inadequate,
        today,
        "Practice has not improved since the audit",
    )
    form.tick("qaf_concern").text(
        "qaf_concern_text", "New injury not followed up; team manager told by phone today."
    )
    form.text("qaf_action_1", "Strategy discussion about the new injury").text(
        "qaf_action_1_owner", "Team manager"
    )
    form.text("qaf_action_1_due", "ASAP").save()  # a mistake: the form is refused …
    refused = _ingest_one(ws, filled, f"{ref} reaudit.docx")
    form.pick_date("qaf_action_1_due", working_days_after(today, 1))
    if framework.timescales.asks_immediate:
        form.tick("qaf_action_1_immediate")
    form.text("qaf_moderator", "QA Manager").choose("qaf_moderated_grade", inadequate)
    form.pick_date("qaf_moderation_date", today).save()
    accepted = _ingest_one(ws, filled, f"{ref} reaudit corrected.docx")
    echo(
        f"Lifecycle: re-audit {ref} first {refused.result} ({refused.detail}), then "
        f"{accepted.result}: {accepted.detail}"
    )


#: The demo's immediate action is due one working day after this many, across a bank holiday.
_DEMO_WORKING_DAYS = 5


def _immediate_actions(
    ws: Workspace,
    framework: Framework,
    audit: AuditRecord,
    filled_dir: Path,
    today: date,
    echo: Echo,
) -> None:
    bank = holidays.country_holidays("GB", subdiv="ENG", years=[today.year - 1, today.year])
    holiday = max(d for d in bank if d <= today - timedelta(days=14) and d.weekday() == 0)
    day = holiday - timedelta(days=4)  # the Thursday before a bank holiday Monday
    days = framework.timescales.immediate_action_working_days
    limit = working_days_after(day, days or _DEMO_WORKING_DAYS)
    docx, _ = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
    filled = filled_dir / f"{audit.audit_ref} resubmitted.docx"
    shutil.copyfile(docx, filled)
    form = _fill_all(
        FormFiller(filled), framework, framework.scale.grades[2], day, "Visits late; plan drifting"
    )
    form.text("qaf_action_1", "Visit the child and see them alone").text(
        "qaf_action_1_owner", "Allocated social worker"
    )
    if days is not None:  # only a framework with immediate actions has the Immediate column
        form.tick("qaf_action_1_immediate")
    form.pick_date("qaf_action_1_due", working_days_after(day, (days or _DEMO_WORKING_DAYS) + 1))
    form.text("qaf_action_1_success", "The child is seen alone and their words recorded.")
    form.text("qaf_action_1_impact", "The child's worries are heard and acted on.").save()
    if days is None:  # the framework has no immediate actions: nothing to refuse
        kept = _ingest_one(ws, filled, f"{audit.audit_ref} resubmitted.docx")
        echo(
            f"Lifecycle: action agreed {uk(day)}, before the {bank.get(holiday)} on "
            f"{uk(holiday)}: {kept.result}; {framework.name} has no immediate actions, so its form "
            "has no Immediate column (a framework that has them, such as live-case-audit's "
            "'within 5 working days', counts working days without bank holidays)"
        )
        return
    late = _ingest_one(ws, filled, f"{audit.audit_ref} immediate late.docx")
    form.pick_date("qaf_action_1_due", limit).save()
    kept = _ingest_one(ws, filled, f"{audit.audit_ref} immediate.docx")
    echo(
        f"Lifecycle: immediate action agreed {uk(day)}, before the {bank.get(holiday)} on "
        f"{uk(holiday)}: due by {uk(limit)} ({days} working days); one day later was "
        f"{late.result}, on the limit {kept.result} (now past due, so overdue)"
    )
