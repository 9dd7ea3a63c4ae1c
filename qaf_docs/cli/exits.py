"""The exit codes of ``qaf`` commands, for scripts and schedulers (the README has the same table)."""

from __future__ import annotations

OK = 0  # done, nothing needs attention
ERROR = 1  # nothing done: a one-line "Error: …" says why (also: --verify did not reproduce)
USAGE = 2  # the command line itself was wrong (unknown option, value out of range)
FILES_REJECTED = 3  # ingest/watch: done, but one or more files were rejected or set aside
NOT_ALLOCATED = 4  # sample, round allocate: the round was drawn, but some cases found no auditor
INTERRUPTED = 130  # stopped with Ctrl+C
# The output's reader stopped reading (`qaf status | head`): qaf stops quietly, as a program
# stopped by SIGPIPE does on Linux (128 + 13), so `set -o pipefail` still tells it from a success.
CLOSED_PIPE = 141
