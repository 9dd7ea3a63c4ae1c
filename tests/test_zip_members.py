"""Zip packages rewritten from compressed members open and read back byte for byte."""

from __future__ import annotations

import zipfile
from pathlib import Path

from qaf_docs.office.zip_members import Member, PreDeflated, read_members, write_zip


def test_members_copied_as_compressed_bytes_read_back_the_same(tmp_path: Path) -> None:
    source = tmp_path / "source.zip"
    with zipfile.ZipFile(source, "w") as z:
        z.writestr("word/document.xml", b"<w:document/>" * 500, zipfile.ZIP_DEFLATED)
        z.writestr("stored.bin", bytes(range(256)), zipfile.ZIP_STORED)
        z.writestr("docProps/Ünïcode name.xml", "<x>é</x>".encode(), zipfile.ZIP_DEFLATED)
    members = read_members(source)
    assert read_members(source.read_bytes()) == members
    out = tmp_path / "out.zip"
    write_zip(out, [*members.values(), Member.of("new.xml", b"<new/>")])
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        assert b.testzip() is None
        for name in a.namelist():
            assert b.read(name) == a.read(name)
        assert b.read("new.xml") == b"<new/>"
        assert b.namelist()[-1] == "new.xml"


def test_joined_member_reads_back_as_the_plain_join(tmp_path: Path) -> None:
    """Pieces deflated once and bytes deflated per file make one valid stream with the right CRC."""
    xml = "<w:t>Locality é 1 &amp; 2</w:t>" * 3000
    head, middle, tail = (PreDeflated.of(s.encode()) for s in (xml[:5000], xml[5000:], "</x>"))
    long_text = ("A long rationale, with words that repeat. " * 200).encode()
    huge = bytes(range(256)) * 300  # over one stored block's 65,535 bytes
    cases = {
        "mixed.xml": [head, b"R-0001", middle, "Jo O&#39;Neil ✓".encode(), b"", tail],
        "values only.xml": [b"one", b"two", long_text],
        "pieces only.xml": [head, tail],
        "nothing.xml": [],
        "empty piece.xml": [PreDeflated.of(b""), b"x", PreDeflated.of(b"")],
        "huge.bin": [head, huge, tail],
        "long pieces.xml": [middle, b"x", middle, middle, tail],  # CRCs moved past, not re-read
    }
    members = [Member.joined(name, parts) for name, parts in cases.items()]
    out = tmp_path / "joined.zip"
    write_zip(out, members)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        for name, parts in cases.items():
            plain = b"".join(p.data if isinstance(p, PreDeflated) else p for p in parts)
            assert z.read(name) == plain, name
            assert z.getinfo(name).file_size == len(plain)
    short = Member.joined("short.xml", [b"short words"])
    assert len(short.deflated) < 30, "a few words are stored, not given a compressor"
    assert middle.shift and not tail.shift, "only long pieces carry CRC tables"
    packed = Member.joined("long.xml", [long_text])
    assert len(packed.deflated) < len(long_text) // 4, "long text is still compressed"
