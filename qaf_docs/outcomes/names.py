"""What an event's case note and messages are called: in their file names, in the day's batch,
and in what qaf says of them (``qaf status``, ``qaf case-notes``, the watcher's log).

The register keeps an immediate safeguarding concern as an escalation, so both are the outcome
"escalated"; a person must never take one for the other. A concern is called what it is
everywhere: its messages "! URGENT <audit ref> safeguarding concern <recipient>.eml" (first in
the folder), its case note "<case id> <audit ref> safeguarding concern.txt", and "safeguarding
concern" in every line that names them. Names hold only the case id, the audit reference, the
event and the recipient (never a child's name), each made safe for Windows; the register keeps a
name once given, so a rerun writes no second copy.
"""

from __future__ import annotations

from qaf_docs.frameworks import NOTE_EVENTS
from qaf_docs.outcomes.facts import AuditFacts
from qaf_docs.register.lifecycle import CONCERN_LEVEL
from qaf_docs.safe_output import windows_name

#: Heads the file name of an urgent message: "!" sorts before every digit and letter, in
#: Windows File Explorer as in any listing by name, so urgent messages lead their day's folder.
URGENT = "! URGENT"
CONCERN = "safeguarding concern"
MISSING_HISTORY = "missing_history"
#: Outcomes that make messages but no case note, and the words their file names use.
MESSAGE_ONLY = {MISSING_HISTORY: "missing historical information"}

# What each outcome's people are told of, as "nobody … has been told of <this> yet" says it.
_NEWS = {
    "accepted": "its acceptance",
    "reaudited": "its acceptance",
    "moderated": "its moderation",
    "grade_changed": "its moderation",
    "escalated": "its escalation",
    "escalation_resolved": "its escalation's outcome",
    "upgraded": "its upgrade after escalation",
    "actions_closed": "its actions being closed",
    "actions_reopened": "its actions being reopened",
    MISSING_HISTORY: "its missing historical information",
}


def is_urgent(outcome: str, facts: AuditFacts) -> bool:
    """True for an immediate safeguarding concern: West Sussex, "any immediate safeguarding
    concerns identified must be escalated immediately"; B&NES, "brought to the immediate attention
    of the relevant service manager and Divisional Director"."""
    e = facts.escalation
    return outcome == "escalated" and e is not None and e.level == CONCERN_LEVEL


def called(outcome: str, facts: AuditFacts) -> str:
    """The words for what happened: "safeguarding concern" for a concern, else the event's."""
    if is_urgent(outcome, facts):
        return CONCERN
    return NOTE_EVENTS.get(outcome) or MESSAGE_ONLY.get(outcome, outcome.replace("_", " "))


def told_of(outcome: str, facts: AuditFacts) -> str:
    """What the people an outcome goes to are told of ("its safeguarding concern", "its
    escalation (Re-audit at three months)"), so two warnings about one audit are told apart."""
    if is_urgent(outcome, facts):
        return f"its {CONCERN}"
    e = facts.escalation
    if outcome == "escalated" and e is not None:
        return f"its escalation ({e.title})"
    return _NEWS.get(outcome, f"its {called(outcome, facts)}")


def message_name(outcome: str, facts: AuditFacts, recipient: str) -> str:
    """A message's file name without ".eml": "<audit ref> <event> <recipient>", or for a
    safeguarding concern "! URGENT <audit ref> safeguarding concern <recipient>", which sorts
    first and is not mistaken for the Inadequate pathway's escalation of the same audit."""
    ref, to = windows_name(facts.audit.audit_ref), windows_name(recipient)
    if is_urgent(outcome, facts):
        return f"{URGENT} {ref} {CONCERN} {to}"
    return f"{ref} {called(outcome, facts)} {to}"


def note_name(outcome: str, facts: AuditFacts) -> str:
    """A case note's file name without ".txt": "<case id> <audit ref> <event>", a concern's
    "<case id> <audit ref> safeguarding concern" (not "escalated", nor "escalated (2)" beside the
    Inadequate pathway's escalation of the same audit on the same day)."""
    a = facts.audit
    return f"{windows_name(a.case_id)} {windows_name(a.audit_ref)} {called(outcome, facts)}"


def called_by_file(outcome: str, file: str) -> str:
    """What an output the register holds is, for a line that names it: its file's name says
    "safeguarding concern" where it is one (names are kept once given)."""
    name = file.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    if outcome == "escalated" and (name.startswith(URGENT) or stem.endswith(f" {CONCERN}")):
        return CONCERN
    return NOTE_EVENTS.get(outcome) or MESSAGE_ONLY.get(outcome, outcome.replace("_", " "))
