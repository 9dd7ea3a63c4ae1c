"""How the register stores values: dates as ISO 8601 text, times with their UTC offset, and the
rule that a manager's tracker row replaces the action it updates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from qaf_docs import clock
from qaf_docs.case_ids import case_key
from qaf_docs.records import TrackerRow
from qaf_docs.register.dialect import Db, Row

# An audit's final grade in SQL (``s`` its audit tool submission): an escalation's decision, else
# the moderator's grade, else the auditor's.
FINAL_GRADE = "COALESCE(s.escalation_grade, s.moderated_grade, s.overall_grade)"


def iso_or_none(d: date | None) -> str | None:
    return d.isoformat() if d else None


def date_or_none(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def now_iso() -> str:
    """This moment as the register stamps it (on ``clock.today()``'s day)."""
    return clock.now().isoformat(timespec="seconds")


def case_spellings(db: Db) -> dict[str, str]:
    """Return each child's case id as the register first knew it, by ``case_key``: "6537810" for a
    child whose list now says "006537810". Sampling records every later audit under that id."""
    first: dict[str, str] = {}
    for r in db.execute("SELECT case_id FROM audits ORDER BY created_at, audit_ref"):
        first.setdefault(case_key(r[0]), r[0])
    return first


def same_action(text: str) -> str:
    """An action's wording as compared: spacing and capitals aside."""
    return " ".join(text.split()).casefold()


def merge_actions(
    agreed: Sequence[Row], updates: Sequence[Row], ever_agreed: Iterable[str] = ()
) -> list[TrackerRow]:
    """Actions as agreed in the form, each updated by the manager's latest tracker row if any
    (what was agreed about it — wording, owner, due date, immediate, success criteria, impact —
    stays as agreed; the tracker gives status, completion, evidence and sign-off).

    A tracker returned before the current form (the audit was resubmitted since) speaks of the
    earlier form's actions: the new form's actions stand, and the manager's status, completion
    date, evidence and sign-off carry over only to an action that still exists with the same wording.
    An action the manager added (no form of the audit ever agreed it: ``ever_agreed`` holds every
    form's action wording) is the manager's own and stays, numbered after the form's.
    """
    merged = {
        r["number"]: TrackerRow(
            r["number"],
            r["description"],
            r["owner"],
            date_or_none(r["due_on"]),
            "Not started",
            None,
            "",
            immediate=bool(r["immediate"]),
            success_criteria=r["success_criteria"],
            impact_on_child=r["impact_on_child"],
        )
        for r in agreed
    }
    form_id = max((r["submission_id"] for r in agreed), default=0)
    tracker_id = max((r["submission_id"] for r in updates), default=0)
    if tracker_id < form_id:
        by_wording = {same_action(r["description"]): r for r in updates}
        for number, row in merged.items():
            u = by_wording.get(same_action(row.description))
            if u is not None:
                merged[number] = replace(
                    row,
                    status=u["status"],
                    completed_on=date_or_none(u["completed_on"]),
                    evidence=u["evidence"],
                    signed_off_by=u["signed_off_by"],
                    signed_off_on=date_or_none(u["signed_off_on"]),
                )
        known = {same_action(d) for d in ever_agreed} | {
            same_action(r.description) for r in merged.values()
        }
        own = [u for u in updates if same_action(u["description"]) not in known]
        for number, u in enumerate(own, start=max(merged, default=0) + 1):
            merged[number] = _tracker_row(u, number)
        return [merged[n] for n in sorted(merged)]
    for r in updates:
        # An agreed action keeps its wording, owner and due date as the form agreed them: the
        # tracker updates its progress (an action the manager added is the tracker's own).
        before = merged.get(r["number"])
        merged[r["number"]] = TrackerRow(
            r["number"],
            before.description if before else r["description"],
            before.owner if before else r["owner"],
            before.due_on if before else date_or_none(r["due_on"]),
            r["status"],
            date_or_none(r["completed_on"]),
            r["evidence"],
            signed_off_by=r["signed_off_by"],
            signed_off_on=date_or_none(r["signed_off_on"]),
            immediate=before.immediate if before else False,
            success_criteria=before.success_criteria if before else "",
            impact_on_child=before.impact_on_child if before else "",
        )
    return [merged[n] for n in sorted(merged)]


def _tracker_row(u: Row, number: int) -> TrackerRow:
    """An action the manager added, as their tracker last gave it."""
    return TrackerRow(
        number,
        u["description"],
        u["owner"],
        date_or_none(u["due_on"]),
        u["status"],
        date_or_none(u["completed_on"]),
        u["evidence"],
        signed_off_by=u["signed_off_by"],
        signed_off_on=date_or_none(u["signed_off_on"]),
    )
