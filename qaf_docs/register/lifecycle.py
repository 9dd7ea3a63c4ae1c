"""An audit's life after it comes back: status events, cancelling, moderation, disputes and the
Inadequate pathway's escalations (every SQL statement for them lives here).

The pathway follows the framework's ``escalation.levels`` in order: a case's first Inadequate final
grade raises the first level (the re-audit), Inadequate again the next (Assistant Director), and
again the last (Executive Director). A later audit of the case that is not Inadequate resolves what
the pathway left open. Where the framework moderates Inadequate audits at once, both wait for the
moderation that confirms the grade. A grade dispute is its own level (``grade_dispute``), resolved by
a person.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from qaf_docs.dates import month_end_after, uk
from qaf_docs.errors import RegisterError
from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditEvent, EscalationRecord, ModerationDue
from qaf_docs.register.connection import Connection
from qaf_docs.register.dialect import Db, Row, upsert
from qaf_docs.register.events import escalation_resolution, record_event
from qaf_docs.register.restart import restart_step, stood_down_by_itself
from qaf_docs.register.values import FINAL_GRADE, date_or_none, iso_or_none

DISPUTE_LEVEL = "grade_dispute"
CONCERN_LEVEL = "safeguarding_concern"
NO_CONCERN_TEXT = "the concern box was ticked; no description was given"
# Resolved by a person, never by a later audit's grade.
_MANUAL_LEVELS = (DISPUTE_LEVEL, CONCERN_LEVEL)
_OWN_OPEN_STEPS = (
    "SELECT id FROM escalations WHERE audit_ref = ? AND resolved_on IS NULL AND level NOT IN (?, ?)"
)


class LifecycleBook(Connection):
    """Events, escalations and moderation (mixed into :class:`~qaf_docs.register.store.Register`)."""

    # -- events ------------------------------------------------------------------------------------

    def events(self, audit_ref: str | None = None) -> list[AuditEvent]:
        """Return recorded status events, oldest first (of one audit, or of all)."""
        sql = "SELECT * FROM audit_events"
        args: tuple[str, ...] = ()
        if audit_ref:
            sql, args = sql + " WHERE audit_ref = ?", (audit_ref,)
        return [
            AuditEvent(
                r["audit_ref"], r["at"], r["event"], r["from_status"], r["to_status"], r["reason"]
            )
            for r in self._db.execute(sql + " ORDER BY id", args)
        ]

    def cancel_audit(self, audit_ref: str, reason: str) -> None:
        """Cancel an audit that is not yet closed; the reason is required and kept."""
        if not reason.strip():
            raise RegisterError(
                f"Give a reason for cancelling audit {audit_ref} (for example: case closed)."
            )
        with self.transaction() as db:
            row = db.execute("SELECT status FROM audits WHERE audit_ref = ?", (audit_ref,))
            found = row.fetchone()
            if found is None:
                raise RegisterError(f"Audit {audit_ref} is not in the register.")
            if found[0] in ("closed", "cancelled"):
                raise RegisterError(f"Audit {audit_ref} is already {found[0]}; nothing changed.")
            record_event(db, audit_ref, "cancelled", to_status="cancelled", reason=reason.strip())

    # -- moderation --------------------------------------------------------------------------------

    def moderation_queue(
        self, framework_for: Callable[[str], Framework], today: date, rule: str = "framework"
    ) -> list[ModerationDue]:
        """Return returned audits waiting for moderation: Inadequate first, then by deadline.

        An audit waits until a moderated grade is recorded, whatever its managers' trackers did to
        its status meanwhile (actions open, or even closed). Only audits whose framework's form has
        a moderation section can be moderated, so only those are listed.

        ``rule`` (the ``[lifecycle] moderate`` setting): "framework" — the framework's rule (with
        every Inadequate); "inadequate" — only those; "all" — every returned audit.
        """
        out: list[ModerationDue] = []
        for r in self._db.execute(
            "SELECT a.audit_ref, a.case_id, a.auditor, a.framework_id, s.overall_grade, "
            # Due from when the audit first came back: a corrected copy does not reset it.
            "(SELECT substr(MIN(p.received_at), 1, 10) FROM submissions p WHERE p.audit_ref = "
            "a.audit_ref AND p.kind = 'audit_tool') AS received FROM audits a JOIN submissions s "
            "ON s.audit_ref = a.audit_ref AND s.kind = 'audit_tool' AND s.superseded_by IS NULL "
            "WHERE a.status <> 'cancelled' AND COALESCE(s.moderated_grade, '') = '' "
            "ORDER BY a.audit_ref"
        ):
            framework = framework_for(r["framework_id"])
            if not framework.sections.moderation:
                continue
            grade = r["overall_grade"]
            inadequate = grade is not None and grade == framework.scale.inadequate
            wanted = {
                "framework": framework.needs_moderation(grade),
                "inadequate": inadequate,
                "all": True,
            }.get(rule, True)
            if not wanted:
                continue
            received = date_or_none(r["received"]) or today
            at_once = inadequate and framework.moderation.inadequate_at_once
            deadline = (
                received
                if at_once
                else month_end_after(received)
                if framework.moderation.deadline == "end_of_calendar_month"
                else None
            )
            out.append(
                ModerationDue(
                    r["audit_ref"],
                    r["case_id"],
                    r["auditor"] or "",
                    grade,
                    received,
                    deadline,
                    at_once,
                )
            )
        return sorted(out, key=lambda m: (not m.at_once, m.deadline or date.max, m.audit_ref))

    def record_dispute(
        self, audit_ref: str, reason: str, *, roles: Sequence[str], on: date
    ) -> EscalationRecord:
        """Record that the service area disputes the moderated grade; it escalates to ``roles``."""
        if not reason.strip():
            raise RegisterError(
                f"A dispute of audit {audit_ref}'s moderated grade needs a reason: say what the "
                f'service area disagrees with: qaf moderation dispute {audit_ref} --reason "…".'
            )
        with self.transaction() as db:
            row = db.execute(
                "SELECT s.moderated_grade FROM submissions s WHERE s.audit_ref = ? AND "
                "s.kind = 'audit_tool' AND s.superseded_by IS NULL",
                (audit_ref,),
            ).fetchone()
            if row is None or not row[0]:
                raise RegisterError(
                    f"Audit {audit_ref} has no moderated grade to dispute; moderate it first."
                )
            self._refuse_second_dispute(db, audit_ref)
            db.execute(
                upsert(
                    "moderations", ("audit_ref", "disputed_on", "dispute_reason"), ("audit_ref",)
                ),
                (audit_ref, on.isoformat(), reason.strip()),
            )
            record_event(db, audit_ref, "disputed", reason=reason.strip())
            self._raise(
                db,
                audit_ref,
                DISPUTE_LEVEL,
                "Grade dispute",
                roles,
                on,
                f"the moderated grade '{row[0]}' is disputed: {reason.strip()}",
            )
        return next(e for e in self.escalations(audit_ref=audit_ref) if e.level == DISPUTE_LEVEL)

    def _refuse_second_dispute(self, db: Db, audit_ref: str) -> None:
        """A grade is disputed once, to one escalation: a second dispute (a colleague's, at the same
        moment) would replace the first's reason and be told of an escalation without its words."""
        row = db.execute(
            "SELECT * FROM escalations WHERE audit_ref = ? AND level = ? ORDER BY id",
            (audit_ref, DISPUTE_LEVEL),
        ).fetchone()
        if row is None:
            return
        first = self._escalation(row)
        state = (
            f"still open; add to it when it is resolved (qaf escalations --resolve {first.id})"
            if first.open
            else f"resolved on {uk(first.resolved_on)}: {first.resolution}"
        )
        raise RegisterError(
            f"Audit {audit_ref}'s moderated grade is already disputed: escalation {first.id}, "
            f"raised on {uk(first.raised_on)} ({first.reason}), {state}. Nothing was recorded."
        )

    def set_moderation_kind(self, audit_ref: str, kind: str) -> None:
        """Record how an audit was moderated (a kind the framework names, e.g. reflective)."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT moderated_grade FROM submissions WHERE audit_ref = ? AND "
                "kind = 'audit_tool' AND superseded_by IS NULL",
                (audit_ref,),
            ).fetchone()
            if row is None or not row[0]:
                raise RegisterError(
                    f"Audit {audit_ref} has no moderated grade yet: record the moderation on its "
                    "form first."
                )
            db.execute(
                upsert("moderations", ("audit_ref", "kind"), ("audit_ref",)),
                (audit_ref, kind),
            )

    def moderation_extras(self) -> dict[str, tuple[str | None, str | None]]:
        """Return each audit's moderation kind and dispute reason, where recorded."""
        return {
            r["audit_ref"]: (r["kind"], r["dispute_reason"])
            for r in self._db.execute("SELECT * FROM moderations")
        }

    # -- escalations -------------------------------------------------------------------------------

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

    def raise_concern(
        self, audit_ref: str, text: str, *, roles: Sequence[str], on: date
    ) -> EscalationRecord | None:
        """Record an immediate safeguarding concern from an audit (once per audit), open until
        someone resolves it; return it when newly recorded."""
        with self.transaction() as db:
            new = self._raise(
                db,
                audit_ref,
                CONCERN_LEVEL,
                "Immediate safeguarding concern",
                roles,
                on,
                text.strip() or NO_CONCERN_TEXT,
            )
        return next((e for e in self.escalations(audit_ref=audit_ref) if e.id == new), None)

    def resolve_escalation(
        self, number: int, *, on: date, resolution: str, grade: str | None = None, by: str = ""
    ) -> EscalationRecord:
        """Close open escalation ``number`` with what resolved it and who; return it as it stands.

        ``grade``: the grade the escalation decided (West Sussex: "The outcome of escalation will
        determine the direction of the case work"). It becomes the audit's final grade; the
        moderator's grade is kept as they gave it, and the grade before is in the history.
        """
        if not resolution.strip():
            raise RegisterError("Say how the escalation was resolved.")
        with self.transaction() as db:
            row = db.execute(
                "SELECT audit_ref, resolved_on FROM escalations WHERE id = ?", (number,)
            ).fetchone()
            if row is None:
                raise RegisterError(f"There is no escalation number {number}.")
            if row[1]:
                raise RegisterError(
                    f"Escalation {number} was resolved on {uk(date_or_none(row[1]))}."
                )
            before = None
            if grade is not None:
                form = db.execute(
                    "SELECT id, overall_grade, moderated_grade, escalation_grade FROM submissions "
                    "WHERE audit_ref = ? "
                    "AND kind = 'audit_tool' AND superseded_by IS NULL",
                    (row[0],),
                ).fetchone()
                if form is None:
                    raise RegisterError(
                        f"Audit {row[0]} has no accepted audit tool, so there is no grade to "
                        "change: resolve the escalation without a grade."
                    )
                before = form[3] or form[2] or form[1]
                if grade != before:  # the moderator's grade stays as they gave it
                    db.execute(
                        "UPDATE submissions SET escalation_grade = ? WHERE id = ?", (grade, form[0])
                    )
            reason = escalation_resolution(resolution, before, grade)
            db.execute(
                "UPDATE escalations SET resolved_on = ?, resolution = ?, resolved_by = ? "
                "WHERE id = ?",
                (on.isoformat(), reason, by.strip() or None, number),
            )
            record_event(db, row[0], "escalation resolved", reason=reason)
        return next(e for e in self.escalations(audit_ref=row[0]) if e.id == number)

    def apply_pathway(
        self, audit_ref: str, framework: Framework, on: date
    ) -> list[EscalationRecord]:
        """Follow the Inadequate pathway after an audit's grade is recorded; return new escalations
        and the steps raised on this audit that its better grade (a corrected copy's) stood down.

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
            history = db.execute(
                f"SELECT a.audit_ref, {FINAL_GRADE} AS g FROM audits a JOIN submissions s ON "
                "s.audit_ref = a.audit_ref AND s.kind = 'audit_tool' AND s.superseded_by IS NULL "
                "WHERE a.case_id = ? AND a.status <> 'cancelled' "
                "ORDER BY COALESCE(s.audit_date, substr(s.received_at, 1, 10)), s.id",
                (case_id,),
            ).fetchall()
            grades = [(r["audit_ref"], r["g"]) for r in history]
            upto = [g for ref, g in grades[: [ref for ref, _ in grades].index(audit_ref) + 1]]
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
                why = f"graded {inadequate}" + (
                    f" for the {ordinal} time in a row" if run > 1 else ""
                )
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
                        db, case_id, on, f"escalated further: {level.title} ({audit_ref})", new
                    )
                    self._already_audited_again(db, grades[len(upto) :], framework, new, on)
            elif grade:  # told as stood down: the steps this audit's own earlier grade raised
                raised += [r[0] for r in db.execute(_OWN_OPEN_STEPS, (audit_ref, *_MANUAL_LEVELS))]
                self._resolve_case(db, case_id, on, f"audit {audit_ref} graded '{grade}'", None)
        return [e for e in self.escalations() if e.id in raised]

    def _already_audited_again(
        self, db: Db, later: list[tuple[str, Any]], framework: Framework, new: int, on: date
    ) -> None:
        """A step raised on an audit whose confirmation came after the case's next audit came
        back graded better (out of order: the moderation late, the re-audit prompt) is resolved
        by that audit at once, as it would have been had the events come in order."""
        if not later:
            return
        ref, grade = later[-1]
        if not grade or grade == framework.scale.inadequate:
            return
        if self._awaiting_moderation(db, ref, framework):
            return  # its moderation, when it comes, resolves the case's open steps
        db.execute(
            "UPDATE escalations SET resolved_on = ?, resolution = ? WHERE id = ?",
            (on.isoformat(), f"audit {ref} graded '{grade}'", new),
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
    def _resolve_case(db: Db, case_id: str, on: date, resolution: str, keep: int | None) -> None:
        """Resolve the case's open pathway escalations (not disputes, not ``keep``)."""
        db.execute(
            "UPDATE escalations SET resolved_on = ?, resolution = ? WHERE case_id = ? AND "
            "resolved_on IS NULL AND level NOT IN (?, ?) AND id <> ?",
            (iso_or_none(on), resolution, case_id, *_MANUAL_LEVELS, keep or -1),
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
