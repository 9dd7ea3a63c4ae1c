"""A round's rules in plain English, as the manifest prints them for the QA lead and auditors."""

from __future__ import annotations

from collections.abc import Mapping

from qaf_docs.cases.plan import RoundSpec


def _people(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{role} {n}" for role, n in counts.items() if n) or "none"


def rule_sentences(spec: RoundSpec, rules: Mapping[str, object]) -> list[str]:
    """Return the round's rules as short sentences a QA lead can read aloud."""
    out: list[str] = []
    spread = {
        ("team",): " spread across teams in proportion to their size",
        ("case_type",): " spread across case types in proportion to their number",
        ("team", "case_type"): " spread across teams and case types in proportion",
    }.get(spec.stratify_by, "")
    if spec.kind == "simple":
        size = f"{spec.n} cases" if spec.n is not None else f"{spec.percent:g}% of eligible cases"
        out.append(f"{size} drawn at random from the eligible open cases{spread}.")
    elif spec.kind == "tier-one":
        out.append(f"Each auditor takes their role's monthly quota: {_people(spec.quotas)}.")
        out.append(
            f"Every social worker has a case audited at least once every "
            f"{spec.worker_cycle_months} months; those audited longest ago come first."
        )
    elif spec.kind == "thematic":
        theme = f"{spec.theme_column} is {' or '.join(spec.theme_values)}"
        size = f"{spec.n}" if spec.n is not None else f"{spec.theme_min} to {spec.theme_max}"
        out.append(f"{size} cases where {theme}, taken from every team in turn.")
    elif spec.kind == "half-cycle":
        out.append(
            "Half of all open cases, shared out by team."
            if spec.half == "first"
            else "Every open case not audited in the first half of the cycle."
        )
    elif spec.kind == "reaudit":
        out.append("Every case whose re-audit is due (for example after an Inadequate grade).")
    else:
        out.append("Every closed case not yet audited since it closed.")
    if spec.case_types:
        out.append("Only these case types: " + ", ".join(t.value for t in spec.case_types) + ".")
    if spec.teams:
        out.append("Only these teams: " + ", ".join(spec.teams) + ".")
    months = rules.get("exclusion_months_applied", spec.effective_exclusion_months)
    out.append(
        f"Cases audited in the last {months} months are left out unless a re-audit is due."
        if months
        else "A recent audit does not leave a case out of this round."
    )
    out.append("A child with an audit still open in any round is never drawn again.")
    if spec.kind != "closure":
        out.append(
            "Closed cases may be drawn." if spec.include_closed else "Closed cases are left out."
        )
    out.append(
        "Restricted records may be drawn; check who may see them."
        if spec.include_restricted
        else "Restricted records are left out."
    )
    out.append(
        "Cases with no allocated team or worker may be drawn."
        if spec.sample_unassigned
        else "Cases with no allocated team or worker are left out."
    )
    if spec.own_team_roles:
        out.append(
            f"{' and '.join(r + 's' for r in spec.own_team_roles)} audit cases of their own "
            "team (their own social workers'); every other "
            "auditor never audits their own team's cases."
        )
    else:
        out.append("No auditor audits a case from their own team, nor a case they hold.")
    out.append(
        f"Audits are due back within {rules.get('return_days', '?')} days (on the next working "
        "day when that falls on a weekend or bank holiday)."
    )
    out.append(
        f"The draw depends only on the seed ({spec.seed}), the case list, the roster and the "
        "audit history: qaf sample --verify draws it again and compares."
    )
    return out
