"""Tests for qaf_docs.inbox.readiness: what is a submission, when it is complete, moving it safely."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import hostile_files as hf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qaf_docs.errors import FileInUseError
from qaf_docs.inbox import readiness as inbox
from qaf_docs.inbox.moves import MAX_NAME_BYTES, move_without_clobber, safe_display_name
from qaf_docs.inbox.readiness import ReadinessMonitor, is_ignored, scan


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.mark.parametrize(
    "name",
    [
        "~$dit form.docx",
        ".~lock.audit form.docx#",
        "~WRL0001.tmp",
        "upload.TMP",
        ".hidden.docx",
        ".DS_Store",
        "Thumbs.db",
        "desktop.ini",
        "form.docx.crdownload",
        "form.docx.part",
    ],
)
def test_litter_is_ignored(name: str) -> None:
    assert is_ignored(Path(name))


@pytest.mark.parametrize("name", ["audit form.docx", "tracker.xlsx", "form.doc", "notes.pdf", "x"])
def test_submissions_are_not_ignored(name: str) -> None:
    # Even non-Office files are candidates: they must be rejected with a note, not silently skipped.
    assert not is_ignored(Path(name))


def test_scan_lists_candidates_only(tmp_path: Path) -> None:
    for name in ("b.docx", "a.xlsx", "~$b.docx", ".~lock.a.xlsx#", "Thumbs.db", "x.tmp"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.docx").write_bytes(b"x")
    assert [p.name for p in scan(tmp_path)] == ["a.xlsx", "b.docx"]


def test_scan_of_a_missing_folder_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        scan(tmp_path / "offline-share")


# --- readiness ------------------------------------------------------------------------------------


def test_file_is_ready_only_after_stable_looks(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = ReadinessMonitor(stable_checks=2, min_stable_s=1.0, clock=clock)
    path = hf.valid_docx(tmp_path)
    assert tracker.ready([path]) == []  # first look
    clock.advance(0.1)
    assert tracker.ready([path]) == []  # unchanged, but not for long enough
    clock.advance(1.0)
    assert tracker.ready([path]) == [path]


def test_a_growing_file_is_not_ready(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = ReadinessMonitor(stable_checks=2, min_stable_s=0.0, clock=clock)
    path = tmp_path / "copying.docx"
    data = hf.valid_docx_bytes()
    with path.open("wb") as handle:
        for end in range(1000, len(data), 1000):
            handle.write(data[end - 1000 : end])
            handle.flush()
            clock.advance(1)
            assert tracker.ready([path]) == []
        handle.write(data[end:])
    clock.advance(1)
    assert tracker.ready([path]) == []  # changed since last look
    clock.advance(1)
    assert tracker.ready([path]) == [path]


def test_stable_but_incomplete_zip_waits_then_is_handed_over(tmp_path: Path) -> None:
    # A copy that stalls mid-way looks stable; the missing zip directory keeps it waiting, but
    # not for ever: after invalid_timeout_s it is handed over to be rejected as damaged.
    clock = FakeClock()
    tracker = ReadinessMonitor(min_stable_s=0.0, invalid_timeout_s=60, clock=clock)
    path = hf.truncated(tmp_path)
    for _ in range(5):
        assert tracker.ready([path]) == []
        clock.advance(10)
    clock.advance(30)
    assert tracker.ready([path]) == [path]


def test_empty_placeholder_waits_until_filled(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = ReadinessMonitor(min_stable_s=0.0, empty_timeout_s=600, clock=clock)
    path = tmp_path / "placeholder.docx"
    path.write_bytes(b"")
    for _ in range(5):
        assert tracker.ready([path]) == []
        clock.advance(60)
    path.write_bytes(hf.valid_docx_bytes())
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    assert tracker.ready([path]) == []
    clock.advance(1)
    assert tracker.ready([path]) == [path]


def test_empty_placeholder_times_out_for_rejection(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = ReadinessMonitor(min_stable_s=0.0, empty_timeout_s=600, clock=clock)
    path = tmp_path / "placeholder.docx"
    path.write_bytes(b"")
    tracker.ready([path])
    clock.advance(599)
    assert tracker.ready([path]) == []
    clock.advance(2)
    assert tracker.ready([path]) == [path]


def test_ready_files_come_in_arrival_order(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = ReadinessMonitor(stable_checks=1, min_stable_s=0.0, clock=clock)
    names = ["c.docx", "a.docx", "b.docx"]
    for offset, name in enumerate(names):
        path = hf.valid_docx(tmp_path, name)
        os.utime(path, ns=(0, 1_700_000_000_000_000_000 + offset * 1_000_000_000))
    assert [p.name for p in tracker.ready(scan(tmp_path))] == names  # by mtime, not by name
    late = hf.valid_docx(tmp_path, "0-late.docx")
    os.utime(late, ns=(0, 1_600_000_000_000_000_000))  # an old mtime, as Windows copies keep
    clock.advance(5)
    # Seen later, so it arrived later, whatever its modified time says.
    assert [p.name for p in tracker.ready(scan(tmp_path))] == [*names, "0-late.docx"]


def test_vanished_files_are_forgotten(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = ReadinessMonitor(min_stable_s=0.0, clock=clock)
    path = hf.valid_docx(tmp_path)
    tracker.ready([path])
    path.unlink()
    assert tracker.ready([path]) == []
    assert tracker.pending() == []


def test_slow_copy_is_never_ready_before_the_last_chunk(tmp_path: Path) -> None:
    """A thread copies a large file in chunks with pauses; the tracker looks all the while."""
    data = hf.mutate(hf.valid_docx_bytes(), add={"word/media/big.bin": os.urandom(4 * hf.MiB)})
    path = tmp_path / "slow.docx"
    chunk = len(data) // 12
    written = [0]
    # Held while a chunk is written and while the tracker looks, so each look sees a known state.
    gate = threading.Lock()

    def slow_copy() -> None:
        with path.open("wb") as handle:
            for start in range(0, len(data), chunk):
                with gate:
                    handle.write(data[start : start + chunk])
                    handle.flush()
                    written[0] = handle.tell()
                time.sleep(0.08)  # a pause longer than the tracker's look interval

    # Real clock, quick looks: during the pauses size and mtime are stable, so only the zip
    # directory (written last) stops an early read.
    tracker = ReadinessMonitor(stable_checks=2, min_stable_s=0.02)
    writer = threading.Thread(target=slow_copy)
    writer.start()
    became_ready = False
    looks = 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with gate:
            ready = tracker.ready([path] if path.exists() else [])
            complete = written[0] == len(data)
        looks += 1
        if ready:
            assert complete, f"read after {written[0]} of {len(data)} bytes"
            became_ready = True
            break
        time.sleep(0.01)
    writer.join()
    assert became_ready and looks > 12
    assert path.read_bytes() == data


def test_zip_check_runs_once_per_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    real = inbox._zip_directory_ok

    def counting(path: Path) -> bool:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(inbox, "_zip_directory_ok", counting)
    clock = FakeClock()
    tracker = ReadinessMonitor(stable_checks=1, min_stable_s=0.0, clock=clock)
    path = hf.valid_docx(tmp_path)
    for _ in range(5):
        assert tracker.ready([path]) == [path]
    assert len(calls) == 1


# --- names and moves ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("audit form.docx", "audit form.docx"),
        ('a:b*c?d"e<f>g|h.docx', "a_b_c_d_e_f_g_h.docx"),
        ("..\\..\\Windows\\evil.docx", "evil.docx"),
        ("../../etc/passwd", "passwd"),
        ("CON.docx", "_CON.docx"),
        ("con", "_con"),
        ("lpt1.tar.docx", "_lpt1.tar.docx"),
        ("COM9.xlsx", "_COM9.xlsx"),
        ("trailing dot. ", "trailing dot"),
        ("form.docx.", "form.docx"),
        ("tab\there.docx", "tab_here.docx"),
        ("", "file"),
        ("...", "file"),
        (".docx", "docx"),
        ("e\u0301cole.docx", "\u00e9cole.docx"),
    ],
)
def test_safe_display_name(name: str, expected: str) -> None:
    assert safe_display_name(name) == expected


def test_safe_display_name_keeps_the_extension_when_truncating() -> None:
    result = safe_display_name("x" * 400 + ".docx")
    assert len(result) == 150 and result.endswith(".docx")


def test_a_long_non_ascii_name_is_shortened_by_its_bytes_with_room_for_a_note(
    tmp_path: Path,
) -> None:
    """86 Chinese characters are 258 bytes: under 150 characters, over what a disk takes."""
    name = "审核表" * 27 + ".docx"  # 81 characters and ".docx": 248 bytes, as the tester's
    (tmp_path / name).write_bytes(b"one")
    first = move_without_clobber(tmp_path / name, tmp_path / "rejected")
    (tmp_path / name).write_bytes(b"two")
    second = move_without_clobber(tmp_path / name, tmp_path / "rejected")
    for moved in (first, second):
        assert len(moved.name.encode("utf-8")) <= MAX_NAME_BYTES and moved.suffix == ".docx"
        assert moved.name.startswith("审核表审核表"), "whole characters, cut at the end"
    assert second.name.endswith(" (2).docx")
    longest = f".{second.name}.rejected.4194304-0123abcd.tmp.txt"  # the note's temporary name
    assert len(longest.encode("utf-8")) <= 255


_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}


@given(st.text(max_size=300))
def test_safe_display_name_is_always_valid_on_windows(name: str) -> None:
    result = safe_display_name(name)
    assert 0 < len(result) <= 150 and len(result.encode("utf-8")) <= MAX_NAME_BYTES
    assert not any(ch in result for ch in '<>:"/\\|?*') and all(ord(ch) >= 32 for ch in result)
    assert result[-1] not in ". " and result[0] != "."
    assert result.split(".")[0].strip().upper() not in _RESERVED


def test_move_never_clobbers(tmp_path: Path) -> None:
    dest = tmp_path / "processed"
    moved = []
    for content in (b"one", b"two", b"three"):
        src = tmp_path / "form.docx"
        src.write_bytes(content)
        moved.append(move_without_clobber(src, dest))
    assert [p.name for p in moved] == ["form.docx", "form (2).docx", "form (3).docx"]
    assert [p.read_bytes() for p in moved] == [b"one", b"two", b"three"]
    assert not (tmp_path / "form.docx").exists()


def test_move_uses_a_safe_name(tmp_path: Path) -> None:
    src = tmp_path / "in.docx"
    src.write_bytes(b"x")
    assert (
        move_without_clobber(src, tmp_path / "out", name="CON:evil?.docx").name == "CON_evil_.docx"
    )


def test_move_of_a_locked_file_says_so_and_leaves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "open in word.docx"
    src.write_bytes(b"x")

    def locked(*_: object) -> None:
        raise PermissionError(13, "The process cannot access the file (sharing violation)")

    monkeypatch.setattr("qaf_docs.inbox.moves.os.replace", locked)
    with pytest.raises(FileInUseError, match="open in another program") as caught:
        move_without_clobber(src, tmp_path / "processed")
    assert caught.value.path == src
    assert src.read_bytes() == b"x"
    assert list((tmp_path / "processed").iterdir()) == []  # the reserved name was given back


def test_move_across_volumes_copies_then_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "form.docx"
    src.write_bytes(b"content")

    def cross_device(*_: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr("qaf_docs.inbox.moves.os.replace", cross_device)
    moved = move_without_clobber(src, tmp_path / "processed")
    assert moved.read_bytes() == b"content" and not src.exists()


def test_a_file_that_is_plainly_not_a_zip_is_ready_once_stable(tmp_path: Path) -> None:
    # A PDF or an old .doc will never become a zip: hand it over to be rejected without delay.
    clock = FakeClock()
    tracker = ReadinessMonitor(min_stable_s=0.0, invalid_timeout_s=600, clock=clock)
    paths = [hf.pdf(tmp_path), hf.legacy_doc(tmp_path)]
    tracker.ready(paths)
    clock.advance(1)
    assert sorted(tracker.ready(paths)) == sorted(paths)


def test_preallocated_zeros_wait(tmp_path: Path) -> None:
    clock = FakeClock()
    tracker = ReadinessMonitor(min_stable_s=0.0, invalid_timeout_s=600, clock=clock)
    path = tmp_path / "preallocated.docx"
    path.write_bytes(b"\x00" * 100_000)
    tracker.ready([path])
    clock.advance(1)
    assert tracker.ready([path]) == []


def test_a_fresh_tracker_hands_over_a_long_broken_file(tmp_path: Path) -> None:
    # One-shot ingest builds a new tracker each run: age by modified time still counts.
    clock = FakeClock()
    tracker = ReadinessMonitor(min_stable_s=0.0, invalid_timeout_s=120, clock=clock)
    path = hf.truncated(tmp_path)
    hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(hour_ago, hour_ago))
    tracker.ready([path])
    clock.advance(1)
    assert tracker.ready([path]) == [path]


@pytest.mark.parametrize(
    ("form", "owner", "held"),
    [
        ("QA2611-0002.docx", "~$2611-0002.docx", True),  # a long name: two characters replaced
        ("abcdefg.docx", "~$bcdefg.docx", True),  # seven: one
        ("ab.docx", "~$ab.docx", True),  # short: none
        ("QA2611-0002.docx", "~$2611-0003.docx", False),  # another form's
        ("QA2611-0002.xlsx", "~$2611-0002.docx", False),  # the Word file, not the tracker
        ("XYQA2611-0002.docx", "~$2611-0002.docx", False),  # more than two characters apart
        # LibreOffice's lock, by the whole name. Before, a form open in LibreOffice on a share
        # without locks was read, and moved, while its author was still typing into it.
        ("QA2611-0002.docx", ".~lock.QA2611-0002.docx#", True),
        ("QA2611-0002.xlsx", ".~lock.QA2611-0002.docx#", False),
        ("2611-0002.docx", ".~lock.QA2611-0002.docx#", False),
    ],
)
def test_a_file_word_or_excel_has_open_is_told_by_its_owner_file(
    tmp_path: Path, form: str, owner: str, held: bool
) -> None:
    from qaf_docs.inbox.readiness import open_in_office

    (tmp_path / form).write_bytes(b"PK")
    (tmp_path / owner).write_bytes(b"\x0bSam")
    assert open_in_office([tmp_path / form], time.time()) == ({tmp_path / form} if held else set())
