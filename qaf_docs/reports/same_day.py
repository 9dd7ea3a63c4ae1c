"""``qaf remind`` run again the same day: nothing is sent twice, nothing written earlier replaced.

The admin officer sends every e-mail in today's folder, and may have sent or opened any of them
by the time someone runs ``qaf remind`` again (after a pack came back, after a run that stopped
half-way). So a later run that day:

- leaves out of each person's reminder what a reminder written to them earlier today already
  says: their file in today's folder, or the register's record of the day (a file moved away
  once it was sent);
- writes what is new as a reminder of its own beside the earlier one ("<name> (2).eml", saying it
  holds only what is new), never over it;
- takes out an earlier reminder whose every line is no longer due (the pack came back: sending it
  would chase work already done); one with only some lines no longer due is left as it is, with a
  warning naming them, since it may be open or sent already;
- says which earlier reminders it left as they were.
"""

from __future__ import annotations

import email
from collections.abc import Set
from dataclasses import dataclass, field
from datetime import date
from email import policy
from pathlib import Path

from qaf_docs.messages import fold
from qaf_docs.reports.reminders import ReminderPlan, leave_out_reminded, write_reminders
from qaf_docs.safe_output import name_key


@dataclass
class Earlier:
    """A reminder in today's folder from an earlier run: its file, whom it greets, its lines."""

    path: Path
    recipient: str  # folded, as the register records a recipient
    items: list[str]
    sendable: bool = True  # addressed: it may have been sent (one without an address cannot)


@dataclass
class SameDay:
    """What a run wrote, and what it did with the reminders written earlier that day."""

    written: list[Path] = field(default_factory=list)
    follows: list[str] = field(default_factory=list)  # written files that add to an earlier one
    left: list[str] = field(default_factory=list)
    already: int = 0
    taken_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)  # due, and written earlier today


def earlier_reminders(folder: Path) -> list[Earlier]:
    """The reminders in ``folder`` that qaf wrote (greeting and lines read back from each)."""
    found: list[Earlier] = []
    for path in sorted(folder.glob("*.eml")) if folder.is_dir() else []:
        try:
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            text = str(message.get_content())
        except (OSError, ValueError, LookupError, KeyError):
            continue  # not one qaf wrote, or unreadable: left as it is
        lines = text.splitlines()
        if not lines or not lines[0].startswith("Dear ") or not lines[0].endswith(","):
            continue
        items = [x[2:].strip() for x in lines if x.startswith("- ")]
        sendable = "@" in str(message["To"] or "")
        found.append(Earlier(path, fold(lines[0][5:-1]), items, sendable))
    return found


def remind_today(
    plan: ReminderPlan,
    folder: Path,
    today: date,
    recorded_today: Set[tuple[str, str]],
    *,
    sender: str = "",
) -> SameDay:
    """Write ``plan``'s reminders into today's ``folder`` beside what an earlier run wrote there;
    ``recorded_today``: (recipient, line) the register records as first written today."""
    earlier = earlier_reminders(folder)
    due = {(fold(r.to.name), line) for r in plan.reminders for line in r.lines()}
    # One written without an address cannot have been sent: it is written again, over itself.
    unsent = [e for e in earlier if not e.sendable]
    earlier = [e for e in earlier if e.sendable]
    said = set(recorded_today) | {(e.recipient, i) for e in earlier for i in e.items}
    # Written earlier today by a run that stopped before recording them: recorded now, so a
    # later day leaves them out as it would had that run finished.
    sendable = {(fold(r.to.name), x) for r in plan.reminders if r.to.email for x in r.lines()}
    run = SameDay(seen=sendable & said)
    run.already = leave_out_reminded(plan, said)
    before = {who for who, _ in said}
    for reminder in plan.reminders:
        reminder.follows = fold(reminder.to.name) in before
    taken = {name_key(e.path.stem) for e in earlier}
    run.written = write_reminders(plan, folder, today, sender=sender, taken=taken)
    run.follows = [p.name for r, p in zip(plan.reminders, run.written, strict=True) if r.follows]
    rewritten = {name_key(p.name) for p in run.written}
    earlier += [e for e in unsent if name_key(e.path.name) not in rewritten]
    for e in earlier:
        gone = [i for i in e.items if (e.recipient, i) not in due]
        if e.items and len(gone) == len(e.items):
            try:
                e.path.unlink()
                run.taken_out.append(e.path.name)
            except OSError as exc:
                run.warnings.append(
                    f"{e.path.name} in {folder}, written earlier today, is no longer due but "
                    f"could not be taken out ({exc.strerror or exc}): delete it rather than send it"
                )
            continue
        run.left.append(e.path.name)
        if gone:
            run.warnings.append(
                f"{e.path.name}, written earlier today, also reminds of what is no longer due "
                f"({'; '.join(gone)}): if it is not sent yet, take that out before sending it"
            )
    return run


def remind_said(run: SameDay, folder: Path, repeated: int) -> list[str]:
    """What ``qaf remind`` tells the admin officer it did (a second run that day included)."""
    said = []
    if run.written:
        said.append(f"{len(run.written)} reminder(s) written to {folder}")
    elif run.left:
        said.append(
            "Nothing new to remind of since the reminders written earlier today: "
            f"{len(run.left)} left in {folder} as they were (send any not sent yet)."
        )
    else:
        said.append("No reminders due today.")
    if run.follows:
        said.append(
            "Written beside a reminder from earlier today, with only what is new since (the "
            "earlier one is left as it was): " + ", ".join(run.follows)
        )
    if run.written and run.left:
        said.append(
            f"{len(run.left)} reminder(s) written earlier today left as they were: "
            + ", ".join(run.left)
        )
    if run.already:
        one = run.already == 1
        said.append(
            f"{run.already} thing{'' if one else 's'} already in a reminder written earlier today "
            f"{'is' if one else 'are'} left out: nothing is sent twice."
        )
    if repeated:
        one = repeated == 1
        said.append(
            f"{repeated} thing{'' if one else 's'} people were reminded of on an earlier day "
            f"{'is' if one else 'are'} left out: each is reminded once, and again only when it "
            "changes (an action or pack becoming OVERDUE); qaf status lists everything open."
        )
    if run.taken_out:
        one = len(run.taken_out) == 1
        said.append(
            f"{len(run.taken_out)} reminder{'' if one else 's'} written earlier today "
            f"{'is' if one else 'are'} no longer due and {'was' if one else 'were'} taken out: "
            + ", ".join(run.taken_out)
        )
    return said
