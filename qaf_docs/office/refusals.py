"""Why a submitted file was refused, in words an admin officer can act on.

Each refusal is an :class:`UnsafeFileError` carrying what is wrong and what to do. ``reading``
translates failures while a file is read: a sharing lock (Word still has it open) is retried later,
anything else means the file is damaged.
"""

from __future__ import annotations

import lzma
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qaf_docs.errors import FileInUseError, UnsafeFileError

_READ_FAILURES = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    struct.error,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    OSError,
)


SAVE_AS_DOCX = (
    "Open it in Word or Excel, use File > Save As, choose 'Word Document (.docx)' or "
    "'Excel Workbook (.xlsx)', and drop the new copy in the inbox."
)


ASK_AUTHOR = (
    "Return the file to its author and ask them to save it again from Word or Excel and send a new "
    "copy. If it keeps happening, tell the QA team."
)


def unsafe(
    path: Path | None, message: str, what_to_do: str, *, fixable: bool = True
) -> UnsafeFileError:
    """``fixable=False``: the author has nothing to put right in Word (an empty or cut-short copy,
    a zip of the form): the note tells the admin officer to follow ``what_to_do``, not to send
    the file back for correction."""
    return UnsafeFileError(message, path=path, what_to_do=what_to_do, fixable=fixable)


def damaged(path: Path | None) -> UnsafeFileError:
    return unsafe(
        path,
        "The file is damaged or incomplete: it is not a whole Word or Excel file. It may have been "
        "cut short while it was being copied or saved.",
        "Copy the file into the inbox again from where it was saved. If it still fails, open it in "
        "Word or Excel, use File > Save As to save a new copy, and drop that in the inbox.",
        fixable=False,
    )


def suspicious(path: Path | None, what: str) -> UnsafeFileError:
    return unsafe(
        path,
        f"The file was not read because {what}. Ordinary Word and Excel files never do this, "
        "so the file may have been tampered with.",
        "Do not open the file. Ask the author for a fresh copy saved from Word or Excel and tell "
        "the QA team if it happens again.",
        fixable=False,
    )


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Translate failures while reading a file into what the admin officer is told.

    A sharing lock (Windows: Word still has it open) is not the file's fault and is retried later;
    any other read failure means the file is damaged. A file that vanished is left to the caller.
    """
    try:
        yield
    except PermissionError as exc:
        raise FileInUseError(path) from exc
    except _READ_FAILURES as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise damaged(path) from exc


#: How a saved e-mail (.eml) starts: one of its header lines.
_MAIL_HEADER = re.compile(
    rb"\s*(?:received|return-path|from|to|mime-version|message-id|subject|date|delivered-to|"
    rb"x-[a-z0-9-]+):",
    re.IGNORECASE,
)

#: How a Windows shortcut (.lnk) starts: its header size, then its class id.
_SHORTCUT = b"L\x00\x00\x00\x01\x14\x02\x00"

#: How every note qaf leaves beside a rejected file starts, and how its name ends (inbox.notes).
_NOTE_START, _NOTE_END = b"qaf could not accept", ".rejected.txt"


def not_office_error(path: Path, head: bytes) -> UnsafeFileError:
    if _NOTE_START.startswith(head[:8]) and path.name.lower().endswith(_NOTE_END):
        # Dragged back into the inbox with the file it was about: it is not anyone's mistake to fix.
        return unsafe(
            path,
            "The file is one of qaf's own notes (the '.rejected.txt' it leaves beside a rejected "
            "file), not a form or a tracker.",
            "Delete this copy of the note: only the form or tracker itself goes in the inbox.",
            fixable=False,
        )
    if head.startswith(_SHORTCUT):
        return unsafe(
            path,
            "The file is a Windows shortcut to a form, not the form itself (made by dragging with "
            "Alt held down, or by Create shortcut).",
            "Copy the form itself into the inbox: right-click the form, choose Copy, then "
            "right-click in the inbox and choose Paste.",
            fixable=False,
        )
    if _start_of(path).lstrip(b"\xef\xbb\xbf\r\n ").lower().startswith(b"[internetshortcut]"):
        return unsafe(
            path,
            "The file is a link to a form on the web (SharePoint, OneDrive or Teams), not the "
            "form itself.",
            "Open the link, download the form (in Word online: File > Save As > Download a Copy) "
            "and drop the downloaded file in the inbox.",
            fixable=False,
        )
    if _MAIL_HEADER.match(_start_of(path)):
        return e_mail(path, "an e-mail (.eml), saved from a mail program")
    extra = ""
    if head.startswith(b"%PDF"):
        found = "a PDF"
        extra = " A PDF or scan cannot be read: the form itself is needed."
    elif head.startswith(b"{\\rtf"):
        found = "a Rich Text (.rtf) file"
    elif head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        found = "a web page or XML file (an old 'Save as XML/Web page' format)"
    elif _looks_like_text(head):
        found = "a CSV or plain text file"
        extra = (
            " A tracker saved as CSV keeps only its text, not the tracker qaf issued, and saving "
            "the CSV again as a workbook does not bring it back: open the tracker qaf sent (the "
            ".xlsx), make sure the updates are in it, and send that."
        )
    else:
        found = "some other kind of file"
        extra = " A PDF or scan cannot be read: the form itself is needed."
    return unsafe(
        path,
        f"The file is not a Word or Excel file: it is {found}, whatever its name says.",
        "Open the original in Word, Excel or LibreOffice, use File > Save As, choose 'Word "
        "Document (.docx)' or 'Excel Workbook (.xlsx)', and drop the new copy in the inbox."
        + extra,
    )


def _start_of(path: Path) -> bytes:
    """The first few dozen bytes of a refused file (more than the eight it was judged by)."""
    try:
        with path.open("rb") as handle:
            return handle.read(64)
    except OSError:
        return b""


def _looks_like_text(head: bytes) -> bool:
    """Whether a file's first bytes are plain text (a CSV export, a note) rather than binary."""
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return bool(text.strip()) and all(c.isprintable() or c in "\r\n\t" for c in text)


def outlook_message(path: Path | None) -> UnsafeFileError:
    return e_mail(path, "an Outlook e-mail (.msg), dragged from Outlook into the folder")


def e_mail(path: Path | None, what: str) -> UnsafeFileError:
    return unsafe(
        path,
        f"The file is {what}, not the form attached to it.",
        "Open the e-mail, save the attached form (right-click the attachment, choose Save As) "
        "and drop that file in the inbox, or drag the attachment itself, not the e-mail.",
        fixable=False,
    )


def macro_error(path: Path | None) -> UnsafeFileError:
    return unsafe(
        path,
        "The file contains macros (it is a macro-enabled .docm or .xlsm, possibly renamed). Files "
        "with macros are never read, because macros can run code on the council's computers.",
        "Ask the author to open it, use File > Save As, choose 'Word Document (.docx)' or 'Excel "
        "Workbook (.xlsx)' (not the macro-enabled type), and drop the new copy in the inbox.",
    )


def protected_error(path: Path | None) -> UnsafeFileError:
    return unsafe(
        path,
        "The file is protected by a password or by rights management (sensitivity label / IRM), so "
        "it cannot be read.",
        "Ask the author to open it, remove the password (File > Info > Protect Document or Protect "
        "Workbook > Encrypt with Password, clear the password) or the restricted-access label, "
        "save it, and drop the new copy in the inbox.",
    )


def not_plain(path: Path, what: str) -> UnsafeFileError:
    return unsafe(
        path,
        f"The file is {what}, not an ordinary Word document (.docx) or Excel workbook (.xlsx).",
        SAVE_AS_DOCX,
    )


def dtd_error(path: Path | None) -> UnsafeFileError:
    return suspicious(
        path, "it contains XML 'entity' declarations, a known trick to read or flood a computer"
    )


def huge_token(path: Path | None) -> UnsafeFileError:
    return suspicious(path, "it contains one enormous block of text with no breaks in it")
