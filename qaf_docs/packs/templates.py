"""The council's templates: their fingerprint, the Jinja environment, errors that name the tag,
and the check that the audit tool still has every box its framework's forms need.

A broken tag, or a box deleted in Word, must stop ``qaf generate`` before any pack is written, with
a message a person can act on in Word: which tag or box, and where, never a Jinja traceback.
"""

from __future__ import annotations

import hashlib
import html
import re
import zipfile
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
    if isinstance(exc, jinja2.TemplateSyntaxError):
        what = _broken_tag(template, exc)
    else:
        quoted = re.findall(r"'([^']+)'", str(exc))
        units = _units(template) if quoted else []
        found = _unit_with(units, _tag_pattern(quoted[-1])) if quoted else None
        near = ""
        if found is not None:
            before, after = _around(units, found[0])
            near = f" It is in the text “{found[2][:120]}” (after “{before}”, before “{after}”)."
        if isinstance(exc, jinja2.UndefinedError) and quoted:
            # Jinja's own words ("'dict object' has no attribute …") are Python's: not said.
            what = f"a tag uses '{quoted[-1]}', which is not something qaf fills in.{near}"
        else:
            what = f"a tag cannot be filled in ({exc}).{near}"
    return TemplateError(
        f"Template {template.name} cannot be used: {what} "
        "Fix the tag in Word (see README: Templates) or restore the default with "
        "'qaf init --restore-templates'."
    )


_TAG = re.compile(r"{{.*?}}|{%.*?%}")


def _broken_tag(template: Path, exc: jinja2.TemplateSyntaxError) -> str:
    """Say which tag cannot be read, in its own paragraph or table row, and why in plain words."""
    message = exc.message or ""
    units = _units(template)
    unclosed = _unclosed_tag(units)
    if unclosed is not None:
        return unclosed
    if message.startswith("Unexpected end of template"):
        innermost = re.search(r"block that needs to be closed is '(\w+)'", message)
        opening = _unclosed_part(units, innermost.group(1) if innermost else "")
        if opening is not None:
            i, opened, end = opening
            return (
                f"the tag {opened} in {_where(units, i, opened)} opens a part that is never closed "
                f"(its closing tag, {end}, may have been deleted or never written)."
            )
        return (
            "a part that a tag such as {%p for … %} or {%p if … %} opens is never closed (its "
            "closing tag, such as {%p endfor %} or {%p endif %}, may have been deleted)."
        )
    # The line Jinja stopped on is one paragraph of the document, as docxtpl prepared it.
    lines = [_text_of(line) for line in (exc.source or "").splitlines()]
    line = lines[exc.lineno - 1] if 0 < exc.lineno <= len(lines) else ""
    tags = _TAG.findall(line)
    words = re.findall(r"'([^']+)'", message)
    mentioning = [t for t in tags if words and re.search(rf"\b{re.escape(words[-1])}\b", t)]
    tag = next(iter(mentioning or tags), None)
    why = _why(tag or "", message)
    if tag is None:
        return f"a tag is not one qaf can fill: {why}."
    # The same tag may be written many times ({%p endfor %}): this one is the nth in the text.
    earlier = "".join(lines[: exc.lineno - 1]) + line[: line.index(tag)]
    nth = len(re.findall(re.escape(tag), earlier))
    found = _unit_with(units, _written_as(tag), nth)
    if found is None:
        return f"the tag {tag} is not one qaf can fill: {why}."
    i, _, _, written = found
    return f"the tag {written} in {_where(units, i, written)} is not one qaf can fill: {why}."


def _where(units: list[tuple[str, str]], i: int, tag: str) -> str:
    """Unit ``i``, which holds ``tag``, as a person finds it in Word: its text, or what is around
    it when the tag is all it holds ({%p endfor %})."""
    kind, text = units[i]
    if text != tag:
        return f"the {kind} “{text[:160]}”"
    before, after = _around(units, i)
    return f"its own {kind} (after “{before}”, before “{after}”)"


def _unclosed_tag(units: list[tuple[str, str]]) -> str | None:
    """Name the first paragraph or table row that opens a tag with "{{" or "{%" and never closes
    it: Jinja reads on into the paragraphs after it, so its own error says nothing of where."""
    for kind, text in units:
        for opens, closes in (("{{", "}}"), ("{%", "%}")):
            if text.count(opens) > text.count(closes):
                return (
                    f"the {kind} “{text[:160]}” opens a tag with '{opens}' that is never closed "
                    f"with '{closes}'. Write the tag as {{{{ name }}}} or {{% … %}}, or take the "
                    "braces out if it is meant as text."
                )
    return None


_BLOCK = re.compile(r"{%-?(?:p|tr|tc|r)?\s*(\w+)")
_OPENS = ("for", "if", "with", "filter", "macro", "call", "block")


def _unclosed_part(units: list[tuple[str, str]], word: str) -> tuple[int, str, str] | None:
    """The opening tag (``word``: for, if …) left without its end tag, as (its unit's index, the
    tag as written, the end tag it lacks): the innermost of those still open at the end."""
    still_open: list[tuple[int, str, str]] = []
    for i, (_, text) in enumerate(units):
        for tag in _TAG.findall(text):
            found = _BLOCK.match(tag)
            name = found.group(1) if found else ""
            if found and name in _OPENS:
                still_open.append((i, tag, name))
            elif name.startswith("end"):
                match = [n for n, (_, _, w) in enumerate(still_open) if w == name[3:]]
                del still_open[match[-1] if match else len(still_open) :]
    for i, tag, name in reversed(still_open):
        if name == word or not word:
            opener = tag[: tag.index(name, 2)]  # {%p , {%tr , {% …
            return i, tag, f"{opener}end{name} %}}"
    return None


def _text_of(xml_line: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", xml_line))


def _why(tag: str, message: str) -> str:
    """What is wrong with ``tag``, without Jinja's words for it."""
    unknown = re.match(r"Encountered unknown tag '([^']+)'", message)
    inner = tag[2:-2].strip()
    if unknown and unknown.group(1).startswith("end"):
        return (
            f"it closes a part that no tag before it opens (the tag that opened it, such as "
            f"{{%p {unknown.group(1)[3:]} … %}}, may have been deleted)"
        )
    if unknown:
        return (
            f"'{unknown.group(1)}' is not an instruction qaf knows (such as for, if, endfor, "
            "endif); if it is meant as text, take out the braces and percent signs"
        )
    if tag.startswith("{{") and re.fullmatch(r"r?\s*[\w.]+(\s+[\w.]+)+", inner):
        return "a tag's name has no spaces (compare it with the same tag in the default template)"
    return (
        "it is not written as qaf's tags are, such as {{ case_id }} or {%p for d in domains %} "
        "(compare it with the same place in the default template)"
    )


def _units(template: Path) -> list[tuple[str, str]]:
    """The template's paragraphs and table rows in reading order, as (kind, text seen in Word)."""
    from docx import Document

    doc = Document(str(template))
    units: list[tuple[str, str]] = []
    for block in doc.element.body.iterchildren():
        is_table = block.tag == ff.qn_w("tbl")
        rows = block.iterchildren(ff.qn_w("tr")) if is_table else [block]
        for unit in rows:
            cells = list(unit.iterchildren(ff.qn_w("tc"))) or [unit]
            text = " | ".join("".join(t.text or "" for t in c.iter(ff.qn_w("t"))) for c in cells)
            units.append(("table row" if is_table else "paragraph", " ".join(text.split())))
    for section in doc.sections:
        for p in section.header.paragraphs + section.footer.paragraphs:
            units.append(("header or footer paragraph", p.text))
    return units


def _tag_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"{[{%][^}]*\b" + re.escape(name) + r"\b[^}]*[}%]}")


def _written_as(tag: str) -> re.Pattern[str]:
    """``tag`` as the council wrote it: docxtpl reads {%p … %} and {{r … }} without the letter."""
    inner = r"\s+".join(re.escape(w) for w in tag[2:-2].split())
    return re.compile(r"{" + re.escape(tag[1]) + r"(?:p|tr|tc|r)?\s*" + inner + r"\s*" + "[}%]}")


def _unit_with(
    units: list[tuple[str, str]], pattern: re.Pattern[str], nth: int = 0
) -> tuple[int, str, str, str] | None:
    """The unit holding the ``nth`` (0-based) match of ``pattern``: (its index, its kind, its
    text, the text matched), or None."""
    for i, (kind, text) in enumerate(units):
        for match in pattern.finditer(text):
            if nth == 0:
                return i, kind, text, match.group(0)
            nth -= 1
    return None


def _around(units: list[tuple[str, str]], i: int) -> tuple[str, str]:
    """The text of the units before and after unit ``i``, as a person finds it in Word."""
    before = next((u for _, u in reversed(units[:i]) if u.strip()), "")
    after = next((u for _, u in units[i + 1 :] if u.strip()), "")
    return before[:60], after[:60]


_LEFT_OVER = re.compile(r"\{\{|\}\}|\{%|%\}")
_P, _T = f"{{{ff.W_NS}}}p", f"{{{ff.W_NS}}}t"


def check_no_tag_left(template: Path, rendered: etree._Element) -> None:
    """Raise TemplateError when a paragraph of the filled tool still shows tag braces: a tag that
    lost a brace ("{{ case_id }") is not filled in, and would print as typed on every form."""
    for paragraph in rendered.iter(_P):
        text = "".join(t.text or "" for t in paragraph.iter(_T))
        found = _LEFT_OVER.search(text)
        if found:
            raise TemplateError(
                f"Template {template.name} cannot be used: the paragraph “{text.strip()[:120]}” "
                f"still shows '{found.group()}' once filled in, so a tag in it has lost a brace or "
                "a percent sign and would print as typed on every form. Write it as {{ name }} or "
                "{% … %}, or take the braces out if it is meant as text. Nothing was written."
            )


def check_boxes(template: Path, rendered: etree._Element, framework: Framework) -> None:
    """Raise TemplateError naming each box ``framework``'s forms need that ``rendered`` (the
    template rendered for one audit) lacks, in the words the form uses for it."""
    check_no_tag_left(template, rendered)
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
        "'qaf init --restore-templates' (it replaces all three templates, keeping a copy of "
        "each one you changed beside it). Nothing was written."
    )


def not_a_template(template: Path, kind: str) -> TemplateError:
    return TemplateError(
        f"Template {template.name} is not a readable {kind} file (it may have been saved in an "
        f"old format or be damaged). Open it in Word or Excel and use Save As > {kind}, or "
        "restore the default with 'qaf init --restore-templates'."
    )


def wrong_kind_of_file(template: Path, why: str) -> TemplateError:
    """A package python-docx will not open as a document, named as Word's Save As names it."""
    if "macroEnabled" in why:
        kind = "a macro-enabled document (.docm); qaf never copies macros into forms"
    elif "template.main" in why:
        kind = "a Word Template (.dotx) renamed .docx"
    elif "spreadsheetml" in why:
        kind = "an Excel workbook, not a Word document"
    else:
        kind = "not a Word document"
    return TemplateError(
        f"Template {template.name} is {kind}. Open it in Word, use File > Save As, choose 'Word "
        f"Document (.docx)' and save it as {template.name}, or restore the default with "
        "'qaf init --restore-templates'. Nothing was written."
    )


# Edits that render without a Jinja error and still spoil every form: a tag that lost its
# closing brace ("{{ case_id }") swallows the table rows up to the next "}}", an extra brace
# ("{{ case_id }}}") prints "100200}" so every returned form fails its identity check, and a form
# qaf made for one audit saved over the template prints that child's details on every form.
_QAF_BOX = re.compile(rb'<w:tag w:val="qaf_|<w:bookmarkStart [^>]*w:name="qaf_ref"')
_RESTORE = (
    "Fix it in Word (see README: Templates) or restore the default with "
    "'qaf init --restore-templates'. Nothing was written."
)


def check_template_text(template: Path) -> None:
    """Raise TemplateError for a template whose text would spoil every form rendered from it."""
    if _holds_a_form(template):
        raise TemplateError(
            f"Template {template.name} is an audit tool qaf made for one audit (it already holds "
            "that audit's boxes, reference and case details), not the template: every form made "
            "from it would show that case. Put the template back with 'qaf init "
            "--restore-templates', then copy your logo and wording into it. Nothing was written."
        )
    units = _units(template)
    unclosed = _unclosed_tag(units)
    if unclosed is not None:
        raise TemplateError(f"Template {template.name} cannot be used: {unclosed} {_RESTORE}")
    for kind, text in units:
        left = _TAG.sub("", text)
        stray = next((c for c in left if c in "{}"), None)
        if stray is not None:
            raise TemplateError(
                f"Template {template.name} cannot be used: the {kind} “{text[:160]}” has a "
                f"'{stray}' that is not part of a tag, so it would print on every form beside "
                "what qaf fills in (a case ID shown as 100200} no longer matches the form's "
                "hidden identity, and the form is refused). Take out the extra brace, or write "
                f"the tag as {{{{ name }}}}. {_RESTORE}"
            )


def _holds_a_form(template: Path) -> bool:
    """True when the template's body already holds qaf's boxes (a pack saved as the template)."""
    try:
        with zipfile.ZipFile(template) as z:
            return _QAF_BOX.search(z.read("word/document.xml")) is not None
    except (zipfile.BadZipFile, KeyError, OSError):
        return False  # not a readable .docx: rendering says so in its own words
