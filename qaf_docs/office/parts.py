"""Reading one part of an Office file under limits, and parsing it as XML with no tricks.

``read_member`` and ``parse_xml`` are the only ways the rest of qaf_docs reads a part of a file it
did not write: the first caps what is decompressed, the second refuses DTDs and entities and never
touches the network.
"""

from __future__ import annotations

import hashlib
import re
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from qaf_docs.office.refusals import ASK_AUTHOR, damaged, dtd_error, reading, suspicious, unsafe

MiB = 1024 * 1024


DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)


MARKER_OVERLAP = max(len(m) for m in DTD_MARKERS)


_MARKUP_DECLARATION = re.compile(rb"<\x00?!")  # "<!" in UTF-8, or UTF-16 of either byte order


def declares_dtd(data: bytes) -> bool:
    """Whether an XML part's bytes hold a DTD or entity declaration, in any encoding XML allows.

    Every marker starts with "<!", whose "!" is the byte 0x21 in UTF-8 and UTF-16 alike: a part
    without that byte (most, found at memory speed) cannot declare one. Otherwise one pass looks for
    "<!", and only a part that has one (a comment, CDATA) is searched for the markers themselves.
    """
    if b"!" not in data or _MARKUP_DECLARATION.search(data) is None:
        return False
    return any(marker in data for marker in DTD_MARKERS)


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
    # What unpacks is what costs: the size caps above are the real defence. Honest repetitive text
    # (100,000 of one character typed in a box, empty table rows) compresses far beyond 100:1, so
    # for XML the ratio alone proves nothing; it only counts for a part bigger than any form's text.
    # XML is also bounded by its nesting depth (see parse_xml) and its longest token.
    xml_ratio_applies_above_bytes: int = 16 * MiB
    # Longest stretch of an XML part without a "<": a start tag or a run of text. Real forms stay
    # far below this; a multi-megabyte token stalls the expat parser of older Pythons.
    max_token_bytes: int = 1 * MiB


DEFAULT_LIMITS = Limits()


def sha256_file(path: Path) -> str:
    """Return the SHA-256 of a file's bytes as lowercase hex, reading it in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


XML_SUFFIXES = (".xml", ".rels", ".vml")
# Pictures Word keeps as they were inserted. A page scanned to an uncompressed TIFF or BMP is
# mostly white paper and packs far beyond 100:1, as honestly as repetitive XML does; qaf never
# unpacks a picture beyond the checks, and the size caps bound what those cost.
PICTURE_SUFFIXES = (
    ".tif",
    ".tiff",
    ".bmp",
    ".dib",
    ".emf",
    ".wmf",
    ".png",
    ".gif",
    ".jpeg",
    ".jpg",
)


def check_ratio(path: Path | None, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Refuse a part packed like a zip bomb: far beyond 100:1 and bigger than a form's part."""
    lowered = info.filename.lower()
    if lowered.endswith(PICTURE_SUFFIXES):
        return  # never parsed, and bounded by the size caps: a scan may be mostly white paper
    is_xml = lowered.endswith(XML_SUFFIXES)
    floor = limits.xml_ratio_applies_above_bytes if is_xml else limits.ratio_applies_above_bytes
    if info.file_size > floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise suspicious(
            path, "it is packed like a 'zip bomb' (a small file that unpacks to a huge one)"
        )


# A member's local header: its signature, then (after 22 bytes qaf does not need) the lengths of its
# name and of its extra field.
_LOCAL_HEADER = struct.Struct("<4s22xHH")
_ENCRYPTED = 0x1 | 0x40  # traditional or strong encryption: left to zipfile, which refuses it


def unpacked(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """Part ``info``'s bytes, read from the file and inflated in one call, checked as zipfile
    checks them (the local header's signature and name, the CRC); at most one byte beyond its
    size. None where zipfile reads it (encrypted, or packed by another method).

    A form's small parts cost more in zipfile's reading machinery than in inflating them.
    """
    handle = getattr(archive, "fp", None)
    deflated = info.compress_type == zipfile.ZIP_DEFLATED
    if handle is None or info.flag_bits & _ENCRYPTED:
        return None
    if not deflated and info.compress_type != zipfile.ZIP_STORED:
        return None
    handle.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(handle.read(_LOCAL_HEADER.size))
    name = handle.read(name_length).decode("utf-8" if info.flag_bits & 0x800 else "cp437")
    if signature != b"PK\x03\x04" or name != info.orig_filename:
        raise zipfile.BadZipFile(f"the local header of {info.orig_filename!r} is not its own")
    handle.seek(extra_length, 1)
    packed = handle.read(info.compress_size)
    if len(packed) < info.compress_size:
        raise zipfile.BadZipFile(f"{info.orig_filename!r} is cut short")
    data = zlib.decompressobj(-15).decompress(packed, info.file_size + 1) if deflated else packed
    if len(data) <= info.file_size and zlib.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.orig_filename!r}")
    return data[: info.file_size + 1]


def read_info(
    path: Path | None, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits
) -> bytes:
    if info.file_size > limits.max_member_uncompressed:
        raise suspicious(path, "one part would unpack to far more data than any form holds")
    check_ratio(path, info, limits)
    data = unpacked(archive, info)
    if data is None:
        with archive.open(info) as member:
            # file_size bounds what zipfile hands back even if the header lies; +1 detects a liar.
            data = member.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise suspicious(path, "one part unpacks to more data than its label says")
    return data


class Package:
    """An Office file opened once, its parts read under ``limits`` (each part decompressed once).

    Reading a form needs four parts (the document, the package relationships, the custom and core
    properties); opening the zip for each was most of the cost beyond parsing. The zip is opened
    at the first read, so a safety check can look at the file's first bytes before that. Use as a
    context manager; failures while reading become the refusals ``reading`` gives.
    """

    #: Parts the readers parse after the safety check, kept as the check unpacks them.
    READ_AFTER_CHECK = frozenset(
        {"word/document.xml", "_rels/.rels", "docProps/custom.xml", "docProps/core.xml"}
    )

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = path
        self.limits = limits
        self._parts: dict[str, bytes] = {}
        self._roots: dict[str, etree._Element] = {}
        self._vetted: set[str] = set()
        self._archive: zipfile.ZipFile | None = None
        self._names: frozenset[str] | None = None

    @property
    def archive(self) -> zipfile.ZipFile:
        """The open zip (opened on first use, refusing a file over the size limit)."""
        if self._archive is None:
            with reading(self.path):
                if self.path.stat().st_size > self.limits.max_file_bytes:
                    raise unsafe(self.path, "The file is too large to be read.", ASK_AUTHOR)
                self._archive = zipfile.ZipFile(self.path)
        return self._archive

    @property
    def names(self) -> frozenset[str]:
        """The names of the file's parts."""
        if self._names is None:
            self._names = frozenset(self.archive.namelist())
        return self._names

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._roots.clear()  # a parsed document is megabytes: not kept past the file's reading
        if self._archive is not None:
            self._archive.close()

    def wants(self, name: str) -> bool:
        """Whether part ``name`` is worth keeping when a check unpacks it (see ``keep``)."""
        return name in self.READ_AFTER_CHECK and name not in self._parts

    def keep(self, name: str, data: bytes) -> None:
        """Remember ``data`` as part ``name``, unpacked and vetted by the caller under the limits
        (its size, and its text for DTDs and huge tokens: ``safety`` does both)."""
        self._parts[name] = data
        self._vetted.add(name)

    def read(self, name: str) -> bytes:
        """Return part ``name``'s bytes, refusing it when missing or over the limits."""
        if name not in self._parts:
            with reading(self.path):
                try:
                    info = self.archive.getinfo(name)
                except KeyError:
                    raise unsafe(
                        self.path,
                        "A part that every Word or Excel file has is missing, so the file cannot "
                        "be read.",
                        ASK_AUTHOR,
                    ) from None
                self._parts[name] = read_info(self.path, self.archive, info, self.limits)
        return self._parts[name]

    def xml(self, name: str) -> etree._Element:
        """Return part ``name`` parsed as XML (see ``parse_xml``), parsed once however often it is
        asked for (the package relationships are asked for the custom and the core properties)."""
        root = self._roots.get(name)
        if root is None:
            root = parse_xml(self.read(name), path=self.path, vetted=name in self._vetted)
            self._roots[name] = root
        return root


def read_member(path: Path, name: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Return the bytes of one zip member, refusing members over the size and ratio limits."""
    with Package(path, limits) as package:
        return package.read(name)


_PARSERS = threading.local()  # lxml parsers may be reused, but not shared between threads


def _safe_parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is not None:
        return parser
    _PARSERS.parser = parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=False,
        collect_ids=False,
    )
    return parser


def parse_xml(data: bytes, *, path: Path | None = None, vetted: bool = False) -> etree._Element:
    """Parse one XML part with no DTD, entities, network or huge trees; else UnsafeFileError.

    ``vetted``: the bytes were already searched for DTD markers as they were unpacked.
    """
    if not vetted and declares_dtd(data):
        raise dtd_error(path)
    try:
        root = etree.fromstring(data, parser=_safe_parser())
    except etree.XMLSyntaxError as exc:
        # libxml2 stops at 256 levels of nesting without XML_PARSE_HUGE; Word's deepest real
        # nesting (tables in tables) stays far below. Deeper is a parser bomb, not damage.
        if "depth" in str(exc).lower():
            raise suspicious(path, "its text is nested far deeper than any form's") from exc
        raise damaged(path) from exc
    docinfo = root.getroottree().docinfo
    # Belt and braces: an encoding the byte scan did not anticipate still cannot smuggle a DTD in.
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise dtd_error(path)
    return root
