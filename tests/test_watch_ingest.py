"""`qaf watch` end to end: real forms dropped by another process are all processed or rejected."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import complete_form, pack_docx, plan_audits

from qaf_docs.inbox import bulk, ingest
from qaf_docs.inbox.watch import watch_inbox
from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

pytestmark = pytest.mark.both_backends

COPIER = """
import shutil, sys, time
from pathlib import Path
src, inbox = Path(sys.argv[1]), Path(sys.argv[2])
for path in sorted(src.iterdir()):
    data = path.read_bytes()
    target = inbox / path.name
    with open(target, "wb") as f:  # written in chunks with pauses, like a slow network copy
        for i in range(0, len(data), 4096):
            f.write(data[i : i + 4096]); f.flush(); time.sleep(0.002)
"""


def _wait_for(condition: object, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_files_dropped_by_another_process_while_watching_all_end_up_processed_or_rejected(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with open_register(workspace) as register:
        plan_audits(register, workspace, 12)
        generate_packs(workspace, register)
        audits = register.audits()
    framework = workspace.load_framework()
    staging = tmp_path / "staging"
    staging.mkdir()
    for i, audit in enumerate(audits):
        f = complete_form(pack_docx(workspace, audit), framework)
        if i % 4 == 0:
            f.text(f"qaf_grade_{framework.domains[0].key}", "Goodish")
        f.save()
        shutil.copyfile(pack_docx(workspace, audit), staging / f"{audit.audit_ref}.docx")
    (staging / "not a form.docx").write_text("hello")

    rebuilds: list[float] = []
    real_build = ingest.derived.reports.build_tracker

    def counting_build(*args: object, **kwargs: object) -> Path:
        rebuilds.append(time.monotonic())
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest.derived.reports, "build_tracker", counting_build)
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_inbox, args=(workspace,), kwargs={"scan_interval_s": 0.5, "stop": stop}
    )
    watcher.start()
    try:
        copier = subprocess.run(
            [sys.executable, "-c", COPIER, str(staging), str(workspace.inbox)], timeout=120
        )
        assert copier.returncode == 0
        expected = len(list(staging.iterdir()))

        def done() -> bool:
            settled = [p for p in workspace.processed.iterdir()] + [
                p for p in workspace.rejected.iterdir() if not p.name.endswith(".txt")
            ]
            return len(settled) == expected and bool(rebuilds)

        assert _wait_for(done), "every dropped file is processed or rejected"
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert not watcher.is_alive()
    assert [p.name for p in workspace.inbox.iterdir() if not p.name.startswith(".")] == []
    assert len(list(workspace.processed.iterdir())) == 9
    rejected = [p for p in workspace.rejected.iterdir() if not p.name.endswith(".txt")]
    assert len(rejected) == 4
    assert all(p.with_name(p.name + ".rejected.txt").exists() for p in rejected)
    assert 1 <= len(rebuilds) < expected, "the tracker is rebuilt per burst, not per file"
    assert workspace.tracker_path.exists()


def test_a_folder_of_forms_dropped_at_once_is_taken_together_while_watching(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_register(workspace) as register:
        plan_audits(register, workspace, 10)
        generate_packs(workspace, register)
        audits = register.audits()
    framework = workspace.load_framework()
    for audit in audits:
        complete_form(pack_docx(workspace, audit), framework).save()
        shutil.copyfile(pack_docx(workspace, audit), workspace.inbox / f"{audit.audit_ref}.docx")
    handed: list[int] = []
    real = bulk.BulkIngestor.ingest_files

    def counting(
        self: bulk.BulkIngestor, paths: list[Path], *args: object, **kwargs: object
    ) -> object:
        handed.append(len(paths))
        return real(self, paths, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk.BulkIngestor, "ingest_files", counting)
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_inbox, args=(workspace,), kwargs={"scan_interval_s": 0.5, "stop": stop}
    )
    watcher.start()
    try:
        assert _wait_for(lambda: len(list(workspace.processed.iterdir())) == len(audits))
        assert _wait_for(workspace.tracker_path.exists)
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert handed == [len(audits)]  # read and recorded together, not one by one
    with open_register(workspace) as register:
        assert all(register.submission(a.audit_ref) is not None for a in audits)


@pytest.mark.parametrize("forms", [2, 9], ids=["one by one", "taken together"])
def test_the_watch_log_has_one_line_per_file_as_qaf_ingest_prints_it(
    workspace: Workspace, caplog: pytest.LogCaptureFixture, forms: int
) -> None:
    """The README: the log says `watching …`, then one line per file (it said each file twice)."""
    with open_register(workspace) as register:
        plan_audits(register, workspace, forms)
        generate_packs(workspace, register)
        audits = register.audits()
    framework = workspace.load_framework()
    for i, audit in enumerate(audits):
        f = complete_form(pack_docx(workspace, audit), framework)
        if i == 0:
            f.choose(f"qaf_grade_{framework.domains[0].key}", "Goodish")
        f.save()
        shutil.copyfile(pack_docx(workspace, audit), workspace.inbox / f"{audit.audit_ref}.docx")
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_inbox, args=(workspace,), kwargs={"scan_interval_s": 0.5, "stop": stop}
    )
    with caplog.at_level(logging.INFO, logger="qaf.ingest"):
        watcher.start()
        try:
            assert _wait_for(lambda: len(list(workspace.processed.iterdir())) == forms - 1)
            assert _wait_for(lambda: caplog.text.count(": accepted") == forms - 1)
        finally:
            stop.set()
            watcher.join(timeout=30)
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    for audit in audits:
        lines = [line for line in said if audit.audit_ref in line]
        assert len(lines) == 1, lines
    rejected = audits[0].audit_ref
    assert f"audit {rejected}: rejected: 1 problem(s), see the note" in said
    assert any(line.startswith(f"audit {audits[1].audit_ref}: accepted") for line in said)


def test_ctrl_c_stops_a_folder_of_forms_between_files_and_the_rest_wait_untouched(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C while a folder of forms is taken together: the files done stay recorded and
    moved, the rest stay in the inbox as they were, and the next run takes them, each once."""
    with open_register(workspace) as register:
        plan_audits(register, workspace, 10)
        generate_packs(workspace, register)
        audits = register.audits()
    framework = workspace.load_framework()
    dropped = {}
    for audit in audits:
        complete_form(pack_docx(workspace, audit), framework).save()
        path = workspace.inbox / f"{audit.audit_ref}.docx"
        shutil.copyfile(pack_docx(workspace, audit), path)
        dropped[path] = path.read_bytes()
    stop = threading.Event()
    real = bulk.BulkIngestor._decide

    def ctrl_c_on_the_third(self: bulk.BulkIngestor, *args: object) -> object:
        decided = real(self, *args)  # type: ignore[arg-type]
        calls.append(1)
        if len(calls) == 3:
            stop.set()  # as the watcher's Ctrl+C handler does
        return decided

    calls: list[int] = []
    monkeypatch.setattr(bulk.BulkIngestor, "_decide", ctrl_c_on_the_third)
    watcher = threading.Thread(
        target=watch_inbox, args=(workspace,), kwargs={"scan_interval_s": 0.5, "stop": stop}
    )
    watcher.start()
    watcher.join(timeout=60)
    assert not watcher.is_alive()
    assert len(list(workspace.processed.glob("*.docx"))) == 3
    left = sorted(workspace.inbox.glob("*.docx"))
    assert len(left) == 7 and all(path.read_bytes() == dropped[path] for path in left)
    with open_register(workspace) as register:
        assert register.submission_count() == 3
    monkeypatch.setattr(bulk.BulkIngestor, "_decide", real)  # the next run, without Ctrl+C
    outcomes = ingest.ingest_inbox(workspace, settle_s=0.05)
    assert sorted(o.result for o in outcomes) == ["accepted"] * 7
    with open_register(workspace) as register:
        assert register.submission_count() == 10
