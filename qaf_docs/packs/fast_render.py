"""A council's Word template compiled once and rendered per audit as docxtpl would, only faster.

docxtpl reloads the template, recompiles its Jinja, re-parses and re-serialises the document and
re-deflates every part for every file. Here the template is read, patched (docxtpl's own
``patch_xml``) and compiled once per run; per audit only the parts with tags are rendered, with
docxtpl's own post-processing steps, and every other part is copied as compressed bytes.

This is the second of three ways an audit tool is written (``AuditToolWriter``): slot plans
(``slot_render``) come first where they are exact, and are themselves made from two renders of
this path (``render_parts``); plain docxtpl is the last. Each post-processing step below is
docxtpl's, applied by string only where the result is provably what docxtpl's own step gives
(``_tables_consistent``), else by docxtpl's code; ``tests/test_fast_render.py`` compares the
result with plain docxtpl for every preset and an edited template.

Nothing here knows which tags a template uses: the context is whatever the caller passes. Where a
template needs something this path does not do (tags in footnotes or document properties, an
unreadable package, a Jinja error), ``compile_docx`` returns None or ``render`` returns None and the
caller uses plain docxtpl, which also produces the error messages a council sees.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE
from docxtpl import DocxTemplate
from lxml import etree

from qaf_docs.office.identity import CUSTOM_CONTENT_TYPE
from qaf_docs.office.zip_members import Member, read_members
from qaf_docs.packs.slot_analysis import Usage, analyse, parse_all

_HEADER_FOOTER = (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI)
_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
CUSTOM_PART = "docProps/custom.xml"
_PARA = re.compile(r"<w:p([ >])")
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\sid=")[^"]*(")')
_CELL_WRAPPED = re.compile(r"<w:(?:sdtContent|customXml)[^>]*>\s*<w:tc[ >]")
_TABLE_TOKENS = re.compile(
    r'<w:tbl[ >]|</w:tbl>|<w:tr[ >/]|<w:tc[ >/]|<w:gridCol[ >/]|<w:gridSpan w:val="(\d+)"'
)


@dataclass(frozen=True)
class _Part:
    name: str
    template: jinja2.Template
    head: str = ""  # document.xml around the body: kept as the template has it
    tail: str = ""
    is_body: bool = False


@dataclass(frozen=True)
class RenderedPart:
    """One part rendered for a context: Jinja's output and the part's final text."""

    name: str
    rendered: str  # Jinja's output, before docxtpl's post-processing
    xml: str  # the part as it is written
    by_string: bool  # post-processing was string edits only (no listing, no lxml table pass)


class CompiledDocx:
    """A Word template ready to render many times; build it with ``compile_docx``."""

    def __init__(
        self, members: dict[str, Member], parts: list[_Part], helper: DocxTemplate, usage: Usage
    ):
        self._members = members
        self._parts = parts
        self._helper = helper
        self.usage = usage  # how the parts' Jinja uses each name (``slot_analysis``)

    def render(
        self, context: Mapping[str, Any], custom_properties: bytes | None = None
    ) -> list[Member] | None:
        """Return the package's members for ``context``, or None where docxtpl must do it."""
        parts = self.render_parts(context)
        if parts is None:
            return None
        rendered = {p.name: Member.of(p.name, p.xml.encode("utf-8")) for p in parts}
        if custom_properties is not None:
            rendered[CUSTOM_PART] = Member.of(CUSTOM_PART, custom_properties)
        return self.assemble(rendered)

    def assemble(self, changed: Mapping[str, Member]) -> list[Member]:
        """The package's members in order: ``changed`` in place of the template's, new ones last."""
        rest = dict(changed)
        members = [rest.pop(name, m) for name, m in self._members.items()]
        return members + list(rest.values())

    def render_parts(self, context: Mapping[str, Any]) -> list[RenderedPart] | None:
        """Return every part with tags rendered for ``context``, or None where docxtpl must do it."""
        out: list[RenderedPart] = []
        for part in self._parts:
            try:
                rendered = part.template.render(context)
            except jinja2.TemplateError:
                return None  # plain docxtpl raises it with the text around the tag
            xml, by_string = self._finish(rendered)
            if part.is_body:
                body, plain_tables = self._fix_body(xml)
                if body is None:
                    return None
                xml, by_string = part.head + body + part.tail, by_string and plain_tables
            else:
                xml = _DECLARATION + xml
            out.append(RenderedPart(part.name, rendered, xml, by_string))
        return out

    def _finish(self, xml: str) -> tuple[str, bool]:
        # docxtpl's render_xml_part, after Jinja, step by step; False when resolve_listing ran.
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        if "{_" in xml or "_}" in xml:
            xml = xml.replace("{_{", "{{").replace("}_}", "}}")
            xml = xml.replace("{_%", "{%").replace("%_}", "%}")
        if any(c in xml for c in "\t\a\n\f"):
            return self._helper.resolve_listing(xml), False
        return xml, True

    def _fix_body(self, xml: str) -> tuple[str | None, bool]:
        """Apply docxtpl's fix_tables and fix_docpr_ids; by string where they would change nothing.

        The flag is False where the lxml pass was needed.
        """
        if "docPr" in xml and "<wp:docPr" not in xml:
            return None, False  # drawings under another prefix: let docxtpl renumber them
        if not _tables_consistent(xml):
            tree = self._helper.fix_tables(xml)
            self._helper.docx_ids_index = 1000
            self._helper.fix_docpr_ids(tree)
            return str(etree.tostring(tree, encoding="unicode")), False
        ids = iter(range(1001, 1_000_000_000))
        return _DOCPR_ID.sub(lambda m: f"{m.group(1)}{next(ids)}{m.group(2)}", xml), True


def _tables_consistent(xml: str) -> bool:
    """True when docxtpl's fix_tables would leave every table as it is (each has enough columns)."""
    if _CELL_WRAPPED.search(xml):
        return False  # cells inside a control: docxtpl does not count them, so neither guess
    depth = grid = widest = row_cells = row_span = 0
    for m in _TABLE_TOKENS.finditer(xml):
        token = m.group(0)
        if token.startswith("<w:tbl"):
            if depth:
                return False  # nested tables: leave it to docxtpl
            depth, grid, widest, row_cells, row_span = 1, 0, 0, 0, 0
        elif token == "</w:tbl>":
            widest = max(widest, row_span)
            if row_cells > grid or widest < grid:
                return False
            depth = 0
        elif token.startswith("<w:tr"):
            widest = max(widest, row_span)
            if row_cells > grid:
                return False
            row_cells = row_span = 0
        elif token.startswith("<w:tc"):
            row_cells += 1
            row_span += 1
        elif token.startswith("<w:gridCol"):
            grid += 1
        elif m.group(1):
            row_span += int(m.group(1)) - 1
    return depth == 0


def compile_docx(template: Path, env: jinja2.Environment) -> CompiledDocx | None:
    """Read and compile ``template`` once; None when it needs plain docxtpl for every file."""
    try:
        return _compile(template, env)
    except Exception:  # an unreadable or unusual template: plain docxtpl handles (and reports) it
        return None


# Templates compiled in this process, by their bytes' fingerprint, newest last: a watcher or a
# command that generates packs more than once (a round, then its moderation packs) compiles each
# template once. A compiled template is never changed once made, only rendered.
_COMPILED: dict[str, tuple[jinja2.Environment, CompiledDocx]] = {}
_KEEP = 8


def compiled_template(
    template: Path, environment: Callable[[], jinja2.Environment]
) -> tuple[jinja2.Environment, CompiledDocx | None]:
    """``template`` compiled (see ``compile_docx``) with an ``environment()`` of its own, or as
    compiled before in this process when its bytes are the same; None as ``compile_docx``."""
    try:
        key = hashlib.sha256(template.read_bytes()).hexdigest()
    except OSError:
        env = environment()
        return env, compile_docx(template, env)  # unreadable: nothing to remember
    known = _COMPILED.pop(key, None)
    if known is None:
        env = environment()
        compiled = compile_docx(template, env)
        if compiled is None:
            return env, None
        known = (env, compiled)
    _COMPILED[key] = known
    while len(_COMPILED) > _KEEP:
        del _COMPILED[next(iter(_COMPILED))]
    return known


def _compile(template: Path, env: jinja2.Environment) -> CompiledDocx | None:
    helper = DocxTemplate(str(template))
    helper.render_init()
    members = read_members(template)
    doc = helper.docx
    package = doc.part.package
    for part in package.parts:
        kind = part.content_type
        if ("footnotes" in kind or "core-properties" in kind) and b"{" in part.blob:
            return None  # docxtpl renders these through other code paths: keep them exact
    body_name = str(doc.part.partname).lstrip("/")
    raw = members[body_name]
    found = _body_bounds(_inflate(raw))
    if found is None:
        return None
    head, tail = found
    body_src = _PARA.sub(r"\n<w:p\1", helper.patch_xml(helper.get_xml()))
    sources = [(body_name, body_src)]
    for rel in doc.part.rels.values():
        if rel.is_external or rel.reltype not in _HEADER_FOOTER:
            continue
        target = rel.target_part
        if not target.blob:
            continue
        src = helper.get_part_xml(target)
        if "{" not in src:
            continue  # nothing to render: copied as it is
        sources.append(
            (str(target.partname).lstrip("/"), _PARA.sub(r"\n<w:p\1", helper.patch_xml(src)))
        )
    # Parsed once: read by the analysis first, as Jinja's compiler then rewrites the trees.
    trees = parse_all((src for _, src in sources), env)
    usage = analyse(trees)
    parts = [_Part(body_name, env.from_string(trees[0]), head, tail, is_body=True)]
    parts += [
        _Part(name, env.from_string(tree))
        for (name, _), tree in zip(sources[1:], trees[1:], strict=True)
    ]
    return CompiledDocx(_with_custom_part(members), parts, helper, usage)


def _inflate(member: Member) -> str:
    return zlib.decompress(member.deflated, -15).decode("utf-8")


def _body_bounds(xml: str) -> tuple[str, str] | None:
    start = re.search(r"<w:body(?:\s[^>]*)?>", xml)
    end = xml.rfind("</w:body>")
    if start is None or end < start.end():
        return None
    return xml[: start.start()], xml[end + len("</w:body>") :]


def _with_custom_part(members: dict[str, Member]) -> dict[str, Member]:
    """Point the package at a custom-properties part of its own (a council's own one is replaced)."""
    rels = etree.fromstring(_inflate(members["_rels/.rels"]).encode("utf-8"))
    dropped = set()
    for rel in list(rels):
        if rel.get("Type") == RELATIONSHIP_TYPE.CUSTOM_PROPERTIES:
            dropped.add(str(rel.get("Target", "")).lstrip("/"))
            rels.remove(rel)
    used = {rel.get("Id") for rel in rels}
    r_id = next(f"rId{n}" for n in range(1, len(used) + 2) if f"rId{n}" not in used)
    etree.SubElement(
        rels,
        f"{{{_PKG_RELS}}}Relationship",
        Id=r_id,
        Type=RELATIONSHIP_TYPE.CUSTOM_PROPERTIES,
        Target=CUSTOM_PART,
    )
    types = etree.fromstring(_inflate(members["[Content_Types].xml"]).encode("utf-8"))
    for override in list(types):
        name = str(override.get("PartName", "")).lstrip("/")
        if name == CUSTOM_PART or name in dropped:
            types.remove(override)
    etree.SubElement(
        types, f"{{{_CT_NS}}}Override", PartName=f"/{CUSTOM_PART}", ContentType=CUSTOM_CONTENT_TYPE
    )
    kept = {n: m for n, m in members.items() if n not in dropped and n != CUSTOM_PART}
    for name, root in (("_rels/.rels", rels), ("[Content_Types].xml", types)):
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        kept[name] = Member.of(name, data)
    return kept
