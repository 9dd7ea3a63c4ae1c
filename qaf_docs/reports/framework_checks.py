"""Frameworks that ``qaf.toml`` lists, or rounds were drawn under, which qaf cannot use: a warning
line each for ``qaf status``, so a misspelt name shows the day it is typed, not at the next
``qaf sample`` or ``qaf report``.

Each framework is read (a small TOML file, a few milliseconds); nothing is rendered.
"""

from __future__ import annotations

from qaf_docs.errors import QafError
from qaf_docs.frameworks import load_framework
from qaf_docs.workspace import SETTINGS_FILE, Settings, Workspace


def _rounds(ids: list[str]) -> str:
    return f"round {ids[0]} was" if len(ids) == 1 else f"rounds {', '.join(ids)} were"


def framework_problems(ws: Workspace, settings: Settings, drawn: dict[str, list[str]]) -> list[str]:
    """One line per framework qaf cannot load, that ``settings`` lists or a round was drawn under
    (``drawn``: framework -> round ids): which name, why (the presets, the nearest first, for a
    misspelt one) and where to correct it."""
    listed = settings.framework_names()
    unusable: dict[str, str] = {}
    for name in dict.fromkeys([*listed, *drawn]):
        try:
            load_framework(name, base=ws.root)
        except QafError as e:
            unusable[name] = str(e) if str(e).endswith(".") else f"{e}."
    lines = []
    for name, why in unusable.items():
        rounds = drawn.get(name, [])
        if name in listed:
            stops = (
                "qaf sample and qaf report stop at it"
                if name == settings.framework
                else "no round can be drawn under it"
            )
            # A name qaf cannot find is corrected in qaf.toml; a file it finds, in that file.
            fix = f"Correct it in {name if (ws.root / name).is_file() else SETTINGS_FILE}; "
            fix += f"{stops} until then."
            if (ws.root / f"{name}.txt").is_file():
                fix = f"Until it is renamed, {stops}."
            line = (
                f"{SETTINGS_FILE} lists a framework qaf cannot use under "
                f"{ws.framework_key(settings, name)}: {why} {fix}"
            )
            if rounds:
                line += f" ({_rounds(rounds)} drawn under it.)"
        else:
            meanwhile = (
                "what their audits wait for cannot be worked out"
                if settings.framework in unusable
                else f"their audits are read under the default framework, '{settings.framework}'"
            )
            line = (
                f"{_rounds(rounds)} drawn under the framework '{name}', which qaf cannot use: "
                f"{why} Put a framework file named '{name}' back in the workspace folder; until "
                f"then {meanwhile}."
            )
        lines.append(line)
    return lines
