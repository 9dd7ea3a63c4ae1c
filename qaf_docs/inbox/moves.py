"""Moving a file out of the inbox: under a name valid on Windows, never over another file, safe
across a crash (a move finishes on the next run), and saying so when Word still holds the file."""

from __future__ import annotations

import errno
import os
import re
import shutil
import unicodedata
from pathlib import Path

from qaf_docs.errors import FileInUseError, FolderNotWritableError
from qaf_docs.office.parts import sha256_file
from qaf_docs.safe_output import MOST_PATH_CHARS, RESERVED_NAMES, fit_path

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = RESERVED_NAMES
#: A moved file's path leaves room for the note beside it ("<name>.rejected.txt").
_MOST_MOVED_PATH = MOST_PATH_CHARS - len(".rejected.txt")
_MAX_NAME_CHARS = 150
#: File systems allow 255 bytes (Linux, in UTF-8) or 255 UTF-16 units (Windows) per name, and a
#: Chinese character takes three bytes. Names qaf moves files to stay this short in UTF-8 (never
#: fewer bytes than UTF-16 units), leaving room for the longest it adds to them: a note's
#: ".rejected.txt" and, while the note is written, a temporary name (or a dated copy) around it.
MAX_NAME_BYTES = 200


def fit_name(name: str, most_bytes: int = MAX_NAME_BYTES) -> str:
    """Return ``name`` cut to ``most_bytes`` in UTF-8, keeping its extension and whole characters."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or not re.fullmatch(r"[A-Za-z0-9]{1,10}", ext):
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    return (_cut(stem, most_bytes - len(suffix)) or "file") + suffix


def _cut(text: str, most_bytes: int) -> str:
    """Return the longest start of ``text`` that fits ``most_bytes`` in UTF-8 (whole characters)."""
    if len(text.encode("utf-8")) <= most_bytes:
        return text
    return text.encode("utf-8")[: max(most_bytes, 0)].decode("utf-8", "ignore").rstrip(". ")


def safe_display_name(name: str) -> str:
    """Return ``name`` made valid on Windows, keeping its extension, at most 150 characters and
    ``MAX_NAME_BYTES`` bytes."""
    name = unicodedata.normalize("NFC", name)
    # Keep only the last path component: "..\\..\\x.docx" and "C:/x.docx" become "x.docx".
    name = re.split(r"[\\/]", name)[-1]
    name = _WINDOWS_FORBIDDEN.sub("_", name).strip().rstrip(". ")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or not re.fullmatch(r"[A-Za-z0-9]{1,10}", ext):
        stem, ext = name, ""
    stem = stem.strip().rstrip(". ").lstrip(".") or "file"
    # Windows treats "CON.txt" and "con .docx" as the device, whatever follows the first dot.
    if stem.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    suffix = f".{ext}" if ext else ""
    stem = _cut(stem[: _MAX_NAME_CHARS - len(suffix)], MAX_NAME_BYTES - len(suffix))
    return (stem.rstrip(". ") or "file") + suffix


def _numbered(dest_dir: Path, name: str, counter: int) -> Path:
    if counter == 1:
        return dest_dir / name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    tag = f" ({counter})"
    stem = _cut(
        stem[: _MAX_NAME_CHARS - len(suffix) - len(tag)], MAX_NAME_BYTES - len(tag + suffix)
    )
    return dest_dir / (stem + tag + suffix)


def move_without_clobber(src: Path, dest_dir: Path, name: str | None = None) -> Path:
    """Move ``src`` into ``dest_dir`` under a safe name, adding " (2)", " (3)" … never overwriting.

    Raises FileInUseError when the source is held open (Windows sharing violation), so the caller
    retries later, and FolderNotWritableError when nothing may be created in ``dest_dir``; the
    source is then left exactly where it was.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    safe = safe_display_name(name if name is not None else src.name)
    counter = 1
    while True:
        # Deep in a OneDrive folder the whole path must still open in Word and Excel.
        candidate = fit_path(_numbered(dest_dir, safe, counter), most=_MOST_MOVED_PATH)
        try:
            # An exclusive create reserves the name: os.replace alone would overwrite on POSIX.
            fd = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if _same_content(src, candidate):
                # An earlier move was cut short after copying: finish it, keep one copy.
                _remove_source(src)
                return candidate
            if _stale_reservation(src, candidate):
                _move_onto_reservation(src, candidate)
                return candidate
            counter += 1
            continue
        except OSError as exc:
            # The folder, not the file: nothing may be created in it (protected, or read-only).
            if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
                raise FolderNotWritableError(dest_dir) from exc
            raise
        os.close(fd)
        try:
            _move_onto_reservation(src, candidate)
        except BaseException:
            candidate.unlink(missing_ok=True)
            raise
        return candidate


def _same_content(a: Path, b: Path) -> bool:
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        return sha256_file(a) == sha256_file(b)
    except OSError:
        return False


def _stale_reservation(src: Path, target: Path) -> bool:
    """True for an empty file left at ``target`` by a move that died between reserving and moving.

    Only one qaf process works on an inbox at a time (the inbox lock), so an empty target while the
    source still has content can only be such a leftover.
    """
    try:
        return target.stat().st_size == 0 and src.stat().st_size > 0
    except OSError:
        return False


def _remove_source(src: Path) -> None:
    try:
        src.unlink()
    except PermissionError as exc:
        raise FileInUseError(src) from exc


def _move_onto_reservation(src: Path, target: Path) -> None:
    try:
        os.replace(src, target)
        return
    except PermissionError as exc:
        raise FileInUseError(src) from exc
    except OSError as exc:
        if not _is_cross_device(exc):
            raise
    # Different volume (e.g. inbox on a share, outbox local): copy, then remove the original.
    try:
        shutil.copy2(src, target)
    except PermissionError as exc:
        raise FileInUseError(src) from exc
    try:
        src.unlink()
    except PermissionError as exc:
        target.unlink(missing_ok=True)
        raise FileInUseError(src) from exc


def _is_cross_device(exc: OSError) -> bool:
    # EXDEV on POSIX; ERROR_NOT_SAME_DEVICE (17) on Windows.
    return exc.errno == errno.EXDEV or getattr(exc, "winerror", None) == 17
