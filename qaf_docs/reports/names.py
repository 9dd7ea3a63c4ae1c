"""Keeping people's names out of what reports quote.

Workers become "Worker A", "Worker B" … given per report, in the order of the first audit each
appears in (so a label says nothing about a name, and one report's labels are not another's); other
people the register knows (auditors, moderators, workers outside the report) become "[name removed]";
a child's names (first name, surname or both, any case) become "the child".
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from qaf_docs.records import AuditResult

NO_NAME = "[name removed]"
CHILD = "the child"
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
        # Longest first so "Sam Jones" goes before "Sam"; whole words only.
        self._pattern = _words(people | set(self.names), flags=0)

    def of(self, worker: str | None) -> str:
        """Return a worker's pseudonym."""
        return self.names.get(worker or "", "Worker not recorded")

    def scrub(self, text: str, child: str | None = None) -> str:
        """Return ``text`` with every known name replaced: workers by pseudonym, others by
        "[name removed]", and the names of ``child`` (the audit's child, where the register holds
        it) by "the child"."""
        if self._pattern:
            text = self._pattern.sub(lambda m: self.names.get(m.group(0), NO_NAME), text)
        return without_child(text, child)


def child_names(child: str | None) -> set[str]:
    """Return the words that name a child: the full name and each of its names ("Mary-Jane Smith":
    "Mary-Jane Smith", "Mary-Jane", "Mary", "Jane", "Smith"); initials are left alone."""
    full = " ".join((child or "").split())
    words = {full} | set(full.split()) | set(re.split(r"[\s\-]+", full))
    return {w for w in words if len(w.strip("'’.")) > 1}


def without_child(text: str, child: str | None) -> str:
    """Return ``text`` with the child's names (whole words, any case) replaced by "the child"."""
    pattern = _words(child_names(child), flags=re.IGNORECASE)
    if not pattern or not text:
        return text

    def replace(m: re.Match[str]) -> str:
        start = _SENTENCE_START.search(text[: m.start()]) is not None
        return CHILD[0].upper() + CHILD[1:] if start else CHILD

    return pattern.sub(replace, text)


def _words(names: set[str], *, flags: int) -> re.Pattern[str] | None:
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<!\w)(" + alternatives + r")(?!\w)", flags)


def _letters(i: int) -> str:
    letters = string.ascii_uppercase
    return letters[i] if i < 26 else _letters(i // 26 - 1) + letters[i % 26]
