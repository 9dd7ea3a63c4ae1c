"""Kill -9 at random points while a burst is ingested: nothing is lost, nothing is recorded twice.

Each round starts `qaf ingest` in a real subprocess and kills it with SIGKILL after a random delay
(during start-up, the readiness wait, reading, the commit, the move, the note or the tracker
rebuild). QAF_CRASH_ROUNDS and QAF_CRASH_SEED give a longer or different soak.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import complete_form, pack_docx, plan_audits

from qaf_docs.packs.generate import generate_packs
from qaf_docs.register.location import open_register
from qaf_docs.workspace import Workspace

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only"),
    pytest.mark.both_backends,
]

ROUNDS = int(os.environ.get("QAF_CRASH_ROUNDS", "12"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _burst(workspace: Workspace, count: int) -> Counter[str]:
    """Drop a burst of good, bad, junk and duplicate files; return the content hashes dropped."""
    with open_register(workspace) as register:
        plan_audits(register, workspace, count)
        generate_packs(workspace, register)
        audits = register.audits()
    framework = workspace.load_framework()
    staging = workspace.root / "staging"
    staging.mkdir()
    for i, audit in enumerate(audits):
        f = complete_form(pack_docx(workspace, audit), framework)
        if i % 5 == 4:
            f.text("qaf_action_1_due", "ASAP")  # rejected
        f.save()
        shutil.copyfile(pack_docx(workspace, audit), staging / f"form {i:02d}.docx")
    shutil.copyfile(staging / "form 00.docx", staging / "form 00 again.docx")  # a duplicate
    (staging / "letter.docx").write_bytes(b"%PDF-1.4 not a form")
    (staging / "broken.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    dropped: Counter[str] = Counter()
    for path in sorted(staging.iterdir()):
        dropped[_sha(path)] += 1
        shutil.move(str(path), workspace.inbox / path.name)
    # Let the files look settled, so every round gets past the readiness wait quickly.
    old = time.time() - 3600
    for path in workspace.inbox.iterdir():
        os.utime(path, (old, old))
    return dropped


def _ingest(workspace: Workspace) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "qaf_docs", "ingest", "--workspace", str(workspace.root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_killing_ingest_at_random_points_loses_nothing_and_records_nothing_twice(
    workspace: Workspace,
) -> None:
    dropped = _burst(workspace, 20)
    rng = random.Random(int(os.environ.get("QAF_CRASH_SEED", "20261122")))
    kills = 0
    for _ in range(ROUNDS):
        proc = _ingest(workspace)
        time.sleep(rng.uniform(0.3, 2.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    # Finish the job (exit 3 when this run rejected files); a second run finds nothing left.
    assert _ingest(workspace).wait(timeout=120) in (0, 3)
    assert _ingest(workspace).wait(timeout=120) == 0
    assert kills >= ROUNDS // 2, "most rounds must actually be interrupted"

    def files(folder: Path) -> list[Path]:
        return [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]

    processed = files(workspace.processed)
    rejected = [p for p in files(workspace.rejected) if not p.name.endswith(".rejected.txt")]
    # Every input is in exactly one place, whole: none left, none lost, none copied twice.
    assert files(workspace.inbox) == []
    assert Counter(_sha(p) for p in processed + rejected) == dropped
    assert all(p.stat().st_size > 0 for p in processed + rejected), "no empty placeholders"
    # Every rejected file sits beside its note.
    for path in rejected:
        assert path.with_name(path.name + ".rejected.txt").exists(), path.name
    # The register holds each processed file exactly once.
    with open_register(workspace) as register:
        submissions = register.submission_hashes()
        recorded = register.counts().get("files processed", 0)
    assert len(submissions) == len(processed) == recorded
    assert len(set(submissions)) == len(submissions)
    assert sorted(_sha(p) for p in processed) == sorted(submissions)
    # Each accepted form's case note was written once, under one name, wherever a kill fell.
    notes = sorted(p.name for p in (workspace.outbox / "case-notes").rglob("*.txt"))
    assert len(notes) == len(submissions) and not any(" (2)" in n for n in notes)
