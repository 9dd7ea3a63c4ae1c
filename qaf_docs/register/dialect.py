"""What differs between the register's two databases, in this one place.

The register's SQL is written once, in SQLite's spelling with ``?`` placeholders, and run through
a :class:`Db`: :class:`SqliteDb` (the embedded default, on one computer) or :class:`PostgresDb` (a
team's shared server, psycopg 3). Everything else in ``register/`` speaks only to ``Db``.

What differs, SQLite first, then PostgreSQL:

* placeholders: ``?``; ``%s``, with every literal ``%`` doubled (:func:`postgres_sql`);
* upsert: ``INSERT … ON CONFLICT (key) DO UPDATE`` in both (:func:`upsert`; SQLite 3.24 or later);
* one writer at a time: ``BEGIN IMMEDIATE`` (the file's lock); ``BEGIN`` and a transaction-level
  advisory lock (``pg_advisory_xact_lock``). Readers never wait in either;
* one consistent read: ``BEGIN`` (a WAL snapshot); ``REPEATABLE READ READ ONLY``;
* new row ids: ``id INTEGER PRIMARY KEY`` and ``lastrowid``; an identity column and ``RETURNING id``,
  and after ids were copied in, ``setval`` of its sequence;
* integers: ``INTEGER`` is 64-bit; ``BIGINT`` (``INTEGER`` is 32-bit there);
* ``substr(text, from, count)``, ``COALESCE``, ``LIKE`` on the register's own (lower-case) codes: alike;
* rows: ``sqlite3.Row``; :class:`PgRow`, by column name or position as well;
* errors: ``sqlite3.Error``; ``psycopg.Error`` (:func:`database_errors`);
* which tables and columns exist: ``sqlite_master``, ``PRAGMA table_info``;
  ``information_schema``;
* a connection lost: a file does not go away; a server connection is opened again between
  transactions (a statement outside one is tried once more on it), never inside one.

psycopg is imported only when a PostgreSQL register is opened, so SQLite users never load it.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from qaf_docs.errors import RegisterError
from qaf_docs.register.addresses import remember_secrets

__all__ = [
    "Cursor",
    "Db",
    "PgRow",
    "PostgresDb",
    "Row",
    "SqliteDb",
    "database_errors",
    "pg_version_name",
    "postgres_sql",
    "upsert",
]

# Every write transaction on PostgreSQL takes this transaction-level advisory lock first, so
# writers take turns exactly as SQLite's BEGIN IMMEDIATE makes them (readers never wait).
WRITE_LOCK_KEY = 0x71_61_66_5F_72_65_67  # "qaf_reg"
PG_MIN_VERSION = 100000  # identity columns arrived in PostgreSQL 10


def pg_version_name(version: int) -> str:
    """PostgreSQL's number for a server version: 150004 is "15", 90624 is "9.6" (before 10, the
    first two parts named a major release)."""
    if version >= 100000:
        return str(version // 10000)
    return f"{version // 10000}.{version // 100 % 100}"


class Row(Protocol):
    """One result row: ``row["column"]`` or ``row[0]``."""

    def __getitem__(self, key: int | str, /) -> Any: ...


class Cursor(Protocol):
    """What a query returns: rows to iterate or fetch."""

    @property
    def description(self) -> Any: ...

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


def database_errors() -> tuple[type[BaseException], ...]:
    """The DB-API error classes a register can raise (psycopg's only once it has been loaded)."""
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.Error, psycopg.Error) if psycopg is not None else (sqlite3.Error,)


def upsert(table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """``INSERT … ON CONFLICT (key) DO UPDATE`` setting every non-key column: both dialects."""
    cols = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return (
        f"INSERT INTO {table} ({cols}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


class Db:
    """One open database connection, spoken to in the register's SQL (``?`` placeholders)."""

    dialect = ""

    def __init__(self, where: str) -> None:
        self.where = where  # for messages: a path, or a URL without its password
        self.in_transaction = False

    # -- statements --------------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT into a table with an ``id`` row id; return the new row's id."""
        raise NotImplementedError

    def ddl(self, script: str) -> list[str]:
        """Split a migration script (SQLite's spelling) into statements for this database."""
        return [s.strip() for s in script.split(";") if s.strip()]

    def tables(self) -> set[str]:
        """Names of the tables in the register's schema."""
        raise NotImplementedError

    def columns(self, table: str) -> set[str]:
        """Names of one table's columns."""
        raise NotImplementedError

    def follow_ids(self, table: str) -> None:
        """After rows were copied in with their own ids, let new rows' ids follow on from them."""

    def read_only_user(self) -> str | None:
        """The login, if it may read the register's tables but not add to them (else None)."""
        return None

    # -- transactions ------------------------------------------------------------------------------

    def begin_write(self) -> None:
        """Begin a transaction that writes: one writer at a time."""
        raise NotImplementedError

    def begin_read(self) -> None:
        """Begin a read-only transaction that sees one consistent snapshot."""
        raise NotImplementedError

    def commit(self) -> None:
        """Commit on the connection the transaction began on, never on a new one."""
        raise NotImplementedError

    def rollback(self) -> None:
        """Roll back, if the connection is still there to do it on."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


# -- SQLite --------------------------------------------------------------------------------------


class SqliteDb(Db):
    """A SQLite register file in WAL mode: the embedded default, for one computer."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        super().__init__(str(path))
        self._conn = conn
        self.path = path

    @classmethod
    def connect(cls, path: Path) -> SqliteDb:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self._conn.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._conn.executemany(sql, rows)

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        return int(self._conn.execute(sql, tuple(params)).lastrowid or 0)

    def tables(self) -> set[str]:
        rows = self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(r[0]) for r in rows if not str(r[0]).startswith("sqlite_")}

    def columns(self, table: str) -> set[str]:
        return {str(r[1]) for r in self._conn.execute(f"PRAGMA table_info({table})")}

    def begin_write(self) -> None:
        self.execute("BEGIN IMMEDIATE")
        self.in_transaction = True

    def begin_read(self) -> None:
        self.execute("BEGIN")
        self.in_transaction = True

    def commit(self) -> None:
        try:
            self._conn.execute("COMMIT")
        finally:
            self.in_transaction = False

    def rollback(self) -> None:
        self.in_transaction = False
        self._conn.execute("ROLLBACK")

    def close(self) -> None:
        self._conn.close()


# -- PostgreSQL ----------------------------------------------------------------------------------

_TOKENS = re.compile(r"'(?:[^']|'')*'|\?|%")


@functools.lru_cache(maxsize=512)
def postgres_sql(sql: str) -> str:
    """The register's SQL for psycopg: ``?`` becomes ``%s`` and every literal ``%`` is doubled."""

    def swap(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return token.replace("%", "%%")  # a quoted literal: its ? stay, its % are doubled

    return _TOKENS.sub(swap, sql)


_ROW_ID = re.compile(r"\bid INTEGER PRIMARY KEY\b", re.IGNORECASE)
_INTEGER = re.compile(r"\bINTEGER\b", re.IGNORECASE)


class PgRow:
    """A result row that, like ``sqlite3.Row``, answers to a column name or a position."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._index, self._values, strict=True))!r})"


def _pg_rows(cursor: Any) -> Any:
    """psycopg row factory making :class:`PgRow` (the first of equal column names wins)."""
    index: dict[str, int] = {}
    for i, column in enumerate(cursor.description or ()):
        index.setdefault(column.name, i)

    def make(values: Sequence[Any]) -> PgRow:
        return PgRow(values, index)

    return make


class PostgresDb(Db):
    """A PostgreSQL database shared by a team, through psycopg 3 in autocommit mode.

    Transactions are begun and ended explicitly, as on SQLite. A connection lost between
    transactions (the server restarted overnight) is opened again at the next statement; one lost
    inside a transaction is an error, so that transaction is all-or-nothing.
    """

    dialect = "postgresql"

    def __init__(self, url: str, where: str) -> None:
        super().__init__(where)
        self._url = url
        remember_secrets(url)
        self._conn = self._connect()

    def _connect(self) -> Any:
        import psycopg

        conn = psycopg.connect(
            self._url,
            autocommit=True,
            connect_timeout=10,
            application_name="qaf",
            client_encoding="utf8",
            row_factory=_pg_rows,
            # A watcher's connection lives for days: notice a server that vanished without a word
            # (its host rebooted) within minutes, not the hours the system's defaults take.
            keepalives=1,
            keepalives_idle=60,
            keepalives_interval=10,
            keepalives_count=6,
        )
        version = int(conn.info.server_version)
        if version < PG_MIN_VERSION:
            conn.close()  # (read the version first: a closed connection no longer says it)
            raise RegisterError(
                f"The register ({self.where}) is on a server that runs PostgreSQL "
                f"{pg_version_name(version)}, and qaf needs PostgreSQL 10 or later: ask IT for a "
                "database on a newer server (README: A team register on PostgreSQL). Nothing was "
                "recorded."
            )
        return conn

    def _lost(self) -> bool:
        return bool(self._conn.closed or self._conn.broken)

    def _live(self) -> Any:
        """The connection for the next statement: inside a transaction only the one it began on."""
        if not self.in_transaction and self._lost():
            self._conn = self._connect()
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        import psycopg

        outside = not self.in_transaction
        try:
            cursor: Cursor = self._live().execute(postgres_sql(sql), tuple(params))
        except psycopg.OperationalError:
            # A connection that died while idle (the server restarted overnight) is only found
            # out by using it. Outside a transaction nothing can be half-done: once more, anew.
            if not (outside and self._lost()):
                raise
            cursor = self._live().execute(postgres_sql(sql), tuple(params))
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._live().cursor() as cur:
            cur.executemany(postgres_sql(sql), [tuple(r) for r in rows])

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        return int(self.execute(sql + " RETURNING id", params).fetchone()[0])

    def ddl(self, script: str) -> list[str]:
        translated = _ROW_ID.sub("id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", script)
        return super().ddl(_INTEGER.sub("BIGINT", translated))

    def tables(self) -> set[str]:
        rows = self.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        return {str(r[0]) for r in rows}

    def columns(self, table: str) -> set[str]:
        rows = self.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ?",
            (table,),
        )
        return {str(r[0]) for r in rows}

    def follow_ids(self, table: str) -> None:
        # An identity column's sequence does not see ids given explicitly; SQLite needs nothing.
        self.execute(
            "SELECT setval(pg_get_serial_sequence(?, 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)",
            (table,),
        )

    def read_only_user(self) -> str | None:
        # A login IT granted SELECT alone (for reports, say): found before a command starts,
        # rather than as "permission denied" half way through it.
        row = self.execute(
            "SELECT current_user, CASE WHEN to_regclass('submissions') IS NULL THEN false "
            "ELSE has_table_privilege('submissions', 'SELECT') AND "
            "NOT has_table_privilege('submissions', 'INSERT') END"
        ).fetchone()
        return str(row[0]) if row[1] else None

    def begin_write(self) -> None:
        self.execute("BEGIN")
        self.in_transaction = True
        self.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK_KEY,))

    def begin_read(self) -> None:
        self.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        self.in_transaction = True

    def commit(self) -> None:
        # Never on a fresh connection: there COMMIT would "succeed" with nothing to commit.
        try:
            self._conn.execute("COMMIT")
        finally:
            self.in_transaction = False

    def rollback(self) -> None:
        self.in_transaction = False
        if not self._lost():  # a lost connection's transaction is rolled back by the server
            self._conn.execute("ROLLBACK")

    def server_encoding(self) -> str:
        return str(self.execute("SHOW server_encoding").fetchone()[0])

    def close(self) -> None:
        self._conn.close()
