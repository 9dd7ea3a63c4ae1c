"""Per-file work on every core keeps the input order, runs setup per worker and reports failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import plan_audits

from qaf_docs.office.identity import read_custom_properties
from qaf_docs.office.parallel import POOL_FROM, batched, map_in_order
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace

_offset = 0


def _setup(offset: int) -> None:
    global _offset
    _offset = offset


def _work(n: int) -> tuple[int, int]:
    if n == 13 and _offset < 0:
        raise ValueError("unlucky file")
    return n + _offset, os.getpid()


def test_results_come_back_in_input_order_from_several_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QAF_WORKERS", "2")
    results = list(
        map_in_order(_work, list(range(200)), setup=_setup, setup_args=(1000,), pool_from=0)
    )
    assert [r for r, _ in results] == [n + 1000 for n in range(200)]
    assert os.getpid() not in {pid for _, pid in results}


def test_one_worker_runs_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QAF_WORKERS", "1")
    results = list(
        map_in_order(_work, list(range(100)), setup=_setup, setup_args=(5,), pool_from=0)
    )
    assert [r for r, _ in results] == [n + 5 for n in range(100)]
    assert {pid for _, pid in results} == {os.getpid()}


def _on_ctrl_c(_: int) -> object:
    return signal.getsignal(signal.SIGINT)


def test_ctrl_c_is_left_to_the_parent_not_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker stopped by the console's Ctrl+C would break the pool, and the watcher would then
    take the files one by one instead of stopping after the file in hand."""
    monkeypatch.setenv("QAF_WORKERS", "2")
    handlers = set(map_in_order(_on_ctrl_c, list(range(8)), pool_from=0))
    assert handlers == {signal.SIG_IGN}
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # this process keeps its own


def test_a_failure_in_a_worker_is_raised_to_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QAF_WORKERS", "2")
    with pytest.raises(ValueError, match="unlucky"):
        list(map_in_order(_work, list(range(100)), setup=_setup, setup_args=(-1,), pool_from=0))


def test_batched_keeps_every_item_once() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_packs_written_on_two_cores_each_carry_their_own_audit(
    workspace: Workspace, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QAF_WORKERS", "2")
    refs = plan_audits(register, workspace, POOL_FROM + 2)
    written = generate_packs(workspace, register)
    assert [docx.stem for docx, _ in written] == refs
    for docx_path, xlsx_path in written:
        assert read_custom_properties(docx_path)["qaf_audit_ref"] == docx_path.stem
        assert read_custom_properties(xlsx_path)["qaf_audit_ref"] == xlsx_path.stem
    assert {a.status for a in register.audits()} == {"issued"}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
def test_workers_leave_when_their_parent_is_killed_outright() -> None:
    # A `qaf ingest` killed from Task Manager must not leave workers asleep holding files open.
    script = (
        "import os, sys, time\n"
        "from qaf_docs.office.parallel import map_in_order\n"
        "os.environ['QAF_WORKERS'] = '2'\n"
        "for _ in map_in_order(time.sleep, [30.0] * 8, pool_from=2):\n"
        "    pass\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        workers: list[str] = []
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            found = subprocess.run(["pgrep", "-P", str(parent.pid)], capture_output=True, text=True)
            workers = found.stdout.split()
        assert len(workers) == 2, "the pool's workers never started"
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(int(w)) for w in workers):
        time.sleep(0.1)
    assert not [w for w in workers if _running(int(w))], "workers outlived the killed parent"


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "zombie" not in status.read()
    except FileNotFoundError:
        return False
