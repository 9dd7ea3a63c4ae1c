"""The register: the single source of truth for rounds, audits, submissions, grades and actions.

SQLite in WAL mode, in one file on the computer that runs qaf (the embedded default), or a team's
PostgreSQL database (``postgresql://…``) that several computers share. Every SQL statement of qaf
lives in this package, with what differs between the two in ``dialect.py``. Schema changes are
migrations, applied in order and recorded in the ``schema_migrations`` table of either.

History is never overwritten: each accepted file is a submission; a resubmission of the same audit
marks the earlier one superseded. Action status updates from trackers are rows of their own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qaf_docs.errors import RegisterError
from qaf_docs.register.addresses import is_postgres_url, redact_url, scrub, url_problem
from qaf_docs.register.changes import ChangeBook
from qaf_docs.register.connection import database_error, has_advice
from qaf_docs.register.derived import DerivedBook
from qaf_docs.register.dialect import (
    Db,
    PostgresDb,
    SqliteDb,
    database_errors,
)
from qaf_docs.register.filing import FilingBook
from qaf_docs.register.migrations import MIGRATIONS
from qaf_docs.register.netpath import network_reason
from qaf_docs.register.outcomes import OutcomeBook
from qaf_docs.register.ownership import TEAM_ADVICE, Ownership
from qaf_docs.register.reading import ReadingBook
from qaf_docs.register.reminded import RemindedBook
from qaf_docs.register.submissions import SubmissionBook
from qaf_docs.register.values import now_iso


def _translating(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(self: Register, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except database_errors() as e:
            raise database_error(e, self.where) from e

    return run


def refuse_network_path(path: Path) -> None:
    """Raise RegisterError if a SQLite register at ``path`` would be on another computer."""
    reason = network_reason(path)
    if reason:
        raise RegisterError(
            f"The register ({path}) is not on this computer's own disk: {reason}. SQLite's "
            "locking is not safe over a network, so a SQLite register stays on a local disk of "
            "the computer that runs qaf: move it to a local folder (e.g. qaf register move --to "
            f'"D:/qaf/register.db", which sets register = … in qaf.toml), or {TEAM_ADVICE}.'
        )


class Register(
    SubmissionBook,
    ReadingBook,
    ChangeBook,
    DerivedBook,
    FilingBook,
    OutcomeBook,
    RemindedBook,
    Ownership,
):
    """The register of one workspace; open with ``Register.open(location)`` and close when done.

    Every database failure leaves this class as a :class:`RegisterError` that says what to do.
    """

    @classmethod
    def open(
        cls,
        location: Path | str,
        *,
        workspace_id: str | None = None,
        network_ok: bool = False,
        take_over: bool = False,
        refuse_blank: str | None = None,
    ) -> Register:
        """Open (creating and migrating if needed) the register at ``location``.

        ``location`` is a SQLite file's path or a ``postgresql://`` URL. With ``workspace_id``,
        a register of another workspace is refused and a new one is marked as this workspace's.
        A SQLite file on a network path is refused unless ``network_ok`` (``qaf register move``
        only reads it, to move it somewhere safe). ``take_over`` makes this computer the owner
        of a SQLite register that another computer owned (``qaf register claim``). With
        ``refuse_blank``, a database that holds no register yet is refused with those words
        instead of being made one (a workspace that has been used needs the register it had).
        """
        path = None if is_postgres_url(location) else Path(location)
        where = redact_url(str(location)) if path is None else str(path)
        if path is not None and not network_ok:
            refuse_network_path(path)
        problem = url_problem(str(location)) if path is None else None
        if problem:
            raise RegisterError(f"The register ({where}) could not be used: {problem}.")
        try:
            db: Db = (
                SqliteDb.connect(path) if path is not None else PostgresDb(str(location), where)
            )
        except database_errors() as e:
            raise database_error(e, where) from e
        register = cls(db, path)
        try:
            register._check_encoding()
            register._check_belongs(workspace_id, any_owner=take_over)  # before writing anything
            if refuse_blank and "schema_migrations" not in register._db.tables():
                raise RegisterError(refuse_blank)
            register.read_only_user = register._db.read_only_user()
            register._migrate()
            if take_over:
                register.claim_for_this_computer()
            register._claim(workspace_id)
        except database_errors() as e:
            register.close()
            raise database_error(e, where) from e
        except BaseException:
            register.close()
            raise
        register.counts_changes = True
        register.schema_known = len(MIGRATIONS)
        return register

    def _check_encoding(self) -> None:
        if isinstance(self._db, PostgresDb) and self._db.server_encoding() not in (
            "UTF8",
            "SQL_ASCII",
        ):
            raise RegisterError(
                f"The register ({self.where}) uses the {self._db.server_encoding()} encoding, "
                "which cannot hold every name and note: ask IT to create the database with "
                "ENCODING 'UTF8'."
            )

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        if "schema_migrations" in self._db.tables() and self._applied(self._db) >= set(
            range(1, len(MIGRATIONS) + 1)
        ):
            return  # up to date: opening to read takes no lock
        if self.read_only_user is not None:
            raise self.read_only_error(upgrade=True)
        # Every step in one transaction, every check made inside it: an upgrade is all or nothing
        # (a step that fails leaves the register as the older qaf left it, which can still use
        # it), and writers take turns, so two computers opening it at once upgrade it once.
        with self.transaction() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            applied = self._applied(db)
            before = max(applied, default=0)
            for version, (name, step) in enumerate(MIGRATIONS, start=1):
                if version in applied:
                    continue
                try:
                    step(db)
                except database_errors() as e:
                    if has_advice(e):  # a full disk, a server gone: its own advice, said plainly
                        raise database_error(e, self.where) from e
                    raise self._upgrade_failed(version, name, e, before=before) from e
                except Exception as e:
                    raise self._upgrade_failed(version, name, e, before=before) from e
                db.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now_iso())
                )

    def _upgrade_failed(
        self, version: int, name: str, e: BaseException, *, before: int
    ) -> RegisterError:
        """What a step of an upgrade that failed means: nothing changed, and what to do."""
        said = re.sub(r"\s+", " ", scrub(str(e))).strip() or type(e).__name__
        kept = (
            f"it stays as it was (schema {before}), so the qaf version that last used it can "
            "still use it"
            if before
            else "it stays empty"
        )
        return RegisterError(
            f"The register ({self.where}) could not be upgraded for this version of qaf (step "
            f"{version} of {len(MIGRATIONS)}: {name}). Nothing was changed: {kept}. Tell IT and "
            f"quote this message (for IT: {said})."
        )

    def _applied(self, db: Db) -> set[int]:
        """The migrations applied; RegisterError if a newer qaf has written the register."""
        done = {int(r[0]) for r in db.execute("SELECT version FROM schema_migrations")}
        if done and max(done) > len(MIGRATIONS):
            self.schema_known = len(MIGRATIONS)
            raise self.newer_error(max(done))
        return done

    def schema_version(self) -> int:
        """Return the number of the last migration applied."""
        row = self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)


# Every public method, its own or a mixin's, translates database errors (open() and the
# transactions do their own).
_methods: dict[str, Any] = {}
for _klass in reversed(Register.__mro__[:-1]):  # all but object, the mixins' first
    _methods.update(vars(_klass))
for _name, _member in _methods.items():
    if (
        callable(_member)
        and not isinstance(_member, staticmethod | classmethod)
        and not _name.startswith("_")
        and _name not in {"transaction", "snapshot", "open", "close"}
    ):
        setattr(Register, _name, _translating(_member))
