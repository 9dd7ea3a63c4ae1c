"""A sampling round from end to end: case list and roster in, audits recorded and a manifest out.

This is where the sampling library meets the register: it reads the inputs, asks the register what
was audited before, draws and allocates, records the round in one transaction and writes the
manifest the QA lead sends out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from qaf_docs.cases.case import CaseList, RowProblem
from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.facts import case_facts, fact_headers
from qaf_docs.cases.manifest import write_manifest
from qaf_docs.cases.plan import AuditHistory, exclusion_counts
from qaf_docs.cases.roster import Auditor, leavers_note, read_roster
from qaf_docs.cases.roster_child_names import without_child_names
from qaf_docs.cases.rules import (
    check_mapped_headers,
    column_mapping,
    own_team_against_framework,
    round_spec,
)
from qaf_docs.cases.same_month import earlier_rounds, second_round_note
from qaf_docs.cases.sampling import plan_round
from qaf_docs.cases.team_names import check_team_spellings
from qaf_docs.cases.verification import VerifyResult, verify_manifest
from qaf_docs.errors import QafError, SamplingError, SettingsError, os_error_advice, plain_reason
from qaf_docs.records import NewAudit
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.safe_output import atomic_write
from qaf_docs.workspace import ROSTER_EXAMPLE, Settings, Workspace, frameworks_of

ROSTER_NAMES = ("roster.xlsx", "roster.csv")


@dataclass
class RoundReport:
    """What a drawn round did (or, in a dry run, would do), for the person who asked for it."""

    case_list: CaseList
    round_id: str
    seed: int
    allocated: int
    unallocated: list[tuple[str, str]]
    excluded: int
    warnings: list[str]
    excluded_by: dict[str, int]  # how many cases each kind of reason left out
    manifest: Path | None
    problems: list[RowProblem] = field(default_factory=list)
    audits: list[tuple[str, str, str]] = field(default_factory=list)  # case, team, auditor
    dry_run: bool = False

    def lines(self) -> list[str]:
        """Return the report as lines of plain English."""
        out = [self.case_list.summary()]
        for p in self.problems[:10]:
            column = f", column '{p.column}'" if p.column else ""
            out.append(f"  {p.severity}: sheet '{p.sheet}', row {p.row}{column}: {p.reason}")
        if len(self.problems) > 10:
            where = (
                "run without --dry-run to list them all in the manifest"
                if self.dry_run
                else "all listed on the manifest's Import warnings sheet"
            )
            out.append(f"  … and {len(self.problems) - 10} more ({where}).")
        verb = "would be" if self.dry_run else ""
        why = ", ".join(f"{n} {kind}" for kind, n in self.excluded_by.items())  # closed, …
        out.append(
            f"{'Dry run, nothing recorded. ' if self.dry_run else ''}Round {self.round_id} "
            f"(seed {self.seed}): {count_of(self.allocated, 'audit')} {verb or ''}"
            f"{' ' if verb else ''}allocated, {len(self.unallocated)} could not be allocated, "
            f"{count_of(self.excluded, 'case')} excluded{why and ': '}{why}."
        )
        if self.dry_run:
            out += [f"  case {c} ({team or 'no team'}) → {who}" for c, team, who in self.audits]
        out += [f"  not allocated: case {case} ({reason})" for case, reason in self.unallocated]
        out += [f"  note: {w}" for w in self.warnings]
        if self.manifest is not None:
            out.append(f"Manifest: {self.manifest}")
        if not self.dry_run:
            out += self._next_step()
        elif self.audits:  # a run without --seed draws afresh: not the cases just shown
            out.append(
                f"To record this draw as shown, run the same command without --dry-run and with "
                f"--seed {self.seed} (without it, qaf draws afresh)."
            )
        return out

    def _next_step(self) -> list[str]:
        """What the QA lead does next: packs for a round fully allocated; for cases drawn without
        an auditor, room on the roster and ``qaf round allocate`` first."""
        if not self.unallocated:
            return ["Next: qaf generate"] if self.allocated else []
        waiting = (
            "Next: add auditors or capacity to the roster, then run: "
            f"qaf round allocate {self.round_id} {self.case_list.source_name} "
            f'--by "Your Name" --reason "…" (the {count_of(len(self.unallocated), "case")} not '
            "allocated wait for an auditor, still drawn at random)."
        )
        if not self.allocated:
            return [waiting]
        return [
            waiting,
            f"  Meanwhile qaf generate writes the packs of the {count_of(self.allocated, 'audit')}"
            " allocated; after qaf round allocate, run it again for the rest.",
        ]

    def to_json(self) -> dict[str, object]:
        """Return the report as JSON-ready data for scripts (case ids, never names of children)."""
        return {
            "round": self.round_id,
            "seed": self.seed,
            "dry_run": self.dry_run,
            "allocated": self.allocated,
            "excluded": self.excluded,
            "excluded_by": self.excluded_by,
            "audits": [{"case_id": c, "team": t, "auditor": a} for c, t, a in self.audits],
            "unallocated": [{"case_id": c, "reason": r} for c, r in self.unallocated],
            "warnings": self.warnings,
            "import_problems": [
                {
                    "severity": p.severity,
                    "sheet": p.sheet,
                    "row": p.row,
                    "column": p.column,
                    "reason": p.reason,
                }
                for p in self.problems
            ],
            "manifest": str(self.manifest) if self.manifest else None,
        }


def find_roster(ws: Workspace, given: Path | None) -> Path:
    """Return the roster file named, else roster.xlsx / roster.csv in the workspace."""
    if given is not None:
        return given
    for name in ROSTER_NAMES:
        if (ws.root / name).is_file():
            return ws.root / name
    example = ws.root / ROSTER_EXAMPLE
    hint = (
        f" {example.name} there shows the columns: fill it with your auditors and save it as "
        "roster.xlsx."
        if example.is_file()
        else ""
    )
    raise SettingsError(
        f"No roster of auditors: put roster.xlsx or roster.csv (name, email, role, team, monthly "
        f"capacity) in {ws.root}, or name one with --roster.{hint}"
    )


def workspace_roster(ws: Workspace, given: Path | None) -> list[Auditor]:
    """The auditors of the roster :func:`find_roster` finds. A row with a role one of the
    workspace's frameworks writes to (an escalation or a notification) and no monthly capacity is
    a contact, not an auditor with their capacity missing."""
    return read_roster(find_roster(ws, given), contact_roles=contact_roles_of(ws))


def contact_roles_of(ws: Workspace) -> list[str]:
    """Every role the workspace's frameworks write to; none from a framework that cannot be
    loaded (the command that uses it says why)."""
    roles: list[str] = []
    try:
        settings = ws.load_settings()
        for name in settings.framework_names():
            roles += ws.load_framework(settings, name).contact_roles()
    except QafError:
        pass
    return roles


def keep_roster(ws: Workspace, given: Path | None) -> str | None:
    """Make the roster a round was drawn with (``--roster``) the one its e-mails are addressed
    from: notifications and reminders read the workspace's roster.xlsx or roster.csv, so one named
    from another folder is copied in when the workspace has none. Return what to tell the QA lead
    (None when the workspace's own roster was used)."""
    if given is None:
        return None
    here = next((ws.root / n for n in ROSTER_NAMES if (ws.root / n).is_file()), None)
    if here is not None:
        try:
            if here.samefile(given):
                return None
        except OSError:
            pass
        return (
            f"Auditors were allocated from {given.name}, but e-mails about this round's audits "
            f"(notifications, reminders) are addressed from the workspace's {here.name}: copy "
            f"{given.name} over it if it is the newer one."
        )
    target = ws.root / f"roster{given.suffix.lower()}"
    try:
        atomic_write(target, lambda tmp: tmp.write_bytes(given.read_bytes()))
    except OSError as exc:
        return (
            f"{given.name} could not be copied into the workspace: {os_error_advice(exc)} Copy "
            f"it there as {target.name}, or nobody can be told when a form comes back."
        )
    return (
        f"{given.name} was copied into the workspace as {target.name}: e-mails about this "
        "round's audits (notifications, reminders) are addressed from it, so keep it up to date "
        "there."
    )


def history(register: Register, ws: Workspace, today: date) -> AuditHistory:
    """Return what the register knows of past and open audits, in the shape sampling needs.

    An audit back from its auditor is open while it waits for moderation, as ``qaf moderation
    queue`` lists it; one whose framework does not moderate it is done once returned.
    """
    settings = ws.load_settings()
    # Each audit's re-audit falls due by its own framework: a workspace may run several.
    frameworks = frameworks_of(ws)
    queue = register.moderation_queue(frameworks, today, settings.lifecycle.moderate)
    return AuditHistory(
        **register.sampling_history(frameworks),
        open_audits=register.open_audits(awaiting_moderation=[m.audit_ref for m in queue]),
    )


#: (start(rows), step(n)) for a progress bar while a case list is read.
RowProgress = tuple[Callable[[int], None], Callable[[int], None]]


def read_cases(
    ws: Workspace, caselist: Path, today: date, progress: RowProgress | None = None
) -> CaseList:
    """Read the case list with the workspace's column mapping, checking the mapping fits it."""
    columns = ws.load_settings().sampling.columns
    on_start, on_rows = progress or (None, None)
    cases = read_case_list(
        caselist, today=today, mapping=column_mapping(columns), on_start=on_start, on_rows=on_rows
    )
    check_mapped_headers(cases, columns)
    return cases


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
    framework_name: str | None = None,
    dry_run: bool = False,
    progress: RowProgress | None = None,
) -> RoundReport:
    """Draw, allocate and record one round; write its manifest to outbox/samples/<round>.xlsx.

    ``framework_name`` is the workspace framework the round's packs use (default: the first).
    With ``dry_run`` nothing is recorded and no manifest is written. ``progress``: (start, step)
    callbacks told how many case-list rows there are and as they are read.
    """
    settings = ws.load_settings()
    framework = ws.load_framework(settings, framework_name)  # unknown: nothing is recorded
    cases = read_cases(ws, caselist, today, progress)
    auditors, named = without_child_names(workspace_roster(ws, roster_path), cases.children())
    check_team_spellings(auditors, (c.team for c in cases.children()))
    spec = round_spec(
        kind,
        settings.sampling,
        seed=seed,
        framework_exclusion_months=framework.timescales.recent_audit_exclusion_months,
        framework_include_restricted=framework.sampling.include_restricted,
        framework_own_team_roles=framework.sampling.own_team_roles,
        n=n,
        percent=percent,
        stratify_by=stratify_by,
        theme_column=theme_column,
        theme_values=theme_values,
        half=half,
    )
    with open_register(ws, settings) as register:
        round_id = register.new_round_id(kind, today)
        earlier = earlier_rounds(register, kind, framework_name or settings.framework, today)
        try:
            plan = plan_round(
                cases,
                auditors,
                spec,
                round_id=round_id,
                history=history(register, ws, today),
                today=today,
                return_days=framework.timescales.audit_return_days,
                auditor_load=register.allocated_this_month(today),
            )
        except SamplingError as e:  # most often the month's round drawn again by mistake
            if not earlier:
                raise
            raise SamplingError(
                f"{earlier}, and a child with an open audit is not drawn again: to work on what "
                f"was drawn, run qaf generate (its packs). For another round beside it: {e}"
            ) from e
        if framework.sampling.include_restricted and not spec.include_restricted:
            # A qaf.toml written before frameworks decided this says false in so many words.
            plan.warnings.append(
                "Restricted records are left out, though the framework puts them in the sample "
                "(include_restricted = false under [sampling] in qaf.toml; delete that line to "
                "follow the framework)."
            )
        own_team = own_team_against_framework(
            kind, settings.sampling, framework.sampling.own_team_roles
        )
        plan.warnings += [w for w in (own_team, named) if w]
        if gone := leavers_note(find_roster(ws, roster_path)):
            plan.warnings.append(gone)  # a leaver left out is said, never silently
        allocated = [a for a in plan.audits if a.auditor is not None]
        headers = fact_headers(cases)
        refs: list[str] = []
        if not plan.audits and not dry_run:
            # An empty round would sit in every list of rounds and be reported as one.
            why = " ".join(plan.warnings) or "No case on the list is eligible."
            raise SamplingError(f"Nothing to audit, so no round was recorded. {why}")
        if not dry_run:
            refs = register.record_round(
                round_id=round_id,
                kind=kind,
                seed=seed,
                input_sha256=plan.input_sha256,
                rules=plan.rules,
                framework_id=framework_name or settings.framework,
                audits=[
                    NewAudit(
                        case_id=a.case.case_id,
                        team=a.case.team or "",
                        worker=a.case.worker or "",
                        case_type=a.case.case_type.value,
                        auditor=a.auditor.name,
                        auditor_email=a.auditor.email,
                        due_on=a.due_on,
                        # Names off: the register never holds a child's name it will not print.
                        child_name=a.case.child_name if settings.show_child_names else None,
                        facts=case_facts(a.case, plan.input_sha256 or "", headers),
                    )
                    for a in allocated
                    if a.auditor is not None
                ],
                today=today,
            )
    manifest = None
    if not dry_run:
        manifest = ws.samples / f"{round_id}.xlsx"
        refs_by_case = dict(zip((a.case.case_id for a in allocated), refs, strict=True))
        manifest = _write_manifest_somewhere(
            lambda path: write_manifest(plan, path, problems=cases.problems, refs=refs_by_case),
            manifest,
            ws.root / f"{round_id} manifest.xlsx",
            round_id,
            plan.warnings,
        )
        _keep_manifest(ws, settings, round_id, manifest, plan.warnings)
        kept = keep_roster(ws, roster_path)  # a note for the QA lead, not the manifest's
        if kept:
            plan.warnings.append(kept)
    if earlier:  # for the QA lead, first, and not on the manifest
        plan.warnings.insert(0, second_round_note(earlier, round_id, dry_run=dry_run))
    return RoundReport(
        case_list=cases,
        round_id=round_id,
        seed=seed,
        allocated=len(allocated),
        unallocated=[(c.case_id, reason) for c, reason in plan.unallocated],
        excluded=len(plan.excluded),
        excluded_by=exclusion_counts(plan.excluded),
        warnings=plan.warnings,
        manifest=manifest,
        problems=cases.problems,
        audits=[
            (a.case.case_id, a.case.team or "", a.auditor.name if a.auditor else "")
            for a in plan.audits
        ],
        dry_run=dry_run,
    )


def _write_manifest_somewhere(
    write: Callable[[Path], object], path: Path, fallback: Path, round_id: str, said: list[str]
) -> Path:
    """Write the manifest of a round just recorded at ``path``, else at ``fallback`` (the
    workspace folder) with a line in ``said``; return where it went.

    The round is in the register already: a failure here must not read as "no round drawn", or
    the officer draws again and the month gets two samples.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)
        return path
    except OSError as first:
        why = plain_reason(first)
    try:
        write(fallback)
    except OSError as e:
        raise SamplingError(
            f"Round {round_id} is recorded, but its manifest could not be written ({why}; "
            f"{plain_reason(e)} in {fallback.parent}). Do not draw the round again: qaf round "
            f"show {round_id} lists its audits and qaf generate writes their packs."
        ) from e
    said.append(
        f"The manifest could not be written to {path.parent} ({why}), so it was written to "
        f"{fallback} instead. Round {round_id} is recorded: do not draw it again."
    )
    return fallback


def _keep_manifest(
    ws: Workspace, settings: Settings, round_id: str, manifest: Path, said: list[str]
) -> None:
    """Keep the manifest in the register, so a lost one is written again (``manifest_copy``)."""
    try:
        with open_register(ws, settings) as register:
            register.keep_manifest(round_id, manifest.read_bytes())
    except (OSError, QafError) as e:
        said.append(
            f"The manifest could not be kept in the register ({plain_reason(e)}): keep a copy of "
            f"{manifest.name}, as qaf cannot write it again if it is lost."
        )


def verify(ws: Workspace, manifest: Path, caselist: Path, roster: Path | None) -> VerifyResult:
    """Re-draw a recorded round from its manifest and say whether the same sample comes out."""
    mapping = column_mapping(ws.load_settings().sampling.columns)
    return verify_manifest(manifest, caselist, roster, mapping=mapping)


def count_of(n: int, noun: str) -> str:
    """ "1 case", "3 cases"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
