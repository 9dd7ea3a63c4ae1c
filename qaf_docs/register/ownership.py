"""Whose register this is: one workspace's, and (for SQLite) one computer's.

A register records, in its ``meta`` table, the workspace it belongs to, so two workspaces pointed
at one database are told so instead of mixing their audits. A SQLite register also records the
computer that owns it: SQLite's locking only works for processes on one computer, so a register
copied, synced (OneDrive, Dropbox) or reached from a second computer is refused before anything is
written. Everything here reads first and writes only what is missing, under the write lock.
"""

from __future__ import annotations

from qaf_docs.computer import this_computer
from qaf_docs.errors import RegisterError
from qaf_docs.register.connection import MOVED_KEY, Connection, moved_error
from qaf_docs.register.dialect import Db, upsert

WORKSPACE_KEY = "workspace_id"
OWNER_KEY = "owner_host"
# Keys that describe one database rather than the register's content: never copied by a move.
LOCAL_KEYS = frozenset({OWNER_KEY, MOVED_KEY})

TEAM_ADVICE = "move the team to PostgreSQL (README: A team register on PostgreSQL)"


def _meta(db: Db, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


class Ownership(Connection):
    """The register's owners (mixed into :class:`~qaf_docs.register.store.Register`)."""

    def _check_belongs(self, workspace_id: str | None, *, any_owner: bool = False) -> None:
        """Refuse, before writing anything, a register that is not this workspace's to use here."""
        tables = self._db.tables()
        if tables and "schema_migrations" not in tables:
            raise RegisterError(
                f"The register ({self.where}) holds tables that are not a qaf register "
                f"(such as {sorted(tables)[0]}): point qaf at a database of its own."
            )
        if "meta" not in tables:
            return
        moved = _meta(self._db, MOVED_KEY)
        if moved:
            raise moved_error(self.where, moved)
        recorded = _meta(self._db, WORKSPACE_KEY)
        if workspace_id and recorded and recorded != workspace_id:
            raise RegisterError(
                f"The register ({self.where}) belongs to another qaf workspace (id {recorded[:8]}…), "
                f"not this one (id {workspace_id[:8]}…): two workspaces cannot share one database. "
                "Give this workspace a database of its own, or point it back at its own register."
            )
        owner = _meta(self._db, OWNER_KEY)
        here = this_computer()
        if self.dialect == "sqlite" and owner and owner != here and not any_owner:
            raise RegisterError(
                f"The register ({self.where}) belongs to the computer '{owner}' and this is "
                f"'{here}': a SQLite register is only ever used from one computer. Run qaf on "
                f"'{owner}', or {TEAM_ADVICE}. If this computer is '{owner}' under a new name, "
                "run: qaf register claim"
            )

    def _claim(self, workspace_id: str | None) -> None:
        """Record the workspace (and, for SQLite, this computer) where nothing is recorded yet."""
        wanted = {WORKSPACE_KEY: workspace_id} if workspace_id else {}
        if self.dialect == "sqlite":
            wanted[OWNER_KEY] = this_computer()
        if all(_meta(self._db, key) is not None for key in wanted) or self.read_only_user:
            return  # (a login that may only read leaves it to the next that may write)
        with self.transaction() as db:
            for key, value in wanted.items():
                db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                    (key, value),
                )
        self._check_belongs(workspace_id)  # another process may have claimed it first

    def owner(self) -> str | None:
        """The computer that owns this SQLite register (None for PostgreSQL or not yet known)."""
        return _meta(self._db, OWNER_KEY) if self.dialect == "sqlite" else None

    def workspace_id(self) -> str | None:
        """The workspace this register belongs to, if recorded."""
        return _meta(self._db, WORKSPACE_KEY)

    def claim_for_this_computer(self) -> str | None:
        """Record this computer as the SQLite register's owner; return the previous owner."""
        before = self.owner()
        with self.transaction() as db:
            db.execute(upsert("meta", ("key", "value"), ("key",)), (OWNER_KEY, this_computer()))
        return before

    def mark_moved(self, to: str) -> None:
        """Record that the register now lives at ``to`` (a URL without password, or a path)."""
        with self.transaction() as db:
            db.execute(upsert("meta", ("key", "value"), ("key",)), (MOVED_KEY, to))
