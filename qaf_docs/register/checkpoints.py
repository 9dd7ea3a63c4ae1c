"""Close the loop on rounds: dated checkpoints once every audit of the round is back.

West Sussex: the QA auditor measures "the implementation of the recommendations at six weeks" and
quantifies "the progress made in achieving the audit's goals and objectives at three months". The
intervals come from the framework (``close_loop_check_weeks``, ``close_loop_review_months``); a
checkpoint is due from the date the round's last form was accepted, and done when someone records it.

City of London: a half-cycle round's recommendations are "Reviewed and signed off in getting to
"outstanding" meeting chaired by AD People". A framework's ``follow_up_reviews`` are checkpoints
of the rounds they follow, due by the end of their ``within_months``-th month.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from qaf_docs.dates import add_months
from qaf_docs.errors import RegisterError
from qaf_docs.frameworks import Framework
from qaf_docs.records import AWAITING_RETURN, CHECKPOINT_RECORD_FROM_DAYS, Checkpoint
from qaf_docs.register.connection import Connection
from qaf_docs.register.dialect import upsert
from qaf_docs.register.values import date_or_none

CLOSE_LOOP_KINDS = ("thematic",)
RECORD_FROM_DAYS = CHECKPOINT_RECORD_FROM_DAYS


class CheckpointBook(Connection):
    """Thematic rounds' checkpoints (mixed into :class:`~qaf_docs.register.store.Register`)."""

    def checkpoints(self, framework_for: Callable[[str], Framework]) -> list[Checkpoint]:
        """Return every checkpoint of every completed round that has them, soonest first."""
        done = {
            (r["round_id"], r["checkpoint"]): (date.fromisoformat(r["done_on"]), r["note"])
            for r in self._db.execute("SELECT * FROM round_checkpoints")
        }
        out: list[Checkpoint] = []
        rounds = self._db.execute("SELECT round_id, kind, framework_id FROM rounds").fetchall()
        for round_id, kind, framework_id in rounds:
            framework = framework_for(framework_id)
            reviews = [r for r in framework.follow_up_reviews if r.follows(kind)]
            if kind not in CLOSE_LOOP_KINDS and not reviews:
                continue
            completed = self._completed_on(round_id)
            if completed is None:
                continue
            times = framework.timescales
            plan: list[tuple[str, str, date, str, date | None]] = []
            if kind in CLOSE_LOOP_KINDS and times.close_loop_check_weeks:
                weeks = times.close_loop_check_weeks
                due = completed + timedelta(weeks=weeks)
                plan.append((f"{weeks}-weeks", "Recommendations implemented?", due, "", None))
            if kind in CLOSE_LOOP_KINDS and times.close_loop_review_months:
                months = times.close_loop_review_months
                due = add_months(completed, months)
                plan.append(
                    (f"{months}-months", "Progress against the round's goals", due, "", None)
                )
            # A meeting the framework holds after the round (City of London's Getting to
            # Outstanding meeting): reports call it by its title, not its key.
            plan += [
                (r.key, r.heading(), r.due_on(completed), r.title, r.opens_on(completed))
                for r in reviews
            ]
            for key, title, due, label, opens in plan:
                when, note = done.get((round_id, key), (None, ""))
                out.append(Checkpoint(round_id, key, title, due, when, note, label, opens))
        return sorted(out, key=lambda c: (c.due_on, c.round_id))

    def _completed_on(self, round_id: str) -> date | None:
        statuses = [
            r[0]
            for r in self._db.execute(
                "SELECT status FROM audits WHERE round_id = ? AND status <> 'cancelled'",
                (round_id,),
            )
        ]
        if not statuses or any(s in AWAITING_RETURN or s == "planned" for s in statuses):
            return None
        row = self._db.execute(
            "SELECT MAX(substr(s.received_at, 1, 10)) FROM submissions s JOIN audits a "
            "USING (audit_ref) WHERE a.round_id = ? AND s.kind = 'audit_tool'",
            (round_id,),
        ).fetchone()
        return date_or_none(row[0])

    def record_checkpoint(
        self, round_id: str, key: str, *, on: date, note: str, known: list[Checkpoint]
    ) -> str:
        """Record a checkpoint as done, with what was found; ``known`` are the round's checkpoints.

        A checkpoint can be recorded from a week before it is due (when ``qaf status`` starts
        listing it). Recording it again keeps the first note and adds the new one beside it, dated.
        Return what happened, in plain words.
        """
        mine = [c for c in known if c.round_id == round_id]
        keys = [c.key for c in mine]
        if not keys:
            raise RegisterError(
                f"Round {round_id} has no close-the-loop checkpoints yet: it is not a thematic "
                "round or a round its framework reviews at a meeting, or some of its audits are "
                "still to come back."
            )
        if key not in keys:
            raise RegisterError(
                f"Round {round_id}'s checkpoints are {', '.join(keys)}, not '{key}'."
            )
        if not note.strip():
            raise RegisterError("Say what the checkpoint found (for the close-the-loop report).")
        [this] = [c for c in mine if c.key == key]
        if on < this.recordable_from:
            raise RegisterError(
                f"Round {round_id}'s {key} checkpoint is due on {this.due_on:%d/%m/%Y}: it can be "
                f"recorded from {this.recordable_from:%d/%m/%Y}, "
                "not before. Nothing was recorded."
            )
        if this.done_on is not None:
            if note.strip() in this.note:
                return (
                    f"{round_id} {key}: already recorded on {this.done_on:%d/%m/%Y} with that "
                    "note; nothing changed."
                )
            with self.transaction() as db:
                db.execute(
                    "UPDATE round_checkpoints SET note = ? WHERE round_id = ? AND checkpoint = ?",
                    (f"{this.note}\n{on:%d/%m/%Y}: {note.strip()}", round_id, key),
                )
            return (
                f"{round_id} {key}: already recorded on {this.done_on:%d/%m/%Y}; "
                "the new note is added after the first."
            )
        with self.transaction() as db:
            db.execute(
                upsert(
                    "round_checkpoints",
                    ("round_id", "checkpoint", "done_on", "note"),
                    ("round_id", "checkpoint"),
                ),
                (round_id, key, on.isoformat(), note.strip()),
            )
        earlier = [c.key for c in mine if c.due_on < this.due_on and c.done_on is None]
        if earlier:
            return (
                f"{round_id} {key}: recorded as done. The {', '.join(earlier)} checkpoint before "
                "it is not recorded yet."
            )
        return f"{round_id} {key}: recorded as done."
