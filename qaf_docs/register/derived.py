"""Which register state each derived file reflects, so that a file left behind is rebuilt.

Every committed transaction bumps one counter (``register_state.changes``); the consolidated QA
tracker records the count it was built from. A manager's action tracker depends on one audit only,
so it records the newest submission of that audit it was written from.
"""

from __future__ import annotations

from qaf_docs.register.connection import Connection
from qaf_docs.register.values import now_iso

QA_TRACKER = "qa_tracker"
ACTION_TRACKER = "action_tracker:"


class DerivedBook(Connection):
    """Change counts and derived-output stamps (mixed into :class:`~qaf_docs.register.store.Register`)."""

    def changes(self) -> int:
        """Return how many transactions the register has committed (its state's number)."""
        row = self._db.execute("SELECT changes FROM register_state").fetchone()
        return int(row[0]) if row else 0

    def action_tracker_states(self) -> dict[str, int]:
        """Return, for each audit with a current audit tool, its newest submission's id."""
        rows = self._db.execute(
            "SELECT audit_ref, MAX(id) FROM submissions WHERE audit_ref IN "
            "(SELECT audit_ref FROM submissions WHERE kind = 'audit_tool' AND superseded_by IS NULL) "
            "GROUP BY audit_ref"
        )
        return {str(r[0]): int(r[1]) for r in rows}

    def derived_stamps(self) -> dict[str, int]:
        """Return the register state each derived output was last written from."""
        rows = self._db.execute("SELECT output, reflects FROM derived_outputs")
        return {str(r[0]): int(r[1]) for r in rows}

    def record_derived(self, output: str, reflects: int) -> None:
        """Record that ``output`` now reflects register state ``reflects``.

        Not for a login that may only read the register (reports for managers, say): the file it
        wrote is right, and merely looks behind to the next run that may write, which rebuilds it.
        """
        if self.read_only_user is not None:
            return
        with self.transaction(counted=False) as db:
            db.execute(
                "INSERT INTO derived_outputs VALUES (?, ?, ?) ON CONFLICT(output) DO UPDATE "
                "SET reflects = excluded.reflects, written_at = excluded.written_at",
                (output, reflects, now_iso()),
            )

    def tracker_warnings(self, audit_ref: str) -> tuple[str, list[str]]:
        """When the audit's current tracker came in (ISO time, "" if none) and the warnings kept
        with it, each "where: what" (an action added that is not SMART, a completed one with no
        evidence, a sign-off with no date), for the note beside the manager's tracker."""
        current = self._db.execute(
            "SELECT id, received_at FROM submissions WHERE audit_ref = ? AND "
            "kind = 'action_tracker' AND superseded_by IS NULL",
            (audit_ref,),
        ).fetchone()
        if current is None:
            return "", []
        rows = self._db.execute(
            "SELECT location, message FROM findings WHERE submission_id = ? "
            "AND severity = 'warning'",
            (current[0],),
        ).fetchall()
        said = sorted((_row_of(str(r[0])), f"{r[0]}: {r[1]}") for r in rows)
        return str(current[1]), [line for _, line in said]


def _row_of(where: str) -> int:
    """The sheet row a warning names ("Row 12: Action"), to list them in the sheet's order."""
    words = where.split(":", 1)[0].split()
    return int(words[1]) if len(words) == 2 and words[1].isdigit() else 0
