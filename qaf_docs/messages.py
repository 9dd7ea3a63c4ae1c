"""Ready-to-send e-mail drafts and who they go to: qaf writes ``.eml`` files and never sends one.

A draft opens in Outlook as an unsent message (``X-Unsent``), ready to check and send, and reads in
any text editor. People come from the roster (:class:`~qaf_docs.records.Person`), found by name or by
role and team; whoever cannot be found, or has no e-mail, is for the caller to warn about.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from qaf_docs.records import Person

# A long subject folded onto a second line reads back with a leading space in some programs
# (Python's own parser too); no subject qaf writes comes near the 998 the standard allows.
_UNFOLDED = policy.default.clone(max_line_length=998)


def fold(text: str | None) -> str:
    """Fold a name, role or team for comparison: case and spacing ignored."""
    return " ".join((text or "").casefold().split())


def with_role(people: Sequence[Person], role: str, team: str | None = None) -> list[Person]:
    """Everyone on the roster with ``role`` (in ``team``, when given)."""
    return [
        p
        for p in people
        if fold(p.role) == fold(role) and (team is None or fold(p.team) == fold(team))
    ]


def named(people: Sequence[Person], name: str | None) -> Person | None:
    """The person on the roster called ``name``, or None."""
    wanted = fold(name)
    return next((p for p in people if wanted and fold(p.name) == wanted), None)


def draft(
    to: Person, subject: str, body: str, *, sender: str = "", when: datetime | None = None
) -> bytes:
    """Return an e-mail draft to ``to`` (addressed by name alone when the roster has no e-mail)."""
    message = EmailMessage(policy=_UNFOLDED)
    if sender:
        message["From"] = sender
    message["To"] = formataddr((to.name, to.email)) if to.email else to.name
    message["Subject"] = subject
    message["Date"] = format_datetime(when or datetime.now().astimezone())
    message["X-Unsent"] = "1"  # Outlook opens it as a draft to send
    message.set_content(body, cte="8bit")  # readable in any text editor
    return bytes(message)
