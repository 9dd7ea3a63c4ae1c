"""The one-walk form reader finds exactly what a plain element-by-element reading finds.

``scan_form`` and ``table_cells`` walk each form once, visiting only the elements they read, for
speed. Here each is checked against a plain reading written the obvious way (every control's
properties looked up under the control; every cell read on its own), on every preset's filled form,
on a form re-saved by LibreOffice and on hand-written shapes that the templates never produce.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, libreoffice_resave, pack_docx, plan_audits
from lxml import etree

from qaf_docs.demo.filling import FormFiller
from qaf_docs.frameworks import preset_names
from qaf_docs.office import form_fields as ff
from qaf_docs.office import shown_text
from qaf_docs.office.content_controls import FIELD_PREFIX, W14_NS, W_NS
from qaf_docs.office.field_names import indicator_field
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.workspace import init_workspace

W, W14 = f"{{{W_NS}}}", f"{{{W14_NS}}}"


# -- the plain reading -----------------------------------------------------------------------------


def _child(parent: etree._Element | None, tag: str) -> etree._Element | None:
    return None if parent is None else parent.find(tag)


def _plain_date(pr: etree._Element | None) -> date | None:
    d = _child(pr, f"{W}date")
    full = d.get(f"{W}fullDate") if d is not None else None
    try:
        return date.fromisoformat(full[:10]) if full else None
    except ValueError:
        return None


def _plain_control(sdt: etree._Element) -> ff.FieldValue | None:
    pr, content = sdt.find(f"{W}sdtPr"), sdt.find(f"{W}sdtContent")
    tag = _child(pr, f"{W}tag")
    name = tag.get(f"{W}val", "") if tag is not None else ""
    if not name.startswith(FIELD_PREFIX):
        return None
    box = _child(pr, f"{W14}checkbox")
    mark = box.find(f"{W14}checked") if box is not None else None
    if mark is not None:  # a check box: its state
        return ff.FieldValue(name, "", checked=mark.get(f"{W14}val") in ("1", "true"))
    if _child(pr, f"{W}showingPlcHdr") is not None:  # nothing typed: the placeholder shows
        return ff.FieldValue(name, "", date_value=_plain_date(pr))
    raw = shown_text.text_within(content) if content is not None else ""
    if raw.strip() in ("☒", "☑", "☐"):  # a box saved without its state, or as a plain symbol
        return ff.FieldValue(name, "", checked=raw.strip() != "☐")
    return ff.FieldValue(name, shown_text.clean(raw, False), date_value=_plain_date(pr))


def _plain_rank(sdt: etree._Element, name: str) -> int:
    """0: its own bookmark wraps it; 1: no bookmark does; 2: inside another qaf box (pasted)."""
    for above in sdt.iterancestors(f"{W}sdt"):
        tag = above.find(f"{W}sdtPr/{W}tag")
        if tag is not None and tag.get(f"{W}val", "").startswith(FIELD_PREFIX):
            return 2
    before = sdt.getprevious()
    marks = [*([before] if before is not None else []), *sdt.iter(f"{W}bookmarkStart")]
    own = any(m.tag == f"{W}bookmarkStart" and m.get(f"{W}name") == name for m in marks)
    return 0 if own else 1


def plain_fields(root: etree._Element) -> dict[str, ff.FieldValue]:
    fields: dict[str, ff.FieldValue] = {}
    ranks: dict[str, int] = {}
    for sdt in root.iter(f"{W}sdt"):
        value = _plain_control(sdt)
        if value is None:
            continue
        rank = _plain_rank(sdt, value.name)
        if value.name not in fields or rank < ranks[value.name]:
            fields[value.name], ranks[value.name] = value, rank
    starts: dict[str, list[etree._Element]] = {}
    for start in root.iter(f"{W}bookmarkStart"):
        name = start.get(f"{W}name", "")
        if name.startswith(FIELD_PREFIX):
            starts.setdefault(name, []).append(start)
    for name, found in starts.items():
        if name not in fields:
            value = ff._field_by_bookmark(name, found)
            if value is not None:
                fields[name] = value
    return fields


def plain_cells(table: etree._Element) -> tuple[list[list[str]], list[list[date | None]]]:
    rows, dates = [], []
    for tr in table.findall(f"{W}tr"):
        rows.append(
            [shown_text.clean(shown_text.text_within(tc), False) for tc in tr.findall(f"{W}tc")]
        )
        dates.append(
            [
                next(
                    (d for pr in tc.iter(f"{W}sdtPr") if (d := _plain_date(pr)) is not None),
                    None,
                )
                for tc in tr.findall(f"{W}tc")
            ]
        )
    return rows, dates


def assert_read_alike(root: etree._Element) -> None:
    assert ff.scan_form(root).fields == plain_fields(root)
    for table in ff.tables(root):
        assert ff.table_cells(table) == plain_cells(table)


# -- real forms ------------------------------------------------------------------------------------


def _filled_form(root: Path, preset: str) -> Path:
    ws = init_workspace(root, council_name="Testshire", framework=preset)
    framework = ws.load_framework()
    with open_register(ws) as register:
        plan_audits(register, ws, 1)
        generate_packs(ws, register)
        audit = register.audits()[0]
    path = pack_docx(ws, audit)
    filler = FormFiller(path).pick_date("qaf_audit_date", TODAY)
    for d in framework.domains:
        filler.choose(f"qaf_grade_{d.key}", "Good").text(f"qaf_rationale_{d.key}", "Seen.\nTwice.")
    filler.choose("qaf_overall_grade", "Requires improvement to be good")
    filler.add_action_row("Update the plan", "Team manager", "02/04/2026")
    first = framework.domains[0]
    if any(first.indicators_for(grade) for grade in framework.scale.grades):
        filler.tick(indicator_field(first.key, 1))
    else:
        filler.tick("qaf_practitioner_present")
    filler.save()
    return path


def _document(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml"))


@pytest.mark.parametrize("preset", preset_names())
def test_every_preset_form_reads_alike(tmp_path: Path, preset: str) -> None:
    root = _document(_filled_form(tmp_path / preset, preset))
    fields = ff.scan_form(root).fields
    assert fields["qaf_overall_grade"].text == "Requires improvement to be good"
    assert any(v.checked for v in fields.values())  # the ticked boxes are in what is compared
    assert_read_alike(root)


@pytest.mark.libreoffice
def test_a_libreoffice_form_reads_alike(tmp_path: Path) -> None:
    resaved = libreoffice_resave(
        _filled_form(tmp_path / "ws", "collaborative-audit"), tmp_path / "lo"
    )
    root = _document(resaved)
    assert ff.scan_form(root).fields["qaf_overall_grade"].found_by == "bookmark"
    assert_read_alike(root)


# -- shapes the templates never make ---------------------------------------------------------------


def _body(xml: str) -> etree._Element:
    return etree.fromstring(
        f'<w:document xmlns:w="{W_NS}" xmlns:w14="{W14_NS}"><w:body>{xml}</w:body></w:document>'
    )


def _run(text: str) -> str:
    return f"<w:r><w:t>{text}</w:t></w:r>"


def _control(tag: str, inner: str, props: str = "") -> str:
    return (
        f'<w:sdt><w:sdtPr><w:tag w:val="{tag}"/>{props}</w:sdtPr>'
        f"<w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    )


SHAPES = {
    "a box nested in a text control": _control(
        "qaf_outer",
        "<w:p>"
        + _run("before ")
        + _control(
            "qaf_inner",
            _run("☒"),
            '<w14:checkbox><w14:checked w14:val="1"/></w14:checkbox>',
        )
        + _run(" after")
        + "</w:p>",
    ),
    "properties in another order": _control(
        "qaf_box",
        _run("☐"),
        '<w14:checkbox><w14:checked w14:val="true"/></w14:checkbox><w:alias w:val="x"/>',
    )
    .replace('<w:tag w:val="qaf_box"/>', "")
    .replace("</w:sdtPr>", '<w:tag w:val="qaf_box"/></w:sdtPr>'),
    "a box with no checked mark": _control("qaf_bare", _run("☒"), "<w14:checkbox/>"),
    "a placeholder showing": _control("qaf_empty", _run("Click here"), "<w:showingPlcHdr/>"),
    "a date picker": _control(
        "qaf_when", _run("02/03/2026"), '<w:date w:fullDate="2026-03-02T00:00:00Z"/>'
    ),
    "a broken date": _control("qaf_bad", _run("soon"), '<w:date w:fullDate="not a date"/>'),
    "the same tag twice": _control("qaf_twice", _run("first"))
    + _control("qaf_twice", _run("second")),
    "an untagged control": "<w:sdt><w:sdtContent>" + _run("x") + "</w:sdtContent></w:sdt>",
    "no properties at all": "<w:sdt><w:sdtContent><w:p/></w:sdtContent></w:sdt>"
    + _control("qaf_after", _run("read")),
    "a foreign tag then a qaf one": _control("other", _run("no"))
    + _control("qaf_yes", _run("yes")),
    "tabs, breaks and paragraphs": _control(
        "qaf_rich",
        "<w:p>"
        + _run("a")
        + "<w:r><w:tab/><w:t>b</w:t><w:br/></w:r></w:p><w:p>"
        + _run("c")
        + "</w:p>",
    ),
    "a grade pasted inside a box before the grade's own": _control(
        "qaf_rationale", "<w:p>" + _run("mine ") + _control("qaf_grade", _run("pasted")) + "</w:p>"
    )
    + '<w:p><w:bookmarkStart w:id="8" w:name="qaf_grade"/>'
    + _control("qaf_grade", _run("own"))
    + '<w:bookmarkEnd w:id="8"/></w:p>',
    "a box pasted bare before the one its bookmark wraps": _control("qaf_box", _run("pasted"))
    + '<w:p><w:bookmarkStart w:id="7" w:name="qaf_box"/>'
    + _control("qaf_box", _run("own"))
    + '<w:bookmarkEnd w:id="7"/></w:p>',
    "a bookmark with no control": '<w:p><w:bookmarkStart w:id="9" w:name="qaf_ref"/>'
    + _run("QA2603-0001")
    + '<w:bookmarkEnd w:id="9"/></w:p>',
}

_CELL = "<w:tc><w:p>{}</w:p></w:tc>"
TABLES = {
    "plain rows": "<w:tbl><w:tblPr/><w:tr>"
    + _CELL.format(_run("Action"))
    + _CELL.format(_run("Owner"))
    + "</w:tr><w:tr>"
    + _CELL.format(_run("Do it"))
    + _CELL.format(_run("Me"))
    + "</w:tr></w:tbl>",
    "a nested table in a cell": "<w:tbl><w:tr><w:tc><w:p>"
    + _run("outer")
    + "</w:p><w:tbl><w:tr>"
    + _CELL.format(_run("inner 1"))
    + _CELL.format(_run("inner 2"))
    + "</w:tr></w:tbl><w:p>"
    + _run("tail")
    + "</w:p></w:tc>"
    + _CELL.format(_run("next"))
    + "</w:tr></w:tbl>",
    "a row wrapped in a control": "<w:tbl><w:tr>"
    + _CELL.format(_run("own"))
    + "</w:tr><w:sdt><w:sdtContent><w:tr>"
    + _CELL.format(_run("wrapped"))
    + "</w:tr></w:sdtContent></w:sdt><w:tr>"
    + _CELL.format(_run("own again"))
    + "</w:tr></w:tbl>",
    "a cell wrapped in a control": "<w:tbl><w:tr>"
    + _CELL.format(_run("own"))
    + "<w:sdt><w:sdtContent>"
    + _CELL.format(_run("wrapped"))
    + "</w:sdtContent></w:sdt>"
    + _CELL.format(_run("own again"))
    + "</w:tr></w:tbl>",
    "dates in cells": "<w:tbl><w:tr>"
    + _CELL.format(_control("qaf_d", _run("x"), '<w:date w:fullDate="bad"/>'))
    + _CELL.format(
        _control("qaf_e", _run("1/4/26"), '<w:date w:fullDate="2026-04-01T00:00:00Z"/>')
        + _control("qaf_f", _run("2/4/26"), '<w:date w:fullDate="2026-04-02T00:00:00Z"/>')
    )
    + "<w:tc/></w:tr><w:tr/></w:tbl>",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_odd_control_shapes_read_alike(shape: str) -> None:
    root = _body(SHAPES[shape])
    assert plain_fields(root) or shape == "an untagged control"  # the shape holds something to read
    assert_read_alike(root)


def test_a_box_saved_without_its_state_reads_as_its_symbol_shows() -> None:
    # Word and LibreOffice write a box's state; an editor that drops it leaves the symbol the
    # auditor saw, and that is what is read.
    fields = ff.scan_form(_body(SHAPES["a box with no checked mark"])).fields
    assert fields["qaf_bare"].checked is True


def test_a_nested_control_is_read_inside_its_parent_and_on_its_own() -> None:
    fields = ff.scan_form(_body(SHAPES["a box nested in a text control"])).fields
    assert fields["qaf_outer"].text == "before ☒ after"
    assert fields["qaf_inner"].checked is True


def test_a_box_pasted_from_another_form_never_stands_for_the_forms_own() -> None:
    fields = ff.scan_form(
        _body(SHAPES["a grade pasted inside a box before the grade's own"])
    ).fields
    assert (fields["qaf_grade"].text, fields["qaf_rationale"].text) == ("own", "mine pasted")
    fields = ff.scan_form(
        _body(SHAPES["a box pasted bare before the one its bookmark wraps"])
    ).fields
    assert fields["qaf_box"].text == "own"


@pytest.mark.parametrize("shape", sorted(TABLES))
def test_odd_table_shapes_read_alike(shape: str) -> None:
    root = _body(TABLES[shape])
    assert_read_alike(root)


def test_a_nested_table_is_part_of_its_cell_and_a_wrapped_row_is_skipped() -> None:
    rows, _ = ff.table_cells(ff.tables(_body(TABLES["a nested table in a cell"]))[0])
    assert rows == [["outer\ninner 1\ninner 2\ntail", "next"]]
    rows, _ = ff.table_cells(ff.tables(_body(TABLES["a row wrapped in a control"]))[0])
    assert rows == [["own"], ["own again"]]
    _, dates = ff.table_cells(ff.tables(_body(TABLES["dates in cells"]))[0])
    assert dates == [[None, date(2026, 4, 1), None], []]
