"""Every row of issue 14's speed table, measured against a naive way in the same run.

    python benchmarks/run.py            # the full run (about 15 minutes on the 2-core machine)
    python benchmarks/run.py --quick    # smaller sizes, 3 runs each: a minute or two
    python benchmarks/run.py --only pack,read

For each row and each of two sizes (so growth shows) it runs the naive way and qaf's way
alternately, each in a fresh process, several times, and prints the medians, the ratio, the peak
memory (the process's maximum resident set, workers included) and PASS/FAIL against the goal.
The machine is shared, so absolute times are noisy: the ratios, measured interleaved, are the
figures to trust. Data is made once per size in a temporary folder (``--data`` to keep it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

Goal = Callable[[dict[str, float], int], tuple[bool, str]]


@dataclass(frozen=True)
class Row:
    name: str
    work: str
    prepare: str  # a scenarios.prepare_* function name
    ways: tuple[str, ...]  # scenarios function names; the first is the naive one ("" for none)
    sizes: tuple[int, int]
    quick: tuple[int, int]
    unit: str
    per_item: bool  # show seconds divided by the size
    goal: Goal
    goal_text: str


def _pack_goal(m: dict[str, float], size: int) -> tuple[bool, str]:
    per = m["packs_qaf"] / size
    ratio = m["packs_naive"] / m["packs_qaf"]
    return ratio >= 50 and per * 2500 <= 5, f"2,500 packs ≈ {per * 2500:.1f} s"


def _read_goal(m: dict[str, float], size: int) -> tuple[bool, str]:
    floor = m["read_qaf"] / m["read_floor"]
    return floor <= 1.5, f"{floor:.1f}× the zip + lxml floor ({m['read_floor'] * 1000:.2f} ms)"


def _ingest_goal(m: dict[str, float], size: int) -> tuple[bool, str]:
    ratio = m["ingest_naive"] / m["ingest_qaf"]
    return ratio >= 2, f"{ratio:.2f}× faster than opening them with python-docx"


def _latency_goal(m: dict[str, float], size: int) -> tuple[bool, str]:
    return m[
        "latency_qaf"
    ] <= 2.3, "≤ 0.3 s to the row + 2 s to the tracker, after the settle window"


def _report_goal(m: dict[str, float], size: int) -> tuple[bool, str]:
    at_10k = m["report_qaf"] * 10_000 / size
    return at_10k <= 5 and m["report_qaf_mb"] <= 300, f"10,000 audits ≈ {at_10k:.1f} s (linear)"


def _sample_goal(m: dict[str, float], size: int) -> tuple[bool, str]:
    at_50k = m["caselist_qaf"] * 50_000 / size
    return at_50k <= 2, f"50,000 children ≈ {at_50k:.1f} s"


ROWS = [
    Row("pack", "pack (Word tool + Excel tracker)", "prepare_packs", ("packs_naive", "packs_qaf"),
        (100, 400), (20, 60), "ms/pack", True, _pack_goal, "≥ 50× naive; 2,500 packs ≤ 5 s"),
    Row("read", "read a filled form", "prepare_forms", ("read_naive", "read_qaf", "read_floor"),
        (100, 300), (20, 60), "ms/form", False, _read_goal, "within 1.5× the floor"),
    Row("ingest", "forms dropped at once, all in + tracker", "prepare_forms",
        ("ingest_naive", "ingest_qaf"), (300, 1000), (40, 120), "s", False, _ingest_goal,
        "≥ 2× faster than opening them with python-docx"),
    Row("latency", "one form dropped → register + tracker (N audits registered)", "prepare_forms",
        ("", "latency_qaf"), (300, 1000), (40, 120), "s", False, _latency_goal, "≤ 2.3 s"),
    Row("report", "qaf report (N audits)", "prepare_report",
        ("report_naive", "report_qaf", "report_register"), (1000, 10_000), (300, 1500), "s", False,
        _report_goal, "≤ 5 s, ≤ 300 MB at 10,000"),
    Row("sample", "case list read (N children, Annex A)", "prepare_caselist",
        ("caselist_naive", "caselist_qaf"), (10_000, 50_000), (2000, 10_000), "s", False,
        _sample_goal, "≤ 2 s at 50,000"),
]  # fmt: skip


def _child(way: str, data: Path, scratch: Path) -> None:
    import scenarios

    seconds = getattr(scenarios, way)(data, scratch)
    try:
        import resource  # POSIX only: Windows shows no peak memory
    except ImportError:
        peak_kb = 0
    else:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak_kb = max(own, workers)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))


def _prepare(name: str, data: Path, size: int) -> None:
    import scenarios

    getattr(scenarios, name)(data, size)


def _run(args: list[str]) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark step {args[:3]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _measure(row: Row, size: int, data_root: Path, runs: int) -> dict[str, float]:
    data = data_root / f"{row.prepare}-{size}"
    if not (data / ".ready").exists():
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        _run(["--prepare", row.prepare, str(data), str(size)])
        (data / ".ready").touch()
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        for way in (w for w in row.ways if w):  # interleaved: naive, qaf, naive, qaf …
            scratch = data_root / "scratch"
            out = json.loads(
                _run(["--child", way, str(data), str(scratch)]).strip().splitlines()[-1]
            )
            samples.setdefault(way, []).append(out["seconds"])
            samples.setdefault(f"{way}_mb", []).append(out["peak_mb"])
            shutil.rmtree(scratch, ignore_errors=True)
    return {k: statistics.median(v) for k, v in samples.items()}


def _fmt(seconds: float, row: Row, size: int) -> str:
    if row.unit == "ms/pack":
        return f"{seconds / size * 1000:.2f} ms"
    if row.unit == "ms/form":
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a short check")
    parser.add_argument("--runs", type=int, default=None, help="runs per way (default 5, quick 3)")
    parser.add_argument(
        "--only", default="", help="comma-separated rows: " + ",".join(r.name for r in ROWS)
    )
    parser.add_argument("--data", type=Path, default=None, help="keep the generated data here")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    if args.prepare:
        _prepare(args.prepare[0], Path(args.prepare[1]), int(args.prepare[2]))
        return
    runs = args.runs or (3 if args.quick else 5)
    wanted = {w for w in args.only.split(",") if w}
    data_root = args.data or Path(tempfile.mkdtemp(prefix="qaf-bench-"))
    print(
        f"qaf benchmarks: {os.cpu_count()} cores, median of {runs} interleaved runs, data in {data_root}"
    )
    print("| work | size | naive | qaf | ratio | peak memory (qaf) | goal | result |")
    print("|---|---|---|---|---|---|---|---|")
    failed = False
    for row in ROWS:
        if wanted and row.name not in wanted:
            continue
        sizes = row.quick if args.quick else row.sizes
        for size in sizes:
            m = _measure(row, size, data_root, runs)
            naive_way, qaf_way = row.ways[0], row.ways[1]
            naive = _fmt(m[naive_way], row, size) if naive_way else "—"
            ratio = f"{m[naive_way] / m[qaf_way]:.1f}×" if naive_way else "—"
            extra = ""
            if len(row.ways) > 2:
                extra = f" ({row.ways[2].split('_')[-1]}: {_fmt(m[row.ways[2]], row, size)})"
            ok, note = row.goal(m, size)
            last = size == sizes[-1]
            verdict = ("PASS" if ok else "FAIL") if last else "(growth)"
            failed |= last and not ok
            print(
                f"| {row.work} | {size:,} | {naive} | {_fmt(m[qaf_way], row, size)}{extra} | {ratio} "
                f"| {m[qaf_way + '_mb']:.0f} MB | {row.goal_text}: {note} | {verdict} |",
                flush=True,
            )
    if not args.data:
        shutil.rmtree(data_root, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
