"""Decide whether an inbox file is a safe, ordinary .docx or .xlsx before anything reads it.

Everything a submitted file contains is hostile until proven otherwise. ``inspect_office_file``
looks at the bytes (never the extension) and refuses, with a plain-English :class:`UnsafeFileError`:

    empty or oversized files          size checked before the file is opened
    legacy .doc / .xls                OLE2 compound files ("save as .docx/.xlsx")
    password- or rights-protected     OLE2 files holding an "EncryptedPackage" or DRM "DataSpaces"
    not a zip / truncated / damaged   zip directory missing, member data fails its CRC
    zip bombs                         member count, total and per-member size, compression ratio —
                                      all from the zip directory, before a byte is decompressed
    path tricks inside the zip        "../", absolute paths, drive letters, duplicate names
    macro-enabled content             any vbaProject.bin or macro-enabled content type, any name
    XML tricks                        DOCTYPE / ENTITY anywhere (XXE, billion laughs) and single
                                      tokens too large for a form (they stall older expat parsers)

A file another program holds locked raises :class:`~qaf_docs.inbox.FileInUseError` (retry later),
never UnsafeFileError. ``read_member`` and ``parse_xml`` are the only ways the rest of qaf_docs should read a part of a
submitted file: the first caps what is decompressed, the second refuses DTDs and never touches the
network.
"""

from __future__ import annotations

import hashlib
import lzma
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import IO

from lxml import etree

from qaf_docs.errors import FileInUseError, UnsafeFileError

__all__ = [
    "FileKind",
    "Limits",
    "inspect_office_file",
    "parse_xml",
    "read_member",
    "sha256_file",
]

MiB = 1024 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_CHUNK = 64 * 1024

# What zipfile and its decompressors raise for damaged input: bad directories, CRC mismatches,
# corrupt deflate/bzip2/lzma streams, truncated data, unsupported methods and zip encryption.
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

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSB_MAIN = "application/vnd.ms-excel.sheet.binary.macroenabled.main"
_OTHER_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": (
        "a Word template (.dotx)"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": (
        "an Excel template (.xltx)"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "a PowerPoint presentation"
    ),
}
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

# Markers of a DTD in the three encodings an XML part may use. A DTD has no business in an Office
# part; refusing it outright is simpler and safer than trying to expand entities "safely".
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_MARKER_OVERLAP = max(len(m) for m in _DTD_MARKERS)


class FileKind(StrEnum):
    """The two kinds of file the inbox accepts, decided from the file's content."""

    DOCX = "docx"
    XLSX = "xlsx"


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what a submitted file may hold: generous for real forms, fatal to bombs."""

    max_file_bytes: int = 25 * MiB
    max_members: int = 2000
    max_total_uncompressed: int = 200 * MiB
    max_member_uncompressed: int = 50 * MiB
    max_ratio: float = 100.0
    # Tiny parts (a few KB of repetitive XML) legitimately compress beyond 100:1; a bomb needs bulk.
    ratio_applies_above_bytes: int = 1 * MiB
    # Longest stretch of an XML part without a "<": a start tag or a run of text. Real forms stay
    # far below this; a multi-megabyte token stalls the expat parser of older Pythons.
    max_token_bytes: int = 1 * MiB


DEFAULT_LIMITS = Limits()

_SAVE_AS_DOCX = (
    "Open it in Word or Excel, use File > Save As, choose 'Word Document (.docx)' or "
    "'Excel Workbook (.xlsx)', and drop the new copy in the inbox."
)
_ASK_AUTHOR = (
    "Return the file to its author and ask them to save it again from Word or Excel and send a new "
    "copy. If it keeps happening, tell the QA team."
)


def _unsafe(path: Path | None, message: str, what_to_do: str) -> UnsafeFileError:
    return UnsafeFileError(message, path=path, what_to_do=what_to_do)


def _damaged(path: Path | None) -> UnsafeFileError:
    return _unsafe(
        path,
        "The file is damaged or incomplete: it is not a whole Word or Excel file. It may have been "
        "cut short while it was being copied or saved.",
        "Copy the file into the inbox again from where it was saved. If it still fails, open it in "
        "Word or Excel, use File > Save As to save a new copy, and drop that in the inbox.",
    )


def _suspicious(path: Path | None, what: str) -> UnsafeFileError:
    return _unsafe(
        path,
        f"The file was not read because {what}. Ordinary Word and Excel files never do this, "
        "so the file may have been tampered with.",
        "Do not open the file. Ask the author for a fresh copy saved from Word or Excel and tell "
        "the QA team if it happens again.",
    )


def sha256_file(path: Path) -> str:
    """Return the SHA-256 of a file's bytes as lowercase hex, reading it in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inspect_office_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> FileKind:
    """Return whether ``path`` is a DOCX or an XLSX judged by content, or raise UnsafeFileError."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except PermissionError as exc:
        raise FileInUseError(path) from exc
    except FileNotFoundError:
        raise _unsafe(
            path,
            "The file disappeared from the inbox before it could be read.",
            "Check whether someone moved or renamed it, and drop it in the inbox again.",
        ) from None
    if size == 0:
        raise _unsafe(
            path,
            "The file is empty (0 bytes). The copy into the inbox probably failed.",
            "Copy the file into the inbox again from where it was saved.",
        )
    if size > limits.max_file_bytes:
        raise _unsafe(
            path,
            f"The file is too large ({size / MiB:.1f} MB; the limit is "
            f"{limits.max_file_bytes / MiB:.0f} MB). Audit forms and trackers are normally far "
            "smaller; large pictures or pasted documents are the usual cause.",
            "Ask the author to remove or compress large pictures (in Word: select a picture, "
            "Picture Format > Compress Pictures), save the file and drop the new copy in the "
            "inbox.",
        )
    if head.startswith(OLE2_MAGIC):
        raise _ole_error(path, limits)
    if not head.startswith(_ZIP_MAGICS):
        raise _not_office_error(path, head)
    with _reading(path), zipfile.ZipFile(path) as archive:
        _check_directory(path, archive, limits)
        names = {info.filename for info in archive.infolist()}
        if "[Content_Types].xml" not in names:
            raise _unsafe(
                path,
                "The file is a zip archive, not a Word or Excel file.",
                "Drop the Word (.docx) or Excel (.xlsx) file itself in the inbox, not a zip of "
                "it. If you were given a zip, open it and copy the form out first.",
            )
        kind = _main_kind(path, archive, limits)
        _scan_members(path, archive, limits)
    return kind


@contextmanager
def _reading(path: Path) -> Iterator[None]:
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
        raise _damaged(path) from exc


def _not_office_error(path: Path, head: bytes) -> UnsafeFileError:
    if head.startswith(b"%PDF"):
        found = "a PDF"
    elif head.startswith(b"{\\rtf"):
        found = "a Rich Text (.rtf) file"
    elif head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        found = "a web page or XML file (an old 'Save as XML/Web page' format)"
    else:
        found = "some other kind of file"
    return _unsafe(
        path,
        f"The file is not a Word or Excel file: it is {found}, whatever its name says.",
        "Open the original in Word or Excel, use File > Save As, choose 'Word Document (.docx)' or "
        "'Excel Workbook (.xlsx)', and drop the new copy in the inbox. A PDF or scan cannot be "
        "read: the form itself is needed.",
    )


def _check_directory(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Check the zip directory alone (no decompression): count, sizes, ratio, names."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise _suspicious(path, f"it holds {len(infos)} parts (a form has a few dozen)")
    total = 0
    seen: set[str] = set()
    for info in infos:
        _check_member_name(path, info, seen)
        if info.flag_bits & 0x1:
            raise _protected(path)
        if info.file_size > limits.max_member_uncompressed:
            raise _suspicious(path, "one part would unpack to far more data than any form holds")
        total += info.file_size
        if total > limits.max_total_uncompressed:
            raise _suspicious(path, "it would unpack to far more data than any form holds")
        if info.file_size > limits.ratio_applies_above_bytes and info.file_size > (
            limits.max_ratio * max(info.compress_size, 1)
        ):
            raise _suspicious(
                path, "it is packed like a 'zip bomb' (a small file that unpacks to a huge one)"
            )


def _check_member_name(path: Path, info: zipfile.ZipInfo, seen: set[str]) -> None:
    name = info.filename
    lowered = name.lower()
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if (
        not name
        or "\\" in name
        or name.startswith("/")
        or ".." in parts
        or (len(name) > 1 and name[1] == ":")
        or any(ord(ch) < 32 for ch in name)
    ):
        raise _suspicious(path, "it contains a part whose name tries to point outside the file")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise _suspicious(path, "it contains a link to another file")
    if lowered in seen:
        raise _suspicious(path, "it contains two parts with the same name")
    seen.add(lowered)
    if lowered.endswith("vbaproject.bin") or lowered.endswith("vbadata.xml"):
        raise _macro(path)


def _macro(path: Path | None) -> UnsafeFileError:
    return _unsafe(
        path,
        "The file contains macros (it is a macro-enabled .docm or .xlsm, possibly renamed). Files "
        "with macros are never read, because macros can run code on the council's computers.",
        "Ask the author to open it, use File > Save As, choose 'Word Document (.docx)' or 'Excel "
        "Workbook (.xlsx)' (not the macro-enabled type), and drop the new copy in the inbox.",
    )


def _protected(path: Path | None) -> UnsafeFileError:
    return _unsafe(
        path,
        "The file is protected by a password or by rights management (sensitivity label / IRM), so "
        "it cannot be read.",
        "Ask the author to open it, remove the password (File > Info > Protect Document or Protect "
        "Workbook > Encrypt with Password, clear the password) or the restricted-access label, "
        "save it, and drop the new copy in the inbox.",
    )


def _main_kind(path: Path, archive: zipfile.ZipFile, limits: Limits) -> FileKind:
    root = parse_xml(_read_info(path, archive, archive.getinfo("[Content_Types].xml"), limits))
    kinds: set[FileKind] = set()
    others: list[str] = []
    for element in root:
        if not isinstance(element.tag, str):
            continue
        content_type = (element.get("ContentType") or "").strip().lower()
        if content_type == _XLSB_MAIN:
            raise _not_plain(path, "an Excel binary workbook (.xlsb)")
        # Excel 4 "macro sheets" run code too, and are not flagged macroEnabled.
        if any(word in content_type for word in ("macroenabled", "vbaproject", "macrosheet")):
            raise _macro(path)
        if element.tag not in (f"{_CONTENT_TYPES_NS}Override", f"{_CONTENT_TYPES_NS}Default"):
            continue
        if content_type == _DOCX_MAIN:
            kinds.add(FileKind.DOCX)
        elif content_type == _XLSX_MAIN:
            kinds.add(FileKind.XLSX)
        elif content_type in _OTHER_MAIN:
            others.append(_OTHER_MAIN[content_type])
    if len(kinds) == 1:
        return kinds.pop()
    if len(kinds) > 1:
        raise _suspicious(path, "it claims to be a Word document and an Excel workbook at once")
    if others:
        raise _not_plain(path, others[0])
    raise _unsafe(
        path,
        "The file is an Office-style package but not a Word document or an Excel workbook.",
        _SAVE_AS_DOCX,
    )


def _not_plain(path: Path, what: str) -> UnsafeFileError:
    return _unsafe(
        path,
        f"The file is {what}, not an ordinary Word document (.docx) or Excel workbook (.xlsx).",
        _SAVE_AS_DOCX,
    )


def _scan_members(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Decompress every member (bounded) so CRC errors surface, and vet every XML part's text."""
    for info in archive.infolist():
        if info.is_dir():
            continue
        lowered = info.filename.lower()
        is_xml = lowered.endswith((".xml", ".rels", ".vml"))
        with archive.open(info) as member:
            _drain(path, member, info, limits, vet_xml=is_xml)


def _drain(
    path: Path | None, member: IO[bytes], info: zipfile.ZipInfo, limits: Limits, *, vet_xml: bool
) -> None:
    """Read a member in chunks within its declared size; vet XML parts for DTDs and huge tokens."""
    cap = min(info.file_size, limits.max_member_uncompressed)
    # A run inside one chunk is shorter than the chunk, so chunks no bigger than the token limit
    # mean only runs spanning chunks need tracking.
    chunk_size = max(1, min(_CHUNK, limits.max_token_bytes))
    read = 0
    tail = b""
    run = 0  # bytes since the last "<", carried across chunks
    while chunk := member.read(chunk_size):
        read += len(chunk)
        if read > cap:
            raise _suspicious(path, "one part unpacks to more data than its label says")
        if not vet_xml:
            continue
        window = tail + chunk
        if any(marker in window for marker in _DTD_MARKERS):
            raise _dtd_error(path)
        tail = window[-_MARKER_OVERLAP:]
        first = chunk.find(b"<")
        if first < 0:
            run += len(chunk)
        else:
            run += first
            if run > limits.max_token_bytes:
                raise _huge_token(path)
            run = len(chunk) - chunk.rfind(b"<") - 1
        if run > limits.max_token_bytes:
            raise _huge_token(path)


def _dtd_error(path: Path | None) -> UnsafeFileError:
    return _suspicious(
        path, "it contains XML 'entity' declarations, a known trick to read or flood a computer"
    )


def _huge_token(path: Path | None) -> UnsafeFileError:
    return _suspicious(path, "it contains one enormous block of text with no breaks in it")


def _ole_error(path: Path, limits: Limits) -> UnsafeFileError:
    with path.open("rb") as handle:
        data = handle.read(limits.max_file_bytes)
    names = _ole_names(data)
    if names is None:
        # The directory could not be walked: fall back to looking for the names' bytes.
        names = {
            name
            for name in ("EncryptedPackage", "\x06DataSpaces", "WordDocument", "Workbook", "Book")
            if name.encode("utf-16-le") in data
        }
    if "EncryptedPackage" in names or "\x06DataSpaces" in names:
        return _protected(path)
    if "WordDocument" in names:
        what = "an old-style Word document (.doc)"
    elif "Workbook" in names or "Book" in names:
        what = "an old-style Excel workbook (.xls)"
    elif "PowerPoint Document" in names:
        what = "an old-style PowerPoint file (.ppt)"
    else:
        what = "an old-style Office file"
    return _unsafe(
        path,
        f"The file is {what}. Only the current formats, .docx and .xlsx, can be read.",
        "Open it in Word or Excel, use File > Save As, choose 'Word Document (.docx)' or 'Excel "
        "Workbook (.xlsx)', and drop the new copy in the inbox.",
    )


def _ole_names(data: bytes) -> set[str] | None:
    """Return the entry names in an OLE2 compound file's directory, or None if it is unreadable."""
    try:
        sector_shift = struct.unpack_from("<H", data, 0x1E)[0]
        if sector_shift not in (9, 12):
            return None
        sector_size = 1 << sector_shift
        first_dir = struct.unpack_from("<I", data, 0x30)[0]
        difat = struct.unpack_from("<109I", data, 0x4C)
        fat: list[int] = []
        for fat_sector in difat:
            if fat_sector >= 0xFFFFFFFA:
                break
            offset = (fat_sector + 1) * sector_size
            chunk = data[offset : offset + sector_size]
            fat.extend(struct.unpack(f"<{len(chunk) // 4}I", chunk))
        names: set[str] = set()
        sector = first_dir
        visited: set[int] = set()
        while sector < 0xFFFFFFFA and sector not in visited and sector < len(fat):
            visited.add(sector)
            offset = (sector + 1) * sector_size
            block = data[offset : offset + sector_size]
            for start in range(0, len(block) - 127, 128):
                name_len = struct.unpack_from("<H", block, start + 64)[0]
                if 2 <= name_len <= 64:
                    names.add(block[start : start + name_len - 2].decode("utf-16-le", "replace"))
            sector = fat[sector]
    except (struct.error, IndexError):
        return None
    return names or None


def _read_info(
    path: Path | None, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits
) -> bytes:
    if info.file_size > limits.max_member_uncompressed:
        raise _suspicious(path, "one part would unpack to far more data than any form holds")
    if info.file_size > limits.ratio_applies_above_bytes and info.file_size > (
        limits.max_ratio * max(info.compress_size, 1)
    ):
        raise _suspicious(
            path, "it is packed like a 'zip bomb' (a small file that unpacks to a huge one)"
        )
    with archive.open(info) as member:
        # file_size bounds what zipfile will hand back even if the header lies; +1 detects a liar.
        data = member.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise _suspicious(path, "one part unpacks to more data than its label says")
    return data


def read_member(path: Path, name: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Return the bytes of one zip member, refusing members over the size and ratio limits."""
    with _reading(path):
        if path.stat().st_size > limits.max_file_bytes:
            raise _unsafe(path, "The file is too large to be read.", _ASK_AUTHOR)
        with zipfile.ZipFile(path) as archive:
            try:
                info = archive.getinfo(name)
            except KeyError:
                raise _unsafe(
                    path,
                    "A part that every Word or Excel file has is missing, so the file cannot be "
                    "read.",
                    _ASK_AUTHOR,
                ) from None
            return _read_info(path, archive, info, limits)


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=False,
        collect_ids=False,
    )


def parse_xml(data: bytes, *, path: Path | None = None) -> etree._Element:
    """Parse one XML part with no DTD, entities, network or huge trees; else UnsafeFileError."""
    if any(marker in data for marker in _DTD_MARKERS):
        raise _dtd_error(path)
    try:
        root = etree.fromstring(data, parser=_safe_parser())
    except etree.XMLSyntaxError as exc:
        raise _damaged(path) from exc
    docinfo = root.getroottree().docinfo
    # Belt and braces: an encoding the byte scan did not anticipate still cannot smuggle a DTD in.
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise _dtd_error(path)
    return root
