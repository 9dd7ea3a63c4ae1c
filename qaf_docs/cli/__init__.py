"""The ``qaf`` command: a thin skin over the library. Errors become one line and a non-zero exit.

``app`` holds the group and shared options; each other module adds the commands of one part of the
flow. Importing this package registers them all.
"""

from qaf_docs.cli import (
    actions,
    backups,
    case_notes,
    inbox,
    lifecycle,
    outputs,
    register,
    reports,
    round_changes,
    rounds,
    setup,
)
from qaf_docs.cli.app import cli, main

__all__ = [
    "actions",
    "backups",
    "case_notes",
    "cli",
    "inbox",
    "lifecycle",
    "main",
    "outputs",
    "register",
    "reports",
    "round_changes",
    "rounds",
    "setup",
]
