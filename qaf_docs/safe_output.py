"""Write qaf_docs outputs so that user text stays text and a half-written file never shows.

Two dangers are covered here:

* Formula injection: openpyxl turns any string starting with "=" into a formula, and Excel runs a
  CSV cell starting with = + - @ (or a tab / carriage return) as one. ``set_text_cell`` and
  ``csv_safe`` make sure free text typed by an auditor is only ever shown, never evaluated.
* Torn or clobbered outputs: ``atomic_write`` writes to a temporary file beside the target and
  renames it into place. When the target is open in Excel (Windows refuses the rename) it leaves
  the open file alone and writes a dated copy instead; the next run updates the main file again.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from qaf_docs.windows_names import (
    MOST_PATH_CHARS,
    RESERVED_NAMES,
    fit_path,
    name_key,
    windows_name,
)

__all__ = [
    "EXCEL_CELL_MAX_CHARS",
    "MOST_PATH_CHARS",
    "RESERVED_NAMES",
    "atomic_write",
    "cell_text",
    "csv_safe",
    "dated_copy_path",
    "fit_path",
    "make_durable",
    "may_start_formula",
    "name_key",
    "original_of",
    "process_alive",
    "remove_leftover_temp_files",
    "set_text_cell",
    "windows_name",
]

#: Excel refuses (and "repairs") a workbook with a cell longer than this.
EXCEL_CELL_MAX_CHARS = 32_767
_TRUNCATED_MARK = " … [cut short: too long for one Excel cell]"

# Characters XML 1.0 forbids; openpyxl raises IllegalCharacterError on them. Word's manual line
# break arrives as a vertical tab, so that one becomes a newline rather than vanishing.
_ILLEGAL_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CSV_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: What a spreadsheet may take as a formula's start: = + - @, a tab or a carriage return, or the
#: full-width ＝ ＋ － ＠ (as a Japanese or Chinese keyboard types them; Excel reads them as
#: = + - @), after any spaces, non-breaking spaces, line breaks and invisible characters
#: (zero-width space, byte-order mark) pasted before it.
_FORMULA_START = re.compile(
    r"(?:[^\S\t\r]|[\u200b\u200c\u200d\u2060\ufeff])*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]"
)

# How long to keep retrying a rename that Windows refuses: antivirus and indexers hold new files
# for a moment, which is not the same as a user having the file open in Excel.
_REPLACE_RETRIES = 3
_REPLACE_PAUSE_S = 0.2


def cell_text(value: str) -> str:
    """The text ``set_text_cell`` stores for ``value``: what reading the cell back gives."""
    text = _ILLEGAL_XML_CHARS.sub(lambda m: "\n" if m.group() == "\x0b" else "", value)
    if len(text) > EXCEL_CELL_MAX_CHARS:
        text = text[: EXCEL_CELL_MAX_CHARS - len(_TRUNCATED_MARK)] + _TRUNCATED_MARK
    return text


def may_start_formula(text: str) -> bool:
    """Whether a spreadsheet may take ``text`` for a formula, typed or edited into a cell or read
    from a CSV: it starts with = + - @ (or their full-width forms), a tab or a carriage return,
    after any spaces or invisible characters."""
    return _FORMULA_START.match(text) is not None


def set_text_cell(cell: Any, value: str | None) -> None:
    """Store user-typed text in an openpyxl cell as text, never as a formula."""
    if value is None:
        cell.value = None
        return
    if not isinstance(value, str):
        raise TypeError(f"set_text_cell stores text only, not {type(value).__name__}")
    text = cell_text(value)
    cell.value = text
    # Assigning the value lets openpyxl guess "f" (formula) for "=..."; forcing "s" writes it as an
    # inline string. quotePrefix keeps Excel treating it as text if someone edits the cell later.
    cell.data_type = "s"
    if may_start_formula(text):
        cell.quotePrefix = True


def write_cell(cell: Any, value: object, *, date_format: str = "DD/MM/YYYY") -> None:
    """Put any value in an openpyxl cell: text never becomes a formula, dates show as dates."""
    if isinstance(value, str):
        set_text_cell(cell, value)
        return
    if isinstance(value, datetime):
        value = value.date()
    cell.value = value
    if isinstance(value, date):
        cell.number_format = date_format


def csv_safe(value: object) -> str:
    """Return ``value`` as a CSV field that Excel will show as text, never run as a formula.

    Control characters other than tab and line breaks are removed.
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        # Numbers come from the register, not a keyboard; "-3" must stay a number.
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    # Control bytes (NUL, escape …) from a case list's cells would corrupt the file for the tools
    # that read it; Word's manual line break (vertical tab) becomes a newline.
    text = _CSV_CONTROL_CHARS.sub(lambda m: "\n" if m.group() == "\x0b" else "", str(value))
    # Excel skips leading spaces before deciding a cell is a formula, so look past them too (and
    # past invisible characters), and take ＝ for =, as Excel does.
    if may_start_formula(text):
        return "'" + text
    return text


def dated_copy_path(path: Path, now: datetime) -> Path:
    """Return "<stem> (YYYY-MM-DD HHMM)<suffix>" beside ``path``: a Windows-safe name (no colon)."""
    return path.with_name(f"{path.stem} ({now:%Y-%m-%d %H%M}){path.suffix}")


_DATED_COPY = re.compile(r"^(?P<stem>.+) \(\d{4}-\d{2}-\d{2} \d{4}\)(?: \(\d+\))?$")


def original_of(path: Path) -> Path | None:
    """Return the file ``path`` is a dated copy of (see :func:`atomic_write`), or None."""
    found = _DATED_COPY.match(path.stem)
    return path.with_name(found.group("stem") + path.suffix) if found else None


def _temp_path(path: Path) -> Path:
    # Hidden, ends in the target's own suffix (some writers check it), and is ignored by the inbox.
    # The writer's process id lets a later run tell a killed writer's leftover from a live one's.
    return path.with_name(f".{path.stem}.{os.getpid()}-{secrets.token_hex(4)}.tmp{path.suffix}")


_TEMP_NAME = re.compile(r"^\..*\.(\d+)-[0-9a-f]{8}\.tmp(\.[A-Za-z0-9]+)?$")
_OLD_TEMP_NAME = re.compile(r"^\..*\.[0-9a-f]{8}\.tmp(\.[A-Za-z0-9]+)?$")
_ORPHAN_AGE_S = 600.0


def process_alive(pid: int) -> bool:
    """Return whether process ``pid`` runs on this computer (True when unsure).

    A killed process that its parent has not reaped yet (a zombie) counts as dead: it holds no
    files and will never write again.
    """
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(kernel32.GetLastError() == 5)  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True  # no /proc (macOS): os.kill said it exists
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def remove_leftover_temp_files(folder: Path, *, recursive: bool = False) -> int:
    """Delete temporary files a killed qaf left in ``folder``; return how many went.

    A temp file whose writer still runs is left alone; one of unknown origin only once it is old.
    """
    removed = 0
    if not folder.is_dir():
        return 0
    candidates = folder.rglob(".*.tmp*") if recursive else folder.glob(".*.tmp*")
    for temp in candidates:
        match = _TEMP_NAME.match(temp.name)
        try:
            if match:
                pid = int(match.group(1))
                if pid == os.getpid() or process_alive(pid):
                    continue
            elif not _OLD_TEMP_NAME.match(temp.name) or (
                time.time() - temp.stat().st_mtime < _ORPHAN_AGE_S
            ):
                continue
            temp.unlink()
            removed += 1
        except OSError:
            continue  # gone already, or held open: the next run tries again
    return removed


def _fsync(path: Path) -> None:
    # Durability before the rename, so a power cut never leaves a renamed but empty file.
    with contextlib.suppress(OSError), path.open("rb+") as handle:
        os.fsync(handle.fileno())


def make_durable(paths: Iterable[Path]) -> None:
    """Flush files written with ``durable=False`` to disk (one flush for a batch where possible)."""
    if hasattr(os, "sync"):
        os.sync()  # one flush for the whole batch instead of one disk round trip per file
        return
    for path in paths:
        _fsync(path)


def _replace_with_retry(src: Path, dest: Path) -> None:
    for attempt in range(_REPLACE_RETRIES):
        try:
            os.replace(src, dest)
            return
        except PermissionError:
            if attempt == _REPLACE_RETRIES - 1:
                raise
            time.sleep(_REPLACE_PAUSE_S)


def _place_without_clobber(src: Path, dest: Path) -> Path:
    """Rename ``src`` to ``dest`` or, if that exists, to "dest (2)", "dest (3)" …."""
    counter = 1
    while True:
        candidate = (
            dest if counter == 1 else dest.with_name(f"{dest.stem} ({counter}){dest.suffix}")
        )
        try:
            # Reserve the name atomically: two writers in the same minute never clobber each other.
            fd = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            counter += 1
            continue
        os.close(fd)
        try:
            os.replace(src, candidate)
        except BaseException:
            candidate.unlink(missing_ok=True)
            raise
        return candidate


def atomic_write(
    path: Path,
    write: Callable[[Path], object],
    *,
    now: Callable[[], datetime] = datetime.now,
    durable: bool = True,
) -> Path:
    """Write ``path`` via a temp file and a rename; if the target is locked, write a dated copy.

    ``write`` receives the temporary path and must write the whole file there. The returned path is
    ``path`` normally, or the dated copy when the target is open elsewhere (the caller should tell
    the user). No temporary file is left behind, whatever happens. ``durable=False`` skips the
    flush to disk: the caller must call ``make_durable`` before it records the file as written.
    A path too long for Windows or Excel is written under a shortened name (see ``fit_path``).
    """
    path = fit_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_path(path)
    try:
        write(temp)
        if durable:
            _fsync(temp)
        try:
            _replace_with_retry(temp, path)
            return path
        except PermissionError:
            # Windows: the target is open in Excel (or read-only). Leave it alone.
            return _place_without_clobber(temp, dated_copy_path(path, now()))
    except OSError as e:
        if e.filename == str(temp):
            e.filename = str(path)  # the message names the file the user knows, not the temp one
        raise
    finally:
        temp.unlink(missing_ok=True)
