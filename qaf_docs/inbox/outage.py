"""A team register out of reach: the watcher waits for its server instead of stopping.

An unattended watcher (a scheduled task at boot) that stopped because the database server was
down, or not yet up, would leave admin staff dropping forms all day with nothing ingested. So when
the server cannot be reached — when the watcher starts, or later, mid-run — the watcher:

* says so once, in plain words: which register (its address as the settings give it, never a
  password), that files dropped meanwhile stay safely in the inbox, and how often it tries again;
* tries no file meanwhile (each would only fail the same way) and asks the server again after a
  wait that doubles from ``first_s`` up to ``max_s`` (about a minute: soon after a restart, without
  knocking on a server that is down for the night every few seconds);
* says when the server is back, and then ingests what arrived meanwhile.

Only :class:`~qaf_docs.errors.RegisterUnreachableError` is waited for. Settings that can never work
(a wrong password, a database that does not exist, a permission missing) are other
:class:`~qaf_docs.errors.RegisterError` and still stop the watcher with their own message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from qaf_docs.errors import RegisterUnreachableError

__all__ = ["RegisterOutage"]


def _seconds(wait: float) -> str:
    return f"{wait:.0f} seconds" if wait >= 1.5 else f"{wait:.1f} seconds"


class RegisterOutage:
    """Whether the register is out of reach, when to ask again, and the two lines that say so."""

    def __init__(self, log: logging.Logger, *, first_s: float = 2.0, max_s: float = 60.0) -> None:
        self._log = log
        self.first_s = first_s
        self.max_s = max_s
        self.active = False
        self.next_try = 0.0
        self._tries = 0
        self._where = ""

    def lost(self, exc: RegisterUnreachableError) -> None:
        """Say once that the register is out of reach; from now on files wait for :meth:`probe`."""
        if self.active:
            return
        self.active, self._tries, self._where = True, 0, exc.where
        self.next_try = time.monotonic() + self.first_s
        where = f" ({exc.where})" if exc.where else ""
        said = f" The server said: {exc.server_said}" if exc.server_said else ""
        self._log.warning(
            "The team register%s cannot be reached. Files dropped in the inbox meanwhile stay "
            "there safely and are recorded once it is back. Trying again in %s, then less often: "
            "at least once a minute. If this lasts, check that the database server is running and "
            "that its name and port in the register's address are right.%s",
            where,
            _seconds(self.first_s),
            said,
        )

    def due(self, now: float) -> bool:
        """Whether it is time to ask the server again."""
        return self.active and now >= self.next_try

    def probe(self, ask: Callable[[], object]) -> bool:
        """Ask again (``ask`` raises while the server is away); True, said once, when it is back.

        Any other error (the password was changed meanwhile) is raised: not worth waiting for.
        """
        try:
            ask()
        except RegisterUnreachableError:
            self._tries += 1
            wait = min(self.first_s * 2**self._tries, self.max_s)
            self.next_try = time.monotonic() + wait
            self._log.debug("the team register is still out of reach; next try in %.0f s", wait)
            return False
        self.active = False
        where = f" ({self._where})" if self._where else ""
        self._log.info(
            "The team register%s can be reached again: recording the files that arrived meanwhile.",
            where,
        )
        return True
