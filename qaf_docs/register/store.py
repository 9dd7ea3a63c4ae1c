"""The register: the single source of truth for rounds, audits, submissions, grades and actions.

SQLite in WAL mode, in one file beside the workspace. Every SQL statement of qaf lives in this package,
so a shared PostgreSQL can take its place for a multi-council partnership. Schema changes are
migrations, applied in order and recorded in the ``schema_migrations`` table.

History is never overwritten: each accepted file is a submission; a resubmission of the same audit
marks the earlier one superseded. Action status updates from trackers are rows of their own.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qaf_docs.errors import RegisterError
from qaf_docs.register.changes import ChangeBook
from qaf_docs.register.connection import database_error
from qaf_docs.register.derived import DerivedBook
from qaf_docs.register.filing import FilingBook
from qaf_docs.register.migrations import MIGRATIONS
from qaf_docs.register.reading import ReadingBook
from qaf_docs.register.submissions import SubmissionBook
from qaf_docs.register.values import now_iso


def _translating(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(self: Register, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:
            raise database_error(e, self.path) from e

    return run


class Register(SubmissionBook, ReadingBook, ChangeBook, DerivedBook, FilingBook):
    """The register of one workspace; open with ``Register.open(path)`` and close when done.

    Every database failure leaves this class as a :class:`RegisterError` that says what to do.
    """

    @classmethod
    def open(cls, path: Path) -> Register:
        """Open (creating and migrating if needed) the register at ``path``."""
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=30)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=30000")
        except sqlite3.Error as e:
            raise database_error(e, path) from e
        register = cls(db, path)
        register._migrate()
        register.counts_changes = True
        return register

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {r[0] for r in self._db.execute("SELECT version FROM schema_migrations")}
        if done and max(done) > len(MIGRATIONS):
            raise RegisterError(
                "The register was written by a newer version of qaf; upgrade qaf to use it."
            )
        for version, (name, step) in enumerate(MIGRATIONS, start=1):
            if version in done:
                continue
            with self.transaction() as db:
                step(db)
                db.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now_iso())
                )

    def schema_version(self) -> int:
        """Return the number of the last migration applied."""
        row = self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)


# Every public method (and migrating) translates database errors; transaction() does its own.
for _name, _member in list(vars(Register).items()):
    if (
        callable(_member)
        and _name not in {"transaction", "open", "close"}
        and (not _name.startswith("_") or _name == "_migrate")
    ):
        setattr(Register, _name, _translating(_member))
