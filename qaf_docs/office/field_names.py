"""The names (tags and bookmarks) of the audit tool's fields, shared by the writer and the reader.

Packs write these names and returns read them back; keeping them in one place below both stages is
what lets a form filled months ago still be read.
"""

from __future__ import annotations

MISSING_HISTORY = "qaf_missing_history"
"""The check box: historical information was missing or could not be accessed."""

AGENCY_PARTS = ("name", "lead", "contribution", "finding")
"""What each agency's section of a multi-agency audit records, in order."""

# Built-in sections whose box predates the section names; the tag stays so old forms still read.
_SECTION_TAGS = {"practitioner_self_assessment": "qaf_self_assessment"}
_BUILT_IN = (
    "theme",
    "voice_of_child",
    "practitioner_self_assessment",
    "family_feedback",
    "agency_contributions",
    "missing_historical_information",
)


def section_field(name: str) -> str:
    """Return the free-text field of section ``name`` (a built-in one, or an extra section's key)."""
    if name in _SECTION_TAGS:
        return _SECTION_TAGS[name]
    if name in _BUILT_IN:
        return f"qaf_{name}"[:40]
    return f"qaf_extra_{name}"


def indicator_field(domain: str, number: int) -> str:
    """Return the check box of the ``number``-th (1-based) indicator of ``domain``."""
    return f"qaf_ind_{domain}_{number}"


def agency_field(number: int, part: str) -> str:
    """Return the field holding ``part`` (see AGENCY_PARTS) of the ``number``-th agency section."""
    return f"qaf_agency_{number}_{part}"
