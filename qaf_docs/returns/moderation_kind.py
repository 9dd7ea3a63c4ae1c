"""The moderation section's type-of-moderation box: which of the framework's kinds it was.

West Sussex: "There are two types of moderation, reflective moderation and a monthly group
moderators' meeting"; Step 6 of its collaborative audit: "Moderation meeting with auditor and
practitioner or group moderation". The moderator chooses one in the drop-down ("Reflective
moderation", "Group moderation"); LibreOffice keeps what was chosen but may rewrite the list, and a
moderator may type instead, so the answer is matched to the framework's kinds tolerantly ("group",
"Group moderators' meeting" are both ``group``). Anything else is refused, naming the kinds.
"""

from __future__ import annotations

import re

from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework
from qaf_docs.office import field_names as tags
from qaf_docs.records import AuditForm

_WORDS = re.compile(r"[a-z]+")


def kind_of(typed: str, kinds: list[str]) -> str | None:
    """The framework's kind ``typed`` names (its first word, or the whole kind), else None."""
    words = _WORDS.findall(typed.casefold())
    for kind in kinds:
        mine = _WORDS.findall(kind.casefold())
        if mine and words[: len(mine)] == mine:
            return kind
    return None


def settled_kind(typed: str, framework: Framework) -> str:
    """What the box says as the form records it: the framework's kind it names, else what was
    typed (``checked_kind`` refuses that); "" where the framework names no kinds."""
    kinds = framework.moderation.kinds
    said = " ".join(typed.split())
    if not said or not kinds or not framework.sections.moderation:
        return ""
    return kind_of(said, kinds) or said


def checked_kind(form: AuditForm, framework: Framework) -> list[Finding]:
    """Refuse a type of moderation that names none of the framework's kinds; warn of one chosen
    with no moderation to go with it (it is recorded with the moderation)."""
    kinds = framework.moderation.kinds
    if form.moderation_kind in kinds and not (form.moderator or form.moderated_grade):
        return [
            Finding(
                "warning",
                f"Moderation: {tags.MODERATION_KIND_LABEL.lower()}",
                "a type of moderation is chosen but no moderator or moderated grade is given, so "
                "it is not recorded",
                "The moderator fills in the type with the moderation; an auditor leaves it.",
            )
        ]
    if not form.moderation_kind or form.moderation_kind in kinds:
        return []
    return [
        Finding(
            "error",
            f"Moderation: {tags.MODERATION_KIND_LABEL.lower()}",
            f"'{form.moderation_kind}' is not a type of moderation this framework has",
            f"Choose one of: {', '.join(tags.moderation_kind_choice(k) for k in kinds)}.",
        )
    ]
