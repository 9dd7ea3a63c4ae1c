"""The compiled fast path writes the same audit tool as a plain docxtpl render, for any template."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import libreoffice_resave
from docxtpl import DocxTemplate
from lxml import etree

from qaf_docs.frameworks import load_framework, preset_names
from qaf_docs.office.form_fields import read_fields
from qaf_docs.office.identity import custom_properties_xml, read_custom_properties
from qaf_docs.office.zip_members import write_zip
from qaf_docs.packs.audit_tool import AuditToolWriter, audit_tool_context, write_audit_tool
from qaf_docs.packs.details import PackDetails, details_for
from qaf_docs.packs.fast_render import compile_docx
from qaf_docs.packs.templates import jinja_environment
from qaf_docs.records import AuditRecord, CaseFact
from qaf_docs.workspace import AUDIT_TEMPLATE, init_workspace

PRESETS = preset_names()  # every preset that ships
HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"


# The new template's case facts panel: dated facts (days since, timescale flags) and free text.
FACTS = (
    CaseFact("last_visit", "Last visit", "2026-03-02"),
    CaseFact("date_of_last_supervision", "Last supervision", "2026-05-28"),
    CaseFact("legal_status", 'Legal status <s.31> & "ICO"', "Interim care order"),
)


def _details(tmp_path: Path, preset: str) -> tuple[Path, PackDetails, Any]:
    ws = init_workspace(tmp_path / preset, framework=preset, council_name="Testshire & Co")
    framework = load_framework(preset, base=ws.root)
    record = AuditRecord(
        "R-0001", "2026-06", "100200", "Locality <1> & Partners", "Jo O'Neil", "CP",
        None, "A. Auditor", "a@x.example", preset, framework.version, "abc123",
        "allocated", date(2026, 7, 1), "2026-06-01T09:00:00+01:00",
    )  # fmt: skip
    return (
        ws.template(AUDIT_TEMPLATE),
        details_for(record, ws.load_settings(), kind="audit_tool", case_facts=FACTS),
        framework,
    )


def _both(template: Path, context: dict[str, Any], props: bytes, out: Path) -> tuple[Path, Path]:
    """Render ``template`` the fast way and with plain docxtpl; return both files."""
    compiled = compile_docx(template, jinja_environment())
    assert compiled is not None, "the fast path must take this template"
    members = compiled.render(context, props)
    assert members is not None, "the fast path must render this context"
    fast, plain = out / "fast.docx", out / "plain.docx"
    write_zip(fast, members)
    tpl = DocxTemplate(str(template))
    tpl.render(context, jinja_environment(), autoescape=True)
    tpl.save(str(plain))
    return fast, plain


def _canonical(path: Path, part: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return etree.tostring(etree.fromstring(z.read(part)), method="c14n")


def _rendered_parts(path: Path) -> list[str]:
    document = docx.Document(str(path))
    parts = ["word/document.xml"]
    for rel in document.part.rels.values():
        if rel.reltype in (HEADER, FOOTER):
            parts.append(str(rel.target_part.partname).lstrip("/"))
    return sorted(parts)


def _assert_equivalent(fast: Path, plain: Path) -> None:
    with zipfile.ZipFile(fast) as z:
        assert z.testzip() is None
    parts = _rendered_parts(plain)
    assert _rendered_parts(fast) == parts
    for part in parts:
        assert _canonical(fast, part) == _canonical(plain, part), part
    a, b = docx.Document(str(fast)), docx.Document(str(plain))
    assert [p.text for p in a.paragraphs] == [p.text for p in b.paragraphs]
    for sa, sb in zip(a.sections, b.sections, strict=True):
        assert [p.text for p in sa.header.paragraphs] == [p.text for p in sb.header.paragraphs]
        assert [p.text for p in sa.footer.paragraphs] == [p.text for p in sb.footer.paragraphs]
    assert read_fields(a.element) == read_fields(b.element)


@pytest.mark.parametrize("preset", PRESETS)
def test_fast_path_matches_docxtpl_for_every_preset(tmp_path: Path, preset: str) -> None:
    template, details, framework = _details(tmp_path, preset)
    context = audit_tool_context(details, framework, 20)
    props = custom_properties_xml(details.identity.as_properties())
    fast, plain = _both(template, context, props, tmp_path)
    _assert_equivalent(fast, plain)
    fields = read_fields(docx.Document(str(fast)).element)
    assert {f"qaf_grade_{d.key}" for d in framework.domains} <= set(fields)
    text = "\n".join(p.text for p in docx.Document(str(fast)).paragraphs) + "".join(
        c.text for t in docx.Document(str(fast)).tables for r in t.rows for c in r.cells
    )
    assert "Interim care order" in text and "02/03/2026" in text, "case facts rendered"
    assert read_custom_properties(fast) == details.identity.as_properties()


def _edit_template(src: Path, dst: Path) -> None:
    """Restyle the template as a council might in Word: new text, tags, tables and a header."""
    document = docx.Document(str(src))
    section = document.sections[0]
    section.header.add_paragraph("Case {{ case_id }} – {{ council_name|upper }}")
    section.footer.add_paragraph("Issued {{ issued_on }}. Ref {{ audit_ref }}")
    document.add_paragraph("{% if team %}Team: {{ team }}{% endif %} / worker {{ worker }}")
    table = document.add_table(rows=4, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Domain", "Prompt count"
    table.cell(1, 0).text = "{%tr for d in domains %}"
    table.cell(2, 0).text, table.cell(2, 1).text = "{{ d.title }}", "{{ d.prompts|length }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    # A column per domain: docxtpl widens the table grid, so the fast path must do the same.
    wide = document.add_table(rows=1, cols=3)
    wide.cell(0, 0).text = "{%tc for d in domains %}"
    wide.cell(0, 1).text = "{{ d.key }}"
    wide.cell(0, 2).text = "{%tc endfor %}"
    document.add_paragraph("Extra question: {{ f.theme }}")
    document.save(str(dst))


def test_fast_path_matches_docxtpl_for_an_edited_template(tmp_path: Path) -> None:
    template, details, framework = _details(tmp_path, "collaborative-audit")
    edited = tmp_path / "edited.docx"
    _edit_template(template, edited)
    context = audit_tool_context(details, framework, 20)
    props = custom_properties_xml(details.identity.as_properties())
    fast, plain = _both(edited, context, props, tmp_path)
    _assert_equivalent(fast, plain)
    header = docx.Document(str(fast)).sections[0].header.paragraphs[-1].text
    assert header == "Case 100200 – TESTSHIRE & CO"
    grid = docx.Document(str(fast)).tables[-1]._tbl.tblGrid
    assert len(grid.gridCol_lst) == len(framework.domains)


def test_tags_in_document_properties_fall_back_to_docxtpl(tmp_path: Path) -> None:
    template, details, framework = _details(tmp_path, "collaborative-audit")
    document = docx.Document(str(template))
    document.core_properties.title = "Audit {{ audit_ref }}"
    edited = tmp_path / "titled.docx"
    document.save(str(edited))
    assert compile_docx(edited, jinja_environment()) is None
    out = AuditToolWriter(edited).write(details, framework, 20, tmp_path / "out.docx")
    assert docx.Document(str(out)).core_properties.title == "Audit R-0001"


def test_writer_output_matches_plain_writer(tmp_path: Path) -> None:
    template, details, framework = _details(tmp_path, "live-case-audit")
    fast = AuditToolWriter(template).write(details, framework, 20, tmp_path / "a" / "fast.docx")
    plain = write_audit_tool(template, details, framework, 20, tmp_path / "b" / "plain.docx")
    a, b = docx.Document(str(fast)), docx.Document(str(plain))
    assert [p.text for p in a.paragraphs] == [p.text for p in b.paragraphs]
    assert set(read_fields(a.element)) == set(read_fields(b.element))
    assert read_custom_properties(fast) == read_custom_properties(plain)


def test_libreoffice_opens_an_edited_template_rendered_the_fast_way(tmp_path: Path) -> None:
    template, details, framework = _details(tmp_path, "collaborative-audit")
    edited = tmp_path / "edited.docx"
    _edit_template(template, edited)
    out = AuditToolWriter(edited).write(details, framework, 20, tmp_path / "fast" / "tool.docx")
    resaved = libreoffice_resave(out, tmp_path / "lo")
    document = docx.Document(str(resaved))
    assert "Case 100200 – TESTSHIRE & CO" in [
        p.text for p in document.sections[0].header.paragraphs
    ]
    fields = read_fields(document.element)
    assert {f"qaf_grade_{d.key}" for d in framework.domains} <= set(fields)
