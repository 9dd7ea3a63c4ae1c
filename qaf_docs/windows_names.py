"""File and folder names qaf chooses, made to work where councils keep workspaces: Windows, on
OneDrive / SharePoint-synced folders and network shares.

Windows refuses a name holding \\ / : * ? " < > | or a control character, quietly drops a trailing
dot or space (so "Team A." and "Team A" are one folder), treats CON, PRN, AUX, NUL, CONIN$,
CONOUT$, COM0-9 and LPT0-9 (also COM¹ …, and with any extension: "con.txt", "NUL .eml") as devices
rather than files, and does not tell names apart by case. Without long paths switched on it cannot
reach a path of 260 characters or more, and Excel will not open one over 218.

``windows_name`` makes one name from a team, a person, a reference or a label; a name cut short
ends with a few characters from a hash of the whole, so two long names that start alike stay two
files. ``fit_path`` shortens the last name of a path so the whole path stays openable.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

__all__ = [
    "MOST_PATH_CHARS",
    "RESERVED_NAMES",
    "fit_path",
    "is_reserved",
    "name_key",
    "windows_name",
]

_NOT_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
#: Device names Windows keeps for itself, whatever extension follows ("aux.docx" is the device).
RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{stem}{n}" for stem in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")]
)
#: Excel refuses to open a file whose full path is longer than this; Word and Windows (260,
#: counting the terminator) allow a little more, which leaves room for the temporary name and the
#: dated copy ``atomic_write`` may use beside the file.
MOST_PATH_CHARS = 218
#: A name is never shortened below this many characters before its hash and extension.
_SHORTEST_STEM = 16
#: Bytes per name: Linux allows 255 in UTF-8, Windows 255 UTF-16 units (never more than the bytes).
_MOST_NAME_BYTES = 160
_HASH_CHARS = 6


def is_reserved(name: str) -> bool:
    """True when Windows would take ``name`` for a device ("CON", "nul.txt", "Com1 .eml")."""
    return name.split(".")[0].rstrip(" ").upper() in RESERVED_NAMES


def name_key(name: str) -> str:
    """What Windows compares when it asks whether two names in a folder are the same name."""
    return name.rstrip(". ").casefold()


def windows_name(text: str, *, empty: str = "unnamed", most: int = 80) -> str:
    """A file or folder name valid on Windows for a person, team, reference or label chosen by qaf
    (never a child): forbidden characters become "-", no leading or trailing space or trailing
    dot, never a device name, at most ``most`` characters (a shortened name ends "~<hash>")."""
    name = _NOT_IN_NAMES.sub("-", text).strip().rstrip(". ")
    if not name:
        return empty
    if is_reserved(name):
        name = f"_{name}"
    return _shorten(name, text, most)


def _shorten(name: str, whole: str, most: int) -> str:
    """``name`` cut to ``most`` characters (and bytes enough for any file system), its end a hash
    of ``whole`` so that two names cut from different texts stay different."""
    if len(name) <= most and len(name.encode("utf-8")) <= _MOST_NAME_BYTES:
        return name
    tag = "~" + hashlib.sha256(whole.encode("utf-8")).hexdigest()[:_HASH_CHARS]
    keep = max(most - len(tag), 1)
    start = name[:keep]
    while len(start.encode("utf-8")) > _MOST_NAME_BYTES - len(tag):
        start = start[:-1]
    return start.rstrip(". ") + tag


def fit_path(path: Path, *, most: int = MOST_PATH_CHARS) -> Path:
    """``path``, or when its full path is longer than ``most`` characters, the same folder with
    its name shortened (extension kept, "~<hash>" of the whole name before it) so it fits.

    The same path always gives the same shorter name, so a rerun writes the same file again. A
    folder already too long to leave ``_SHORTEST_STEM`` characters is left as it is: the error
    Windows gives then names the folder.
    """
    full = len(str(path.absolute()))
    if full <= most:
        return path
    suffix = path.suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", path.suffix) else ""
    stem = path.name[: len(path.name) - len(suffix)]
    room = len(stem) - (full - most)
    if room < _SHORTEST_STEM + _HASH_CHARS + 1:
        room = _SHORTEST_STEM + _HASH_CHARS + 1
        if room >= len(stem):
            return path
    return path.with_name(_shorten(stem, path.name, room) + suffix)
