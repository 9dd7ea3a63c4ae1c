"""What a returned file says against what already happened: dates that cannot be right, and a
manager's tracker that drops, rewrites or back-dates the actions agreed in the audit, or that was
issued before the audit form was corrected.

These checks need the audit's history (when its pack was issued, which actions were agreed), so the
inbox passes it in; each problem is an error naming the field or row, for the person who fills it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from qaf_docs.dates import uk_time
from qaf_docs.findings import Finding
from qaf_docs.frameworks import Framework
from qaf_docs.records import AWAITING_RETURN, AuditForm, AuditRecord, TrackerRow
from qaf_docs.returns.action_tracker import TrackerForm
from qaf_docs.returns.tracker_merges import merged_away, merged_over
from qaf_docs.safe_output import cell_text


def issued_on(issued_at: str) -> date | None:
    """The date part of an ISO 8601 issue time, or None when it cannot be read."""
    try:
        return datetime.fromisoformat(issued_at).date()
    except ValueError:
        return None


def audit_date_findings(
    form: AuditForm, *, received_on: date, before_issue: Literal["warning", "error"] = "error"
) -> list[Finding]:
    """An audit dated before its pack was issued is ``before_issue`` (a typed-up record of an
    earlier meeting is possible, so councils choose). One dated after the form arrived is said
    by ``validate``, once, with a day's grace for a form saved just after midnight."""
    when = form.audit_date
    if when is None or when > received_on:
        return []
    issued = issued_on(form.identity.issued_at)
    if issued is not None and when < issued:
        return [
            Finding(
                before_issue,
                "Date of audit",
                f"{when:%d/%m/%Y} is before this audit tool was issued on {issued:%d/%m/%Y}",
                "Give the date the audit meeting took place, on or after the issue date.",
            )
        ]
    return []


def _moment(iso: str | None) -> datetime | None:
    """An ISO 8601 time on this computer's clock (one without an offset is taken as local)."""
    try:
        return datetime.fromisoformat(iso or "").astimezone()
    except ValueError:
        return None


def _words(text: str) -> str:
    """Wording as a tracker cell holds it, spacing and capitals aside."""
    return " ".join(cell_text(text).split()).casefold()


def _changes(tracker: TrackerForm, agreed: Sequence[TrackerRow], by: str) -> list[Finding]:
    """An error for each agreed action's wording, owner or due date the tracker does not show as
    agreed in the audit form (or hides under the cell beside it, merged over it). What a merge
    shows is read where it is plain: a cell merged down shows its block's first value beside
    each row, which counts where it is what was agreed (one owner for two actions); an owner or
    due date the audit left blank hides nothing under the cell merged across it."""
    by_number = {a.number: a for a in agreed}
    reported = {f.where for f in tracker.findings}
    found: list[Finding] = []
    for r, at in zip(tracker.rows, tracker.excel_rows, strict=True):
        a = by_number.get(r.number)
        if a is None:  # an action the manager added: its owner and due date are theirs to give
            found += [
                merged_away(f"Row {at}", column, into, what)
                for column, what in (("Owner", "the owner"), ("Due date", "the due date"))
                if (into := tracker.merged_into.get((at, column))) is not None
            ]
            continue
        due = f"{a.due_on:%d/%m/%Y}" if a.due_on else "none given"
        for column, differs, what, agreed_as in (
            ("Action", r.description and _words(r.description) != _words(a.description),
             "the wording of the action", ""),
            ("Owner", _words(r.owner) != _words(a.owner), "the owner", a.owner or "none given"),
            ("Due date", r.due_on != a.due_on and f"Row {at}: Due date" not in reported,
             "the due date", due),
        ):  # fmt: skip
            into = tracker.merged_into.get((at, column))
            over = tracker.merged_over.get((at, column))
            typed_back = "" if agreed_as == "none given" else agreed_as
            if column == "Action" and (into or over):
                continue  # the reader named the hidden action
            if into is not None and agreed_as == "none given":
                continue  # the audit gave none: the merge hides nothing, and shows none
            if into is not None:
                found.append(merged_away(f"Row {at}", column, into, what, typed_back))
            elif over is not None and differs:  # action 1's owner shown beside action 2
                its = what.replace("the ", f"action {a.number}'s ", 1)
                found.append(merged_over(at, column, over, its, typed_back))
            elif differs:
                shown = f"{what} ({agreed_as})" if agreed_as else what
                found.append(_differs(at, column, shown, by))
    return found


def _differs(at: int, column: str, what: str, by: str) -> Finding:
    return Finding(
        "error",
        f"Row {at}: {column}",
        f"{what} differs from the action agreed in the audit form",
        f"Put back what was agreed. An agreed action is changed by {by} sending a corrected "
        "audit form, not in the tracker; the tracker records its Status, Completion date, "
        "Evidence and sign-off.",
    )


_KEEP_NUMBERS = (
    "Keep the No. qaf gave each agreed action (it is how qaf tells the actions apart), and leave "
    "No. blank (or type NEW) on a row you add."
)


def _renumbered(tracker: TrackerForm, agreed: Sequence[TrackerRow]) -> list[Finding]:
    """Errors for rows whose No. was changed: a row inserted mid-table with the numbers below it
    moved on, or a sort that left the No. column behind. Each agreed action is recognised by its
    wording (where no two share it) and named with the number it should have."""
    wordings = [_words(a.description) for a in agreed]
    own = {w: a.number for w, a in zip(wordings, agreed, strict=True) if wordings.count(w) == 1}
    pairs = zip(tracker.rows, tracker.excel_rows, strict=True)
    rows = [(r, at, own.get(_words(r.description))) for r, at in pairs if r.description]
    # A No. merged down from the row above: Excel shows that row's number, so an agreed action's
    # own is hidden; a row the manager added (a step of the action above) reads as one with No.
    # left blank, numbered after the others.
    merged = [
        merged_over(at, "No.", over, f"action {was}'s number", str(was))
        for r, at, was in rows
        if (over := tracker.merged_over.get((at, "No."))) is not None and was is not None
    ]
    rows = [(r, at, was) for r, at, was in rows if (at, "No.") not in tracker.merged_over]
    if not any(was is not None and was != r.number for r, _, was in rows):
        return merged
    numbers = {a.number for a in agreed}
    found = []
    for r, at, was in rows:
        if was is not None and was != r.number and at in tracker.numbered_by_qaf:
            typed = tracker.numbered_by_qaf[at]
            said = f"reads '{typed}'" if typed else "is blank"
            why = (
                f"this row is agreed action {was}, but its No. {said}, so qaf took it for a row "
                "you added"
            )
        elif was is not None and was != r.number:
            why = f"this row is agreed action {was}, but it is numbered {r.number}"
        elif was is None and r.number in numbers and _words(r.description) not in wordings:
            why = (
                "this row's action was not agreed in the audit, but it has the number of agreed "
                f"action {r.number}"
            )
        else:
            continue
        found.append(Finding("error", f"Row {at}: No.", why, _KEEP_NUMBERS))
    return merged + found


def agreed_action_findings(
    tracker: TrackerForm,
    agreed: Sequence[TrackerRow],
    *,
    forms_accepted_at: Sequence[str],
    auditor: str,
) -> list[Finding]:
    """Errors for a tracker that does not show the actions as the audit form agreed them.

    The action, its owner and due date are the auditor's (the form's); the manager updates status,
    completion, evidence and sign-off. A tracker written from an earlier form (one was accepted
    when it was issued, the current one after) that differs is an older copy: one finding says
    so, and which copy to use. Any other difference is named by row and column.
    """
    by = f"the auditor ({auditor})" if auditor else "the auditor"
    changes = _changes(tracker, agreed, by)
    stale = changes or {r.number for r in tracker.rows} != {a.number for a in agreed}
    issued = _moment(tracker.identity.issued_at)
    accepted = [t for t in (_moment(a) for a in forms_accepted_at) if t is not None]
    if stale and issued and accepted and accepted[0] <= issued < accepted[-1]:
        corrected = accepted[-1]
        return [
            Finding(
                "error",
                "File",
                f"this tracker was issued on {uk_time(issued, corrected)}, before the audit was "
                f"corrected on {uk_time(corrected, issued)}; its actions are the ones agreed "
                "before the correction, so recording it would undo the corrected actions",
                f"Copy the updates into the tracker qaf sent on or after {corrected:%d/%m/%Y} "
                "and return that one; if it has not reached you, ask the QA team for the "
                "latest tracker of this audit.",
            )
        ]
    moved = _renumbered(tracker, agreed)
    if moved:
        return moved  # "the wording differs" on every row below an inserted one would mislead
    return changes


def tracker_findings(
    tracker: TrackerForm,
    agreed: Sequence[TrackerRow],
    *,
    agreed_on: date | None,
    added: frozenset[int] = frozenset(),
) -> list[Finding]:
    """Errors for a tracker that deletes an action (agreed, or one of ``added``: the numbers of
    actions a manager added in an earlier copy), completes one before it was agreed, or takes
    back an update already recorded (an older copy arriving after a newer one), each named by the
    sheet row and column the manager sees."""
    found: list[Finding] = []
    numbers = {r.number for r in tracker.rows}
    wordings = [_words(a.description) for a in agreed]
    # An agreed action on a row under another number is named by that row's No. (_renumbered).
    shown = {_words(r.description) for r in tracker.rows} & {
        w for w in wordings if wordings.count(w) == 1
    }
    for action in agreed:
        if action.number not in numbers and _words(action.description) not in shown:
            whose = (
                "the row of the action added in an earlier copy of the tracker (No. "
                f"{action.number} in the tracker qaf sent back) has been deleted"
                if action.number in added
                else "this agreed action's row has been deleted from the tracker"
            )
            found.append(
                Finding(
                    "error",
                    f"Action {action.number}",
                    whose,
                    "Put the row back and give its status; an action that no longer applies is "
                    "marked Completed with a note in the evidence column.",
                )
            )
    recorded = {a.number: a for a in agreed}
    for r, at in zip(tracker.rows, tracker.excel_rows, strict=True):
        before = recorded.get(r.number)
        taken_back = _taken_back(r, before) if before is not None else None
        hidden = tracker.merged_into.get((at, "Evidence"))
        if taken_back is not None and taken_back[0] == "Evidence" and hidden is not None:
            # Evidence recorded from the last copy, hidden under the cell merged across it now.
            found.append(merged_away(f"Row {at}", "Evidence", hidden, "the evidence"))
        elif taken_back is not None:
            column, what = taken_back
            found.append(
                Finding(
                    "error",
                    f"Row {at}: {column}",
                    f"{what}: it looks like an older copy",
                    "Send the latest copy of the tracker (qaf put it in the manager's folder "
                    "when the last update was accepted). If the update really is to be undone "
                    "(an action reopened), ask the QA team to reopen it rather than changing "
                    f"the tracker: qaf reopen {tracker.identity.audit_ref} --action {r.number}.",
                )
            )
        if agreed_on is not None and r.completed_on is not None and r.completed_on < agreed_on:
            found.append(
                Finding(
                    "error",
                    f"Row {at}: Completion date",
                    f"{r.completed_on:%d/%m/%Y} is before the action was agreed on "
                    f"{agreed_on:%d/%m/%Y}",
                    "Give the date the action was actually completed.",
                )
            )
    return found


_PROGRESS = {"Not started": 0, "In progress": 1, "Completed": 2}


def _taken_back(row: TrackerRow, before: TrackerRow) -> tuple[str, str] | None:
    """(column, what) for an update already recorded that this tracker's row no longer shows: a
    status gone backwards, or a sign-off, completion date or evidence gone blank. Recording it
    would lose the newer update (a closed audit would even reopen), so it is refused."""
    if _PROGRESS.get(row.status, 0) < _PROGRESS.get(before.status, 0):
        done = before.status == "Completed" and before.completed_on
        on = f" on {before.completed_on:%d/%m/%Y}" if done else ""
        return "Status", (
            f"already recorded as {before.status}{on}, but this tracker says {row.status}"
        )
    if before.signed_off_by and not row.signed_off_by:
        on = f" on {before.signed_off_on:%d/%m/%Y}" if before.signed_off_on else ""
        return "Signed off by", (
            f"already recorded as signed off by {before.signed_off_by}{on}, but this tracker "
            "has no sign-off"
        )
    if before.status == "Completed" and before.completed_on and row.completed_on is None:
        return "Completion date", (
            f"already recorded as completed on {before.completed_on:%d/%m/%Y}, but this "
            "tracker has no completion date"
        )
    if before.evidence.strip() and not row.evidence.strip():
        # The evidence itself is not quoted: it may name the child.
        return "Evidence", "evidence is already recorded for this action, but this tracker has none"
    return None


def form_status_findings(
    audit: AuditRecord, grade: str | None, moderated: str | None, framework: Framework
) -> list[Finding]:
    """A form for a cancelled audit is refused; an Inadequate one not yet moderated is flagged."""
    if audit.status == "cancelled":
        return [
            Finding(
                "error",
                "File",
                f"Audit {audit.audit_ref} was cancelled, so its form cannot be recorded",
                "Ask the QA team whether the audit should be re-opened.",
            )
        ]
    if framework.moderated_at_once(grade) and not moderated:
        return [
            Finding(
                "warning",
                "Moderation",
                f"graded {grade}: the framework has it moderated at once; it is first in the "
                "moderation queue",
            )
        ]
    return []


def tracker_status_findings(audit: AuditRecord) -> list[Finding]:
    """A tracker counts only for an audit whose form was accepted and that is not cancelled."""
    if audit.status != "cancelled" and audit.status not in AWAITING_RETURN:
        return []
    why = (
        "was cancelled"
        if audit.status == "cancelled"
        else "has no accepted audit form yet, so no actions have been agreed"
    )
    return [
        Finding(
            "error",
            "File",
            f"Audit {audit.audit_ref} {why}; its action tracker cannot be recorded",
            "Keep the tracker until the QA team confirms the audit has been returned.",
        )
    ]
