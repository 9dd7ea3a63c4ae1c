"""The settings in a workspace's ``qaf.toml``: what each key means, its default and its limits.

Read through :meth:`qaf_docs.workspace.Workspace.load_settings`; imported from
``qaf_docs.workspace`` by the rest of the package.
"""

from __future__ import annotations

from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from qaf_docs.frameworks.base import ROUND_KIND_NAMES as ROUND_KIND_NAMES
from qaf_docs.frameworks.kinds import backslash_slip


class ValidationRules(BaseModel):
    """Which checks a submitted audit must pass; each can be switched off by a council."""

    model_config = ConfigDict(extra="forbid", strict=True)

    every_domain_graded: bool = True
    rationale_for_every_grade: bool = True
    overall_grade_required: bool = True
    action_needs_owner: bool = True
    action_needs_concrete_due_date: bool = True
    action_due_within_days: int | None = Field(
        default=None, ge=0, description="None: the framework's timescale; 0: no limit"
    )
    inadequate_needs_action: bool = True
    warn_if_voice_of_child_empty: bool = True
    warn_if_audit_date_missing: bool = True

    def action_window(self, framework_days: int | None) -> int | None:
        """Days after the audit an action must be due within: this setting (0: no limit), else the
        framework's (``framework_days``); None when there is no limit."""
        if self.action_due_within_days is None:
            return framework_days
        return self.action_due_within_days or None


class InboxSettings(BaseModel):
    """How the inbox is read."""

    model_config = ConfigDict(extra="forbid", strict=True)

    poll: bool = False
    max_file_mb: int = Field(default=25, ge=1)


#: The round kinds in words, as the manifest and the reports print them.
ROUND_KIND_WORDS = {
    "simple": "Random sample",
    "tier-one": "Tier-one manager audits",
    "thematic": "Deep dive (thematic audit)",
    "half-cycle": "Half of the audit cycle",
    "reaudit": "Re-audits due",
    "closure": "Audits at closure",
}


class SamplingSettings(BaseModel):
    """Every sampling rule, as ``[sampling]`` in ``qaf.toml``; defaults are the seeds' values.

    B&NES: "Deputy Team Managers and Team Managers will be required on a monthly basis to audit",
    "One case per Deputy Team Manager"; Divisional Director 2, Service Manager 1, Principal Social
    Worker 2 a month. It gives Team Managers no number: their 1 is qaf's default (the least a
    monthly audit can be). A deep dive of "20 to 30 case files". Who audits their own team's cases
    is the framework's (``[sampling.own_team_roles]`` in B&NES's preset) unless ``own_team_roles``
    is set here.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    quotas: dict[str, int] = Field(
        default_factory=lambda: {
            "Deputy Team Manager": 1,
            "Team Manager": 1,
            "Divisional Director": 2,
            "Service Manager": 1,
            "Principal Social Worker": 2,
        },
        description="tier-one cases a month per role",
    )
    deep_dive_min: int = Field(default=20, ge=1)
    deep_dive_max: int = Field(default=30, ge=1)
    exclusion_months: int | None = Field(
        default=None, ge=0, description="unset: the framework's recent-audit exclusion"
    )
    worker_cycle_months: int = Field(default=6, ge=1)
    reaudits_due_within_days: int = Field(
        default=0,
        ge=0,
        le=92,
        description="a re-audit round also takes re-audits falling due this many days after the draw",
    )
    include_closed: bool = False
    include_restricted: bool | None = Field(
        default=None, description="unset: the framework's (West Sussex samples restricted records)"
    )
    sample_unassigned: bool = Field(
        default=True, description="may cases with no allocated team or worker be sampled"
    )
    own_team_roles: dict[str, list[str]] | None = Field(
        default=None,
        description="per round kind, the roles that audit their own team's cases; unset: the "
        "framework's",
    )
    columns: dict[str, str] = Field(
        default_factory=dict, description="qaf field -> the case list's header for it"
    )

    @model_validator(mode="after")
    def _fits(self) -> SamplingSettings:
        bad = {role: q for role, q in self.quotas.items() if q < 0}
        if bad:
            role = next(iter(bad))
            raise ValueError(f"the quota for '{role}' must be 0 or more, not {bad[role]}")
        if self.deep_dive_min > self.deep_dive_max:
            raise ValueError(
                f"deep_dive_min ({self.deep_dive_min}) is more than deep_dive_max "
                f"({self.deep_dive_max})"
            )
        unknown = [k for k in self.own_team_roles or {} if k not in ROUND_KIND_NAMES]
        if unknown:
            raise ValueError(
                f"own_team_roles names an unknown round kind '{unknown[0]}'; use one of "
                + ", ".join(ROUND_KIND_NAMES)
            )
        return self


def _no_escapes(value: str | None, info: ValidationInfo) -> str | None:
    r"""A Windows path in double quotes whose \n or \r TOML read as a new line: refused, never
    used as a path with a line break in it (``register = "D:\new\register.db"``)."""
    key = "register" if info.field_name == "register_at" else str(info.field_name)
    said = None if value is None else backslash_slip(key, value)
    if said:
        raise ValueError(said)
    return value


class BackupSettings(BaseModel):
    """Where copies of the register go and how many are kept."""

    model_config = ConfigDict(extra="forbid", strict=True)

    folder: str = Field(default="backups", description="relative to the workspace, or absolute")
    _folder = field_validator("folder")(_no_escapes)
    keep: int = Field(default=14, ge=1)
    daily_while_watching: bool = True


class ReportSettings(BaseModel):
    """What the tracker and reports measure against."""

    model_config = ConfigDict(extra="forbid", strict=True)

    inadequate_target: float = Field(
        default=0.10, ge=0, description="the published target: 10% or less Inadequate"
    )

    @field_validator("inadequate_target")
    @classmethod
    def _a_share(cls, value: float) -> float:
        # 10 for 10% is the likely slip: say how a share is written.
        if value > 1:
            raise ValueError(
                f"inadequate_target = {value:g} is more than 1: it is a share, so write "
                f"inadequate_target = {value / 100:g} for {value:g}%"
            )
        return value


class LifecycleSettings(BaseModel):
    """What happens after a form comes back (``[lifecycle]`` in qaf.toml)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    audit_date_before_issue: Literal["warning", "error"] = Field(
        default="warning",
        description="an audit dated before its pack was issued: kept with a warning, or refused",
    )
    moderate: Literal["framework", "inadequate", "all"] = Field(
        default="framework",
        description="which returned audits wait for moderation: the framework's rule (and every "
        "Inadequate), only Inadequate ones, or all",
    )
    reminders_from: str = Field(
        default="", description="the From address of reminders, e.g. the QA team's mailbox"
    )
    vague_actions: Literal["warning", "error"] = Field(
        default="warning", description="an action too vague to be SMART ('Improve practice')"
    )


class Settings(BaseModel):
    """The contents of ``qaf.toml``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    workspace_id: str
    council_name: str = "Example Council"
    framework: str = "collaborative-audit"
    show_child_names: bool = False
    # "register" in qaf.toml (the attribute is named apart: BaseModel has a register() of its own)
    register_at: str | None = Field(
        default=None,
        alias="register",
        description="A SQLite file (on this computer's own disk) or a postgresql:// URL without a "
        "password; unset: qaf_register.db in the workspace",
    )
    validation: ValidationRules = ValidationRules()
    inbox: InboxSettings = InboxSettings()
    sampling: SamplingSettings = SamplingSettings()
    backup: BackupSettings = BackupSettings()
    reports: ReportSettings = ReportSettings()
    lifecycle: LifecycleSettings = LifecycleSettings()
    frameworks: list[str] = Field(
        default_factory=list,
        description="the frameworks this workspace runs, the default first (replaces 'framework')",
    )

    _paths = field_validator("register_at", "framework")(_no_escapes)

    @field_validator("frameworks")
    @classmethod
    def _listed_paths(cls, value: list[str]) -> list[str]:
        for name in value:
            said = backslash_slip("frameworks", name, listed=True)
            if said:
                raise ValueError(said)
        return value

    @model_validator(mode="after")
    def _default_framework(self) -> Settings:
        # ``framework`` stays the default every older caller reads; ``frameworks`` lists them all.
        if self.frameworks:
            if "framework" in self.model_fields_set and self.framework not in self.frameworks:
                raise ValueError(
                    f"framework = '{self.framework}' is not in frameworks = {self.frameworks}; "
                    "keep only 'frameworks' (its first entry is the default)"
                )
            self.framework = self.frameworks[0]
        return self

    def framework_names(self) -> list[str]:
        """Return the frameworks this workspace runs, the default first."""
        return list(self.frameworks) or [self.framework]
