"""The build scripts write the default templates that are committed.

templates/ holds what every new workspace gets, and the README says scripts/build_templates.py and
scripts/build_report_template.py build it. When the report template was edited in Word instead
(1f7328f, 0fc2d7a), running the script would have silently thrown those sections away. Here each
script writes into a scratch folder and its output is read the way a reader meets it: every
paragraph's text and Jinja tags in order, with its style; tables cell by cell with their row
properties (never split, header repeated, height); headers and footers; content controls; the
styles' fonts; the page. For the workbooks: sheets, cells with their formats, validations,
conditional formats, column widths and print settings. Zip timestamps and XML ordering are not
compared, so an unchanged template stays byte-identical in git.
"""

from __future__ import annotations

import difflib
import importlib.util
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree
from openpyxl import load_workbook
from openpyxl.styles.colors import Color
from openpyxl.worksheet.worksheet import Worksheet

ROOT = Path(__file__).resolve().parents[1]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _val(el: etree._Element | None, tag: str) -> str | None:
    found = el.find(W + tag) if el is not None else None
    return None if found is None else found.get(W + "val", "on")


def _text(el: etree._Element) -> str:
    """What a reader sees, tags included: runs joined, fields (page numbers) named."""
    parts = []
    for node in el.iter(W + "t", W + "tab", W + "br", W + "fldSimple", W + "instrText"):
        if node.tag == W + "t":
            # A field's placeholder result ("1") is Word's to fill in, not text anyone chose.
            in_field = any(a.tag == W + "fldSimple" for a in node.iterancestors())
            parts.append("" if in_field else node.text or "")
        elif node.tag in (W + "fldSimple", W + "instrText"):
            code = node.get(W + "instr", "") if node.tag == W + "fldSimple" else node.text or ""
            parts.append("{field " + code.strip() + "}")
        else:
            parts.append("\t" if node.tag == W + "tab" else "\n")
    return "".join(parts)


def _props(el: etree._Element) -> str:
    """Element's properties as ``name(attr=value …)``, children nested, namespaces dropped."""
    attrs = " ".join(f"{etree.QName(k).localname}={v}" for k, v in sorted(el.attrib.items()))
    inner = " ".join(_props(c) for c in el if isinstance(c.tag, str))
    return f"{etree.QName(el).localname}({' '.join(filter(None, [attrs, inner]))})"


def _paragraph(p: etree._Element) -> str:
    ppr = p.find(W + "pPr")
    style = _val(ppr, "pStyle") or "Normal"
    extras = [f"align={_val(ppr, 'jc')}" if _val(ppr, "jc") else ""]
    extras.append("keep-with-next" if _val(ppr, "keepNext") else "")
    return f"[{style}{' '.join(['', *filter(None, extras)])}] {_text(p)!r}"


def _row(tr: etree._Element) -> str:
    trpr = tr.find(W + "trPr")
    props = [
        name
        for name in ("cantSplit", "tblHeader")
        if trpr is not None and trpr.find(W + name) is not None
    ]
    height = trpr.find(W + "trHeight") if trpr is not None else None
    if height is not None:
        props.append(f"height={height.get(W + 'val')} {height.get(W + 'hRule', 'auto')}")
    cells = []
    for tc in tr.findall(W + "tc"):
        shading = tc.find(f"{W}tcPr/{W}shd")
        fill = f"(fill {shading.get(W + 'fill')}) " if shading is not None else ""
        cells.append(fill + " / ".join(_paragraph(p) for p in tc.findall(W + "p")))
    return f"  row [{', '.join(props)}]: " + " | ".join(cells)


def _content_control(sdt: etree._Element) -> str:
    pr = sdt.find(W + "sdtPr")
    tag = _val(pr, "tag")
    kinds = [c.tag.replace(W, "") for c in pr if c.tag not in (W + "tag", W + "alias", W + "id")]
    items = [i.get(W + "displayText") for i in pr.iter(W + "listItem")] if pr is not None else []
    return f"content control tag={tag} {kinds} items={items} text={_text(sdt)!r}"


def _blocks(parent: etree._Element) -> list[str]:
    lines: list[str] = []
    for el in parent:
        if el.tag == W + "p":
            lines.append(_paragraph(el))
            lines += [_content_control(s) for s in el.iter(W + "sdt")]
        elif el.tag == W + "tbl":
            tblpr = el.find(W + "tblPr")
            lines.append(f"table style={_val(tblpr, 'tblStyle')} align={_val(tblpr, 'jc')}")
            widths = [c.get(W + "w") for c in el.iterfind(f"{W}tblGrid/{W}gridCol")]
            lines.append(f"  columns {widths}")
            for tr in el.findall(W + "tr"):
                lines.append(_row(tr))
                lines += ["  " + _content_control(s) for s in tr.iter(W + "sdt")]
        elif el.tag == W + "sdt":
            lines.append(_content_control(el))
            lines += _blocks(el.find(W + "sdtContent"))
        elif el.tag == W + "sectPr":
            lines += [f"page {_props(x)}" for x in el if x.tag in (W + "pgSz", W + "pgMar")]
    return lines


def _styles(z: zipfile.ZipFile, used: set[str]) -> list[str]:
    root = etree.fromstring(z.read("word/styles.xml"))
    lines = []
    for style in root.iter(W + "style"):
        if style.get(W + "styleId") in used:
            look = [style.find(W + "pPr"), style.find(W + "rPr")]
            props = " ".join(_props(x) for x in look if x is not None)
            lines.append(f"style {style.get(W + 'styleId')}: {props}")
    return sorted(lines)


def describe_docx(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        parts = sorted(n for n in z.namelist() if n.startswith(("word/header", "word/footer")))
        parts = [n for n in parts if n.endswith(".xml")]
        lines: list[str] = []
        used = {"Normal"}
        for name in ["word/document.xml", *parts]:
            root = etree.fromstring(z.read(name))
            container = root.find(W + "body") if name == "word/document.xml" else root
            lines.append(f"== {name}")
            lines += _blocks(container)
            for tag in ("pStyle", "tStyle", "rStyle", "tblStyle"):
                used |= {s.get(W + "val") for s in root.iter(W + tag)}
        return lines + _styles(z, used)


def _colour(colour: Color | None) -> str | None:
    return None if colour is None else f"{colour.type}:{colour.value}"


def describe_xlsx(path: Path) -> list[str]:
    wb = load_workbook(path)
    lines = [f"title {wb.properties.title!r}"]
    for ws in wb.worksheets:
        lines.append(f"== sheet {ws.title!r} freeze={ws.freeze_panes} filter={ws.auto_filter.ref}")
        lines.append(f"merged {sorted(str(r) for r in ws.merged_cells.ranges)}")
        setup = ws.page_setup
        lines.append(
            f"print {setup.orientation} fit={ws.sheet_properties.pageSetUpPr.fitToPage} "
            f"width={setup.fitToWidth} height={setup.fitToHeight} titles={ws.print_title_rows}"
        )
        for key, dim in sorted(ws.column_dimensions.items()):
            lines.append(f"column {key} width={dim.width}")
        for key, row_dim in sorted(ws.row_dimensions.items()):
            if row_dim.height is not None:
                lines.append(f"row {key} height={row_dim.height}")
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and c.number_format == "General" and not c.has_style:
                    continue
                font, fill, align = c.font, c.fill, c.alignment
                lines.append(
                    f"{c.coordinate} {c.value!r} format={c.number_format} bold={font.b} "
                    f"italic={font.i} size={font.sz} colour={_colour(font.color)} "
                    f"fill={_colour(fill.fgColor) if fill.fill_type else None} "
                    f"wrap={align.wrap_text} v={align.vertical} border={c.border.bottom.style}"
                )
        for dv in ws.data_validations.dataValidation:
            lines.append(
                f"validation {dv.sqref} {dv.type} {dv.operator} {dv.formula1!r} "
                f"blank={dv.allow_blank} error={dv.errorTitle!r}: {dv.error!r}"
            )
        for rng, rules in ws.conditional_formatting._cf_rules.items():
            for rule in rules:
                fill = _colour(rule.dxf.fill.fgColor) if rule.dxf and rule.dxf.fill else None
                lines.append(f"conditional {rng.sqref} {rule.type} {rule.formula} fill={fill}")
    return lines


def _build_templates(out: Path) -> None:
    builder = _script("build_templates")
    builder.build_audit_tool(out / "audit_tool.docx")
    builder.build_action_tracker(out / "action_tracker.xlsx")
    builder.build_roster(out / "roster.xlsx")


def _build_report_template(out: Path) -> None:
    _script("build_report_template").build(out / "quarterly_report.docx")


@pytest.mark.parametrize(
    ("script", "build", "names"),
    [
        (
            "scripts/build_templates.py",
            _build_templates,
            ["audit_tool.docx", "action_tracker.xlsx", "roster.xlsx"],
        ),
        ("scripts/build_report_template.py", _build_report_template, ["quarterly_report.docx"]),
    ],
)
def test_build_script_writes_the_committed_template(
    tmp_path: Path, script: str, build: Callable[[Path], None], names: list[str]
) -> None:
    build(tmp_path)
    for name in names:
        describe = describe_docx if name.endswith(".docx") else describe_xlsx
        built, committed = describe(tmp_path / name), describe(ROOT / "templates" / name)
        diff = "\n".join(
            difflib.unified_diff(committed, built, f"templates/{name}", f"{script}", lineterm="")
        )
        assert built == committed, (
            f"{script} no longer writes templates/{name}. Either bring the script up to date with "
            f"what was changed in the template, or, if the script is right, run it to regenerate "
            f"the template:\n{diff[:6000]}"
        )


def test_the_description_sees_a_change_a_reader_would_notice(tmp_path: Path) -> None:
    """A sentence reworded, a tag dropped or a row allowed to split all show up."""
    _build_report_template(tmp_path)
    path = tmp_path / "quarterly_report.docx"
    before = describe_docx(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    edits = [
        ("{{ trend_note }}", "{{ trend_notes }}", "trend_notes"),
        ("Actions for the next", "Actions for next", "Actions for next"),
        ('<w:tblHeader w:val="true"/>', '<w:tblHeader w:val="true"/><w:cantSplit/>', "cantSplit"),
    ]
    for old, new, seen in edits:
        assert old in xml
        with zipfile.ZipFile(path, "w") as z:
            for n, data in parts.items():
                z.writestr(n, xml.replace(old, new, 1) if n == "word/document.xml" else data)
        changed = [line for line in describe_docx(path) if line not in before]
        assert any(seen in line for line in changed), (old, changed)


def test_the_description_sees_a_workbook_change(tmp_path: Path) -> None:
    """A validation's message, a formula or a date format changed in Excel all show up."""
    _build_templates(tmp_path)
    path = tmp_path / "action_tracker.xlsx"
    before = describe_xlsx(path)
    edits: list[tuple[Callable[[Worksheet], None], str]] = [
        (lambda ws: setattr(ws.data_validations.dataValidation[0], "error", "Pick one."), "Pick"),
        (lambda ws: setattr(ws["H12"], "value", "=TODAY()"), "=TODAY()"),
        (lambda ws: setattr(ws["D11"], "number_format", "YYYY-MM-DD"), "YYYY-MM-DD"),
    ]
    for edit, seen in edits:
        wb = load_workbook(path)
        edit(wb["Actions"])
        wb.save(tmp_path / "edited.xlsx")
        changed = [line for line in describe_xlsx(tmp_path / "edited.xlsx") if line not in before]
        assert any(seen in line for line in changed), (seen, changed)
