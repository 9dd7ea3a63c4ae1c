"""The Excel action tracker for many audits from one filling of the template.

Opening and saving the template through openpyxl for every audit is most of the cost of a pack.
An issued tracker differs from the next one only in the text of its ``{{ name }}`` cells and its
custom properties, so the template is filled once (by ``filled_workbook``, the same code as one
tracker) with a marker in place of each value; per audit the markers are replaced in the few parts
that hold them and every other part is copied as compressed bytes.

Text that openpyxl or ``set_text_cell`` would treat specially (a formula trigger, spaces at the
ends, control characters, very long text) goes through the plain path, so the result is the same.
"""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

from qaf_docs.office.zip_members import Member, read_members, write_zip
from qaf_docs.packs.action_tracker import filled_workbook, tracker_values, write_action_tracker
from qaf_docs.packs.details import PackDetails
from qaf_docs.safe_output import atomic_write

_MARK = "QAFMARK{}Z"
_MARKS = re.compile(r"QAFMARK(\d+)Z")
_PLAIN_START = ("=", "+", "-", "@")
_LONGEST = 2_000


class TrackerWriter:
    """Writes issued (action-free) trackers from one template, filled once per run."""

    def __init__(self, template: Path, sample: PackDetails) -> None:
        self.template = template
        self._names = list(tracker_values(sample)) + list(sample.identity.as_properties())
        marks = {name: _MARK.format(i) for i, name in enumerate(self._names)}
        values = {k: marks[k] for k in tracker_values(sample)}
        props = {k: marks[k] for k in sample.identity.as_properties()}
        buffer = io.BytesIO()
        filled_workbook(template, values, props).save(buffer)
        self._members: list[Member | str] = []
        self._texts: dict[str, str] = {}
        for name, member in read_members(buffer.getvalue()).items():
            text = zlib.decompress(member.deflated, -15)
            if b"QAFMARK" in text:
                self._members.append(name)
                self._texts[name] = text.decode("utf-8")
            else:
                self._members.append(member)

    def write(self, details: PackDetails, out: Path, *, durable: bool = True) -> Path:
        """Write the tracker for one audit to ``out`` and return the path written.

        ``durable=False``: the caller flushes the file to disk (``safe_output.make_durable``).
        """
        values = {**tracker_values(details), **details.identity.as_properties()}
        if list(values) != self._names or not all(map(_plain, values.values())):
            return write_action_tracker(self.template, details, [], out)
        escaped = [escape(values[name]) for name in self._names]
        members = [
            m if isinstance(m, Member) else Member.of(m, self._fill(m, escaped).encode("utf-8"))
            for m in self._members
        ]
        return atomic_write(out, lambda tmp: write_zip(tmp, members), durable=durable)

    def _fill(self, name: str, escaped: list[str]) -> str:
        return _MARKS.sub(lambda m: escaped[int(m.group(1))], self._texts[name])


def _plain(value: str) -> bool:
    """True when the text is stored exactly as given (no formula guard, trimming or cleaning)."""
    return (
        value == value.strip()
        and value.isprintable()
        and len(value) < _LONGEST
        and not value.startswith(_PLAIN_START)
        and "QAFMARK" not in value
    )

