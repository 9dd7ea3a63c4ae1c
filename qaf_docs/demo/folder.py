"""The demo's folder: a new one, or an earlier demo made again from the start; never a real
workspace, whose register would fill with made-up children, rounds and e-mails."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from qaf_docs.errors import SettingsError

MARK = "made-by-qaf-demo"  # in the workspace's .qaf/ folder
DEMO_COUNCIL = "Example Council (demo)"


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
    """Leave a new or empty ``root`` as it is and remove an earlier demo, so the demo starts
    afresh; refuse anything else (a SettingsError), touching nothing."""
    if not root.exists() or not any(root.iterdir()):
        return
    if not is_demo(root):
        if (root / "qaf.toml").exists():
            raise SettingsError(
                f"{root} is a qaf workspace, not an earlier demo: the demo would add made-up "
                "children to its register. Choose a new folder for the demo."
            )
        raise SettingsError(
            f"{root} is not empty and not a qaf workspace; choose a new folder for the demo."
        )
    try:
        shutil.rmtree(root)
    except OSError as e:
        raise SettingsError(
            f"The earlier demo in {root} could not be removed to start it again "
            f"({e.strerror or e}): close its files open in Word or Excel, or choose a new folder."
        ) from e
