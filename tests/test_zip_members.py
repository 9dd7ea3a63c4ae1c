"""Zip packages rewritten from compressed members open and read back byte for byte."""

from __future__ import annotations

import zipfile
from pathlib import Path

from qaf_docs.office.zip_members import Member, read_members, write_zip


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
