"""Read form fields back from a completed audit tool: by tag (Word), else by bookmark (LibreOffice).

A field that shows its placeholder reads as empty; date pickers give their stored date and check
boxes their state. Tables are read as text, row by row, so rows people add or delete are seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lxml import etree

from qaf_docs.office.content_controls import FIELD_PREFIX, PLACEHOLDERS, W14_NS, W_NS

_W = f"{{{W_NS}}}"
_W14 = f"{{{W14_NS}}}"


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
    marked = {
        el.get(f"{_W}name", "")
        for el in root.iter(f"{_W}bookmarkStart")
        if el.get(f"{_W}name", "").startswith(FIELD_PREFIX)
    }
    missing = marked - fields.keys()
    if not missing:
        return fields  # every bookmarked field was found by its tag (a file Word saved)
    for name, value in _fields_by_bookmark(root, missing).items():
        fields.setdefault(name, value)
    return fields


def _fields_by_bookmark(root: etree._Element, names: set[str]) -> dict[str, FieldValue]:
    """Read the fields ``names`` from the text between their bookmarks' start and end."""
    open_ranges: dict[str, tuple[str, list[etree._Element], etree._Element | None]] = {}
    collected: dict[str, list[tuple[list[etree._Element], etree._Element | None]]] = {}
    for el in root.iter():
        tag = el.tag
        if tag == f"{_W}bookmarkStart":
            name = el.get(f"{_W}name", "")
            if name in names:
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
