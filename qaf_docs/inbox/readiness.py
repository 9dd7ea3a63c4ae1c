"""The shared inbox folder: which files are candidates and when each has finished arriving.

Admin officers drop files into ``inbox/`` — often a Windows network share, many at once, sometimes
while Word still has them open. This module decides two things without reading any form:

* ``scan`` / ``is_ignored``: what in the folder is a submission at all. Office owner files
  (``~$…``), LibreOffice locks (``.~lock…#``), temp files, hidden files and Explorer litter are
  ignored, never rejected: they vanish on their own.
* ``ReadinessMonitor``: whether a file has finished arriving. Size and modified time must stay the
  same across several looks *and* the zip directory (written last) must be readable. An empty
  placeholder waits until it fills or times out; a file that never becomes a valid zip is handed
  over after a while so that it is rejected rather than waited for forever.

Moving a file out once it has been dealt with is ``inbox.moves``.
"""

from __future__ import annotations

import fnmatch
import os
import sys
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "HELD_OPEN",
    "IGNORED",
    "STILL_ARRIVING",
    "Readiness",
    "ReadinessMonitor",
    "is_ignored",
    "scan",
]

#: Name patterns (case-insensitive) that are never submissions. Dot files are ignored as well.
IGNORED: tuple[str, ...] = (
    "~$*",  # Word / Excel owner file while a document is open
    ".~lock.*#",  # LibreOffice lock file
    "~*.tmp",  # Word's ~WRL0001.tmp, ~WRD0000.tmp while saving
    "*.tmp",
    "*.temp",
    "*.part",  # browsers and sync clients while downloading
    "*.partial",
    "*.crdownload",
    "*.download",
    "thumbs.db",
    "desktop.ini",
    "ehthumbs.db",
    ".ds_store",
)

_FILE_ATTRIBUTE_HIDDEN = 0x2
_FILE_ATTRIBUTE_SYSTEM = 0x4


def is_ignored(path: Path) -> bool:
    """Return True for files that are never submissions: owner/lock/temp/hidden files and litter."""
    name = path.name
    lowered = name.lower()
    if not name or name.startswith("."):
        return True
    if any(fnmatch.fnmatchcase(lowered, pattern) for pattern in IGNORED):
        return True
    return _has_hidden_attribute(path)


def _has_hidden_attribute(path: Path) -> bool:
    # Windows marks hidden/system files with an attribute rather than a leading dot.
    if sys.platform != "win32":
        return False
    try:
        attributes = getattr(path.lstat(), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & (_FILE_ATTRIBUTE_HIDDEN | _FILE_ATTRIBUTE_SYSTEM))


def scan(inbox: Path) -> list[Path]:
    """Return the candidate files directly in ``inbox`` (no subfolders, no ignored names), by name.

    Raises OSError when the folder cannot be listed (for example, the share is offline).
    """
    found: list[Path] = []
    with os.scandir(inbox) as entries:
        for entry in entries:
            try:
                # Links are skipped: a submission is a file someone copied in, not a pointer.
                if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
                    continue
            except OSError:
                continue
            path = Path(entry.path)
            if not is_ignored(path):
                found.append(path)
    found.sort(key=lambda p: p.name)
    return found


def folders_with_files(inbox: Path, *, most: int = 10_000) -> list[tuple[str, int]]:
    """Folders someone dropped in ``inbox`` and the files in them, which qaf never reads.

    Admin staff sometimes drop a whole folder of forms: each such folder is named with how many
    files it holds (at any depth, counting stops at ``most``), so they can be told to move them.
    """
    found: list[tuple[str, int]] = []
    try:
        entries = sorted(os.scandir(inbox), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        try:
            if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                continue
        except OSError:
            continue
        count = 0
        for _folder, _subfolders, files in os.walk(entry.path):
            count += sum(not is_ignored(Path(f)) for f in files)
            if count >= most:
                break
        if count:
            found.append((entry.name, count))
    return found


def links_in(inbox: Path) -> int:
    """How many links (symbolic links) sit in ``inbox``: qaf never follows one, so a form behind
    it is never read, and whoever put it there is told so (by number: its name may be anything)."""
    try:
        with os.scandir(inbox) as entries:
            return sum(e.is_symlink() and not is_ignored(Path(e.path)) for e in entries)
    except OSError:
        return 0


@dataclass
class Readiness:
    """What the tracker knows about one file in the inbox, from its looks so far."""

    path: Path
    size: int
    mtime_ns: int
    first_seen: float
    changed_at: float
    stable_looks: int = 1
    zip_checked_for: tuple[int, int] | None = None
    zip_ok: bool = False

    @property
    def signature(self) -> tuple[int, int]:
        """Return (size, mtime_ns): what must not change for the file to count as complete."""
        return (self.size, self.mtime_ns)


def _zip_directory_ok(path: Path) -> bool:
    """Return True when the zip directory opens, or when the file is plainly not a zip at all.

    A zip's directory is written last, so a missing one means "still arriving". A file that starts
    with something other than a zip signature (a PDF, an old .doc) will never become a zip: it is
    complete as far as anyone can tell and goes on to be rejected. Zeros at the start are a copy
    that pre-allocated the file and has not written its first block yet.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
        if head and head != b"\x00" * len(head) and not head.startswith(b"PK"):
            return True
        with zipfile.ZipFile(path):
            return True
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        # PermissionError is an OSError too: a file still held open by the copier is not ready.
        return False


class ReadinessMonitor:
    """Track each inbox file's size and modified time across looks to tell when it is complete."""

    def __init__(
        self,
        *,
        stable_checks: int = 2,
        empty_timeout_s: float = 600,
        min_stable_s: float = 1.0,
        invalid_timeout_s: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        """Set how many identical looks (and seconds) make a file complete.

        ``min_stable_s`` stops a burst of quick rescans from counting as "stable" within a
        millisecond; ``invalid_timeout_s`` is how long a file that starts like a zip but has no
        readable zip directory is waited for before it is handed over to be rejected. Both
        timeouts also count the file's age by its modified time, so a one-shot run (a fresh
        tracker) still hands over a broken file that has sat in the inbox for long enough.
        """
        if stable_checks < 1:
            raise ValueError("stable_checks must be at least 1")
        self.stable_checks = stable_checks
        self.empty_timeout_s = empty_timeout_s
        self.min_stable_s = min_stable_s
        self.invalid_timeout_s = invalid_timeout_s
        self._clock = clock
        self._wall_clock = wall_clock
        self._seen: dict[Path, Readiness] = {}
        #: Files Word or Excel has open (an owner file beside them) at the last look: left alone.
        self.open_elsewhere: set[Path] = set()
        self.newly_open: set[Path] = set()

    def ready(self, paths: Iterable[Path]) -> list[Path]:
        """Return the files among ``paths`` that are complete, in arrival order.

        Complete means: size and modified time unchanged across ``stable_checks`` looks spanning at
        least ``min_stable_s``, and the zip directory opens. A stable file that is plainly not a zip
        (a PDF, an old .doc) is returned at once, and an empty file or a zip whose directory never
        appears once its timeout has passed, so that the caller rejects them. Files no longer
        present are forgotten.
        """
        now = self._clock()
        current: dict[Path, Readiness] = {}
        for path in paths:
            try:
                info = path.stat()
            except OSError:
                continue
            record = self._observe(path, info.st_size, info.st_mtime_ns, now)
            current[path] = record
        self._seen = current
        held = open_in_office(current, self._wall_clock())
        #: Those found open at this look and not at the last: to be said once, not at every look.
        self.newly_open = held - self.open_elsewhere
        self.open_elsewhere = held
        ready = [
            record
            for record in current.values()
            if record.path not in self.open_elsewhere and self._is_ready(record, now)
        ]
        ready.sort(key=lambda r: (r.first_seen, r.mtime_ns, r.path.name))
        return [record.path for record in ready]

    def why_waiting(self, path: Path) -> tuple[str, str]:
        """How the output names a file left in the inbox at the last look, and why it waits."""
        record = self._seen.get(path)
        if path in self.open_elsewhere:
            return HELD_OPEN
        if record is not None and record.size == 0:
            minutes = self.empty_timeout_s / 60
            return (
                "an empty file (0 bytes)",
                "left for the next run: a copy may not have started writing it yet; if it is "
                f"still empty {minutes:.0f} minutes after it appeared, it is refused with a note",
            )
        return STILL_ARRIVING

    def pending(self) -> list[Readiness]:
        """Return what is known about files seen but not (yet) complete, for status displays."""
        now = self._clock()
        return [r for r in self._seen.values() if not self._is_ready(r, now, check_zip=False)]

    def signature(self, path: Path) -> tuple[int, int] | None:
        """Return the (size, mtime_ns) last seen for ``path``, or None if it is not tracked."""
        record = self._seen.get(path)
        return record.signature if record else None

    @property
    def last_change(self) -> float | None:
        """Return when (on the tracker's clock) a tracked file last appeared or changed."""
        return max((r.changed_at for r in self._seen.values()), default=None)

    def _observe(self, path: Path, size: int, mtime_ns: int, now: float) -> Readiness:
        record = self._seen.get(path)
        if record is None:
            return Readiness(path, size, mtime_ns, first_seen=now, changed_at=now)
        if record.signature == (size, mtime_ns):
            record.stable_looks += 1
        else:
            record.size, record.mtime_ns = size, mtime_ns
            record.stable_looks = 1
            record.changed_at = now
        return record

    def _is_ready(self, record: Readiness, now: float, *, check_zip: bool = True) -> bool:
        unchanged_for = now - record.changed_at
        if record.stable_looks < self.stable_checks or unchanged_for < self.min_stable_s:
            return False
        # Stable now; how long it has really been untouched may predate our first look.
        unchanged_for = max(unchanged_for, self._wall_clock() - record.mtime_ns / 1e9)
        if record.size == 0:
            return unchanged_for >= self.empty_timeout_s
        if not check_zip:
            return record.zip_ok
        if record.zip_checked_for != record.signature:
            # Opening the zip is the costly part; do it once per version of the file.
            record.zip_ok = _zip_directory_ok(record.path)
            record.zip_checked_for = record.signature if record.zip_ok else None
        return record.zip_ok or unchanged_for >= self.invalid_timeout_s


#: How a form held back by an owner file is named, and why it waits, for whoever reads the output:
#: the owner file is hidden in Explorer, so nothing else tells them why the form sits there.
HELD_OPEN = (
    "a file open in Word or Excel",
    "left for the next run: Word or Excel has it open on someone's computer (Word's owner file, "
    "named ~$..., or LibreOffice's .~lock...#, is beside it in the inbox); it is read once it is "
    "closed there",
)
STILL_ARRIVING = ("a file still arriving", "left for the next run")

_LIBRE_LOCK = ".~lock."

#: An owner file older than this is one Word or Excel left behind when it crashed: not a sign
#: that someone still has the file open.
OWNER_FILE_STALE_S = 8 * 3600


def open_in_office(paths: Iterable[Path], now: float) -> set[Path]:
    """The files among ``paths`` that Word or Excel (or LibreOffice) has open: an owner file sits
    beside them. Office names it by the file's name with its first two characters replaced (fewer
    for a short name): "QA2611-0002.docx" is open while "~$2611-0002.docx" is there. LibreOffice
    names its lock file by the whole name: ".~lock.QA2611-0002.docx#"."""
    folders = {p.parent for p in paths}
    owners: list[tuple[Path, str]] = []
    locked: set[tuple[Path, str]] = set()
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = entry.name
                    office = name.startswith("~$")
                    libre = name.startswith(_LIBRE_LOCK) and name.endswith("#")
                    if not (office or libre) or not entry.is_file():
                        continue
                    if now - entry.stat().st_mtime >= OWNER_FILE_STALE_S:
                        continue
                    if office:
                        owners.append((folder, name[2:].lower()))
                    else:
                        locked.add((folder, name[len(_LIBRE_LOCK) : -1].lower()))
        except OSError:
            continue
    return {
        path
        for path in paths
        for folder, rest in owners
        if folder == path.parent
        and "." in rest
        and path.name.lower().endswith(rest)
        and len(path.name) - len(rest) <= 2
    } | {path for path in paths if (path.parent, path.name.lower()) in locked}
