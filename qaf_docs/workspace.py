"""A workspace: the folder a QA team works in, its settings file and its standard sub-folders.

<workspace>/
    qaf.toml            settings (framework, council name, where the register is, validation rules)
    qaf_register.db     the register (SQLite), unless qaf.toml names another file or a server
    templates/          the council's Word and Excel templates
    inbox/              where admin staff drop completed files
    outbox/packs/<round>/      issued audit tools and action trackers
    outbox/processed/          files read into the register
    outbox/rejected/           files that could not be accepted, each with a .rejected.txt note
    outbox/QA_tracker.xlsx     the consolidated tracker
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from qaf_docs.errors import SettingsError, describe_invalid
from qaf_docs.frameworks import Framework, load_framework

SETTINGS_FILE = "qaf.toml"
AUDIT_TEMPLATE = "audit_tool.docx"
TRACKER_TEMPLATE = "action_tracker.xlsx"
ROSTER_EXAMPLE = "roster_example.xlsx"  # copied from the bundled templates/roster.xlsx


class ValidationRules(BaseModel):
    """Which checks a submitted audit must pass; each can be switched off by a council."""

    model_config = ConfigDict(extra="forbid")

    every_domain_graded: bool = True
    rationale_for_every_grade: bool = True
    overall_grade_required: bool = True
    action_needs_owner: bool = True
    action_needs_concrete_due_date: bool = True
    action_due_within_days: int | None = Field(
        default=None, description="None: use the framework's timescale (28 days by default)"
    )
    inadequate_needs_action: bool = True
    warn_if_voice_of_child_empty: bool = True
    warn_if_audit_date_missing: bool = True


class InboxSettings(BaseModel):
    """How the inbox is read."""

    model_config = ConfigDict(extra="forbid")

    poll: bool = False
    max_file_mb: int = Field(default=25, ge=1)


ROUND_KIND_NAMES = ("simple", "tier-one", "thematic", "half-cycle", "reaudit", "closure")


class SamplingSettings(BaseModel):
    """Every sampling rule, as ``[sampling]`` in ``qaf.toml``; defaults are the seeds' values.

    B&NES: "Deputy Team Managers and Team Managers will be required on a monthly basis to audit"
    one case each; Divisional Director 2, Service Manager 1, Principal Social Worker 2 a month;
    a deep dive of "20 to 30 case files"; a Deputy Team Manager audits "at least one case of each
    of their social workers every six months", so in tier-one rounds managers audit their own team.
    """

    model_config = ConfigDict(extra="forbid")

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
    include_closed: bool = False
    include_restricted: bool = False
    sample_unassigned: bool = Field(
        default=True, description="may cases with no allocated team or worker be sampled"
    )
    own_team_roles: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "tier-one": ["Deputy Team Manager", "Team Manager"],
            "closure": ["Deputy Team Manager"],
        },
        description="per round kind, the roles that audit their own team's cases",
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
        unknown = [k for k in self.own_team_roles if k not in ROUND_KIND_NAMES]
        if unknown:
            raise ValueError(
                f"own_team_roles names an unknown round kind '{unknown[0]}'; use one of "
                + ", ".join(ROUND_KIND_NAMES)
            )
        return self


class BackupSettings(BaseModel):
    """Where copies of the register go and how many are kept."""

    model_config = ConfigDict(extra="forbid")

    folder: str = Field(default="backups", description="relative to the workspace, or absolute")
    keep: int = Field(default=14, ge=1)
    daily_while_watching: bool = True


class Settings(BaseModel):
    """The contents of ``qaf.toml``."""

    model_config = ConfigDict(extra="forbid")

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
    frameworks: list[str] = Field(
        default_factory=list,
        description="the frameworks this workspace runs, the default first (replaces 'framework')",
    )

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


@dataclass(frozen=True)
class Workspace:
    """The folders and files of one QA team's workspace."""

    root: Path

    @property
    def settings_path(self) -> Path:
        """Path of ``qaf.toml``."""
        return self.root / SETTINGS_FILE

    @property
    def register_path(self) -> Path:
        """Path of the SQLite register in the workspace: used unless qaf.toml names another place."""
        return self.root / "qaf_register.db"

    @property
    def templates(self) -> Path:
        """Folder of the council's templates."""
        return self.root / "templates"

    @property
    def inbox(self) -> Path:
        """Folder where completed files are dropped."""
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        """Folder of everything qaf produces."""
        return self.root / "outbox"

    @property
    def packs(self) -> Path:
        """Folder of issued packs, one sub-folder per round."""
        return self.outbox / "packs"

    @property
    def processed(self) -> Path:
        """Folder of files read into the register."""
        return self.outbox / "processed"

    @property
    def rejected(self) -> Path:
        """Folder of files that could not be accepted, each beside its note."""
        return self.outbox / "rejected"

    @property
    def samples(self) -> Path:
        """Folder of sampling manifests."""
        return self.outbox / "samples"

    @property
    def tracker_path(self) -> Path:
        """Path of the consolidated QA tracker workbook."""
        return self.outbox / "QA_tracker.xlsx"

    @property
    def state(self) -> Path:
        """Folder for qaf's own working files (locks, files in flight)."""
        return self.root / ".qaf"

    def folders(self) -> list[Path]:
        """Every folder a workspace must have."""
        return [
            self.templates,
            self.inbox,
            self.outbox,
            self.packs,
            self.processed,
            self.rejected,
            self.samples,
            self.state,
        ]

    def load_settings(self) -> Settings:
        """Read ``qaf.toml``; raise SettingsError naming the file and the bad key."""
        if not self.settings_path.is_file():
            raise SettingsError(
                f"{self.root} is not a qaf workspace (no {SETTINGS_FILE}). "
                f"Create one with: qaf init {self.root}"
            )
        try:
            data = tomllib.loads(self.settings_path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise SettingsError(f"{self.settings_path} is not valid TOML: {e}") from e
        try:
            return Settings.model_validate(data)
        except ValidationError as e:
            raise SettingsError(
                f"Settings file {self.settings_path} is invalid {describe_invalid(e)}"
            ) from e

    def load_framework(
        self, settings: Settings | None = None, name: str | None = None
    ) -> Framework:
        """Load framework ``name`` (default: the workspace's default) if this workspace runs it."""
        settings = settings or self.load_settings()
        chosen = name or settings.framework
        if chosen not in settings.framework_names():
            listed = ", ".join(settings.framework_names())
            raise SettingsError(
                f"This workspace has no framework '{chosen}' (it runs: {listed}). To add it, list "
                f'it in {self.settings_path.name}: frameworks = ["{settings.framework}", '
                f'"{chosen}"]. Presets: qaf frameworks.'
            )
        return load_framework(chosen, base=self.root)

    def template(self, name: str) -> Path:
        """Return the council's template ``name``; raise SettingsError if it is missing."""
        path = self.templates / name
        if not path.is_file():
            raise SettingsError(
                f"Template {path} is missing. Copy the default back with: qaf init {self.root} --restore-templates"
            )
        return path


def resolve(workspace: str | Path | None) -> Workspace:
    """Return the workspace named on the command line, else ``QAF_WORKSPACE``, else the current folder."""
    chosen = workspace or os.environ.get("QAF_WORKSPACE") or Path.cwd()
    return Workspace(Path(chosen).expanduser().resolve())


def bundled_templates() -> Path:
    """Folder of the default templates shipped with qaf_docs."""
    packaged = Path(str(resources.files("qaf_docs"))) / "_bundled_templates"
    if packaged.is_dir():
        return packaged
    # Running from a source checkout (editable install): the templates sit at the repository root.
    return Path(__file__).resolve().parent.parent / "templates"


_SETTINGS_TEXT = """\
# qaf workspace settings. Edit with any text editor; see README.md for every setting.
workspace_id = "{workspace_id}"
council_name = "{council_name}"
# The frameworks this workspace runs, the default first: presets (see: qaf frameworks) or the
# paths of framework .toml files in this folder. Add one to run it beside the others, e.g.
# frameworks = ["collaborative-audit", "multi-agency-audit"], then: qaf sample ... --framework NAME
frameworks = ["{framework}"]
# Print children's names on audit tools when the case list has them.
show_child_names = false
# Where the register is (README: Where the register lives). Unset: qaf_register.db in this folder,
# used from this computer only. A folder on a shared drive keeps its register on a local disk of
# the one computer that runs qaf, or the team uses a PostgreSQL server (its password goes in
# PGPASSWORD or a pgpass file, never here):
# register = "D:/qaf/register.db"
# register = "postgresql://qaf@db-server/qa_audits"
{register_line}
[validation]
every_domain_graded = true
rationale_for_every_grade = true
overall_grade_required = true
action_needs_owner = true
action_needs_concrete_due_date = true
# action_due_within_days = 28   # unset: the framework's timescale
inadequate_needs_action = true
warn_if_voice_of_child_empty = true
warn_if_audit_date_missing = true

[inbox]
poll = false        # true for network shares where change events never arrive
max_file_mb = 25

[sampling]
# Tier-one cases a month per role (B&NES). A role nobody on the roster has is an error.
quotas = {{ "Deputy Team Manager" = 1, "Team Manager" = 1, "Divisional Director" = 2, "Service Manager" = 1, "Principal Social Worker" = 2 }}
deep_dive_min = 20          # a thematic (deep dive) round takes 20 to 30 cases
deep_dive_max = 30
# exclusion_months = 6      # unset: the framework's; cases audited this recently are left out
worker_cycle_months = 6     # tier one: every social worker has a case audited this often
include_closed = false      # closure rounds (qaf sample --kind closure) always take closed cases
include_restricted = false
sample_unassigned = true    # may cases with no allocated team or worker be sampled (always reported)

[sampling.own_team_roles]
# Per round kind, roles that audit their own team's cases (B&NES: a Deputy Team Manager audits
# each of their own social workers). Everyone else never audits their own team.
tier-one = ["Deputy Team Manager", "Team Manager"]
closure = ["Deputy Team Manager"]

[sampling.columns]
# The case list's header for a field qaf does not recognise, e.g.
# team = "Responsible Unit"
# worker = "Key Practitioner"

[backup]
folder = "backups"  # copies of the register (qaf backup, before upgrades, daily while watching)
keep = 14           # how many copies are kept; the oldest go first
daily_while_watching = true
"""


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


_REGISTER_LINE = re.compile(r"^[ \t]*register[ \t]*=.*$", re.MULTILINE)


def set_register(ws: Workspace, value: str | None) -> None:
    """Set (or with None, remove) ``register = …`` in qaf.toml, keeping every other line as is."""
    text = ws.settings_path.read_text(encoding="utf-8-sig")
    first_table = re.search(r"^[ \t]*\[", text, re.MULTILINE)
    split = first_table.start() if first_table else len(text)
    top, rest = text[:split], text[split:]  # top-level keys must come before any [table]
    line = None if value is None else f"register = {toml_string(value)}"
    found = _REGISTER_LINE.search(top)
    if found:
        before, after = top[: found.start()], top[found.end() :]
        top = before + line + after if line else before + after.removeprefix("\n")
    elif line:
        kept = top.rstrip("\n")
        top = (kept + "\n" if kept else "") + line + "\n" + ("\n" if rest else "")
    temp = ws.settings_path.with_name(f".{ws.settings_path.name}.tmp")
    temp.write_text(top + rest, encoding="utf-8")
    os.replace(temp, ws.settings_path)
    ws.load_settings()  # what was written must read back


def init_workspace(
    root: Path,
    *,
    framework: str = "collaborative-audit",
    council_name: str = "Example Council",
    restore_templates: bool = False,
    register: str | None = None,
) -> Workspace:
    """Create a workspace at ``root`` (folders, settings, default templates); keep what is there.

    ``register`` is written as the ``register`` setting of a new settings file.
    """
    load_framework(framework, base=root)  # fail before writing anything
    if '"' in council_name or "\n" in council_name:
        raise SettingsError("The council name cannot contain quotes or line breaks.")
    ws = Workspace(root.resolve())
    for folder in ws.folders():
        folder.mkdir(parents=True, exist_ok=True)
    if not ws.settings_path.exists():
        ws.settings_path.write_text(
            _SETTINGS_TEXT.format(
                workspace_id=uuid.uuid4().hex,
                council_name=council_name,
                framework=framework,
                register_line=f"register = {toml_string(register)}\n" if register else "",
            ),
            encoding="utf-8",
        )
    for name in (AUDIT_TEMPLATE, TRACKER_TEMPLATE):
        target = ws.templates / name
        if restore_templates or not target.exists():
            shutil.copyfile(bundled_templates() / name, target)
    # An example roster beside the settings, never named roster.xlsx: made-up people must not be
    # allocated audits by mistake.
    example = ws.root / ROSTER_EXAMPLE
    bundled_roster = bundled_templates() / "roster.xlsx"
    if bundled_roster.is_file() and not example.exists():
        shutil.copyfile(bundled_roster, example)
    return ws
