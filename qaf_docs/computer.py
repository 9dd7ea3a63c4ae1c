"""This computer's name, as everything qaf records says it: register owners, files recorded and
the locks on the inbox and the packs. ``QAF_HOST_ID`` overrides the computer's own name (computers
cloned with one name, and the tests that play several computers)."""

from __future__ import annotations

import os
import socket


def this_computer() -> str:
    """This computer's name as qaf records it (``QAF_HOST_ID`` overrides), in lower case."""
    chosen = os.environ.get("QAF_HOST_ID", "").strip() or socket.gethostname()
    return chosen.strip().lower() or "unknown"


def same_computer(recorded: str, here: str) -> bool:
    """Whether a recorded name is this computer's (names written before they were lower-cased,
    as Windows spells them, still match)."""
    return recorded.strip().lower() == here
