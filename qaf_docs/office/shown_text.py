"""The text Word shows: a box's or a cell's words, breaks and tabs, once tracked changes are accepted.

Shared by the field scan and the table walk (``form_fields``), and by the readers that look where a
deleted box was (``returns.deleted_boxes``).
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from qaf_docs.office.content_controls import PLACEHOLDERS, W_NS
from qaf_docs.office.symbols import symbol

_W = f"{{{W_NS}}}"


def clean(text: str, showing_placeholder: bool) -> str:
    """``text`` as read: non-breaking spaces as spaces, trimmed; "" for a prompt left showing."""
    text = text.replace("\u00a0", " ").strip()
    if showing_placeholder or text.lower() in PLACEHOLDERS:
        return ""
    return text


T, _BR, _CR, _TAB, P = (f"{_W}{name}" for name in ("t", "br", "cr", "tab", "p"))
# A non-breaking hyphen (Ctrl+Shift+Hyphen, or pasted from a document that had one) is an element
# of its own, not a character of the text: "12‑10‑2026", "non‑verbal" show their hyphens.
_NB_HYPHEN = f"{_W}noBreakHyphen"
SHOWN = {_BR: "\n", _CR: "\n", _TAB: "\t", _NB_HYPHEN: "-"}
# A tick from Insert > Symbol is an element of its own (see ``symbols``), read as the tick it shows.
_SYM = f"{_W}sym"
RUN_TEXT = (T, _BR, _CR, _TAB, _NB_HYPHEN, _SYM)
BREAKS = (_BR, _CR, _TAB, _NB_HYPHEN, _SYM)
# Tracked changes Word drops on Accept All. Deleted text is ``w:delText`` (never read), but text
# moved away with Track Changes on keeps its ``w:t`` inside ``w:moveFrom``: read, it would count
# twice, here and where it was moved to. What is inside one is skipped: the walks visit it first
# (document order) and note its text elements, so a form without tracked changes pays nothing.
STRUCK = (f"{_W}moveFrom", f"{_W}del")
# A text box is kept twice: the shape Word shows (``mc:Choice``) and a picture of it for older
# programs (``mc:Fallback``), with the same words. Only the first is read; a Fallback alone (no
# Choice beside it) is what a program wrote instead, and is read.
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CHOICE, FALLBACK = f"{{{_MC_NS}}}Choice", f"{{{_MC_NS}}}Fallback"
SKIPPED = (*STRUCK, FALLBACK)
HIDDEN = (*RUN_TEXT, P)  # what a skipped part holds that would otherwise be read
TEXT_TAGS = (*RUN_TEXT, P, *SKIPPED)


def text_of(elements: Iterable[etree._Element]) -> str:
    """Visible text of ``elements`` in order: runs, tabs and breaks; deleted or moved-away (tracked)
    text skipped, as Word shows the form once its changes are accepted."""
    out: list[str] = []
    struck: set[etree._Element] = set()
    for el in elements:
        tag = el.tag
        if tag == T:
            if el not in struck:
                out.append(el.text or "")
        elif tag == P:
            if out and el not in struck:  # a paragraph after text (or a text box's) starts a line
                out.append("\n")
        elif tag in SKIPPED:
            if tag != FALLBACK or beside_choice(el):
                struck.update(el.iter(HIDDEN))
        elif tag in BREAKS and el not in struck:
            out.append(SHOWN.get(tag) or symbol(el))
    return "".join(out)


def beside_choice(fallback: etree._Element) -> bool:
    """Whether a text box's ``mc:Fallback`` repeats an ``mc:Choice`` beside it."""
    return any(other.tag == CHOICE for other in fallback.itersiblings(preceding=True))


def text_within(element: etree._Element) -> str:
    """Visible text inside ``element`` (only the elements that carry text are visited)."""
    return text_of(element.iter(TEXT_TAGS))


def visible_text(element: etree._Element) -> str:
    """The text Word shows inside ``element`` (a table cell) once its tracked changes are accepted:
    deleted and moved-away text left out, as for every field."""
    return text_within(element)
