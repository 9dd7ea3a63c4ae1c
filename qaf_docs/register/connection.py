"""The register's connection: transactions that are all-or-nothing, and database failures in words.

Every database error that leaves the register (``sqlite3.Error``, or ``psycopg.Error`` for a team's
PostgreSQL server) becomes a :class:`RegisterError` saying what it means for the person at the
keyboard (disk full, another command busy, a damaged file, a wrong password, a server that cannot be
reached) and what to do, so no database traceback ever reaches a user. Failures that pass by
themselves (a server restarting, a busy register) are :class:`RegisterUnavailableError`: the watcher
tries the file again later. A team's server that cannot be reached at all is the narrower
:class:`RegisterUnreachableError`: the watcher then waits for the server, not for one file.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from qaf_docs.errors import (
    RegisterError,
    RegisterMovedError,
    RegisterUnavailableError,
    RegisterUnreachableError,
)
from qaf_docs.register.addresses import scrub
from qaf_docs.register.dialect import Db, database_errors

#: The meta key a moved register carries: where it went (``qaf register move``).
MOVED_KEY = "moved_to"


def moved_error(where: str, moved_to: str) -> RegisterMovedError:
    """The refusal of a register ``qaf register move`` left behind as a backup."""
    return RegisterMovedError(
        f"The register ({where}) was moved to {moved_to} and is kept only as a backup: set "
        f'register = "{moved_to}" in qaf.toml (qaf register move does this). Nothing is recorded '
        "in the old one.",
        where=where,
        moved_to=moved_to,
    )


KEEPS = "Nothing was half-recorded, and files stay in the inbox until they are recorded."
UNREACHABLE = (
    "The database server cannot be reached, or the connection to it was lost. Check the server "
    f"name and port, and that the server is running. {KEEPS}"
)
#: What qaf says of a database failure it has no more particular advice for.
GENERAL_ADVICE = "Run the command again; if it keeps happening, tell IT and quote this message."
NAME_NOT_FOUND = (
    "The database server's name was not found. Check the server name in the register's address "
    "(qaf.toml or QAF_REGISTER_URL), or ask IT for it."
)


def _sqlite_advice(e: sqlite3.Error) -> tuple[str, bool]:
    text = str(e).lower()
    if "full" in text:
        return "The disk that holds it is full: free some space, then run the command again.", False
    if "locked" in text or "busy" in text:
        return "Another qaf command is using it: wait a minute and run the command again.", True
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "qaf may not write to it: check the folder's permissions, or ask IT.", False
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return (
            "The register file is damaged. Stop qaf and restore the register from its latest "
            "backup (README: Interruptions, full disks and backups); nothing in the inbox has been "
            "lost.",
            False,
        )
    if "unable to open" in text:
        return (
            "Its folder may be missing or on a disconnected drive: check the path in qaf.toml.",
            True,
        )
    return GENERAL_ADVICE, False


def _postgres_advice(e: BaseException) -> tuple[str, bool]:
    """Advice for a psycopg error, by SQLSTATE where the server gave one, else by libpq's words."""
    state = str(getattr(e, "sqlstate", None) or "")
    text = str(e).lower()
    if state in ("28P01", "28000") or "password authentication failed" in text:
        return (
            "The server refused the user name or password. Check the password in PGPASSWORD, "
            "QAF_REGISTER_URL or the pgpass file of the account that runs qaf (never in qaf.toml); "
            "if it is right, it may have been changed or have expired: ask IT (the server's log "
            "says which).",
            False,
        )
    if "no password supplied" in text:
        return (
            "The server wants a password and none was given: set PGPASSWORD or QAF_REGISTER_URL, "
            "or add it to a pgpass file (README: A team register on PostgreSQL).",
            False,
        )
    if any(w in text for w in ("failed to resolve host", "name or service not known")) or (
        "could not translate host name" in text
    ):
        return NAME_NOT_FOUND, True
    if "server does not support ssl" in text:
        return (
            "The address asks for an encrypted connection (sslmode) that the server does not "
            "offer: ask IT which setting the server needs.",
            False,
        )
    if (
        any(
            w in text
            for w in (
                "invalid integer value",
                "invalid sslmode",
                "invalid connection option",
                "uri",
            )
        )
        and not state
    ):
        return (
            "The register's address is not written as PostgreSQL expects "
            "(postgresql://user@server:port/database): check it in qaf.toml or QAF_REGISTER_URL.",
            False,
        )
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return (
            "That database does not exist on the server: check its name in the register's "
            "address (qaf.toml or QAF_REGISTER_URL), as it may have been renamed or moved; a new "
            "workspace's database is created by IT (README: A team register on PostgreSQL).",
            False,
        )
    if (state == "42501" or "permission denied" in text) and "for schema" in text:
        # PostgreSQL 15 and later: only the database's owner may create tables in it by default.
        return (
            "The user in the register's address may not create qaf's tables in this database: "
            "ask IT to make that user the database's owner (ALTER DATABASE … OWNER TO …; README: "
            "A team register on PostgreSQL).",
            False,
        )
    if (state == "42501" or "permission denied" in text) and (
        "for table" in text or "for sequence" in text
    ):
        return (
            "The user in the register's address may not read or change the register's tables "
            "(restored from a backup as another user, say): ask IT to make that user the owner "
            "of the database's tables (pg_restore --no-owner --role=… when restoring).",
            False,
        )
    if state == "42501" or "permission denied" in text:
        return "The user in the register URL may not do this: ask IT to grant it.", False
    if state == "53100" or "no space left" in text:
        return "The database server's disk is full: ask IT to free space.", False
    if state.startswith(("08", "57P")) or any(
        words in text
        for words in (
            "connection refused",
            "could not connect",
            "could not translate host name",
            "timeout expired",
            "server closed the connection",
            "terminating connection",
            "connection is closed",
            "connection is lost",
            "consuming input failed",
            "no route to host",
            "network is unreachable",
            "connection failed",
            "ssl syscall error",
        )
    ):
        return UNREACHABLE, True
    if state in ("40001", "40P01", "55P03"):
        return f"Another qaf command got in the way: run the command again. {KEEPS}", True
    return GENERAL_ADVICE, False


def has_advice(e: BaseException) -> bool:
    """Whether qaf has particular advice for this database failure (a full disk, a busy register,
    a server out of reach …), rather than only its words."""
    advice, _ = _sqlite_advice(e) if isinstance(e, sqlite3.Error) else _postgres_advice(e)
    return advice != GENERAL_ADVICE


def database_error(e: BaseException, path: Path | str | None) -> RegisterError:
    """Say what a database failure means for the person at the keyboard, and what to do.

    ``path`` is the register's file, or its URL without the password: where to look.
    """
    where = f" ({path})" if path else ""
    if isinstance(e, sqlite3.Error):
        advice, passes = _sqlite_advice(e)
    else:
        advice, passes = _postgres_advice(e)
    # libpq's messages run over several lines ("connection to server … failed: …"): keep one.
    said = scrub(re.sub(r"\s+", " ", str(e)).strip()) or type(e).__name__
    stop = "" if said.endswith((".", "?", "!")) else "."
    cls = RegisterUnavailableError if passes else RegisterError
    if isinstance(e, sqlite3.Error):
        return cls(f"The register{where} could not be used: {said}{stop} {advice}")
    # libpq's own words are for IT; what it means comes first.
    said = re.sub(r"^(?:connection failed|connection is bad): ", "", said)
    message = f"The register{where} could not be used: {advice} (The server said: {said})"
    if advice in (UNREACHABLE, NAME_NOT_FOUND):
        # Every file's problem, not one file's: a watcher waits for the server (a name not found
        # too: at boot the network, and the name server with it, may come up after qaf).
        return RegisterUnreachableError(message, where=str(path or ""), server_said=said)
    return cls(message)


_savepoints = itertools.count(1)


class Connection:
    """One open database connection of the register, with where it is for messages."""

    # Set once the schema has its change counter: derived outputs compare it with what they reflect.
    counts_changes = False
    # The login of a team register that may read it but not change it (None: it may change it).
    read_only_user: str | None = None
    # How many migrations this qaf knows (set once the register is open and up to date).
    schema_known = 0

    def __init__(self, db: Db, path: Path | None = None) -> None:
        self._db = db
        self.path = path  # the SQLite file; None for a PostgreSQL register
        self._count_outer = False  # whether the open outer transaction bumps the change counter

    @property
    def where(self) -> str:
        """Where the register is, for messages: its file, or its URL without a password."""
        return self._db.where

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._db.dialect

    def close(self) -> None:
        """Close the connection."""
        with contextlib.suppress(*database_errors()):
            self._db.close()

    @contextmanager
    def transaction(self, *, counted: bool = True) -> Iterator[Db]:
        """Run a block as one transaction: all of it is recorded, or none of it.

        Writers take turns (SQLite's file lock; an advisory lock on PostgreSQL), so what a block
        reads stays true until it commits. Each committed transaction bumps the register's change
        counter once, unless ``counted`` is False (recording which state a derived output reflects
        is not a change to that state).

        Inside another transaction (a batch of inbox files) the block is a savepoint: on failure
        only the block is undone, and it is recorded only when the outer transaction commits. A
        savepoint never bumps the counter itself; a counted one that is kept makes the outer
        transaction count, so the counter moves once per commit, however many files it holds.
        """
        if self.read_only_user is not None and not self._db.in_transaction:
            raise self.read_only_error()
        if self._db.in_transaction:
            with self._savepoint() as db:
                yield db
            if counted:
                self._count_outer = True
            return
        with self._in_transaction(self._db.begin_write, counted=counted) as db:
            if self.counts_changes:
                self._refuse_if_moved(db)
                self._refuse_if_upgraded(db)
            yield db

    def read_only_error(self, *, upgrade: bool = False) -> RegisterError:
        """The refusal of a change by a login that may only read the register, before it starts
        (``upgrade``: the change is the register's upgrade for this qaf, which every command needs)."""
        user = self.read_only_user
        doing = (
            "it needs upgrading for this version of qaf first: run any qaf command once"
            if upgrade
            else "this command records what it does: run it"
        )
        readers = "" if upgrade else "qaf status, qaf report and qaf export work as it is. "
        return RegisterError(
            f"The register ({self.where}) may only be read by its login '{user}', and {doing} "
            f"with the team's qaf login (ask IT which), or ask IT to let '{user}' change qaf's "
            f"tables as well. {readers}Nothing was recorded, and files stay in the inbox."
        )

    def newer_error(self, schema: int) -> RegisterError:
        """The refusal of a register a newer qaf has written (upgraded its layout)."""
        return RegisterError(
            f"The register ({self.where}) was written by a newer version of qaf (schema "
            f"{schema}; this qaf knows {self.schema_known}): upgrade qaf on this computer to use it."
        )

    def _refuse_if_upgraded(self, db: Db) -> None:
        """A register a newer qaf upgraded since this connection opened it (a colleague's qaf, while
        this watcher ran for days) takes no more writes from this one: it does not know the layout."""
        if not self.schema_known:
            return
        row = db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        if row and row[0] is not None and int(row[0]) > self.schema_known:
            raise self.newer_error(int(row[0]))

    def _refuse_if_moved(self, db: Db) -> None:
        """A register moved since this connection opened it (``qaf register move`` from another
        computer) takes no more writes: they would be lost to the register the team now uses."""
        row = db.execute("SELECT value FROM meta WHERE key = ?", (MOVED_KEY,)).fetchone()
        if row and row[0]:
            raise moved_error(self.where, str(row[0]))

    @contextmanager
    def snapshot(self) -> Iterator[Db]:
        """Read as one consistent snapshot, however many queries it takes, while others write."""
        with self._in_transaction(self._db.begin_read, counted=False) as db:
            yield db

    @contextmanager
    def _in_transaction(self, begin: Callable[[], None], *, counted: bool) -> Iterator[Db]:
        errors = database_errors()
        self._count_outer = counted
        try:
            begin()
        except errors as e:
            with contextlib.suppress(*errors):
                if self._db.in_transaction:
                    self._db.rollback()
            raise database_error(e, self.where) from e
        try:
            yield self._db
        except BaseException as exc:
            with contextlib.suppress(*database_errors()):  # it may already have rolled back
                self._db.rollback()
            if isinstance(exc, database_errors()):
                raise database_error(exc, self.where) from exc
            raise
        try:
            if self._count_outer and self.counts_changes:
                self._db.execute("UPDATE register_state SET changes = changes + 1")
            self._db.commit()
        except database_errors() as e:
            with contextlib.suppress(*database_errors()):
                self._db.rollback()
            raise database_error(e, self.where) from e

    @contextmanager
    def _savepoint(self) -> Iterator[Db]:
        name = f"qaf_{next(_savepoints)}"
        errors = database_errors()
        try:
            self._db.execute(f"SAVEPOINT {name}")
        except errors as e:
            raise database_error(e, self.where) from e
        try:
            yield self._db
        except BaseException as exc:
            with contextlib.suppress(*errors):
                self._db.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self._db.execute(f"RELEASE SAVEPOINT {name}")
            if isinstance(exc, errors):
                raise database_error(exc, self.where) from exc
            raise
        try:
            self._db.execute(f"RELEASE SAVEPOINT {name}")
        except errors as e:
            raise database_error(e, self.where) from e
