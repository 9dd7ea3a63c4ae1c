"""What waits to be put on children's records and sent, for ``qaf status`` and ``qaf case-notes``.

A note waits until a person says it is on the record (``qaf case-notes --done``, by day or by
audit); its messages and problems wait with it. An output an interruption stopped waits to be
written, which the next ``qaf ingest``, ``qaf watch`` or ``qaf case-notes`` does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qaf_docs.case_ids import typed_id_refusal
from qaf_docs.dates import parse_uk_date, uk
from qaf_docs.errors import QafError
from qaf_docs.outcome_records import EventOutput
from qaf_docs.register.store import Register

# A day as typed: 2026-11-24 (a folder's name), 24/11/2026, 24.11.26 …
_DAY = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}")


@dataclass(frozen=True)
class Waiting:
    """Case notes and messages not yet done, where they are, and what was wrong with them."""

    notes: int = 0
    messages: int = 0
    unwritten: int = 0
    folders: list[str] = field(default_factory=list)  # under outbox/, oldest first
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One line each for a person: counts and folders (problems are listed apart)."""
        if not (self.notes or self.messages or self.unwritten):
            return []
        found = [
            f"{self.notes} case note(s) to put on children's records and {self.messages} "
            f"message(s) to send, in outbox/{', outbox/'.join(self.folders)}"
        ]
        if self.unwritten:
            found.append(
                f"{self.unwritten} of them not written yet (stopped by an interruption): the next "
                "qaf ingest, qaf watch or qaf case-notes writes them"
            )
        return found


def waiting(register: Register) -> Waiting:
    """What is waiting, as the register records it."""
    outputs = register.outputs(waiting=True, content=False)
    folders = sorted({o.file.rsplit("/", 1)[0] for o in outputs if o.file})
    problems: list[str] = []
    for o in outputs:
        problems += [p for p in o.problems if p not in problems]
    counted = _counted(outputs)
    return Waiting(
        notes=counted.notes,
        messages=counted.messages,
        unwritten=sum(bool(o.file) and o.written_at is None for o in outputs),
        folders=sorted(folders, key=lambda f: (f.rsplit("/", 1)[-1], f)),
        problems=problems,
    )


def mark_done(register: Register, which: str) -> tuple[Waiting, str]:
    """Record that a day's (24/11/2026 or 2026-11-24, a folder's name) or an audit's notes are on
    the records and its messages sent; return the notes and messages that was (those written, as
    ``qaf status`` counts them: a message to nobody found is no file), and the day or audit
    reference as qaf writes it. QafError when nothing of that name waits."""
    which = which.strip()
    outputs = register.outputs(waiting=True, content=False)
    if register.audit(which.upper()) is not None:
        which = which.upper()
        outputs = [o for o in outputs if o.audit_ref == which]
        count = register.mark_done(audit_ref=which)
    elif _DAY.fullmatch(which):
        try:
            day = parse_uk_date(which)
            which = uk(day)
            outputs = [o for o in outputs if o.day == day]
            count = register.mark_done(day=day)
        except ValueError as e:
            raise QafError(f"{e}: write the day as 24/11/2026 or 2026-11-24.") from e
    elif not any(ch.isdigit() for ch in which):  # no day nor audit: a name? never repeated
        raise QafError(f"{typed_id_refusal(which, 'audit reference')} Or name a day (24/11/2026).")
    else:
        raise QafError(
            f"'{which}' is neither a day (e.g. 24/11/2026 or 2026-11-24) nor an audit in the "
            "register: name a folder of outbox/case-notes or an audit reference."
        )
    if not count:
        raise QafError(f"Nothing from {which} is waiting to go on a record; nothing changed.")
    return _counted(outputs), which


def _counted(outputs: list[EventOutput]) -> Waiting:
    return Waiting(
        notes=sum(o.kind == "note" and bool(o.file) for o in outputs),
        messages=sum(o.kind == "message" and bool(o.file) for o in outputs),
    )
