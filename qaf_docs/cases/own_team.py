"""Managers auditing their own team's cases, as B&NES tier one asks.

"The Deputy Team Manager will choose which case to audit each month and ensure that they audit at
least one case of each of their social workers every six months." For the roles a round kind
names in ``RoundSpec.own_team_roles``, each manager takes their quota from their own team: first a
case of the social worker whose cases were audited longest ago (never audited first), one per
worker, then at random. Everyone else keeps the never-own-team rule (``allocation.can_audit``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from qaf_docs.cases.allocation import seeded_rng
from qaf_docs.cases.case import Case, id_sort_key
from qaf_docs.cases.plan import AuditHistory, RoundSpec
from qaf_docs.cases.roster import Auditor, fold_name, fold_person
from qaf_docs.cases.team_names import blank_team_warning, check_team_spellings


@dataclass
class OwnTeamDraw:
    """Cases given to managers from their own team, and the capacity left for everyone else."""

    assignments: dict[str, Auditor] = field(default_factory=dict)
    chosen: list[Case] = field(default_factory=list)
    capacity: dict[str, int] = field(default_factory=dict)


def audits_own_team(auditor: Auditor, spec: RoundSpec) -> bool:
    """Say whether ``auditor``'s role audits their own team's cases in rounds like ``spec``."""
    roles = {fold_name(r) for r in spec.own_team_roles}
    return fold_name(auditor.role) in roles


def may_audit(auditor: Auditor, case: Case, spec: RoundSpec) -> bool:
    """The independence rule for this round kind: own team only for the roles allowed it."""
    if case.worker and fold_person(case.worker) == fold_person(auditor.name):
        return False
    same_team = bool(case.team and fold_name(case.team) in auditor.teams())
    return not same_team or audits_own_team(auditor, spec)


def team_rule_notes(children: Sequence[Case], roster: Sequence[Auditor]) -> list[str]:
    """What ``qaf sample`` checks of the roster's teams, for any command that gives a case to an
    auditor: refuse a team misspelt like one of ``children``'s (``check_team_spellings``: the
    own-team rule would miss it), else the notes of ``team_rule_warnings``."""
    check_team_spellings(roster, (c.team for c in children))
    return team_rule_warnings(children, roster)


def team_rule_warnings(children: Sequence[Case], roster: Sequence[Auditor]) -> list[str]:
    """Say where the never-own-team rule cannot be checked: the case list has no teams, an
    auditor's team is spelled like no team on it, or a manager's team is left blank."""
    if not roster:
        return []
    if not any(a.team for a in roster):
        return [
            "No auditor on the roster has a team (its Team column is missing or empty), so the "
            "rule that nobody audits their own team's cases could not be checked; give each "
            "auditor the team they work in, as the case list spells it."
        ]
    blank = blank_team_warning(roster)
    out = [blank] if blank else []
    teams = {fold_name(c.team) for c in children if c.team}
    if not teams:
        return [
            "No case on the list has a team (no column read as the allocated team), so the rule "
            "that nobody audits their own team's cases could not be checked (name the team "
            'column under [sampling.columns] in qaf.toml: team = "<its header>").'
        ]
    unmatched: dict[str, list[str]] = {}
    for auditor in roster:
        if auditor.team and fold_name(auditor.team) not in teams:
            unmatched.setdefault(auditor.team, []).append(auditor.name)
    if not unmatched:
        return out
    listed = "; ".join(f"'{team}' ({', '.join(names)})" for team, names in unmatched.items())
    return [
        *out,
        f"The roster's team(s) {listed} match no team on the case list, so the rule that nobody "
        "audits their own team's cases could not be checked for them. Fine for a team that holds "
        "no cases (such as Quality Assurance); otherwise spell the team as the case list does.",
    ]


def own_team_draw(
    eligible: Sequence[Case],
    roster: Sequence[Auditor],
    spec: RoundSpec,
    history: AuditHistory,
    capacity: dict[str, int],
    warnings: list[str],
) -> OwnTeamDraw:
    """Give each own-team manager their quota from their team; return what is left for others."""
    result = OwnTeamDraw(capacity=dict(capacity))
    managers = sorted(
        (a for a in roster if audits_own_team(a, spec) and capacity.get(a.name, 0) > 0),
        key=lambda a: fold_name(a.name),
    )
    if not managers:
        return result
    last_by_worker = {fold_name(w): d for w, d in history.worker_last_audited.items()}
    taken: set[str] = set()
    short: list[str] = []
    for manager in managers:
        wanted = capacity[manager.name]
        team = fold_name(manager.team) if manager.team else None
        pool = [
            c
            for c in eligible
            if team
            and c.team
            and fold_name(c.team) == team
            and c.case_id not in taken
            and not (c.worker and fold_person(c.worker) == fold_person(manager.name))
        ]
        picked = _pick(pool, wanted, spec.seed, manager.name, last_by_worker)
        for case in picked:
            taken.add(case.case_id)
            result.assignments[case.case_id] = manager
            result.chosen.append(case)
        result.capacity[manager.name] = 0
        if len(picked) < wanted:
            short.append(
                f"{manager.name} ({manager.role}, team {manager.team or 'not given'}) has "
                f"{len(picked)} eligible case(s) in their own team for a quota of {wanted}"
            )
    if short:
        warnings.append("Own-team audits short of quota: " + "; ".join(short) + ".")
    return result


def _pick(
    pool: Sequence[Case], k: int, seed: int, manager: str, last: dict[str, date]
) -> list[Case]:
    """One case per social worker, longest un-audited first; then at random from the rest."""
    rng = seeded_rng(seed, "own-team", fold_name(manager))
    by_worker: dict[str, list[Case]] = defaultdict(list)
    for case in sorted(pool, key=lambda c: id_sort_key(c.case_id)):
        by_worker[fold_name(case.worker) if case.worker else ""].append(case)
    workers = sorted(w for w in by_worker if w)
    rng.shuffle(workers)
    workers.sort(key=lambda w: last.get(w) or date.min)
    chosen: list[Case] = []
    for worker in workers[:k]:
        chosen.append(rng.choice(by_worker[worker]))
    if len(chosen) < k:
        ids = {c.case_id for c in chosen}
        rest = [
            c for c in sorted(pool, key=lambda c: id_sort_key(c.case_id)) if c.case_id not in ids
        ]
        chosen.extend(rng.sample(rest, min(k - len(chosen), len(rest))))
    return chosen


def own_team_allocation(
    cases: Sequence[Case],
    roster: Sequence[Auditor],
    spec: RoundSpec,
    capacity: dict[str, int],
    warnings: list[str],
) -> OwnTeamDraw:
    """Give drawn cases to a manager of their own team where the round kind says so (closure).

    B&NES: "Deputy Team Managers will audit all cases at closure". Each case goes to the least
    loaded own-team manager with room; the rest are left for the ordinary allocation, and a
    warning says which teams' cases went that way and why.
    """
    result = OwnTeamDraw(capacity=dict(capacity))
    managers: dict[str, list[Auditor]] = defaultdict(list)
    for a in sorted(roster, key=lambda a: fold_name(a.name)):
        if a.team and audits_own_team(a, spec):
            managers[fold_name(a.team)].append(a)
    load: dict[str, int] = defaultdict(int)
    left: dict[str, list[Case]] = defaultdict(list)  # team as the case list spells it -> cases
    for case in sorted(cases, key=lambda c: id_sort_key(c.case_id)):
        room = [
            a
            for a in managers.get(fold_name(case.team or ""), [])
            if result.capacity.get(a.name, 0) > 0 and may_audit(a, case, spec)
        ]
        if not room:
            left[case.team or ""].append(case)
            continue
        chosen = min(room, key=lambda a: load[a.name])
        load[chosen.name] += 1
        result.capacity[chosen.name] -= 1
        result.assignments[case.case_id] = chosen
        result.chosen.append(case)
    if roster and spec.own_team_roles:
        warnings.extend(_fallback_warnings(left, managers, spec, result.capacity))
    return result


def _fallback_warnings(
    left: dict[str, list[Case]],
    managers: dict[str, list[Auditor]],
    spec: RoundSpec,
    capacity: dict[str, int],
) -> list[str]:
    """Say, team by team, why cases meant for their own team's manager go to someone else."""
    role = " or ".join(spec.own_team_roles)
    rule = f"{spec.kind.capitalize()} audits go to the case's own team's {role}, but"
    out: list[str] = []
    for team, team_cases in sorted(left.items(), key=lambda kv: fold_name(kv[0])):
        n = len(team_cases)
        count = f"{n} case{'' if n == 1 else 's'}"
        holders = managers.get(fold_name(team), []) if team else []
        if not team:
            out.append(
                f"{rule} {count} {'has' if n == 1 else 'have'} no team on the case list: "
                f"{'it goes' if n == 1 else 'they go'} to any auditor, as in any other round."
            )
            continue
        if not holders:
            why = (
                f"the roster lists no {role} for team '{team}' (add them, with '{team}' in the "
                "Team column)"
            )
        elif all(capacity.get(a.name, 0) <= 0 for a in holders):
            names = ", ".join(a.name for a in holders)
            why = f"team '{team}''s {role} ({names}) has no capacity left (raise it on the roster)"
        else:
            why = f"team '{team}''s {role} is the allocated worker"
        out.append(
            f"{rule} {why}: its {count} {'goes' if n == 1 else 'go'} to auditors from other "
            "teams, as in any other round."
        )
    return out
