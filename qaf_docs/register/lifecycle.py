"""An audit's life after it comes back: status events, cancelling, moderation, disputes, concerns
and resolving escalations (every SQL statement for them lives here; the Inadequate pathway itself is
in ``register.pathway``). A grade dispute is its own level (``grade_dispute``), resolved by a person.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from qaf_docs.dates import month_end_after, uk
from qaf_docs.errors import RegisterError
from qaf_docs.frameworks import Framework
from qaf_docs.records import AuditEvent, EscalationRecord, ModerationDue
from qaf_docs.register.dialect import Db, upsert
from qaf_docs.register.events import escalation_resolution, record_event
from qaf_docs.register.pathway import CONCERN_LEVEL as CONCERN_LEVEL
from qaf_docs.register.pathway import DISPUTE_LEVEL as DISPUTE_LEVEL
from qaf_docs.register.pathway import PathwayBook
from qaf_docs.register.values import date_or_none

NO_CONCERN_TEXT = "the concern box was ticked; no description was given"


class LifecycleBook(PathwayBook):
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
