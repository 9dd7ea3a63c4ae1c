"""Tests for qaf_docs.office.safety: hostile files are refused in plain English; real ones pass."""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import docx
import hostile_files as hf
import pytest
from conftest import complete_form, drop, pack_docx, pack_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from qaf_docs.errors import UnsafeFileError
from qaf_docs.frameworks import Framework
from qaf_docs.inbox.ingest import Ingestor, ingest_inbox
from qaf_docs.office.identity import identity_beyond_size
from qaf_docs.office.parts import Limits, parse_xml, read_member, sha256_file
from qaf_docs.office.safety import FileKind, inspect_office_file
from qaf_docs.records import AuditRecord
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

# Words that betray a programmer's message: an admin officer cannot act on any of them.
_TECHNICAL = re.compile(
    r"traceback|lxml|zipfile|badzip|xmlsyntax|errno|exception|zlib|crc|ole2|vbaproject|"
    r"content_types|expat|\bNone\b|0x[0-9a-f]",
    re.IGNORECASE,
)
_ACTIONS = ("Ask", "Open", "Copy", "Do not", "Return", "Drop", "Check")


def assert_plain_english(error: UnsafeFileError) -> None:
    """Fail unless the message and advice are jargon-free sentences that say what to do."""
    message, advice = str(error), error.what_to_do
    for text in (message, advice):
        assert text and text[0].isupper() and text.rstrip().endswith("."), text
        assert not _TECHNICAL.search(text), text
    assert any(verb in advice for verb in _ACTIONS), advice


@pytest.mark.parametrize("case", hf.CASES, ids=[case.name for case in hf.CASES])
def test_hostile_file_is_refused_in_plain_english(case: hf.Case, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    with pytest.raises(UnsafeFileError) as caught:
        inspect_office_file(path)
    assert case.says in str(caught.value)
    assert caught.value.path == path
    assert_plain_english(caught.value)


@pytest.mark.parametrize(
    "build", [hf.corrupt_member, hf.mismatched_local_name], ids=["fails CRC", "two names"]
)
def test_a_part_read_on_its_own_is_checked_as_zipfile_checks_it(build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # qaf unpacks a part itself (faster than zipfile's reader): the same damage is still refused.
    with pytest.raises(UnsafeFileError) as caught:
        read_member(build(tmp_path), "word/document.xml")
    assert "damaged or incomplete" in str(caught.value)
    assert_plain_english(caught.value)


def test_message_never_quotes_file_content(tmp_path: Path) -> None:
    with pytest.raises(UnsafeFileError) as caught:
        inspect_office_file(hf.xxe(tmp_path))
    assert "passwd" not in str(caught.value)
    assert "passwd" not in caught.value.what_to_do


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        (hf.valid_docx, FileKind.DOCX),
        (hf.valid_xlsx, FileKind.XLSX),
        (hf.docx_renamed_xlsx, FileKind.DOCX),
        (hf.xlsx_renamed_docx, FileKind.XLSX),
    ],
    ids=["docx", "xlsx", "docx named .xlsx", "xlsx named .docx"],
)
def test_kind_comes_from_content_not_extension(build, kind: FileKind, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert inspect_office_file(build(tmp_path)) is kind


def test_a_realistic_form_with_a_picture_passes(tmp_path: Path) -> None:
    # A photo-sized member that barely compresses must not trip the ratio or token checks.
    import os

    picture = os.urandom(3 * hf.MiB)
    path = tmp_path / "with-picture.docx"
    path.write_bytes(hf.mutate(hf.valid_docx_bytes(), add={"word/media/image1.jpeg": picture}))
    assert inspect_office_file(path) is FileKind.DOCX


def test_small_repetitive_parts_may_compress_beyond_the_ratio(tmp_path: Path) -> None:
    # 500 KB of empty table cells compresses > 100:1 but is below the size the ratio applies to.
    cells = b"<w:tc><w:p/></w:tc>" * 25_000
    path = tmp_path / "table.docx"
    path.write_bytes(
        hf.mutate(hf.valid_docx_bytes(), add={"word/extra.xml": b"<t>" + cells + b"</t>"})
    )
    assert inspect_office_file(path) is FileKind.DOCX


def test_limits_are_settings(tmp_path: Path) -> None:
    path = hf.valid_docx(tmp_path)
    with pytest.raises(UnsafeFileError, match="too large"):
        inspect_office_file(path, Limits(max_file_bytes=1000))
    with pytest.raises(UnsafeFileError, match="parts"):
        inspect_office_file(path, Limits(max_members=3))


def test_token_check_spans_chunk_boundaries(tmp_path: Path) -> None:
    token = b"a" * 5000
    xml = b"<a>" + token + b"</a>"
    path = tmp_path / "t.docx"
    path.write_bytes(hf.mutate(hf.valid_docx_bytes(), add={"word/extra.xml": xml}))
    assert inspect_office_file(path, Limits(max_token_bytes=6000)) is FileKind.DOCX
    with pytest.raises(UnsafeFileError, match="enormous"):
        inspect_office_file(path, Limits(max_token_bytes=4000))


def test_missing_file_is_plain_english(tmp_path: Path) -> None:
    with pytest.raises(UnsafeFileError, match="disappeared") as caught:
        inspect_office_file(tmp_path / "gone.docx")
    assert_plain_english(caught.value)


# --- read_member / parse_xml ----------------------------------------------------------------------


def test_read_member_returns_bytes(tmp_path: Path) -> None:
    data = read_member(hf.valid_docx(tmp_path), "word/document.xml")
    assert parse_xml(data).tag.endswith("document")


def test_read_member_refuses_a_bomb_member(tmp_path: Path) -> None:
    path = hf.ratio_bomb(tmp_path)
    with pytest.raises(UnsafeFileError, match="zip bomb"):
        read_member(path, "word/media/zeros.bin")
    with pytest.raises(UnsafeFileError, match="far more data"):
        read_member(path, "word/media/zeros.bin", Limits(max_member_uncompressed=hf.MiB))


def test_read_member_of_missing_part_and_damaged_file(tmp_path: Path) -> None:
    with pytest.raises(UnsafeFileError, match="missing") as caught:
        read_member(hf.valid_docx(tmp_path), "word/nothing.xml")
    assert_plain_english(caught.value)
    with pytest.raises(UnsafeFileError, match="damaged"):
        read_member(hf.truncated(tmp_path), "word/document.xml")
    with pytest.raises(UnsafeFileError, match="damaged"):
        read_member(hf.corrupt_member(tmp_path), "word/document.xml")


@pytest.mark.parametrize(
    "xml",
    [
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        b'<!DOCTYPE x SYSTEM "http://example.invalid/evil.dtd"><x/>',
        b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'.encode(
            "utf-16"
        ),
        '<?xml version="1.0" encoding="UTF-16BE"?><!DOCTYPE x><x/>'.encode("utf-16-be"),
    ],
    ids=["xxe", "external dtd", "entity expansion", "utf-16 dtd", "utf-16be dtd"],
)
def test_parse_xml_refuses_any_dtd(xml: bytes) -> None:
    with pytest.raises(UnsafeFileError, match="entity") as caught:
        parse_xml(xml)
    assert_plain_english(caught.value)


def test_parse_xml_reports_malformed_xml_as_damaged() -> None:
    with pytest.raises(UnsafeFileError, match="damaged"):
        parse_xml(b"<a><b></a>")


def test_parse_xml_reads_ordinary_xml_and_keeps_namespaces() -> None:
    root = parse_xml(b'<?xml version="1.0"?><w:a xmlns:w="urn:w"><w:b>text &amp; more</w:b></w:a>')
    assert root[0].text == "text & more"


def test_sha256_file(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc" * 1_000_000)
    assert sha256_file(path) == hashlib.sha256(b"abc" * 1_000_000).hexdigest()


# --- fuzzing: whatever the bytes, the answer is a FileKind or an UnsafeFileError ------------------


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    position=st.integers(min_value=0, max_value=10_000),
    garbage=st.binary(min_size=1, max_size=64),
    cut=st.booleans(),
)
def test_mutated_files_never_escape_as_other_errors(
    tmp_path: Path, position: int, garbage: bytes, cut: bool
) -> None:
    data = bytearray(hf.valid_docx_bytes())
    position %= len(data)
    data[position : position + len(garbage)] = garbage
    if cut:
        del data[position + len(garbage) :]
    path = tmp_path / "fuzz.docx"
    path.write_bytes(bytes(data))
    try:
        inspect_office_file(path)
    except UnsafeFileError as error:
        assert_plain_english(error)


def test_zip_directory_members_are_vetted_not_only_word_parts(tmp_path: Path) -> None:
    # A DTD hidden in a part the reader never asks for still condemns the file.
    path = tmp_path / "custom.docx"
    bad = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'
    path.write_bytes(hf.mutate(hf.valid_docx_bytes(), add={"customXml/item9.xml": bad}))
    with pytest.raises(UnsafeFileError, match="entity"):
        inspect_office_file(path)


def test_compound_file_builder_is_a_real_structure() -> None:
    # The crafted OLE2 file has the header fields and directory an OLE reader walks.
    data = hf.compound_file(["WordDocument"])
    assert data.startswith(hf.OLE2_MAGIC)
    assert len(data) % 512 == 0
    assert "WordDocument".encode("utf-16-le") in data
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(data))


def test_a_locked_file_is_in_use_not_unsafe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qaf_docs.errors import FileInUseError

    path = hf.valid_docx(tmp_path)

    def locked(*_: object, **__: object) -> None:
        raise PermissionError(13, "sharing violation")

    monkeypatch.setattr(Path, "open", locked)
    with pytest.raises(FileInUseError):
        inspect_office_file(path)


@pytest.mark.parametrize(
    ("content", "says", "advice"),
    [
        (b"No.,Action,Owner,Due date\r\n1,Update the plan,TM,01/12/2026\r\n", "a CSV", "CSV"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF", "A PDF or scan cannot be read"),
    ],
    ids=["tracker saved as CSV", "PDF"],
)
def test_a_file_that_is_not_office_says_what_it_is_and_what_to_do(
    tmp_path: Path, content: bytes, says: str, advice: str
) -> None:
    path = tmp_path / "QA2611-0001.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnsafeFileError) as caught:
        inspect_office_file(path)
    assert f"it is {says}" in str(caught.value)
    assert advice in caught.value.what_to_do and "LibreOffice" in caught.value.what_to_do
    if says != "a PDF":
        assert "PDF" not in caught.value.what_to_do


@pytest.mark.parametrize(
    ("build", "choose", "not_this"),
    [
        (hf.legacy_doc, "'Word Document (.docx)' (not 'Word 97-2003 Document')", "Excel"),
        (hf.legacy_xls_renamed, "'Excel Workbook (.xlsx)' (not 'Excel 97-2003 Workbook')", "Word"),
    ],
)
def test_an_old_style_file_is_told_which_type_to_choose_in_save_as(
    tmp_path: Path, build: object, choose: str, not_this: str
) -> None:
    """A form saved as 'Word 97-2003' is a Word file: the advice names Word's Save As type, and
    the one chosen by mistake, not 'Word or Excel … .docx or .xlsx'."""
    with pytest.raises(UnsafeFileError) as caught:
        inspect_office_file(build(tmp_path))  # type: ignore[operator]
    assert choose in caught.value.what_to_do
    assert not_this not in caught.value.what_to_do


def test_a_form_with_a_scanned_page_pasted_in_is_read_not_called_a_zip_bomb(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """A typed page scanned to an uncompressed TIFF (as many scanners save) and inserted into the
    form in Word packs beyond 100:1, because it is mostly white paper (before, the form was
    refused as packed like a zip bomb, 'may have been tampered with, do not open the file')."""
    page = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi, in grey
    pen = ImageDraw.Draw(page)
    for y in range(200, 3300, 60):
        pen.text((200, y), "Chronology: home visit, child seen alone, plan reviewed. " * 3, fill=0)
    scan = workspace.root / "scan.tif"
    page.save(scan, "TIFF")
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).save()
    document = docx.Document(str(path))
    document.add_picture(str(scan))
    document.save(str(path))
    with zipfile.ZipFile(path) as z:
        [info] = [i for i in z.infolist() if i.filename.startswith("word/media/image")]
        assert info.file_size > 100 * info.compress_size  # what a zip bomb looks like, too
    drop(path, workspace.inbox)
    [outcome] = ingest_inbox(workspace, settle_s=0.05)
    assert outcome.result == "accepted", outcome.findings
    with open_register(workspace) as register:
        assert register.audit(issued[0].audit_ref).status == "returned"  # type: ignore[union-attr]


def test_a_bomb_named_as_a_picture_still_unpacks_no_more_than_the_caps(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    zeros = b"\x00" * (60 * hf.MiB)
    path.write_bytes(hf.mutate(hf.valid_docx_bytes(), add={"word/media/image1.tiff": zeros}))
    with pytest.raises(UnsafeFileError, match="far more data than any form holds"):
        inspect_office_file(path)


def _with_photos(path: Path, count: int) -> None:
    """Paste ``count`` phone photos into the form (noise: JPEG cannot shrink it), as Word does."""
    document = docx.Document(str(path))
    for n in range(count):
        photo = path.with_name(f"photo{n}.jpg")
        Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(photo, quality=95)
        document.add_picture(str(photo))
    document.save(str(path))


def test_a_form_too_large_for_its_photos_is_refused_naming_its_audit_and_auditor(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """Photos pasted in take the form over the inbox's size limit: it is refused, as before, but
    its note names the audit and the auditor to send it back to (before, 'Audit: not identified'
    and 'Send the file back to whoever sent it'), read by ingest and by the watcher alike."""
    settings = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(
        settings.replace("max_file_mb = 25", "max_file_mb = 1"), encoding="utf-8"
    )
    for audit in issued[:2]:
        complete_form(pack_docx(workspace, audit), framework).save()
        _with_photos(pack_docx(workspace, audit), 2)
        assert pack_docx(workspace, audit).stat().st_size > 1024 * 1024
    drop(pack_docx(workspace, issued[0]), workspace.inbox, "with photos.docx")
    [by_ingest] = ingest_inbox(workspace, settle_s=0.05)
    with open_register(workspace) as register:
        dropped = drop(pack_docx(workspace, issued[1]), workspace.inbox, "with photos 2.docx")
        by_watch = Ingestor(workspace, register, workspace.load_settings()).process(dropped)
        statuses = [register.audit(a.audit_ref).status for a in issued[:2]]  # type: ignore[union-attr]
    assert statuses == ["rejected", "rejected"]  # awaiting a smaller copy
    for outcome, audit, name in (
        (by_ingest, issued[0], "with photos.docx"),
        (by_watch, issued[1], "with photos 2.docx"),
    ):
        assert (outcome.result, outcome.audit_ref) == ("rejected", audit.audit_ref)
        note = (workspace.rejected / f"{name}.rejected.txt").read_text(encoding="utf-8")
        assert (
            f"Audit:     {audit.audit_ref} (case {audit.case_id}, auditor {audit.auditor})" in note
        )
        assert "The file is too large" in note and "Compress Pictures" in note
        assert f"Send the file back to the auditor ({audit.auditor})" in note


def test_the_identity_of_a_file_too_large_is_not_read_past_a_forms_directory(
    tmp_path: Path,
) -> None:
    many = {f"word/media/p{i}.xml": b"<a/>" for i in range(3000)}
    path = tmp_path / "many.docx"
    path.write_bytes(hf.mutate(hf.valid_docx_bytes(), add=many))
    assert identity_beyond_size(path, Limits()) is None


def test_a_tracker_too_large_for_its_pictures_goes_back_to_the_manager(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    settings = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(
        settings.replace("max_file_mb = 25", "max_file_mb = 1"), encoding="utf-8"
    )
    tracker = pack_xlsx(workspace, issued[0])
    screenshot = os.urandom(2 * hf.MiB)  # a picture pasted into Excel lands in xl/media
    tracker.write_bytes(hf.mutate(tracker.read_bytes(), add={"xl/media/image1.png": screenshot}))
    drop(tracker, workspace.inbox, "tracker.xlsx")
    [outcome] = ingest_inbox(workspace, settle_s=0.05)
    assert (outcome.result, outcome.audit_ref) == ("rejected", issued[0].audit_ref)
    note = (workspace.rejected / "tracker.xlsx.rejected.txt").read_text(encoding="utf-8")
    assert f"Audit:     {issued[0].audit_ref}" in note and "The file is too large" in note
    assert "Send the file back to the manager who keeps this case's action tracker" in note
    with open_register(workspace) as register:
        assert register.audit(issued[0].audit_ref).status == "issued"  # type: ignore[union-attr]


def test_a_form_left_marked_as_final_with_editing_restricted_is_read(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """'Mark as Final' (a custom property Word adds) and 'Restrict Editing' (a password hash in the
    settings, not encryption) leave the form readable: it is recorded, not refused."""
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).save()
    parts = hf.members(path.read_bytes())
    protect = (
        b'<w:documentProtection w:edit="readOnly" w:enforcement="1" w:cryptProviderType="rsaAES" '
        b'w:cryptAlgorithmClass="hash" w:cryptAlgorithmType="typeAny" w:cryptAlgorithmSid="14" '
        b'w:cryptSpinCount="100000" w:hash="bXlIYXNo" w:salt="bXlTYWx0"/>'
    )
    settings = parts["word/settings.xml"]
    at = settings.index(b"<w:zoom")
    final = (
        b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="90" name="_MarkAsFinal">'
        b"<vt:bool>true</vt:bool></property></Properties>"
    )
    path.write_bytes(
        hf.rezip(
            {
                **parts,
                "word/settings.xml": settings[:at] + protect + settings[at:],
                "docProps/custom.xml": parts["docProps/custom.xml"].replace(
                    b"</Properties>", final
                ),
            }
        )
    )
    drop(path, workspace.inbox)
    [outcome] = ingest_inbox(workspace, settle_s=0.05)
    assert outcome.result == "accepted", outcome.findings
