"""Ready-to-send e-mail drafts and who they go to: qaf writes ``.eml`` files and never sends one.

A draft opens in Outlook as an unsent message (``X-Unsent``), ready to check and send, and reads in
any text editor. People come from the roster (:class:`~qaf_docs.records.Person`), found by name or by
role and team; whoever cannot be found, or has no e-mail, is for the caller to warn about.

A case's concern or escalation goes to the holders of each role *for the case's team*
(:func:`for_team`; West Sussex: "the allocated social worker's Team Manager, relevant Service
Manager and Head of Service"), not to every holder in the council.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.charset import Charset
from email.header import Header
from email.message import Message
from email.utils import format_datetime, formataddr

from qaf_docs.records import Person

# The compatibility policy writes a message several times faster than the default one (a burst
# of forms makes thousands); no line limit, since a long subject folded onto a second line reads
# back with a leading space in some programs. UTF-8 text stays 8-bit: readable in any text editor.
_POLICY = policy.compat32.clone(max_line_length=998)
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = None  # type: ignore[assignment]  # None: no encoding (typeshed lacks it)


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


def for_team(holders: Sequence[Person], team: str | None) -> tuple[list[Person], bool]:
    """Of a role's ``holders``, those for a case of ``team``, and whether qaf fell back to all.

    Those whose roster team is the case's; else those with no team on the roster (the role's
    council-wide holders, such as one Head of Service); else, so that nobody goes untold, every
    holder, with True for the caller to say so. A person who manages several teams is listed on
    one roster row per team.
    """
    if team:
        matched = [p for p in holders if fold(p.team) == fold(team)]
        if matched:
            return matched, False
    council_wide = [p for p in holders if not fold(p.team)]
    if council_wide:
        return council_wide, False
    return list(holders), bool(holders)


class Roster:
    """The roster, indexed once to find people by name and by role (a burst asks thousands)."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.people = list(people)
        self._names: dict[str, Person] = {}
        self._roles: dict[str, list[Person]] = {}
        for p in self.people:
            self._names.setdefault(fold(p.name), p)
            self._names.setdefault(_first_name_first(fold(p.name)), p)  # "Smith, Jo": Jo Smith
            self._roles.setdefault(fold(p.role), []).append(p)

    def named(self, name: str | None) -> Person | None:
        """The person on the roster called ``name``, or None."""
        folded = fold(name)
        if not folded:
            return None
        return self._names.get(folded) or self._names.get(_first_name_first(folded))

    def with_role(self, role: str, team: str | None = None) -> list[Person]:
        """Everyone with ``role`` (in ``team``, when given)."""
        holders = self._roles.get(fold(role), [])
        return [p for p in holders if team is None or fold(p.team) == fold(team)]


def _first_name_first(folded: str) -> str:
    """A folded "smith, jo" (a roster's surname first, one comma) as "jo smith"."""
    if folded.count(",") != 1:
        return folded
    surname, first = folded.split(",")
    return " ".join(f"{first} {surname}".split())


def draft(
    to: Person, subject: str, body: str, *, sender: str = "", when: datetime | None = None
) -> bytes:
    """Return an e-mail draft to ``to`` (addressed by name alone when the roster has no e-mail)."""
    message = Message(policy=_POLICY)
    message.set_payload(body, _UTF8)  # MIME-Version, Content-Type, 8-bit transfer encoding
    if sender:
        message["From"] = sender
    message["To"] = (
        formataddr((to.name, to.email), charset="utf-8") if to.email else _header(to.name)
    )
    message["Subject"] = _header(subject)
    message["Date"] = format_datetime(when or datetime.now().astimezone())
    message["X-Unsent"] = "1"  # Outlook opens it as a draft to send
    return message.as_bytes()


def _header(text: str) -> str:
    return text if text.isascii() else Header(text, "utf-8").encode()
