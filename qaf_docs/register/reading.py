"""Reading the register back for reports, exports, status and sampling, set-wise."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from qaf_docs import clock
from qaf_docs.case_ids import case_key
from qaf_docs.records import (
    ActionResult,
    AuditResult,
    CaseFact,
    DomainResult,
    IngestedFile,
    ModerationResult,
    Submission,
    TrackerRow,
    return_overdue,
)
from qaf_docs.register import parts
from qaf_docs.register.audits import AuditBook
from qaf_docs.register.checkpoints import CheckpointBook
from qaf_docs.register.dialect import Row
from qaf_docs.register.lifecycle import LifecycleBook
from qaf_docs.register.returned import ReturnedBook
from qaf_docs.register.values import FINAL_GRADE, case_spellings, date_or_none, merge_actions

if TYPE_CHECKING:
    from qaf_docs.frameworks import Framework


class ReadingBook(LifecycleBook, ReturnedBook, CheckpointBook, AuditBook):
    """What reports, exports and sampling read (mixed into :class:`~qaf_docs.register.store.Register`)."""

    # -- reading back ------------------------------------------------------------------------------

    def submission(self, audit_ref: str, kind: str = "audit_tool") -> Submission | None:
        """Return the latest, not superseded, submission of one kind for an audit."""
        r = self._current_submission(audit_ref, kind)
        if r is None:
            return None
        return Submission(
            id=int(r["id"]),
            audit_ref=r["audit_ref"],
            kind=r["kind"],
            file_name=r["file_name"],
            received_at=r["received_at"],
            audit_date=date_or_none(r["audit_date"]),
            overall_grade=r["overall_grade"],
            moderated_grade=r["moderated_grade"],
            escalation_grade=r["escalation_grade"],
            saved_at=datetime.fromisoformat(r["saved_at"]) if r["saved_at"] else None,
            answers_sha=r["answers_sha"],
        )

    def _current_submission(self, audit_ref: str, kind: str) -> Row | None:
        row: Row | None = self._db.execute(
            "SELECT * FROM submissions WHERE audit_ref = ? AND kind = ? AND superseded_by IS NULL",
            (audit_ref, kind),
        ).fetchone()
        return row

    def submission_count(self, audit_ref: str | None = None) -> int:
        """Return how many submissions were recorded (for one audit, or in all)."""
        if audit_ref:
            row = self._db.execute(
                "SELECT COUNT(*) FROM submissions WHERE audit_ref = ?", (audit_ref,)
            )
        else:
            row = self._db.execute("SELECT COUNT(*) FROM submissions")
        return int(row.fetchone()[0])

    def submission_hashes(self) -> list[str]:
        """Return the content hash of every submission ever recorded (one per file)."""
        return [str(r[0]) for r in self._db.execute("SELECT file_sha256 FROM submissions")]

    def agreed_actions(self, audit_ref: str) -> list[TrackerRow]:
        """Return the actions as the audit's current form agreed them, before any tracker's update."""
        return merge_actions(self._agreed_rows(audit_ref), [])

    def forms_accepted_at(self, audit_ref: str) -> list[str]:
        """Return when each of the audit's forms was accepted (ISO 8601), the first first."""
        rows = self._db.execute(
            "SELECT received_at FROM submissions WHERE audit_ref = ? AND kind = 'audit_tool' "
            "ORDER BY id",
            (audit_ref,),
        )
        return [str(r[0]) for r in rows]

    def _agreed_rows(self, audit_ref: str) -> list[Row]:
        tool = self._current_submission(audit_ref, "audit_tool")
        if tool is None:
            return []
        rows: list[Row] = self._db.execute(
            "SELECT * FROM actions WHERE submission_id = ? ORDER BY number", (tool["id"],)
        ).fetchall()
        return rows

    def current_actions(self, audit_ref: str) -> list[TrackerRow]:
        """Return an audit's actions with their latest status (agreed in the form, updated by trackers)."""
        tracker = self._current_submission(audit_ref, "action_tracker")
        agreed = self._agreed_rows(audit_ref)
        updates = (
            self._db.execute(
                "SELECT * FROM action_updates WHERE submission_id = ? ORDER BY number",
                (tracker["id"],),
            ).fetchall()
            if tracker
            else []
        )
        ever = self._db.execute(
            "SELECT a.description FROM actions a JOIN submissions s ON s.id = a.submission_id "
            "WHERE s.audit_ref = ? AND s.kind = 'audit_tool'",
            (audit_ref,),
        ).fetchall()
        return merge_actions(agreed, updates, (r[0] for r in ever))

    def actions_first_recorded(self, audit_ref: str) -> dict[int, date]:
        """The day each action number of an audit first came back in a manager's tracker: for an
        action the manager added, the day it was added (its due date's limit counts from then)."""
        rows = self._db.execute(
            "SELECT u.number, MIN(s.received_at) FROM action_updates u JOIN submissions s "
            "ON s.id = u.submission_id WHERE s.audit_ref = ? AND s.kind = 'action_tracker' "
            "GROUP BY u.number",
            (audit_ref,),
        ).fetchall()
        return {int(r[0]): date.fromisoformat(str(r[1])[:10]) for r in rows}

    def counts(self) -> dict[str, int]:
        """Return counts by audit status and by file outcome, for ``qaf status``."""
        out: dict[str, int] = {}
        for r in self._db.execute("SELECT status, COUNT(*) FROM audits GROUP BY status"):
            out[f"audits {r[0]}"] = int(r[1])
        for r in self._db.execute("SELECT outcome, COUNT(*) FROM ingested_files GROUP BY outcome"):
            out[f"files {r[0]}"] = int(r[1])
        return out

    def recent_rejections(self, limit: int = 10) -> list[IngestedFile]:
        """Return the latest rejected files, newest first."""
        rows = self._db.execute(
            "SELECT * FROM ingested_files WHERE outcome = 'rejected' ORDER BY at DESC LIMIT ?",
            (limit,),
        )
        return [
            IngestedFile(r["sha256"], r["file_name"], r["outcome"], r["audit_ref"], r["reason"])
            for r in rows
        ]

    def results(self, today: date | None = None) -> list[AuditResult]:
        """Return every audit with its current grades and actions, for reports and exports.

        Loaded set-wise (one query per table, not per audit), so the time grows with the register,
        and from one snapshot, so a watcher recording meanwhile never shows half a submission.
        Overdue flags are as of ``today`` (default: the computer's date).
        """
        with self.snapshot():
            return self._results(today or clock.today())

    def _results(self, today: date) -> list[AuditResult]:
        current = "s.superseded_by IS NULL AND s.kind = ?"

        def by_audit(sql: str, kind: str) -> dict[str, list[Row]]:
            grouped: dict[str, list[Row]] = {}
            for r in self._db.execute(sql, (kind,)):
                grouped.setdefault(r["audit_ref"], []).append(r)
            return grouped

        tools = {
            r["audit_ref"]: r
            for r in self._db.execute(
                f"SELECT * FROM submissions s WHERE {current}", ("audit_tool",)
            )
        }
        # When each audit first came back: a corrected copy or a moderation sent later does not
        # make an on-time return look late.
        first_back = dict(
            self._db.execute(
                "SELECT audit_ref, MIN(received_at) FROM submissions WHERE kind = 'audit_tool' "
                "GROUP BY audit_ref"
            ).fetchall()
        )
        domains = by_audit(
            "SELECT s.audit_ref, d.* FROM domain_grades d JOIN submissions s ON s.id = d.submission_id "
            f"WHERE {current} ORDER BY d.submission_id, d.position",
            "audit_tool",
        )
        agreed = by_audit(
            "SELECT s.audit_ref, a.* FROM actions a JOIN submissions s ON s.id = a.submission_id "
            f"WHERE {current} ORDER BY a.submission_id, a.number",
            "audit_tool",
        )
        updates = by_audit(
            "SELECT u.* FROM action_updates u JOIN submissions s ON s.id = u.submission_id "
            f"WHERE {current} ORDER BY u.submission_id, u.number",
            "action_tracker",
        )
        ever_agreed: dict[str, list[str]] = {}  # every form's actions: a manager's own are not
        for ref, description in self._db.execute(
            "SELECT s.audit_ref, a.description FROM actions a JOIN submissions s "
            "ON s.id = a.submission_id WHERE s.kind = 'audit_tool'"
        ).fetchall():
            ever_agreed.setdefault(ref, []).append(description)
        findings = (
            "SELECT s.audit_ref, f.* FROM findings f JOIN submissions s ON s.id = f.submission_id "
            f"WHERE {current}"
        )
        found = by_audit(findings, "audit_tool")
        # The current tracker's own warnings after the form's (an added action that is not SMART).
        for ref, rows in by_audit(findings, "action_tracker").items():
            found.setdefault(ref, []).extend(rows)
        indicators = parts.current_indicators(self._db)
        agencies = parts.current_agencies(self._db)
        facts = parts.case_facts(self._db)
        escalated: dict[str, list[Any]] = {}
        for e in self.escalations():
            escalated.setdefault(e.audit_ref, []).append(e)
        extras = self.moderation_extras()
        kinds = {r[0]: r[1] for r in self._db.execute("SELECT round_id, kind FROM rounds")}
        out: list[AuditResult] = []
        for a in self.audits():
            tool = tools.get(a.audit_ref)
            present = tool["practitioner_present"] if tool else None
            kind, _ = extras.get(a.audit_ref, (None, None))
            # The moderator's decision, as the tracker counts agreement; a dispute of it is an
            # escalation and listed with them.
            moderation = (
                ModerationResult(
                    moderator=tool["moderator"] or "",
                    moderated_on=date_or_none(tool["moderation_date"]),
                    kind=kind,
                    agreed=tool["moderated_grade"] == tool["overall_grade"],
                    reason=tool["moderation_reason"] or "",
                )
                if tool and tool["moderated_grade"]
                else None
            )
            out.append(
                AuditResult(
                    audit_ref=a.audit_ref,
                    case_id=a.case_id,
                    round_id=a.round_id,
                    framework_id=a.framework_id,
                    team=a.team or None,
                    worker=a.worker or None,
                    auditor=a.auditor or None,
                    status=a.status,
                    issued_on=date_or_none(a.issued_at[:10]) if a.issued_at else None,
                    due_on=a.due_on,
                    returned_on=date_or_none(first_back[a.audit_ref][:10]) if tool else None,
                    audit_date=date_or_none(tool["audit_date"]) if tool else None,
                    overall_grade=tool["overall_grade"] if tool else None,
                    moderated_grade=tool["moderated_grade"] if tool else None,
                    escalation_grade=tool["escalation_grade"] if tool else None,
                    domains=[
                        DomainResult(
                            r["title"],
                            r["grade"],
                            r["rationale"],
                            indicators.get((a.audit_ref, r["domain"]), ()),
                            r["moderated_grade"],
                        )
                        for r in domains.get(a.audit_ref, [])
                    ],
                    actions=[
                        ActionResult(
                            t.description,
                            t.owner,
                            t.due_on,
                            t.status,
                            t.completed_on,
                            t.evidence,
                            overdue=_action_overdue(t, today),
                            immediate=t.immediate,
                            success_criteria=t.success_criteria,
                            impact_on_child=t.impact_on_child,
                            signed_off_by=t.signed_off_by,
                            signed_off_on=t.signed_off_on,
                        )
                        for t in merge_actions(
                            agreed.get(a.audit_ref, []),
                            updates.get(a.audit_ref, []),
                            ever_agreed.get(a.audit_ref, ()),
                        )
                    ],
                    warnings=[
                        f"{w['location']}: {w['message']}" for w in found.get(a.audit_ref, [])
                    ],
                    agencies=agencies.get(a.audit_ref, []),
                    sections=_sections(tool["texts_json"]) if tool else {},
                    case_facts=facts.get(a.audit_ref, []),
                    missing_history=None
                    if not tool or tool["missing_history"] is None
                    else bool(tool["missing_history"]),
                    case_type=a.case_type or None,
                    round_kind=kinds.get(a.round_id),
                    practitioner_present=None if present is None else bool(present),
                    moderator=(tool["moderator"] or None) if tool else None,
                    moderation_reason=(tool["moderation_reason"] or "") if tool else "",
                    overdue=return_overdue(a.status, a.due_on, today),
                    moderation=moderation,
                    escalations=escalated.get(a.audit_ref, []),
                    reaudit_of=(
                        self.previous_audit(a.audit_ref)
                        if kinds.get(a.round_id) == "reaudit"
                        else None
                    ),
                    child_name=a.child_name or None,
                )
            )
        return out

    def case_facts(self, audit_ref: str) -> list[CaseFact]:
        """Return the case list's facts kept for an audit when its case was sampled."""
        return parts.case_facts(self._db, audit_ref).get(audit_ref, [])

    def sampling_history(self, frameworks: Callable[[str], Framework]) -> dict[str, Any]:
        """Return what sampling needs to know of past audits, as ``AuditHistory`` fields.

        ``reaudit_due`` holds cases whose latest final grade (moderated, else overall) is the
        Inadequate of that audit's own framework (``frameworks`` loads it by id), due that
        framework's months on, unless the QA team resolved every step of the pathway raised on it
        by hand; ``half_cycle_taken`` the cases of the latest first-half round.
        """
        from qaf_docs.dates import add_months

        spelt = case_spellings(self._db)  # one id per child, leading zeros or not
        latest: dict[str, Row] = {}
        workers: dict[str, date] = {}
        for r in self._db.execute(
            # Undated, an audit is dated by when its form first came back (not a corrected copy's).
            # On one day, the audit planned last is the latest, whichever copy came in last.
            "SELECT a.case_id, a.worker, a.audit_ref, a.framework_id, COALESCE(s.audit_date, "
            "(SELECT substr(MIN(p.received_at), 1, 10) FROM submissions p WHERE p.audit_ref = "
            f"s.audit_ref AND p.kind = 'audit_tool')) AS d, {FINAL_GRADE} AS g FROM submissions s "
            "JOIN audits a USING (audit_ref) WHERE s.kind = 'audit_tool' AND s.superseded_by IS NULL "
            "ORDER BY d, a.created_at, a.audit_ref"
        ):
            latest[spelt[case_key(r["case_id"])]] = r
            if r["worker"]:
                workers[r["worker"]] = max(
                    workers.get(r["worker"], date.min), date.fromisoformat(r["d"])
                )
        steps: dict[str, list[tuple[str, bool]]] = {}  # audit ref -> (level, open) raised on it
        for e in self._db.execute("SELECT audit_ref, level, resolved_on FROM escalations"):
            steps.setdefault(e["audit_ref"], []).append((e["level"], e["resolved_on"] is None))
        reaudit = {}
        for case, r in latest.items():
            framework = frameworks(r["framework_id"])
            if not framework.scale.inadequate or r["g"] != framework.scale.inadequate:
                continue
            keys = {level.key for level in framework.escalation.levels}
            raised = [(lv, is_open) for lv, is_open in steps.get(r["audit_ref"], []) if lv in keys]
            if raised and not any(is_open for _, is_open in raised):
                continue  # the QA team resolved its pathway by hand: no re-audit is due
            # As qaf status counts it: the step open on the audit says when it is next audited.
            step = next((lv for lv, is_open in reversed(raised) if is_open), None)
            months = framework.months_to_next_audit(step)
            reaudit[case] = add_months(date.fromisoformat(r["d"]), months)
        first_half = self._db.execute(
            "SELECT round_id FROM rounds WHERE kind = 'half-cycle' AND rules_json LIKE '%\"half\": \"first\"%' "
            "ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
        taken = (
            frozenset(
                spelt[case_key(r[0])]
                for r in self._db.execute(
                    "SELECT case_id FROM audits WHERE round_id = ?", (first_half[0],)
                )
            )
            if first_half
            else frozenset()
        )
        return {
            "last_audited": {c: date.fromisoformat(r["d"]) for c, r in latest.items()},
            "reaudit_due": reaudit,
            "worker_last_audited": workers,
            "half_cycle_taken": taken,
        }

    def allocated_this_month(self, today: date) -> dict[str, int]:
        """Return, per auditor, how many audits were allocated to them in ``today``'s month."""
        rows = self._db.execute(
            # A cancelled audit frees its auditor's place for the month.
            "SELECT auditor, COUNT(*) FROM audits WHERE substr(created_at, 1, 7) = ? "
            "AND status != 'cancelled' GROUP BY auditor",
            (f"{today:%Y-%m}",),
        )
        return {r[0]: int(r[1]) for r in rows if r[0]}


def _sections(texts_json: str | None) -> dict[str, str]:
    """A submission's section texts by section name (older registers said "self_assessment")."""
    texts: dict[str, str] = json.loads(texts_json or "{}")
    if "self_assessment" in texts:
        texts.setdefault("practitioner_self_assessment", texts.pop("self_assessment"))
    return texts


def _action_overdue(action: TrackerRow, today: date) -> bool:
    """An action is overdue when it is past its due date and not completed."""
    return (
        action.due_on is not None
        and action.due_on < today
        and action.status.strip().lower() != "completed"
    )
