"""A sampling round from end to end: case list and roster in, audits recorded and a manifest out.

This is where the sampling library meets the register: it reads the inputs, asks the register what
was audited before, draws and allocates, records the round in one transaction and writes the
manifest the QA lead sends out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, cast

from qaf_docs.cases.case import CaseList, RowProblem
from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.manifest import VerifyResult, verify_manifest, write_manifest
from qaf_docs.cases.plan import AuditHistory, RoundKind, RoundSpec
from qaf_docs.cases.roster import read_roster
from qaf_docs.cases.sampling import plan_round
from qaf_docs.errors import SettingsError
from qaf_docs.records import NewAudit
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

ROSTER_NAMES = ("roster.xlsx", "roster.csv")


@dataclass
class RoundReport:
    """What a drawn round did, for the person who asked for it."""

    case_list: CaseList
    round_id: str
    seed: int
    allocated: int
    unallocated: list[tuple[str, str]]
    excluded: int
    warnings: list[str]
    manifest: Path
    problems: list[RowProblem] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Return the report as lines of plain English."""
        out = [self.case_list.summary()]
        for p in self.problems[:10]:
            column = f", column '{p.column}'" if p.column else ""
            out.append(f"  {p.severity}: sheet '{p.sheet}', row {p.row}{column}: {p.reason}")
        if len(self.problems) > 10:
            out.append(f"  … and {len(self.problems) - 10} more (all listed in the manifest).")
        out.append(
            f"Round {self.round_id} (seed {self.seed}): {self.allocated} audits allocated, "
            f"{len(self.unallocated)} could not be allocated, {self.excluded} cases excluded."
        )
        out += [f"  not allocated: case {case} ({reason})" for case, reason in self.unallocated]
        out += [f"  note: {w}" for w in self.warnings]
        out.append(f"Manifest: {self.manifest}")
        if self.allocated:
            out.append("Next: qaf generate")
        return out


def find_roster(ws: Workspace, given: Path | None) -> Path:
    """Return the roster file named, else roster.xlsx / roster.csv in the workspace."""
    if given is not None:
        return given
    for name in ROSTER_NAMES:
        if (ws.root / name).is_file():
            return ws.root / name
    raise SettingsError(
        f"No roster of auditors: put roster.xlsx or roster.csv (name, email, role, team, monthly "
        f"capacity) in {ws.root}, or name one with --roster."
    )


def history(register: Register, ws: Workspace) -> AuditHistory:
    """Return what the register knows of past audits, in the shape sampling needs."""
    framework = ws.load_framework()
    return AuditHistory(
        **register.sampling_history(
            inadequate=framework.scale.inadequate,
            reaudit_after_months=framework.timescales.reaudit_after_months,
        )
    )


def draw(
    ws: Workspace,
    caselist: Path,
    roster_path: Path | None,
    *,
    kind: str,
    seed: int,
    today: date,
    n: int | None = None,
    percent: float | None = None,
    stratify_by: tuple[str, ...] = (),
    theme_column: str | None = None,
    theme_values: tuple[str, ...] = (),
    half: str | None = None,
) -> RoundReport:
    """Draw, allocate and record one round; write its manifest to outbox/samples/<round>.xlsx."""
    settings = ws.load_settings()
    framework = ws.load_framework(settings)
    cases = read_case_list(caselist, today=today)
    auditors = read_roster(find_roster(ws, roster_path))
    spec = RoundSpec(
        kind=cast(RoundKind, kind),
        seed=seed,
        n=n,
        percent=percent,
        stratify_by=stratify_by,
        theme_column=theme_column,
        theme_values=theme_values,
        half=cast(Literal["first", "second"] | None, half),
        exclusion_months=framework.timescales.recent_audit_exclusion_months,
    )
    with open_register(ws, settings) as register:
        round_id = register.new_round_id(kind, today)
        plan = plan_round(
            cases,
            auditors,
            spec,
            round_id=round_id,
            history=history(register, ws),
            today=today,
            return_days=framework.timescales.audit_return_days,
            auditor_load=register.allocated_this_month(today),
        )
        allocated = [a for a in plan.audits if a.auditor is not None]
        register.record_round(
            round_id=round_id,
            kind=kind,
            seed=seed,
            input_sha256=plan.input_sha256,
            rules=plan.rules,
            framework_id=settings.framework,
            audits=[
                NewAudit(
                    case_id=a.case.case_id,
                    team=a.case.team or "",
                    worker=a.case.worker or "",
                    case_type=a.case.case_type.value,
                    auditor=a.auditor.name,
                    auditor_email=a.auditor.email,
                    due_on=a.due_on,
                    child_name=a.case.child_name,
                )
                for a in allocated
                if a.auditor is not None
            ],
            today=today,
        )
    manifest = ws.samples / f"{round_id}.xlsx"
    write_manifest(plan, manifest)
    return RoundReport(
        case_list=cases,
        round_id=round_id,
        seed=seed,
        allocated=len(allocated),
        unallocated=[(c.case_id, reason) for c, reason in plan.unallocated],
        excluded=len(plan.excluded),
        warnings=plan.warnings,
        manifest=manifest,
        problems=cases.problems,
    )


def verify(manifest: Path, caselist: Path, roster: Path | None) -> VerifyResult:
    """Re-draw a recorded round from its manifest and say whether the same sample comes out."""
    return verify_manifest(manifest, caselist, roster)
