"""Keeping people's names out of what reports quote.

Workers become "Worker A", "Worker B" … given per report, in the order of the first audit each
appears in (so a label says nothing about a name, and one report's labels are not another's); other
people the register knows (auditors, moderators, workers outside the report) become "[name removed]";
a child's names (first name, surname or both, any case) become "the child", and those of the other
children the register holds under the child's surname (brothers and sisters, as far as qaf can
tell: an auditor writes them as readily) "another child". A name the register does not hold (a
sibling never audited, with ``show_child_names`` off) cannot be known, so it stays.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable

from qaf_docs.records import AuditResult

NO_NAME = "[name removed]"
CHILD = "the child"
ANOTHER_CHILD = "another child"
#: Where a replaced name starts a sentence, its replacement starts with a capital.
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")


class Pseudonyms:
    """Worker labels for one report, and a scrubber for the free text it quotes."""

    def __init__(self, results: Iterable[AuditResult], chosen: Iterable[AuditResult]) -> None:
        """``results``: every audit (whose people are scrubbed); ``chosen``: the report's audits
        (whose workers are labelled)."""
        first: dict[str, str] = {}
        for a in chosen:
            if a.worker and (a.worker not in first or a.audit_ref < first[a.worker]):
                first[a.worker] = a.audit_ref
        workers = sorted(first, key=lambda w: (first[w], w))
        self.names = {w: f"Worker {_letters(i)}" for i, w in enumerate(workers)}
        people = {p for a in results for p in (a.worker, a.auditor, a.moderator) if p}
        self._children = Children(a.child_name for a in results)
        # Longest first so "Sam Jones" goes before "Sam"; whole words only.
        self._pattern = _words(people | set(self.names), flags=0)

    def of(self, worker: str | None) -> str:
        """Return a worker's pseudonym."""
        return self.names.get(worker or "", "Worker not recorded")

    def scrub(self, text: str, child: str | None = None) -> str:
        """Return ``text`` with every known name replaced: workers by pseudonym, others by
        "[name removed]", and the names of ``child`` (the audit's child, where the register holds
        it) by "the child", its brothers' and sisters' by "another child"."""
        if self._pattern:
            text = self._pattern.sub(lambda m: self.names.get(m.group(0), NO_NAME), text)
        return self._children.scrub(text, child)


class Children:
    """Every child's name the register holds, to take a child's and its family's names out of
    what is quoted about it."""

    def __init__(self, names: Iterable[str | None]) -> None:
        self._by_surname: dict[str, set[str]] = {}
        for name in names:
            full = " ".join((name or "").split())
            if _surname(full):
                self._by_surname.setdefault(_surname(full), set()).add(full)

    def family(self, child: str | None) -> list[str]:
        """The other children held under ``child``'s surname (any case), sorted."""
        full = " ".join((child or "").split())
        same = self._by_surname.get(_surname(full), set())
        return sorted(n for n in same if n.casefold() != full.casefold())

    def scrub(self, text: str, child: str | None) -> str:
        """``text`` with ``child``'s names said as "the child", its family's as "another child"."""
        return without_child(text, child, self.family(child))


def child_names(child: str | None) -> set[str]:
    """Return the words that name a child: the full name and each of its names ("Mary-Jane Smith":
    "Mary-Jane Smith", "Mary-Jane", "Mary", "Jane", "Smith"); initials are left alone."""
    full = " ".join((child or "").split())
    words = {full} | set(full.split()) | set(re.split(r"[\s\-]+", full))
    return {w for w in words if len(w.strip("'’.")) > 1}


def without_child(text: str, child: str | None, family: Iterable[str] = ()) -> str:
    """Return ``text`` with the child's names (whole words, any case) replaced by "the child",
    and those of ``family`` (other children) by "another child".

    The family's surname said of its people reads as what it means, not word for word: "the
    Smith family" and "the Smiths" are "the child's family", "Mrs Smith" and a first name qaf does
    not know before the surname ("Octavius Smith", a sibling never drawn, a parent) are "a family
    member" (before, "the the child family" and "Octavius the child")."""
    own = {n.casefold() for n in child_names(child)}
    others = {n for f in family for n in child_names(f) if n.casefold() not in own}
    pattern = _words(child_names(child) | others, flags=re.IGNORECASE)
    if not pattern or not text:
        return text
    known = own | {n.casefold() for n in others}
    text = _family_said(text, _surname(" ".join((child or "").split())), known)

    def replace(m: re.Match[str]) -> str:
        said = CHILD if m.group(0).casefold() in own else ANOTHER_CHILD
        return _capital_if_first(text, m.start(), said)

    return pattern.sub(replace, text)


_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?"
_FAMILY_NOUNS = r"family|household|home|children|parents"


def _family_said(text: str, surname: str, known: set[str]) -> str:
    """``text`` with the phrases that use the child's surname for its family said without it."""
    if not surname:
        return text
    name = rf"(?i:{re.escape(surname)})"
    owner = rf"{name}(?:s['’]|['’]s|s)?"
    noun = rf"\s+(?i:({_FAMILY_NOUNS}))"
    for family in (rf"\b(?i:the)\s+{owner}(?:{noun})?(?!\w)", rf"(?<!\w){owner}{noun}(?!\w)"):
        text = _sub_said(family, text, lambda m: f"the child's {(m[1] or 'family').lower()}")
    text = _sub_said(rf"\b{_TITLES}\s+{name}(?!\w)", text, lambda m: "a family member")

    def someone(m: re.Match[str]) -> str:
        # A capitalised word that starts a sentence may be any word ("Visit Smith on Monday").
        if m[1].casefold() in known or _SENTENCE_START.search(text[: m.start()]):
            return m[0]
        return "a family member"

    return re.sub(rf"(?<!\w)([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+{name}(?!\w)", someone, text)


def _sub_said(pattern: str, text: str, said: Callable[[re.Match[str]], str]) -> str:
    """``text`` with each match of ``pattern`` replaced by what ``said`` gives for it, with a
    capital where it starts a sentence."""
    return re.sub(pattern, lambda m: _capital_if_first(text, m.start(), said(m)), text)


def _capital_if_first(text: str, at: int, said: str) -> str:
    """``said``, with a capital where it starts a sentence of ``text`` at ``at``."""
    start = _SENTENCE_START.search(text[:at]) is not None
    return said[0].upper() + said[1:] if start else said


def _surname(full: str) -> str:
    """A full name's last word, folded ("" for a name of one word: no surname to go by)."""
    words = full.split()
    return words[-1].casefold() if len(words) > 1 else ""


def _words(names: set[str], *, flags: int) -> re.Pattern[str] | None:
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<!\w)(" + alternatives + r")(?!\w)", flags)


def _letters(i: int) -> str:
    letters = string.ascii_uppercase
    return letters[i] if i < 26 else _letters(i // 26 - 1) + letters[i % 26]
