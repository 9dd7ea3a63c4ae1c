"""The Inadequate pathway's escalations, raised and resolved as each audit's grade is recorded
(every SQL statement for them lives here; :class:`~qaf_docs.register.lifecycle.LifecycleBook`
builds on it).

The pathway follows the framework's ``escalation.levels`` in order: a case's first Inadequate final
grade raises the first level (the re-audit), Inadequate again the next (Assistant Director), and
again the last (Executive Director). A later audit of the case that is not Inadequate resolves what
the pathway left open. Where the framework moderates Inadequate audits at once, both wait for the
moderation that confirms the grade.

A case's audits come in the order they were planned (a re-audit is always planned after the audit
it follows), not in the order their forms arrive: a late moderation or a corrected copy of an
earlier audit is still the earlier audit. Before, the case's audits were ordered by the accepted
copy's audit date, then by when it came in, so an earlier audit's copy arriving after its re-audit
(on the same audit date, or with none) was taken for the later one: the next level was raised on
the earlier audit and the re-audit's own step was resolved by it ("escalated further"). A step
raised late on an earlier audit is resolved at once by what its later audits did, and its grade
never resolves the steps those later audits raised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from qaf_docs.dates import uk
from qaf_docs.frameworks import Framework
from qaf_docs.records import EscalationRecord
from qaf_docs.register.connection import Connection
from qaf_docs.register.dialect import Db, Row
from qaf_docs.register.events import record_event
from qaf_docs.register.restart import restart_step, stood_down_by_itself
from qaf_docs.register.values import FINAL_GRADE, date_or_none, iso_or_none

DISPUTE_LEVEL = "grade_dispute"
CONCERN_LEVEL = "safeguarding_concern"
# Resolved by a person, never by a later audit's grade.
MANUAL_LEVELS = (DISPUTE_LEVEL, CONCERN_LEVEL)
_OWN_OPEN_STEPS = (
    "SELECT id FROM escalations WHERE audit_ref = ? AND resolved_on IS NULL AND level NOT IN (?, ?)"
)
#: How a step's reason says it counted the audits before it.
IN_A_ROW = " time in a row"
_REVIEW = "resolve this step if it no longer applies"


def _counted_note(audit_ref: str) -> str:
    """How a later audit's step's reason begins to say ``audit_ref`` is no longer Inadequate."""
    return f"; audit {audit_ref}, counted as "


def _without_note(reason: str, audit_ref: str) -> str:
    """``reason`` without what it said of ``audit_ref``'s grade (see ``_counted``)."""
    return re.sub(re.escape(_counted_note(audit_ref)) + ".*?" + re.escape(_REVIEW), "", reason)


#: The case's audits with an accepted form, in the order they were planned, and their final grades.
_CASE_CHAIN = (
    f"SELECT a.audit_ref, {FINAL_GRADE} AS g FROM audits a JOIN submissions s ON "
    "s.audit_ref = a.audit_ref AND s.kind = 'audit_tool' AND s.superseded_by IS NULL "
    "WHERE a.case_id = ? AND a.status <> 'cancelled' ORDER BY a.created_at, a.audit_ref"
)


class PathwayBook(Connection):
    """Escalations and the Inadequate pathway (mixed into the register through
    :class:`~qaf_docs.register.lifecycle.LifecycleBook`)."""

    def escalations(
        self, *, audit_ref: str | None = None, open_only: bool = False
    ) -> list[EscalationRecord]:
        """Return escalations, oldest first (of one audit, or all; only open ones if asked)."""
        sql, args = "SELECT * FROM escalations WHERE 1=1", list[str]()
        if audit_ref:
            sql, args = sql + " AND audit_ref = ?", [audit_ref]
        if open_only:
            sql += " AND resolved_on IS NULL"
        return [self._escalation(r) for r in self._db.execute(sql + " ORDER BY id", args)]

    def apply_pathway(
        self, audit_ref: str, framework: Framework, on: date
    ) -> list[EscalationRecord]:
        """Follow the Inadequate pathway after an audit's grade is recorded; return new escalations,
        the steps raised on this audit that its better grade (a corrected copy's) stood down, and
        the open steps of the case's later audits that counted this audit as Inadequate whose
        reason now says its grade changed (or changed back): ``pathway_said`` tells each.

        Where the framework moderates an Inadequate audit at once, the pathway waits for the
        moderation (West Sussex: "Where the moderation confirms the grade, the 'Inadequate' process
        should be followed"); the moderated form's arrival follows it. A re-audit graded better
        waits likewise for the moderation it is due before it ends the pathway (case files "remain on
        a re-audit cycle until we are assured that the practice is no longer inadequate").
        """
        inadequate = framework.scale.inadequate
        levels = framework.escalation.levels
        with self.transaction() as db:
            case = db.execute("SELECT case_id FROM audits WHERE audit_ref = ?", (audit_ref,))
            case_id = case.fetchone()[0]
            if self._awaiting_moderation(db, audit_ref, framework):
                return []
            chain = [(str(r["audit_ref"]), r["g"]) for r in db.execute(_CASE_CHAIN, (case_id,))]
            at = [ref for ref, _ in chain].index(audit_ref) + 1
            upto, later = [g for _, g in chain[:at]], chain[at:]
            # A late copy of an earlier audit leaves the steps its later audits raised alone.
            keep = [ref for ref, _ in later]
            grade = upto[-1]
            raised: list[int] = []
            if inadequate and grade == inadequate and levels:
                run = 0
                for earlier in reversed(upto):
                    if earlier != inadequate:
                        break
                    run += 1
                level = levels[min(run, len(levels)) - 1]
                ordinal = {2: "second", 3: "third"}.get(run, f"{run}th")
                why = f"graded {inadequate}" + (f" for the {ordinal}{IN_A_ROW}" if run > 1 else "")
                new = self._raise(
                    db,
                    audit_ref,
                    level.key,
                    level.title,
                    level.roles,
                    on,
                    why,
                )
                if new:
                    raised.append(new)
                    self._resolve_case(
                        db, case_id, on, f"escalated further: {level.title} ({audit_ref})",
                        new, keep,
                    )  # fmt: skip
                    self._overtaken(db, later, framework, new, on)
                raised += self._counted_again(db, audit_ref, later, on)
            elif grade:  # told as stood down: the steps this audit's own earlier grade raised
                raised += [r[0] for r in db.execute(_OWN_OPEN_STEPS, (audit_ref, *MANUAL_LEVELS))]
                self._resolve_case(
                    db, case_id, on, f"audit {audit_ref} graded '{grade}'", None, keep
                )
                raised += self._counted(db, audit_ref, grade, later, inadequate, on)
        return [e for e in self.escalations() if e.id in raised]

    def _overtaken(
        self, db: Db, later: list[tuple[str, Any]], framework: Framework, new: int, on: date
    ) -> None:
        """A step raised on an audit whose confirmation came after the case's next audits (out of
        order: the moderation late, the re-audit prompt) is resolved at once by what they did, as
        it would have been had the events come in order: the latest graded better (and moderated
        where due), or else the first step a later audit raised ("escalated further")."""
        if not later:
            return
        ref, grade = later[-1]
        if grade and grade != framework.scale.inadequate:
            if self._awaiting_moderation(db, ref, framework):
                return  # its moderation, when it comes, resolves the case's open steps
            self._resolve_step(db, new, on, f"audit {ref} graded '{grade}'")
            return
        refs = [r for r, _ in later]
        marks = ", ".join("?" for _ in refs)
        steps = {
            str(r[0]): str(r[1])
            for r in db.execute(
                f"SELECT audit_ref, title FROM escalations WHERE audit_ref IN ({marks}) AND "
                "level NOT IN (?, ?) ORDER BY id DESC",
                (*refs, *MANUAL_LEVELS),
            )
        }  # the first each later audit raised
        first = next((r for r in refs if r in steps), None)
        if first is not None:  # its raising would have resolved this step
            self._resolve_step(db, new, on, f"escalated further: {steps[first]} ({first})")

    @staticmethod
    def _counted(
        db: Db,
        audit_ref: str,
        grade: str,
        later: list[tuple[str, Any]],
        inadequate: str | None,
        on: date,
    ) -> list[int]:
        """The open steps of the case's later audits that counted this audit as Inadequate "in a
        row", now that its grade (a late moderation's) is ``grade``. They stay open: they were
        raised to people who may have acted, so a person decides. Each step's reason says so
        (once), for ``qaf status`` and ``qaf escalations``; the ingest line says it too."""
        run = []
        for ref, later_grade in later:
            if later_grade != inadequate:
                break
            run.append(ref)
        if not run or not inadequate:
            return []
        marks = ", ".join("?" for _ in run)
        rows = db.execute(
            f"SELECT id, reason, audit_ref, title FROM escalations WHERE audit_ref IN ({marks}) "
            "AND resolved_on IS NULL AND level NOT IN (?, ?) AND reason LIKE ?",
            (*run, *MANUAL_LEVELS, f"%{IN_A_ROW}%"),
        ).fetchall()
        note = f"{_counted_note(audit_ref)}{inadequate}, is now graded '{grade}'"
        for step, reason, ref, title in rows:
            if note in str(reason):
                continue
            noted = f"{note} ({uk(on)}): {_REVIEW}"
            kept = _without_note(str(reason), audit_ref)  # a grade noted before gives way
            db.execute("UPDATE escalations SET reason = ? WHERE id = ?", (f"{kept}{noted}", step))
            record_event(db, str(ref), "escalation reviewed", reason=f"{title}: {noted[2:]}")
        return [int(r[0]) for r in rows]

    @staticmethod
    def _counted_again(db: Db, audit_ref: str, later: list[tuple[str, Any]], on: date) -> list[int]:
        """The open steps of later audits whose reason says this audit is no longer Inadequate
        (``_counted``), now that it is again: the note goes, and the ingest line says so."""
        refs = [ref for ref, _ in later]
        if not refs:
            return []
        marks = ", ".join("?" for _ in refs)
        rows = db.execute(
            f"SELECT id, reason, audit_ref, title FROM escalations WHERE audit_ref IN ({marks}) "
            "AND resolved_on IS NULL AND reason LIKE ?",
            (*refs, f"%{_counted_note(audit_ref)}%"),
        ).fetchall()
        for step, reason, ref, title in rows:
            db.execute(
                "UPDATE escalations SET reason = ? WHERE id = ?",
                (_without_note(str(reason), audit_ref), step),
            )
            record_event(
                db, str(ref), "escalation reviewed",
                reason=f"{title}: audit {audit_ref} is graded Inadequate again ({uk(on)})",
            )  # fmt: skip
        return [int(r[0]) for r in rows]

    @staticmethod
    def _resolve_step(db: Db, step: int, on: date, resolution: str) -> None:
        db.execute(
            "UPDATE escalations SET resolved_on = ?, resolution = ? WHERE id = ?",
            (on.isoformat(), resolution, step),
        )

    @staticmethod
    def _awaiting_moderation(db: Db, audit_ref: str, framework: Framework) -> bool:
        """An auditor's grade not moderated yet, where the framework moderates Inadequate at once
        and moderates this grade: an Inadequate to start the pathway, a better one to end it."""
        form = db.execute(
            "SELECT overall_grade, moderated_grade, escalation_grade FROM submissions "
            "WHERE audit_ref = ? AND kind = 'audit_tool' AND superseded_by IS NULL",
            (audit_ref,),
        ).fetchone()
        if not form or form[1] or form[2]:
            return False
        return framework.moderation.inadequate_at_once and framework.needs_moderation(form[0])

    @staticmethod
    def _raise(
        db: Db,
        audit_ref: str,
        level: str,
        title: str,
        roles: Sequence[str],
        on: date,
        reason: str,
    ) -> int | None:
        case_id = db.execute(
            "SELECT case_id FROM audits WHERE audit_ref = ?", (audit_ref,)
        ).fetchone()[0]
        # Once per audit and level (unless the audit's own better grade stood it down since); the
        # write transaction keeps other writers out meanwhile.
        raised = db.execute(
            "SELECT 1 FROM escalations WHERE audit_ref = ? AND level = ?", (audit_ref, level)
        ).fetchone()
        again = stood_down_by_itself(db, audit_ref, level)
        if raised is not None and again is None:
            return None
        if again:  # one step per audit and level: the stood-down one is open again
            return restart_step(db, audit_ref, level, roles, on, f"{reason} again: {again}")
        new_id = db.insert(
            "INSERT INTO escalations (audit_ref, case_id, level, title, roles_json, raised_on, "
            "reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (audit_ref, case_id, level, title, json.dumps(list(roles)), on.isoformat(), reason),
        )
        record_event(db, audit_ref, "escalated", reason=f"{title}: {reason}")
        return new_id

    @staticmethod
    def _resolve_case(
        db: Db, case_id: str, on: date, resolution: str, keep: int | None, later: list[str]
    ) -> None:
        """Resolve the case's open pathway escalations (not disputes, not ``keep``, not the steps
        raised on the ``later`` audits of the case)."""
        skip = f" AND audit_ref NOT IN ({', '.join('?' for _ in later)})" if later else ""
        db.execute(
            "UPDATE escalations SET resolved_on = ?, resolution = ? WHERE case_id = ? AND "
            "resolved_on IS NULL AND level NOT IN (?, ?) AND id <> ?" + skip,
            (iso_or_none(on), resolution, case_id, *MANUAL_LEVELS, keep or -1, *later),
        )

    @staticmethod
    def _escalation(r: Row) -> EscalationRecord:
        return EscalationRecord(
            id=int(r["id"]),
            audit_ref=r["audit_ref"],
            case_id=r["case_id"],
            level=r["level"],
            title=r["title"],
            roles=list(json.loads(r["roles_json"])),
            raised_on=date.fromisoformat(r["raised_on"]),
            reason=r["reason"],
            resolved_on=date_or_none(r["resolved_on"]),
            resolution=r["resolution"],
            resolved_by=r["resolved_by"],
        )
