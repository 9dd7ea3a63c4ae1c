"""What ``qaf generate`` wrote, in the words of the admin officer who runs it.

"Wrote 1 audit tool and 1 action tracker" counted whole packs: after ``--rewrite REF`` left the
tracker as it was (its manager's, being filled in), it still said a tracker was written. Each
audit written again is said on its own: which of its two files were written, which were left as
they were and why, and where anything moved out of the way is kept.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from qaf_docs.packs.resume import GeneratedPacks

KIND = {".docx": ("audit tool", "auditor"), ".xlsx": ("action tracker", "manager")}


def count_of(n: int, noun: str) -> str:
    """ "1 audit tool", "3 audit tools"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def packs_written(written: GeneratedPacks, rewrite: Collection[str], packs: Path) -> list[str]:
    """The lines to print after ``qaf generate``: the packs written, then each one written again."""
    again = {ref.upper() for ref in rewrite}
    others = [pack for pack in written if pack[0].stem.upper() not in again]
    lines: list[str] = []
    if others:
        n = len(others)
        lead = (
            f"Also wrote the packs of {count_of(n, 'allocated audit')} waiting for theirs: "
            if again
            else "Wrote "
        )
        lines.append(f"{lead}{count_of(n, 'audit tool')} and {count_of(n, 'action tracker')}:")
        lines += [f"  {folder}" for folder in sorted({docx.parent for docx, _ in others})]
    if written.kept:
        lines.append(
            f"{count_of(len(written.kept), 'pack')} of these had been written by a qaf generate "
            "that stopped before recording them: kept as they are (an auditor may have started "
            "filling one in) and now recorded as issued."
        )
    moved = dict(written.set_aside)
    for docx, xlsx in written:
        if docx.stem.upper() in again:
            lines += _written_again(docx, xlsx, written.own, moved, packs)
    for was, now in written.set_aside:  # --reissue's, said as before
        if was.stem.upper() not in again:
            lines.append(_moved(was, now, packs))
    return lines


def _written_again(
    docx: Path, xlsx: Path, own: Collection[Path], moved: dict[Path, Path], packs: Path
) -> list[str]:
    """What ``--rewrite`` did to one audit's pack, file by file."""
    ref = docx.stem
    done = [f"its {KIND[p.suffix][0]} ({p.name})" for p in (docx, xlsx) if p not in own]
    lines = []
    if done:
        lines.append(f"Audit {ref}: wrote {' and '.join(done)} again, in {docx.parent}.")
    for path in (docx, xlsx):
        if path in moved:
            lines.append(_moved(path, moved[path], packs))
        if path in own:
            kind, who = KIND[path.suffix]
            lines.append(
                f"{path.name} is the audit's own {kind} (its {who} may be filling it in), so it "
                "was left as it is; to have it written afresh, move it out of the folder and run "
                f"qaf generate --rewrite {ref} again."
            )
    return lines


def _moved(was: Path, now: Path, packs: Path) -> str:
    """One file moved out of a pack's way: where it is kept, and that nothing in it is lost."""
    kind = KIND.get(was.suffix, ("file", ""))[0]
    return (
        f"{was.name} was moved out of the pack's way, kept as "
        f"{now.relative_to(packs.parent).as_posix()}: it was not this audit's own {kind} "
        f"(another audit's form saved under its name, say), and nothing in it is lost; a new "
        f"{kind} was written in its place."
    )
