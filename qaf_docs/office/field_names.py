"""The names (tags and bookmarks) of the audit tool's fields, shared by the writer and the reader.

Packs write these names and returns read them back; keeping them in one place below both stages is
what lets a form filled months ago still be read.
"""

from __future__ import annotations

from dataclasses import dataclass

from qaf_docs.frameworks import Framework

MISSING_HISTORY = "qaf_missing_history"
"""The check box: historical information was missing or could not be accessed."""

ACTIONS_TABLE = "qaf_actions"
"""The bookmark in the actions table's header row: the reader finds the table by it."""

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


MODERATION_KIND = "qaf_moderation_kind"
"""The moderation table's drop-down of the framework's kinds of moderation (West Sussex:
reflective, group), where it names kinds."""
MODERATION_KIND_LABEL = "Type of moderation"


def moderation_kind_choice(kind: str) -> str:
    """How a kind of moderation is offered in the drop-down: "reflective" as "Reflective
    moderation" (the reader matches the first word back to the kind)."""
    return f"{kind[:1].upper()}{kind[1:]} moderation"


def indicator_field(domain: str, number: int) -> str:
    """Return the check box of the ``number``-th (1-based) indicator of ``domain``."""
    return f"{indicator_prefix(domain)}{number}"


def indicator_prefix(domain: str) -> str:
    """What the names of ``domain``'s indicator check boxes start with."""
    return f"qaf_ind_{domain}_"


def agency_field(number: int, part: str) -> str:
    """Return the field holding ``part`` (see AGENCY_PARTS) of the ``number``-th agency section."""
    return f"qaf_agency_{number}_{part}"


@dataclass(frozen=True)
class Box:
    """A box the reader needs on every form of a framework: any of ``names`` (a control's tag or a
    bookmark) will do, and ``label`` is what the form calls it (the control's title in Word)."""

    label: str
    names: tuple[str, ...]


def needed_boxes(framework: Framework) -> list[Box]:
    """Return the boxes a form of ``framework`` must have for its answers to be read back.

    What ``returns.audit_form`` reads and ``returns.validation`` requires, by the same names: each
    practice area's grade and rationale, the overall grade and rationale, the audit date, the
    actions table, each section the framework switches on, and the moderation fields where it
    moderates. A template without one of them makes forms whose answers cannot be given or read.
    """
    boxes: list[Box] = []
    for d in framework.domains:
        boxes.append(Box(f"{d.title}: grade", (f"qaf_grade_{d.key}",)))
        boxes.append(Box(f"{d.title}: rationale", (f"qaf_rationale_{d.key}",)))
    boxes += [
        Box("Overall grade", ("qaf_overall_grade",)),
        Box("Overall rationale", ("qaf_overall_rationale",)),
        Box("Date of audit", ("qaf_audit_date",)),
        # The reader finds the table by the bookmark in its header, else by its rows' boxes.
        Box("SMART actions", (ACTIONS_TABLE, "qaf_action_1")),
    ]
    sections = framework.sections
    for name in sections.enabled():
        if name == "agency_contributions":
            # An older template's single box for every agency's contribution is still read.
            box = (agency_field(1, "name"), section_field(name))
            boxes.append(Box(sections.title(name), box))
        elif name == "missing_historical_information":
            boxes.append(Box("Historical information missing", (MISSING_HISTORY,)))
            boxes.append(Box(sections.title(name), (section_field(name),)))
        elif name != "moderation":
            boxes.append(Box(sections.title(name), (section_field(name),)))
    if sections.moderation:
        boxes += [
            Box("Moderator", ("qaf_moderator",)),
            Box("Moderated grade", ("qaf_moderated_grade",)),
            Box("Reason for change", ("qaf_moderation_reason",)),
            Box("Date moderated", ("qaf_moderation_date",)),
        ]
        boxes += [
            Box(f"{d.title}: moderated grade", (f"qaf_modgrade_{d.key}",))
            for d in framework.domains
        ]
    return boxes
