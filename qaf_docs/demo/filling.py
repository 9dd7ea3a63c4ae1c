"""Fill an issued audit tool as an auditor would in Word: type in boxes, pick grades and dates.

Used by ``qaf demo`` to produce realistic completed forms and by the tests to prove the round trip.
It writes exactly what Word writes when a person uses a content control: the text inside the control,
the drop-down's display text, the date picker's ``w:fullDate``, the check box state, and the
placeholder flag removed. Rows added to the actions table are copies of the last row, as Word makes them.
"""

from __future__ import annotations

import copy
import shutil
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from qaf_docs.office.content_controls import W14_NS, W_NS

_W = f"{{{W_NS}}}"
_W14 = f"{{{W14_NS}}}"
_DOCUMENT = "word/document.xml"


class FormFiller:
    """Edit the content controls of a generated .docx; call ``save`` to write the result."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.root = etree.fromstring(z.read(_DOCUMENT))

    def _sdt(self, name: str) -> etree._Element:
        for sdt in self.root.iter(f"{_W}sdt"):
            tag = sdt.find(f"{_W}sdtPr/{_W}tag")
            if tag is not None and tag.get(f"{_W}val") == name:
                return sdt
        raise KeyError(f"no field {name!r} in {self.path.name}")

    def _set_content(self, sdt: etree._Element, text: str) -> None:
        pr = sdt.find(f"{_W}sdtPr")
        if pr is not None:
            for flag in pr.findall(f"{_W}showingPlcHdr"):
                pr.remove(flag)
        content = sdt.find(f"{_W}sdtContent")
        assert content is not None
        for child in list(content):
            content.remove(child)
        for i, line in enumerate(text.split("\n")):
            br = "<w:br/>" if i else ""
            run = etree.fromstring(
                f'<w:r xmlns:w="{W_NS}">{br}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
            )
            content.append(run)

    def text(self, name: str, value: str) -> FormFiller:
        """Type ``value`` into a box (line breaks as Shift+Enter); over a date picker, as typed text."""
        sdt = self._sdt(name)
        for picker in sdt.iter(f"{_W}date"):
            picker.attrib.pop(f"{_W}fullDate", None)
        self._set_content(sdt, value)
        return self

    def choose(self, name: str, value: str) -> FormFiller:
        """Pick ``value`` in a drop-down (Word shows the item's display text)."""
        return self.text(name, value)

    def pick_date(self, name: str, value: date) -> FormFiller:
        """Pick ``value`` with a date picker."""
        sdt = self._sdt(name)
        picker = sdt.find(f"{_W}sdtPr/{_W}date")
        if picker is None:
            raise KeyError(f"field {name!r} is not a date picker")
        picker.set(f"{_W}fullDate", f"{value.isoformat()}T00:00:00Z")
        self._set_content(sdt, value.strftime("%d/%m/%Y"))
        return self

    def tick(self, name: str, checked: bool = True) -> FormFiller:
        """Tick (or untick) a check box."""
        sdt = self._sdt(name)
        mark = sdt.find(f"{_W}sdtPr/{_W14}checkbox/{_W14}checked")
        if mark is None:
            raise KeyError(f"field {name!r} is not a check box")
        mark.set(f"{_W14}val", "1" if checked else "0")
        self._set_content(sdt, "☒" if checked else "☐")
        return self

    def actions_table(self) -> etree._Element:
        """Return the actions table (the one holding the ``qaf_actions`` bookmark)."""
        for tbl in self.root.iter(f"{_W}tbl"):
            for bm in tbl.iter(f"{_W}bookmarkStart"):
                if bm.get(f"{_W}name") == "qaf_actions":
                    return tbl
        raise KeyError("no actions table")

    def add_action_row(self, description: str, owner: str, due: str) -> FormFiller:
        """Add a row to the actions table as Word's 'Insert row below' does, and type into it."""
        table = self.actions_table()
        last = table.findall(f"{_W}tr")[-1]
        row = copy.deepcopy(last)
        last.addnext(row)
        cells = row.findall(f"{_W}tc")
        number = len(table.findall(f"{_W}tr")) - 1
        for cell, value in zip(cells, (str(number), description, owner, due), strict=False):
            sdts = list(cell.iter(f"{_W}sdt"))
            if sdts:
                # Typing over a copied date picker leaves typed text, not a picked date.
                for picker in sdts[0].iter(f"{_W}date"):
                    picker.attrib.pop(f"{_W}fullDate", None)
                self._set_content(sdts[0], value)
            else:
                for t in cell.iter(f"{_W}t"):
                    t.text = ""
                first_t = next(cell.iter(f"{_W}t"), None)
                if first_t is not None:
                    first_t.text = value
        return self

    def delete_action_row(self, index: int) -> FormFiller:
        """Delete the ``index``-th row after the header of the actions table (1-based)."""
        table = self.actions_table()
        rows = table.findall(f"{_W}tr")
        table.remove(rows[index])
        return self

    def save(self, out: Path | None = None) -> Path:
        """Write the filled form to ``out`` (default: over the original) and return the path."""
        target = out or self.path
        tmp = target.with_name(target.name + ".filling")
        with (
            zipfile.ZipFile(self.path) as src,
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst,
        ):
            for item in src.infolist():
                data = (
                    etree.tostring(
                        self.root, xml_declaration=True, encoding="UTF-8", standalone=True
                    )
                    if item.filename == _DOCUMENT
                    else src.read(item.filename)
                )
                dst.writestr(item, data)
        shutil.move(str(tmp), str(target))
        return target
