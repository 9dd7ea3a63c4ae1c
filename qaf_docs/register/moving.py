"""Moving a register to another database, checked before anything switches over.

``qaf register move --to postgresql://…`` takes a team from a SQLite file to its PostgreSQL server
(or ``--to D:/qaf/register.db`` takes a register off a shared drive onto a local disk). The old
register is held with its write lock for the whole move, so nothing is recorded in it meanwhile;
the copy is made in one transaction, then read back through a new connection and compared with the
original table by table: row counts, a digest of every row, and the content hashes of every file
ever read. Only when all of them match is the workspace switched over and the old register marked
as moved (it stays, as a backup, but qaf will not open it again). If anything differs the copy is
removed and the workspace keeps its old register.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from qaf_docs.errors import RegisterError
from qaf_docs.register.connection import MOVED_KEY
from qaf_docs.register.dialect import Db, upsert
from qaf_docs.register.ownership import LOCAL_KEYS, WORKSPACE_KEY
from qaf_docs.register.store import Register

# Each table, parents before children (so every foreign key points at a row already copied), with
# what its rows are in the words `qaf register move` prints them in.
HOLDS = {
    "meta": "register settings",
    "rounds": "rounds",
    "framework_texts": "framework versions",
    "audits": "audits",
    "case_facts": "case details from the case list",
    "round_changes": "round changes",
    "round_checkpoints": "checkpoints recorded",
    "audit_events": "status changes",
    "escalations": "escalations",
    # Only how an audit was moderated and disputes (qaf moderation kind / dispute): a moderated
    # grade is part of the form it came on, counted with the forms.
    "moderations": "moderation kinds and disputes recorded",
    "submissions": "forms (with any moderation) and trackers received",
    "domain_grades": "practice-area grades",
    "domain_indicators": "ticked indicators",
    "agency_findings": "agency findings",
    "actions": "agreed actions",
    "action_updates": "action tracker updates",
    "findings": "warnings on forms and trackers received",
    "ingested_files": "files read from the inbox",
    "derived_outputs": "records of files qaf rebuilt",
    "event_outcomes": "events with their case notes and messages made",
    "event_outputs": "case notes and messages",
    "register_state": "change counter",
}
TABLES = tuple(HOLDS)
# The one-row change counter: every new register starts with it, so it is copied by updating it.
COUNTER = "register_state"


@dataclass(frozen=True)
class Fingerprint:
    """What a register holds, to compare two copies: rows and a digest per table, file hashes."""

    rows: dict[str, int]
    digests: dict[str, str]
    file_hashes: frozenset[str] = field(default_factory=frozenset)

    def differences(self, other: Fingerprint) -> list[str]:
        """Where ``other`` differs from this one, in words (empty when they match)."""
        found = [
            f"{HOLDS[t]}: {self.rows[t]} here, {other.rows.get(t)} in the copy"
            for t in TABLES
            if self.rows[t] != other.rows.get(t)
        ]
        found += [
            f"{HOLDS[t]}: their content differs"
            for t in TABLES
            if self.rows[t] == other.rows.get(t) and self.digests[t] != other.digests.get(t)
        ]
        if self.file_hashes != other.file_hashes:
            missing = len(self.file_hashes - other.file_hashes)
            found.append(f"{missing} file content hash(es) missing from the copy")
        return found


@dataclass(frozen=True)
class MoveReport:
    """What was moved: rows per table and how many file content hashes were checked."""

    rows: dict[str, int]
    file_hashes: int

    def checked(self) -> list[tuple[str, int]]:
        """What was copied and checked, in the user's words, with how many of each."""
        return [(HOLDS[table], count) for table, count in self.rows.items()]


def _columns(db: Db, table: str) -> list[str]:
    return [str(d[0]) for d in db.execute(f"SELECT * FROM {table} LIMIT 0").description]


def _rows(db: Db, table: str) -> tuple[list[str], list[list[object]]]:
    columns = _columns(db, table)
    rows = [[r[c] for c in columns] for r in db.execute(f"SELECT * FROM {table}")]
    if table == "meta":
        rows = [r for r in rows if r[columns.index("key")] not in LOCAL_KEYS]
    return columns, rows


def fingerprint(db: Db) -> Fingerprint:
    """Count and digest every table (rows sorted, columns by name), and collect the file hashes."""
    rows: dict[str, int] = {}
    digests: dict[str, str] = {}
    for table in TABLES:
        columns, values = _rows(db, table)
        order = sorted(range(len(columns)), key=lambda i: columns[i])
        lines = sorted(
            json.dumps([[columns[i], r[i]] for i in order], ensure_ascii=False, default=str)
            for r in values
        )
        rows[table] = len(values)
        digests[table] = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    hashes = {str(r[0]) for r in db.execute("SELECT sha256 FROM ingested_files")}
    hashes |= {str(r[0]) for r in db.execute("SELECT file_sha256 FROM submissions")}
    return Fingerprint(rows, digests, frozenset(hashes))


def check_empty(target: Register) -> None:
    """Refuse a target that already holds anything of a register."""
    db = target._db
    held = {
        t: int(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
        for t in TABLES[1:]
        if t != COUNTER
    }
    keys = {str(r[0]) for r in db.execute("SELECT key FROM meta")}
    if any(held.values()) or keys - LOCAL_KEYS - {WORKSPACE_KEY}:
        raise RegisterError(
            f"The target ({target.where}) already holds a register ({held['audits']} audits, "
            f"{held['ingested_files']} files): move to an empty database. Nothing was copied."
        )


def _copy(source: Db, target: Db) -> None:
    for table in TABLES:
        columns, rows = _rows(source, table)
        if set(columns) != set(_columns(target, table)):
            raise RegisterError(
                f"The target keeps {HOLDS[table]} differently from the register: both must be "
                "opened by this version of qaf. Nothing was copied."
            )
        if table == "meta":
            target.executemany(upsert("meta", columns, ("key",)), rows)
            continue
        if table == COUNTER:  # derived files' stamps stay comparable with the copied count
            changes = max((int(str(r[columns.index("changes")])) for r in rows), default=0)
            target.execute(f"UPDATE {COUNTER} SET changes = ?", (changes,))
            continue
        later: list[tuple[object, object]] = []
        if table == "submissions":  # an earlier submission points at a later one: link afterwards
            at, up = columns.index("id"), columns.index("superseded_by")
            later = [(r[up], r[at]) for r in rows if r[up] is not None]
            rows = [[None if i == up else v for i, v in enumerate(r)] for r in rows]
            rows.sort(key=lambda r: int(str(r[at])))
        marks = ", ".join("?" for _ in columns)
        target.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        if later:
            target.executemany("UPDATE submissions SET superseded_by = ? WHERE id = ?", later)
        if "id" in columns:
            target.follow_ids(table)


def _clear(target: Register) -> None:
    """Empty the target again (its own workspace and owner records stay)."""
    keep = (WORKSPACE_KEY, *sorted(LOCAL_KEYS))
    with target.transaction(counted=False) as db:
        for table in reversed(TABLES[1:]):
            if table != COUNTER:
                db.execute(f"DELETE FROM {table}")
        db.execute(f"UPDATE {COUNTER} SET changes = 0")
        db.execute(f"DELETE FROM meta WHERE key NOT IN ({', '.join('?' for _ in keep)})", keep)


def move_register(
    source: Register,
    target: Register,
    *,
    reopen_target: Callable[[], Register],
    switch: Callable[[], None],
    moved_to: str,
) -> MoveReport:
    """Copy ``source`` into the empty ``target``, verify the copy, then ``switch`` the workspace.

    ``reopen_target`` opens the target again (a new connection reads back what was committed);
    ``switch`` points the workspace at it, and runs only when the copy matches. ``moved_to``
    (without any password) is recorded in the old register.
    """
    check_empty(target)
    with source.transaction() as old:  # writers to the old register wait until the move is done
        expected = fingerprint(old)
        with target.transaction(counted=False) as new:  # the copied count, not one more
            _copy(old, new)
        with reopen_target() as check:
            problems = expected.differences(fingerprint(check._db))
        if problems:
            _clear(target)
            raise RegisterError(
                "The copy does not match the register (" + "; ".join(problems) + "), so it was "
                "removed and the workspace keeps its old register. Tell IT and quote this message."
            )
        switch()
        old.execute(upsert("meta", ("key", "value"), ("key",)), (MOVED_KEY, moved_to))
    return MoveReport(dict(expected.rows), len(expected.file_hashes))


def left_by_a_stopped_move(path: Path) -> bool:
    """Whether the existing file ``path`` is a SQLite register, so the move may use it again.

    A move stopped half-way (a power cut, Ctrl+C) leaves the new file with the register's tables
    and nothing in them: the copy is one transaction. Running the same move again must not be
    refused for it; ``check_empty`` then refuses it if it holds anything after all.
    """
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)) as db:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.Error:
        return False  # not a SQLite file at all: somebody else's, never touched
    return {"schema_migrations", *TABLES} <= {str(r[0]) for r in rows}


def sqlite_target(text: str) -> Path:
    """A SQLite target named on the command line, as an absolute path (relative to here)."""
    return Path(text).expanduser().absolute()
