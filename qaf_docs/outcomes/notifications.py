"""Who is told of each outcome, and what their e-mail says (qaf writes it; a person sends it).

- accepted or re-audited: the practitioner and their team manager, with the summary and the
  actions (B&NES: "The manager completing the audit will send an alert … to the relevant social
  worker"); and the Moderator too where the grade is one the framework moderates at once (West
  Sussex: "When case work is deemed inadequate by the auditor, it will be moderated immediately");
- moderated, or grade changed: the roles the framework's ``moderation.notify`` names, else the
  practitioner, team manager and auditor (West Sussex: "The moderator will alert the practitioner,
  manager and auditor … It is good practice to send an email notification that the moderation has
  been completed, and the outcome");
- escalated: the roles the escalation went to, and those its level makes responsible for
  resolving it (West Sussex: "It will be the responsibility of the Head of Service and Service
  Manager to resolve the matter"), each message saying who is responsible;
- an escalation resolved (or the audit upgraded after one): as for a moderation, the outcome.
- an accepted form that ticks "Historical information missing": the roles the framework's
  ``escalation.missing_historical_information`` names, once per audit, with what the auditor wrote
  (Brighton & Hove: "The Monitoring & Evaluation Sub Committee should be informed of any cases where
  there are issues related to accessing historical information").

No message names the child, whatever ``show_child_names`` says: an e-mail is forwarded and kept in
mailboxes, so it gives the case id and the audit reference (the setting covers forms and the note
for the child's own record). What people wrote (the summary, actions, reasons) is quoted with the
child's own names, where the register holds them, said as "the child" (and those of the other
children it holds under the child's surname, brothers and sisters as far as qaf can tell, as
"another child"), as reports quote it; the case note keeps the words as written.

The practitioner is the case's allocated worker, found on the roster by name; the team manager is
the roster's Team Manager of the case's team; the auditor is the audit's. Any other role (Service
Manager, Head of Service …) goes to its holders for the case's team, else to its holders with no
team on the roster; only when neither exists is every holder told, each message saying why and
``qaf status`` saying which team's holder to add (:func:`~qaf_docs.messages.for_team`). Anyone
who cannot be found, or has no e-mail, is a problem for ``qaf status``: their message is still
written, addressed by name, where qaf knows the name, and otherwise nobody can be told and the
problem says so, until a later run finds them on the roster (``produce`` readdresses it). An
auditor whose roster row has no usable address is written to at the one the register recorded when
the audit was allocated, and the problem says so.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from qaf_docs.dates import uk
from qaf_docs.messages import Roster, fold, for_team
from qaf_docs.outcomes.case_note import happened
from qaf_docs.outcomes.facts import MISSING_HISTORY_TEXT, AuditFacts, responsibility
from qaf_docs.outcomes.names import MISSING_HISTORY, is_urgent, told_of
from qaf_docs.records import Person
from qaf_docs.reports.names import without_child

PRACTITIONER, TEAM_MANAGER, AUDITOR = "Practitioner", "Team Manager", "Auditor"
MODERATOR = "Moderator"
_PRACTITIONER_ROLES = {"practitioner", "social worker", "allocated worker", "key worker"}


@dataclass(frozen=True)
class Notice:
    """One message to one person, or a role nobody on the roster holds (``to`` is None)."""

    role: str
    to: Person | None
    subject: str
    body: str
    problem: str = ""


def roles_to_tell(outcome: str, facts: AuditFacts) -> list[str]:
    """The roles told of ``outcome`` (none for actions closed)."""
    if outcome in ("accepted", "reaudited"):
        # West Sussex: an Inadequate audit "will be moderated immediately": its moderator is
        # told now, not at the next reminder (a month-end moderation waits for that).
        return [PRACTITIONER, TEAM_MANAGER] + ([MODERATOR] if moderate_at_once(facts) else [])
    if outcome in ("moderated", "grade_changed", "escalation_resolved", "upgraded"):
        return list(facts.framework.moderation.notify) or [PRACTITIONER, TEAM_MANAGER, AUDITOR]
    if outcome == "escalated" and facts.escalation is not None:
        return [*facts.escalation.roles, *facts.responsible]
    if outcome == MISSING_HISTORY:
        return list(facts.framework.escalation.missing_historical_information)
    return []


def moderate_at_once(facts: AuditFacts) -> bool:
    """True when the audit's grade is one its framework moderates at once and no moderated grade
    came with it."""
    framework = facts.framework
    return (
        bool(framework.sections.moderation)
        and not facts.moderated_grade
        and framework.moderated_at_once(facts.grade)
    )


def flags_missing_history(outcomes: list[str], facts: AuditFacts) -> bool:
    """True when an event accepting a form that ticks missing history is for the roles the
    framework names for it (the caller makes sure it is the audit's first)."""
    accepted = any(o in ("accepted", "reaudited") for o in outcomes)
    roles = facts.framework.escalation.missing_historical_information
    return accepted and facts.missing_history is not None and bool(roles)


def notices(
    outcome: str,
    facts: AuditFacts,
    roster: Roster,
    *,
    roster_note: str = "",
    roles: Collection[str] | None = None,
) -> list[Notice]:
    """The messages ``outcome`` calls for, one per person (each person once); only those to
    ``roles`` where given (the roles nobody could be addressed for before)."""
    found: list[Notice] = []
    seen: set[str] = set()
    subject, news = _subject(outcome, facts), told_of(outcome, facts)
    for role in roles_to_tell(outcome, facts):
        if roles is not None and role not in roles:
            continue
        for person, problem, why in _people(role, facts, roster, roster_note, news, outcome):
            if person is not None and fold(person.name) in seen:
                continue
            if person is not None:
                seen.add(fold(person.name))
            body = _body(outcome, facts, person, why) if person else ""
            found.append(Notice(role, person, subject, body, problem))
    return found


def _where(facts: AuditFacts) -> str:
    return f"audit {facts.audit.audit_ref} (case {facts.audit.case_id})"


def _people(
    role: str, facts: AuditFacts, roster: Roster, roster_note: str, news: str, outcome: str = ""
) -> list[tuple[Person | None, str, str]]:
    """Who holds ``role`` for this audit, each with a problem sentence ("" when fine) and, for
    their message, why they are told when they are not the role's holder for the case's team.

    A sentence about nobody told says of what (``news``: "its safeguarding concern"): ``qaf
    status`` lists each sentence once, and a concern's must not merge into its escalation's.

    Missing historical information goes to a body of the whole area (Brighton & Hove's Monitoring
    & Evaluation Sub Committee, whose members come from several agencies), so to every holder of
    the role, team or none: the case's team is no business of theirs, and in a small team it
    narrows down which child the case id is, so neither their message nor the warning names it."""
    a, where = facts.audit, _where(facts)
    if fold(role) in _PRACTITIONER_ROLES:
        if not a.worker:
            return [
                (
                    None,
                    f"{where}: no allocated worker is recorded, so no practitioner was told of {news}",
                    "",
                )
            ]
        return [
            (*_known(roster.named(a.worker), a.worker, role, a.team, "", where, roster_note), "")
        ]
    if fold(role) == fold(AUDITOR):
        if not a.auditor:
            return [
                (None, f"{where}: no auditor is recorded, so no auditor was told of {news}", "")
            ]
        found = _known(roster.named(a.auditor), a.auditor, role, None, a.auditor_email, where, "")
        return [(*found, "")]
    team = "" if outcome == MISSING_HISTORY else a.team
    if outcome == MISSING_HISTORY:
        holders, everyone = roster.with_role(role), False
    elif fold(role) == fold(TEAM_MANAGER):
        if not team:  # never every team's manager
            note = f" ({roster_note})" if roster_note else ""
            return [
                (None, f"{where}: no team is recorded, so no {role} was told of {news}{note}", "")
            ]
        holders, everyone = roster.with_role(role, team), False
    else:
        holders, everyone = for_team(roster.with_role(role), team)
    whose = f" of team '{team}'" if team else ""
    if not holders:
        # Said as it is at the last run: the next run that finds a holder writes their message.
        because = roster_note or f"no one on the roster is the {role}{whose}"
        then = (
            "once the workspace has a roster that lists them"
            if roster_note
            else "add them to the roster" + (" (Team column)" if team else "")
        )
        missing = (
            f"{where}: nobody in the role {role}{whose} has been told of {news} yet ({because}): "
            f"{then}, "
            "and the next qaf case-notes, qaf ingest or qaf watch writes their message"
        )
        return [(None, missing, "")]
    problem = why = ""
    if everyone and not team:
        problem = (
            f"{where}: no team is recorded, so every {role} ({len(holders)}) was told of {news}"
        )
        why = f"You are sent this as a {role}: no team is recorded for this case."
    elif everyone:
        problem = (
            f"{where}: no one on the roster is the {role}{whose}, so every {role} "
            f"({len(holders)}) was told of {news}: add the team's {role} to the roster (Team column; "
            "one row per team they manage)"
        )
        why = f"You are sent this as a {role}: the roster names no {role}{whose}."
    if why:
        why += " Please pass it to the right person."
    told = [_known(p, p.name, role, p.team, "", where, "") for p in holders]
    return [(person, "; ".join(filter(None, (own, problem))), why) for person, own in told]


def _known(
    person: Person | None,
    name: str,
    role: str,
    team: str | None,
    email: str,
    where: str,
    roster_note: str,
) -> tuple[Person, str]:
    if person is None:
        person = Person(name, email, role, team)
        if not email and roster_note:  # a fact of that run, so said as one
            return person, (
                f"{where}: the {role.lower()} {name} could not be looked up when their message "
                f"was written ({roster_note}): it has no e-mail address; add it before sending"
            )
        if not email:
            return person, (
                f"{where}: the {role.lower()} {name} is not on the roster: their message "
                "has no e-mail address; add it before sending"
            )
    if not person.email and email:
        return _register_address(person, email, role, where)
    if not person.email and person.email_problem:
        return person, (
            f"{where}: {person.name} ({role.lower()}) will not be told until their e-mail on the "
            f"roster is put right ({person.email_problem}): their message is written without "
            "an address; correct the roster and add the address before sending it"
        )
    if not person.email:
        return person, (
            f"{where}: {person.name} ({role.lower()}) has no e-mail address on the roster: "
            "add it before sending their message"
        )
    return person, ""


def _register_address(person: Person, email: str, role: str, where: str) -> tuple[Person, str]:
    """An auditor whose roster row lost its address is written to at the one the register recorded
    when the audit was allocated (from that day's roster), and the warning says so: told at an
    address the roster once gave beats a message nobody can send."""
    why = f"cannot be used ({person.email_problem})" if person.email_problem else "is blank"
    return replace(person, email=email), (
        f"{where}: the roster's e-mail for {person.name} ({role.lower()}) {why}: their message is "
        f"addressed to {email}, the address recorded when the audit was allocated; correct the "
        "roster"
    )


def _subject(outcome: str, facts: AuditFacts) -> str:
    where = f"Audit {facts.audit.audit_ref} (case {facts.audit.case_id})"
    e = facts.escalation
    if outcome == "escalated" and e is not None:
        urgent = "URGENT: safeguarding concern - " if is_urgent(outcome, facts) else ""
        return f"{urgent}{where}: {e.title}"
    said = {
        "accepted": "accepted - the summary and your actions",
        "reaudited": "re-audit accepted - the summary and your actions",
        "moderated": "moderation completed - grade agreed",
        "grade_changed": "moderation completed - grade changed",
        "escalation_resolved": "escalation resolved - the outcome",
        "upgraded": "upgraded after escalation",
        MISSING_HISTORY: "historical information missing",
    }
    again = " (corrected copy: replaces the earlier one)" if facts.replaces else ""
    if outcome in ("accepted", "reaudited") and moderate_at_once(facts):
        first = said[outcome].split(" - ")[0]
        return f"{where}: {first} - graded {facts.grade}: to be moderated at once{again}"
    return f"{where}: {said.get(outcome, outcome.replace('_', ' '))}{again}"


def _body(outcome: str, facts: AuditFacts, person: Person, why: str = "") -> str:
    a = facts.audit
    if outcome == MISSING_HISTORY:
        return _missing_history_body(facts, person, why)

    def said(text: str) -> str:  # what someone wrote, the child's and its family's names taken out
        return without_child(text, a.child_name, facts.family)

    lines = [f"Dear {person.name},", "", happened(outcome, facts), ""]
    if why:
        lines += [why, ""]
    lines.append(f"Case {a.case_id}")
    if facts.grade:
        lines.append(f"Grade given by the auditor: {facts.grade}")
    if facts.moderated_grade:
        lines.append(f"Moderated grade: {facts.moderated_grade}")
        if facts.moderation_reason:
            lines.append(f"Moderator's reason: {said(facts.moderation_reason)}")
    if facts.escalation_grade:
        lines.append(f"Grade after escalation: {facts.escalation_grade}")
    if outcome in ("accepted", "reaudited") and moderate_at_once(facts):
        lines += [
            "",
            f"This audit is graded {facts.grade}, so it is to be moderated at once (before the "
            f"{facts.grade} process is followed).",
        ]
    e = facts.escalation
    if outcome == "escalated" and e is not None:
        lines += ["", f"{e.title} (raised {uk(e.raised_on)}): {said(e.reason)}"]
        if responsibility(facts):
            lines.append(responsibility(facts))
        if facts.next_audit_due:
            lines.append(f"The case is due to be audited again by {uk(facts.next_audit_due)}.")
        if e.resolved_on:
            lines.append(f"Already resolved on {uk(e.resolved_on)}: {said(e.resolution or '')}.")
    if facts.resolution:
        lines += ["", f"Outcome of the escalation: {said(facts.resolution)}"]
    if outcome in ("accepted", "reaudited") and facts.findings.strip():
        lines += ["", "Summary", said(" ".join(facts.findings.split())[:600])]
    if facts.actions and outcome != "escalated":
        lines += ["", "Actions (owner, due date)"]
        lines += [
            f"- {said(t.description)} ({t.owner or 'no owner'}, due {uk(t.due_on) or 'no date'})"
            + (" - immediate" if t.immediate else "")
            for t in facts.actions
        ]
    lines += ["", f"Audit reference: {a.audit_ref}", "", "QA team"]
    return "\n".join(lines)


def _missing_history_body(facts: AuditFacts, person: Person, why: str) -> str:
    a = facts.audit
    title = facts.framework.sections.title(MISSING_HISTORY_TEXT)
    lines = [
        f"Dear {person.name},",
        "",
        f"The auditor of audit {a.audit_ref} (case {a.case_id}), accepted on "
        f'{uk(facts.event_on)}, ticked "Historical information missing": there were issues '
        "related to accessing historical information for this case.",
        "",
    ]
    if why:
        lines += [why, ""]
    lines += [
        f'What the auditor wrote under "{title}":',
        without_child(" ".join((facts.missing_history or "").split()), a.child_name, facts.family)
        or "(nothing was written there)",
        "",
        f"Audit reference: {a.audit_ref}",
        "",
        "QA team",
    ]
    return "\n".join(lines)
