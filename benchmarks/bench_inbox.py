"""Time the inbox safety layer against naive baselines measured in the same run.

    python benchmarks/bench_inbox.py [--files 300] [--inbox-files 500]

1. ``inspect_office_file`` over a few hundred generated .docx/.xlsx files, against a naive check
   that fully decompresses every member and parses every XML part with the standard library.
2. ``scan`` + ``ReadinessMonitor.ready`` over a 500-file inbox (three looks: first sight, stable,
   steady state), against a naive baseline that opens every file's zip directory on each look.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import hostile_files as hf

from qaf_docs.inbox.readiness import ReadinessMonitor, scan
from qaf_docs.office.safety import inspect_office_file


def naive_check(path: Path) -> None:
    """Baseline: decompress every member and parse every XML part with the stdlib."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename.endswith((".xml", ".rels")):
                ET.fromstring(data)


def naive_ready(paths: list[Path]) -> list[Path]:
    """Baseline: a file is "ready" if its zip directory opens, checked on every look."""
    ready = []
    for path in paths:
        try:
            with zipfile.ZipFile(path):
                ready.append(path)
        except zipfile.BadZipFile:
            pass
    return ready


def timed(function: Callable[[], object], repeat: int = 3) -> float:
    """Return the best wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def realistic_docx(index: int) -> bytes:
    """A form-sized .docx: the python-docx base plus a few hundred paragraphs of text."""
    body = "".join(
        f"<w:p><w:r><w:t>Rationale {index}-{n}: the plan was reviewed and actions agreed.</w:t>"
        "</w:r></w:p>"
        for n in range(300)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()
    return hf.mutate(hf.valid_docx_bytes(), replace={"word/document.xml": xml})


def main() -> None:
    """Build the files, run both comparisons and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--inbox-files", type=int, default=500)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        forms = root / "forms"
        forms.mkdir()
        paths = []
        for i in range(args.files):
            data = realistic_docx(i) if i % 2 == 0 else hf.valid_xlsx_bytes()
            path = forms / f"form-{i:04d}.{'docx' if i % 2 == 0 else 'xlsx'}"
            path.write_bytes(data)
            paths.append(path)
        total_mb = sum(p.stat().st_size for p in paths) / 1e6

        safe = timed(lambda: [inspect_office_file(p) for p in paths])
        naive = timed(lambda: [naive_check(p) for p in paths])  # type: ignore[func-returns-value]
        print(f"inspect_office_file: {len(paths)} files ({total_mb:.1f} MB)")
        print(f"  qaf_docs  {safe * 1000:8.1f} ms  ({safe / len(paths) * 1e6:7.0f} µs/file)")
        print(f"  naive     {naive * 1000:8.1f} ms  ({naive / len(paths) * 1e6:7.0f} µs/file)")
        print(f"  ratio qaf/naive = {safe / naive:.2f}")

        inbox = root / "inbox"
        inbox.mkdir()
        data = hf.valid_docx_bytes()
        for i in range(args.inbox_files):
            (inbox / f"drop-{i:04d}.docx").write_bytes(data)
        for litter in ("~$drop-0001.docx", "Thumbs.db", ".~lock.x#"):
            (inbox / litter).write_bytes(b"x")

        looks: list[float] = []
        clock_now = [0.0]
        tracker = ReadinessMonitor(stable_checks=2, min_stable_s=0.0, clock=lambda: clock_now[0])
        for look in range(3):
            clock_now[0] += 2.0
            start = time.perf_counter()
            ready = tracker.ready(scan(inbox))
            looks.append(time.perf_counter() - start)
            if look >= 1:
                assert len(ready) == args.inbox_files
        naive_look = timed(lambda: naive_ready(scan(inbox)))
        scan_only = timed(lambda: scan(inbox))
        print(f"scan + readiness: {args.inbox_files} files in the inbox")
        print(f"  scan alone            {scan_only * 1000:8.1f} ms")
        labels = ("first sight", "becomes stable", "steady state")
        for label, seconds in zip(labels, looks, strict=True):
            print(f"  look: {label:15s} {seconds * 1000:8.1f} ms")
        print(f"  naive look (zip each) {naive_look * 1000:8.1f} ms")
        steady = statistics.mean(looks[2:])
        print(f"  ratio steady/naive = {steady / naive_look:.2f}")


if __name__ == "__main__":
    main()
