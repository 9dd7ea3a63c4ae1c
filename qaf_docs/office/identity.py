"""The identity every generated file carries: which audit, case, round, framework and template it is.

It travels as custom document properties (File > Properties > Custom in Word and Excel), which Word,
Excel and LibreOffice keep on save, and as a visible audit reference in the document itself, so a file
whose properties were stripped can still be matched, never guessed.
"""

from __future__ import annotations

import dataclasses
import struct
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from qaf_docs.case_ids import case_key, said_id
from qaf_docs.errors import IdentityError, QafError, UnsafeFileError
from qaf_docs.office.parts import Limits, Package
from qaf_docs.records import Identity

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DCTERMS_NS = "http://purl.org/dc/terms/"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_properties_xml(props: dict[str, str]) -> bytes:
    """Return a ``docProps/custom.xml`` part holding ``props`` as text properties."""
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    # pid 0 and 1 are reserved by the format; Office numbers custom properties from 2.
    for pid, (name, value) in enumerate(props.items(), start=2):
        prop = etree.SubElement(
            root, f"{{{CUSTOM_NS}}}property", fmtid=_FMTID, pid=str(pid), name=name
        )
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def read_custom_properties(source: Path | Package, limits: Limits | None = None) -> dict[str, str]:
    """Return the custom document properties of an Office file (empty when it has none).

    ``source`` is a path, or a ``Package`` already open (its parts are then read only once).
    """
    if isinstance(source, Package):
        return _custom_properties(source)
    with Package(source, limits or Limits()) as package:
        try:
            if not package.names:
                return {}
        except UnsafeFileError as e:
            if isinstance(e.__cause__, zipfile.BadZipFile | OSError):
                return {}  # not a zip at all: it carries no identity (the safety check says why)
            raise
        return _custom_properties(package)


def _custom_properties(package: Package) -> dict[str, str]:
    part = related_part(package, CUSTOM_REL, "docProps/custom.xml")
    if part not in package.names:
        return {}
    props: dict[str, str] = {}
    for prop in package.xml(part).iter(f"{{{CUSTOM_NS}}}property"):
        name = prop.get("name")
        if name:
            props[name] = "".join(prop.itertext()).strip()
    return props


def related_part(package: Package, rel_type: str, default: str) -> str:
    """Find a package-level part (custom or core properties) through the package relationships,
    as Office does; ``default`` where they do not name one."""
    if "_rels/.rels" not in package.names:
        return default
    for rel in package.xml("_rels/.rels").iter(f"{{{_PKG_REL_NS}}}Relationship"):
        if rel.get("Type") == rel_type and rel.get("TargetMode") != "External":
            return (rel.get("Target") or default).lstrip("/")
    return default


def saved_at(package: Package) -> datetime | None:
    """When the file was last saved, as Word and LibreOffice record it (``dcterms:modified``, in
    UTC); None when it does not say or says something that is not a time."""
    part = related_part(package, CORE_REL, "docProps/core.xml")
    if part not in package.names:
        return None
    found = package.xml(part).find(f"{{{_DCTERMS_NS}}}modified")
    text = (found.text or "").strip() if found is not None else ""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def read_identity(
    source: Path | Package,
    visible_ref: str | None = None,
    limits: Limits | None = None,
    *,
    visible_case_id: str | None = None,
) -> Identity:
    """Return the identity of a generated file, or raise IdentityError saying what is missing.

    The hidden identity is believed only when what the page shows agrees with it: the audit
    reference and the case id printed in the file. A form whose reference was deleted is still
    matched by its case id; one that shows neither cannot be confirmed and is refused.
    """
    path = source.path if isinstance(source, Package) else source
    props = read_custom_properties(source, limits)
    identity = Identity.from_properties(props)
    if identity is None:
        raise IdentityError(
            "This file does not carry a qaf audit identity (its document properties are missing), "
            "so it cannot be matched to an audit.",
            path=path,
        )
    shown_ref = (visible_ref or "").strip()
    shown_case = (visible_case_id or "").strip()
    # Retyped as read ("qa2611-0001", "6537810" for "006537810"): the same audit, not a copy.
    if shown_ref and shown_ref.upper() != identity.audit_ref.upper():
        raise IdentityError(
            f"The file's hidden audit reference ({said_id(identity.audit_ref)}) does not match the "
            f"one shown in it ({said_id(shown_ref)}): it may have been copied from another audit.",
            path=path,
        )
    if shown_case and case_key(shown_case.upper()) != case_key(identity.case_id.upper()):
        raise IdentityError(
            f"The file shows case {said_id(shown_case)} but its hidden identity is audit "
            f"{said_id(identity.audit_ref)} for case {said_id(identity.case_id)}: it may have been copied from "
            "another audit.",
            path=path,
        )
    if visible_ref is not None and not shown_ref and visible_case_id is not None and not shown_case:
        raise IdentityError(
            "The audit reference and case id shown at the top of the file have been deleted, so "
            f"qaf cannot confirm that it is audit {said_id(identity.audit_ref)}.",
            path=path,
        )
    return identity


_END_OF_DIRECTORY = b"PK\x05\x06"
_TAIL = 22 + 0xFFFF  # the end record, and the longest comment a zip may carry after it


def identity_beyond_size(path: Path, limits: Limits) -> Identity | None:
    """The identity a file over the size limit carries, read without unpacking anything but its
    two small property parts (None when it has none, or its zip directory is not a form's).

    Such a file is refused all the same; knowing whose it is lets its note name the audit and
    who to send it back to. Only a directory of a form's size is read (its entry count and
    length are in the zip's end record), so a file built to exhaust memory is not opened.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            handle.seek(max(0, size - _TAIL))
            tail = handle.read()
        end = tail.rfind(_END_OF_DIRECTORY)
        if end < 0 or len(tail) < end + 22:
            return None
        entries, directory_bytes = struct.unpack_from("<HI", tail, end + 10)
        if entries > limits.max_members or directory_bytes > _DIRECTORY_LIMIT:
            return None  # a Zip64 file (0xFFFF entries) is never a form either
        roomy = dataclasses.replace(limits, max_file_bytes=size)
        with Package(path, roomy) as package:
            return Identity.from_properties(read_custom_properties(package))
    except (QafError, OSError, zipfile.BadZipFile, struct.error, ValueError):
        return None


_DIRECTORY_LIMIT = 1024 * 1024  # a form's zip directory is a few kilobytes
