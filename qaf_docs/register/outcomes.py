"""Which case notes and notifications each audit event produced (every SQL statement for them).

An event is claimed once, in one transaction with everything it is to produce (what each file
says, where it goes, what was wrong): two computers producing at once never both claim it, and a
file name is never given twice. The files are written afterwards and marked written; one an
interruption stopped is written at the next run from what the register holds. A message nobody
could be addressed for (no roster, or nobody in the role) waits as an output without a file until
a later run can address it: it is then replaced, in one transaction, by the messages to the people
found, so each is written once. A person marks notes as put on the child's record (``done``),
which takes them off ``qaf status``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from qaf_docs.outcome_records import EventOutput, OutcomeEvent
from qaf_docs.register.connection import Connection
from qaf_docs.register.dialect import Db, Row
from qaf_docs.register.values import date_or_none, now_iso
from qaf_docs.safe_output import name_key

#: The audit events that may produce a case note or a notification.
OUTCOME_EVENTS = (
    "returned",
    "moderated",
    "escalated",
    "escalation resolved",
    "tracker",
    "action reopened",
)
_COLUMNS = (
    "event_id",
    "outcome",
    "kind",
    "recipient",
    "audit_ref",
    "case_id",
    "day",
    "file",
    "content",
    "problems",
)


_WITHOUT_CONTENT = ", ".join(
    ("'' AS content" if c == "content" else c) for c in (*_COLUMNS, "written_at", "done_at")
)


class OutcomeBook(Connection):
    """Event outputs (mixed into :class:`~qaf_docs.register.store.Register`)."""

    def events_waiting(self) -> list[OutcomeEvent]:
        """Return audit events whose notes and notifications are not yet produced, oldest first."""
        marks = ", ".join("?" for _ in OUTCOME_EVENTS)
        return self._events(f"o.event_id IS NULL AND e.event IN ({marks})", OUTCOME_EVENTS)

    def outcome_events(self, ids: Iterable[int]) -> list[OutcomeEvent]:
        """Return the audit events of these ids, handled or not, oldest first."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        return self._events(f"e.id IN ({', '.join('?' for _ in wanted)})", wanted)

    def _events(self, where: str, args: Sequence[object]) -> list[OutcomeEvent]:
        rows = self._db.execute(
            "SELECT e.*, (SELECT COUNT(*) FROM audit_events p WHERE p.audit_ref = e.audit_ref "
            "AND p.id < e.id AND p.event IN ('returned', 'moderated')) AS before, "
            "(SELECT COUNT(*) FROM audit_events c WHERE c.audit_ref = e.audit_ref "
            "AND c.id < e.id AND c.to_status = 'closed') AS closed "
            "FROM audit_events e LEFT JOIN event_outcomes o ON o.event_id = e.id "
            f"WHERE {where} ORDER BY e.id",
            list(args),
        )
        return [
            OutcomeEvent(
                int(r["id"]),
                r["audit_ref"],
                r["at"],
                r["event"],
                r["from_status"],
                r["to_status"],
                r["reason"] or "",
                int(r["before"]) > 0,
                int(r["closed"]) > 0,
            )
            for r in rows
        ]

    def domain_grades(self, audit_ref: str) -> list[tuple[str, str | None, str | None]]:
        """Return each practice area's title, grade and moderated grade on the current form."""
        rows = self._db.execute(
            "SELECT d.title, d.grade, d.moderated_grade FROM domain_grades d JOIN submissions s "
            "ON s.id = d.submission_id WHERE s.audit_ref = ? AND s.kind = 'audit_tool' AND "
            "s.superseded_by IS NULL ORDER BY d.position",
            (audit_ref,),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def moderation_given(self, audit_ref: str) -> tuple[str, str, date | None] | None:
        """Return who moderated the current form, their reason and the day they gave as the
        moderation's date (None where the form has none), or None if it is not moderated."""
        row = self._db.execute(
            "SELECT moderator, moderation_reason, moderation_date FROM submissions WHERE "
            "audit_ref = ? AND kind = 'audit_tool' AND superseded_by IS NULL AND "
            "COALESCE(moderated_grade, '') <> ''",
            (audit_ref,),
        ).fetchone()
        return (row[0] or "", row[1] or "", date_or_none(row[2])) if row else None

    def produced(self, audit_ref: str, outcome: str) -> bool:
        """True when an earlier event of the audit already produced ``outcome`` (claimed, whether
        or not its files are written yet)."""
        row = self._db.execute(
            "SELECT 1 FROM event_outputs WHERE audit_ref = ? AND outcome = ?", (audit_ref, outcome)
        ).fetchone()
        return row is not None

    def claim_event(self, event: OutcomeEvent, outputs: Sequence[EventOutput]) -> bool:
        """Record that ``event`` produces ``outputs``; False when another run claimed it first.

        A file name another output holds already gets " (2)", " (3)" … before its suffix.
        """
        with self.transaction(counted=False) as db:
            taken = db.execute(
                "SELECT 1 FROM event_outcomes WHERE event_id = ?", (event.id,)
            ).fetchone()
            if taken is not None:
                return False
            db.execute(
                "INSERT INTO event_outcomes (event_id, audit_ref, handled_at) VALUES (?, ?, ?)",
                (event.id, event.audit_ref, now_iso()),
            )
            for output in outputs:
                _insert(db, output)
        return True

    def readdress(
        self,
        unaddressed: Sequence[EventOutput],
        found: Sequence[tuple[str, EventOutput]],
        still: Mapping[str, str],
        addressed: Collection[str],
    ) -> int:
        """Replace messages nobody could be addressed for (``unaddressed``, one event's outcome)
        to a role now ``addressed`` by the messages to the people ``found`` (role, output); a
        role in ``still`` is still unaddressed and takes that problem instead (any other is left
        as it is). Return how many messages were added: none for a role another run readdressed,
        or to a person who already has one (told in another role).

        What was wrong with the case itself, which the first output of an event carries, moves
        to the first message added.
        """
        added = 0
        with self.transaction(counted=False) as db:
            gone: list[str] = []
            carried: list[str] = []
            for old in unaddressed:
                key = (old.event_id, old.outcome, old.recipient)
                row = db.execute(
                    "SELECT problems FROM event_outputs WHERE event_id = ? AND outcome = ? AND "
                    "kind = 'message' AND recipient = ? AND file = '' AND done_at IS NULL",
                    key,
                ).fetchone()
                if row is None:
                    continue  # readdressed by another run, or marked done meanwhile
                stored = [p for p in (row[0] or "").split("\n") if p]
                if old.recipient in still:  # its own problem is the last; say it as it is now
                    now = "\n".join([*stored[:-1], still[old.recipient]])
                    db.execute(
                        "UPDATE event_outputs SET problems = ? WHERE event_id = ? AND outcome = ? "
                        "AND kind = 'message' AND recipient = ?",
                        (now, *key),
                    )
                    continue
                if old.recipient not in addressed:
                    continue
                db.execute(
                    "DELETE FROM event_outputs WHERE event_id = ? AND outcome = ? AND "
                    "kind = 'message' AND recipient = ?",
                    key,
                )
                gone.append(old.recipient)
                carried += stored[:-1]
            for role, output in found:
                taken = db.execute(
                    "SELECT 1 FROM event_outputs WHERE event_id = ? AND outcome = ? AND kind = ? "
                    "AND recipient = ?",
                    _key(output),
                ).fetchone()
                if role not in gone or taken is not None:
                    continue
                if carried:
                    output = replace(output, problems=(*carried, *output.problems))
                    carried = []
                _insert(db, output)
                added += 1
        return added

    def outputs(
        self,
        *,
        unwritten: bool = False,
        waiting: bool = False,
        unaddressed: bool = False,
        day: date | None = None,
        kind: str | None = None,
        content: bool = True,
    ) -> list[EventOutput]:
        """Return event outputs in the order they were produced: those with a file not yet
        written, those not yet put on a record (``waiting``), messages nobody could be addressed
        for (``unaddressed``: no file), of one day or of one kind; without what each says unless
        ``content`` (a count for ``qaf status`` needs no text)."""
        columns = "*" if content else _WITHOUT_CONTENT
        sql, args = f"SELECT {columns} FROM event_outputs WHERE 1=1", list[str]()
        if unwritten:
            sql += " AND written_at IS NULL AND file <> ''"
        if waiting:
            sql += " AND done_at IS NULL"
        if unaddressed:
            sql += " AND kind = 'message' AND file = ''"
        if day is not None:
            sql, args = sql + " AND day = ?", [*args, day.isoformat()]
        if kind is not None:
            sql, args = sql + " AND kind = ?", [*args, kind]
        rows = self._db.execute(sql + " ORDER BY event_id, kind DESC, outcome, recipient", args)
        return [_output(r) for r in rows]

    def mark_written(self, outputs: Iterable[EventOutput]) -> None:
        """Record that these outputs' files are written."""
        keys = [(now_iso(), *_key(o)) for o in outputs]
        if not keys:
            return
        with self.transaction(counted=False) as db:
            db.executemany(
                "UPDATE event_outputs SET written_at = ? WHERE event_id = ? AND outcome = ? "
                "AND kind = ? AND recipient = ?",
                keys,
            )

    def mark_done(self, *, audit_ref: str | None = None, day: date | None = None) -> int:
        """Record that the waiting outputs of an audit, or of a day, are on the records and sent;
        return how many were waiting."""
        sql, args = "UPDATE event_outputs SET done_at = ? WHERE done_at IS NULL", [now_iso()]
        if audit_ref is not None:
            sql, args = sql + " AND audit_ref = ?", [*args, audit_ref]
        if day is not None:
            sql, args = sql + " AND day = ?", [*args, day.isoformat()]
        with self.transaction(counted=False) as db:
            return int(db.execute(sql, args).rowcount)


def _insert(db: Db, output: EventOutput) -> None:
    db.execute(
        f"INSERT INTO event_outputs ({', '.join(_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
        (
            output.event_id,
            output.outcome,
            output.kind,
            output.recipient,
            output.audit_ref,
            output.case_id,
            output.day.isoformat(),
            _unique(db, output.file) if output.file else "",
            output.content,
            "\n".join(output.problems),
        ),
    )


def _key(output: EventOutput) -> tuple[int, str, str, str]:
    return (output.event_id, output.outcome, output.kind, output.recipient)


def _unique(db: Db, file: str) -> str:
    """``file``, or "<stem> (2)<suffix>" … when another output holds that name in its folder
    as Windows compares names (case ignored), so no file is written over another."""
    stem, dot, suffix = file.rpartition(".")
    if not dot:
        stem, suffix = file, ""
    folder = file.rpartition("/")[0]
    like = folder.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"
    rows = db.execute("SELECT file FROM event_outputs WHERE file LIKE ? ESCAPE '\\'", (like,))
    taken = {name_key(r[0]) for r in rows}
    candidate, n = file, 1
    while name_key(candidate) in taken:
        n += 1
        candidate = f"{stem} ({n}){dot}{suffix}"
    return candidate


def _output(r: Row) -> EventOutput:
    return EventOutput(
        event_id=int(r["event_id"]),
        outcome=r["outcome"],
        kind=r["kind"],
        recipient=r["recipient"],
        audit_ref=r["audit_ref"],
        case_id=r["case_id"],
        day=date.fromisoformat(r["day"]),
        file=r["file"],
        content=r["content"],
        problems=tuple(p for p in (r["problems"] or "").split("\n") if p),
        written_at=r["written_at"],
        done_at=r["done_at"],
    )
