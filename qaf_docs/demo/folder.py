"""The demo's folder: a new one, or an earlier demo made again from the start; never a real
workspace, whose register would fill with made-up children, rounds and e-mails."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from qaf_docs.errors import SettingsError

MARK = "made-by-qaf-demo"  # in the workspace's .qaf/ folder
DEMO_COUNCIL = "Example Council (demo)"
# What a demo's folder holds (with the register's files): an earlier demo is removed only when its
# folder holds nothing else.
_MADE = frozenset(
    {
        ".qaf", "qaf.toml", "inbox", "outbox", "templates", "logs", "backups", "processed",
        "demo_case_list.xlsx", "roster.xlsx", "roster_example.xlsx", "filled_by_auditors",
    }
)  # fmt: skip


def mark_as_demo(root: Path) -> None:
    """Say in ``root`` that it holds a demo, so a later ``qaf demo`` may start it again."""
    (root / ".qaf").mkdir(exist_ok=True)
    (root / ".qaf" / MARK).write_text("made-up data from qaf demo\n", encoding="utf-8")


def is_demo(root: Path) -> bool:
    """Whether ``root`` holds a demo (a demo made before the mark: by its council's name)."""
    if (root / ".qaf" / MARK).is_file():
        return True
    try:
        settings = tomllib.loads((root / "qaf.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return bool(settings.get("council_name") == DEMO_COUNCIL)


def prepare_demo_folder(root: Path) -> None:
    """Leave a new or empty ``root`` as it is and remove an earlier demo that holds nothing else, so
    the demo starts afresh; refuse anything else (a SettingsError), touching nothing."""
    if not root.exists() or not any(root.iterdir()):
        return
    if not (root / "qaf.toml").exists():
        raise SettingsError(
            f"{root} is not empty and not a qaf workspace; choose a new folder for the demo."
        )
    if not is_demo(root):
        raise SettingsError(
            f"{root} is a qaf workspace, not an earlier demo: the demo would add made-up "
            "children to its register. Choose a new folder for the demo."
        )
    others = sorted(
        e.name
        for e in root.iterdir()
        if e.name not in _MADE and not e.name.startswith("qaf_register")
    )
    if others:  # the demo was made in a folder of someone's own: only the demo may go
        raise SettingsError(
            f"{root} holds an earlier demo and files the demo did not make ({others[0]}"
            f"{', …' if len(others) > 1 else ''}), so it is not removed to start again. Choose a "
            "new folder for the demo."
        )
    try:
        shutil.rmtree(root)
    except OSError as e:
        raise SettingsError(
            f"The earlier demo in {root} could not be removed to start it again "
            f"({e.strerror or e}): close its files open in Word or Excel, or choose a new folder."
        ) from e
