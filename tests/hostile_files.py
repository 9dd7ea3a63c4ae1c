"""Build the hostile-file corpus at test time: every case is generated, nothing is committed.

Each builder takes a folder and returns the path it wrote. Valid files come from python-docx and
openpyxl; hostile ones are those, mutated (members replaced or added), or crafted byte by byte
(OLE2 compound files). ``CASES`` lists every hostile case with a phrase its message must contain.
"""

from __future__ import annotations

import functools
import io
import os
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl

MiB = 1024 * 1024

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@functools.cache
def valid_docx_bytes() -> bytes:
    """Return the bytes of a small, ordinary .docx made by python-docx (built once per run)."""
    document = docx.Document()
    document.add_paragraph("Audit reference QA-TEST-0001")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@functools.cache
def valid_xlsx_bytes() -> bytes:
    """Return the bytes of a small, ordinary .xlsx made by openpyxl (built once per run)."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Audit reference QA-TEST-0001"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    """Return every member of a zip held in memory, by name, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    """Return a deflated zip holding ``parts``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def mutate(
    data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """Return ``data`` (a zip) with some members replaced and others added."""
    parts = members(data)
    parts.update(replace or {})
    parts.update(add or {})
    return rezip(parts)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _with_main_type(data: bytes, old: str, new: str) -> bytes:
    types = members(data)["[Content_Types].xml"].decode()
    assert old in types
    return mutate(data, replace={"[Content_Types].xml": types.replace(old, new).encode()})


def _document_xml(prefix: str = "", body_text: str = "hello") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"{prefix}"
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{body_text}</w:t></w:r></w:p></w:body></w:document>"
    ).encode()


# --- OLE2 compound files --------------------------------------------------------------------------


def compound_file(stream_names: list[str]) -> bytes:
    """Return a minimal but structurally real OLE2 compound file (v3) with empty named streams.

    Layout: 512-byte header, sector 0 = the FAT, sectors 1.. = the directory (4 entries a sector).
    """
    sector = 512
    entries = ["Root Entry", *stream_names]
    dir_sectors = (len(entries) + 3) // 4
    header = bytearray(sector)
    header[0:8] = OLE2_MAGIC
    struct.pack_into("<HH", header, 0x18, 0x3E, 3)  # minor, major version
    struct.pack_into("<HHH", header, 0x1C, 0xFFFE, 9, 6)  # byte order, sector / mini shifts
    struct.pack_into("<I", header, 0x2C, 1)  # number of FAT sectors
    struct.pack_into("<I", header, 0x30, 1)  # first directory sector
    struct.pack_into("<I", header, 0x38, 4096)  # mini stream cutoff
    struct.pack_into("<I", header, 0x3C, 0xFFFFFFFE)  # no mini FAT
    struct.pack_into("<I", header, 0x44, 0xFFFFFFFE)  # no DIFAT sectors
    difat = [0] + [0xFFFFFFFF] * 108
    struct.pack_into("<109I", header, 0x4C, *difat)
    fat = [0xFFFFFFFD]  # sector 0 is the FAT itself
    fat += [i + 2 for i in range(dir_sectors - 1)] + [0xFFFFFFFE]  # the directory chain
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))
    fat_sector = struct.pack(f"<{sector // 4}I", *fat)
    directory = bytearray(dir_sectors * sector)
    for index, name in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        base = index * 128
        directory[base : base + len(encoded)] = encoded
        struct.pack_into("<H", directory, base + 64, len(encoded))
        directory[base + 66] = 5 if index == 0 else 2  # root storage / stream
        directory[base + 67] = 1  # black
        # Root's child is entry 1; each stream's right sibling is the next one (a simple chain).
        left, right = 0xFFFFFFFF, (index + 1 if 0 < index < len(entries) - 1 else 0xFFFFFFFF)
        child = 1 if index == 0 and len(entries) > 1 else 0xFFFFFFFF
        struct.pack_into("<III", directory, base + 68, left, right, child)
        struct.pack_into("<I", directory, base + 116, 0xFFFFFFFE)  # start sector: none
    for index in range(len(entries), dir_sectors * 4):
        struct.pack_into("<III", directory, index * 128 + 68, *(0xFFFFFFFF,) * 3)
    return bytes(header) + fat_sector + bytes(directory)


# --- builders -------------------------------------------------------------------------------------


def valid_docx(folder: Path, name: str = "valid.docx") -> Path:
    """Write an ordinary .docx."""
    return _write(folder, name, valid_docx_bytes())


def valid_xlsx(folder: Path, name: str = "valid.xlsx") -> Path:
    """Write an ordinary .xlsx."""
    return _write(folder, name, valid_xlsx_bytes())


def docx_renamed_xlsx(folder: Path) -> Path:
    """Write a .docx under a .xlsx name (must be read as DOCX, not refused)."""
    return _write(folder, "form.xlsx", valid_docx_bytes())


def xlsx_renamed_docx(folder: Path) -> Path:
    """Write a .xlsx under a .docx name (must be read as XLSX)."""
    return _write(folder, "tracker.docx", valid_xlsx_bytes())


def plain_text(folder: Path) -> Path:
    """Write a text file named .docx."""
    return _write(folder, "notes.docx", b"These are my audit notes, typed in Notepad.\r\n" * 20)


def pdf(folder: Path) -> Path:
    """Write a PDF named .docx."""
    return _write(folder, "scan.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 10)


def empty(folder: Path) -> Path:
    """Write a 0-byte .docx."""
    return _write(folder, "empty.docx", b"")


def truncated(folder: Path) -> Path:
    """Write the first half of a valid .docx (a copy cut short)."""
    data = valid_docx_bytes()
    return _write(folder, "cut-short.docx", data[: len(data) // 2])


def corrupt_member(folder: Path) -> Path:
    """Write a .docx whose zip directory is fine but whose document data fails its CRC check."""
    data = bytearray(
        rezip(
            {**members(valid_docx_bytes()), "word/document.xml": _document_xml(body_text="x" * 500)}
        )
    )
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 5] ^= 0xFF
    return _write(folder, "corrupt.docx", bytes(data))


def mismatched_local_name(folder: Path) -> Path:
    """Write a .docx whose document part's local header names another part than its directory
    entry does (a zip read one way by one reader and another way by the next)."""
    data = bytearray(valid_docx_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30
    assert data[start : start + len(info.filename)] == info.filename.encode()
    data[start : start + len(info.filename)] = b"word/documenX.xml"
    return _write(folder, "two-names.docx", bytes(data))


def legacy_doc(folder: Path) -> Path:
    """Write an old Word 97-2003 .doc (an OLE2 compound file)."""
    return _write(
        folder, "old.doc", compound_file(["WordDocument", "1Table", "\x05SummaryInformation"])
    )


def legacy_xls_renamed(folder: Path) -> Path:
    """Write an old Excel .xls renamed to .xlsx."""
    return _write(folder, "old.xlsx", compound_file(["Workbook", "\x05SummaryInformation"]))


def encrypted_docx(folder: Path) -> Path:
    """Write a password-protected .docx (an OLE2 file with EncryptedPackage, as Office saves it)."""
    names = ["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"]
    return _write(folder, "locked.docx", compound_file(names))


def encrypted_xlsx_damaged_directory(folder: Path) -> Path:
    """Write an encrypted .xlsx whose directory cannot be walked (the byte-scan fallback)."""
    data = bytearray(compound_file(["EncryptionInfo", "EncryptedPackage"]))
    struct.pack_into("<I", data, 0x30, 0x7FFFFFF0)  # first directory sector: nonsense
    return _write(folder, "locked.xlsx", bytes(data))


def docm_content_type(folder: Path) -> Path:
    """Write a macro-enabled document (.docm content type) named .docx."""
    return _write(folder, "form.docx", _with_main_type(valid_docx_bytes(), DOCX_MAIN, DOCM_MAIN))


def vba_in_docx(folder: Path) -> Path:
    """Write a .docx with a vbaProject.bin smuggled in (content types left ordinary)."""
    data = mutate(valid_docx_bytes(), add={"word/vbaProject.bin": OLE2_MAGIC + b"\x00" * 504})
    return _write(folder, "form.docx", data)


def xlsm_renamed_xlsx(folder: Path) -> Path:
    """Write a macro-enabled workbook (.xlsm) renamed .xlsx."""
    data = _with_main_type(valid_xlsx_bytes(), XLSX_MAIN, XLSM_MAIN)
    data = mutate(data, add={"xl/vbaProject.bin": OLE2_MAGIC + b"\x00" * 504})
    return _write(folder, "tracker.xlsx", data)


def xxe(folder: Path) -> Path:
    """Write a .docx whose document.xml declares an external entity reading /etc/passwd."""
    doctype = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
    data = mutate(valid_docx_bytes(), replace={"word/document.xml": _document_xml(doctype, "&e;")})
    return _write(folder, "xxe.docx", data)


def xxe_utf16(folder: Path) -> Path:
    """Write a .docx whose document.xml is UTF-16 and declares an external entity."""
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>'
    ).encode("utf-16")
    data = mutate(valid_docx_bytes(), replace={"word/document.xml": xml})
    return _write(folder, "xxe16.docx", data)


def billion_laughs(folder: Path) -> Path:
    """Write a .docx whose document.xml is the classic entity-expansion bomb."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    data = mutate(
        valid_docx_bytes(),
        replace={"word/document.xml": _document_xml(f"<!DOCTYPE x [{entities}]>\n", "&lol9;")},
    )
    return _write(folder, "laughs.docx", data)


def huge_token(folder: Path) -> Path:
    """Write a .docx whose text holds one 2 MiB token of random letters (not very compressible)."""
    letters = bytes(range(ord("a"), ord("z") + 1)) * 10
    token = os.urandom(2 * MiB).translate(bytes(letters[i % len(letters)] for i in range(256)))
    data = mutate(
        valid_docx_bytes(),
        replace={"word/document.xml": _document_xml(body_text=token.decode())},
    )
    return _write(folder, "token.docx", data)


def zip_bomb(folder: Path, *, megabytes: int = 300) -> Path:
    """Write a .docx with one member of ``megabytes`` MB of zeros, streamed (small in RAM)."""
    path = folder / "bomb.docx"
    parts = members(valid_docx_bytes())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        info = zipfile.ZipInfo("word/media/zeros.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            block = b"\x00" * MiB
            for _ in range(megabytes):
                member.write(block)
    return path


def ratio_bomb(folder: Path) -> Path:
    """Write a .docx with a 20 MB member of zeros: under the size caps, over the ratio cap."""
    path = zip_bomb(folder, megabytes=20)
    return path.rename(folder / "ratio.docx")


def too_many_members(folder: Path, count: int = 2001) -> Path:
    """Write a .docx padded with ``count`` tiny members."""
    extra = {f"word/media/p{i}.xml": b"<a/>" for i in range(count)}
    return _write(folder, "many.docx", mutate(valid_docx_bytes(), add=extra))


def oversized(folder: Path) -> Path:
    """Write a 26 MiB file (sparse where the OS allows, so it costs no disk)."""
    path = _write(folder, "huge.docx", valid_docx_bytes())
    with path.open("r+b") as handle:
        handle.truncate(26 * MiB)
    return path


def path_traversal(folder: Path) -> Path:
    """Write a .docx holding a member named "../../evil.xml"."""
    return _write(
        folder, "escape.docx", mutate(valid_docx_bytes(), add={"../../evil.xml": b"<a/>"})
    )


def absolute_member(folder: Path) -> Path:
    """Write a .docx holding a member with an absolute Windows path."""
    return _write(
        folder, "absolute.docx", mutate(valid_docx_bytes(), add={"C:/Windows/evil.xml": b"<a/>"})
    )


def duplicate_member(folder: Path) -> Path:
    """Write a .docx holding two members called word/document.xml (readers disagree which wins)."""
    buffer = io.BytesIO(valid_docx_bytes())
    # zipfile warns about the duplicate name, which is the point here.
    with zipfile.ZipFile(buffer, "a") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        archive.writestr("word/document.xml", _document_xml(body_text="second"))
    return _write(folder, "twice.docx", buffer.getvalue())


def encrypted_zip_flag(folder: Path) -> Path:
    """Write a .docx whose members claim zip ("ZipCrypto") encryption."""
    data = bytearray(valid_docx_bytes())
    # Set bit 0 of the general-purpose flags in every central directory header.
    offset = 0
    while (offset := data.find(b"PK\x01\x02", offset)) >= 0:
        data[offset + 8] |= 0x01
        offset += 4
    return _write(folder, "zipcrypto.docx", bytes(data))


def plain_zip(folder: Path) -> Path:
    """Write an ordinary zip (no [Content_Types].xml) named .docx."""
    return _write(folder, "bundle.docx", rezip({"form.docx": valid_docx_bytes()}))


def opendocument(folder: Path) -> Path:
    """Write the form as LibreOffice's own format (.odt): a zip with a mimetype, no content types."""
    return _write(
        folder,
        "form.odt",
        rezip(
            {
                "mimetype": b"application/vnd.oasis.opendocument.text",
                "content.xml": b'<?xml version="1.0"?><office:document-content '
                b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
                "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest/>',
            }
        ),
    )


def strict_open_xml(folder: Path) -> Path:
    """Write the form as Word's "Strict Open XML Document": the same parts under other names."""
    transitional = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strict = b"http://purl.oclc.org/ooxml/officeDocument/relationships"
    with zipfile.ZipFile(io.BytesIO(valid_docx_bytes())) as source:
        parts = {
            name: source.read(name).replace(transitional, strict) for name in source.namelist()
        }
    return _write(folder, "strict.docx", rezip(parts))


def powerpoint(folder: Path) -> Path:
    """Write a package whose main part is a PowerPoint presentation."""
    pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    return _write(folder, "slides.docx", _with_main_type(valid_docx_bytes(), DOCX_MAIN, pptx))


def macrosheet(folder: Path) -> Path:
    """Write a .xlsx holding an Excel 4 macro sheet (code that is not flagged macro-enabled)."""
    types = members(valid_xlsx_bytes())["[Content_Types].xml"].decode()
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/macrosheets/sheet1.xml" '
        'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>',
    )
    data = mutate(
        valid_xlsx_bytes(),
        replace={"[Content_Types].xml": types.encode()},
        add={"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"},
    )
    return _write(folder, "xlm.xlsx", data)


@dataclass(frozen=True)
class Case:
    """One hostile file: how to build it and a phrase the plain-English message must contain."""

    name: str
    build: Callable[[Path], Path]
    says: str


# --- what admin staff drop instead of the form: an e-mail, a shortcut, a web link -------------


def outlook_message(folder: Path) -> Path:
    """Write an e-mail dragged from Outlook into the folder (.msg, an OLE2 file), form attached."""
    streams = ["__properties_version1.0", "__substg1.0_0037001F", "__attach_version1.0_#00000000"]
    return _write(folder, "RE Audit form.msg", compound_file(streams))


def saved_e_mail(folder: Path) -> Path:
    """Write an e-mail saved from a mail program (.eml): headers, then the form as an attachment."""
    mail = (
        b"Received: from mail.council.example\r\nFrom: Sam Auditor <sam@council.example>\r\n"
        b"Subject: Completed audit form\r\nMIME-Version: 1.0\r\n\r\n"
    )
    return _write(folder, "Completed audit form.eml", mail)


def shortcut(folder: Path) -> Path:
    """Write a Windows shortcut (.lnk) to a form: its header, class id and a little more."""
    header = b"L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00F"
    return _write(folder, "form.docx - Shortcut.lnk", header + b"\x9b\x00\x08\x00" + b"\x00" * 60)


def web_link(folder: Path) -> Path:
    """Write a link to a form on SharePoint, as a browser leaves one dragged to a folder (.url)."""
    link = b"[InternetShortcut]\r\nURL=https://council.sharepoint.com/sites/qa/form.docx\r\n"
    return _write(folder, "form.url", link)


CASES: tuple[Case, ...] = (
    Case("plain text named .docx", plain_text, "not a Word or Excel file"),
    Case("PDF named .docx", pdf, "a PDF"),
    Case("empty file", empty, "empty"),
    Case("truncated zip", truncated, "damaged or incomplete"),
    Case("member fails CRC", corrupt_member, "damaged or incomplete"),
    Case("local header names another part", mismatched_local_name, "damaged or incomplete"),
    Case("legacy .doc", legacy_doc, "old-style Word document"),
    Case("legacy .xls renamed .xlsx", legacy_xls_renamed, "old-style Excel workbook"),
    Case("encrypted OOXML", encrypted_docx, "password"),
    Case("encrypted, damaged directory", encrypted_xlsx_damaged_directory, "password"),
    Case("docm content type", docm_content_type, "macros"),
    Case("vbaProject.bin in a .docx", vba_in_docx, "macros"),
    Case("xlsm renamed .xlsx", xlsm_renamed_xlsx, "macros"),
    Case("Excel 4 macro sheet", macrosheet, "macros"),
    Case("XXE", xxe, "entity"),
    Case("XXE in UTF-16", xxe_utf16, "entity"),
    Case("billion laughs", billion_laughs, "entity"),
    Case("single huge token", huge_token, "enormous block of text"),
    Case("zip bomb 300 MB", zip_bomb, "far more data"),
    Case("compression ratio", ratio_bomb, "zip bomb"),
    Case("too many members", too_many_members, "parts"),
    Case("oversized file", oversized, "too large"),
    Case("../ member path", path_traversal, "outside the file"),
    Case("absolute member path", absolute_member, "outside the file"),
    Case("duplicate member", duplicate_member, "same name"),
    Case("zip encryption flag", encrypted_zip_flag, "password"),
    Case("plain zip", plain_zip, "zip archive"),
    Case("OpenDocument (.odt)", opendocument, "OpenDocument"),
    Case("Strict Open XML", strict_open_xml, "Strict Open XML"),
    Case("PowerPoint", powerpoint, "PowerPoint"),
    Case("Outlook e-mail (.msg)", outlook_message, "Outlook e-mail"),
    Case("saved e-mail (.eml)", saved_e_mail, "an e-mail (.eml)"),
    Case("Windows shortcut (.lnk)", shortcut, "Windows shortcut"),
    Case("web link (.url)", web_link, "link to a form on the web"),
)


def build_all(folder: Path) -> Iterator[tuple[Case, Path]]:
    """Build every hostile case into its own subfolder of ``folder``."""
    for index, case in enumerate(CASES):
        sub = folder / f"{index:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        yield case, case.build(sub)
