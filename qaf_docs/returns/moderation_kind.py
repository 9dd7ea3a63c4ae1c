"""The moderation section's type-of-moderation box: which of the framework's kinds it was.

West Sussex: "There are two types of moderation, reflective moderation and a monthly group
moderators' meeting"; Step 6 of its collaborative audit: "Moderation meeting with auditor and
practitioner or group moderation". The moderator chooses one in the drop-down ("Reflective
moderation", "Group moderation"); LibreOffice keeps what was chosen but may rewrite the list, and a
moderator may type instead, so the answer is matched to the framework's kinds tolerantly ("group",
"Group moderators' meeting" are both ``group``). Anything else is refused, naming the kinds.

The box is read with the sections' boxes (``Sections.enabled`` lists it), so reading it costs no
pass of its own; ``AuditForm.texts`` holds what it said until ``checked_kind`` makes it a kind.
"""

from __future__ import annotations

import re

from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework
from qaf_docs.frameworks.base import MODERATION_KIND
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


def checked_kind(form: AuditForm, framework: Framework) -> list[Finding]:
    """Settle the form's type of moderation as one of the framework's kinds (written back into
    ``form.texts`` as the register records it), or refuse what names none of them."""
    typed = " ".join(form.texts.pop(MODERATION_KIND, "").split())
    kinds = framework.moderation.kinds
    if not typed or not kinds:
        return []
    kind = kind_of(typed, kinds)
    if kind is None:
        return [
            Finding(
                "error",
                f"Moderation: {tags.MODERATION_KIND_LABEL.lower()}",
                f"'{typed}' is not a type of moderation this framework has",
                f"Choose one of: {', '.join(tags.moderation_kind_choice(k) for k in kinds)}.",
            )
        ]
    form.texts[MODERATION_KIND] = kind
    return []
