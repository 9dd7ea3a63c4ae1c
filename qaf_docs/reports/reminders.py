"""Reminders an admin officer can send: one ready-to-send ``.eml`` per person, nothing sent by qaf.

Per auditor, packs due within a week or overdue; per moderator, the queue and its deadlines; per
team manager, actions overdue or due within a week and trackers to return; per escalation role,
and per role an escalation's level makes responsible for resolving it, what is open. Safeguarding concerns come first in every message that touches them. Whoever qaf must
address but cannot find on the roster, or who has no e-mail, is a warning — never a silent skip.
Messages name audits and cases; a child's name is never written, and an action's words are quoted
with the child's own names (where the register holds them) said as "the child".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from qaf_docs.dates import uk
from qaf_docs.frameworks import Framework
from qaf_docs.messages import draft, fold, for_team, with_role
from qaf_docs.records import AWAITING_RETURN, NOT_BACK, AuditResult, EscalationRecord, Person
from qaf_docs.register.lifecycle import CONCERN_LEVEL
from qaf_docs.register.store import Register
from qaf_docs.reports.lifecycle import follow_up_due, unallocated
from qaf_docs.reports.names import Children
from qaf_docs.reports.reaudits import audited_on
from qaf_docs.safe_output import atomic_write, name_key, windows_name

SOON = timedelta(days=7)
TEAM_MANAGER = "Team Manager"
# Lower sorts first: concerns top every message.
CONCERN, ESCALATION, MODERATION, PACKS, ACTIONS = range(5)


@dataclass
class Reminder:
    """One person's message: sections of (priority, heading, lines)."""

    to: Person
    sections: list[tuple[int, str, list[str]]] = field(default_factory=list)
    follows: bool = False  # a reminder was written to them earlier today: this adds to it

    @property
    def subject(self) -> str:
        """The subject line, led by the most urgent section."""
        first = sorted(self.sections)[0]
        urgent = "URGENT: safeguarding concern - " if first[0] == CONCERN else ""
        return f"{urgent}QA audits: {first[1].lower()}"

    def lines(self) -> list[str]:
        """Every line of the reminder's sections."""
        return [line for _, _, lines in self.sections for line in lines]

    def body(self, today: date) -> str:
        """The plain-text message."""
        lines = [f"Dear {self.to.name},", "", f"QA audit reminders as of {uk(today)}.", ""]
        if self.follows:
            lines[2:3] = [f"{lines[2]} Only what is new since your reminder earlier today."]
        for _, heading, items in sorted(self.sections, key=lambda s: s[0]):
            lines += [heading, "-" * len(heading), *(f"- {i}" for i in items), ""]
        lines += ["Reply to the QA team with any question.", "", "QA team"]
        return "\n".join(lines)


@dataclass
class ReminderPlan:
    """Every reminder due today and every person who could not be addressed."""

    reminders: list[Reminder]
    warnings: list[str]


class _Addressing:
    def __init__(self, people: Sequence[Person]) -> None:
        self.people = list(people)
        self.reminders: dict[str, Reminder] = {}
        self.warnings: list[str] = []

    def with_role(self, role: str, team: str | None = None) -> list[Person]:
        return with_role(self.people, role, team)

    def add(self, person: Person, priority: int, heading: str, items: list[str]) -> None:
        if not person.email and person.email_problem:
            self.warn(
                f"{person.name} ({person.role or 'no role'}) will not be reminded until their "
                f"e-mail on the roster is put right ({person.email_problem}): their reminder is "
                "written without an address"
            )
        elif not person.email:
            self.warn(
                f"{person.name} ({person.role or 'no role'}) has no e-mail address on the roster"
            )
        key = fold(person.name)
        reminder = self.reminders.setdefault(key, Reminder(person))
        for i, (before, title, lines) in enumerate(reminder.sections):
            if title == heading:  # one section per heading, at its most urgent
                merged = lines + [x for x in items if x not in lines]
                merged.sort(key=lambda x: "safeguarding concern" not in x)  # concerns first
                reminder.sections[i] = (min(before, priority), title, merged)
                return
        reminder.sections.append((priority, heading, items))

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)


def plan_reminders(
    register: Register,
    people: Sequence[Person],
    framework_for: Callable[[str], Framework],
    today: date,
    moderate: str = "framework",
) -> ReminderPlan:
    """Work out who needs reminding of what today (``moderate``: the moderation setting)."""
    book = _Addressing(people)
    open_escalations = register.escalations(open_only=True)
    concerns = {e.audit_ref: e for e in open_escalations if e.level == CONCERN_LEVEL}
    results = register.results(today=today)
    # What people wrote is quoted with the child's and its family's names taken out.
    quote = Children(r.child_name for r in results).scrub
    audits = {r.audit_ref: r for r in results}
    _escalations(book, open_escalations, audits, framework_for, quote, today)
    for r in results:
        if r.status in NOT_BACK and r.due_on and r.due_on <= today + SOON:
            on_roster = next((p for p in people if fold(p.name) == fold(r.auditor)), None)
            auditor = on_roster or Person(
                r.auditor or "", register_email(register, r.audit_ref), "Auditor", None
            )
            when = "OVERDUE, was due" if r.overdue else "due"
            if not auditor.name:  # counted overdue all the same (records.return_overdue)
                book.warn(
                    f"audit {r.audit_ref} (case {r.case_id}) is {when} {uk(r.due_on)} "
                    + unallocated(r.audit_ref)
                )
                continue
            if r.status == "allocated":  # no pack yet (drawn, or reassigned): nothing to return
                book.warn(
                    f"audit {r.audit_ref} (case {r.case_id}) is {when} {uk(r.due_on)} from "
                    f"{auditor.name}, but its pack has not been written, so {auditor.name} has "
                    f"nothing to return: write it with qaf generate --round {r.round_id}"
                )
                continue
            if people and on_roster is None:  # with no roster at all, that is the warning
                book.warn(_left_roster(auditor, r, f"{when} {uk(r.due_on)}"))
            refused = (
                " - the form you sent could not be accepted: put right what its note says (the "
                "QA team's admin officer sends it back to you with the note) and send it again"
                if r.status == "rejected"
                else ""
            )
            book.add(
                auditor,
                PACKS,
                "Audit tools to return",
                [f"{r.audit_ref} (case {r.case_id}): {when} {uk(r.due_on)}{refused}"],
            )
    queue = register.moderation_queue(framework_for, today, moderate)
    if queue:
        moderators = book.with_role("Moderator")
        if not moderators:
            book.warn(
                f"{len(queue)} audit(s) wait for moderation but the roster lists no Moderator"
            )
        items = [
            f"{m.audit_ref} (case {m.case_id}, {m.grade}): "
            + ("at once (Inadequate)" if m.at_once else f"by {uk(m.deadline)}")
            # As qaf status says it: the deadline has passed (since when, for one due at once).
            + (
                f" OVERDUE (back since {uk(m.returned_on)})"
                if m.at_once and m.returned_on and m.returned_on < today
                else " OVERDUE"
                if m.deadline and m.deadline < today
                else ""
            )
            + (" - SAFEGUARDING CONCERN raised" if m.audit_ref in concerns else "")
            for m in queue
        ]
        for person in moderators:
            book.add(person, MODERATION, "Audits to moderate", items)
    _managers(book, results, concerns, today, quote)
    return ReminderPlan(
        sorted(book.reminders.values(), key=lambda r: sorted(r.sections)[0][0]), book.warnings
    )


def _left_roster(auditor: Person, r: AuditResult, when: str) -> str:
    """The warning for a pack due from an auditor the roster no longer lists (left, or renamed)."""
    kept = (
        f"the e-mail kept when the round was drawn ({auditor.email})"
        if auditor.email
        else "no e-mail: none was kept when the round was drawn"
    )
    return (
        f"{auditor.name} is not on the roster, but audit {r.audit_ref} (case {r.case_id}) is "
        f"theirs: {when}. Their reminder is addressed to {kept}; if they have left, give the "
        f"audit to another auditor: qaf round reassign {r.audit_ref} --to NAME --by YOU "
        '--reason "left the service"'
    )


def register_email(register: Register, audit_ref: str) -> str:
    """The auditor's e-mail the register holds for an audit (from the roster when it was drawn)."""
    audit = register.audit(audit_ref)
    return audit.auditor_email if audit else ""


def _escalations(
    book: _Addressing,
    open_escalations: list[EscalationRecord],
    audits: dict[str, AuditResult],
    framework_for: Callable[[str], Framework],
    quote: Callable[[str, str | None], str],
    today: date,
) -> None:
    for e in open_escalations:
        audit = audits.get(e.audit_ref)
        team = audit.team if audit else None
        # The roles its level makes responsible for resolving it are reminded too (as they were
        # told when it was raised), each person once, in the framework's words.
        framework = framework_for(audit.framework_id) if audit else None
        level = framework.escalation.level(e.level) if framework else None
        duty = level.who_resolves() if level else ""
        # When the case is next audited, as its notification said: overdue once that day passed.
        due = follow_up_due(e, framework, audited_on(audit)) if framework and audit else None
        if due is not None:
            duty = " ".join(
                filter(None, [duty, f"The case is due to be audited again by {uk(due)}."])
            ) + (" OVERDUE" if due < today else "")
        responsible = level.responsible if level else []
        roles = [*e.roles, *(r for r in responsible if fold(r) not in map(fold, e.roles))]
        reason = quote(e.reason, audit.child_name if audit else None)
        for role in roles:
            # The case's team's holders of the role, as its notifications (messages.for_team);
            # a Team Manager is only ever the case's own team's, never another team's.
            if fold(role) == fold(TEAM_MANAGER) and book.with_role(role):
                found, everyone = (book.with_role(role, team) if team else []), False
                if not found:
                    book.warn(_no_team_manager(e, team))
                    continue
            else:
                found, everyone = for_team(book.with_role(role), team)
            if not found:
                book.warn(
                    f"no one on the roster has the role '{role}' ({e.title}, audit {e.audit_ref})"
                )
            elif everyone and not team:
                book.warn(
                    f"audit {e.audit_ref}: no team is recorded for case {e.case_id}, so every "
                    f"{role} ({len(found)}) was reminded; give the case its team on the case list"
                )
            elif everyone:
                book.warn(
                    f"no {role} of team '{team}' on the roster: every {role} was reminded of "
                    f"audit {e.audit_ref}; add the team's {role} (Team column)"
                )
            for person in found:
                if e.level == CONCERN_LEVEL:
                    book.add(
                        person,
                        CONCERN,
                        "Immediate safeguarding concern",
                        [
                            f"audit {e.audit_ref} (case {e.case_id}), raised {uk(e.raised_on)}: {reason}"
                        ],
                    )
                else:
                    said = f"{e.title}: audit {e.audit_ref} (case {e.case_id}) since {uk(e.raised_on)} - {reason}"
                    said = f"{said.rstrip('.')}. {duty}" if duty else said
                    book.add(person, ESCALATION, "Open escalations", [said])


def _no_team_manager(e: EscalationRecord, team: str | None) -> str:
    """The warning for an escalation whose case's team has no Team Manager on the roster."""
    what = "immediate safeguarding concern" if e.level == CONCERN_LEVEL else e.title
    if not team:
        return (
            f"audit {e.audit_ref}: no team is recorded for case {e.case_id}, so no Team Manager "
            f"was reminded of its {what}; give the case its team on the case list"
        )
    return (
        f"no Team Manager of team '{team}' on the roster, so no Team Manager was reminded of "
        f"audit {e.audit_ref}'s {what}; add the team's Team Manager (Team column)"
    )


def _managers(
    book: _Addressing,
    results: list[AuditResult],
    concerns: dict[str, EscalationRecord],
    today: date,
    quote: Callable[[str, str | None], str],
) -> None:
    for r in results:
        if r.status in ("cancelled", "closed") or r.status in AWAITING_RETURN:
            continue
        late = [a for a in r.actions if a.overdue]
        soon = [
            a
            for a in r.actions
            if not a.overdue and a.due_on and a.due_on <= today + SOON and a.status != "Completed"
        ]
        unsigned = [a for a in r.actions if not (a.status == "Completed" and a.signed_off_by)]
        if not (late or soon or unsigned):
            continue
        if not r.team:
            # A case's actions go to its own team's manager only, as its case notes do: with no
            # team, to nobody (another team's manager has no business with this child's audit).
            book.warn(
                f"audit {r.audit_ref}: no team is recorded for case {r.case_id}, so no Team "
                "Manager was reminded of its actions; give the case its team on the case list"
            )
            continue
        managers = book.with_role("Team Manager", r.team)
        if not managers:
            book.warn(f"no Team Manager for team '{r.team}' on the roster (audit {r.audit_ref})")
            continue
        items = []
        if r.audit_ref in concerns:
            items.append(
                f"{r.audit_ref} (case {r.case_id}): an immediate safeguarding concern is open"
            )
        items += [
            f"{r.audit_ref} (case {r.case_id}): '{quote(a.description, r.child_name)}' OVERDUE since {uk(a.due_on)}"
            for a in late
        ]
        items += [
            f"{r.audit_ref} (case {r.case_id}): '{quote(a.description, r.child_name)}' due {uk(a.due_on)}"
            for a in soon
        ]
        if unsigned:
            items.append(
                f"{r.audit_ref} (case {r.case_id}, {r.worker or 'worker not recorded'}): "
                f"{len(unsigned)} action(s) still to complete and sign off - update and return the "
                "tracker from outbox/for-managers"
            )
        for person in managers:
            book.add(
                person,
                CONCERN if r.audit_ref in concerns else ACTIONS,
                "Actions and trackers",
                items,
            )


def reminded_lines(plan: ReminderPlan) -> list[tuple[str, str]]:
    """(recipient, line) of every line of the plan's reminders, as the register records them: a
    reminder written without an e-mail address cannot be sent, so it is not counted as reminded
    (once the roster gives the address, the next day's reminder says it)."""
    return [
        (fold(r.to.name), line)
        for r in plan.reminders
        if r.to.email
        for _, _, lines in r.sections
        for line in lines
    ]


def leave_out_reminded(plan: ReminderPlan, before: set[tuple[str, str]]) -> int:
    """Take out of ``plan`` each line its person was reminded of on an earlier day (``before``),
    and a reminder left with nothing; return how many lines were taken out. A reminder is produced
    once per event: the same line again is the same event, a changed one (OVERDUE) a new one."""
    dropped = 0
    kept: list[Reminder] = []
    for reminder in plan.reminders:
        sections = []
        for priority, heading, lines in reminder.sections:
            new = [x for x in lines if (fold(reminder.to.name), x) not in before]
            dropped += len(lines) - len(new)
            if new:
                sections.append((priority, heading, new))
        if sections:
            reminder.sections = sections
            kept.append(reminder)
    plan.reminders = kept
    return dropped


def write_reminders(
    plan: ReminderPlan,
    folder: Path,
    today: date,
    *,
    sender: str = "",
    taken: Collection[str] = (),
) -> list[Path]:
    """Write each reminder as ``<folder>/<recipient>.eml`` (a draft Outlook opens ready to send).

    Two people whose names make the same file name on Windows ("Jo Smith." and "Jo Smith", or
    "A/B" and "A-B") get "<name> (2).eml", never one reminder written over the other; so does a
    name ``taken`` holds (``name_key`` of a file written earlier: it may be sent or open).
    """
    written: list[Path] = []
    used: set[str] = set(taken)
    for reminder in plan.reminders:
        data = draft(reminder.to, reminder.subject, reminder.body(today), sender=sender)
        name, n = windows_name(reminder.to.name), 1
        while name_key(name if n == 1 else f"{name} ({n})") in used:
            n += 1
        name = name if n == 1 else f"{name} ({n})"
        used.add(name_key(name))
        path = folder / f"{name}.eml"
        written.append(atomic_write(path, lambda tmp, data=data: tmp.write_bytes(data)))  # type: ignore[misc]
    return written
