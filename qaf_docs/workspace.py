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

import os
import shutil
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from qaf_docs import clock
from qaf_docs.errors import QafError, SettingsError
from qaf_docs.frameworks import Framework, load_framework
from qaf_docs.frameworks.lines import value_line
from qaf_docs.frameworks.loading import describe_problem, preset_names, unknown_framework
from qaf_docs.frameworks.toml_text import RULES, decoded, toml_slip

# The settings models live in settings.py; the rest of the package imports them from here.
from qaf_docs.settings import ROUND_KIND_NAMES as ROUND_KIND_NAMES
from qaf_docs.settings import ROUND_KIND_WORDS as ROUND_KIND_WORDS
from qaf_docs.settings import BackupSettings as BackupSettings
from qaf_docs.settings import InboxSettings as InboxSettings
from qaf_docs.settings import LifecycleSettings as LifecycleSettings
from qaf_docs.settings import ReportSettings as ReportSettings
from qaf_docs.settings import SamplingSettings as SamplingSettings
from qaf_docs.settings import Settings as Settings
from qaf_docs.settings import ValidationRules as ValidationRules
from qaf_docs.settings_text import SETTINGS_TEXT, own_team_text
from qaf_docs.settings_text import set_register as set_register
from qaf_docs.settings_text import toml_string as toml_string

SETTINGS_FILE = "qaf.toml"
AUDIT_TEMPLATE = "audit_tool.docx"
TRACKER_TEMPLATE = "action_tracker.xlsx"
ROSTER_EXAMPLE = "roster_example.xlsx"  # copied from the bundled templates/roster.xlsx
REPORT_TEMPLATE = "quarterly_report.docx"
#: The council's templates, as ``qaf init`` copies them into templates/ (and puts them back).
TEMPLATE_FILES = (AUDIT_TEMPLATE, TRACKER_TEMPLATE, REPORT_TEMPLATE)


@dataclass(frozen=True)
class Workspace:
    """The folders and files of one QA team's workspace."""

    root: Path
    # How resolve chose the folder: "--workspace", "QAF_WORKSPACE", "cwd"; "" when not by resolve.
    chosen_by: str = field(default="", compare=False)

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
    def reports_dir(self) -> Path:
        """Folder of the period and round reports."""
        return self.outbox / "reports"

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
            named = {
                "--workspace": ", named by --workspace,",
                "QAF_WORKSPACE": ", which QAF_WORKSPACE names,",
                "cwd": " (the current folder)",
            }.get(self.chosen_by, "")
            raise SettingsError(
                f"{self.root}{named} is not a qaf workspace (no {SETTINGS_FILE}). If your "
                "workspace is in another folder, run qaf there or name it with --workspace "
                f"FOLDER (or set QAF_WORKSPACE to it); to start a new one here: qaf init {self.root}"
            )
        try:
            text = decoded(self.settings_path.read_bytes())
        except ValueError as e:
            raise SettingsError(f"{self.settings_path} {e}, then run the command again.") from e
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise SettingsError(toml_mistake(self.settings_path, text, e)) from e
        try:
            return Settings.model_validate(data)
        except ValidationError as e:
            raise SettingsError(
                f"Settings file {self.settings_path} is invalid {describe_problem(e, text, Settings)}"
            ) from e

    def load_framework(
        self, settings: Settings | None = None, name: str | None = None
    ) -> Framework:
        """Load framework ``name`` (default: the workspace's default) if this workspace runs it."""
        settings = settings or self.load_settings()
        chosen = name or settings.framework
        if chosen not in settings.framework_names():
            if chosen not in preset_names() and not (self.root / chosen).is_file():
                raise SettingsError(unknown_framework(chosen, self.root))  # a typing slip
            listed = ", ".join(settings.framework_names())
            raise SettingsError(
                f"This workspace has no framework '{chosen}' (it runs: {listed}). To add it, list "
                f'it in {self.settings_path.name}: frameworks = ["{settings.framework}", '
                f'"{chosen}"]. Presets: qaf frameworks.'
            )
        # A name qaf cannot find is corrected in qaf.toml (a file Notepad saved as .txt, renamed).
        if (
            chosen not in preset_names()
            and not (self.root / chosen).is_file()
            and not (self.root / f"{chosen}.txt").is_file()
        ):
            # A typing slip in qaf.toml, not on the command line: say where to correct it.
            why = unknown_framework(chosen, self.root)
            raise SettingsError(
                f"{self.settings_path} lists a framework qaf cannot find under "
                f"{self.framework_key(settings, chosen)}: {why} Correct it in {SETTINGS_FILE} and "
                "run the command again."
            )
        return load_framework(chosen, base=self.root)

    def framework_key(self, settings: Settings, name: str) -> str:
        """Where qaf.toml names framework ``name``: "'frameworks' at line 7" (the line where
        the file can be read, else the key alone)."""
        key = "frameworks" if settings.frameworks else "framework"
        try:
            line = value_line(self.settings_path.read_text(encoding="utf-8-sig"), key, name)
        except (OSError, UnicodeDecodeError):
            line = None
        return f"'{key}'" + (f" at line {line}" if line else "")

    def template(self, name: str) -> Path:
        """Return the council's template ``name``; raise SettingsError if it is missing."""
        path = self.templates / name
        if not path.is_file():
            raise SettingsError(
                f"Template {path} is missing. Copy the default back with: qaf init {self.root} --restore-templates"
            )
        return path


def toml_mistake(path: Path, text: str, e: tomllib.TOMLDecodeError) -> str:
    """Say which line of a hand-edited settings file cannot be read, quote it, say what is wrong
    with it, and give the rules a text editor's user most often breaks (quotes around text,
    lower-case true, ISO dates)."""
    number, line, why, _ = toml_slip(text, e)
    quoted = f": '{line}'" if line.strip() else ""
    return (
        f"{path} cannot be read at line {number or '?'}{quoted}: {why}. {RULES}; then run the "
        "command again."
    )


def resolve(workspace: str | Path | None) -> Workspace:
    """Return the workspace named on the command line, else ``QAF_WORKSPACE``, else the current folder."""
    by = (
        "--workspace"
        if workspace
        else "QAF_WORKSPACE"
        if os.environ.get("QAF_WORKSPACE")
        else "cwd"
    )
    chosen = workspace or os.environ.get("QAF_WORKSPACE") or Path.cwd()
    return Workspace(Path(chosen).expanduser().resolve(), chosen_by=by)


def bundled_templates() -> Path:
    """Folder of the default templates shipped with qaf_docs."""
    packaged = Path(str(resources.files("qaf_docs"))) / "_bundled_templates"
    if packaged.is_dir():
        return packaged
    # Running from a source checkout (editable install): the templates sit at the repository root.
    return Path(__file__).resolve().parent.parent / "templates"


def init_workspace(
    root: Path,
    *,
    framework: str = "collaborative-audit",
    council_name: str = "Example Council",
    restore_templates: bool = False,
    register: str | None = None,
    kept: dict[str, Path] | None = None,
) -> Workspace:
    """Create a workspace at ``root`` (folders, settings, default templates); keep what is there.

    ``register`` is written as the ``register`` setting of a new settings file. With
    ``restore_templates``, a template the council changed is copied beside itself before the
    default replaces it (``kept`` gets each copy's path by template name): its logo and wording
    are theirs.
    """
    chosen = load_framework(framework, base=root)  # fail before writing anything
    if '"' in council_name or "\n" in council_name:
        raise SettingsError("The council name cannot contain quotes or line breaks.")
    ws = Workspace(root.resolve())
    for folder in ws.folders():
        folder.mkdir(parents=True, exist_ok=True)
    if not ws.settings_path.exists():
        ws.settings_path.write_text(
            SETTINGS_TEXT.format(
                workspace_id=uuid.uuid4().hex,
                council_name=council_name,
                framework=framework,
                **own_team_text(chosen),
                register_line=f"register = {toml_string(register)}\n" if register else "",
            ),
            encoding="utf-8",
        )
    for name in TEMPLATE_FILES:
        target = ws.templates / name
        default = bundled_templates() / name
        if restore_templates and target.is_file() and target.read_bytes() != default.read_bytes():
            copy = keep_beside(target)
            if kept is not None:
                kept[name] = copy
        if restore_templates or not target.exists():
            shutil.copyfile(default, target)
    # An example roster beside the settings, never named roster.xlsx: made-up people must not be
    # allocated audits by mistake.
    example = ws.root / ROSTER_EXAMPLE
    bundled_roster = bundled_templates() / "roster.xlsx"
    if bundled_roster.is_file() and not example.exists():
        shutil.copyfile(bundled_roster, example)
    return ws


def before_restore(template: Path, n: int = 1) -> Path:
    """Where ``--restore-templates`` keeps the council's ``template`` today: "<name> (before
    restore <date>)", or its ``n``-th copy of the day."""
    copy = f", copy {n}" if n > 1 else ""
    stem = f"{template.stem} (before restore {clock.today():%Y-%m-%d}{copy})"
    return template.with_name(stem + template.suffix)


def keep_beside(template: Path) -> Path:
    """Copy ``template`` to :func:`before_restore`, never over an earlier copy; return the copy."""
    n = 1
    while (copy := before_restore(template, n)).exists():
        n += 1
    shutil.copy2(template, copy)
    return copy


def frameworks_of(ws: Workspace) -> Callable[[str], Framework]:
    """Return a loader of an audit's framework by id (the workspace's own when the id is unknown)."""
    cache: dict[str, Framework] = {}

    def load(framework_id: str) -> Framework:
        if framework_id not in cache:
            try:
                cache[framework_id] = load_framework(framework_id, base=ws.root)
            except QafError:
                cache[framework_id] = ws.load_framework()
        return cache[framework_id]

    return load
