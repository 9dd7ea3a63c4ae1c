"""Progress bars draw on a terminal and stay silent when output goes to a file or a pipe."""

from __future__ import annotations

import io

import pytest

from qaf_docs.cli import progress as progress_module
from qaf_docs.cli.progress import progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(total: int) -> None:
    with progress("Writing packs") as (start, step):
        start(total)
        for _ in range(total):
            step()


def test_a_long_job_draws_a_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(progress_module.sys, "stderr", terminal)
    _run(50)
    assert "Writing packs" in terminal.getvalue()


def test_nothing_is_drawn_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr(progress_module.sys, "stderr", piped)
    _run(50)
    assert piped.getvalue() == ""


def test_a_short_job_draws_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(progress_module.sys, "stderr", terminal)
    _run(progress_module.SHOW_FROM - 1)
    assert terminal.getvalue() == ""
