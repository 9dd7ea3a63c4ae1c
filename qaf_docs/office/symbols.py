"""Ticks, crosses and boxes inserted from a symbol font (Insert > Symbol, Wingdings).

Word writes such a character as a ``w:sym`` element whose character is an attribute, not as text:
read as nothing, a tick typed in the Immediate column of a row added to the actions table said
"not immediate", without a word. Only these marks are read; any other symbol stays as before.
"""

from __future__ import annotations

from lxml import etree

from qaf_docs.office.content_controls import W_NS

_CHAR, _FONT = f"{{{W_NS}}}char", f"{{{W_NS}}}font"
_MARKS = {
    ("wingdings", 0xFC): "✓", ("wingdings", 0xFB): "✗", ("wingdings", 0xFE): "☑",
    ("wingdings", 0xFD): "☒", ("wingdings", 0xA8): "☐", ("wingdings", 0x6F): "☐",
    ("wingdings 2", 0x50): "✓", ("wingdings 2", 0x4F): "✗", ("wingdings 2", 0x52): "☑",
    ("wingdings 2", 0x54): "☒", ("wingdings 2", 0xA3): "☐",
}  # fmt: skip


def symbol(sym: etree._Element) -> str:
    """The tick, cross or box a ``w:sym`` shows ("" for any other symbol)."""
    try:
        code = int(sym.get(_CHAR, ""), 16) & 0xFF  # Word writes F0FC for Wingdings' FC
    except ValueError:
        return ""
    return _MARKS.get(((sym.get(_FONT) or "").strip().casefold(), code), "")
