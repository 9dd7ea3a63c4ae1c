"""``qaf demo``: the whole monthly job on made-up data, leaving real files a person can open.

sample → packs → forms filled as auditors would (two with mistakes, to show a rejection) → inbox →
ingest → returned action trackers → ingest → QA tracker and JSON export. Every name is invented.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from openpyxl import load_workbook

from qaf_docs import clock
from qaf_docs.cases import rounds
from qaf_docs.demo import two_frameworks
from qaf_docs.demo.filling import FormFiller
from qaf_docs.demo.folder import DEMO_COUNCIL, mark_as_demo, prepare_demo_folder
from qaf_docs.demo.lifecycle import grow_roster, run_lifecycle
from qaf_docs.demo.synthetic import (
    synthetic_roster,
    synthetic_teams,
    write_roster_file,
    write_synthetic_case_list,
)
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Outcome, ingest_inbox
from qaf_docs.office import field_names as names
from qaf_docs.office.action_sheet import Column, find_actions_header
from qaf_docs.outcomes.produce import NOTES, NOTIFICATIONS, produce
from qaf_docs.outcomes.waiting import waiting
from qaf_docs.packs.details import pack_paths
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.reports.export import export_json
from qaf_docs.reports.period_report import build_period_report, build_round_report
from qaf_docs.reports.periods import parse_period
from qaf_docs.safe_output import atomic_write
from qaf_docs.workspace import Workspace, init_workspace

# Worded to fit any practice area: a report quotes them under the area they were written for.
_RATIONALES = {
    0: [
        "Exceptional, child-centred work: the child's voice runs through every record and the work "
        "has already made a measurable difference to their school attendance.",
    ],
    1: [
        "Current and analytical; risks and strengths are weighed, and the child was seen alone on "
        "the last three visits.",
        "Clear about who does what by when; the records show progress against each outcome.",
        "Decisions are recorded with their reasons; management oversight is evident at each key "
        "point.",
    ],
    2: [
        "Largely descriptive; the analysis of cumulative neglect is thin and the father's views are "
        "not recorded.",
        "The agreed steps have no timescales, so progress cannot be measured at review.",
        "Within timescale, but the records do not show what the child said or how they presented.",
    ],
    3: [
        "Nothing updated since the new referral; risk from the adult's drug use is not considered "
        "and the child has not been seen for 9 weeks.",
    ],
}
_ACTIONS = [
    (
        "Update the chronology with the last six months' significant events",
        "Allocated social worker",
    ),
    (
        "See the child alone and record their wishes and feelings in their words",
        "Allocated social worker",
    ),
    ("Hold a core group meeting to review the plan's outcomes and timescales", "Team manager"),
    ("Record the supervision decision and its rationale on the case file", "Team manager"),
    ("Complete an updated assessment including the father's views", "Allocated social worker"),
]


def _grade_plan(framework: Framework, rng: random.Random, inadequate: bool) -> list[int]:
    # Roughly what councils publish: most practice Good or Requires improvement, a little
    # Outstanding, and Inadequate rare and concentrated in a case that is failing overall.
    grades = [rng.choices(range(3), weights=[1, 6, 3])[0] for _ in framework.domains]
    if inadequate:
        for i in rng.sample(range(len(grades)), k=2):
            grades[i] = 3
    return grades


def _indicators_seen(framework: Framework, domain_key: str, grade: str, seed: str) -> list[int]:
    """One or two of the grade's own indicators, numbered as the audit tool numbers its boxes.

    Chosen with their own generator, so the rest of the demo draws the same as before.
    """
    domain = framework.domain(domain_key)
    numbered = [g for g in framework.scale.grades for _ in domain.indicators_for(g)]
    mine = [n for n, g in enumerate(numbered, start=1) if g == grade]
    pick = random.Random(f"{seed} {domain_key}")
    return sorted(pick.sample(mine, k=min(len(mine), 1 + pick.randrange(2))))


def fill_like_an_auditor(
    path: Path,
    framework: Framework,
    rng: random.Random,
    audit_day: date,
    mistake: str | None = None,
) -> None:
    """Fill an issued audit tool with plausible grades, rationales and SMART actions."""
    scale = framework.scale.grades
    f = FormFiller(path)
    f.pick_date("qaf_audit_date", audit_day).tick("qaf_practitioner_present", rng.random() < 0.8)
    inadequate = rng.random() < 0.12
    grades = _grade_plan(framework, rng, inadequate=inadequate)
    for d, g in zip(framework.domains, grades, strict=True):
        f.choose(f"qaf_grade_{d.key}", scale[g])
        f.text(f"qaf_rationale_{d.key}", rng.choice(_RATIONALES[g]))
        for number in _indicators_seen(framework, d.key, scale[g], path.name):
            f.tick(names.indicator_field(d.key, number))
    overall = 3 if inadequate else round(sum(grades) / len(grades))
    f.choose("qaf_overall_grade", scale[overall])
    f.text(
        "qaf_overall_rationale",
        "Overall judgement reflects the weakest area: " + rng.choice(_RATIONALES[overall]),
    )
    if framework.sections.voice_of_child:
        f.text(
            "qaf_voice_of_child",
            "The child's wishes are recorded in direct quotes; they told the worker they feel safer "
            "since the plan started but want more time with their sister.",
        )
    if framework.sections.practitioner_self_assessment:
        f.text("qaf_self_assessment", "I know the family well but my recording has fallen behind.")
    if framework.sections.family_feedback:
        f.text("qaf_family_feedback", "Mum said the worker listens and explains things clearly.")
    for n, (what, who) in enumerate(rng.sample(_ACTIONS, k=1 + rng.randrange(3)), start=1):
        f.text(f"qaf_action_{n}", what).text(f"qaf_action_{n}_owner", who)
        f.pick_date(f"qaf_action_{n}_due", audit_day + timedelta(days=7 * (1 + rng.randrange(4))))
    if overall >= 2 and framework.sections.moderation:
        f.text("qaf_moderator", "Senior QA practitioner")
        changed = overall == 2 and rng.random() < 0.4
        f.choose("qaf_moderated_grade", scale[1 if changed else overall])
        if changed:
            f.text(
                "qaf_moderation_reason",
                "The plan's weaknesses are recent and already addressed in supervision; the child's "
                "experience is good.",
            )
        # A few days after the audit, but never after the form is sent in (qaf refuses that).
        f.pick_date("qaf_moderation_date", min(audit_day + timedelta(days=3), clock.today()))
    if mistake == "grade-and-date":
        f.choose(f"qaf_grade_{framework.domains[0].key}", "Goodish")
        f.text("qaf_action_1_due", "ASAP")
    elif mistake == "no-rationale":
        f.text(f"qaf_rationale_{framework.domains[-1].key}", "")
        f.text("qaf_action_1_owner", "")
    f.save()


def update_tracker_like_a_manager(path: Path, rng: random.Random, today: date) -> None:
    """Mark some actions in a returned tracker In progress or Completed, with evidence."""
    wb = load_workbook(path)
    sheet = wb.worksheets[0]
    header = find_actions_header(sheet)
    if header is None:  # a council template without an actions table: nothing to update
        return
    row = header + 1
    while sheet.cell(row=row, column=Column.DESCRIPTION).value:
        choice = rng.random()
        if choice < 0.5:
            sheet.cell(row=row, column=Column.STATUS, value="Completed")
            sheet.cell(row=row, column=Column.COMPLETED, value=today).number_format = "DD/MM/YYYY"
            sheet.cell(
                row=row,
                column=Column.EVIDENCE,
                value="Seen on the case file: case note and supervision record.",
            )
            sheet.cell(row=row, column=Column.SIGNED_OFF_BY, value="Demo Team Manager")
            sheet.cell(
                row=row, column=Column.SIGNED_OFF_ON, value=today
            ).number_format = "DD/MM/YYYY"
        elif choice < 0.8:
            sheet.cell(row=row, column=Column.STATUS, value="In progress")
        row += 1
    atomic_write(path, lambda tmp: wb.save(tmp))


def _drop(src: Path, inbox: Path, name: str) -> None:
    """Copy a file into the inbox the way a careful admin does: under a temp name, then rename."""
    tmp = inbox / f"~{name}.tmp"
    shutil.copyfile(src, tmp)
    tmp.replace(inbox / name)


def run_demo(
    root: Path,
    *,
    children: int = 600,
    audits: int = 12,
    seed: int = 2026,
    echo: Callable[[str], None] = print,
    today: date | None = None,
) -> list[str]:
    """Run the demo into ``root`` (new, or an earlier demo, made again from the start) and return
    lines saying where each output is."""
    today = today or clock.today()
    rng = random.Random(seed)
    prepare_demo_folder(root)
    ws: Workspace = init_workspace(root, framework="collaborative-audit", council_name=DEMO_COUNCIL)
    mark_as_demo(ws.root)
    two_frameworks.run_both_frameworks(ws)
    framework = ws.load_framework()
    echo(f"1/6 Workspace {ws.root} (frameworks: {', '.join(ws.load_settings().framework_names())})")

    caselist = write_synthetic_case_list(
        ws.root / "demo_case_list.xlsx",
        children=children,
        teams=8,
        seed=seed,
        today=today,
        messy=True,
    )
    roster = write_roster_file(ws.root / "roster.xlsx", synthetic_roster(8, seed=seed))
    grow_roster(ws, {t.name: list(t.workers) for t in synthetic_teams(8, seed=seed)})
    report = rounds.draw(
        ws, caselist, roster, kind="simple", seed=seed, today=today, n=audits, stratify_by=("team",)
    )
    echo(f"2/6 Sampled round {report.round_id}: {report.allocated} audits allocated (seed {seed})")

    with open_register(ws) as register:
        written = generate_packs(ws, register, round_id=report.round_id)
        issued: list[AuditRecord] = register.audits(round_id=report.round_id)
    echo(
        f"3/6 Wrote {len(written)} audit tools and action trackers in {ws.packs / report.round_id}"
    )

    filled_dir = ws.root / "filled_by_auditors"
    filled_dir.mkdir(exist_ok=True)
    mistakes = {0: "grade-and-date", 1: "no-rationale"}
    for i, audit in enumerate(issued):
        docx, _ = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
        filled = filled_dir / docx.name
        shutil.copyfile(docx, filled)
        fill_like_an_auditor(
            filled, framework, rng, today - timedelta(days=rng.randrange(5)), mistakes.get(i)
        )
        _drop(filled, ws.inbox, f"{audit.audit_ref} completed.docx")
    echo(
        f"4/6 {len(issued)} auditors filled their forms (two with mistakes); admin dropped them in the inbox"
    )

    first = ingest_inbox(ws, settle_s=0.2)
    echo("5/6 Ingested: " + _tally(first))

    returned = [o.audit_ref for o in first if o.result == "accepted" and o.audit_ref]
    for ref in returned[: max(1, len(returned) * 2 // 3)]:
        audit = next(a for a in issued if a.audit_ref == ref)
        _, xlsx = pack_paths(ws.packs, audit.round_id, ref)
        update_tracker_like_a_manager(xlsx, rng, today)
        _drop(xlsx, ws.inbox, f"{ref} actions update.xlsx")
    second = ingest_inbox(ws, settle_s=0.2)
    echo("6/6 Managers returned action trackers: " + _tally(second))
    # What happens next: moderation, the Inadequate pathway, concerns, immediate actions.
    run_lifecycle(ws, framework, report.round_id, filled_dir, today, echo)
    two_frameworks.multi_agency_round(
        ws, caselist, roster, seed=seed, today=today, audits=3, fill=fill_like_an_auditor, echo=echo
    )

    with open_register(ws) as register:
        produce(ws, register, ws.load_settings())  # ingest did; this finishes anything it left
        to_record = waiting(register)
        export_path = ws.outbox / "export" / "register.json"
        text = export_json(register)
        atomic_write(export_path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        quarter = parse_period("quarter", f"{today.year}Q{(today.month - 1) // 3 + 1}")
        quarter_report = build_period_report(ws, register, quarter, today)
        round_report = build_round_report(ws, register, report.round_id, today)
    rejected_notes = sorted(ws.rejected.glob("*.rejected.txt"))
    notes, messages = _shown(ws.outbox / NOTES), _shown(ws.outbox / NOTIFICATIONS)
    return [
        "Done. Open these:",
        f"  QA tracker (Excel):        {_shown(ws.tracker_path)}",
        f"  Audit tools and trackers:  {_shown(ws.packs / report.round_id)}",
        f"  Sample manifest:           {_shown(report.manifest)}",
        f"  Accepted files:            {_shown(ws.processed)}",
        f"  Rejected files and notes:  {_shown(ws.rejected)} ({len(rejected_notes)} notes)",
        f"  Quarterly report (Word):   {_shown(quarter_report)}",
        f"  Round report (Word):       {_shown(round_report)}",
        f"  Case notes for records:    {notes} ({to_record.notes} notes, a CSV a day)",
        f"  Notifications (e-mail):    {messages} ({to_record.messages} ready to send)",
        f"  Register export (JSON):    {_shown(export_path)}",
        f"  Case list used:            {_shown(caselist)}",
    ]


def _shown(path: Path | None) -> str:
    """``path`` as the user typed the workspace: relative to where they are, when it is below."""
    if path is None:
        return "(not written)"
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _tally(outcomes: list[Outcome]) -> str:
    counts = {
        r: sum(o.result == r for o in outcomes) for r in ("accepted", "rejected", "duplicate")
    }
    return f"{counts['accepted']} accepted, {counts['rejected']} rejected with a note"
