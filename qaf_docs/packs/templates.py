"""The council's templates: their fingerprint, the Jinja environment, errors that name the tag,
and the check that the audit tool still has every box its framework's forms need.

A broken tag, or a box deleted in Word, must stop ``qaf generate`` before any pack is written, with
a message a person can act on in Word: which tag or box, and where, never a Jinja traceback.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import jinja2
from lxml import etree

from qaf_docs.errors import TemplateError
from qaf_docs.frameworks import Framework
from qaf_docs.office import content_controls as ff
from qaf_docs.office.field_names import needed_boxes
from qaf_docs.office.form_fields import scan_form
from qaf_docs.workspace import AUDIT_TEMPLATE, bundled_templates


def template_version(*paths: Path) -> str:
    """Return a short fingerprint of the template files, recorded in every file made from them."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def jinja_environment() -> jinja2.Environment:
    # StrictUndefined: a misspelt tag must fail loudly, not print an empty box on 200 audit tools.
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def template_problem(template: Path, exc: jinja2.TemplateError) -> TemplateError:
    """Turn a Jinja error into a message naming the tag and where it sits in the template."""
    near = ""
    quoted = re.findall(r"'([^']+)'", str(exc))
    context = getattr(exc, "docx_context", None)
    if context:
        text = " ".join(" ".join(line.split()) for line in context if line.strip())
        near = f" Near: “{text[:160]}”."
    elif quoted:
        found = _tag_mentioning(template, quoted[-1])
        near = f" It is in the text “{found}”." if found else ""
    tag = f" The tag uses '{quoted[-1]}'." if quoted else ""
    if isinstance(exc, jinja2.UndefinedError):
        what = f"a tag refers to something qaf does not provide ({exc.message})."
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        what = f"a tag is malformed ({exc.message})."
    else:
        what = f"{exc}."
    return TemplateError(
        f"Template {template.name} cannot be used: {what}{tag}{near} "
        "Fix the tag in Word (see README: Templates) or restore the default with "
        "'qaf init --restore-templates'."
    )


def _tag_mentioning(template: Path, name: str) -> str | None:
    """Return where a tag using ``name`` sits, as the text around it a person sees in Word."""
    from docx import Document

    doc = Document(str(template))
    units: list[str] = []  # paragraphs and table rows, in reading order
    for block in doc.element.body.iterchildren():
        rows = block.iterchildren(ff.qn_w("tr")) if block.tag == ff.qn_w("tbl") else [block]
        for unit in rows:
            cells = list(unit.iterchildren(ff.qn_w("tc"))) or [unit]
            text = " | ".join("".join(t.text or "" for t in c.iter(ff.qn_w("t"))) for c in cells)
            units.append(" ".join(text.split()))
    for section in doc.sections:
        units += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    pattern = re.compile(r"{[{%][^}]*\b" + re.escape(name) + r"\b[^}]*[}%]}")
    for i, unit in enumerate(units):
        if pattern.search(unit):
            before = next((u for u in reversed(units[:i]) if u.strip()), "")
            after = next((u for u in units[i + 1 :] if u.strip()), "")
            return f"{unit[:120]}” (after “{before[:60]}”, before “{after[:60]}"
    return None


def check_boxes(template: Path, rendered: etree._Element, framework: Framework) -> None:
    """Raise TemplateError naming each box ``framework``'s forms need that ``rendered`` (the
    template rendered for one audit) lacks, in the words the form uses for it."""
    scan = scan_form(rendered)
    present = scan.fields.keys() | scan.bookmarks.keys()
    needed = needed_boxes(framework)
    missing = [b.label for b in needed if not present.intersection(b.names)]
    if not missing:
        return
    if len(missing) == len(needed):
        what = (
            "it has none of the boxes qaf fills in and reads back (no qaf tags at all: was an "
            "older form pasted in?)"
        )
    else:
        listed = [f"'{label}'" for label in missing]
        shown = ", ".join(listed[:-1]) + " or " + listed[-1] if len(listed) > 1 else listed[0]
        what = f"the template has no box for {shown}"
    default = bundled_templates() / AUDIT_TEMPLATE
    raise TemplateError(
        f"Template {template.name} cannot be used with the framework '{framework.name}': {what}, so "
        "a form made from it has nowhere for those answers and qaf could not read them back. "
        f"Restore {'it' if len(missing) == 1 else 'them'} from the bundled template: copy the "
        f"missing parts from {default} into yours in Word, or put the default back with "
        "'qaf init --restore-templates' (it replaces all three templates). Nothing was written."
    )


def not_a_template(template: Path, kind: str) -> TemplateError:
    return TemplateError(
        f"Template {template.name} is not a readable {kind} file (it may have been saved in an "
        f"old format or be damaged). Open it in Word or Excel and use Save As > {kind}, or "
        "restore the default with 'qaf init --restore-templates'."
    )
