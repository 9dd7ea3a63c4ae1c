"""Bulk work pauses Python's cycle collector and always hands it back as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from qaf_docs.office.gc_pause import gc_paused
from qaf_docs.workspace import Workspace


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_during_the_work_and_on_after_it_even_when_the_work_fails() -> None:
    seen: list[bool] = []

    @gc_paused()
    def work(fail: bool) -> None:
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("the file could not be read")

    work(False)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(ValueError):
        work(True)
    assert seen == [False, False] and gc.isenabled()


def test_overlapping_pauses_end_with_the_collector_on() -> None:
    outer, inner = gc_paused(), gc_paused()
    outer.__enter__()
    inner.__enter__()
    outer.__exit__(None, None, None)  # the one that turned it off finishes first
    assert gc.isenabled()
    inner.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_program_that_had_the_collector_off_keeps_it_off() -> None:
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


class _Probe(Exception):
    pass


def test_the_report_and_the_case_list_read_run_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from qaf_docs.cases import caselist
    from qaf_docs.reports import qa_tracker

    seen: list[bool] = []

    def probe(*args: object, **kwargs: object) -> None:
        seen.append(gc.isenabled())
        raise _Probe

    class Register:
        results = staticmethod(probe)

    monkeypatch.setattr(caselist, "open_table_file", probe)
    with pytest.raises(_Probe):
        caselist.read_case_list(tmp_path / "cases.csv")
    with pytest.raises(_Probe):
        qa_tracker.build_tracker(Workspace(tmp_path), Register())  # type: ignore[arg-type]
    assert seen == [False, False] and gc.isenabled()
