"""Change a form's fields the way Word does when a person uses them.

Typing replaces a control's content with runs (line breaks as ``w:br``) and clears its placeholder
flag; picking a date sets ``w:fullDate`` and shows the date; ticking a check box sets ``w14:checked``.
Adding a table row copies the last row, as Word's "Insert row below" does. Used to fill forms for
the demo and the tests, never on a form someone returned.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from lxml import etree

from qaf_docs.office.content_controls import W14_NS, W_NS

_W = f"{{{W_NS}}}"
_W14 = f"{{{W14_NS}}}"


def find_control(root: etree._Element, name: str) -> etree._Element:
    """Return the content control tagged ``name``; KeyError when the form has none."""
    for sdt in root.iter(f"{_W}sdt"):
        tag = sdt.find(f"{_W}sdtPr/{_W}tag")
        if tag is not None and tag.get(f"{_W}val") == name:
            return sdt
    raise KeyError(f"no field {name!r}")


def type_text(sdt: etree._Element, text: str) -> None:
    """Type ``text`` into a control (over a date picker: typed text, not a picked date)."""
    for picker in sdt.iter(f"{_W}date"):
        picker.attrib.pop(f"{_W}fullDate", None)
    _set_content(sdt, text)


def pick_date(sdt: etree._Element, value: date) -> None:
    """Pick ``value`` in a date picker control."""
    picker = sdt.find(f"{_W}sdtPr/{_W}date")
    if picker is None:
        raise KeyError("the field is not a date picker")
    picker.set(f"{_W}fullDate", f"{value.isoformat()}T00:00:00Z")
    _set_content(sdt, value.strftime("%d/%m/%Y"))


def tick(sdt: etree._Element, checked: bool) -> None:
    """Tick or untick a check box control."""
    mark = sdt.find(f"{_W}sdtPr/{_W14}checkbox/{_W14}checked")
    if mark is None:
        raise KeyError("the field is not a check box")
    mark.set(f"{_W14}val", "1" if checked else "0")
    _set_content(sdt, "☒" if checked else "☐")


def table_with_bookmark(root: etree._Element, bookmark: str) -> etree._Element:
    """Return the table holding the bookmark called ``bookmark``."""
    for tbl in root.iter(f"{_W}tbl"):
        for bm in tbl.iter(f"{_W}bookmarkStart"):
            if bm.get(f"{_W}name") == bookmark:
                return tbl
    raise KeyError(f"no table holds bookmark {bookmark!r}")


def add_row_below(table: etree._Element, values: Sequence[str]) -> None:
    """Copy the table's last row below it and type ``values`` into its cells, left to right."""
    last = table.findall(f"{_W}tr")[-1]
    row = copy.deepcopy(last)
    last.addnext(row)
    for cell, value in zip(row.findall(f"{_W}tc"), values, strict=False):
        sdts = list(cell.iter(f"{_W}sdt"))
        if sdts:
            type_text(sdts[0], value)
            continue
        for t in cell.iter(f"{_W}t"):
            t.text = ""
        first_t = next(cell.iter(f"{_W}t"), None)
        if first_t is not None:
            first_t.text = value


def delete_row(table: etree._Element, index: int) -> None:
    """Delete the ``index``-th row of ``table`` (0 is the header)."""
    table.remove(table.findall(f"{_W}tr")[index])


def row_count(table: etree._Element) -> int:
    """Return how many rows ``table`` has, header included."""
    return len(table.findall(f"{_W}tr"))


def _set_content(sdt: etree._Element, text: str) -> None:
    pr = sdt.find(f"{_W}sdtPr")
    if pr is not None:
        for flag in pr.findall(f"{_W}showingPlcHdr"):
            pr.remove(flag)
    content = sdt.find(f"{_W}sdtContent")
    if content is None:
        raise KeyError("the field has no content")
    for child in list(content):
        content.remove(child)
    for i, line in enumerate(text.split("\n")):
        br = "<w:br/>" if i else ""
        content.append(
            etree.fromstring(
                f'<w:r xmlns:w="{W_NS}">{br}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
            )
        )
