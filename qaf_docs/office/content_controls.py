"""Word form fields (content controls): how they are spelled in WordprocessingML, written and read.

This is the only module that knows the XML of ``w:sdt``. Every field qaf writes is an inline content
control whose ``w:tag`` is the field's name, wrapped in a bookmark of the same name:

    <w:bookmarkStart w:name="qaf_grade_assessment"/> <w:sdt> … </w:sdt> <w:bookmarkEnd/>

Why both: Word keeps the tag; LibreOffice 7.4 drops ``w:tag``/``w:alias``/``w:showingPlcHdr`` when it
re-saves a file but keeps bookmarks (sometimes moving the start inside the control). So the reader finds a
field by its tag first and by its bookmark second, and recognises the placeholder text it wrote as empty.
Free text uses rich-text controls: LibreOffice keeps their line breaks, it loses them in plain-text ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import count
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

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


# ---------------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class FieldValue:
    """What one form field holds: its text, and for date pickers / check boxes their stored value."""

    name: str
    text: str
    date_value: date | None = None
    checked: bool | None = None
    found_by: str = "tag"


def _clean(text: str, showing_placeholder: bool) -> str:
    text = text.replace("\u00a0", " ").strip()
    if showing_placeholder or text.lower() in PLACEHOLDERS:
        return ""
    return text


def _text_of(elements: Iterable[etree._Element]) -> str:
    """Visible text of ``elements`` in order: runs, tabs and breaks; deleted (tracked) text skipped."""
    out: list[str] = []
    paragraphs_seen = 0
    for el in elements:
        tag = el.tag
        if tag == f"{_W}t":
            out.append(el.text or "")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag == f"{_W}p":
            if paragraphs_seen:
                out.append("\n")
            paragraphs_seen += 1
    return "".join(out)


def _date_of(pr: etree._Element | None) -> date | None:
    if pr is None:
        return None
    d = pr.find(f"{_W}date")
    if d is None:
        return None
    full = d.get(f"{_W}fullDate")
    if not full:
        return None
    try:
        return date.fromisoformat(full[:10])
    except ValueError:
        return None


def _checked_of(pr: etree._Element | None) -> bool | None:
    if pr is None:
        return None
    box = pr.find(f"{_W14}checkbox")
    if box is None:
        return None
    mark = box.find(f"{_W14}checked")
    return mark is not None and mark.get(f"{_W14}val") in ("1", "true")


def _from_sdt(name: str, sdt: etree._Element, found_by: str) -> FieldValue:
    pr = sdt.find(f"{_W}sdtPr")
    content = sdt.find(f"{_W}sdtContent")
    raw = _text_of(content.iter()) if content is not None else ""
    showing = pr is not None and pr.find(f"{_W}showingPlcHdr") is not None
    checked = _checked_of(pr)
    if checked is None and raw.strip() in ("☒", "☑", "☐"):
        checked = raw.strip() != "☐"
    return FieldValue(
        name=name,
        text="" if checked is not None else _clean(raw, showing),
        date_value=_date_of(pr),
        checked=checked,
        found_by=found_by,
    )


def read_fields(root: etree._Element) -> dict[str, FieldValue]:
    """Return every qaf field in the document ``root``, found by tag, else by bookmark."""
    fields: dict[str, FieldValue] = {}
    for sdt in root.iter(f"{_W}sdt"):
        tag = sdt.find(f"{_W}sdtPr/{_W}tag")
        name = tag.get(f"{_W}val", "") if tag is not None else ""
        if name.startswith(FIELD_PREFIX) and name not in fields:
            fields[name] = _from_sdt(name, sdt, "tag")
    for name, value in _fields_by_bookmark(root).items():
        fields.setdefault(name, value)
    return fields


def _fields_by_bookmark(root: etree._Element) -> dict[str, FieldValue]:
    """Read fields from the text between each ``qaf_`` bookmark's start and end."""
    open_ranges: dict[str, tuple[str, list[etree._Element], etree._Element | None]] = {}
    collected: dict[str, list[tuple[list[etree._Element], etree._Element | None]]] = {}
    for el in root.iter():
        tag = el.tag
        if tag == f"{_W}bookmarkStart":
            name = el.get(f"{_W}name", "")
            if name.startswith(FIELD_PREFIX):
                # LibreOffice may move the start inside the control: its properties then sit above.
                enclosing = next(
                    (a for a in el.iterancestors(f"{_W}sdt")),
                    None,
                )
                open_ranges[el.get(f"{_W}id", "")] = (name, [], enclosing)
        elif tag == f"{_W}bookmarkEnd":
            key = el.get(f"{_W}id", "")
            if key in open_ranges:
                name, elements, enclosing = open_ranges.pop(key)
                collected.setdefault(name, []).append((elements, enclosing))
        elif open_ranges:
            for _, elements, _ in open_ranges.values():
                elements.append(el)
    result: dict[str, FieldValue] = {}
    for name, ranges in collected.items():
        texts: list[str] = []
        when: date | None = None
        checked: bool | None = None
        for elements, enclosing in ranges:
            prs = [e for e in elements if e.tag == f"{_W}sdtPr"]
            if enclosing is not None:
                prs.insert(0, enclosing.find(f"{_W}sdtPr"))
            for pr in prs:
                when = when or _date_of(pr)
                checked = checked if checked is not None else _checked_of(pr)
            texts.append(_text_of(elements))
        raw = "\n".join(t for t in texts if t.strip())
        if checked is None and raw.strip() in ("☒", "☑", "☐"):
            checked = raw.strip() != "☐"
        result[name] = FieldValue(
            name=name,
            text="" if checked is not None else _clean(raw, False),
            date_value=when,
            checked=checked,
            found_by="bookmark",
        )
    return result


def table_rows(table: etree._Element) -> list[list[str]]:
    """Return the visible text of every cell of ``table``, row by row (placeholders read as empty)."""
    rows: list[list[str]] = []
    for tr in table.iterfind(f"{_W}tr"):
        cells = []
        for tc in tr.iterfind(f"{_W}tc"):
            cells.append(_clean(_text_of(tc.iter()), False))
        rows.append(cells)
    return rows


def cell_dates(table: etree._Element) -> list[list[date | None]]:
    """Return, per row and cell, the date stored by a date picker in that cell (None if none)."""
    out: list[list[date | None]] = []
    for tr in table.iterfind(f"{_W}tr"):
        row: list[date | None] = []
        for tc in tr.iterfind(f"{_W}tc"):
            found = None
            for pr in tc.iter(f"{_W}sdtPr"):
                found = found or _date_of(pr)
            row.append(found)
        out.append(row)
    return out


def tables(root: etree._Element) -> list[etree._Element]:
    """Return every table in the document body, nested ones included, in document order."""
    return list(root.iter(f"{_W}tbl"))


def bookmark_names(element: etree._Element) -> set[str]:
    """Return the names of the bookmarks that start inside ``element``."""
    return {b.get(f"{_W}name", "") for b in element.iter(f"{_W}bookmarkStart")}
