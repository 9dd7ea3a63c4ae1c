"""Word form fields (content controls): how qaf spells them in WordprocessingML when it writes them.

``office/`` is the only package that spells ``w:sdt``: this module writes controls,
``form_fields`` reads them back and ``form_editing`` changes their values as Word does. Every field qaf writes is an inline content
control whose ``w:tag`` is the field's name, wrapped in a bookmark of the same name:

    <w:bookmarkStart w:name="qaf_grade_assessment"/> <w:sdt> … </w:sdt> <w:bookmarkEnd/>

Why both: Word keeps the tag; LibreOffice 7.4 drops ``w:tag``/``w:alias``/``w:showingPlcHdr`` when it
re-saves a file but keeps bookmarks (sometimes moving the start inside the control). So the reader finds a
field by its tag first and by its bookmark second, and recognises the placeholder text it wrote as empty.
Free text uses rich-text controls: LibreOffice keeps their line breaks, it loses them in plain-text ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import count
from xml.sax.saxutils import escape, quoteattr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
_W = f"{{{W_NS}}}"
_W14 = f"{{{W14_NS}}}"

FIELD_PREFIX = "qaf_"

PLACEHOLDER_TEXT = "Type here."
PLACEHOLDER_CHOICE = "Choose a grade."
PLACEHOLDER_DATE = "Pick a date."
# Word's own placeholders, for controls a council adds to its template by hand.
_WORD_PLACEHOLDERS = {
    "click or tap here to enter text.",
    "click here to enter text.",
    "choose an item.",
    "click or tap to enter a date.",
    "click here to enter a date.",
}
PLACEHOLDERS = frozenset(
    {PLACEHOLDER_TEXT.lower(), PLACEHOLDER_CHOICE.lower(), PLACEHOLDER_DATE.lower()}
    | _WORD_PLACEHOLDERS
)

_ids = count(7_000_000)


def qn_w(local: str) -> str:
    """Return the Clark name of a WordprocessingML element, e.g. ``qn_w("tbl")``."""
    return f"{_W}{local}"


def _next_id() -> int:
    return next(_ids)


class Control:
    """A content control ready to drop into a docxtpl template with ``{{r …}}``.

    ``__html__`` marks the XML as safe for Jinja's autoescape: the XML is built here with every piece
    of user text escaped, so the control itself must not be escaped again.
    """

    def __init__(self, xml: str) -> None:
        self.xml = xml

    def __html__(self) -> str:
        return self.xml

    def __str__(self) -> str:
        return self.xml


def _run(text: str, *, placeholder: bool) -> str:
    rpr = '<w:rPr><w:color w:val="767171"/></w:rPr>' if placeholder else ""
    parts = text.split("\n")
    runs = []
    for i, part in enumerate(parts):
        br = "<w:br/>" if i else ""
        runs.append(f'<w:r>{rpr}{br}<w:t xml:space="preserve">{escape(part)}</w:t></w:r>')
    return "".join(runs)


def _wrap(name: str, label: str, type_xml: str, content: str, *, placeholder: bool) -> Control:
    if not name.startswith(FIELD_PREFIX) or len(name) > 40:
        raise ValueError(
            f"field name {name!r} must start with {FIELD_PREFIX!r} and fit 40 characters"
        )
    bm = _next_id()
    plc = "<w:showingPlcHdr/>" if placeholder else ""
    xml = (
        f'<w:bookmarkStart w:id="{bm}" w:name={quoteattr(name)}/>'
        f"<w:sdt><w:sdtPr><w:alias w:val={quoteattr(label)}/><w:tag w:val={quoteattr(name)}/>"
        f'<w:id w:val="{_next_id()}"/>{plc}{type_xml}</w:sdtPr>'
        f"<w:sdtContent>{content}</w:sdtContent></w:sdt>"
        f'<w:bookmarkEnd w:id="{bm}"/>'
    )
    return Control(xml)


def text_control(name: str, label: str, value: str = "") -> Control:
    """Return a rich-text control; ``value`` pre-fills it, otherwise it shows a placeholder."""
    shown = value or PLACEHOLDER_TEXT
    return _wrap(name, label, "", _run(shown, placeholder=not value), placeholder=not value)


def dropdown_control(name: str, label: str, choices: Sequence[str], value: str = "") -> Control:
    """Return a drop-down list control offering ``choices``."""
    items = f'<w:listItem w:displayText="{PLACEHOLDER_CHOICE}" w:value=""/>' + "".join(
        f"<w:listItem w:displayText={quoteattr(c)} w:value={quoteattr(c)}/>" for c in choices
    )
    shown = value or PLACEHOLDER_CHOICE
    return _wrap(
        name,
        label,
        f"<w:dropDownList>{items}</w:dropDownList>",
        _run(shown, placeholder=not value),
        placeholder=not value,
    )


def date_control(name: str, label: str, value: date | None = None) -> Control:
    """Return a date-picker control showing dates as dd/mm/yyyy (UK)."""
    full = f' w:fullDate="{value.isoformat()}T00:00:00Z"' if value else ""
    type_xml = (
        f'<w:date{full}><w:dateFormat w:val="dd/MM/yyyy"/><w:lid w:val="en-GB"/>'
        '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>'
    )
    shown = value.strftime("%d/%m/%Y") if value else PLACEHOLDER_DATE
    return _wrap(
        name, label, type_xml, _run(shown, placeholder=value is None), placeholder=not value
    )


def checkbox_control(name: str, label: str, checked: bool = False) -> Control:
    """Return a check-box control (Word 2010 and later)."""
    type_xml = (
        f'<w14:checkbox xmlns:w14="{W14_NS}"><w14:checked w14:val="{int(checked)}"/>'
        '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
        '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox>'
    )
    return _wrap(
        name, label, type_xml, _run("☒" if checked else "☐", placeholder=False), placeholder=False
    )


def bookmarked_text(name: str, text: str) -> str:
    """Return ``text`` as a plain run inside a bookmark called ``name`` (read back, not edited)."""
    bm = _next_id()
    return (
        f'<w:bookmarkStart w:id="{bm}" w:name={quoteattr(name)}/>'
        f"{_run(text, placeholder=False) if text else ''}"
        f'<w:bookmarkEnd w:id="{bm}"/>'
    )
