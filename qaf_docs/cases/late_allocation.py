"""Cases a round drew at random but could not allocate, given auditors later: ``qaf round allocate``.

At the draw, a case nobody could take (every auditor at capacity, or only its own team's left) is
not an audit: the register records the round's audits, and the cases drawn without an auditor are
on the round's manifest (the hidden record of the draw, and its Unallocated sheet). They are read
from there, once the manifest is shown to be the round's own (the round, seed and case list the
register recorded), and allocated under the draw's rules: never to an auditor of the case's own
team nor to its allocated worker, within the capacity each auditor has left this month, load
balanced from the round's seed. How they were chosen stays "at random" (they were drawn, not picked
by hand); the allocation is a change of the round, recorded with who, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from qaf_docs.case_ids import case_key
from qaf_docs.cases.allocation import allocate, capacity_left
from qaf_docs.cases.case import Case
from qaf_docs.cases.changes import round_spec_of, update_manifest, who_and_why
from qaf_docs.cases.facts import case_facts, fact_headers
from qaf_docs.cases.manifest import how_drawn, read_manifest_record
from qaf_docs.cases.manifest_copy import rewrite_lost_manifest
from qaf_docs.cases.own_team import team_rule_notes
from qaf_docs.cases.roster_child_names import without_child_names
from qaf_docs.cases.rounds import history, read_cases, workspace_roster
from qaf_docs.dates import due_after
from qaf_docs.errors import SamplingError
from qaf_docs.records import NewAudit
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace


@dataclass
class LateAllocation:
    """What ``qaf round allocate`` did, in lines of plain English, and the cases still waiting."""

    lines: list[str]
    left: list[tuple[str, str]] = field(default_factory=list)  # (case id, why)


def drawn_without_auditor(ws: Workspace, register: Register, round_id: str) -> list[str]:
    """The case ids round ``round_id`` drew at random that have no audit in it yet."""
    path = ws.samples / f"{round_id}.xlsx"
    rewrite_lost_manifest(ws, register, round_id)  # a lost one, from the register's copy
    if not path.is_file():
        raise SamplingError(
            f"The manifest of round {round_id} is not in {ws.samples}: the cases the round drew "
            "but could not allocate are listed only there. Put it back (from a backup) and run "
            "this again."
        )
    record = read_manifest_record(path)
    row = register.round_row(round_id) or {}
    recorded = row.get("rules")
    assert isinstance(recorded, dict)
    if any(record.rules.get(k) != recorded.get(k) for k in ("round_id", "input_sha256")) or (
        record.rules.get("spec", {}) != recorded.get("spec")
    ):
        raise SamplingError(
            f"{path.name} in {ws.samples} is not the manifest qaf wrote for round {round_id} (its "
            "record names another round, seed or case list); put the round's own manifest back."
        )
    in_round = {case_key(a.case_id) for a in register.audits(round_id=round_id)}
    return [c for c, auditor in record.audits if auditor is None and case_key(c) not in in_round]


def allocate_later(
    ws: Workspace,
    round_id: str,
    caselist: Path,
    *,
    by_whom: str,
    reason: str,
    roster_path: Path | None,
    today: date,
) -> LateAllocation:
    """Allocate the cases ``round_id`` drew but could not allocate, as the draw would have."""
    by_whom, reason = who_and_why(by_whom, reason)
    settings = ws.load_settings()
    case_list = read_cases(ws, caselist, today)
    roster, named = without_child_names(workspace_roster(ws, roster_path), case_list.children())
    listed = {case_key(c.case_id): c for c in case_list.children()}
    notes = team_rule_notes(list(listed.values()), roster) + ([named] if named else [])
    headers = fact_headers(case_list)
    with open_register(ws, settings) as register:
        spec = round_spec_of(register, round_id)
        waiting = drawn_without_auditor(ws, register, round_id)
        if not waiting:
            raise SamplingError(
                f"Every case round {round_id} drew has an auditor; nothing changed."
            )
        past = history(register, ws, today)
        ready: list[Case] = []
        left: list[tuple[str, str]] = []
        for case_id in waiting:
            found = listed.get(case_key(case_id))
            if found is None:
                left.append((case_id, f"it is not on {caselist.name}"))
                continue
            case = past.as_known([found])[0][0]
            held = past.open_audits.get(case.case_id)
            if not case.is_open and spec.kind != "closure" and not spec.include_closed:
                left.append((case_id, f"it is closed on {caselist.name}"))
            elif held is not None:
                left.append((case_id, f"it has an open audit in round {held} now"))
            else:
                ready.append(case)
        load = register.allocated_this_month(today)
        capacity = capacity_left(roster, load, spec.capacity_months)
        result = allocate(ready, roster, seed=spec.seed, capacity=capacity)
        left += [(c.case_id, why) for c, why in result.unallocated]
        rules = (register.round_row(round_id) or {}).get("rules") or {}
        assert isinstance(rules, dict)
        due_on = due_after(today, int(str(rules.get("return_days", 20))))
        placed = [c for c in ready if c.case_id in result.assignments]
        audits = [
            NewAudit(
                case_id=c.case_id,
                team=c.team or "",
                worker=c.worker or "",
                case_type=c.case_type.value,
                auditor=result.assignments[c.case_id].name,
                auditor_email=result.assignments[c.case_id].email,
                due_on=due_on,
                # Names off: the register never holds a child's name it will not print.
                child_name=c.child_name if settings.show_child_names else None,
                facts=case_facts(c, case_list.input_sha256 or "", headers),
            )
            for c in placed
        ]
        refs = (
            register.allocate_drawn(round_id, audits, by_whom=by_whom, reason=reason, today=today)
            if audits
            else []
        )
        late = update_manifest(ws, register, round_id) if audits else []
    done = (
        f"Allocated {len(audits)} of the {len(waiting)} case(s) round {round_id} drew without an "
        f"auditor; how they were chosen stays '{how_drawn(spec.kind)}'. Recorded: by {by_whom}, "
        f"because {reason}."
        if audits
        else f"None of the {len(waiting)} case(s) round {round_id} drew without an auditor could "
        "be allocated; nothing was recorded."
    )
    lines = [
        done,
        *(
            f"  case {a.case_id} → {a.auditor} (audit {ref})"
            for a, ref in zip(audits, refs, strict=True)
        ),
        *(f"  not allocated: case {case} ({why})" for case, why in left),
        *(f"  note: {w}" for w in notes),
        *([f"Next: qaf generate --round {round_id}"] if audits else []),
        *late,
    ]
    return LateAllocation(lines, left)
