"""Custom document properties for many files: the part written once per set of names, values joined.

``office.identity.custom_properties_xml`` builds the part through lxml for every file. The part is
the same for every audit but for the values, so for each tuple of property names it is built once
with stand-ins and cut at them; per file the values are escaped as lxml escapes text (``&``, ``<``
and ``>``) and joined in. The cut is kept only if two other stand-ins, and text holding every
character lxml escapes, come out exactly as lxml writes them; a value that is empty or holds a
character that is not printable (lxml refuses some, writes others as references) is written by
lxml, as is any set of names whose cut does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

from qaf_docs.office.identity import custom_properties_xml

_STAND_INS = ("qAfPrOp{}zA", "qAfPrOp{}zBbBq", "& <b> \"{}\" 'é' ✓ >")
_FOUND = re.compile(r"qAfPrOp(\d+)zA")

_Cut = tuple[tuple[bytes, ...], tuple[int, ...]]  # pieces, and which value goes after each but last


class CustomProperties:
    """Returns ``custom_properties_xml(props)``, built once per tuple of names."""

    def __init__(self) -> None:
        self._cuts: dict[tuple[str, ...], _Cut | None] = {}

    def xml(self, props: Mapping[str, str]) -> bytes:
        names = tuple(props)
        if names not in self._cuts:
            self._cuts[names] = _cut(names)
        cut = self._cuts[names]
        values = list(props.values())
        if cut is None or not all(v and v.isprintable() for v in values):
            return custom_properties_xml(dict(props))
        pieces, holes = cut
        out = [pieces[0]]
        for hole, piece in zip(holes, pieces[1:], strict=True):
            out += (escape(values[hole]).encode("utf-8"), piece)
        return b"".join(out)


def _cut(names: tuple[str, ...]) -> _Cut | None:
    probes = [
        custom_properties_xml({n: form.format(i) for i, n in enumerate(names)}).decode("utf-8")
        for form in _STAND_INS
    ]
    texts: list[str] = []
    holes: list[int] = []
    at = 0
    for m in _FOUND.finditer(probes[0]):
        texts.append(probes[0][at : m.start()])
        holes.append(int(m.group(1)))
        at = m.end()
    texts.append(probes[0][at:])
    if any(hole >= len(names) for hole in holes):
        return None
    for form, probe in zip(_STAND_INS[1:], probes[1:], strict=True):
        values = [escape(form.format(hole)) for hole in holes]
        if texts[0] + "".join(v + t for v, t in zip(values, texts[1:], strict=True)) != probe:
            return None
    return tuple(t.encode("utf-8") for t in texts), tuple(holes)
