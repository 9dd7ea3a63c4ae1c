"""Ingest speed for a burst of completed forms, against a naive baseline measured in the same run.

    python benchmarks/bench_ingest.py [--files 200]

Ours: one pass over the inbox, one register transaction per file, one tracker rebuild per burst.
Naive: the same per-file work, but the tracker rebuilt after every file (what a simple hot-folder
script does). Compare the ratio, not absolute times: this is a shared 2-core box.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from qaf_docs.demo.filling import FormFiller
from qaf_docs.inbox.ingest import Ingestor, ingest_inbox
from qaf_docs.inbox.readiness import scan
from qaf_docs.packs.details import pack_paths
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import NewAudit
from qaf_docs.register.location import open_register
from qaf_docs.reports import qa_tracker as reports
from qaf_docs.workspace import Workspace, init_workspace


def _workspace(root: Path, files: int) -> tuple[Workspace, list[Path]]:
    ws = init_workspace(root)
    framework = ws.load_framework()
    today = date.today()
    with open_register(ws) as register:
        register.record_round(
            round_id="bench",
            kind="simple",
            seed=1,
            input_sha256="",
            rules={},
            framework_id="collaborative-audit",
            audits=[
                NewAudit(f"{i}", f"Team {i % 20}", "Worker", "CP", "Auditor", "a@x.example", today)
                for i in range(files)
            ],
            today=today,
        )
        generate_packs(ws, register)
        audits = register.audits()
    filled = []
    for audit in audits:
        path = pack_paths(ws.packs, audit.round_id, audit.audit_ref)[0]
        f = FormFiller(path).pick_date("qaf_audit_date", today)
        for d in framework.domains:
            f.choose(f"qaf_grade_{d.key}", "Good").text(f"qaf_rationale_{d.key}", "Evidence.")
        f.choose("qaf_overall_grade", "Good").text("qaf_overall_rationale", "Sound.")
        f.text("qaf_action_1", "Do it").text("qaf_action_1_owner", "TM")
        f.pick_date("qaf_action_1_due", today + timedelta(days=7))
        filled.append(f.save())
    return ws, filled


def _drop(ws: Workspace, filled: list[Path]) -> None:
    for path in filled:
        shutil.copyfile(path, ws.inbox / path.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ours_ws, ours_files = _workspace(Path(tmp) / "ours", args.files)
        naive_ws, naive_files = _workspace(Path(tmp) / "naive", args.files)
        print(
            f"setup: 2 x {args.files} packs generated and filled in {time.perf_counter() - started:.1f} s"
        )

        _drop(ours_ws, ours_files)
        t0 = time.perf_counter()
        outcomes = ingest_inbox(ours_ws, settle_s=0.0)
        ours = time.perf_counter() - t0
        assert sum(o.result == "accepted" for o in outcomes) == args.files

        _drop(naive_ws, naive_files)
        t0 = time.perf_counter()
        with open_register(naive_ws) as register:
            ingestor = Ingestor(naive_ws, register, naive_ws.load_settings())
            for path in scan(naive_ws.inbox):
                ingestor.process(path)
                reports.build_tracker(naive_ws, register)
        naive = time.perf_counter() - t0

    print(
        f"ours : {ours:7.2f} s for {args.files} forms ({1000 * ours / args.files:.1f} ms/form, 1 tracker rebuild)"
    )
    print(f"naive: {naive:7.2f} s ({1000 * naive / args.files:.1f} ms/form, a rebuild per form)")
    print(f"ratio ours/naive: {ours / naive:.2f}")


if __name__ == "__main__":
    sys.exit(main())
