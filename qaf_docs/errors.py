"""The errors qaf_docs raises; every one is meant to be read by a person, not a programmer.

    QafError                      anything the user can fix; the CLI prints "Error: <message>"
     ├── SettingsError            the workspace or its qaf.toml is missing or wrong
     ├── FrameworkError           a framework file is malformed (names the file and key)
     ├── TemplateError            a council template is broken (names the tag and where it is)
     ├── CaseListError            a case list cannot be read (names the sheet, row and column)
     ├── SamplingError            a sampling round cannot be drawn as asked
     ├── AllocationError          cases cannot be given to auditors as asked
     ├── RegisterError            the register (database) refused an operation
     │    ├── RegisterUnavailableError  it cannot be used just now: try again later
     │    │    └── RegisterUnreachableError  a team's server cannot be reached: the watcher waits
     │    └── AlreadyRecordedError      this exact file is recorded already (maybe by another inbox)
     ├── FileInUseError           an inbox file is held open by Word/Excel: retried later, never rejected
     ├── FolderNotWritableError   qaf may not move an inbox file into outbox/processed or rejected
     └── SubmissionError          a file dropped in the inbox cannot be accepted
          ├── UnsafeFileError     not a safe Office file (macro, encrypted, zip bomb, not a zip …)
          └── IdentityError       the file does not say which audit it belongs to, or names an unknown one

Library code raises these and never prints or exits; only ``cli.py`` turns them into messages and exit
codes. Messages never contain a child's name: they use case ids and audit references.
"""

from __future__ import annotations

import errno
from pathlib import Path


class QafError(Exception):
    """Base of every error a user can act on."""


class SettingsError(QafError):
    """The workspace or its settings file is missing or invalid."""


class FrameworkError(QafError):
    """A framework file is malformed."""


class TemplateError(QafError):
    """A template in ``templates/`` cannot be rendered; the message names the tag and where it is."""


class CaseListError(QafError):
    """A case list cannot be read at all (single bad rows are reported, not raised)."""

    def __init__(
        self,
        message: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        where = ", ".join(
            part
            for part in (
                f"sheet '{sheet}'" if sheet else "",
                f"row {row}" if row is not None else "",
                f"column '{column}'" if column else "",
            )
            if part
        )
        super().__init__(f"{message} ({where})" if where else message)
        self.sheet = sheet
        self.row = row
        self.column = column


class SamplingError(QafError):
    """A sampling round cannot be drawn as asked."""


class AllocationError(QafError):
    """Cases cannot be allocated to auditors as asked."""


class RegisterError(QafError):
    """The register refused an operation."""


class RegisterUnavailableError(RegisterError):
    """The register cannot be used just now (server unreachable or restarting, register busy).

    Nothing was recorded; the same operation is expected to work later, so the watcher leaves the
    file in the inbox and tries it again instead of setting it aside.
    """


class RegisterUnreachableError(RegisterUnavailableError):
    """A team register's server cannot be reached, or the connection to it was lost.

    Not one file's problem but every file's: ``qaf watch`` stops trying files and waits for the
    server (saying so once), where a busy register only delays the file in hand. ``where`` is the
    register's address without a password; ``server_said`` is libpq's own words, for IT.
    """

    def __init__(self, message: str, *, where: str = "", server_said: str = "") -> None:
        super().__init__(message)
        self.where = where
        self.server_said = server_said


class RegisterMovedError(RegisterError):
    """The register is the old copy ``qaf register move`` left behind: ``moved_to`` is where the
    register went (an address without password, or a path), ``where`` this old copy."""

    def __init__(self, message: str, *, where: str, moved_to: str) -> None:
        super().__init__(message)
        self.where = where
        self.moved_to = moved_to


class AlreadyRecordedError(RegisterError):
    """This exact file content is already recorded (on a team register, maybe from another inbox)."""

    def __init__(self) -> None:
        super().__init__("This exact file has already been recorded.")


class FileInUseError(QafError):
    """A file cannot be moved yet because another program (usually Word or Excel) holds it open.

    Deliberately not a SubmissionError: the file is fine and is retried later, never rejected.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"'{path.name}' is open in another program (probably Word or Excel), so it cannot be "
            "moved yet. It will be tried again automatically once it is closed."
        )
        self.path = path


class FolderNotWritableError(QafError):
    """qaf may not create files in a folder it moves inbox files to (``outbox/processed``, say).

    Not a file in use: the folder's permissions (or a read-only drive) must change. What was read
    from the file is recorded already; the file waits in the inbox and is moved at a later run.
    """

    def __init__(self, folder: Path) -> None:
        where = f"{folder.parent.name}/{folder.name}"  # outbox/processed: never a file's name
        super().__init__(
            f"qaf may not write to {where}: check the folder's permissions; the file is recorded "
            "and waits in the inbox"
        )
        self.folder = folder


class SubmissionError(QafError):
    """A file in the inbox cannot be accepted; ``what_to_do`` is advice for the admin officer."""

    what_to_do = "Check the file and drop it in the inbox again."
    fixable = True  # False: no change to the file would get it accepted (see what_to_do)

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        what_to_do: str | None = None,
        fixable: bool = True,
    ):
        super().__init__(message)
        self.path = path
        self.fixable = fixable
        if what_to_do is not None:
            self.what_to_do = what_to_do


class UnsafeFileError(SubmissionError):
    """The file is not a safe, ordinary .docx or .xlsx (macro, encrypted, corrupt, oversized …)."""

    what_to_do = (
        "Open the original in Word or Excel, use File > Save As, choose 'Word Document (.docx)' or "
        "'Excel Workbook (.xlsx)', and drop the new copy in the inbox."
    )


class TooLargeError(UnsafeFileError):
    """The file is over the inbox's size limit (pictures pasted in, most often); it may still be
    an ordinary form whose identity can be read, so that its note says whose it is."""


class IdentityError(SubmissionError):
    """The file carries no audit identity, or names an audit this workspace does not know."""

    what_to_do = (
        "Only forms issued by qaf for this workspace can be read. Ask the QA team which audit this is, "
        "copy the answers into the audit tool they issued for it, and drop that file in the inbox."
    )


def unknown_round(round_id: str, known: list[str]) -> str:
    """Why a round cannot be found, naming the latest rounds the register does hold (oldest
    first), and saying so when there are more than are named."""
    if not known:
        return f"There is no round {round_id}: no round is drawn yet."
    shown = known[-10:]
    which = "the rounds are" if shown == known else f"the latest {len(shown)} of {len(known)} are"
    return f"There is no round {round_id}; {which}: {', '.join(shown)}."


def unknown_audit(ref: str, known: list[str]) -> str:
    """Why an audit reference cannot be found, with the references the register holds that
    start as it does (never a guess at which one was meant: a command acts on one child's audit)."""
    prefix = ref.split("-")[0]
    alike = sorted(k for k in known if k.split("-")[0] == prefix)
    if len(alike) > 1:
        held = f" The register holds {alike[0]} to {alike[-1]} ({len(alike)} audits)."
    elif alike:
        held = f" The register holds {alike[0]}."
    elif known:
        held = f" The register holds {len(known)} audits, none starting {prefix}."
    else:
        held = " The register holds no audit yet."
    return f"Audit {ref} is not in the register.{held} qaf round show ROUND lists a round's audits."


_MISSING = (errno.ENOENT, errno.ENOTDIR)
_SHARING_VIOLATION = 32  # Windows: "the process cannot access the file because it is being used"
_LOCK_VIOLATION = 33


def os_error_advice(e: OSError) -> str:
    """Say what a failed file operation means for the person at the keyboard, and what to do.

    One sentence or two, naming the file (never its content): disk full, a read-only or protected
    folder, a file held open by Word or Excel (Windows' sharing violation), a missing drive.
    """

    where = f" ({e.filename})" if e.filename else ""
    winerror = getattr(e, "winerror", None)
    if winerror in (_SHARING_VIOLATION, _LOCK_VIOLATION):
        return (
            f"A file{where} is open in another program (probably Word or Excel). Close it, then "
            "run the command again."
        )
    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return (
            f"The disk is full{where}. Free some space (or ask IT for more), then run the command "
            "again; nothing already recorded has been lost."
        )
    if e.errno == errno.EROFS:
        return (
            f"The folder{where} is read-only (the drive or share is mounted read-only). Ask IT to "
            "make it writable, then run the command again."
        )
    if e.errno in (errno.EACCES, errno.EPERM) or isinstance(e, PermissionError):
        return (
            f"qaf may not write or read{where}: it is read-only, protected, or open in another "
            "program. Close it or check the folder's permissions (ask IT), then run the command again."
        )
    in_the_way = _file_in_the_way(e) if e.errno in (errno.EEXIST, *_MISSING) else None
    if in_the_way is not None:
        return (
            f"{in_the_way} is a file, where qaf needs a folder. Move or rename that file (or give "
            "another folder), then run the command again."
        )
    if e.errno in _MISSING:
        return (
            f"A file or folder is missing{where}: check the drive or share is connected and the "
            "workspace is complete, then run the command again."
        )
    reason = e.strerror or type(e).__name__
    return (
        f"A file could not be written or read{where}: {reason}. Run the command again; if it keeps "
        "happening, tell IT and quote this message."
    )


def _file_in_the_way(e: OSError) -> Path | None:
    """The file that stands where the failed operation needed a folder (``e.filename`` or one of
    the folders above it), or None."""
    if not e.filename:
        return None
    for place in (Path(str(e.filename)), *Path(str(e.filename)).parents):
        try:
            if place.exists():
                return None if place.is_dir() else place
        except OSError:
            return None
    return None


def plain_reason(e: BaseException) -> str:
    """Say in a few plain words why a file operation failed, for a log line: no file name (a name
    someone typed may be a child's), no error class, nothing from the file's content."""

    if isinstance(e, FileInUseError):
        return "a file is open in another program"
    if isinstance(e, QafError):
        return str(e).rstrip(".")
    if not isinstance(e, OSError):
        return "an unexpected problem in qaf"
    if e.errno in (errno.EEXIST, *_MISSING) and _file_in_the_way(e) is not None:
        return "a file stands where qaf needs a folder"
    if getattr(e, "winerror", None) in (_SHARING_VIOLATION, _LOCK_VIOLATION):
        return "a file is open in another program"
    reasons = {
        errno.ENOSPC: "the disk is full",
        getattr(errno, "EDQUOT", errno.ENOSPC): "the disk is full",
        errno.EROFS: "the drive is read-only",
        errno.ENAMETOOLONG: "a file name is too long for the folder",
        errno.ENOENT: "a file or folder is missing",
        errno.ENOTDIR: "a file or folder is missing",
    }
    if e.errno in reasons:
        return reasons[e.errno]
    if e.errno in (errno.EACCES, errno.EPERM) or isinstance(e, PermissionError):
        return "qaf may not write there (check the folder's permissions)"
    return "a file could not be written or read"
