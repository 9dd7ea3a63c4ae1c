"""Slot plans write every part byte for byte as the compiled render would, for any template.

Each audit below is written both ways (``SlotRenderer.render`` and ``CompiledDocx.render``) and
every member is inflated and compared. The values are chosen to break a plan that cut corners:
markup characters, quotes, non-ASCII, empty and very long text, text equal to what a template
compares against, text that completes docxtpl's patterns next to the template's own text.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from qaf_docs.frameworks import Framework, load_framework, preset_names
from qaf_docs.office.identity import custom_properties_xml
from qaf_docs.office.zip_members import Member
from qaf_docs.packs.audit_tool import AuditToolWriter, case_context, framework_context
from qaf_docs.packs.details import PackDetails
from qaf_docs.packs.fast_render import CompiledDocx, compile_docx
from qaf_docs.packs.form_parts import case_type_label
from qaf_docs.packs.slot_render import SlotRenderer
from qaf_docs.packs.templates import jinja_environment
from qaf_docs.records import ActionResult, AuditResult, CaseFact, DomainResult, Identity
from qaf_docs.workspace import AUDIT_TEMPLATE, init_workspace

PRESETS = preset_names()  # every preset that ships
FACTS = (
    CaseFact("last_visit", "Last visit", "2026-03-02"),
    CaseFact("date_of_last_supervision", "Last supervision", "2026-05-28"),
    CaseFact("legal_status", 'Legal status <s.31> & "ICO"', "Interim care order"),
)
# Text a plan must carry exactly (escaped as Jinja would).
AWKWARD = [
    "Team & Partners",
    '<Locality> "4"',
    "Jo O'Neil",
    "Zoë Ångström – ✓ 北京",
    "x" * 5000 + " end",
    "Child Protection",
    "CP",
    "{abc",
    "abc}",
    "_lead",
    "trail_",
    "%",
    "do",
    "cPr",
    "  spaced  ",
    "qAfSlOt0zA",
    "&amp; already",
    "]]>",
]
# Text docxtpl's post-processing treats specially: such audits are rendered the compiled way.
UNSAFE = ["tab\there", "two\nlines", "{_ brace", "brace _}", "docPr", " ", "carriage\rreturn"]


def _workspace(tmp_path: Path, preset: str) -> tuple[Path, Framework]:
    ws = init_workspace(tmp_path / preset, framework=preset, council_name="Testshire & Co")
    return ws.template(AUDIT_TEMPLATE), load_framework(preset, base=ws.root)


def _safe(text: str) -> bool:
    special = ("\t", "\n", "\r", "{_", "_}", "docPr")
    return not any(s in text for s in special) and (text == "" or text.strip() != "")


def _details(i: int, framework: Framework, **changes: Any) -> PackDetails:
    case_id = changes.pop("case_id", f"{100000 + i}")
    identity = Identity(
        "audit_tool", f"R-{i:04d}", case_id, "2026-06", framework.id,
        framework.version, "abc123", "2026-06-01T09:00:00+01:00", "ws-1",
    )  # fmt: skip
    values: dict[str, Any] = dict(
        identity=identity, team="Locality 1", worker="Pat Worker", case_type="CP",
        auditor="A. Auditor", issued_on=date(2026, 6, 1), due_on=date(2026, 7, 1),
        council_name="Testshire", child_name="Sam", case_facts=FACTS,
    )  # fmt: skip
    values.update(changes)
    return PackDetails(**values)


def _previous(text: str, actions: int = 2) -> AuditResult:
    on = date(2026, 3, 1)
    return AuditResult(
        "R-0001", "100200", "2026-03", "x", "Team", "Worker", "Auditor", "returned",
        on, on, on, on, "Good", None,
        domains=[DomainResult("Plan", "Good", text), DomainResult("Voice", None, "")],
        actions=[ActionResult(f"Do {n}: {text}", "Manager", on, "Not started", None)
                 for n in range(actions)],
    )  # fmt: skip


def _variants(framework: Framework) -> Iterator[tuple[PackDetails, AuditResult | None, bool]]:
    """Audits of many shapes and awkward texts, each with whether a plan may write it."""
    yield _details(1, framework), None, True
    n = 2
    for field in ("team", "worker", "auditor", "council_name", "child_name", "case_type"):
        for value in [*AWKWARD, "", *UNSAFE]:
            shown = case_type_label(value) if field == "case_type" else value  # "docPr": "DocPr"
            yield _details(n, framework, **{field: value}), None, _safe(shown)
            n += 1
    no_date = (CaseFact("legal_status", "Legal status", "Care order"),)
    for facts in ((), no_date, FACTS * 4, (CaseFact("x", "Fact & <b>", "2026-05-01"),)):
        yield _details(n, framework, case_facts=facts), None, True
        n += 1
    for text in ("Clear plan & review", "", "x" * 3000, "Zoë's <plan>", "tab\there"):
        yield _details(n, framework), _previous(text), _safe(text)
        n += 1
    yield _details(n, framework, child_name=None), _previous("ok", actions=0), True


def _inflated(members: list[Member] | None) -> list[tuple[str, int, int, bytes]] | None:
    if members is None:
        return None
    return [(m.name, m.crc, m.size, zlib.decompress(m.deflated, -15)) for m in members]


def _compare(
    compiled: CompiledDocx,
    slots: SlotRenderer,
    shared: dict[str, Any],
    case: dict[str, Any],
    props: bytes,
) -> bool:
    """Assert both ways give the same parts; return whether a plan wrote them."""
    before = slots.planned
    got = slots.render(shared, case, props)
    assert _inflated(got) == _inflated(compiled.render({**shared, **case}, props))
    return slots.planned > before


def _run_twice(
    template: Path, framework: Framework, audits: list[tuple[PackDetails, Any, bool]]
) -> tuple[SlotRenderer, list[bool]]:
    """Write every audit twice (a plan is made on a shape's second use); the second round's plans."""
    env = jinja_environment()
    compiled = compile_docx(template, env)
    assert compiled is not None
    slots = SlotRenderer(compiled, env)
    shared = framework_context(framework)
    planned: list[bool] = []
    for round_ in range(2):
        for details, previous, _ in audits:
            case = case_context(details, framework, 20, previous)
            props = custom_properties_xml(details.identity.as_properties())
            used = _compare(compiled, slots, shared, case, props)
            if round_:
                planned.append(used)
    return slots, planned


@pytest.mark.parametrize("preset", PRESETS)
def test_plans_match_the_compiled_render_for_every_preset(tmp_path: Path, preset: str) -> None:
    template, framework = _workspace(tmp_path, preset)
    audits = list(_variants(framework))
    slots, planned = _run_twice(template, framework, audits)
    assert planned == [safe for _, _, safe in audits], "safe text is planned, unsafe text is not"
    assert slots.built < len(audits) // 3, "plans are shared by audits of one shape"


# Edits a council might make in Word, and the case value each one makes structural.
EDITS = {
    "compare": ('{% if case_type == "Child Protection" %}CP{% else %}{{ case_type }}{% endif %}', "case_type"),
    "filter": ("Child: {{ child_name|upper }}", "child_name"),
    "concatenate": ('Ref {{ case_id ~ "x" }}', "case_id"),
    # Both stand-ins are shorter than 30 letters: only the shape check keeps this exact.
    "iterate a string": ("{% for c in team %}{% if loop.index == 30 %}long{% endif %}{% endfor %}", "team"),
    "set": ("{% set x = auditor %}Audited by {{ x }}", "auditor"),
}  # fmt: skip


def _edited(src: Path, dst: Path, *lines: str) -> Path:
    document = docx.Document(str(src))
    for line in lines:
        document.add_paragraph(line)
    document.save(str(dst))
    return dst


@pytest.mark.parametrize("edit", EDITS)
def test_plans_match_the_compiled_render_for_edited_templates(tmp_path: Path, edit: str) -> None:
    line, structural = EDITS[edit]
    template, framework = _workspace(tmp_path, "collaborative-audit")
    edited = _edited(template, tmp_path / "edited.docx", line, "Team {{ team }} / {{ worker }}")
    values = ["Child Protection", "CIN", "child protection", "Zoë & <Co>", "", "x" * 2000]
    audits = [(_details(1, framework), None, True)]
    for i, value in enumerate(values, start=2):
        audits.append((_details(i, framework, **{structural: value}), None, True))
        audits.append((_details(i + 100, framework, **{structural: value}), _previous("a"), True))
    slots, planned = _run_twice(edited, framework, audits)
    assert slots.built >= 2 and any(planned), "plans are made for each value of the edited key"
    compiled = compile_docx(edited, jinja_environment())
    assert compiled is not None
    keys = list(case_context(_details(1, framework), framework, 20))
    usage = compiled.usage.of(keys)
    if edit == "iterate a string":
        assert structural in usage.paths, "looping over a text is only seen in its shape"
    else:
        assert structural in usage.structural
    assert "worker" not in usage.structural


def test_a_plan_is_reused_and_unsafe_text_falls_back(tmp_path: Path) -> None:
    template, framework = _workspace(tmp_path, "collaborative-audit")
    out = tmp_path / "packs"
    writer = AuditToolWriter(template)
    assert writer.slots is not None
    for i in range(12):
        writer.write(
            _details(i, framework, team=f"Team {i} & <Co>"), framework, 20, out / f"{i}.docx"
        )
    assert (writer.slots.built, writer.slots.planned, writer.slots.rendered) == (1, 11, 1)
    writer.write(_details(99, framework, team="tab\there"), framework, 20, out / "tab.docx")
    assert (writer.slots.planned, writer.slots.rendered) == (11, 2)
    compiled = writer.compiled
    assert compiled is not None
    for i, name in ((5, "5.docx"), (99, "tab.docx")):
        team = "tab\there" if i == 99 else f"Team {i} & <Co>"
        details = _details(i, framework, team=team)
        case = case_context(details, framework, 20)
        with zipfile.ZipFile(out / name) as z:
            assert z.testzip() is None
            written = {n: z.read(n) for n in z.namelist()}
        want = compiled.render(
            {**framework_context(framework), **case},
            custom_properties_xml(details.identity.as_properties()),
        )
        assert want is not None
        for m in want:
            if m.name != "word/document.xml":  # bookmark ids in the body move on per audit
                assert written[m.name] == zlib.decompress(m.deflated, -15), m.name
        assert f"Team {i} &amp; &lt;Co&gt;".encode() in written["word/document.xml"] or i == 99


def test_text_that_completes_a_pattern_beside_the_template_falls_back(tmp_path: Path) -> None:
    """ "{_" before a value starting with "{" is docxtpl's escape for "{{"; "do" + "cPr" is a drawing."""
    template, framework = _workspace(tmp_path, "collaborative-audit")
    edited = _edited(template, tmp_path / "edited.docx", "{_{{ team }} and do{{ worker }}")
    audits = [
        (_details(1, framework), None, True),
        (_details(2, framework, team="{x"), None, False),
        (_details(3, framework, team="x}"), None, True),
        (_details(4, framework, worker="cPr"), None, False),
        (_details(5, framework, worker="cP"), None, True),
    ]
    _, planned = _run_twice(edited, framework, audits)
    assert planned == [safe for _, _, safe in audits]


def _png() -> bytes:
    """A 1×1 grey PNG: enough for python-docx to place a drawing."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


def test_a_value_inside_a_tag_is_never_planned(tmp_path: Path) -> None:
    """docPr ids are renumbered by a pattern that a value inside the tag could steer."""
    template, framework = _workspace(tmp_path, "collaborative-audit")
    document = docx.Document(str(template))
    document.add_paragraph().add_run().add_picture(io.BytesIO(_png()))
    drawing = document.element.body.findall(".//" + qn("wp:docPr"))[-1]
    drawing.set("name", "{{ team }}")
    drawing.set("id", drawing.attrib.pop("id"))  # after the name, as a council's tool might
    edited = tmp_path / "drawing.docx"
    document.save(str(edited))
    audits = [
        (_details(1, framework), None, False),
        (_details(2, framework, team="a id="), None, False),
        (_details(3, framework, team="Team 3"), None, False),
    ]
    slots, planned = _run_twice(edited, framework, audits)
    assert planned == [False, False, False] and slots.built == 0
