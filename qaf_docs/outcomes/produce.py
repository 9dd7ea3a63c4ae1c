"""Produce each audit event's case notes and notifications once, and say what waits.

Run whenever the register may have moved on: with the derived files after every ingest and
watcher burst (:func:`qaf_docs.inbox.derived.bring_up_to_date`), after a dispute, and by
``qaf case-notes``. Each step is safe to stop anywhere:

1. plan: every event not yet handled becomes its outputs (what each file says, where it goes,
   what was wrong), claimed in the register in one transaction: once, whoever runs;
2. write: every output not yet written is written from what the register holds, atomically, with
   its day's batch CSV;
3. mark: only then is it recorded as written. A run stopped before that writes the same files
   again next time, word for word, under the same names.

A message nobody could be addressed for (no roster in the workspace, or nobody on it in the role)
is recorded without a file, its problem saying so. Every run looks for them again first, with the
roster as it is now: one it can address becomes the messages to the people found, written with
that run's outputs, once each (:func:`readdress`); one it still cannot has its problem said as
things are now. Once its day or audit is marked done it is left alone.

Files go to ``outbox/case-notes/<date>/<case id> <audit ref> <event>.txt`` (and ``.docx``) and
``outbox/notifications/<date>/<audit ref> <event> <recipient>.eml``, a safeguarding concern's
named as one (``<case id> <audit ref> safeguarding concern.txt``, and ``! URGENT <audit ref>
safeguarding concern <recipient>.eml`` first in the folder: :mod:`qaf_docs.outcomes.names`);
names never hold a child's name.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from qaf_docs import clock
from qaf_docs.cases.people import find_roster, read_people
from qaf_docs.dates import uk
from qaf_docs.errors import QafError, os_error_advice
from qaf_docs.frameworks import Framework
from qaf_docs.messages import Roster, draft
from qaf_docs.outcome_records import EventOutput, OutcomeEvent
from qaf_docs.outcomes.batch import batch_csv, batch_name
from qaf_docs.outcomes.case_note import CaseNote, build_note
from qaf_docs.outcomes.facts import AuditFacts, gather, outcomes_of
from qaf_docs.outcomes.names import (
    MISSING_HISTORY,
    called_by_file,
    message_name,
    note_name,
)
from qaf_docs.outcomes.note_docx import write_note_docx
from qaf_docs.outcomes.notifications import (
    Notice,
    flags_missing_history,
    notices,
    roles_to_tell,
)
from qaf_docs.records import Person
from qaf_docs.register.store import Register
from qaf_docs.safe_output import (
    atomic_write,
    make_durable,
    remove_leftover_temp_files,
    windows_name,
)
from qaf_docs.workspace import Settings, Workspace, frameworks_of

log = logging.getLogger("qaf.outcomes")

NOTES, NOTIFICATIONS = "case-notes", "notifications"


@dataclass
class Produced:
    """What a run wrote and could not write (plain sentences naming audits, never a child)."""

    written: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: int = 0
    messages: int = 0


def produce(
    ws: Workspace,
    register: Register,
    settings: Settings,
    *,
    today: date | None = None,
    people: Sequence[Person] | None = None,
) -> Produced:
    """Plan the outputs of every event not yet handled, then write every output not yet written.

    ``people`` is the roster (default: the workspace's roster.xlsx or roster.csv). Never raises
    for a file it cannot write: that is listed in ``failed`` and written at the next run.
    """
    today = today or clock.today()
    unaddressed = register.outputs(waiting=True, unaddressed=True, content=False)
    events = register.events_waiting()
    if events or unaddressed:
        found, roster_note = (list(people), "") if people is not None else _roster(ws)
        roster = Roster(found)
        framework_of = frameworks_of(ws)
        # One commit for the lot (each claim a savepoint): nothing is written before it commits,
        # so a claim lost to a failure is planned again by the next run.
        with register.transaction(counted=False):
            for event in events:
                outputs = plan_event(
                    register, event, framework_of, roster, settings, today, roster_note
                )
                register.claim_event(event, outputs)
        untried = _not_tried(ws, found, roster_note, unaddressed)
        readdress(register, untried, framework_of, roster, settings, today, roster_note)
    return write_waiting(ws, register)


# The messages nobody could be addressed for that this process has looked at again with a given
# roster: ``qaf watch`` produces after every burst, and a message the same roster could not
# address before it cannot now. Tried again when the roster changes (or in a new process).
_TRIED: dict[tuple[str, int], set[tuple[int, str, str]]] = {}


def _not_tried(
    ws: Workspace, people: Sequence[Person], note: str, unaddressed: Sequence[EventOutput]
) -> list[EventOutput]:
    if len(_TRIED) > 16:
        _TRIED.clear()  # a few rosters and workspaces a process; never let this grow
    tried = _TRIED.setdefault((str(ws.root), hash((note, tuple(people)))), set())
    fresh = [o for o in unaddressed if (o.event_id, o.outcome, o.recipient) not in tried]
    tried.update((o.event_id, o.outcome, o.recipient) for o in fresh)
    return fresh


def _roster(ws: Workspace) -> tuple[list[Person], str]:
    path = find_roster(ws.root)
    if path is None:
        return [], "there was no roster.xlsx or roster.csv in the workspace"
    try:
        return read_people(path), ""
    except (QafError, OSError) as exc:
        return [], f"{path.name} could not be read: {exc}"


def readdress(
    register: Register,
    unaddressed: Sequence[EventOutput],
    framework_of: Callable[[str], Framework],
    roster: Roster,
    settings: Settings,
    today: date,
    roster_note: str = "",
) -> None:
    """Address the messages nobody could be addressed for when their event was planned (each
    an output without a file, its recipient the role) to whoever the roster names now."""
    groups: dict[tuple[int, str], list[EventOutput]] = {}
    for output in unaddressed:
        groups.setdefault((output.event_id, output.outcome), []).append(output)
    events = {e.id: e for e in register.outcome_events(e for e, _ in groups)}
    for (event_id, outcome), old in groups.items():
        event, audit = events.get(event_id), register.audit(old[0].audit_ref)
        if event is None or audit is None:
            continue
        facts = gather(register, event, framework_of(audit.framework_id))
        if facts is None:
            continue
        roles = {o.recipient for o in old}
        found: list[tuple[str, EventOutput]] = []
        still: dict[str, str] = {}
        for notice in notices(outcome, facts, roster, roster_note=roster_note, roles=roles):
            if notice.to is None:
                still[notice.role] = " ".join(notice.problem.split())
            else:
                found.append(
                    (notice.role, _message(event, outcome, notice, facts, settings, today))
                )
        # A role no longer told of this outcome (the framework changed) is left as it was.
        addressed = (roles & set(roles_to_tell(outcome, facts))) - set(still)
        register.readdress(old, found, still, addressed)


def plan_event(
    register: Register,
    event: OutcomeEvent,
    framework_of: Callable[[str], Framework],
    roster: Roster,
    settings: Settings,
    today: date,
    roster_note: str = "",
) -> list[EventOutput]:
    """What ``event`` produces: its case notes and messages, each with where it goes."""
    audit = register.audit(event.audit_ref)
    facts = gather(register, event, framework_of(audit.framework_id)) if audit else None
    if facts is None:
        return []
    a = facts.audit
    child = a.child_name if settings.show_child_names else None
    outputs: list[EventOutput] = []
    outcomes = outcomes_of(event, facts.reaudit, facts.framework.scale.grades)
    # Once per audit: a corrected copy that ticks it again does not tell them twice.
    if flags_missing_history(outcomes, facts) and not register.produced(
        a.audit_ref, MISSING_HISTORY
    ):
        outcomes.append(MISSING_HISTORY)
    for outcome in outcomes:
        if facts.framework.case_notes.makes_note(outcome):
            note = build_note(outcome, facts, child_name=child)
            file = f"{NOTES}/{today.isoformat()}/{note_name(outcome, facts)}.txt"
            outputs.append(_output(event, outcome, "note", "", facts, today, file, note.to_json()))
        for notice in notices(outcome, facts, roster, roster_note=roster_note):
            outputs.append(_message(event, outcome, notice, facts, settings, today))
    if outputs:  # what is wrong with the case itself goes with the event's first output
        first = outputs[0]
        outputs[0] = _output(
            event,
            first.outcome,
            first.kind,
            first.recipient,
            facts,
            today,
            first.file,
            first.content,
            (*case_problems(facts), *first.problems),
        )
    return outputs


def _message(
    event: OutcomeEvent,
    outcome: str,
    notice: Notice,
    facts: AuditFacts,
    settings: Settings,
    today: date,
) -> EventOutput:
    """The output of one notice: its e-mail, or (nobody to address) only its problem."""
    content, file = "", ""
    if notice.to is not None:
        name = message_name(outcome, facts, notice.to.name)
        file = f"{NOTIFICATIONS}/{today.isoformat()}/{name}.eml"
        content = json.dumps(
            {
                "name": notice.to.name,
                "email": notice.to.email,
                "role": notice.role,
                "subject": notice.subject,
                "body": notice.body,
                "sender": settings.lifecycle.reminders_from,
                "at": datetime.now().astimezone().isoformat(timespec="seconds"),
            },
            ensure_ascii=False,
        )
    recipient = notice.to.name if notice.to is not None else notice.role
    problems = (notice.problem,) if notice.problem else ()
    return _output(event, outcome, "message", recipient, facts, today, file, content, problems)


def _output(
    event: OutcomeEvent,
    outcome: str,
    kind: str,
    recipient: str,
    facts: AuditFacts,
    today: date,
    file: str,
    content: str,
    problems: Sequence[str] = (),
) -> EventOutput:
    return EventOutput(
        event_id=event.id,
        outcome=outcome,
        kind=kind,
        recipient=recipient,
        audit_ref=facts.audit.audit_ref,
        case_id=facts.audit.case_id,
        day=today,
        file=file,
        content=content,
        problems=tuple(" ".join(p.split()) for p in problems),
    )


def case_problems(facts: AuditFacts) -> list[str]:
    """What is wrong with the case an event's note is for: each a sentence for ``qaf status``."""
    a = facts.audit
    where = f"audit {a.audit_ref} (case {a.case_id})"
    found: list[str] = []
    if not facts.on_case_list:
        found.append(
            f"{where}: the case is not on the case list qaf drew it from (qaf holds no team, "
            "worker or case details for it): check the case id before the note goes on a record"
        )
    for what, text in (("case id", a.case_id), ("audit reference", a.audit_ref)):
        if windows_name(text) != text:
            found.append(
                f"{where}: the {what} cannot be used as it is in a file name (a file name cannot "
                f"hold / \\ : * ? \" < > |), so its files are named with '{windows_name(text)}' "
                f"instead; the notes themselves say '{text}'"
            )
    return found


def write_waiting(ws: Workspace, register: Register) -> Produced:
    """Write every recorded output whose file is not yet written, then mark them written."""
    done = Produced()
    pending = register.outputs(unwritten=True)
    if not pending:
        return done
    for folder in (NOTES, NOTIFICATIONS):
        if (ws.outbox / folder).is_dir():
            remove_leftover_temp_files(ws.outbox / folder, recursive=True)
    written: list[EventOutput] = []
    paths: list[Path] = []
    for output in pending:
        try:
            paths += _write(ws.outbox, output)
        except (OSError, QafError) as exc:
            done.failed.append(f"{_what(output)}: {_why(exc)}")
            continue
        written.append(output)
    for day in sorted({o.day for o in written if o.kind == "note"}):
        try:
            paths.append(_write_batch(ws.outbox, register, day))
        except (OSError, QafError) as exc:
            done.failed.append(f"the case notes batch of {uk(day)}: {_why(exc)}")
            written = [o for o in written if o.kind != "note" or o.day != day]
    make_durable(paths)
    register.mark_written(written)
    for output in written:
        done.written.append(_what(output))
        done.notes += output.kind == "note"
        done.messages += output.kind == "message"
    for line in done.failed:
        log.warning("could not write %s; will try again at the next run", line)
    return done


def _what(output: EventOutput) -> str:
    label = called_by_file(output.outcome, output.file)
    kind = "case note" if output.kind == "note" else f"message to {output.recipient}"
    return f"the {kind} for audit {output.audit_ref} ({label})"


def _why(exc: OSError | QafError) -> str:
    return str(exc) if isinstance(exc, QafError) else os_error_advice(exc)


def _write(outbox: Path, output: EventOutput) -> list[Path]:
    path = outbox / output.file
    if output.kind == "note":
        note = CaseNote.from_json(output.content)
        data = note.text().replace("\n", "\r\n").encode("utf-8")  # Notepad on any Windows
        paths = [atomic_write(path, lambda tmp: tmp.write_bytes(data), durable=False)]
        if note.docx:
            docx = path.with_suffix(".docx")
            paths.append(atomic_write(docx, lambda tmp: write_note_docx(note, tmp), durable=False))
        return paths
    m = json.loads(output.content)
    to = Person(m["name"], m["email"], m["role"], None)
    when = datetime.fromisoformat(m["at"])
    message = draft(to, m["subject"], m["body"], sender=m["sender"], when=when)
    return [atomic_write(path, lambda tmp: tmp.write_bytes(message), durable=False)]


def _write_batch(outbox: Path, register: Register, day: date) -> Path:
    notes = [
        (o.case_id, CaseNote.from_json(o.content))
        for o in register.outputs(day=day, kind="note")
        if o.file
    ]
    data = batch_csv(notes)
    path = outbox / NOTES / day.isoformat() / batch_name(day.isoformat())
    return atomic_write(path, lambda tmp: tmp.write_bytes(data), durable=False)
