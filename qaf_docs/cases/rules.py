"""The workspace's ``[sampling]`` settings turned into what sampling uses: a round's spec and the
case list's column mapping, each checked against the file it is applied to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, cast

from qaf_docs.cases.case import CaseList
from qaf_docs.cases.columns import ColumnMapping, header_key
from qaf_docs.cases.plan import RoundKind, RoundSpec
from qaf_docs.errors import CaseListError, SettingsError
from qaf_docs.workspace import SamplingSettings


def column_mapping(columns: Mapping[str, str]) -> ColumnMapping:
    """Return the default mapping with each ``[sampling.columns]`` header tried first."""
    mapping = ColumnMapping()
    known = mapping.fields()
    for name in columns:
        if name not in known:
            raise SettingsError(
                f"[sampling.columns] in qaf.toml names an unknown field '{name}'; the fields are "
                f"{', '.join(sorted(known))}."
            )
    return mapping.model_copy(
        update={name: [header, *known[name]] for name, header in columns.items()}
    )


def check_mapped_headers(case_list: CaseList, columns: Mapping[str, str]) -> None:
    """Fail when a header named in ``[sampling.columns]`` is in none of the sheets read."""
    seen = {header_key(h) for headers in case_list.headers.values() for h in headers if h}
    for name, header in columns.items():
        if header_key(header) not in seen:
            sample = sorted({h for hs in case_list.headers.values() for h in hs if h})[:12]
            raise CaseListError(
                f"qaf.toml maps {name} to the header '{header}' ([sampling.columns]), but "
                f"{case_list.source_name} has no such column. Its headers include: "
                f"{', '.join(sample)}. Correct the header in qaf.toml."
            )


def round_spec(
    kind: str,
    settings: SamplingSettings,
    *,
    seed: int,
    framework_exclusion_months: int,
    framework_include_restricted: bool = False,
    framework_own_team_roles: Mapping[str, Sequence[str]] | None = None,
    n: int | None = None,
    percent: float | None = None,
    stratify_by: tuple[str, ...] = (),
    theme_column: str | None = None,
    theme_values: tuple[str, ...] = (),
    half: str | None = None,
) -> RoundSpec:
    """Return the spec of a ``kind`` round asked for on the command line, under the settings.

    A setting left unset in ``qaf.toml`` takes the framework's value (``framework_...``): with
    neither naming any ``own_team_roles``, no auditor audits a case from their own team.
    """
    own_team = settings.own_team_roles
    if own_team is None:
        own_team = {k: list(v) for k, v in (framework_own_team_roles or {}).items()}
    exclusion = settings.exclusion_months
    if exclusion is None:
        # Half-cycle, re-audit and closure rounds are not held back by recent audits.
        exclusion = (
            None if kind in ("half-cycle", "reaudit", "closure") else framework_exclusion_months
        )
    return RoundSpec(
        kind=cast(RoundKind, kind),
        seed=seed,
        n=n,
        percent=percent,
        stratify_by=stratify_by,
        theme_column=theme_column,
        theme_values=theme_values,
        theme_min=settings.deep_dive_min,
        theme_max=settings.deep_dive_max,
        quotas=dict(settings.quotas),
        worker_cycle_months=settings.worker_cycle_months,
        half=cast(Literal["first", "second"] | None, half),
        exclusion_months=exclusion,
        include_restricted=framework_include_restricted
        if settings.include_restricted is None
        else settings.include_restricted,
        include_closed=settings.include_closed,
        own_team_roles=tuple(own_team.get(kind, [])),
        sample_unassigned=settings.sample_unassigned,
        reaudit_window_days=settings.reaudits_due_within_days,
    )


# What ``qaf init`` wrote under [sampling.own_team_roles] before the rule became the framework's:
# B&NES's, which a workspace under another council's framework still carries unless it is deleted.
_EARLIER_OWN_TEAM_ROLES = {
    "tier-one": ["Deputy Team Manager", "Team Manager"],
    "closure": ["Deputy Team Manager"],
}


def own_team_against_framework(
    kind: str, settings: SamplingSettings, framework_roles: Mapping[str, Sequence[str]]
) -> str | None:
    """Return a note when qaf.toml still has the own-team roles an earlier ``qaf init`` wrote and
    they let managers audit their own team in a ``kind`` round where the framework does not."""
    if settings.own_team_roles != _EARLIER_OWN_TEAM_ROLES:
        return None  # unset (the framework's), or the council's own choice
    mine = settings.own_team_roles.get(kind, [])
    if not mine or list(framework_roles.get(kind, [])) == mine:
        return None
    return (
        f"{' and '.join(r + 's' for r in mine)} audit their own team's cases in this round "
        "because qaf.toml says so ([sampling.own_team_roles], written there by an earlier qaf "
        "from the B&NES framework), though this framework does not (delete that table from "
        "qaf.toml to follow the framework)."
    )
