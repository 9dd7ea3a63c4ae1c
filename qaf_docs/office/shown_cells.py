"""Cells read as Excel shows them where an export keeps an id's leading zeros its own way.

Two ways exports keep "00123401" from becoming 123401 in Excel, both the id as the council's
system and the QA team see it:

- ``="00123401"``: a formula that only gives back its text. Nothing is worked out, so it is the
  text itself, not a formula to refuse (unless the text would be a formula itself). One that
  works something out (``="00"&123401``) is still a formula.
- the number 123401 with the number format ``00000000``: Excel pads it with zeros to the
  format's width. calamine gives no number formats, so a sheet with a cell in such a style is
  read by openpyxl, and its numbers padded here.
"""

from __future__ import annotations

import re
import zipfile

from qaf_docs.office.parts import parse_xml

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TEXT_IN_FORMULA = re.compile(r'=\s*"((?:[^"]|"")*)"\s*')
_ZEROS = re.compile(r"0{2,}")  # 00000000; "ID"00000 shows more than the id: left as it is
_FORMULA_STARTS = ("=", "+", "-", "@")


def formula_text(formula: str) -> str | None:
    """The text of a formula that only gives back a text (``="00123401"``), else None."""
    text = _TEXT_IN_FORMULA.fullmatch(formula)
    if text is None or text[1][:1] in _FORMULA_STARTS:
        return None
    return text[1].replace('""', '"')


def padded_width(number_format: str) -> int:
    """How many digits a format of zeros pads a whole number to (8 for ``00000000``), else 0."""
    return len(number_format) if _ZEROS.fullmatch(number_format) else 0


def padded(value: int, number_format: str) -> int | str:
    """``value`` as Excel shows it in ``number_format``: zero padded to its width, or as it is."""
    width = padded_width(number_format) if value >= 0 else 0
    return f"{value:0{width}d}" if width else value


def padding_styles(z: zipfile.ZipFile) -> frozenset[int]:
    """The cell styles (``s="n"`` on a cell) whose number format pads with zeros; none when the
    workbook has no such format, the usual case."""
    try:
        styles = z.read("xl/styles.xml")
    except KeyError:
        return frozenset()
    if b"00" not in styles:
        return frozenset()
    root = parse_xml(styles)
    formats = {f.get("numFmtId"): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")}
    padding = {fid for fid, code in formats.items() if padded_width(code)}
    if not padding:
        return frozenset()
    found: set[int] = set()
    for xfs in root.iter(f"{_MAIN}cellXfs"):
        for index, xf in enumerate(xfs.iter(f"{_MAIN}xf")):
            if xf.get("numFmtId") in padding:
                found.add(index)
    return frozenset(found)


def uses_styles(xml: bytes, styles: frozenset[int]) -> bool:
    """Whether a sheet's XML has a cell in one of ``styles``."""
    wanted = b"|".join(str(s).encode() for s in sorted(styles))
    return re.search(rb'<(?:\w+:)?c\s[^>]*\ss="(?:' + wanted + rb')"', xml) is not None
