"""Whether an accepted file has reached ``outbox/processed/``: its move, not only its commit.

A file is committed first and moved after. The same bytes under the same name found in the inbox
again are either the tail of a move that was cut short (finish it) or a copy dropped again after a
finished move (set it aside with a note): the time the move finished tells them apart, even when an
interrupted move across drives had already copied the file.
"""

from __future__ import annotations

from qaf_docs.register.connection import Connection
from qaf_docs.register.values import now_iso


class FilingBook(Connection):
    """Move completion of accepted files (mixed into :class:`~qaf_docs.register.store.Register`)."""

    def mark_filed(self, sha256: str) -> None:
        """Record that the accepted file with this hash now sits in processed/."""
        # Not a change any derived file depends on: do not make the trackers look behind.
        with self.transaction(counted=False) as db:
            db.execute(
                "UPDATE ingested_files SET filed_at = ? WHERE sha256 = ? AND filed_at IS NULL",
                (now_iso(), sha256),
            )

    def is_filed(self, sha256: str) -> bool:
        """Return whether the accepted file with this hash finished its move to processed/."""
        row = self._db.execute(
            "SELECT filed_at FROM ingested_files WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return row is not None and row[0] is not None
