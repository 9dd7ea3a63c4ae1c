"""Zip packages written from members that are already compressed (the .docx/.xlsx fast path).

A pack is the council's template with a few parts changed. Re-deflating the unchanged parts (styles,
theme, fonts: most of the bytes) for every audit is what made packs slow, so a template's members
are read once as compressed bytes and written out again as they are; only the changed parts are
deflated per file. The writer speaks plain PKZIP (no zip64: a template part over 4 GB is refused).
"""

from __future__ import annotations

import functools
import io
import struct
import time
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_UTF8_NAMES = 0x800
_LIMIT = 0xFFFFFFFF
_STORED_UP_TO = 1024  # shorter bytes are joined as stored blocks: no compressor to start
_STORED_HEAD = struct.Struct("<BHH")
_FINAL_EMPTY = b"\x03\x00"  # an empty final block (fixed codes): ends a joined stream


_SHIFTED_FROM = 8192  # longer pieces carry tables that move a CRC past them unread


@dataclass(frozen=True)
class PreDeflated:
    """Bytes deflated on their own into whole, byte-aligned, non-final blocks, ready to be joined.

    Compressed alone, the piece refers back to nothing before it, so it may follow any other
    pieces in a deflate stream; the sync flush ends it on a byte boundary without ending the stream.
    Build it with ``of``.
    """

    data: bytes
    deflated: bytes
    crc: int  # zlib.crc32(data)
    # For a long piece, four tables such that zlib.crc32(data, c) == crc ^ t0[c & 255] ^
    # t1[c >> 8 & 255] ^ t2[c >> 16 & 255] ^ t3[c >> 24]: CRC-32 is affine in its start value,
    # and the linear part depends only on the length, so joining need not read the piece again.
    shift: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, data: bytes, level: int = 3) -> PreDeflated:
        shift = _crc_shift(len(data)) if len(data) >= _SHIFTED_FROM else ()
        return cls(data, _deflated_alone(data, level, stored_up_to=0), zlib.crc32(data), shift)


@dataclass(frozen=True)
class Member:
    """One file of a zip package, held deflated with the facts a zip directory needs."""

    name: str
    crc: int
    size: int
    deflated: bytes

    @classmethod
    def of(cls, name: str, data: bytes, level: int = 3) -> Member:
        """Return ``data`` deflated as the member ``name``.

        Level 3 rather than zlib's default 6: a tenth bigger, three times faster on a form's XML.
        """
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        return cls(name, zlib.crc32(data), len(data), packer.compress(data) + packer.flush())

    @classmethod
    def joined(cls, name: str, parts: Sequence[bytes | PreDeflated], level: int = 3) -> Member:
        """Return the member ``name`` holding ``parts`` one after another.

        ``PreDeflated`` parts (the same in many files) are copied as they are; plain bytes are
        deflated alone here, short ones as stored blocks (a compressor costs more to start than it
        saves on a few words).
        """
        crc = size = 0
        chunks: list[bytes] = []
        for part in parts:
            if isinstance(part, PreDeflated):
                if part.shift:
                    t0, t1, t2, t3 = part.shift
                    crc = (
                        part.crc
                        ^ t0[crc & 255]
                        ^ t1[crc >> 8 & 255]
                        ^ t2[crc >> 16 & 255]
                        ^ t3[crc >> 24]
                    )
                elif part.data:
                    crc = zlib.crc32(part.data, crc)
                size += len(part.data)
                chunks.append(part.deflated)
            elif part:
                crc = zlib.crc32(part, crc)
                size += len(part)
                chunks.append(_deflated_alone(part, level))
        chunks.append(_FINAL_EMPTY)
        return cls(name, crc, size, b"".join(chunks))


@functools.lru_cache(maxsize=64)
def _crc_shift(length: int) -> tuple[tuple[int, ...], ...]:
    """Tables of the linear map taking a CRC-32 past ``length`` bytes (see ``PreDeflated``)."""
    zeros = bytes(length)
    base = zlib.crc32(zeros)
    # crc32(data, c) ^ crc32(data, 0) is the same for any data of this length: take zeros.
    basis = [zlib.crc32(zeros, 1 << bit) ^ base for bit in range(32)]
    tables = []
    for byte in range(4):
        table = [0] * 256
        for value in range(1, 256):
            low = value & -value
            table[value] = table[value ^ low] ^ basis[8 * byte + low.bit_length() - 1]
        tables.append(tuple(table))
    return tuple(tables)


def _deflated_alone(data: bytes, level: int, stored_up_to: int = _STORED_UP_TO) -> bytes:
    """``data`` as whole, byte-aligned, non-final deflate blocks that refer to nothing before."""
    if len(data) <= stored_up_to:  # one stored block: BFINAL 0, BTYPE 00, then LEN and ~LEN
        return _STORED_HEAD.pack(0, len(data), len(data) ^ 0xFFFF) + data
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


def read_members(source: Path | bytes) -> dict[str, Member]:
    """Return every member of a zip file (or its bytes) in order, compressed bytes as stored."""
    members: dict[str, Member] = {}
    opened = io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")
    with opened as raw, zipfile.ZipFile(raw) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            if info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 1:
                raw.seek(info.header_offset)
                header = _LOCAL.unpack(raw.read(_LOCAL.size))
                raw.seek(header[9] + header[10], 1)  # skip the name and the extra field
                data = raw.read(info.compress_size)
                members[info.filename] = Member(info.filename, info.CRC, info.file_size, data)
            else:
                members[info.filename] = Member.of(info.filename, archive.read(info))
    return members


def write_zip(path: Path, members: Iterable[Member]) -> None:
    """Write ``members`` to a new zip file at ``path``, in the order given."""
    stamp = time.localtime()
    dos_time = (stamp.tm_hour << 11) | (stamp.tm_min << 5) | (stamp.tm_sec // 2)
    dos_date = ((max(stamp.tm_year, 1980) - 1980) << 9) | (stamp.tm_mon << 5) | stamp.tm_mday
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for m in members:
        if max(m.size, len(m.deflated), offset) >= _LIMIT:
            raise ValueError(f"zip member {m.name} is too large for a package")
        name = m.name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_NAMES
        head = (20, flags, 8, dos_time, dos_date, m.crc, len(m.deflated), m.size, len(name))
        chunks += [_LOCAL.pack(0x04034B50, *head, 0), name, m.deflated]
        central.append(_CENTRAL.pack(0x02014B50, 20, *head, 0, 0, 0, 0, 0, offset) + name)
        offset += _LOCAL.size + len(name) + len(m.deflated)
        count += 1
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, count, count, len(directory), offset, 0)
    with path.open("wb") as out:
        out.write(b"".join(chunks) + directory + end)
