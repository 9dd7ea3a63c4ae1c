"""Read form fields back from a completed audit tool: by tag (Word), else by bookmark (LibreOffice).

A field that shows its placeholder reads as empty; date pickers give their stored date and check
boxes their state. Tables are read as text, row by row, so rows people add or delete are seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from lxml import etree

from qaf_docs.office.content_controls import FIELD_PREFIX, W14_NS, W_NS
from qaf_docs.office.shown_text import (
    FALLBACK,
    HIDDEN,
    RUN_TEXT,
    SHOWN,
    SKIPPED,
    P,
    T,
    beside_choice,
    clean,
    text_of,
    text_within,
)
from qaf_docs.office.symbols import symbol

_W = f"{{{W_NS}}}"
_W14 = f"{{{W14_NS}}}"


class FieldValue(NamedTuple):
    """What one form field holds: its text, and for date pickers / check boxes their stored value.

    A named tuple: a form holds a couple of hundred fields and this is made for each of them.
    """

    name: str
    text: str
    date_value: date | None = None
    checked: bool | None = None
    found_by: str = "tag"


# The text walk's tags, bound here: the table walk below compares them for every element it visits.
_T, _P, _FALLBACK, _SKIPPED, _HIDDEN, _SHOWN = T, P, FALLBACK, SKIPPED, HIDDEN, SHOWN
_RUN_TEXT = RUN_TEXT
_SDT, _SDT_PR, _SDT_CONTENT, _TAG = f"{_W}sdt", f"{_W}sdtPr", f"{_W}sdtContent", f"{_W}tag"
_BOOKMARK_START, _BOOKMARK_END = f"{_W}bookmarkStart", f"{_W}bookmarkEnd"
_VAL, _NAME, _ID = f"{_W}val", f"{_W}name", f"{_W}id"
_DATE, _FULL_DATE, _SHOWING_PLACEHOLDER = f"{_W}date", f"{_W}fullDate", f"{_W}showingPlcHdr"
_CHECKBOX, _CHECKED, _CHECKED_VAL = f"{_W14}checkbox", f"{_W14}checked", f"{_W14}val"
_TR, _TC, _TBL = f"{_W}tr", f"{_W}tc", f"{_W}tbl"
_TRUE = ("1", "true")


def _child(parent: etree._Element, tag: str) -> etree._Element | None:
    """The first child of ``parent`` with ``tag`` (a loop over a few children beats ``find``)."""
    for child in parent:
        if child.tag == tag:
            return child
    return None


def _parsed_date(full: str | None) -> date | None:
    """The date a date picker stored (``w:fullDate``), or None when there is none or it is bad."""
    if not full:
        return None
    try:
        return date.fromisoformat(full[:10])
    except ValueError:
        return None


def _date_of(pr: etree._Element | None) -> date | None:
    d = _child(pr, _DATE) if pr is not None else None
    return _parsed_date(d.get(_FULL_DATE) if d is not None else None)


def _checked_of(pr: etree._Element | None) -> bool | None:
    box = _child(pr, _CHECKBOX) if pr is not None else None
    if box is None:
        return None
    mark = _child(box, _CHECKED)
    return mark is not None and mark.get(_CHECKED_VAL) in _TRUE


@dataclass(frozen=True)
class FormScan:
    """What one walk of a form finds: its fields, and where each qaf bookmark starts."""

    fields: dict[str, FieldValue]
    bookmarks: dict[str, list[etree._Element]]
    tables: list[etree._Element] = field(default_factory=list)  # every table, in document order


# What one walk of a form visits: controls (a control starts: the one before is complete), the
# properties qaf reads from them, and bookmarks. The walk tells them apart by comparing tags, most
# frequent first (cheaper than looking each one up: the walk visits about 900 a form).
# A check box is known by its state (``w14:checked``, which Word and LibreOffice always write): the
# ``w14:checkbox`` around it is not visited, as two thirds of a form's controls are check boxes. One
# saved without its state shows its symbol, and is read by it.
_WALKED = (_SDT, _TAG, _BOOKMARK_START, _CHECKED, _DATE, _SHOWING_PLACEHOLDER, _TBL)
_SYMBOLS = ("☒", "☑", "☐")
_new_value = tuple.__new__  # a FieldValue made without keyword handling: there are hundreds a form


def _value(
    name: str, sdt: etree._Element, box: bool, checked: bool, showing: bool, full: str | None
) -> FieldValue:
    """The value of one control, from what the walk saw of its properties."""
    if box:  # a check box: its state is all it holds
        return _new_value(FieldValue, (name, "", None, checked, "tag"))
    return _control_value(name, sdt, showing, full)


def _control_value(name: str, sdt: etree._Element, showing: bool, full: str | None) -> FieldValue:
    """The value of a control that is not a check box (the walk makes check boxes' itself)."""
    if showing:  # the placeholder's words, not the auditor's: nothing was typed
        return _new_value(FieldValue, (name, "", _parsed_date(full), None, "tag"))
    content = sdt[-1] if len(sdt) else None  # the content comes last, after the properties
    if content is not None and content.tag != _SDT_CONTENT:
        content = _child(sdt, _SDT_CONTENT)
    raw = text_within(content) if content is not None else ""
    shown = raw.strip()
    if shown in _SYMBOLS:  # a check box another editor saved as a plain symbol
        return _new_value(FieldValue, (name, "", None, shown != "☐", "tag"))
    return _new_value(FieldValue, (name, clean(raw, showing), _parsed_date(full), None, "tag"))


def _only_value(el: etree._Element, key: str) -> str:
    """Attribute ``key`` of an element that has only that one (``w:tag``, ``w14:checked``):
    read as the element's only value, which costs half of looking the name up."""
    values = el.values()
    value: str = values[0] if len(values) == 1 else el.get(key, "")
    return value


def _rank(sdt: etree._Element, name: str) -> int:
    """How surely control ``sdt`` tagged ``name`` is the form's own field: 0 when its own bookmark
    wraps it (as qaf writes it; LibreOffice may move the start inside), 1 when no bookmark does,
    2 when it sits inside another qaf box (pasted there with text from another form)."""
    for above in sdt.iterancestors(_SDT):
        pr = _child(above, _SDT_PR)
        tag = _child(pr, _TAG) if pr is not None else None
        if tag is not None and tag.get(_VAL, "").startswith(FIELD_PREFIX):
            return 2
    before = sdt.getprevious()
    if before is not None and before.tag == _BOOKMARK_START and before.get(_NAME) == name:
        return 0
    for mark in sdt.iter(_BOOKMARK_START):
        if mark.get(_NAME) == name:
            return 0
    return 1


def scan_form(root: etree._Element) -> FormScan:
    """Find every qaf field in ``root`` in one walk: by tag, else between its bookmarks.

    Word keeps a control's tag; LibreOffice drops it but keeps the bookmark around the control.
    Only the fields no tag names are read by bookmark, each from its own bookmarked range, so a
    form saved by Word costs one walk over the controls and bookmarks and nothing more.

    The walk visits only the elements qaf reads, in document order: a control's start, then its
    properties (tag, check box, date, placeholder flag). A control is read when the next one
    starts (or the walk ends), so a control nested in another's content is read after its parent,
    and the parent's text includes it, as Word shows it.

    A name may be on several controls when a box's text was pasted from another form with its
    boxes (Word keeps the pasted controls' tags, and drops the pasted bookmarks, as the names are
    taken). The form's own control is the one not inside another qaf box, then the one its own
    bookmark wraps: a grade pasted inside a rationale is part of that rationale, never the grade.
    """
    fields: dict[str, FieldValue] = {}
    ranks: dict[str, int] = {}  # how surely each field read is the form's own: 0 is sure
    owners: dict[str, etree._Element] = {}  # the control each field was read from
    bookmarks: dict[str, list[etree._Element]] = {}
    sdt: etree._Element | None = None
    name = ""
    box = showing = checked = False
    full_date: str | None = None
    prefix = FIELD_PREFIX
    new_value = _new_value

    tables: list[etree._Element] = []

    def keep() -> None:
        # Which of two controls of one name is the form's own is asked only when a second one is
        # found (a box pasted from another form): a form as qaf wrote it has one of each.
        assert sdt is not None
        if name not in ranks:
            ranks[name] = _rank(owners[name], name)
        rank = _rank(sdt, name)
        if rank < ranks[name]:
            fields[name] = _value(name, sdt, box, checked, showing, full_date)
            owners[name], ranks[name] = sdt, rank

    for el in root.iter(*_WALKED):
        tag = el.tag
        if tag == _SDT:
            if sdt is not None and name.startswith(prefix):
                if name not in fields:
                    fields[name] = (
                        new_value(FieldValue, (name, "", None, checked, "tag"))
                        if box  # a check box: its state is all it holds
                        else _control_value(name, sdt, showing, full_date)
                    )
                    owners[name] = sdt
                elif ranks.get(name) != 0:
                    keep()
            sdt, name, box, showing, checked, full_date = el, "", False, False, False, None
        elif tag == _TAG:
            if not name:
                name = _only_value(el, _VAL)
        elif tag == _BOOKMARK_START:
            for mark in el.values():  # only its name can start "qaf_" (the rest are numbers)
                if mark.startswith(prefix):
                    if mark in bookmarks:
                        bookmarks[mark].append(el)
                    else:
                        bookmarks[mark] = [el]
                    break
        elif tag == _CHECKED:
            box = True
            checked = checked or _only_value(el, _CHECKED_VAL) in _TRUE
        elif tag == _DATE:
            full_date = full_date or el.get(_FULL_DATE)
        elif tag == _TBL:
            tables.append(el)
        else:
            showing = True
    if sdt is not None and name.startswith(prefix):
        if name not in fields:
            fields[name] = _value(name, sdt, box, checked, showing, full_date)
        elif ranks.get(name) != 0:
            keep()
    for mark, starts in bookmarks.items():
        if mark not in fields:
            value = _field_by_bookmark(mark, starts)
            if value is not None:
                fields[mark] = value
    return FormScan(fields, bookmarks, tables)


def read_fields(root: etree._Element) -> dict[str, FieldValue]:
    """Return every qaf field in the document ``root``, found by tag, else by bookmark."""
    return scan_form(root).fields


def _bookmarked_range(start: etree._Element) -> list[etree._Element] | None:
    """Elements between a bookmark's start and its end in document order (None if it never ends).

    Only the smallest part of the document holding both ends is walked.
    """
    key = start.get(_ID, "")
    holder = start.getparent()
    while holder is not None:
        inside: list[etree._Element] | None = None
        for el in holder.iter():
            if inside is None:
                if el is start:
                    inside = []
            elif el.tag == _BOOKMARK_END and el.get(_ID, "") == key:
                return inside
            else:
                inside.append(el)
        holder = holder.getparent()
    return None


def _run_on(start: etree._Element, stop: etree._Element | None) -> list[etree._Element]:
    """Elements after a bookmark start that never ends, up to ``stop`` (the name's next start)
    or the end of the table cell (else the paragraph) holding it, whichever comes first."""
    holder = next(start.iterancestors(_TC), None)
    if holder is None:
        holder = next(start.iterancestors(_P), start.getparent())
    # The start's own paragraph first: every paragraph after it begins a new line.
    out: list[etree._Element] = [p for p in [next(start.iterancestors(_P), None)] if p is not None]
    inside = False
    for el in holder.iter() if holder is not None else ():
        if el is start:
            inside = True
        elif el is stop:
            break
        elif inside:
            out.append(el)
    return out


def _field_by_bookmark(name: str, starts: list[etree._Element]) -> FieldValue | None:
    """Read field ``name`` from the text between its bookmarks' starts and ends."""
    texts: list[str] = []
    when: date | None = None
    checked: bool | None = None
    found = False
    for k, start in enumerate(starts):
        elements = _bookmarked_range(start)
        if elements is None:
            # LibreOffice, splitting a box at a paragraph break, may leave the first bookmark
            # without its end and start the name again further on: the text runs on to there.
            elements = _run_on(start, starts[k + 1] if k + 1 < len(starts) else None)
        found = True
        prs = [e for e in elements if e.tag == _SDT_PR]
        # LibreOffice may move the start inside the control: its properties then sit above.
        enclosing = next(start.iterancestors(_SDT), None)
        if enclosing is not None:
            prs.insert(0, _child(enclosing, _SDT_PR))
        for pr in prs:
            when = when or _date_of(pr)
            checked = checked if checked is not None else _checked_of(pr)
        texts.append(text_of(elements))
    if not found:
        return None
    raw = "\n".join(t.strip("\n") for t in texts if t.strip())
    if checked is None and raw.strip() in ("☒", "☑", "☐"):
        checked = raw.strip() != "☐"
    return FieldValue(
        name=name,
        text="" if checked is not None else clean(raw, False),
        date_value=when,
        checked=checked,
        found_by="bookmark",
    )


def header_row(table: etree._Element, width: int | None = None) -> list[str]:
    """The visible text of each cell of ``table``'s first row (its header), or [] for none or,
    given ``width``, for a first row of another number of cells (its text is then not read)."""
    for tr in table:
        if tr.tag == _TR:
            cells = [tc for tc in tr if tc.tag == _TC]
            if width is not None and len(cells) != width:
                return []
            return [clean(text_within(tc), False) for tc in cells]
    return []


def table_rows(table: etree._Element) -> list[list[str]]:
    """Return the visible text of every cell of ``table``, row by row (placeholders read as empty)."""
    rows: list[list[str]] = []
    for tr in table:
        if tr.tag == _TR:
            rows.append([clean(text_within(tc), False) for tc in tr if tc.tag == _TC])
    return rows


_CELL_WALK = (_TR, _TC, *_RUN_TEXT, _P, _DATE, *_SKIPPED)


def table_cells(table: etree._Element) -> tuple[list[list[str]], list[list[date | None]]]:
    """Return ``table_rows`` and each cell's first picked date, in one walk of the table.

    A cell's text includes any table nested in it. Rows that are not the table's own (a row
    wrapped in a content control) are skipped, as ``table_rows`` skips them.
    """
    rows: list[list[str]] = []
    dates: list[list[date | None]] = []
    row: etree._Element | None = None
    cell: etree._Element | None = None  # the table's own cell being read, None between cells
    texts: list[str] = []  # the cells of the row being read
    found: list[date | None] = []
    out: list[str] = []
    when: date | None = None
    struck: set[etree._Element] = set()
    for el in table.iter(*_CELL_WALK):
        tag = el.tag
        if tag in (_TR, _TC):
            parent = el.getparent()
            own_row = tag == _TR and parent is table
            own_cell = tag == _TC and parent is row
            if cell is not None and (own_row or own_cell or not inside(el, cell)):
                texts.append(clean("".join(out), False))  # the cell ends here
                found.append(when)
                cell = None
            if own_row:
                row, texts, found = el, [], []
                rows.append(texts)
                dates.append(found)
            elif own_cell:
                cell, out, when = el, [], None
        elif cell is None:
            continue
        elif tag == _T:
            if el not in struck:
                out.append(el.text or "")
        elif tag == _P:
            if out and el not in struck:
                out.append("\n")
        elif tag == _DATE:
            when = when or _parsed_date(el.get(_FULL_DATE))
        elif tag in _SKIPPED:
            if tag != _FALLBACK or beside_choice(el):
                struck.update(el.iter(_HIDDEN))
        elif el not in struck:
            out.append(_SHOWN.get(tag) or symbol(el))
    if cell is not None:
        texts.append(clean("".join(out), False))
        found.append(when)
    return rows, dates


def inside(element: etree._Element, holder: etree._Element) -> bool:
    """True when ``element`` is somewhere within ``holder``."""
    return any(above is holder for above in element.iterancestors())


TABLE = f"{_W}tbl"


def tables(root: etree._Element) -> list[etree._Element]:
    """Return every table in the document body, nested ones included, in document order."""
    return list(root.iter(TABLE))
