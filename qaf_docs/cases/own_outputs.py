"""A file qaf wrote itself, picked as the case list: named as what it is, never read as cases.

A sample manifest, the QA tracker, an audit's action tracker and the register's CSV export all
hold case ids in a column qaf's reader finds, so each would be read as a case list of the
children already audited, and a round drawn from it. The file picker's list of recent files
makes the slip easy; the file's own sheets or properties tell which it is. The roster, made from
the example qaf writes (its one sheet "Roster"), is named too: the case list and roster swapped.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

# Sheets each of qaf's own workbooks has, whatever a council adds to it.
_WORKBOOKS = (
    ({"Round", "Audits", "_record"}, "a round's sample manifest qaf wrote (outbox/samples)"),
    (
        {"Summary", "Audits", "Returns outstanding"},
        "the QA tracker qaf writes (outbox/QA_tracker.xlsx)",
    ),
)
_PACK_PROPERTY = b"qaf_audit_ref"  # every pack file carries its audit's identity (DESIGN.md 1)
_EXPORT_HEADERS = {"audit_ref", "round"}  # qaf export --format csv's audits.csv


def qaf_output(sheet_names: Sequence[str], data: bytes) -> str:
    """What ``data`` is when it is one of qaf's own files ('' for anything else): told by its
    sheets, the identity properties of a pack, or the export's headers on its first line."""
    names = set(sheet_names)
    if names == {"Roster"}:  # roster_example.xlsx saved as the roster, its sheet kept
        return "the roster of people qaf writes to (it goes after --roster)"
    for sheets, what in _WORKBOOKS:
        if sheets <= names:
            return what
    first_line = data[:4096].split(b"\n", 1)[0].decode("utf-8-sig", "replace")
    if {v.strip().strip('"') for v in first_line.split(",")} >= _EXPORT_HEADERS:
        return "a register export qaf wrote (qaf export --format csv)"
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                custom = (
                    z.read("docProps/custom.xml") if "docProps/custom.xml" in z.namelist() else b""
                )
        except (zipfile.BadZipFile, OSError, ValueError):
            return ""  # not a workbook qaf wrote; the case-list reader says what is wrong
        if _PACK_PROPERTY in custom:
            return "an action tracker qaf wrote for one audit (its pack)"
    return ""


def not_a_case_list(name: str, what: str) -> str:
    """The one-line error for a file of qaf's own given as the case list."""
    return (
        f"{name} is {what}, not a case list, so nothing was read from it. Give the case list "
        "exported from the case-management system (such as the Ofsted Annex A workbook)."
    )
