"""Changing a round after it was drawn: cancel it or one audit, reassign, add a named case, swap.

Each change is checked first and refused with a plain-English reason (nothing recorded) when it
breaks a rule: a returned audit cannot be cancelled; an audit goes only to an auditor who may take
it (independence for the round's kind, capacity this month); an added case must be open and not
already in an open audit; a roster team misspelt like a case's team is refused, and the
roster's other team-rule notes are shown, as ``qaf sample`` does (``own_team.team_rule_notes``).
Then one register transaction records the change with who, when and why, withdrawn packs move to
``outbox/packs/<round>/withdrawn/``, and the manifest is refreshed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from qaf_docs.case_ids import case_key
from qaf_docs.cases.allocation import seeded_rng
from qaf_docs.cases.case import Case, CaseType, id_sort_key
from qaf_docs.cases.manifest_copy import (
    keep_edited_copy,
    kept_words,
    manifest_path,
    refresh_from_register,
    rewrite_lost_manifest,
)
from qaf_docs.cases.own_team import may_audit, team_rule_notes
from qaf_docs.cases.plan import RoundSpec
from qaf_docs.cases.roster import Auditor, fold_name
from qaf_docs.cases.rounds import history, read_cases, workspace_roster
from qaf_docs.cases.sampling import eligible_cases
from qaf_docs.dates import due_after
from qaf_docs.errors import SamplingError, unknown_round
from qaf_docs.records import AuditRecord, NewAudit
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

log = logging.getLogger(__name__)

RETURNED = ("returned", "moderated", "actions open", "closed")


@dataclass
class ChangeReport:
    """What a change did, in lines of plain English, and the packs it withdrew."""

    lines: list[str]
    withdrawn: list[Path] = field(default_factory=list)


def who_and_why(by_whom: str, reason: str) -> tuple[str, str]:
    by_whom, reason = by_whom.strip(), reason.strip()
    if not by_whom:
        raise SamplingError('Say who is making the change (--by "Your Name").')
    if not reason:
        raise SamplingError('Say why, for the record (--reason "…").')
    return by_whom, reason


def _round(register: Register, round_id: str) -> dict[str, object]:
    row = register.round_row(round_id)
    if row is None:
        raise SamplingError(unknown_round(round_id, register.round_ids()))
    return row


def round_spec_of(register: Register, round_id: str) -> RoundSpec:
    rules = _round(register, round_id)["rules"]
    assert isinstance(rules, dict)
    return RoundSpec.from_rules(rules["spec"])


_DONE = {"cancel": "cancelled", "reassign": "reassigned", "swap": "swapped"}


def _open_audit(register: Register, audit_ref: str, doing: str) -> AuditRecord:
    audit = register.audit(audit_ref)
    if audit is None:
        raise SamplingError(f"There is no audit {audit_ref} in the register.")
    if audit.status == "cancelled":
        raise SamplingError(f"Audit {audit_ref} is already cancelled; nothing to {doing}.")
    if audit.status in RETURNED:
        raise SamplingError(
            f"Audit {audit_ref} cannot be {_DONE[doing]}: it was already returned (status "
            f"{audit.status}) and its results are recorded."
        )
    return audit


def _withdraw(ws: Workspace, audit: AuditRecord) -> list[Path]:
    """Move an audit's issued pack aside so nobody fills in a form that no longer counts."""
    moved: list[Path] = []
    folder = ws.packs / audit.round_id
    for suffix in (".docx", ".xlsx"):
        path = folder / f"{audit.audit_ref}{suffix}"
        if path.exists():
            target = folder / "withdrawn" / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                path.replace(target)
                moved.append(target)
            except OSError:  # open in Word on a share: the register already refuses its return
                log.warning("Could not move withdrawn pack %s (in use?)", path.name)
    return moved


def update_manifest(ws: Workspace, register: Register, round_id: str) -> list[str]:
    """Rewrite the round's manifest from the register; say so if it is open elsewhere, or kept
    outside ``outbox/samples``. A round with no manifest (drawn before qaf wrote them) has none
    to update: the register holds it."""
    rewritten = rewrite_lost_manifest(ws, register, round_id)  # with every change, already
    if rewritten:
        return [rewritten]
    path = manifest_path(ws, round_id)
    if path is None:
        return []
    aside = keep_edited_copy(path, register, round_id)  # a person's edits are theirs
    try:
        refresh_from_register(path, register, round_id)
    except OSError:  # open in Excel on Windows: the register has the change, the sheet can wait
        if aside is not None:
            aside.unlink(missing_ok=True)  # the edited file is still there, unchanged
        return [
            f"The change is recorded, but the manifest {path.name} could not be updated (is it "
            f"open in Excel?). Close it: the next qaf ingest, qaf watch or qaf report brings it "
            f"up to date (or run: qaf round show {round_id} --update-manifest)."
        ]
    said = [kept_words(round_id, aside)] if aside is not None else []
    if path.parent != ws.samples:
        said.append(
            f"The manifest of round {round_id} is {path} (qaf sample could not write it in "
            f"{ws.samples} at the time); it was updated there. Move it into {ws.samples} as "
            f"{round_id}.xlsx to keep it with the others."
        )
    return said


def cancel(
    ws: Workspace, round_id: str, audit_ref: str | None, *, by_whom: str, reason: str
) -> ChangeReport:
    """Cancel a whole round (every audit not yet returned) or one audit of it."""
    by_whom, reason = who_and_why(by_whom, reason)
    with open_register(ws) as register:
        _round(register, round_id)  # cancelling needs no rules: rounds from older registers too
        if audit_ref is not None:
            audit = _open_audit(register, audit_ref, "cancel")
            if audit.round_id != round_id:
                raise SamplingError(f"Audit {audit_ref} belongs to round {audit.round_id}.")
            targets = [audit]
        else:
            audits = register.audits(round_id=round_id)
            returned = [a.audit_ref for a in audits if a.status in RETURNED]
            if returned:
                raise SamplingError(
                    f"Round {round_id} cannot be cancelled as a whole: {len(returned)} audit(s) "
                    f"were already returned ({', '.join(returned[:5])}). Cancel the others one "
                    "at a time with --audit."
                )
            targets = [a for a in audits if a.status != "cancelled"]
            if not targets:
                raise SamplingError(f"Round {round_id} has no audit left to cancel.")
        register.cancel_audits(
            round_id,
            [a.audit_ref for a in targets],
            by_whom=by_whom,
            reason=reason,
            whole_round=audit_ref is None,
        )
        withdrawn = [p for a in targets for p in _withdraw(ws, a)]
        late = update_manifest(ws, register, round_id)
    what = f"audit {audit_ref}" if audit_ref else f"round {round_id} ({len(targets)} audits)"
    return ChangeReport(
        [
            f"Cancelled {what}. Recorded: by {by_whom}, because {reason}.",
            f"Packs withdrawn: {len(withdrawn)} file(s) moved to "
            f"{ws.packs / round_id / 'withdrawn'}; a late return is rejected with a note.",
            *late,
        ],
        withdrawn,
    )


def _said(notes: list[str]) -> list[str]:
    """The roster's team-rule notes, as ``qaf round allocate`` says them."""
    return [f"  note: {n}" for n in notes]


def _auditor(roster: list[Auditor], name: str) -> Auditor:
    for a in roster:
        if fold_name(a.name) == fold_name(name):
            return a
    raise SamplingError(f"'{name}' is not on the roster; add them to the roster first.")


def _case_of(audit: AuditRecord) -> Case:
    kind = next((t for t in CaseType if t.value == audit.case_type), CaseType.OTHER)
    return Case(audit.case_id, audit.team or None, audit.worker or None, kind, True, None, None, ())


def _check_auditor(
    register: Register, auditor: Auditor, case: Case, spec: RoundSpec, today: date
) -> None:
    if not may_audit(auditor, case, spec):
        own = auditor.team and case.team and fold_name(auditor.team) == fold_name(case.team)
        roles = spec.own_team_roles
        who = (
            f"only a {' or '.join(roles)} audits their own team's cases"
            if roles
            else "nobody audits their own team's cases"
        )
        raise SamplingError(
            f"{auditor.name} cannot audit case {case.case_id}: "
            + (
                f"it is their own team's case ({case.team}), and in {spec.kind} rounds {who}."
                if own
                else "they are its allocated worker."
            )
            + " Choose an auditor from another team."
        )
    load = register.allocated_this_month(today).get(auditor.name, 0)
    if load >= auditor.monthly_capacity:
        raise SamplingError(
            f"{auditor.name} already has {load} audit(s) this month, their capacity is "
            f"{auditor.monthly_capacity}; choose someone else or raise their capacity in the roster."
        )


def reassign(
    ws: Workspace,
    audit_ref: str,
    to: str,
    *,
    by_whom: str,
    reason: str,
    roster_path: Path | None,
    today: date,
) -> ChangeReport:
    """Give an audit to another auditor on the roster, within the same rules as the draw."""
    by_whom, reason = who_and_why(by_whom, reason)
    roster = workspace_roster(ws, roster_path)
    with open_register(ws) as register:
        audit = _open_audit(register, audit_ref, "reassign")
        # No case list here: the round's cases are as the register recorded them from it.
        drawn = [_case_of(a) for a in register.audits(round_id=audit.round_id)]
        notes = team_rule_notes(drawn, roster)
        auditor = _auditor(roster, to)
        if fold_name(auditor.name) == fold_name(audit.auditor):
            raise SamplingError(f"Audit {audit_ref} is already {auditor.name}'s.")
        spec = round_spec_of(register, audit.round_id)
        _check_auditor(register, auditor, _case_of(audit), spec, today)
        register.reassign_audit(
            audit_ref,
            auditor=auditor.name,
            auditor_email=auditor.email,
            by_whom=by_whom,
            reason=reason,
        )
        withdrawn = _withdraw(ws, audit)
        late = update_manifest(ws, register, audit.round_id)
    return ChangeReport(
        [
            f"Audit {audit_ref} reassigned from {audit.auditor} to {auditor.name}. Recorded: by "
            f"{by_whom}, because {reason}.",
            *_said(notes),
            *(
                [f"The old pack was withdrawn; write the new one with: qaf generate --round "
                 f"{audit.round_id}"]
                if withdrawn
                else [f"Next: qaf generate --round {audit.round_id}"]
            ),
            *late,
        ],
        withdrawn,
    )  # fmt: skip


def add(
    ws: Workspace,
    round_id: str,
    case_id: str,
    caselist: Path,
    *,
    auditor_name: str,
    by_whom: str,
    reason: str,
    roster_path: Path | None,
    today: date,
) -> ChangeReport:
    """Add a named case to a round, recorded as chosen (not random), for a named auditor."""
    by_whom, reason = who_and_why(by_whom, reason)
    roster = workspace_roster(ws, roster_path)
    # Leading zeros aside, as the list and the register may spell one child's id differently.
    cases = {case_key(c.case_id): c for c in read_cases(ws, caselist, today).children()}
    notes = team_rule_notes(list(cases.values()), roster)
    with open_register(ws) as register:
        spec = round_spec_of(register, round_id)
        found = cases.get(case_key(case_id.strip()))
        if found is None:
            raise SamplingError(f"Case {case_id} is not on {caselist.name}.")
        past = history(register, ws, today)
        case = past.as_known([found])[0][0]
        if not case.is_open and spec.kind != "closure" and not spec.include_closed:
            raise SamplingError(
                f"Case {case.case_id} is closed; add it to a closure round instead "
                "(qaf sample --kind closure)."
            )
        held = past.open_audits.get(case.case_id)
        if held is not None:
            raise SamplingError(
                f"Case {case.case_id} already has an open audit in round {held}; a child is not "
                "audited twice at once."
            )
        auditor = _auditor(roster, auditor_name)
        _check_auditor(register, auditor, case, spec, today)
        ref = register.add_audit(
            round_id,
            _new_audit(ws, case, auditor, register, round_id, today),
            origin="added",
            by_whom=by_whom,
            reason=reason,
            today=today,
        )
        late = update_manifest(ws, register, round_id)
    return ChangeReport(
        [
            f"Added case {case.case_id} to round {round_id} as audit {ref} for {auditor.name}, "
            f"recorded as chosen by {by_whom} (not random), because {reason}.",
            *_said(notes),
            f"Next: qaf generate --round {round_id}",
            *late,
        ]
    )


def _new_audit(
    ws: Workspace, case: Case, auditor: Auditor, register: Register, round_id: str, today: date
) -> NewAudit:
    row = register.round_row(round_id)
    rules = row["rules"] if row else {}
    assert isinstance(rules, dict)
    days = int(str(rules.get("return_days", 20)))
    return NewAudit(
        case_id=case.case_id,
        team=case.team or "",
        worker=case.worker or "",
        case_type=case.case_type.value,
        auditor=auditor.name,
        auditor_email=auditor.email,
        due_on=due_after(today, days),
        # Kept only where the workspace prints names on forms, as a drawn case's is.
        child_name=case.child_name if ws.load_settings().show_child_names else None,
    )


def swap(
    ws: Workspace,
    audit_ref: str,
    caselist: Path,
    *,
    by_whom: str,
    reason: str,
    roster_path: Path | None,
    today: date,
) -> ChangeReport:
    """Replace an unsuitable case with a fresh random draw from the same team (and case type)."""
    by_whom, reason = who_and_why(by_whom, reason)
    roster = workspace_roster(ws, roster_path)
    case_list = read_cases(ws, caselist, today)
    notes = team_rule_notes(case_list.children(), roster)
    with open_register(ws) as register:
        audit = _open_audit(register, audit_ref, "swap")
        spec = round_spec_of(register, audit.round_id)
        old = _case_of(audit)
        strata = spec.stratify_by or ("team",)
        pool = [
            c
            for c in eligible_cases(case_list, spec, history(register, ws, today), today)
            if c.case_id != old.case_id and _same_stratum(c, old, strata)
        ]
        if not pool:
            raise SamplingError(
                f"No other eligible case in the same group as case {old.case_id} "
                f"({_stratum_text(old, strata)}); cancel the audit instead (qaf round cancel)."
            )
        pool.sort(key=lambda c: id_sort_key(c.case_id))
        new = seeded_rng(spec.seed, "swap", audit_ref).choice(pool)
        current = next((a for a in roster if fold_name(a.name) == fold_name(audit.auditor)), None)
        if current is None or not may_audit(current, new, spec):
            raise SamplingError(
                f"The replacement case {new.case_id} cannot go to {audit.auditor} (own team or "
                "not on the roster); reassign the audit first, then swap."
            )
        ref = register.add_audit(
            audit.round_id,
            _new_audit(ws, new, current, register, audit.round_id, today),
            origin="swap",
            by_whom=by_whom,
            reason=reason,
            today=today,
            replaces=audit_ref,
            details={"replaced_case": old.case_id, "drawn_from": str(len(pool))},
        )
        withdrawn = _withdraw(ws, audit)
        late = update_manifest(ws, register, audit.round_id)
    return ChangeReport(
        [
            f"Swapped case {old.case_id} (audit {audit_ref}, now cancelled) for case "
            f"{new.case_id} (audit {ref}), drawn at random from {len(pool)} eligible case(s) in "
            f"the same group ({_stratum_text(old, strata)}). Recorded: by {by_whom}, because "
            f"{reason}.",
            *_said(notes),
            f"Next: qaf generate --round {audit.round_id}",
            *late,
        ],
        withdrawn,
    )


def _same_stratum(case: Case, old: Case, strata: tuple[str, ...]) -> bool:
    for s in strata:
        if s == "team" and fold_name(case.team or "") != fold_name(old.team or ""):
            return False
        if s == "case_type" and case.case_type != old.case_type:
            return False
    return True


def _stratum_text(case: Case, strata: tuple[str, ...]) -> str:
    parts = [
        f"team {case.team or 'not given'}" if s == "team" else case.case_type.value for s in strata
    ]
    return ", ".join(parts)
