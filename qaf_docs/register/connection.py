"""The register's connection: transactions that are all-or-nothing, and database failures in words.

Every ``sqlite3.Error`` that leaves the register becomes a :class:`RegisterError` saying what it
means for the person at the keyboard (disk full, another command busy, a damaged file) and what to
do, so no database traceback ever reaches a user.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qaf_docs.errors import RegisterError


def database_error(e: sqlite3.Error, path: Path | None) -> RegisterError:
    """Say what a database failure means for the person at the keyboard, and what to do."""
    text = str(e).lower()
    where = f" ({path})" if path else ""
    if "full" in text:
        advice = "The disk that holds it is full: free some space, then run the command again."
    elif "locked" in text or "busy" in text:
        advice = "Another qaf command is using it: wait a minute and run the command again."
    elif "readonly" in text or "read-only" in text or "permission" in text:
        advice = "qaf may not write to it: check the folder's permissions, or ask IT."
    elif "not a database" in text or "malformed" in text or "corrupt" in text:
        advice = (
            "The register file is damaged. Stop qaf and restore the register from its latest "
            "backup (README: Backups); nothing in the inbox has been lost."
        )
    elif "unable to open" in text:
        advice = "Its folder may be missing or on a disconnected drive: check the path in qaf.toml."
    else:
        advice = "Run the command again; if it keeps happening, tell IT and quote this message."
    return RegisterError(f"The register{where} could not be used: {e}. {advice}")


_savepoints = itertools.count(1)


class Connection:
    """One open database connection of the register, with its path for messages."""

    # Set once the schema has its change counter: derived outputs compare it with what they reflect.
    counts_changes = False

    def __init__(self, db: sqlite3.Connection, path: Path | None = None) -> None:
        self._db = db
        self.path = path
        self._count_outer = False  # whether the open outer transaction bumps the change counter

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    @contextmanager
    def transaction(self, *, counted: bool = True) -> Iterator[sqlite3.Connection]:
        """Run a block as one transaction: all of it is recorded, or none of it.

        Each committed transaction bumps the register's change counter once, unless ``counted``
        is False (recording which state a derived output reflects is not a change to that state).

        Inside another transaction (a batch of inbox files) the block is a savepoint: on failure
        only the block is undone, and it is recorded only when the outer transaction commits. A
        savepoint never bumps the counter itself; a counted one that is kept makes the outer
        transaction count, so the counter moves once per commit, however many files it holds.
        """
        if self._db.in_transaction:
            with self._savepoint() as db:
                yield db
            if counted:
                self._count_outer = True
            return
        self._count_outer = counted
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise database_error(e, self.path) from e
        try:
            yield self._db
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):  # the database may already have rolled back
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise database_error(exc, self.path) from exc
            raise
        try:
            if self._count_outer and self.counts_changes:
                self._db.execute("UPDATE register_state SET changes = changes + 1")
            self._db.execute("COMMIT")
        except sqlite3.Error as e:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise database_error(e, self.path) from e

    @contextmanager
    def _savepoint(self) -> Iterator[sqlite3.Connection]:
        name = f"qaf_{next(_savepoints)}"
        try:
            self._db.execute(f"SAVEPOINT {name}")
        except sqlite3.Error as e:
            raise database_error(e, self.path) from e
        try:
            yield self._db
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute(f"ROLLBACK TO {name}")
                self._db.execute(f"RELEASE {name}")
            if isinstance(exc, sqlite3.Error):
                raise database_error(exc, self.path) from exc
            raise
        try:
            self._db.execute(f"RELEASE {name}")
        except sqlite3.Error as e:
            raise database_error(e, self.path) from e
