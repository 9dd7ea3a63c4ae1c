"""The one guarded way into case lists and rosters: the inbox's file checks, worded for the file given."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from qaf_docs.cases.caselist import read_case_list
from qaf_docs.cases.roster import read_roster
from qaf_docs.errors import AllocationError, CaseListError


def _workbook(path: Path, extra: dict[str, bytes]) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["Child ID", "Team"])
    wb.active.append(["1001", "North"])
    wb.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in extra.items():
            zf.writestr(name, data)
    return path


def test_a_case_list_packed_like_a_zip_bomb_is_refused_by_the_per_part_limit(tmp_path):
    # 8 MB of zeros packs to a few KB: far past the 100:1 ratio any real sheet part has.
    path = _workbook(tmp_path / "cases.xlsx", {"xl/media/pad.bin": b"\0" * (8 * 1024 * 1024)})
    with pytest.raises(CaseListError, match="zip bomb") as info:
        read_case_list(path)
    assert "cases.xlsx" in str(info.value)


def test_a_case_list_with_macros_is_refused(tmp_path):
    path = _workbook(tmp_path / "cases.xlsx", {"xl/vbaProject.bin": b"macro"})
    with pytest.raises(CaseListError, match="macros"):
        read_case_list(path)


def test_a_case_list_with_an_xml_entity_trick_is_refused(tmp_path):
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    path = _workbook(tmp_path / "cases.xlsx", {"xl/extra.xml": bomb})
    with pytest.raises(CaseListError, match=r"cases\.xlsx"):
        read_case_list(path)


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04 truncated"])
def test_a_broken_roster_is_a_roster_error_that_names_the_roster(tmp_path, content):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    with pytest.raises(AllocationError) as info:
        read_roster(path)
    message = str(info.value)
    assert "roster.xlsx" in message
    assert "Case list" not in message


def test_a_missing_roster_says_roster(tmp_path):
    with pytest.raises(AllocationError, match=r"^Roster .*does not exist"):
        read_roster(tmp_path / "roster.csv")
