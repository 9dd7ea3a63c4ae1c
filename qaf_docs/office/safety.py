"""Decide whether an inbox file is a safe, ordinary .docx or .xlsx before anything reads it.

Everything a submitted file contains is hostile until proven otherwise. ``inspect_office_file``
looks at the bytes (never the extension) and refuses, with a plain-English :class:`UnsafeFileError`:

    empty or oversized files          size checked before the file is opened
    legacy .doc / .xls                OLE2 compound files ("save as .docx/.xlsx")
    password- or rights-protected     OLE2 files holding an "EncryptedPackage" or DRM "DataSpaces"
    not a zip / truncated / damaged   zip directory missing, member data fails its CRC
    zip bombs                         member count, total and per-member unpacked size, and the
                                      ratio (for XML only past 16 MB: honest repetitive text
                                      compresses far beyond 100:1; for pictures never: a scanned
                                      page is mostly white) — all from the zip directory, before a
                                      byte is decompressed
    path tricks inside the zip        "../", absolute paths, drive letters, duplicate names
    macro-enabled content             any vbaProject.bin or macro-enabled content type, any name
    XML tricks                        DOCTYPE / ENTITY anywhere (XXE, billion laughs), single
                                      tokens too large for a form (they stall older expat parsers)
                                      and nesting deeper than 256 levels (a parser bomb)

A file another program holds locked raises :class:`~qaf_docs.inbox.FileInUseError` (retry later),
never UnsafeFileError. Reading a part afterwards goes through ``office.parts``.
"""

from __future__ import annotations

import stat
import struct
import zipfile
from enum import StrEnum
from pathlib import Path
from typing import IO

from qaf_docs.errors import FileInUseError, TooLargeError, UnsafeFileError
from qaf_docs.office.parts import (
    DEFAULT_LIMITS,
    MARKER_OVERLAP,
    Limits,
    MiB,
    Package,
    check_ratio,
    declares_dtd,
    parse_xml,
    read_info,
    unpacked,
)
from qaf_docs.office.refusals import (
    SAVE_AS_DOCX,
    dtd_error,
    huge_token,
    macro_error,
    not_office_error,
    not_plain,
    outlook_message,
    protected_error,
    reading,
    suspicious,
    unsafe,
)

__all__ = ["FileKind", "inspect_office_file"]


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


_CHUNK = 64 * 1024

# What zipfile and its decompressors raise for damaged input: bad directories, CRC mismatches,
# corrupt deflate/bzip2/lzma streams, truncated data, unsupported methods and zip encryption.


_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


_XLSB_MAIN = "application/vnd.ms-excel.sheet.binary.macroenabled.main"


_STRICT = b"http://purl.oclc.org/ooxml/officeDocument/relationships"
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


class FileKind(StrEnum):
    """The two kinds of file the inbox accepts, decided from the file's content."""

    DOCX = "docx"
    XLSX = "xlsx"


def inspect_office_file(source: Path | Package, limits: Limits = DEFAULT_LIMITS) -> FileKind:
    """Return whether a file is a DOCX or an XLSX judged by content, or raise UnsafeFileError.

    ``source`` is a path, or a ``Package`` the caller keeps open to read the file afterwards: the
    parts a reader needs are then kept as this check decompresses them, not unpacked twice.
    """
    path = source.path if isinstance(source, Package) else source
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except PermissionError as exc:
        raise FileInUseError(path) from exc
    except FileNotFoundError:
        raise unsafe(
            path,
            "The file disappeared from the inbox before it could be read.",
            "Check whether someone moved or renamed it, and drop it in the inbox again.",
            fixable=False,
        ) from None
    if size == 0:
        raise unsafe(
            path,
            "The file is empty (0 bytes). The copy into the inbox probably failed.",
            "Copy the file into the inbox again from where it was saved.",
            fixable=False,
        )
    if size > limits.max_file_bytes:
        raise TooLargeError(
            f"The file is too large ({size / MiB:.1f} MB; the limit is "
            f"{limits.max_file_bytes / MiB:.0f} MB). Audit forms and trackers are normally far "
            "smaller; large pictures or pasted documents are the usual cause.",
            what_to_do="Ask the author to remove or compress large pictures (in Word: select a picture, "
            "Picture Format > Compress Pictures), save the file and drop the new copy in the "
            "inbox.",
            path=path,
        )
    if head.startswith(OLE2_MAGIC):
        raise _ole_error(path, limits)
    if not head.startswith(_ZIP_MAGICS):
        raise not_office_error(path, head)
    if isinstance(source, Package):
        with reading(path):
            return _inspect_archive(path, source.archive, limits, source)
    with reading(path), zipfile.ZipFile(path) as archive:
        return _inspect_archive(path, archive, limits, None)


def _inspect_archive(
    path: Path, archive: zipfile.ZipFile, limits: Limits, keep: Package | None
) -> FileKind:
    _check_directory(path, archive, limits)
    names = {info.filename for info in archive.infolist()}
    if "[Content_Types].xml" not in names and "mimetype" in names and "content.xml" in names:
        raise unsafe(
            path,
            "The file is in LibreOffice's own format (OpenDocument, .odt or .ods), not a Word or "
            "Excel file.",
            "Open it in LibreOffice, use File > Save As, choose 'Word 2007-365 (.docx)' for an "
            "audit tool or 'Excel 2007-365 (.xlsx)' for a tracker, keep that format when asked, "
            "and drop the new copy in the inbox.",
        )
    if "[Content_Types].xml" not in names:
        raise unsafe(
            path,
            "The file is a zip archive, not a Word or Excel file.",
            "Drop the Word (.docx) or Excel (.xlsx) file itself in the inbox, not a zip of "
            "it. If you were given a zip, open it and copy the form out first.",
            fixable=False,
        )
    kind = _main_kind(path, archive, limits)
    _scan_members(path, archive, limits, keep)
    return kind


def _check_directory(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Check the zip directory alone (no decompression): count, sizes, ratio, names."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise suspicious(path, f"it holds {len(infos)} parts (a form has a few dozen)")
    total = 0
    seen: set[str] = set()
    for info in infos:
        _check_member_name(path, info, seen)
        if info.flag_bits & 0x1:
            raise protected_error(path)
        if info.file_size > limits.max_member_uncompressed:
            raise suspicious(path, "one part would unpack to far more data than any form holds")
        total += info.file_size
        if total > limits.max_total_uncompressed:
            raise suspicious(path, "it would unpack to far more data than any form holds")
        check_ratio(path, info, limits)


def _check_member_name(path: Path, info: zipfile.ZipInfo, seen: set[str]) -> None:
    name = info.filename
    lowered = name.lower()
    parts = name.replace("\\", "/").split("/")
    if (
        not name
        or "\\" in name
        or name.startswith("/")
        or ".." in parts
        or (len(name) > 1 and name[1] == ":")
        or any(ord(ch) < 32 for ch in name)
    ):
        raise suspicious(path, "it contains a part whose name tries to point outside the file")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise suspicious(path, "it contains a link to another file")
    if lowered in seen:
        raise suspicious(path, "it contains two parts with the same name")
    seen.add(lowered)
    if lowered.endswith("vbaproject.bin") or lowered.endswith("vbadata.xml"):
        raise macro_error(path)


def _main_kind(path: Path, archive: zipfile.ZipFile, limits: Limits) -> FileKind:
    root = parse_xml(read_info(path, archive, archive.getinfo("[Content_Types].xml"), limits))
    kinds: set[FileKind] = set()
    others: list[str] = []
    for element in root:
        if not isinstance(element.tag, str):
            continue
        content_type = (element.get("ContentType") or "").strip().lower()
        if content_type == _XLSB_MAIN:
            raise not_plain(path, "an Excel binary workbook (.xlsb)")
        # Excel 4 "macro sheets" run code too, and are not flagged macroEnabled.
        if any(word in content_type for word in ("macroenabled", "vbaproject", "macrosheet")):
            raise macro_error(path)
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
        raise suspicious(path, "it claims to be a Word document and an Excel workbook at once")
    if others:
        raise not_plain(path, others[0])
    raise unsafe(
        path,
        "The file is an Office-style package but not a Word document or an Excel workbook.",
        SAVE_AS_DOCX,
    )


def _scan_members(
    path: Path, archive: zipfile.ZipFile, limits: Limits, keep: Package | None
) -> None:
    """Decompress every member (bounded) so CRC errors surface, and vet every XML part's text."""
    for info in archive.infolist():
        if info.is_dir():
            continue
        lowered = info.filename.lower()
        is_xml = lowered.endswith((".xml", ".rels", ".vml"))
        kept: list[bytes] | None = [] if keep is not None and keep.wants(info.filename) else None
        package_rels = lowered == "_rels/.rels"
        if package_rels and kept is None:
            kept = []  # read to tell the Strict Open XML format apart
        whole = unpacked(archive, info) if info.file_size <= limits.max_token_bytes else None
        if whole is not None:  # most parts: unpacked in one call, then vetted
            _vet_whole(path, whole, info.file_size, vet_xml=is_xml, kept=kept)
        else:
            with archive.open(info) as member:
                _drain(path, member, info, limits, vet_xml=is_xml, kept=kept)
        if package_rels and _STRICT in b"".join(kept or ()):
            # Word and Excel offer "Strict Open XML" in Save As: the same parts, other names.
            raise not_plain(path, "saved in Word's or Excel's 'Strict Open XML' format")
        if keep is not None and kept is not None and keep.wants(info.filename):
            keep.keep(info.filename, b"".join(kept))


def _vet_whole(
    path: Path | None, data: bytes, cap: int, *, vet_xml: bool, kept: list[bytes] | None
) -> None:
    """Vet a part read whole (at most one byte beyond ``cap``, its declared size)."""
    if len(data) > cap:
        raise suspicious(path, "one part unpacks to more data than its label says")
    if vet_xml and declares_dtd(data):
        raise dtd_error(path)
    if kept is not None:
        kept.append(data)


def _drain(
    path: Path | None,
    member: IO[bytes],
    info: zipfile.ZipInfo,
    limits: Limits,
    *,
    vet_xml: bool,
    kept: list[bytes] | None = None,
) -> None:
    """Read a member in chunks within its declared size; vet XML parts for DTDs and huge tokens.

    The chunks are appended to ``kept`` when given (a part the caller reads next).
    """
    cap = min(info.file_size, limits.max_member_uncompressed)
    if cap <= limits.max_token_bytes:
        # Small enough to read whole (most parts): one read, one scan, and no token can be long.
        _vet_whole(path, member.read(cap + 1), cap, vet_xml=vet_xml, kept=kept)
        return
    # A run inside one chunk is shorter than the chunk, so chunks no bigger than the token limit
    # mean only runs spanning chunks need tracking.
    chunk_size = max(1, min(_CHUNK, limits.max_token_bytes))
    read = 0
    tail = b""
    run = 0  # bytes since the last "<", carried across chunks
    while chunk := member.read(chunk_size):
        read += len(chunk)
        if read > cap:
            raise suspicious(path, "one part unpacks to more data than its label says")
        if kept is not None:
            kept.append(chunk)
        if not vet_xml:
            continue
        window = tail + chunk
        if declares_dtd(window):
            raise dtd_error(path)
        tail = window[-MARKER_OVERLAP:]
        first = chunk.find(b"<")
        if first < 0:
            run += len(chunk)
        else:
            run += first
            if run > limits.max_token_bytes:
                raise huge_token(path)
            run = len(chunk) - chunk.rfind(b"<") - 1
        if run > limits.max_token_bytes:
            raise huge_token(path)


#: The stream every Outlook message (.msg) has: e-mails dragged from Outlook into a folder.
_OUTLOOK = "__properties_version1.0"


def _ole_error(path: Path, limits: Limits) -> UnsafeFileError:
    with path.open("rb") as handle:
        data = handle.read(limits.max_file_bytes)
    names = _ole_names(data)
    if names is None:
        # The directory could not be walked: fall back to looking for the names' bytes.
        names = {
            name
            for name in (
                "EncryptedPackage",
                "\x06DataSpaces",
                "WordDocument",
                "Workbook",
                "Book",
                _OUTLOOK,
            )
            if name.encode("utf-16-le") in data
        }
    if "EncryptedPackage" in names or "\x06DataSpaces" in names:
        return protected_error(path)
    if _OUTLOOK in names or any(n.startswith("__substg1.0_") for n in names):
        return outlook_message(path)
    # Saved with "Word 97-2003" or "Excel 97-2003" chosen in Save As: say which to choose instead.
    save_as = "Open it in Word or Excel, use File > Save As, choose 'Word Document (.docx)' or "
    save_as += "'Excel Workbook (.xlsx)', and drop the new copy in the inbox."
    if "WordDocument" in names:
        what = "an old-style Word document (.doc)"
        save_as = "Open it in Word, use File > Save As, choose 'Word Document (.docx)' (not "
        save_as += "'Word 97-2003 Document'), and drop the new copy in the inbox."
    elif "Workbook" in names or "Book" in names:
        what = "an old-style Excel workbook (.xls)"
        save_as = "Open it in Excel, use File > Save As, choose 'Excel Workbook (.xlsx)' (not "
        save_as += "'Excel 97-2003 Workbook'), and drop the new copy in the inbox."
    elif "PowerPoint Document" in names:
        what = "an old-style PowerPoint file (.ppt)"
    else:
        what = "an old-style Office file"
    return unsafe(
        path,
        f"The file is {what}. Only the current formats, .docx and .xlsx, can be read.",
        save_as,
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
