"""Fill an issued audit tool as an auditor would in Word: type in boxes, pick grades and dates.

Used by ``qaf demo`` to produce realistic completed forms and by the tests to prove the round trip.
It writes exactly what Word writes when a person uses a content control: the text inside the control,
the drop-down's display text, the date picker's ``w:fullDate``, the check box state, and the
placeholder flag removed. Rows added to the actions table are copies of the last row, as Word makes them.
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

from lxml import etree

from qaf_docs.office import form_editing as editing

_DOCUMENT = "word/document.xml"


class FormFiller:
    """Edit the content controls of a generated .docx; call ``save`` to write the result."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.root = etree.fromstring(z.read(_DOCUMENT))

    def _control(self, name: str) -> etree._Element:
        try:
            return editing.find_control(self.root, name)
        except KeyError:
            raise KeyError(f"no field {name!r} in {self.path.name}") from None

    def text(self, name: str, value: str) -> FormFiller:
        """Type ``value`` into a box (line breaks as Shift+Enter); over a date picker, as typed text."""
        editing.type_text(self._control(name), value)
        return self

    def choose(self, name: str, value: str) -> FormFiller:
        """Pick ``value`` in a drop-down (Word shows the item's display text)."""
        return self.text(name, value)

    def pick_date(self, name: str, value: date) -> FormFiller:
        """Pick ``value`` with a date picker."""
        editing.pick_date(self._control(name), value)
        return self

    def tick(self, name: str, checked: bool = True) -> FormFiller:
        """Tick (or untick) a check box."""
        editing.tick(self._control(name), checked)
        return self

    def actions_table(self) -> etree._Element:
        """Return the actions table (the one holding the ``qaf_actions`` bookmark)."""
        return editing.table_with_bookmark(self.root, "qaf_actions")

    def add_action_row(self, description: str, owner: str, due: str) -> FormFiller:
        """Add a row to the actions table as Word's 'Insert row below' does, and type into it."""
        table = self.actions_table()
        number = editing.row_count(table)
        editing.add_row_below(table, (str(number), description, owner, due))
        return self

    def delete_action_row(self, index: int) -> FormFiller:
        """Delete the ``index``-th row after the header of the actions table (1-based)."""
        editing.delete_row(self.actions_table(), index)
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
